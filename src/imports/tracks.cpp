#include "imports/tracks.h"

#include <pugixml.hpp>

#include <charconv>
#include <cmath>
#include <numbers>
#include <optional>
#include <string>

#include "common/errors.h"

namespace jogtrack::imports {

namespace {

using namespace std::chrono;

[[noreturn]] void bad_file(const std::string& detail) { throw ApiError(ErrorKind::Validation, detail); }

// The element name without its namespace prefix: "gpx:trkpt" -> "trkpt".
std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

template <class Each>
void for_children(const pugi::xml_node& parent, std::string_view name, Each&& each) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling())
    if (child.type() == pugi::node_element && local_name(child) == name) each(child);
}

pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling())
    if (child.type() == pugi::node_element && local_name(child) == name) return child;
  return {};
}

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<double> parse_degrees(std::string_view text, double limit) {
  text = trimmed(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value) ||
      std::fabs(value) > limit)
    return std::nullopt;
  return value;
}

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// XML Schema dateTime as devices write it: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM),
// -> milliseconds since the epoch (UTC). A time without a zone is read as UTC.
std::optional<std::int64_t> parse_time_ms(std::string_view text) {
  const std::string_view s = trimmed(text);
  int y, mo, d, h, mi, se;
  if (!read_int(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !read_int(s, 5, 2, mo) || s[7] != '-' ||
      !read_int(s, 8, 2, d) || s[10] != 'T' || !read_int(s, 11, 2, h) || s[13] != ':' || !read_int(s, 14, 2, mi) ||
      s[16] != ':' || !read_int(s, 17, 2, se))
    return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::size_t i = 19;
  std::int64_t ms = 0;
  if (i < s.size() && s[i] == '.') {
    std::size_t digits = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits)
      if (digits < 3) ms = ms * 10 + (s[i] - '0');
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) ms *= 10;
  }
  std::int64_t offset_s = 0;
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!read_int(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !read_int(s, i + 4, 2, om) ||
        oh > 14 || om > 59)
      return std::nullopt;
    offset_s = (s[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    i += 6;
  }
  if (i != s.size()) return std::nullopt;
  const auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{se};
  return duration_cast<milliseconds>(t.time_since_epoch()).count() + ms - offset_s * 1000;
}

struct Point {
  double lat, lon;
  std::optional<std::int64_t> time_ms;
};

// Accumulates one track's points without keeping them: files may hold
// thousands of points per track, only the running totals matter.
class TrackBuilder {
 public:
  explicit TrackBuilder(std::string source) : source_(std::move(source)) {}

  void add(const Point& p) {
    if (!first_) {
      first_ = p;
    } else {
      metres_ += haversine_metres(last_.lat, last_.lon, p.lat, p.lon);
    }
    last_ = p;
    if (p.time_ms) {
      if (!first_time_ms_) first_time_ms_ = p.time_ms;
      last_time_ms_ = *p.time_ms;
      ++timed_;
    }
  }

  const std::string& source() const { return source_; }

  ImportedRun finish() const {
    if (timed_ < 2)
      throw ApiError(ErrorKind::Validation,
                     source_ + " has " + std::to_string(timed_) + " timed point" + (timed_ == 1 ? "" : "s") +
                         ": a run needs at least 2 points with a time",
                     {{"track", source_ + ": fewer than 2 timed points"}});
    ImportedRun run;
    run.source = source_;
    run.distance = std::llround(metres_);
    run.time = (last_time_ms_ - *first_time_ms_ + 500) / 1000;  // may be <= 0: the range check names it
    run.location = format_location(first_->lat, first_->lon);
    // The stored location is the rounded one: its weather and its map point agree.
    run.where = *weather::parse_location(run.location);
    const auto shift = hours{std::lround(first_->lon / 15.0)};
    const auto local = sys_time<milliseconds>{milliseconds{*first_time_ms_}} + shift;
    run.date = floor<days>(local);
    return run;
  }

 private:
  std::string source_;
  std::optional<Point> first_;
  Point last_{};
  double metres_ = 0;
  std::optional<std::int64_t> first_time_ms_;
  std::int64_t last_time_ms_ = 0;
  int timed_ = 0;
};

std::string describe(const char* kind, std::size_t number, std::string_view name) {
  std::string s = std::string(kind) + " " + std::to_string(number);
  name = trimmed(name);
  if (!name.empty()) {
    constexpr std::size_t kMaxName = 80;  // a name is for recognising the track, not for echoing a whole file
    s += " \"" + std::string(name.substr(0, kMaxName)) + (name.size() > kMaxName ? "...\"" : "\"");
  }
  return s;
}

