// The weekly report: per ISO-8601 week (ISO year + week) that has runs, the
// total distance and time and the average speed (total distance / total time).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "filter/filter.h"
#include "storage/storage.h"
#include "users/caller.h"

namespace jogtrack::reports {

enum class WeeklyFormat {
  Seed,  // {"2015": [{"1": [average_speed, total_distance]}, ...], ...} (the original system's shape)
  List,  // [{year, week, week_start, runs, total_distance, total_time, average_speed, average_distance}, ...]
};

// The ?format= value: absent or "seed" -> Seed, "list" -> List; anything else 400.
WeeklyFormat parse_weekly_format(std::optional<std::string_view> value);

// What `sort` may name for weeks (format=list): week, runs, total_distance,
// total_time, average_speed, average_distance (storage maps them to the
// grouped runs or to weekly_totals).
const filter::Schema& week_sort_schema();
inline constexpr std::string_view kDefaultWeekSort = "week";

// Seed rows must be ordered by (year, week) ascending (the default sort).
std::string render_weekly(const std::vector<storage::WeekRow>& rows, WeeklyFormat format);

// Average speed of a week in m/s (0 when no time was recorded).
double average_speed(const storage::WeekRow& row);

class ReportService {
 public:
  ReportService(storage::RunStore& runs, storage::UserStore& users);
  // The caller's weeks, or (admin only, via ?user_id=N) user N's; 403/404 as for runs.
  // request.filter applies to the runs before grouping; page/count page over weeks.
  storage::Page<storage::WeekRow> weekly(const users::Caller& caller, std::optional<std::int64_t> query_user_id,
                                         const storage::ListRequest& request);

 private:
  storage::RunStore& runs_;
  storage::UserStore& users_;
};

}  // namespace jogtrack::reports
