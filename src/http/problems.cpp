#include "http/problems.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cstddef>

#include "common/utf8.h"

namespace jogtrack::http {

namespace {

using K = ErrorKind;

// One row per ErrorKind, in enum order (checked at compile time below).
constexpr std::array kTable{
    ProblemType{K::Validation, 400, "validation", "Invalid request"},
    ProblemType{K::BadFilter, 400, "bad-filter", "Invalid filter or sort"},
    ProblemType{K::Unauthenticated, 401, "unauthorized", "Authentication required"},
    ProblemType{K::InvalidCredentials, 401, "invalid-credentials", "Wrong username or password"},
    ProblemType{K::InvalidToken, 401, "invalid-token", "Invalid token"},
    ProblemType{K::TokenExpired, 401, "token-expired", "Token expired"},
    ProblemType{K::Forbidden, 403, "forbidden", "Forbidden"},
    ProblemType{K::NotFound, 404, "not-found", "Not found"},
    ProblemType{K::MethodNotAllowed, 405, "method-not-allowed", "Method not allowed"},
    ProblemType{K::UsernameTaken, 409, "username-taken", "Username taken"},
    ProblemType{K::LastAdmin, 409, "last-admin", "Last admin"},
    ProblemType{K::Conflict, 409, "conflict", "Conflict"},
    ProblemType{K::PreconditionFailed, 412, "precondition-failed", "Precondition failed"},
    ProblemType{K::PayloadTooLarge, 413, "payload-too-large", "Content too large"},
    ProblemType{K::UnsupportedMediaType, 415, "unsupported-media-type", "Unsupported media type"},
    ProblemType{K::IdempotencyKeyReused, 422, "idempotency-key-reused", "Idempotency key reused"},
    ProblemType{K::NoWeatherData, 422, "no-weather-data", "No weather data"},
    ProblemType{K::TooManyAttempts, 429, "too-many-attempts", "Too many attempts"},
    ProblemType{K::WeatherUnavailable, 503, "weather-unavailable", "Weather provider unavailable"},
    ProblemType{K::Unavailable, 503, "service-unavailable", "Service unavailable"},
    ProblemType{K::UriTooLong, 414, "uri-too-long", "URI too long"},
    ProblemType{K::HeaderFieldsTooLarge, 431, "header-fields-too-large", "Header fields too large"},
    ProblemType{K::HttpVersionNotSupported, 505, "http-version-not-supported", "HTTP version not supported"},
    ProblemType{K::Internal, 500, "internal-error", "Internal server error"},
};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < kTable.size(); ++i)
    if (static_cast<std::size_t>(kTable[i].kind) != i) return false;
  return static_cast<std::size_t>(K::Internal) + 1 == kTable.size();
}
static_assert(table_in_enum_order(), "one row per ErrorKind, in enum order");

std::string challenge(ErrorKind kind) {
  constexpr std::string_view realm = "Bearer realm=\"jogtrack\"";
  switch (kind) {
    case K::InvalidToken:
    case K::TokenExpired: return std::string(realm) + ", error=\"invalid_token\"";
    case K::Forbidden: return std::string(realm) + ", error=\"insufficient_scope\"";
    default: return std::string(realm);  // RFC 6750 §3.1: no error code when no token was sent
  }
}

}  // namespace

std::span<const ProblemType> problem_types() { return kTable; }

const ProblemType& problem_type(ErrorKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kTable.size() ? kTable[i] : kTable.back();
}

std::string problem_type_uri(ErrorKind kind) {
  std::string uri(kProblemBase);
  uri += problem_type(kind).slug;
  return uri;
}

Response problem_response(int status, std::string_view title, std::string_view detail,
                          const std::vector<FieldError>& errors, std::string_view type) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  std::string scratch;
  auto str = [&w, &scratch](std::string_view s) {
    s = valid_utf8(s, scratch);
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("type");
  str(type);
  w.Key("title");
  str(title);
  w.Key("status");
  w.Int(status);
  w.Key("detail");
  str(detail);
  if (!errors.empty()) {
    w.Key("errors");
    w.StartArray();
    for (const auto& e : errors) {
      w.StartObject();
      w.Key("field");
      str(e.field);
      w.Key("message");
      str(e.message);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();

  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body.assign(buf.GetString(), buf.GetSize());
  return r;
}

Response problem_response(ErrorKind kind, std::string_view detail, const std::vector<FieldError>& errors) {
  const ProblemType& t = problem_type(kind);
  if (detail.empty()) detail = ApiError::default_detail(kind);
  return problem_response(t.status, t.title, detail, errors, problem_type_uri(kind));
}

Response from_api_error(const ApiError& e) {
  Response r = problem_response(e.kind(), e.what(), e.errors());
  if (e.retry_after() > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after()));
  if (r.status == 401 || r.status == 403) r.headers.emplace_back("WWW-Authenticate", challenge(e.kind()));
  return r;
}

}  // namespace jogtrack::http
