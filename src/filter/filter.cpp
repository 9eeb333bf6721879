#include "filter/filter.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "common/dates.h"

namespace jogtrack::filter {

namespace {

// ---- character helpers -------------------------------------------------------

bool is_ident_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_identifier(std::string_view s) {
  if (s.empty() || !is_ident_start(s[0])) return false;
  for (char c : s)
    if (!is_ident_char(c)) return false;
  return true;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive equality; `lower` must already be lower case.
bool ieq(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (ascii_lower(text[i]) != lower[i]) return false;
  return true;
}

bool is_keyword(std::string_view word) {
  static constexpr std::string_view kKeywords[] = {"and", "or", "not", "eq",   "ne",    "gt",
                                                   "ge",  "lt", "le",  "true", "false", "null"};
  for (std::string_view k : kKeywords)
    if (ieq(word, k)) return true;
  return false;
}

// Decodes one UTF-8 sequence at s[i]. Returns its length (1..4) and sets `cp`,
// or 0 when the bytes there are not valid UTF-8 (overlong forms, surrogates and
// code points above U+10FFFF are invalid).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Byte offset of the first invalid UTF-8 sequence, or npos.
std::size_t find_invalid_utf8(std::string_view s) {
  char32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = decode_utf8(s, i, cp);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// 1-based character (code point) position of byte offset `off`.
std::size_t char_position(std::string_view s, std::size_t off) {
  if (off > s.size()) off = s.size();
  std::size_t pos = 1;
  for (std::size_t i = 0; i < off; ++i)
    if (!is_continuation(s[i])) ++pos;
  return pos;
}

// User text quoted back in an error message: at most 40 characters, control
// characters and invalid UTF-8 replaced by '?', so the message stays printable.
std::string excerpt(std::string_view s) {
  constexpr std::size_t kMaxChars = 40;
  std::string out;
  std::size_t chars = 0;
  char32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (chars == kMaxChars) {
      out += "...";
      break;
    }
    const std::size_t n = decode_utf8(s, i, cp);
    if (n == 0) {
      out += '?';
      ++i;
    } else {
      if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
        out += '?';
      else
        out.append(s.substr(i, n));
      i += n;
    }
    ++chars;
  }
  return out;
}

std::string quoted(std::string_view s) {
  // Built step by step: GCC 12 at -O3 reports a false -Wrestrict for "'" + x + "'".
  std::string out(1, '\'');
  out += excerpt(s);
  out += '\'';
  return out;
}

// ---- tokens ----------------------------------------------------------------------

enum class Tok { End, LParen, RParen, Word, Integer, Decimal, Date, String };

struct Token {
  Tok kind = Tok::End;
  std::size_t off = 0;  // byte offset in the expression
  std::string_view text;  // the source text of the token
  std::int64_t integer = 0;
  double decimal = 0;
  Days date{};
  std::string string;  // unescaped contents of a String
};

std::optional<Op> parse_op(std::string_view word) {
  if (ieq(word, "eq")) return Op::Eq;
  if (ieq(word, "ne")) return Op::Ne;
  if (ieq(word, "gt")) return Op::Gt;
  if (ieq(word, "ge")) return Op::Ge;
  if (ieq(word, "lt")) return Op::Lt;
  if (ieq(word, "le")) return Op::Le;
  return std::nullopt;
}

const char* expected_type(FieldType type) {
  switch (type) {
    case FieldType::Integer:
    case FieldType::Real: return "a number";
    case FieldType::Text: return "a quoted string";
    case FieldType::Date:
    case FieldType::Timestamp: return "a date (YYYY-MM-DD)";
  }
  return "a value";
}

// Throws FilterError at a byte offset of the expression.
class Failer {
 public:
  explicit Failer(std::string_view src) : src_(src) {}
  [[noreturn]] void at(const std::string& problem, std::size_t off) const {
    throw FilterError(problem, char_position(src_, off));
  }

 private:
  std::string_view src_;
};

class Lexer {
 public:
  Lexer(std::string_view src, const Failer& fail) : src_(src), fail_(fail) {}

  const Token& peek() {
    if (!ready_) {
      lex();
      ready_ = true;
    }
    return tok_;
  }
  Token take() {
    peek();
    ready_ = false;
    return std::move(tok_);
  }

 private:
  void lex() {
    while (pos_ < src_.size() && is_space(src_[pos_])) ++pos_;
    tok_ = Token{};
    tok_.off = pos_;
    if (pos_ == src_.size()) {
      tok_.kind = Tok::End;
      return;
    }
    const char c = src_[pos_];
    const std::size_t start = pos_;
    if (c == '(' || c == ')') {
      tok_.kind = c == '(' ? Tok::LParen : Tok::RParen;
      ++pos_;
    } else if (is_ident_start(c)) {
      while (pos_ < src_.size() && is_ident_char(src_[pos_])) ++pos_;
      tok_.kind = Tok::Word;
    } else if (c == '\'') {
      lex_string();
    } else if (is_digit(c) ||
               (c == '-' && pos_ + 1 < src_.size() && is_digit(src_[pos_ + 1]))) {
      lex_number_or_date();
    } else {
      char32_t cp = 0;
      decode_utf8(src_, pos_, cp);  // the input was validated as UTF-8
      std::string shown;
      if (cp >= 0x21 && cp < 0x7F) {
        shown = "'" + std::string(1, c) + "'";
      } else {
        char buf[16];
        std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
        shown = buf;
      }
      fail_.at("unexpected character " + shown, pos_);
    }
    tok_.text = src_.substr(start, pos_ - start);
  }

  void lex_string() {
    const std::size_t open = pos_;
    ++pos_;
    for (;;) {
      const std::size_t q = src_.find('\'', pos_);
      if (q == std::string_view::npos) fail_.at("unterminated string", open);
      const std::string_view chunk = src_.substr(pos_, q - pos_);
      if (const std::size_t nul = chunk.find('\0'); nul != std::string_view::npos)
        fail_.at("NUL character in string", pos_ + nul);
      tok_.string.append(chunk);
      pos_ = q + 1;
      if (pos_ < src_.size() && src_[pos_] == '\'') {  // '' is an escaped quote
        tok_.string += '\'';
        ++pos_;
        continue;
      }
      break;
    }
    tok_.kind = Tok::String;
  }

  void lex_number_or_date() {
    const std::size_t start = pos_;
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (!(is_ident_char(c) || c == '.' || c == '-' || c == '+')) break;
      ++pos_;
    }
    const std::string_view lexeme = src_.substr(start, pos_ - start);
    if (lexeme.size() >= 5 && is_digit(lexeme[0]) && is_digit(lexeme[1]) &&
        is_digit(lexeme[2]) && is_digit(lexeme[3]) && lexeme[4] == '-') {
      const auto day = parse_date(lexeme);
      if (!day) fail_.at("invalid date " + quoted(lexeme), start);
      tok_.kind = Tok::Date;
      tok_.date = *day;
      return;
    }
    // -?digits(.digits)?([eE][+-]?digits)?
    std::size_t i = 0;
    const auto digits = [&] {
      const std::size_t from = i;
      while (i < lexeme.size() && is_digit(lexeme[i])) ++i;
      return i > from;
    };
    bool ok = true, decimal = false;
    if (lexeme[i] == '-') ++i;
    ok = digits();
    if (ok && i < lexeme.size() && lexeme[i] == '.') {
      ++i;
      decimal = true;
      ok = digits();
    }
    if (ok && i < lexeme.size() && (lexeme[i] == 'e' || lexeme[i] == 'E')) {
      ++i;
      decimal = true;
      if (i < lexeme.size() && (lexeme[i] == '+' || lexeme[i] == '-')) ++i;
      ok = digits();
    }
    if (!ok || i != lexeme.size()) fail_.at("invalid number " + quoted(lexeme), start);
    const char* first = lexeme.data();
    const char* last = lexeme.data() + lexeme.size();
    if (decimal) {
      double value = 0;
      const auto [ptr, ec] = std::from_chars(first, last, value);
      if (ec != std::errc() || ptr != last || !std::isfinite(value))
        fail_.at("number " + quoted(lexeme) + " is out of range", start);
      tok_.kind = Tok::Decimal;
      tok_.decimal = value;
    } else {
      std::int64_t value = 0;
      const auto [ptr, ec] = std::from_chars(first, last, value);
      if (ec != std::errc() || ptr != last)
        fail_.at("number " + quoted(lexeme) + " is out of range", start);
      tok_.kind = Tok::Integer;
      tok_.integer = value;
    }
  }

  std::string_view src_;
  const Failer& fail_;
  std::size_t pos_ = 0;
  Token tok_;
  bool ready_ = false;
};

// How a token is shown in "found ..." / "unexpected ..." messages.
std::string describe(const Token& t) {
  if (t.kind == Tok::String) return excerpt(t.text);  // already quoted
  return quoted(t.text);
}

const char* literal_kind(const Token& t) {
  switch (t.kind) {
    case Tok::Integer:
    case Tok::Decimal: return "a number";
    case Tok::Date: return "a date";
    case Tok::String: return "a string";
    case Tok::Word: return "a boolean";  // true/false; null is handled separately
    default: return "a value";
  }
}

// ---- the parser --------------------------------------------------------------------

Expr node(Expr::Kind kind) {
  Expr e;
  e.kind = kind;
  return e;
}

Expr comparison(const Field& field, Op op, Value value) {
  Expr e;
  e.kind = Expr::Kind::Compare;
  e.field = &field;
  e.op = op;
  e.value = std::move(value);
  return e;
}

Expr both(Expr::Kind kind, Expr a, Expr b) {
  Expr e = node(kind);
  e.children.reserve(2);
  e.children.push_back(std::move(a));
  e.children.push_back(std::move(b));
  return e;
}

class Parser {
 public:
  Parser(std::string_view src, const Schema& schema) : schema_(schema), fail_(src), lex_(src, fail_) {}

