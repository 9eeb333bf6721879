// Runs in and out of jogtrack in bulk (SPEC §7): POST /results/import (GPX,
// TCX, CSV files) and GET /results/export (CSV, streamed).
#include <cmath>

#include "api/dto/runs.h"
#include "api/endpoint.h"
#include "api/idempotency.h"
#include "api/request_parts.h"
#include "api/routes.h"
#include "common/ascii.h"
#include "common/dates.h"
#include "common/errors.h"
#include "imports/run_csv.h"
#include "imports/tracks.h"
#include "runs/run_import.h"
#include "runs/run_service.h"

namespace jogtrack::api {

namespace {

// An import file may be large (a year of GPS tracks); every other route keeps the 64 KiB limit.
constexpr std::size_t kImportBodyLimit = 10 * 1024 * 1024;
constexpr std::string_view kGpx = "application/gpx+xml";
constexpr std::string_view kTcx = "application/vnd.garmin.tcx+xml";
constexpr std::string_view kCsv = "text/csv";
// Runs per export query: one chunk of the response (about 100 bytes a run).
constexpr std::int64_t kExportChunkRuns = 1000;

std::string media_type(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  const auto first = type.find_first_not_of(" \t");
  const auto last = type.find_last_not_of(" \t");
  type = first == std::string::npos ? "" : type.substr(first, last - first + 1);
  for (char& c : type) c = static_cast<char>(ascii_lower(c));
  return type;
}

std::vector<imports::ImportedRun> parse_file(const http::Request& request) {
  const std::string type = media_type(request.content_type);
  if (type == kGpx) return imports::parse_gpx(request.body);
  if (type == kTcx) return imports::parse_tcx(request.body);
  if (type == kCsv) return imports::parse_runs_csv(request.body);
  throw ApiError(ErrorKind::UnsupportedMediaType, "the body must be application/gpx+xml, "
                                                  "application/vnd.garmin.tcx+xml or text/csv");
}

std::optional<double> finite(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? v : std::nullopt;
}

void append_run(std::string& out, const storage::RunRecord& run) {
  // Imported legacy runs (import-seed) carry no Open-Meteo fields: their cells
  // stay empty, as do those of a condition that does not read back.
  static const weather::Condition none;
  const weather::Condition* typed = run.condition.typed();
  const weather::Condition& condition = typed != nullptr ? *typed : none;
  const std::string date = format_date(run.date);
  imports::ExportRow row;
  row.result_id = run.result_id;
  row.date = date;
  row.distance = run.distance;
  row.time = run.time;
  row.location = run.location;
  row.speed = run.speed;
  row.summary = condition.summary;
  row.temperature_max = finite(condition.temperature_max);
  row.temperature_min = finite(condition.temperature_min);
  row.precipitation = finite(condition.precipitation_sum);
  row.wind_speed = finite(condition.wind_speed_max);
  imports::append_export_row(out, row);
}

http::Response import_handler(Services& s, const Call& c) {
  const auto runs = parse_file(c.request);
  const auto created = s.runs.import(c.caller, query_user_id(c.request), runs, latest_local_date(), c.request.deadline);
  return http::Response::json(201, dto::runs_json(created));
}

// Everything that can fail cleanly (parameters, the owner, the first query)
// happens here; the stream then pages through the rest.
http::Response export_handler(Services& s, const Call& c) {
  for (const char* paging : {"page", "count"})
    if (c.request.query_param(paging)) throw_invalid(paging, "the export has no pages: it holds every matching run");
  auto list = parse_list_request(c.request, runs::run_schema(c.caller), runs::kDefaultRunSort);
  const auto user_id = query_user_id(c.request);
  list.count = kExportChunkRuns;
  list.page = 0;
  auto first = s.runs.list(c.caller, user_id, list);

  http::Response response;
  response.content_type = "text/csv; charset=utf-8";
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"runs.csv\"");
  response.stream = [&s, caller = c.caller, user_id, list = std::move(list),
                     page = std::move(first.items)](const http::ChunkSink& sink) mutable {
    // Pages through the list's order (ties broken by result_id): one chunk of
    // runs in memory at a time, and no database connection held while the
    // client reads.
    std::string chunk(imports::kExportHeader);
    for (;;) {
      for (const auto& run : page) append_run(chunk, run);
      if (!sink(std::move(chunk))) return;  // the client left
      chunk.clear();
      if (static_cast<std::int64_t>(page.size()) < list.count) return;
      ++list.page;
      page = s.runs.list(caller, user_id, list).items;
    }
  };
  return response;
}

}  // namespace

void add_transfer_routes(http::Router& router, Services& s) {
  // Waits on the weather provider, like POST /results: the Weather pool.
  Endpoint import("POST", "/results/import", Auth::Bearer, {"user_id"}, http::Pool::Weather);
  import.max_body_bytes = kImportBodyLimit;
  import.content_types = {std::string(kGpx), std::string(kTcx), std::string(kCsv)};
  // A retried upload with the same Idempotency-Key replays the first answer instead of importing twice.
  add_endpoint(router, s.sessions, std::move(import),
               idempotent(s, [&s](const Call& c) { return import_handler(s, c); }));

  add_endpoint(router, s.sessions, {"GET", "/results/export", Auth::Bearer, list_query({"user_id"})},
               [&s](const Call& c) { return export_handler(s, c); });
}

}  // namespace jogtrack::api
