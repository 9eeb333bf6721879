// Reading a condition back from its JSON text: the weather cache's entries,
// and a run's stored condition when its typed value is needed (every row of a
// CSV export, an update that keeps it). So a stored text of the exact shape
// condition_to_json writes (keys in order, no space, no escape) is read by a
// direct scan with std::from_chars (correctly rounded, as RapidJSON's
// full-precision parse is), and anything else by a RapidJSON SAX reader
// straight into the Condition: no DOM, no copy of a value the Condition does
// not keep, no heap for the parser's own stack, and the "legacy" value kept as
// the very bytes it was stored as. Both give the same answer wherever the scan
// answers at all (tests/unit/weather/condition_test.cpp checks them against each other).
#include <rapidjson/allocators.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <array>
#include <charconv>
#include <climits>
#include <cstddef>
#include <cstdint>

#include "weather/json_util.h"
#include "weather/weather.h"

namespace jogtrack::weather {

namespace {

// The known keys, in the order condition_to_json writes them (a stored text is
// matched in one comparison per key).
enum Slot : unsigned {
  kProvider,
  kSummary,
  kWeatherCode,
  kTemperatureMax,
  kTemperatureMin,
  kApparentMax,
  kApparentMin,
  kPrecipitation,
  kRain,
  kSnowfall,
  kWindSpeed,
  kWindGusts,
  kWindDirection,
  kSunrise,
  kSunset,
  kLegacy,
  kSlots,
  kIgnored = kSlots,
};

constexpr std::array<std::string_view, kSlots> kKeys = {
    "provider",          "summary",        "weather_code",   "temperature_max",         "temperature_min",
    "apparent_temperature_max",            "apparent_temperature_min",                  "precipitation_sum",
    "rain_sum",          "snowfall_sum",   "wind_speed_max", "wind_gusts_max",          "wind_direction_dominant",
    "sunrise",           "sunset",         "legacy",
};

std::optional<double> Condition::*double_field(unsigned slot) {
  switch (slot) {
    case kTemperatureMax: return &Condition::temperature_max;
    case kTemperatureMin: return &Condition::temperature_min;
    case kApparentMax: return &Condition::apparent_temperature_max;
    case kApparentMin: return &Condition::apparent_temperature_min;
    case kPrecipitation: return &Condition::precipitation_sum;
    case kRain: return &Condition::rain_sum;
    case kSnowfall: return &Condition::snowfall_sum;
    case kWindSpeed: return &Condition::wind_speed_max;
    case kWindGusts: return &Condition::wind_gusts_max;
    default: return nullptr;
  }
}

std::optional<int> Condition::*int_field(unsigned slot) {
  switch (slot) {
    case kWeatherCode: return &Condition::weather_code;
    case kWindDirection: return &Condition::wind_direction_dominant;
    default: return nullptr;
  }
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The SAX handler. A handler returning false stops the parse: the text is not
// a condition (a non-object, or a known key holding the wrong type).
class ConditionHandler {
 public:
  ConditionHandler(std::string_view text, const rapidjson::MemoryStream& in, Condition& out)
      : text_(text), in_(in), c_(out) {}

  bool Null() { return scalar_seen(); }  // null: the value is absent
  bool Bool(bool) { return scalar_seen() && (depth_ > 1 || slot_ == kIgnored || slot_ == kLegacy); }
  bool Int(int i) { return number(static_cast<double>(i), true, i); }
  bool Uint(unsigned u) {
    return u <= INT_MAX ? number(static_cast<double>(u), true, static_cast<int>(u)) : number(static_cast<double>(u), false, 0);
  }
  // Outside int's range: only a real-valued key takes it (as the DOM's IsInt() would refuse it).
  bool Int64(std::int64_t i) { return number(static_cast<double>(i), false, 0); }
  bool Uint64(std::uint64_t u) { return number(static_cast<double>(u), false, 0); }
  bool Double(double d) { return number(d, false, 0); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return false; }  // not asked for

  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (!scalar_seen()) return false;
    if (depth_ > 1) return true;
    switch (slot_) {
      case kProvider: c_.provider.assign(s, n); return true;
      case kSummary:
        c_.summary.assign(s, n);
        has_summary_ = true;
        return true;
      case kSunrise: c_.sunrise.emplace(s, n); return true;
      case kSunset: c_.sunset.emplace(s, n); return true;
      case kIgnored:
      case kLegacy: return true;
      default: return false;
    }
  }

  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ != 1) return true;
    slot_ = find_slot(std::string_view(s, n));
    if (slot_ == kIgnored) return true;
    // A repeated key is ignored: the first one counts (as a DOM's FindMember finds it).
    if (seen_ & (1u << slot_)) {
      slot_ = kIgnored;
      return true;
    }
    seen_ |= 1u << slot_;
    if (slot_ == kLegacy) legacy_from_ = in_.Tell();  // right after the key's closing quote
    return true;
  }