  Expr run() {
    Expr out = parse_or(0);
    const Token& t = lex_.peek();
    if (t.kind == Tok::RParen) fail_.at("unbalanced parenthesis", t.off);
    if (t.kind != Tok::End) fail_.at("unexpected " + describe(t), t.off);
    return out;
  }

 private:
  Expr parse_or(std::size_t depth) {
    Expr first = parse_and(depth);
    if (!next_is_word("or")) return first;
    Expr any = node(Expr::Kind::Or);
    any.children.push_back(std::move(first));
    while (next_is_word("or")) {
      lex_.take();
      any.children.push_back(parse_and(depth));
    }
    return any;
  }

  Expr parse_and(std::size_t depth) {
    Expr first = parse_not(depth);
    if (!next_is_word("and")) return first;
    Expr all = node(Expr::Kind::And);
    all.children.push_back(std::move(first));
    while (next_is_word("and")) {
      lex_.take();
      all.children.push_back(parse_not(depth));
    }
    return all;
  }

  Expr parse_not(std::size_t depth) {
    if (next_is_word("not")) {
      const Token t = lex_.take();
      check_depth(depth + 1, t.off);
      Expr negated = node(Expr::Kind::Not);
      negated.children.push_back(parse_not(depth + 1));
      return negated;
    }
    return parse_primary(depth);
  }

