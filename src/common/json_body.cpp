#include "common/json_body.h"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>

namespace jogtrack {

namespace {

[[noreturn]] void malformed(std::size_t offset, std::string_view what) {
  throw ApiError(ErrorKind::Validation,
                 "malformed JSON at offset " + std::to_string(offset) + ": " + std::string(what));
}

bool is_json_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

JsonBody::JsonBody(std::string_view body) {
  if (body.empty()) throw ApiError(ErrorKind::Validation, "the request needs a JSON object body");
  // RapidJSON reads a NUL byte as the end of the input, so `{...}\0junk` would
  // parse as `{...}`: parse only the value, then require that nothing but
  // whitespace follows it.
  rapidjson::MemoryStream memory(body.data(), body.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(memory);
  doc_.ParseStream<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseStopWhenDoneFlag, rapidjson::UTF8<>>(in);
  if (doc_.HasParseError()) malformed(doc_.GetErrorOffset(), rapidjson::GetParseError_En(doc_.GetParseError()));
  for (std::size_t i = in.Tell(); i < body.size(); ++i)
    if (!is_json_whitespace(body[i])) malformed(i, "unexpected data after the JSON value");
  if (!doc_.IsObject()) throw ApiError(ErrorKind::Validation, "the body must be a JSON object");
}

void JsonBody::allow_only(std::initializer_list<const char*> fields) {
  // Unknown keys are errors; a known key given twice is ambiguous (which one
  // counts?), so it is refused too. Linear: only known keys are counted.
  std::vector<int> seen(fields.size(), 0);
  for (auto it = doc_.MemberBegin(); it != doc_.MemberEnd(); ++it) {
    const std::string name(it->name.GetString(), it->name.GetStringLength());
    std::size_t index = 0;
    for (const char* f : fields) {
      if (name == f) break;
      ++index;
    }
    if (index == fields.size())
      add_error(name, "unknown field");
    else if (++seen[index] == 2)
      add_error(name, "appears more than once");
  }
}

bool JsonBody::has(const char* name) const { return doc_.HasMember(name); }

const rapidjson::Value* JsonBody::member(const char* name, bool required) {
  auto it = doc_.FindMember(name);
  if (it == doc_.MemberEnd()) {
    if (required) add_error(name, "is required");
    return nullptr;
  }
  return &it->value;
}

std::optional<std::string> JsonBody::string(const char* name, bool required) {
  const auto* v = member(name, required);
  if (!v) return std::nullopt;
  if (!v->IsString()) {
    add_error(name, "must be a string");
    return std::nullopt;
  }
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<std::optional<std::string>> JsonBody::nullable_string(const char* name) {
  const auto* v = member(name, false);
  if (!v) return std::nullopt;
  if (v->IsNull()) return std::optional<std::string>{};
  if (!v->IsString()) {
    add_error(name, "must be a string or null");
    return std::nullopt;
  }
  return std::optional<std::string>{std::string(v->GetString(), v->GetStringLength())};
}

std::optional<std::int64_t> JsonBody::integer(const char* name, bool required) {
  const auto* v = member(name, required);
  if (!v) return std::nullopt;
  if (!v->IsInt64()) {
    add_error(name, "must be an integer");
    return std::nullopt;
  }
  return v->GetInt64();
}

std::optional<std::vector<std::string>> JsonBody::string_array(const char* name, bool required) {
  const auto* v = member(name, required);
  if (!v) return std::nullopt;
  if (!v->IsArray()) {
    add_error(name, "must be an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) {
      add_error(name, "must be an array of strings");
      return std::nullopt;
    }
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

void JsonBody::finish(std::string_view what) {
  if (errors_.empty()) return;
  std::string detail = std::string(what) + ": " + errors_.front().field + " " + errors_.front().message;
  if (errors_.size() > 1) detail += " (and " + std::to_string(errors_.size() - 1) + " more)";
  throw ApiError(ErrorKind::Validation, detail, std::move(errors_));
}

}  // namespace jogtrack
