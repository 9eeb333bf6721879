// Data files compiled into the binary: the common-password list, the OpenAPI document and the
// problem-types page (the last two written by scripts/gen-openapi.py).
#pragma once
#include <string_view>

namespace jogtrack::data {
// Newline-separated list of the most common passwords (Openwall's password.lst).
std::string_view common_passwords();
// The OpenAPI 3.1 description served at /openapi.json.
std::string_view openapi_json();
// The page at /docs/problems explaining each problem `type` (one anchor per kind).
std::string_view problems_html();
}  // namespace jogtrack::data
