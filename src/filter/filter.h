// List filters and sort orders: compiles the `filter` query parameter (an
// OData $filter subset, see SPEC.md "Lists: filtering, paging, sorting") and
// the `sort` parameter into SQL. User text never becomes SQL text: field names
// are looked up in a FieldTable and replaced by its trusted column SQL, and
// every value is bound as a parameter.
#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"
#include "common/sql_value.h"

namespace jogtrack::filter {

enum class FieldType { Integer, Real, Text, Date, Timestamp };

struct Field {
  std::string name;        // as written in filter/sort expressions: [A-Za-z_][A-Za-z0-9_]*
  std::string column_sql;  // trusted SQL for the column, e.g. "r.date"
  FieldType type;
  // For sorting only: order by these columns (each in the key's direction)
  // instead of column_sql, so a composite key can follow an index.
  std::vector<std::string> order_columns = {};
};

class FieldTable {
 public:
  // Throws std::invalid_argument on a programming error: a name that is not
  // an identifier or is a filter keyword (and, or, not, eq, ..., true, false,
  // null; any case), a duplicate name, or an empty column_sql.
  explicit FieldTable(std::vector<Field> fields);
  // Exact, case-sensitive field names; nullptr when unknown.
  const Field* find(std::string_view name) const;
  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

// Limits on a filter expression; beyond them compile_filter throws.
inline constexpr std::size_t kMaxFilterLength = 2000;     // characters (code points)
inline constexpr std::size_t kMaxFilterDepth = 32;        // nested '(' and 'not'
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

// Compiles a filter expression into a parenthesised SQL boolean expression
// with placeholders ":<prefix>0", ":<prefix>1", ... . params holds the values
// in that order, named without the colon ("f0", "f1", ...), ready for SOCI's
// use(value, name). Date values are bound as "YYYY-MM-DD" strings; Timestamp
// bounds as "YYYY-MM-DDT00:00:00Z" strings (by-day semantics). Throws
// FilterError for any invalid expression (including an empty one) and
// std::invalid_argument if param_prefix is not an identifier ([A-Za-z_][A-Za-z0-9_]*).
SqlFragment compile_filter(std::string_view expr, const FieldTable& fields,
                           std::string_view param_prefix = "f");

// sort = "-date,distance" -> "<date col> DESC, <distance col> ASC, <id_column> ASC".
// A field with order_columns sorts by each of them in the key's direction.
// id_column is appended (ASC) unless a key already sorts by it, so pages never
// overlap; an empty id_column appends nothing. An empty sort uses default_sort,
// parsed the same way. Unknown field, empty key, duplicate key -> ApiError
// BadRequest with errors {{"sort", message}}. An invalid default_sort is a
// programming error: std::invalid_argument.
std::string compile_sort(std::string_view sort, const FieldTable& fields,
                         std::string_view default_sort, std::string_view id_column);

}  // namespace jogtrack::filter