  Expr parse_primary(std::size_t depth) {
    const Token& t = lex_.peek();
    switch (t.kind) {
      case Tok::LParen: {
        const std::size_t open = t.off;
        check_depth(depth + 1, open);
        lex_.take();
        Expr inner = parse_or(depth + 1);
        const Token& close = lex_.peek();
        if (close.kind == Tok::RParen) {
          lex_.take();
          return inner;
        }
        if (close.kind == Tok::End) fail_.at("unbalanced parenthesis", open);
        fail_.at("expected 'and', 'or' or ')' but found " + describe(close), close.off);
      }
      case Tok::Word:
        if (!is_keyword(t.text)) return parse_comparison();
        [[fallthrough]];
      case Tok::RParen:
      case Tok::Integer:
      case Tok::Decimal:
      case Tok::Date:
      case Tok::String:
        fail_.at("expected a field name, 'not' or '(' but found " + describe(t), t.off);
      case Tok::End:
        fail_.at("unexpected end of filter, expected a field name, 'not' or '('", t.off);
    }
    fail_.at("unexpected token", t.off);  // unreachable
  }

  Expr parse_comparison() {
    const Token name = lex_.take();
    const Field* field = schema_.find(name.text);
    if (field == nullptr) fail_.at("unknown field " + quoted(name.text), name.off);
    if (++comparisons_ > kMaxFilterComparisons)
      fail_.at("too many comparisons (the limit is " + std::to_string(kMaxFilterComparisons) +
                   ")",
               name.off);

    const Token op_tok = lex_.take();
    if (op_tok.kind == Tok::End)
      fail_.at("expected an operator after " + quoted(name.text), op_tok.off);
    if (op_tok.kind != Tok::Word)
      fail_.at("expected an operator after " + quoted(name.text) + " but found " +
                   describe(op_tok),
               op_tok.off);
    const auto op = parse_op(op_tok.text);
    if (!op) fail_.at("unknown operator " + quoted(op_tok.text), op_tok.off);

    const Token lit = lex_.take();
    const std::string after = "expected a value after " + quoted(op_tok.text);
    switch (lit.kind) {
      case Tok::End: fail_.at(after, lit.off);
      case Tok::LParen:
      case Tok::RParen: fail_.at(after + " but found " + describe(lit), lit.off);
      case Tok::Word:
        if (ieq(lit.text, "null")) return compare_null(*field, *op, op_tok);
        if (!ieq(lit.text, "true") && !ieq(lit.text, "false")) {
          const char* hint = schema_.find(lit.text) ? " (comparing two fields is not supported)"
                                                    : " (strings need single quotes)";
          fail_.at(after + " but found " + describe(lit) + hint, lit.off);
        }
        break;
      default: break;
    }
    return compare(*field, *op, lit);
  }

