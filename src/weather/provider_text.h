// Bounding the text the weather provider sends before it is stored or echoed.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jogtrack::weather {

// Caps for provider strings. Sunrise/sunset are ISO 8601 local times
// ("2024-05-01T06:12", 16 bytes); reasons are one-line messages.
constexpr std::size_t kMaxTimeOfDayBytes = 64;
constexpr std::size_t kMaxReasonBytes = 200;

// The input is valid UTF-8 (provider bodies are parsed with encoding
// validation: invalid UTF-8 makes the whole response malformed, a 503).

// A short value field (sunrise, sunset): nullopt — the field is dropped —
// when it is longer than max_bytes or holds control characters. Such a value
// is not data anyone can use, and the day's weather is still good.
std::optional<std::string> short_field(std::string_view text, std::size_t max_bytes);

// A message for a problem detail: control characters become spaces and text
// over max_bytes is cut on a character boundary and marked with "...".
std::string bounded_message(std::string_view text, std::size_t max_bytes);

}  // namespace jogtrack::weather
