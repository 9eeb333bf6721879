#include "api/dto/json_writer.h"

namespace jogtrack::api::dto {

void write_string(JsonWriter& w, std::string_view value) { w.PlainString(value); }

void write_string(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  write_string(w, value);
}

void write_optional_string(JsonWriter& w, const char* key, const std::optional<std::string>& value) {
  w.Key(key);
  if (value)
    write_string(w, *value);
  else
    w.Null();
}

void write_string_array(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& v : values) write_string(w, v);
  w.EndArray();
}

}  // namespace jogtrack::api::dto
