// Data files compiled into the binary: the common-password list and the OpenAPI document.
#pragma once
#include <string_view>

namespace jogtrack::data {
// Newline-separated list of the most common passwords (Openwall's password.lst).
std::string_view common_passwords();
// The OpenAPI 3.1 description served at /openapi.json.
std::string_view openapi_json();
}  // namespace jogtrack::data
