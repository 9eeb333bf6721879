// Making text valid UTF-8 before it goes into JSON we write.
#pragma once
#include <string>
#include <string_view>

namespace jogtrack {

// s itself when it is valid UTF-8, else a copy in `storage` with each invalid
// byte replaced by U+FFFD (so the JSON written from it is always valid text).
std::string_view valid_utf8(std::string_view s, std::string& storage);

}  // namespace jogtrack