std::optional<std::int64_t> point_time(const pugi::xml_node& time_node, const std::string& where) {
  if (!time_node) return std::nullopt;
  const auto t = parse_time_ms(time_node.child_value());
  if (!t) bad_file(where + ": time \"" + std::string(trimmed(time_node.child_value()).substr(0, 40)) +
                   "\" is not an ISO 8601 date-time");
  return t;
}

double coordinate(std::string_view text, double limit, const std::string& where, const char* what) {
  const auto v = parse_degrees(text, limit);
  if (!v) bad_file(where + ": " + what + " must be a number within -" + std::to_string(static_cast<int>(limit)) +
                   ".." + std::to_string(static_cast<int>(limit)));
  return *v;
}

pugi::xml_node load(pugi::xml_document& doc, std::string_view document, std::string_view expected_root,
                    const char* kind) {
  // parse_doctype keeps the DOCTYPE as a node so it can be refused below; no
  // other flag asks pugixml to do more than read elements and text.
  const auto result = doc.load_buffer(document.data(), document.size(), pugi::parse_default | pugi::parse_doctype);
  if (!result)
    bad_file(std::string("malformed XML at byte ") + std::to_string(result.offset) + ": " + result.description());
  for (pugi::xml_node n = doc.first_child(); n; n = n.next_sibling())
    if (n.type() == pugi::node_doctype)
      bad_file("documents with a DOCTYPE are not accepted (entity declarations are never processed)");
  const pugi::xml_node root = doc.document_element();
  if (!root || local_name(root) != expected_root)
    bad_file(std::string("not a ") + kind + " document: the root element must be <" + std::string(expected_root) +
             ">");
  return root;
}

void check_count(std::size_t runs) {
  if (runs > kMaxRunsPerImport)
    bad_file("a file may hold at most " + std::to_string(kMaxRunsPerImport) + " runs");
}

}  // namespace

double haversine_metres(double lat1, double lon1, double lat2, double lon2) {
  constexpr double rad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * rad;
  const double dlon = (lon2 - lon1) * rad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusMetres * std::asin(std::min(1.0, std::sqrt(a)));
}

std::vector<ImportedRun> parse_gpx(std::string_view document) {
  pugi::xml_document doc;
  const pugi::xml_node root = load(doc, document, "gpx", "GPX");
  std::vector<ImportedRun> runs;
  std::size_t number = 0;
  for_children(root, "trk", [&](const pugi::xml_node& trk) {
    check_count(++number);
    TrackBuilder track(describe("track", number, child_named(trk, "name").child_value()));
    std::size_t point = 0;
    for_children(trk, "trkseg", [&](const pugi::xml_node& seg) {
      for_children(seg, "trkpt", [&](const pugi::xml_node& pt) {
        const std::string where = track.source() + ", point " + std::to_string(++point);
        Point p{coordinate(pt.attribute("lat").value(), 90, where, "lat"),
                coordinate(pt.attribute("lon").value(), 180, where, "lon"),
                point_time(child_named(pt, "time"), where)};
        track.add(p);
      });
    });
    runs.push_back(track.finish());
  });
  if (runs.empty()) bad_file("the GPX document has no track (<trk>)");
  return runs;
}

std::vector<ImportedRun> parse_tcx(std::string_view document) {
  pugi::xml_document doc;
  const pugi::xml_node root = load(doc, document, "TrainingCenterDatabase", "TCX");
  std::vector<ImportedRun> runs;
  std::size_t number = 0;
  for_children(child_named(root, "Activities"), "Activity", [&](const pugi::xml_node& activity) {
    check_count(++number);
    TrackBuilder track(describe("activity", number, child_named(activity, "Id").child_value()));
    std::size_t point = 0;
    for_children(activity, "Lap", [&](const pugi::xml_node& lap) {
      for_children(lap, "Track", [&](const pugi::xml_node& trk) {
        for_children(trk, "Trackpoint", [&](const pugi::xml_node& tp) {
          const std::string where = track.source() + ", trackpoint " + std::to_string(++point);
          const pugi::xml_node pos = child_named(tp, "Position");
          if (!pos) return;  // a pause or an indoor lap: nowhere to measure from
          Point p{coordinate(child_named(pos, "LatitudeDegrees").child_value(), 90, where, "LatitudeDegrees"),
                  coordinate(child_named(pos, "LongitudeDegrees").child_value(), 180, where, "LongitudeDegrees"),
                  point_time(child_named(tp, "Time"), where)};
          track.add(p);
        });
      });
    });
    runs.push_back(track.finish());
  });
  if (runs.empty()) bad_file("the TCX document has no activity (<Activities><Activity>)");
  return runs;
}

}  // namespace jogtrack::imports
