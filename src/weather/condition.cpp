// Writing a condition (reading it back: condition_reader.cpp; keeping it as stored: stored_condition.cpp).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>

#include "weather/weather.h"

namespace jogtrack::weather {

std::string_view wmo_summary(int code) {
  switch (code) {
    case 0: return "Clear sky";
    case 1: return "Mainly clear";
    case 2: return "Partly cloudy";
    case 3: return "Overcast";
    case 45: return "Fog";
    case 48: return "Depositing rime fog";
    case 51: return "Light drizzle";
    case 53: return "Moderate drizzle";
    case 55: return "Dense drizzle";
    case 56: return "Light freezing drizzle";
    case 57: return "Dense freezing drizzle";
    case 61: return "Slight rain";
    case 63: return "Moderate rain";
    case 65: return "Heavy rain";
    case 66: return "Light freezing rain";
    case 67: return "Heavy freezing rain";
    case 71: return "Slight snow fall";
    case 73: return "Moderate snow fall";
    case 75: return "Heavy snow fall";
    case 77: return "Snow grains";
    case 80: return "Slight rain showers";
    case 81: return "Moderate rain showers";
    case 82: return "Violent rain showers";
    case 85: return "Slight snow showers";
    case 86: return "Heavy snow showers";
    case 95: return "Thunderstorm";
    case 96: return "Thunderstorm with slight hail";
    case 99: return "Thunderstorm with heavy hail";
    default: return "";
  }
}

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_key(Writer& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}
void write_string(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void write_opt(Writer& w, std::string_view key, const std::optional<double>& v) {
  write_key(w, key);
  if (v && std::isfinite(*v))
    w.Double(*v);
  else
    w.Null();
}
void write_opt(Writer& w, std::string_view key, const std::optional<int>& v) {
  write_key(w, key);
  if (v)
    w.Int(*v);
  else
    w.Null();
}
void write_opt(Writer& w, std::string_view key, const std::optional<std::string>& v) {
  write_key(w, key);
  if (v)
    write_string(w, *v);
  else
    w.Null();
}

}  // namespace

std::string condition_to_json(const Condition& c) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  write_key(w, "provider");
  write_string(w, c.provider);
  write_key(w, "summary");
  write_string(w, c.summary);
  write_opt(w, "weather_code", c.weather_code);
  write_opt(w, "temperature_max", c.temperature_max);
  write_opt(w, "temperature_min", c.temperature_min);
  write_opt(w, "apparent_temperature_max", c.apparent_temperature_max);
  write_opt(w, "apparent_temperature_min", c.apparent_temperature_min);
  write_opt(w, "precipitation_sum", c.precipitation_sum);
  write_opt(w, "rain_sum", c.rain_sum);
  write_opt(w, "snowfall_sum", c.snowfall_sum);
  write_opt(w, "wind_speed_max", c.wind_speed_max);
  write_opt(w, "wind_gusts_max", c.wind_gusts_max);
  write_opt(w, "wind_direction_dominant", c.wind_direction_dominant);
  write_opt(w, "sunrise", c.sunrise);
  write_opt(w, "sunset", c.sunset);
  if (c.legacy) {
    write_key(w, "legacy");
    w.RawValue(c.legacy->data(), c.legacy->size(), rapidjson::kObjectType);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace jogtrack::weather
