// JSON shape of a run, its weather condition embedded as stored.
#pragma once
#include <string>

#include "api/request_parts.h"
#include "storage/storage.h"

namespace jogtrack::api {

void write_run(JsonWriter& w, const storage::RunRecord& run);
std::string run_json(const storage::RunRecord& run);

}  // namespace jogtrack::api