  bool StartObject() { return start_compound(true); }
  bool StartArray() { return start_compound(false); }
  // The iterative parser calls these before it takes the closing bracket: the
  // value ends one character after Tell().
  bool EndObject(rapidjson::SizeType) { return end_compound(); }
  bool EndArray(rapidjson::SizeType) { return end_compound(); }

  // After a successful parse: what an absent key means.
  void finish() {
    if (!has_summary_ && c_.weather_code) c_.summary = std::string(wmo_summary(*c_.weather_code));
  }

 private:
  unsigned find_slot(std::string_view key) {
    // Stored texts list the keys in kKeys order: try the one after the last match first.
    for (unsigned i = 0; i < kSlots; ++i) {
      const unsigned slot = (next_ + i) % kSlots;
      if (kKeys[slot] == key) {
        next_ = slot + 1;
        return slot;
      }
    }
    return kIgnored;
  }

  // A scalar value: true unless it is the (non-object) root. A legacy value is kept here.
  bool scalar_seen() {
    if (depth_ == 0) return false;
    if (depth_ == 1 && slot_ == kLegacy) keep_legacy(in_.Tell());
    return true;
  }

  bool number(double as_double, bool fits_int, int as_int) {
    if (!scalar_seen()) return false;
    if (depth_ > 1 || slot_ == kIgnored || slot_ == kLegacy) return true;
    if (const auto field = double_field(slot_)) {
      c_.*field = as_double;
      return true;
    }
    const auto field = int_field(slot_);
    if (!field || !fits_int) return false;
    c_.*field = as_int;
    return true;
  }

  bool start_compound(bool object) {
    if (depth_ == 0 && !object) return false;  // the root must be an object
    if (depth_ == 1 && slot_ != kIgnored && slot_ != kLegacy) return false;
    ++depth_;
    return true;
  }

  bool end_compound() {
    --depth_;
    if (depth_ == 1 && slot_ == kLegacy) keep_legacy(in_.Tell() + 1);
    return true;
  }

  // The legacy value's own text, from after its key's ':' to `end`.
  void keep_legacy(std::size_t end) {
    std::size_t from = legacy_from_;
    while (from < end && (is_json_space(text_[from]) || text_[from] == ':')) ++from;
    c_.legacy.emplace(text_.substr(from, end - from));
  }

  std::string_view text_;
  const rapidjson::MemoryStream& in_;
  Condition& c_;
  int depth_ = 0;  // 1: inside the root object
  unsigned slot_ = kIgnored;  // the root member whose value is being read
  unsigned next_ = 0;
  unsigned seen_ = 0;  // bit per Slot
  bool has_summary_ = false;
  std::size_t legacy_from_ = 0;
};

// ---- the stored shape, scanned -------------------------------------------
// Each step returns false where the text leaves the shape condition_to_json
// writes; the caller then reads it with the SAX reader, which decides.
class CanonicalScan {
 public:
  explicit CanonicalScan(std::string_view text) : text_(text) {}

  bool read(Condition& c) {
    if (!literal("{\"provider\":") || !string(c.provider) || !literal(",\"summary\":") || !string(c.summary))
      return false;
    for (unsigned slot = kWeatherCode; slot < kSunrise; ++slot) {
      if (!key(slot)) return false;
      if (null()) continue;
      if (const auto field = double_field(slot)) {
        if (!real(c.*field)) return false;
      } else if (!integer(c.*int_field(slot))) {
        return false;
      }
    }
    for (auto field : {&Condition::sunrise, &Condition::sunset}) {
      if (!key(field == &Condition::sunrise ? kSunrise : kSunset)) return false;
      if (!null() && !string(field_value(c.*field))) return false;
    }
    return at_ + 1 == text_.size() && text_[at_] == '}';  // a legacy value: the SAX reader's
  }

 private:
  static std::string& field_value(std::optional<std::string>& field) { return field.emplace(); }

