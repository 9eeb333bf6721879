#include "common/errors.h"

namespace jogtrack {

int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadRequest: return 400;
    case ErrorKind::Unauthorized: return 401;
    case ErrorKind::Forbidden: return 403;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::MethodNotAllowed: return 405;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::PreconditionFailed: return 412;
    case ErrorKind::PayloadTooLarge: return 413;
    case ErrorKind::UnsupportedMediaType: return 415;
    case ErrorKind::Unprocessable: return 422;
    case ErrorKind::TooManyRequests: return 429;
    case ErrorKind::Unavailable: return 503;
  }
  return 500;
}

const char* http_title(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadRequest: return "Bad Request";
    case ErrorKind::Unauthorized: return "Unauthorized";
    case ErrorKind::Forbidden: return "Forbidden";
    case ErrorKind::NotFound: return "Not Found";
    case ErrorKind::MethodNotAllowed: return "Method Not Allowed";
    case ErrorKind::Conflict: return "Conflict";
    case ErrorKind::PreconditionFailed: return "Precondition Failed";
    case ErrorKind::PayloadTooLarge: return "Content Too Large";
    case ErrorKind::UnsupportedMediaType: return "Unsupported Media Type";
    case ErrorKind::Unprocessable: return "Unprocessable Content";
    case ErrorKind::TooManyRequests: return "Too Many Requests";
    case ErrorKind::Unavailable: return "Service Unavailable";
  }
  return "Internal Server Error";
}

void throw_invalid(std::string field, std::string message) {
  std::string detail = field + ": " + message;
  throw ApiError(ErrorKind::BadRequest, detail, {FieldError{std::move(field), std::move(message)}});
}

}  // namespace jogtrack
