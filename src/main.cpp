// jogtrack: entry point; the composition root lives in cli.cpp.
#include "cli.h"

int main(int argc, char** argv) { return jogtrack::cli::run(argc, argv); }
