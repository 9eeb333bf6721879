// Reading a condition back from its JSON text: the weather cache's entries,
// and a run's stored condition when its typed value is needed (every row of a
// CSV export, an update that keeps it). A RapidJSON SAX reader fills the
// Condition directly: no DOM, no copy of a value the Condition does not keep,
// no heap for the parser's own stack, and the "legacy" value kept as the very
// bytes it was stored as. (A hand-written scan of the exact stored shape was
// tried and measured at ~0.5 µs against the reader's ~1.9 µs per condition;
// it saved ~0.14 s of a 100k-run export, not worth a second parser.)
#include <rapidjson/allocators.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <array>
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
  // A stored text's UTF-8 is not checked again (import-seed carried the
  // original system's bytes over as they were); only the cache's reader checks.
  return read_condition<detail::kParseFlags & ~unsigned{rapidjson::kParseValidateEncodingFlag}>(json);
}

}  // namespace jogtrack::weather
