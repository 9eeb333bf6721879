#include "common/errors.h"

namespace jogtrack {

const char* ApiError::default_detail(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Validation: return "the request is not valid";
    case ErrorKind::BadFilter: return "the filter or sort expression is not valid";
    case ErrorKind::Unauthenticated: return "this request needs an access token: Authorization: Bearer <token>";
    case ErrorKind::InvalidCredentials: return "wrong username or password";
    case ErrorKind::InvalidToken: return "the token is invalid or revoked";
    case ErrorKind::TokenExpired: return "the access token has expired";
    case ErrorKind::Forbidden: return "not allowed for this account";
    case ErrorKind::NotFound: return "no such resource";
    case ErrorKind::MethodNotAllowed: return "this method is not allowed on this path";
    case ErrorKind::UsernameTaken: return "the username is already taken";
    case ErrorKind::LastAdmin: return "the last admin cannot give up the admin scope";
    case ErrorKind::Conflict: return "another request is working on this; try again shortly";
    case ErrorKind::PreconditionFailed: return "the resource has changed since it was read";
    case ErrorKind::PayloadTooLarge: return "the request body is too large";
    case ErrorKind::UnsupportedMediaType: return "the request body must be application/json";
    case ErrorKind::IdempotencyKeyReused: return "this Idempotency-Key was used with another request body";
    case ErrorKind::NoWeatherData: return "the weather provider has no data for that date and place";
    case ErrorKind::TooManyAttempts: return "too many attempts; try again later";
    case ErrorKind::WeatherUnavailable: return "the weather provider could not be reached";
    case ErrorKind::Unavailable: return "the service is unavailable; try again shortly";
    case ErrorKind::UriTooLong: return "the request target is too long";
    case ErrorKind::HeaderFieldsTooLarge: return "the request header fields are too large";
    case ErrorKind::HttpVersionNotSupported: return "only HTTP/1.0 and HTTP/1.1 are supported";
    case ErrorKind::Internal: return "internal error";
  }
  return "internal error";
}

void throw_invalid(std::string field, std::string message) {
  std::string detail = field + ": " + message;
  throw ApiError(ErrorKind::Validation, detail, {FieldError{std::move(field), std::move(message)}});
}

}  // namespace jogtrack
