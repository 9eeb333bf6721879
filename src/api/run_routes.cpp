// /results: runs and the weekly report.
#include "api/conditional.h"
#include "api/idempotency.h"
#include "api/request_parts.h"
#include "api/run_json.h"
#include "api/routes.h"
#include "common/dates.h"
#include "reports/weekly_report.h"
#include "runs/run_service.h"

namespace jogtrack::api {

void add_run_routes(http::Router& router, Services& s) {
  // POST and PATCH may call the weather provider: they run on the Weather pool
  // so a provider that hangs cannot hold the threads every other route needs.
  router.add({"POST", "/results",
              idempotent_for_user(s, [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                allow_query_params(request, {"user_id"});
                const auto user_id = query_user_id(request);
                const auto input = runs::parse_new_run(request.body, latest_local_date());
                const auto run = s.runs.create(caller, user_id, input, request.deadline);
                auto response = http::Response::json(201, run_json(run));
                response.headers.emplace_back("Location", "/results/" + std::to_string(run.result_id));
                return response;
              }),
              http::Pool::Weather});

  router.add({"GET", "/results", [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                const auto params = parse_list_params(request, runs::run_fields(caller), runs::kDefaultRunSort,
                                                      runs::kRunIdColumn, {"user_id"});
                const auto page = s.runs.list(caller, query_user_id(request), params.query);
                rapidjson::StringBuffer buf;
                JsonWriter w(buf);
                w.StartArray();
                for (const auto& run : page.items) write_run(w, run);
                w.EndArray();
                auto response = http::Response::json(200, std::string(buf.GetString(), buf.GetSize()));
                add_paging_headers(response, request, params, page.total);
                return response;
              }});

  router.add({"GET", "/results/{id}", [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                const auto id = path_id(request);
                allow_query_params(request, {});
                const auto run = s.runs.get(caller, id);
                return with_etag(http::Response::json(200, run_json(run)), run.version);
              }});

  router.add({"PATCH", "/results/{id}",
              [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                const auto id = path_id(request);
                allow_query_params(request, {});
                const auto patch = runs::parse_run_patch(request.body, latest_local_date());
                const auto run = s.runs.update(caller, id, patch, request.deadline, if_match(request));
                return with_etag(http::Response::json(200, run_json(run)), run.version);
              },
              http::Pool::Weather});

  router.add({"DELETE", "/results/{id}", [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                const auto id = path_id(request);
                allow_query_params(request, {});
                s.runs.remove(caller, id, request.deadline, if_match(request));
                return http::Response::no_content();
              }});

  router.add({"GET", "/results/reports/weekly", [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                const auto format = reports::parse_weekly_format(request.query_param("format"));
                // The seed shape is an object keyed by year: only (year, week) order fits it.
                if (request.query_param("sort") && format != reports::WeeklyFormat::List)
                  throw_invalid("sort", "sorting weeks needs format=list");
                const auto params =
                    parse_list_params(request, runs::run_fields(caller), reports::kDefaultWeekSort,
                                      reports::kWeekIdColumn, {"user_id", "format"}, &reports::week_sort_fields());
                const auto page = s.reports.weekly(caller, query_user_id(request), params.query);
                auto response = http::Response::json(200, reports::render_weekly(page.items, format));
                add_paging_headers(response, request, params, page.total);
                return response;
              }});
}

}  // namespace jogtrack::api
