#include "imports/run_csv.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "common/errors.h"

namespace jogtrack::imports {

namespace {

struct Record {
  std::size_t line = 0;  // where the record starts (1-based)
  std::vector<std::string> fields;
};

[[noreturn]] void bad_line(std::size_t line, const std::string& field, const std::string& message) {
  const std::string where = "line " + std::to_string(line);
  throw ApiError(ErrorKind::Validation, where + (field.empty() ? "" : ", field " + field) + ": " + message,
                 {{field.empty() ? "line" : field, where + ": " + message}});
}

// RFC 4180 reader: one record per call, quoted fields unescaped.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
  }

  bool next(Record& record) {
    if (pos_ >= text_.size()) return false;
    record.line = line_;
    record.fields.assign(1, std::string());
    bool quoted_field = false;  // the current field was quoted: only a separator may follow
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == ',') {
        record.fields.emplace_back();
        quoted_field = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
        ++line_;
        return true;
      } else if (quoted_field) {
        bad_line(record.line, "", "text after a closing quote in field " + std::to_string(record.fields.size()));
      } else if (c == '"' && record.fields.back().empty()) {
        read_quoted(record);
        quoted_field = true;
      } else if (c == '"') {
        bad_line(record.line, "", "a quote inside an unquoted field " + std::to_string(record.fields.size()) +
                                      " (quote the whole field and double the quote)");
      } else {
        record.fields.back() += c;
      }
    }
    return true;
  }

 private:
  void read_quoted(Record& record) {
    std::string& out = record.fields.back();
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          out += '"';
          ++pos_;
          continue;
        }
        return;
      }
      if (c == '\n') ++line_;
      out += c;
    }
    bad_line(record.line, "", "a quoted field is never closed");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

bool blank(const Record& r) { return r.fields.size() == 1 && r.fields[0].empty(); }

constexpr std::array<std::string_view, 11> kExportColumns = {
    "result_id", "date",    "distance",        "time",          "location",  "speed",
    "summary",   "temperature_max", "temperature_min", "precipitation", "wind_speed"};

// The inverse of the export's formula guard.
std::string_view unguard(std::string_view cell) {
  if (cell.size() >= 2 && cell[0] == '\'' && std::string_view("=+-@").find(cell[1]) != std::string_view::npos)
    cell.remove_prefix(1);
  return cell;
}

std::int64_t read_count(const Record& r, std::size_t index, const char* field) {
  const std::string_view text = r.fields[index];
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || text[0] == '-')
    bad_line(r.line, field, "must be a whole number, found \"" + std::string(text.substr(0, 40)) + "\"");
  return value;
}

struct Columns {
  std::size_t date = 0, location = 1, distance = 2, time = 3;
  std::size_t count = 4;  // fields every row must have
};

ImportedRun read_run(const Record& r, const Columns& cols) {
  if (r.fields.size() != cols.count)
    bad_line(r.line, "", "expected " + std::to_string(cols.count) + " fields, found " +
                             std::to_string(r.fields.size()));
  ImportedRun run;
  run.source = "line " + std::to_string(r.line);
  const auto date = parse_date(r.fields[cols.date]);
  if (!date) bad_line(r.line, "date", "must be a real calendar date written YYYY-MM-DD");
  run.date = *date;
  run.distance = read_count(r, cols.distance, "distance");
  run.time = read_count(r, cols.time, "time");
  run.location = std::string(unguard(r.fields[cols.location]));
  const auto where = weather::parse_location(run.location);
  if (!where)
    bad_line(r.line, "location", "must be \"LAT LON\" in decimal degrees (latitude -90..90, longitude -180..180)");
  run.where = *where;
  return run;
}

// A first record made only of export column names is a header: it says where each field is.
std::optional<Columns> header_columns(const Record& r) {
  const auto known = [](const std::string& f) {
    return std::find(kExportColumns.begin(), kExportColumns.end(), f) != kExportColumns.end();
  };
  if (!known(r.fields[0])) return std::nullopt;
  Columns cols;
  cols.count = r.fields.size();
  bool seen[4] = {false, false, false, false};
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    const std::string& name = r.fields[i];
    if (!known(name)) bad_line(r.line, name, "is not a column jogtrack knows (header row)");
    if (std::count(r.fields.begin(), r.fields.end(), name) > 1) bad_line(r.line, name, "appears twice in the header");
    const std::pair<const char*, std::size_t*> required[] = {
        {"date", &cols.date}, {"location", &cols.location}, {"distance", &cols.distance}, {"time", &cols.time}};
    for (std::size_t k = 0; k < 4; ++k)
      if (name == required[k].first) *required[k].second = i, seen[k] = true;
  }
  const char* names[] = {"date", "location", "distance", "time"};
  for (std::size_t k = 0; k < 4; ++k)
    if (!seen[k]) bad_line(r.line, names[k], "is missing from the header row");
  return cols;
}

void append_number(std::string& out, double value) {
  char buf[32];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec == std::errc()) out.append(buf, ptr);
}

void append_optional(std::string& out, const std::optional<double>& value) {
  out += ',';
  if (value && std::isfinite(*value)) append_number(out, *value);
}

}  // namespace

std::vector<ImportedRun> parse_runs_csv(std::string_view text) {
  CsvReader reader(text);
  Record record;
  std::vector<ImportedRun> runs;
  Columns cols;
  bool first = true;
  while (reader.next(record)) {
    if (blank(record)) continue;
    if (first) {
      first = false;
      if (auto header = header_columns(record)) {
        cols = *header;
        continue;
      }
    }
    if (runs.size() == kMaxRunsPerImport)
      bad_line(record.line, "", "a file may hold at most " + std::to_string(kMaxRunsPerImport) + " runs");
    runs.push_back(read_run(record, cols));
  }
  if (runs.empty()) throw ApiError(ErrorKind::Validation, "the CSV file holds no runs");
  return runs;
}

bool is_number(std::string_view v) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
    return i - start;
  };
  if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
  std::size_t n = digits();
  if (i < v.size() && v[i] == '.') {
    ++i;
    n += digits();
  }
  if (n == 0) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == v.size();
}

void append_cell(std::string& out, std::string_view value) {
  const bool guard = !value.empty() && std::string_view("=+-@").find(value[0]) != std::string_view::npos &&
                     !is_number(value);
  const bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  if (guard) out += '\'';
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}

void append_export_row(std::string& out, const ExportRow& row) {
  out += std::to_string(row.result_id);
  out += ',';
  append_cell(out, row.date);
  out += ',';
  out += std::to_string(row.distance);
  out += ',';
  out += std::to_string(row.time);
  out += ',';
  append_cell(out, row.location);
  out += ',';
  append_number(out, row.speed);
  out += ',';
  append_cell(out, row.summary);
  append_optional(out, row.temperature_max);
  append_optional(out, row.temperature_min);
  append_optional(out, row.precipitation);
  append_optional(out, row.wind_speed);
  out += "\r\n";
}

}  // namespace jogtrack::imports
