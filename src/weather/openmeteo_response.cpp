// The Open-Meteo protocol without the network: request URLs and response parsing.
#include <cmath>
#include <cstdio>
#include <limits>

#include "common/errors.h"
#include "weather/json_util.h"
#include "weather/provider_text.h"
#include "weather/weather.h"

namespace jogtrack::weather {

namespace {

constexpr const char* kDailyVariables =
    "weather_code,temperature_2m_max,temperature_2m_min,apparent_temperature_max,"
    "apparent_temperature_min,precipitation_sum,rain_sum,snowfall_sum,wind_speed_10m_max,"
    "wind_gusts_10m_max,wind_direction_10m_dominant,sunrise,sunset";

// Fixed notation, at most 6 decimals, trailing zeros (and a trailing '.') dropped.
std::string format_coordinate(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", value);
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

[[noreturn]] void malformed(const std::string& what) {
  throw ApiError(ErrorKind::WeatherUnavailable, "weather provider sent a malformed response: " + what, {},
                 30);
}

[[noreturn]] void no_data(const std::string& what) {
  throw ApiError(ErrorKind::NoWeatherData, "weather provider has no data: " + bounded_message(what, kMaxReasonBytes));
}

// The value at `index` of column `name`: nullptr when the column is absent or
// the value is null. A column that is present must be an array as long as time.
const rapidjson::Value* cell(const rapidjson::Value& daily, const char* name, rapidjson::SizeType index,
                             rapidjson::SizeType rows) {
  auto it = daily.FindMember(name);
  if (it == daily.MemberEnd() || it->value.IsNull()) return nullptr;
  if (!it->value.IsArray() || it->value.Size() != rows)
    malformed(std::string("daily.") + name + " is not aligned with daily.time");
  const rapidjson::Value& v = it->value[index];
  return v.IsNull() ? nullptr : &v;
}

std::optional<double> number_cell(const rapidjson::Value& daily, const char* name,
                                  rapidjson::SizeType index, rapidjson::SizeType rows) {
  const rapidjson::Value* v = cell(daily, name, index, rows);
  if (!v) return std::nullopt;
  if (!v->IsNumber() || !std::isfinite(v->GetDouble()))
    malformed(std::string("daily.") + name + " holds a non-number");
  return v->GetDouble();
}

// An integral number that fits in an int (e.g. 3 or 3.0).
std::optional<int> int_cell(const rapidjson::Value& daily, const char* name, rapidjson::SizeType index,
                            rapidjson::SizeType rows) {
  const auto d = number_cell(daily, name, index, rows);
  if (!d) return std::nullopt;
  if (*d != std::floor(*d) || *d < std::numeric_limits<int>::min() ||
      *d > std::numeric_limits<int>::max())
    malformed(std::string("daily.") + name + " holds a non-integer");
  return static_cast<int>(*d);
}

// A number rounded to the nearest int (wind directions are documented as whole
// degrees, but a fractional one is still data, not garbage).
std::optional<int> rounded_int_cell(const rapidjson::Value& daily, const char* name,
                                    rapidjson::SizeType index, rapidjson::SizeType rows) {
  const auto d = number_cell(daily, name, index, rows);
  if (!d) return std::nullopt;
  if (*d < -1e6 || *d > 1e6) malformed(std::string("daily.") + name + " is out of range");
  return static_cast<int>(std::lround(*d));
}

std::optional<std::string> string_cell(const rapidjson::Value& daily, const char* name,
                                       rapidjson::SizeType index, rapidjson::SizeType rows) {
  const rapidjson::Value* v = cell(daily, name, index, rows);
  if (!v) return std::nullopt;
  if (!v->IsString()) malformed(std::string("daily.") + name + " holds a non-string");
  return short_field(std::string_view(v->GetString(), v->GetStringLength()), kMaxTimeOfDayBytes);
}

}  // namespace

std::string build_request_url(const OpenMeteoOptions& options, Days date, Location where, Days today) {
  const bool archive = date < today - std::chrono::days{options.archive_lag_days};
  std::string url = archive ? options.archive_url : options.forecast_url;
  const std::string day = format_date(date);
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "latitude=" + format_coordinate(where.latitude);
  url += "&longitude=" + format_coordinate(where.longitude);
  url += "&start_date=" + day + "&end_date=" + day;
  url += "&daily=";
  url += kDailyVariables;
  url += "&timezone=auto";
  return url;
}

Condition parse_daily_response(std::string_view body, Days date) {
  rapidjson::Document doc;
  if (!detail::parse_json(doc, body)) malformed("not JSON");
  if (!doc.IsObject()) malformed("not a JSON object");

  if (auto err = doc.FindMember("error"); err != doc.MemberEnd() && err->value.IsTrue()) {
    std::string reason = "no reason given";
    if (auto r = doc.FindMember("reason"); r != doc.MemberEnd() && r->value.IsString())
      reason.assign(r->value.GetString(), r->value.GetStringLength());
    no_data(reason);
  }

  auto daily_it = doc.FindMember("daily");
  if (daily_it == doc.MemberEnd() || !daily_it->value.IsObject()) malformed("no daily object");
  const rapidjson::Value& daily = daily_it->value;
  auto time_it = daily.FindMember("time");
  if (time_it == daily.MemberEnd() || !time_it->value.IsArray()) malformed("no daily.time array");
  const rapidjson::Value& time = time_it->value;
  const rapidjson::SizeType rows = time.Size();

  const std::string wanted = format_date(date);
  rapidjson::SizeType index = rows;
  for (rapidjson::SizeType i = 0; i < rows; ++i) {
    if (!time[i].IsString()) malformed("daily.time holds a non-string");
    if (std::string_view(time[i].GetString(), time[i].GetStringLength()) == wanted) {
      index = i;
      break;
    }
  }
  if (index == rows) no_data(wanted + " is not in the response");

  Condition c;
  c.weather_code = int_cell(daily, "weather_code", index, rows);
  c.temperature_max = number_cell(daily, "temperature_2m_max", index, rows);
  c.temperature_min = number_cell(daily, "temperature_2m_min", index, rows);
  c.apparent_temperature_max = number_cell(daily, "apparent_temperature_max", index, rows);
  c.apparent_temperature_min = number_cell(daily, "apparent_temperature_min", index, rows);
  c.precipitation_sum = number_cell(daily, "precipitation_sum", index, rows);
  c.rain_sum = number_cell(daily, "rain_sum", index, rows);
  c.snowfall_sum = number_cell(daily, "snowfall_sum", index, rows);
  c.wind_speed_max = number_cell(daily, "wind_speed_10m_max", index, rows);
  c.wind_gusts_max = number_cell(daily, "wind_gusts_10m_max", index, rows);
  c.wind_direction_dominant = rounded_int_cell(daily, "wind_direction_10m_dominant", index, rows);
  c.sunrise = string_cell(daily, "sunrise", index, rows);
  c.sunset = string_cell(daily, "sunset", index, rows);

  const bool any_weather = c.weather_code || c.temperature_max || c.temperature_min ||
                           c.apparent_temperature_max || c.apparent_temperature_min ||
                           c.precipitation_sum || c.rain_sum || c.snowfall_sum || c.wind_speed_max ||
                           c.wind_gusts_max || c.wind_direction_dominant;
  if (!any_weather) no_data("all values for " + wanted + " are null");
  if (c.weather_code) c.summary = std::string(wmo_summary(*c.weather_code));
  return c;
}

}  // namespace jogtrack::weather
