#include "legacy/seed_import.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "auth/policy.h"
#include "common/dates.h"
#include "storage/legacy_source.h"
#include "weather/weather.h"

namespace jogtrack::legacy {

namespace {

// SQLite's CURRENT_TIMESTAMP ("2019-06-04 10:00:00", UTC) -> RFC 3339; anything else -> now.
std::string timestamp(const std::optional<std::string>& value) {
  if (value && value->size() >= 19 && parse_date(value->substr(0, 10)) && ((*value)[10] == ' ' || (*value)[10] == 'T'))
    return value->substr(0, 10) + "T" + value->substr(11, 8) + "Z";
  return now_timestamp();
}

std::vector<std::string> scopes_of(const std::optional<std::string>& stored) {
  std::vector<std::string> scopes;
  rapidjson::Document parsed;
  parsed.Parse(stored.value_or("[]").c_str());
  if (!parsed.HasParseError() && parsed.IsArray())
    for (const auto& s : parsed.GetArray())
      if (s.IsString()) scopes.emplace_back(s.GetString(), s.GetStringLength());
  if (auto canonical = auth::canonical_scopes(scopes); canonical && !canonical->empty()) return *canonical;
  return {"user"};  // unknown or no scopes: the least privilege
}

void convert_users(const std::vector<storage::SourceUserRow>& rows, SourceData& out) {
  for (const auto& row : rows) {
    storage::LegacyUser u;
    u.source_id = row.user_id;
    u.username = row.username.value_or("");
    if (u.username.empty()) {
      out.rejected.push_back("user " + std::to_string(u.source_id) + ": no username");
      continue;
    }
    u.username_key = auth::username_key(u.username);
    u.email = row.email;
    u.name = row.name;
    u.scopes = scopes_of(row.scopes);
    u.role = auth::role_of(u.scopes);
    u.password_hash = row.hashed_password.value_or("");
    u.created_at = timestamp(row.create_date);
    if (row.expire_date) u.deleted_at = timestamp(row.expire_date);
    out.users.push_back(std::move(u));
  }
}

void convert_runs(const std::vector<storage::SourceRunRow>& rows, SourceData& out) {
  for (const auto& row : rows) {
    storage::LegacyRun r;
    r.source_id = row.result_id;
    r.source_user_id = row.user_id;
    r.distance = row.running_distance;
    r.time = row.time;
    r.location = row.location.value_or("");
    const std::string what = "run " + std::to_string(r.source_id) + ": ";
    const auto date = parse_date(row.date.value_or(""));
    const auto where = weather::parse_location(r.location);
    if (!date) {
      out.rejected.push_back(what + "not a calendar date");
    } else if (!where) {
      out.rejected.push_back(what + "not a \"LAT LON\" location");
    } else if (r.distance < 1 || r.time < 1) {
      out.rejected.push_back(what + "distance and time must be positive");
    } else {
      r.date = format_date(*date);
      r.latitude = where->latitude;
      r.longitude = where->longitude;
      const IsoWeek week = iso_week(*date);  // computed again, not trusted from the source
      r.iso_year = week.year;
      r.iso_week = week.week;
      r.condition_json = legacy_condition_json(row.condition.value_or(""));
      r.created_at = timestamp(row.created_at);
      out.runs.push_back(std::move(r));
    }
  }
}

}  // namespace

std::string legacy_condition_json(const std::string& stored) {
  rapidjson::Document legacy;
  legacy.Parse(stored.c_str(), stored.size());
  const bool is_json = !legacy.HasParseError();
  // A condition like any other (one writer of the stored shape): its Open-Meteo
  // values stay null, Dark Sky's data is kept whole under "legacy".
  weather::Condition condition;
  condition.provider = "darksky";
  if (is_json && legacy.IsObject()) {
    const auto it = legacy.FindMember("summary");
    if (it != legacy.MemberEnd() && it->value.IsString())
      condition.summary.assign(it->value.GetString(), it->value.GetStringLength());
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  if (is_json)
    legacy.Accept(w);
  else
    w.String(stored.c_str(), static_cast<rapidjson::SizeType>(stored.size()));  // the original's Python dict repr
  condition.legacy = std::string(buf.GetString(), buf.GetSize());
  return weather::condition_to_json(condition);
}

SourceData read_source(const std::string& path) {
  const auto rows = storage::read_original_database(path);
  SourceData data;
  convert_users(rows.users, data);
  convert_runs(rows.runs, data);
  return data;
}

int import_seed(const std::string& source_path, const std::string& target_url, std::ostream& out,
                storage::Logger log) {
  const SourceData data = read_source(source_path);
  const auto report = storage::import_legacy(target_url, data.users, data.runs, std::move(log));
  out << "users: " << report.users_imported << " imported, " << report.users_already << " already imported, "
      << report.users_clashing.size() << " skipped\n";
  for (const auto& name : report.users_clashing)
    out << "  skipped user " << name << ": the username is taken by an existing account\n";
  out << "runs: " << report.runs_imported << " imported, " << report.runs_already << " already imported, "
      << report.runs_skipped + static_cast<int>(data.rejected.size()) << " skipped\n";
  if (report.runs_skipped > 0)
    out << "  " << report.runs_skipped << " runs of skipped users\n";
  for (const auto& why : data.rejected) out << "  skipped " << why << "\n";
  return 0;
}

}  // namespace jogtrack::legacy
