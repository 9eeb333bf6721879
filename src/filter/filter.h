// List filters and sort orders: parses the `filter` query parameter (an OData
// $filter subset, see SPEC.md "Lists: filtering, paging, sorting") and the
// `sort` parameter into a checked expression tree and sort keys, against a
// Schema (field name -> type). Nothing here knows how a resource is stored:
// storage maps the tree's fields to columns (storage/list_sql.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/errors.h"

namespace jogtrack::filter {

enum class FieldType { Integer, Real, Text, Date, Timestamp };

struct Field {
  std::string name;  // as written in filter/sort expressions: [A-Za-z_][A-Za-z0-9_]*
  FieldType type;
};

// The fields a list can be filtered or sorted on. Trees and sort keys point
// at its Fields: a schema must outlive them (the services' schemas are static).
class Schema {
 public:
  // Throws std::invalid_argument on a programming error: a name that is not
  // an identifier or is a filter keyword (and, or, not, eq, ..., true, false,
  // null; any case), or a duplicate name.
  explicit Schema(std::vector<Field> fields);
  Schema(const Schema&) = delete;  // Fields are pointed at: never moved or copied
  Schema& operator=(const Schema&) = delete;
  // Exact, case-sensitive field names; nullptr when unknown.
  const Field* find(std::string_view name) const;
  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

// A literal compared with a field: Integer fields get int64 (or double for a
// fraction), Real fields int64 or double, Text fields strings, Date fields
// "YYYY-MM-DD" strings, Timestamp fields "YYYY-MM-DDTHH:MM:SSZ" strings.
using Value = std::variant<std::int64_t, double, std::string>;

enum class Op { Eq, Ne, Gt, Ge, Lt, Le };

// One node of a checked filter expression.
struct Expr {
  enum class Kind : std::uint8_t {
    And,        // children: 2 or more, all must hold
    Or,         // children: 2 or more, one must hold
    Not,        // children: exactly 1
    Compare,    // field op value
    IsNull,     // field is null
    IsNotNull,  // field is not null
  };
  Kind kind = Kind::Compare;
  std::vector<Expr> children;
  const Field* field = nullptr;  // Compare, IsNull, IsNotNull
  Op op = Op::Eq;                // Compare
  Value value;                   // Compare
};

// Limits on a filter expression; beyond them parse_filter throws.
inline constexpr std::size_t kMaxFilterLength = 2000;  // characters (code points)
inline constexpr std::size_t kMaxFilterDepth = 32;     // nested '(' and 'not'
inline constexpr std::size_t kMaxFilterComparisons = 100;

// A filter the client got wrong: 400 with detail "<problem> at position <n>"
// and errors = {{"filter", <same text>}}.
class FilterError : public ApiError {
 public:
  FilterError(const std::string& problem, std::size_t position);
  // 1-based character (code point) position in the expression.
  std::size_t position() const { return position_; }

 private:
  std::size_t position_;
};

// Parses and type-checks a filter expression. Comparisons with a Timestamp
// field are by day: "created_at eq 2016-05-01" becomes the range
// [2016-05-01T00:00:00Z, 2016-05-02T00:00:00Z) as two comparisons. Throws
// FilterError for any invalid expression (including an empty one).
Expr parse_filter(std::string_view expr, const Schema& schema);

struct SortKey {
  const Field* field = nullptr;
  bool descending = false;
};

// sort = "-date,distance" -> {{date, desc}, {distance, asc}}. An empty sort
// uses default_sort, parsed the same way. Unknown field, empty key, duplicate
// key -> ApiError BadRequest with errors {{"sort", message}}. An invalid
// default_sort is a programming error: std::invalid_argument. (Storage adds
// the tie-breaking column that keeps pages from overlapping.)
std::vector<SortKey> parse_sort(std::string_view sort, const Schema& schema, std::string_view default_sort);

}  // namespace jogtrack::filter
