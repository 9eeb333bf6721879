// RFC 9457 problem+json: the one table that turns a domain ErrorKind into an
// HTTP status, a title and a problem type URI (/docs/problems#<slug>), and the
// renderers that use it. docs/problems.md explains every row to clients; a
// unit test keeps the two in step.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"
#include "http/message.h"

namespace jogtrack::http {

struct ProblemType {
  ErrorKind kind;
  int status;
  std::string_view slug;   // the fragment of the type URI, e.g. "validation"
  std::string_view title;  // the same for every problem of this kind (RFC 9457 §3.1.4)
};

// Where each kind's page section lives; the type member is kProblemBase + slug.
inline constexpr std::string_view kProblemBase = "/docs/problems#";

// Every kind, in ErrorKind order.
std::span<const ProblemType> problem_types();
const ProblemType& problem_type(ErrorKind kind);
// "/docs/problems#validation"
std::string problem_type_uri(ErrorKind kind);

// Renders {"type","title","status","detail"[,"errors":[{"field","message"}]]}
// with content type application/problem+json. Invalid UTF-8 in any text
// becomes U+FFFD, so the body is always valid JSON.
Response problem_response(int status, std::string_view title, std::string_view detail,
                          const std::vector<FieldError>& errors = {}, std::string_view type = "about:blank");

// A problem of one kind (status, title and type from the table); detail
// defaults to the kind's own sentence.
Response problem_response(ErrorKind kind, std::string_view detail = {}, const std::vector<FieldError>& errors = {});

// Problem for a domain error: the kind's row, detail from what(), its field
// errors, Retry-After when retry_after() > 0, and the RFC 6750 challenge:
// WWW-Authenticate: Bearer realm="jogtrack" for a request without (bearer)
// credentials or a failed login, with error="invalid_token" for a bad or
// expired token, and error="insufficient_scope" on 403.
Response from_api_error(const ApiError& e);

}  // namespace jogtrack::http
