// Runs on the wire: the JSON shape of a run (its weather condition embedded as
// stored). The request bodies are parsed by runs/run_input.h, next to the
// rules they enforce.
#pragma once
#include <string>
#include <vector>

#include "api/dto/json_writer.h"
#include "storage/storage.h"

namespace jogtrack::api::dto {

void write_run(JsonWriter& w, const storage::RunRecord& run);
std::string run_json(const storage::RunRecord& run);
std::string runs_json(const std::vector<storage::RunRecord>& runs);

}  // namespace jogtrack::api::dto
