// The one way the API writes JSON: a RapidJSON writer into a string, and the
// few shapes every DTO repeats (nullable strings, string arrays).
#pragma once
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jogtrack::api::dto {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// The JSON text that write(w) produces.
template <class Write>
std::string write_json(Write&& write) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  std::forward<Write>(write)(w);
  return std::string(buf.GetString(), buf.GetSize());
}

// A JSON array of the items, each written by write_item(w, item).
template <class Items, class WriteItem>
std::string write_json_array(const Items& items, WriteItem&& write_item) {
  return write_json([&](JsonWriter& w) {
    w.StartArray();
    for (const auto& item : items) write_item(w, item);
    w.EndArray();
  });
}

void write_string(JsonWriter& w, std::string_view value);
void write_string(JsonWriter& w, const char* key, std::string_view value);
// The value, or null when absent.
void write_optional_string(JsonWriter& w, const char* key, const std::optional<std::string>& value);
void write_string_array(JsonWriter& w, const char* key, const std::vector<std::string>& values);

}  // namespace jogtrack::api::dto
