// /results: runs and the weekly report.
#include "api/conditional.h"
#include "api/dto/runs.h"
#include "api/endpoint.h"
#include "api/idempotency.h"
#include "api/request_parts.h"
#include "api/routes.h"
#include "common/dates.h"
#include "reports/weekly_report.h"
#include "runs/run_service.h"

namespace jogtrack::api {

void add_run_routes(http::Router& router, Services& s) {
  auto& sessions = s.sessions;
  // POST and PATCH may call the weather provider: they run on the Weather pool
  // so a provider that hangs cannot hold the threads every other route needs.
  add_endpoint(router, sessions, {"POST", "/results", Auth::Bearer, {"user_id"}, http::Pool::Weather},
               idempotent(s, [&s](const Call& c) {
                 const auto user_id = query_user_id(c.request);
                 const auto input = runs::parse_new_run(c.request.body, latest_local_date());
                 const auto run = s.runs.create(c.caller, user_id, input, c.request.deadline);
                 auto response = http::Response::json(201, dto::run_json(run));
                 response.headers.emplace_back("Location", "/results/" + std::to_string(run.result_id));
                 return response;
               }));

  add_endpoint(router, sessions, {"GET", "/results", Auth::Bearer, list_query({"user_id"})}, [&s](const Call& c) {
    const auto list = parse_list_request(c.request, runs::run_schema(c.caller), runs::kDefaultRunSort);
    const auto page = s.runs.list(c.caller, query_user_id(c.request), list);
    auto response = http::Response::json(200, dto::runs_json(page.items));
    add_paging_headers(response, c.request, list, page.total);
    return response;
  });

  add_endpoint(router, sessions, {"GET", "/results/{id}"}, [&s](const Call& c) {
    const auto run = s.runs.get(c.caller, c.id);
    return with_etag(http::Response::json(200, dto::run_json(run)), run.version);
  });

  add_endpoint(router, sessions, {"PATCH", "/results/{id}", Auth::Bearer, {}, http::Pool::Weather},
               [&s](const Call& c) {
                 const auto patch = runs::parse_run_patch(c.request.body, latest_local_date());
                 const auto run = s.runs.update(c.caller, c.id, patch, c.request.deadline, if_match(c.request));
                 return with_etag(http::Response::json(200, dto::run_json(run)), run.version);
               });

  add_endpoint(router, sessions, {"DELETE", "/results/{id}"}, [&s](const Call& c) {
    s.runs.remove(c.caller, c.id, c.request.deadline, if_match(c.request));
    return http::Response::no_content();
  });

  add_endpoint(router, sessions, {"GET", "/results/reports/weekly", Auth::Bearer, list_query({"user_id", "format"})},
               [&s](const Call& c) {
                 const auto format = reports::parse_weekly_format(c.request.query_param("format"));
                 // The seed shape is an object keyed by year: only (year, week) order fits it.
                 if (c.request.query_param("sort") && format != reports::WeeklyFormat::List)
                   throw_invalid("sort", "sorting weeks needs format=list");
                 const auto list = parse_list_request(c.request, runs::run_schema(c.caller), reports::kDefaultWeekSort,
                                                      &reports::week_sort_schema());
                 const auto page = s.reports.weekly(c.caller, query_user_id(c.request), list);
                 auto response = http::Response::json(200, reports::render_weekly(page.items, format));
                 add_paging_headers(response, c.request, list, page.total);
                 return response;
               });
}

}  // namespace jogtrack::api
