// The one way the API writes JSON: a RapidJSON writer into a string, and the
// few shapes every DTO repeats (nullable strings, string arrays).
#pragma once
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jogtrack::api::dto {

// RapidJSON's writer, plus a raw value copied in one piece: RawValue copies
// byte by byte through the output stream (measured: a third of the time spent
// writing a page of runs went into copying their stored conditions).
class JsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using Writer::Writer;
  // `json` must be one complete JSON value of `type` (it is not checked).
  void RawJson(std::string_view json, rapidjson::Type type) {
    Prefix(type);
    std::memcpy(os_->Push(json.size()), json.data(), json.size());
    EndValue(true);
  }
  // A key or string value, copied whole when nothing in it needs escaping
  // (checked in one cheap pass), as almost every key, date, timestamp and
  // name is, instead of going through RapidJSON byte by byte (with RawJson,
  // a page of runs is written in about half the instructions). Anything that
  // does need escaping is escaped by RapidJSON as before.
  void PlainKey(std::string_view key) { quoted(key); }
  void PlainString(std::string_view value) { quoted(value); }

 private:
  static bool needs_escaping(std::string_view text) {
    for (const unsigned char c : text)
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return true;
    return false;
  }
  void quoted(std::string_view text) {
    if (needs_escaping(text)) {
      String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      return;
    }
    Prefix(rapidjson::kStringType);
    char* out = os_->Push(text.size() + 2);
    out[0] = '"';
    std::memcpy(out + 1, text.data(), text.size());
    out[text.size() + 1] = '"';
    EndValue(true);
  }
};

// The JSON text that write(w) produces. `expected_bytes` sizes the buffer up
// front, so a list page is written without the buffer growing (and copying)
// five or six times on the way.
template <class Write>
std::string write_json(Write&& write, std::size_t expected_bytes = 512) {
  rapidjson::StringBuffer buf(nullptr, expected_bytes);
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
  }, 512 * (std::size(items) + 1));
}

void write_string(JsonWriter& w, std::string_view value);
void write_string(JsonWriter& w, const char* key, std::string_view value);
// The value, or null when absent.
void write_optional_string(JsonWriter& w, const char* key, const std::optional<std::string>& value);
void write_string_array(JsonWriter& w, const char* key, const std::vector<std::string>& values);

}  // namespace jogtrack::api::dto