  Expr compare_null(const Field& field, Op op, const Token& op_tok) {
    if (op == Op::Eq || op == Op::Ne) {
      Expr e = node(op == Op::Eq ? Expr::Kind::IsNull : Expr::Kind::IsNotNull);
      e.field = &field;
      return e;
    }
    fail_.at("null can only be compared with 'eq' or 'ne', not " + quoted(op_tok.text),
             op_tok.off);
  }

  [[noreturn]] void type_mismatch(const Field& field, const Token& lit) {
    fail_.at("field " + quoted(field.name) + " expects " + expected_type(field.type) +
                 " but got " + literal_kind(lit),
             lit.off);
  }

  Days date_literal(const Field& field, const Token& lit) {
    if (lit.kind == Tok::Date) return lit.date;
    if (lit.kind == Tok::String) {
      const auto day = parse_date(lit.string);
      if (!day) fail_.at("invalid date " + quoted(lit.string), lit.off);
      return *day;
    }
    type_mismatch(field, lit);
  }

  Expr compare(const Field& field, Op op, const Token& lit) {
    switch (field.type) {
      case FieldType::Integer:
      case FieldType::Real:
        // A fraction against an Integer field stays a double: storage compares
        // it as a real (PostgreSQL would reject "12.5" as a bigint parameter).
        if (lit.kind == Tok::Integer) return comparison(field, op, lit.integer);
        if (lit.kind == Tok::Decimal) return comparison(field, op, lit.decimal);
        type_mismatch(field, lit);
      case FieldType::Text:
        if (lit.kind == Tok::String) return comparison(field, op, lit.string);
        type_mismatch(field, lit);
      case FieldType::Date: return comparison(field, op, format_date(date_literal(field, lit)));
      case FieldType::Timestamp: return by_day(field, op, date_literal(field, lit));
    }
    type_mismatch(field, lit);
  }

