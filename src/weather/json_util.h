// Internal helpers shared by the weather sources (not part of the public API).
#pragma once
#include <rapidjson/document.h>

#include <string_view>

namespace jogtrack::weather::detail {

// Iterative (no recursion: deep nesting from a hostile body cannot blow the
// stack), full-precision (doubles round-trip exactly) parsing; invalid UTF-8
// makes the whole body malformed, so no provider string reaches the database
// or a response unless it is valid UTF-8.
constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag | rapidjson::kParseValidateEncodingFlag;

inline bool parse_json(rapidjson::Document& doc, std::string_view text) {
  doc.Parse<kParseFlags>(text.data(), text.size());
  return !doc.HasParseError();
}

}  // namespace jogtrack::weather::detail
