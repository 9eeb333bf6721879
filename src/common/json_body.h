// Reading request bodies: strict JSON objects whose unknown or mistyped fields become 400s.
#pragma once
#include <rapidjson/document.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"

namespace jogtrack {

class JsonBody {
 public:
  // 400 unless the body is one valid UTF-8 JSON object.
  explicit JsonBody(std::string_view body);

  // Records an error for every member not named here.
  void allow_only(std::initializer_list<const char*> fields);
  bool has(const char* name) const;

  // Each getter records a field error (and returns nullopt) on a wrong type or
  // a missing required field.
  std::optional<std::string> string(const char* name, bool required);
  // Present-and-null -> optional holding nullopt.
  std::optional<std::optional<std::string>> nullable_string(const char* name);
  std::optional<std::int64_t> integer(const char* name, bool required);
  std::optional<std::vector<std::string>> string_array(const char* name, bool required);

  void add_error(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  // Throws one 400 listing every recorded error; detail starts with `what`.
  void finish(std::string_view what = "invalid input");

 private:
  const rapidjson::Value* member(const char* name, bool required);
  rapidjson::Document doc_;
  std::vector<FieldError> errors_;
};

}  // namespace jogtrack