  // Timestamps ("YYYY-MM-DDTHH:MM:SSZ" text) compared with a date, by day:
  // the day d covers [d 00:00:00, d+1 00:00:00).
  static Expr by_day(const Field& field, Op op, Days day) {
    const auto midnight = [](Days d) { return format_date(d) + "T00:00:00Z"; };
    // "field is before the end of day d" / "field is after day d". For the last
    // representable day the next midnight has a 5-digit year, which would sort
    // wrongly as text: compare with the day's last second instead.
    const Days next = day + std::chrono::days{1};
    const bool last_day = static_cast<int>(std::chrono::year_month_day{next}.year()) > 9999;
    const auto end_bound = [&](bool before) {
      if (last_day) return comparison(field, before ? Op::Le : Op::Gt, format_date(day) + "T23:59:59Z");
      return comparison(field, before ? Op::Lt : Op::Ge, midnight(next));
    };
    switch (op) {
      case Op::Eq:
        return both(Expr::Kind::And, comparison(field, Op::Ge, midnight(day)), end_bound(true));
      case Op::Ne:
        return both(Expr::Kind::Or, comparison(field, Op::Lt, midnight(day)), end_bound(false));
      case Op::Gt: return end_bound(false);
      case Op::Ge: return comparison(field, Op::Ge, midnight(day));
      case Op::Lt: return comparison(field, Op::Lt, midnight(day));
      case Op::Le: return end_bound(true);
    }
    return comparison(field, op, midnight(day));
  }

  bool next_is_word(std::string_view lower) {
    const Token& t = lex_.peek();
    return t.kind == Tok::Word && ieq(t.text, lower);
  }

  void check_depth(std::size_t depth, std::size_t off) const {
    if (depth > kMaxFilterDepth)
      fail_.at("nesting is too deep (the limit is " + std::to_string(kMaxFilterDepth) +
                   " levels of parentheses and 'not')",
               off);
  }

  const Schema& schema_;
  Failer fail_;
  Lexer lex_;
  std::size_t comparisons_ = 0;
};

// ---- sort --------------------------------------------------------------------------

[[noreturn]] void sort_error(bool from_client, const std::string& message) {
  if (from_client) throw ApiError(ErrorKind::BadFilter, message, {{"sort", message}});
  throw std::invalid_argument("invalid default sort: " + message);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

// ---- public API ----------------------------------------------------------------------

FilterError::FilterError(const std::string& problem, std::size_t position)
    : ApiError(ErrorKind::BadFilter, problem + " at position " + std::to_string(position),
               {{"filter", problem + " at position " + std::to_string(position)}}),
      position_(position) {}

Schema::Schema(std::vector<Field> fields) : fields_(std::move(fields)) {
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const Field& f = fields_[i];
    if (!is_identifier(f.name) || is_keyword(f.name))
      throw std::invalid_argument("filter field name is not a usable identifier: " + f.name);
    if (!index_.emplace(f.name, i).second)
      throw std::invalid_argument("duplicate filter field: " + f.name);
  }
}

const Field* Schema::find(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &fields_[it->second];
}

Expr parse_filter(std::string_view expr, const Schema& schema) {
  const std::string too_long =
      "filter is longer than " + std::to_string(kMaxFilterLength) + " characters";
  // Cheap byte bound first (a character is at most 4 bytes), then validate
  // UTF-8, then count characters.
  if (expr.size() > 4 * kMaxFilterLength) throw FilterError(too_long, kMaxFilterLength + 1);
  if (const std::size_t bad = find_invalid_utf8(expr); bad != std::string_view::npos)
    throw FilterError("invalid UTF-8", char_position(expr, bad));
  if (char_position(expr, expr.size()) - 1 > kMaxFilterLength)
    throw FilterError(too_long, kMaxFilterLength + 1);
  if (trim(expr).empty()) throw FilterError("empty filter", 1);

  return Parser(expr, schema).run();
}

std::vector<SortKey> parse_sort(std::string_view sort, const Schema& schema, std::string_view default_sort) {
  const bool from_client = !sort.empty();
  const std::string_view spec = from_client ? sort : default_sort;

  std::vector<SortKey> keys;
  if (spec.empty()) return keys;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = spec.find(',', start);
    const std::string_view raw =
        spec.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::string_view key = trim(raw);
    bool descending = false;
    if (!key.empty() && (key.front() == '-' || key.front() == '+')) {
      descending = key.front() == '-';
      key.remove_prefix(1);
    }
    if (key.empty()) sort_error(from_client, "empty sort key");
    const Field* field = schema.find(key);
    if (field == nullptr) sort_error(from_client, "unknown sort field " + quoted(key));
    for (const SortKey& seen : keys)
      if (seen.field == field) sort_error(from_client, "duplicate sort key " + quoted(key));
    keys.push_back(SortKey{field, descending});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return keys;
}

}  // namespace jogtrack::filter
