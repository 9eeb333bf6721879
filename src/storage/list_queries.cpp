#include "storage/list_queries.h"

#include "storage/list_sql.h"
#include "storage/run_queries.h"
#include "storage/user_queries.h"

namespace jogtrack::storage::queries {

namespace {

constexpr const char* kPage = " LIMIT :lim OFFSET :off";

// "WHERE <scope> AND <filter>" over the map's columns.
std::string where(const char* scope, const ListRequest& request, const ColumnMap& columns) {
  std::string sql = "WHERE ";
  sql += scope;
  if (request.filter) {
    sql += " AND ";
    append_filter_sql(sql, *request.filter, columns);
  }
  return sql;
}

std::string users_where(const ListRequest& request, bool only_role) {
  return where(only_role ? "u.deleted_at IS NULL AND u.role = :only_role" : "u.deleted_at IS NULL", request,
               user_columns());
}

}  // namespace

std::string run_count(const ListRequest& request) {
  return std::string("SELECT COUNT(*)") + kLiveRuns + where("r.user_id = :owner", request, run_columns());
}

std::string run_page(const ListRequest& request) {
  return std::string("SELECT ") + kRunColumns + kLiveRuns + where("r.user_id = :owner", request, run_columns()) +
         " ORDER BY " + order_by_sql(request.sort, run_columns()) + kPage;
}

std::string week_count(const ListRequest& request) {
  if (!request.filter) return std::string("SELECT COUNT(*)") + kLiveWeeks;
  return std::string("SELECT COUNT(*) FROM (SELECT r.iso_year") + kLiveRuns +
         where("r.user_id = :owner", request, run_columns()) + " GROUP BY r.iso_year, r.iso_week) weeks";
}

std::string week_page(const ListRequest& request) {
  if (!request.filter)
    return std::string("SELECT r.iso_year, r.iso_week, r.runs, r.total_distance, r.total_time") + kLiveWeeks +
           " ORDER BY " + order_by_sql(request.sort, week_totals_columns()) + kPage;
  return std::string(
             "SELECT r.iso_year, r.iso_week, COUNT(*), CAST(SUM(r.distance) AS BIGINT), "
             "CAST(SUM(r.time) AS BIGINT)") +
         kLiveRuns + where("r.user_id = :owner", request, run_columns()) +
         " GROUP BY r.iso_year, r.iso_week ORDER BY " + order_by_sql(request.sort, week_group_columns()) + kPage;
}

std::string user_count(const ListRequest& request, bool only_role) {
  return "SELECT COUNT(*) FROM users u " + users_where(request, only_role);
}

std::string user_page(const ListRequest& request, bool only_role) {
  return std::string("SELECT ") + kUserColumns + " FROM users u " + users_where(request, only_role) +
         " ORDER BY " + order_by_sql(request.sort, user_columns()) + kPage;
}

}  // namespace jogtrack::storage::queries
