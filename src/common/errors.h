// The error type domain code throws; the HTTP layer renders it as RFC 9457 problem+json.
#pragma once
#include <stdexcept>
#include <utility>
#include <string>
#include <vector>

namespace jogtrack {

// What went wrong, in the domain's words: services and storage say which
// kind, never which HTTP status. http/problems.h maps each kind to its
// status, title and problem type (/docs/problems#<kind>), in one table.
enum class ErrorKind {
  Validation,            // malformed or invalid input (body, path id, query parameter, paging)
  BadFilter,             // a filter or sort expression that does not parse or check
  Unauthenticated,       // no credentials at all (or not bearer credentials)
  InvalidCredentials,    // login: wrong username or password
  InvalidToken,          // an access or refresh token that is malformed, forged, revoked or of a deleted account
  TokenExpired,          // a well-formed access token of ours whose time is up
  Forbidden,             // authenticated, but the role does not allow it
  NotFound,              // no such resource, or not visible to the caller
  MethodNotAllowed,      // the path exists, not with this method
  UsernameTaken,         // a live account already has this username
  LastAdmin,             // the change would leave no live admin
  Conflict,              // another request is working on the same thing
  PreconditionFailed,    // If-Match does not match the current version
  PayloadTooLarge,       // the body is over the limit
  UnsupportedMediaType,  // a body that is not JSON
  IdempotencyKeyReused,  // an Idempotency-Key seen before with another body
  NoWeatherData,         // the weather provider has no data for that date and place
  TooManyAttempts,       // too many failed logins; Retry-After says when to try again
  WeatherUnavailable,    // the weather provider could not be reached in time
  Unavailable,           // the database, the session store or the server is busy or down
  UriTooLong,            // the request target is over the limit
  HeaderFieldsTooLarge,  // the header fields are over the limit
  HttpVersionNotSupported,
  Internal,              // a bug: never raised on purpose
};

struct FieldError {
  std::string field;
  std::string message;
};

class ApiError : public std::runtime_error {
 public:
  // Without a detail (or an empty one) the kind's own sentence (default_detail) is used: storage
  // reports the fact ("taken") and the words stay here.
  explicit ApiError(ErrorKind kind) : ApiError(kind, std::string()) {}
  ApiError(ErrorKind kind, std::string detail, std::vector<FieldError> errors = {},
           int retry_after_seconds = 0)
      : std::runtime_error(detail.empty() ? std::string(default_detail(kind)) : detail),
        kind_(kind),
        errors_(std::move(errors)),
        retry_after_(retry_after_seconds) {}

  ErrorKind kind() const { return kind_; }
  const std::vector<FieldError>& errors() const { return errors_; }
  int retry_after() const { return retry_after_; }

  // The sentence a client sees when whoever raised the kind had nothing to add.
  static const char* default_detail(ErrorKind kind);

 private:
  ErrorKind kind_;
  std::vector<FieldError> errors_;
  int retry_after_;
};

// Shorthand for the most common validation failure: one field, one message.
[[noreturn]] void throw_invalid(std::string field, std::string message);

}  // namespace jogtrack
