// Command line: serve, user administration and migrations, over one configuration.
#pragma once

namespace jogtrack::cli {
int run(int argc, char** argv);
}