  bool literal(std::string_view expected) {
    if (text_.compare(at_, expected.size(), expected) != 0) return false;
    at_ += expected.size();
    return true;
  }
  // ,"<key>":
  bool key(unsigned slot) {
    const std::string_view name = kKeys[slot];
    if (text_.size() - at_ < name.size() + 4 || text_[at_] != ',' || text_[at_ + 1] != '"' ||
        text_.compare(at_ + 2, name.size(), name) != 0 || text_[at_ + 2 + name.size()] != '"' ||
        text_[at_ + 3 + name.size()] != ':')
      return false;
    at_ += name.size() + 4;
    return true;
  }
  bool null() { return literal("null"); }
  // A string without escapes or control characters (the reader would unescape or refuse them).
  bool string(std::string& out) {
    if (at_ >= text_.size() || text_[at_] != '"') return false;
    const std::size_t from = at_ + 1;
    std::size_t i = from;
    while (i < text_.size() && text_[i] != '"') {
      const auto ch = static_cast<unsigned char>(text_[i]);
      if (ch == '\\' || ch < 0x20) return false;
      ++i;
    }
    if (i == text_.size()) return false;
    out.assign(text_.data() + from, i - from);
    at_ = i + 1;
    return true;
  }
  // The span of a JSON number; `integral`: without fraction or exponent.
  bool number(std::string_view& span, bool& integral) {
    std::size_t i = at_;
    const auto digits = [&] {
      const std::size_t start = i;
      while (i < text_.size() && text_[i] >= '0' && text_[i] <= '9') ++i;
      return i - start;
    };
    if (i < text_.size() && text_[i] == '-') ++i;
    const std::size_t int_start = i;
    const std::size_t int_digits = digits();
    if (int_digits == 0 || (int_digits > 1 && text_[int_start] == '0')) return false;
    integral = true;
    if (i < text_.size() && text_[i] == '.') {
      ++i;
      if (digits() == 0) return false;
      integral = false;
    }
    if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
      ++i;
      if (i < text_.size() && (text_[i] == '+' || text_[i] == '-')) ++i;
      if (digits() == 0) return false;
      integral = false;
    }
    span = text_.substr(at_, i - at_);
    at_ = i;
    return true;
  }
  // A real-valued key takes any number; an integral one is converted from its
  // 64-bit value, as the reader converts what it hands over as an integer ("-0" is 0).
  bool real(std::optional<double>& out) {
    std::string_view span;
    bool integral = false;
    if (!number(span, integral)) return false;
    if (integral) {
      std::int64_t v = 0;
      if (!whole(span, v)) return false;
      out = static_cast<double>(v);
      return true;
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(span.data(), span.data() + span.size(), v);
    if (ec != std::errc() || end != span.data() + span.size()) return false;  // out of range: the reader refuses
    out = v;
    return true;
  }
  bool integer(std::optional<int>& out) {
    std::string_view span;
    bool integral = false;
    std::int64_t v = 0;
    if (!number(span, integral) || !integral || !whole(span, v) || v < INT_MIN || v > INT_MAX) return false;
    out = static_cast<int>(v);
    return true;
  }
  static bool whole(std::string_view span, std::int64_t& v) {
    const auto [end, ec] = std::from_chars(span.data(), span.data() + span.size(), v);
    return ec == std::errc() && end == span.data() + span.size();
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

template <unsigned Flags>
std::optional<Condition> read_condition(std::string_view json) {
  Condition c;
  rapidjson::MemoryStream in(json.data(), json.size());
  ConditionHandler handler(json, in, c);
  // The parser's stack (its state, and each string while it is read) lives in
  // this arena; only an unusually long string spills to the heap.
  alignas(std::max_align_t) char arena[1024];
  rapidjson::MemoryPoolAllocator<> pool(arena, sizeof arena);
  rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>> reader(&pool, 256);
  if (reader.Parse<Flags>(in, handler).IsError()) return std::nullopt;
  handler.finish();
  return c;
}

}  // namespace

std::optional<Condition> condition_from_json(std::string_view json) {
  return read_condition<detail::kParseFlags>(json);
}

std::optional<Condition> stored_condition_from_json(std::string_view json) {
  // The scan does not check UTF-8 either: only the cache's reader does.
  Condition c;
  if (CanonicalScan(json).read(c)) return c;
  return read_condition<detail::kParseFlags & ~unsigned{rapidjson::kParseValidateEncodingFlag}>(json);
}

}  // namespace jogtrack::weather
