#include "observability/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>

namespace jogtrack::observability {
namespace {

constexpr std::string_view kAccessLoggerName = "access";

template <class Buf>
void escape_into(Buf& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out.append(std::string_view("\\\"")); break;
      case '\\': out.append(std::string_view("\\\\")); break;
      case '\n': out.append(std::string_view("\\n")); break;
      case '\r': out.append(std::string_view("\\r")); break;
      case '\t': out.append(std::string_view("\\t")); break;
      case '\b': out.append(std::string_view("\\b")); break;
      case '\f': out.append(std::string_view("\\f")); break;
      default:
        if (u < 0x20 || u == 0x7f) {
          const char esc[6] = {'\\', 'u', '0', '0', kHex[u >> 4], kHex[u & 0xf]};
          out.append(std::string_view(esc, 6));
        } else {
          out.push_back(c);
        }
    }
  }
}

// fmt's memory_buffer has append(begin, end) but not append(string_view).
struct BufAdapter {
  spdlog::memory_buf_t& b;
  void append(std::string_view s) { b.append(s.data(), s.data() + s.size()); }
  void push_back(char c) { b.push_back(c); }
};

std::string_view level_name(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warn";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "critical";
    default: return "off";
  }
}

// One formatter for both output formats and both loggers (they share one
// sink, so lines never interleave). Runs under the sink's mutex.
class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(bool json) : json_(json) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    BufAdapter out{dest};
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    const bool access = logger == kAccessLoggerName;
    if (json_) {
      out.append("{\"ts\":\"");
      append_ts(out, msg.time);
      out.append("\",\"level\":\"");
      out.append(level_name(msg.level));
      if (access) {
        // log_access already produced well-formed, escaped "key":value pairs.
        out.append("\",\"msg\":\"access\",");
        out.append(payload);
        out.append("}\n");
      } else {
        out.append("\",\"msg\":\"");
        escape_into(out, payload);
        out.append("\"}\n");
      }
    } else {
      append_ts(out, msg.time);
      out.push_back(' ');
      out.append(level_name(msg.level));
      out.push_back(' ');
      out.append(payload);
      out.push_back('\n');
    }
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(json_);
  }

 private:
  // RFC 3339 UTC with milliseconds; the seconds part is cached.
  void append_ts(BufAdapter& out, spdlog::log_clock::time_point tp) {
    using namespace std::chrono;
    const auto ms_total = duration_cast<milliseconds>(tp.time_since_epoch()).count();
    auto secs = static_cast<std::time_t>(ms_total / 1000);
    auto ms = static_cast<int>(ms_total % 1000);
    if (ms < 0) {
      ms += 1000;
      --secs;
    }
    if (secs != cached_sec_ || cached_len_ == 0) {
      std::tm tm{};
      gmtime_r(&secs, &tm);
      cached_len_ = std::strftime(cached_, sizeof cached_, "%Y-%m-%dT%H:%M:%S", &tm);
      cached_sec_ = secs;
    }
    out.append(std::string_view(cached_, cached_len_));
    const char frac[5] = {'.', static_cast<char>('0' + ms / 100), static_cast<char>('0' + ms / 10 % 10),
                          static_cast<char>('0' + ms % 10), 'Z'};
    out.append(std::string_view(frac, 5));
  }

  bool json_;
  std::time_t cached_sec_ = 0;
  char cached_[32] = {};
  std::size_t cached_len_ = 0;
};

std::atomic<bool> g_json{false};
// Set by setup_logging (at startup, before other threads log).
std::shared_ptr<spdlog::logger> g_access;

spdlog::level::level_enum parse_level(std::string_view level) {
  if (level == "trace") return spdlog::level::trace;
  if (level == "debug") return spdlog::level::debug;
  if (level == "info") return spdlog::level::info;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  throw std::invalid_argument("invalid log level '" + std::string(level) +
                              "' (expected trace, debug, info, warn or error)");
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s) { escape_into(out, s); }

void setup_logging(std::string_view level, std::string_view format) {
  const auto lvl = parse_level(level);
  bool json = false;
  if (format == "json")
    json = true;
  else if (format != "text")
    throw std::invalid_argument("invalid log format '" + std::string(format) + "' (expected text or json)");

  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(std::make_unique<LineFormatter>(json));

  auto main_logger = std::make_shared<spdlog::logger>("jogtrack", sink);
  main_logger->set_level(lvl);
  main_logger->flush_on(spdlog::level::warn);
  auto access = std::make_shared<spdlog::logger>(std::string(kAccessLoggerName), sink);
  access->set_level(lvl);

  g_json.store(json, std::memory_order_relaxed);
  g_access = std::move(access);
  spdlog::set_default_logger(std::move(main_logger));
}

void log_access(const AccessRecord& r) {
  spdlog::logger* lg = g_access ? g_access.get() : spdlog::default_logger_raw();
  if (!lg->should_log(spdlog::level::info)) return;
  const bool json = g_access && g_json.load(std::memory_order_relaxed);

  spdlog::memory_buf_t buf;  // inline storage: no heap allocation for normal lines
  BufAdapter out{buf};
  if (json) {
    out.append("\"method\":\"");
    escape_into(out, r.method);
    out.append("\",\"route\":\"");
    escape_into(out, r.route);
    fmt::format_to(fmt::appender(buf), "\",\"status\":{},\"duration_ms\":{:.3f},\"request_id\":\"", r.status,
                   r.duration_ms);
    escape_into(out, r.request_id);
    out.append("\",\"remote_ip\":\"");
    escape_into(out, r.remote_ip);
    out.push_back('"');
  } else {
    fmt::format_to(fmt::appender(buf), "access {} {} {} {:.3f}ms id={} ip={}", r.method, r.route, r.status,
                   r.duration_ms, r.request_id, r.remote_ip);
  }
  lg->log(spdlog::level::info, spdlog::string_view_t(buf.data(), buf.size()));
}

}  // namespace jogtrack::observability
