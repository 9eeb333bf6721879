#include "reports/weekly_report.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/dates.h"
#include "common/errors.h"
#include "runs/run_service.h"

namespace jogtrack::reports {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void key(Writer& w, const std::string& k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }

void render_seed(Writer& w, const std::vector<storage::WeekRow>& rows) {
  w.StartObject();
  bool open = false;
  int year = 0;
  for (const auto& row : rows) {
    if (!open || row.year != year) {
      if (open) w.EndArray();
      key(w, std::to_string(row.year));
      w.StartArray();
      open = true;
      year = row.year;
    }
    w.StartObject();
    key(w, std::to_string(row.week));
    w.StartArray();
    w.Double(average_speed(row));
    w.Int64(row.total_distance);
    w.EndArray();
    w.EndObject();
  }
  if (open) w.EndArray();
  w.EndObject();
}

void render_list(Writer& w, const std::vector<storage::WeekRow>& rows) {
  w.StartArray();
  for (const auto& row : rows) {
    w.StartObject();
    w.Key("year");
    w.Int(row.year);
    w.Key("week");
    w.Int(row.week);
    w.Key("week_start");
    const std::string monday = format_date(iso_week_monday(IsoWeek{row.year, row.week}));
    w.String(monday.c_str());
    w.Key("runs");
    w.Int64(row.runs);
    w.Key("total_distance");
    w.Int64(row.total_distance);
    w.Key("total_time");
    w.Int64(row.total_time);
    w.Key("average_speed");
    w.Double(average_speed(row));
    w.Key("average_distance");
    w.Double(row.runs > 0 ? static_cast<double>(row.total_distance) / static_cast<double>(row.runs) : 0.0);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

const filter::Schema& week_sort_schema() {
  using filter::FieldType;
  static const filter::Schema table({
      {"week", FieldType::Integer},
      {"runs", FieldType::Integer},
      {"total_distance", FieldType::Integer},
      {"total_time", FieldType::Integer},
      {"average_speed", FieldType::Real},
      {"average_distance", FieldType::Real},
  });
  return table;
}

WeeklyFormat parse_weekly_format(std::optional<std::string_view> value) {
  if (!value || *value == "seed") return WeeklyFormat::Seed;
  if (*value == "list") return WeeklyFormat::List;
  throw_invalid("format", "must be \"list\" or \"seed\" (the default)");
}

double average_speed(const storage::WeekRow& row) {
  return row.total_time > 0 ? static_cast<double>(row.total_distance) / static_cast<double>(row.total_time) : 0.0;
}

std::string render_weekly(const std::vector<storage::WeekRow>& rows, WeeklyFormat format) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  if (format == WeeklyFormat::Seed)
    render_seed(w, rows);
  else
    render_list(w, rows);
  return std::string(buf.GetString(), buf.GetSize());
}

ReportService::ReportService(storage::RunStore& runs, storage::UserStore& users) : runs_(runs), users_(users) {}

storage::Page<storage::WeekRow> ReportService::weekly(const users::Caller& caller,
                                                      std::optional<std::int64_t> query_user_id,
                                                      const storage::ListRequest& request) {
  return runs_.weekly(runs::resolve_owner(users_, caller, query_user_id), request);
}

}  // namespace jogtrack::reports
