#include "legacy/seed_import.h"

#include <sqlite3.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <memory>
#include <stdexcept>

#include "auth/policy.h"
#include "common/dates.h"
#include "weather/weather.h"

namespace jogtrack::legacy {

namespace {

using Db = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;
using Stmt = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

Db open_read_only(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw, &sqlite3_close);
  if (rc != SQLITE_OK)
    throw std::runtime_error("cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  return db;
}

Stmt prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("not the original system's database: ") + sqlite3_errmsg(db));
  return Stmt(raw, &sqlite3_finalize);
}

std::optional<std::string> text(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return std::nullopt;
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, col)));
}

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

void read_users(sqlite3* db, SourceData& out) {
  auto st = prepare(db, "SELECT user_id, username, email, name, scopes, hashed_password, create_date, expire_date "
                        "FROM users ORDER BY user_id");
  while (sqlite3_step(st.get()) == SQLITE_ROW) {
    storage::LegacyUser u;
    u.source_id = sqlite3_column_int64(st.get(), 0);
    u.username = text(st.get(), 1).value_or("");
    if (u.username.empty()) {
      out.rejected.push_back("user " + std::to_string(u.source_id) + ": no username");
      continue;
    }
    u.username_key = auth::username_key(u.username);
    u.email = text(st.get(), 2);
    u.name = text(st.get(), 3);
    u.scopes = scopes_of(text(st.get(), 4));
    u.role = auth::role_of(u.scopes);
    u.password_hash = text(st.get(), 5).value_or("");
    u.created_at = timestamp(text(st.get(), 6));
    if (const auto expired = text(st.get(), 7)) u.deleted_at = timestamp(expired);
    out.users.push_back(std::move(u));
  }
}

void read_runs(sqlite3* db, SourceData& out) {
  auto st = prepare(db, "SELECT result_id, user_id, running_distance, date, time, location, condition, created_at "
                        "FROM jogging_results ORDER BY result_id");
  while (sqlite3_step(st.get()) == SQLITE_ROW) {
    storage::LegacyRun r;
    r.source_id = sqlite3_column_int64(st.get(), 0);
    r.source_user_id = sqlite3_column_int64(st.get(), 1);
    r.distance = sqlite3_column_int64(st.get(), 2);
    r.time = sqlite3_column_int64(st.get(), 4);
    r.location = text(st.get(), 5).value_or("");
    const std::string what = "run " + std::to_string(r.source_id) + ": ";
    const auto date = parse_date(text(st.get(), 3).value_or(""));
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
      r.condition_json = legacy_condition_json(text(st.get(), 6).value_or(""));
      r.created_at = timestamp(text(st.get(), 7));
      out.runs.push_back(std::move(r));
    }
  }
}

}  // namespace

std::string legacy_condition_json(const std::string& stored) {
  rapidjson::Document legacy;
  legacy.Parse(stored.c_str(), stored.size());
  const bool is_json = !legacy.HasParseError();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("provider");
  w.String("darksky");
  w.Key("summary");
  const rapidjson::Value* summary = nullptr;
  if (is_json && legacy.IsObject()) {
    const auto it = legacy.FindMember("summary");
    if (it != legacy.MemberEnd() && it->value.IsString()) summary = &it->value;
  }
  if (summary)
    w.String(summary->GetString(), summary->GetStringLength());
  else
    w.String("");
  for (const char* key : {"weather_code", "temperature_max", "temperature_min", "apparent_temperature_max",
                          "apparent_temperature_min", "precipitation_sum", "rain_sum", "snowfall_sum",
                          "wind_speed_max", "wind_gusts_max", "wind_direction_dominant", "sunrise", "sunset"}) {
    w.Key(key);
    w.Null();
  }
  w.Key("legacy");
  if (is_json)
    legacy.Accept(w);
  else
    w.String(stored.c_str(), static_cast<rapidjson::SizeType>(stored.size()));  // the original's Python dict repr
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

SourceData read_source(const std::string& path) {
  const Db db = open_read_only(path);
  SourceData data;
  read_users(db.get(), data);
  read_runs(db.get(), data);
  return data;
}

int import_seed(const std::string& source_path, const std::string& target_url, std::ostream& out) {
  const SourceData data = read_source(source_path);
  const auto report = storage::import_legacy(target_url, data.users, data.runs);
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
