// Process-wide logging setup (spdlog default logger on stderr) and the access log.
// No spdlog in this header: it is expensive to compile.
#pragma once
#include <string>
#include <string_view>

namespace jogtrack::observability {

// Configures the spdlog default logger (and the "access" logger) to write to
// stderr. level: trace|debug|info|warn|error. format: "text" (human readable)
// or "json" (one JSON object per line: {"ts","level","msg"}, ts is RFC 3339
// UTC with milliseconds). Throws std::invalid_argument for any other value
// (nothing is changed then). Call it at startup, before other threads log.
void setup_logging(std::string_view level, std::string_view format);

// One line per answered request. Deliberately has no headers and no bodies,
// so tokens and passwords can never end up in the access log.
struct AccessRecord {
  std::string_view method;      // "GET"
  std::string_view route;       // route template ("/users/{id}") or "unmatched"
  int status = 0;
  double duration_ms = 0;
  std::string_view request_id;
  std::string_view remote_ip;
};

// Logged at info level. In json format the fields are top-level JSON keys:
// {"ts","level","msg":"access","method","route","status","duration_ms","request_id","remote_ip"}.
// Cheap when info is disabled. Thread-safe.
void log_access(const AccessRecord& r);

// Escapes s for use inside a JSON string literal (without the quotes) and
// appends it to out. Control characters become \u00XX; bytes >= 0x80 are
// copied as is (input is expected to be UTF-8).
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace jogtrack::observability
