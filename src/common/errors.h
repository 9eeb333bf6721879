// The error type domain code throws; the HTTP layer renders it as RFC 9457 problem+json.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace jogtrack {

enum class ErrorKind {
  BadRequest,            // 400
  Unauthorized,          // 401
  Forbidden,             // 403
  NotFound,              // 404
  MethodNotAllowed,      // 405
  Conflict,              // 409
  PreconditionFailed,    // 412 (If-Match named a version that is no longer current)
  PayloadTooLarge,       // 413
  UnsupportedMediaType,  // 415
  Unprocessable,         // 422
  TooManyRequests,       // 429
  Unavailable,           // 503
};

struct FieldError {
  std::string field;
  std::string message;
};

class ApiError : public std::runtime_error {
 public:
  ApiError(ErrorKind kind, std::string detail, std::vector<FieldError> errors = {},
           int retry_after_seconds = 0)
      : std::runtime_error(detail),
        kind_(kind),
        errors_(std::move(errors)),
        retry_after_(retry_after_seconds) {}

  ErrorKind kind() const { return kind_; }
  const std::vector<FieldError>& errors() const { return errors_; }
  int retry_after() const { return retry_after_; }

 private:
  ErrorKind kind_;
  std::vector<FieldError> errors_;
  int retry_after_;
};

int http_status(ErrorKind kind);
const char* http_title(ErrorKind kind);

// Shorthand for the most common validation failure: one field, one message.
[[noreturn]] void throw_invalid(std::string field, std::string message);

}  // namespace jogtrack
