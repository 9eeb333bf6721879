// The one SQL emitter for lists (storage-internal; no SOCI here, so the
// filter fuzzer can drive it): turns a typed list request's expression tree
// and sort keys into parameterised SQL over a resource's ColumnMap. User text
// never becomes SQL text: field names select trusted columns from the map and
// every value is bound as a parameter (:f0, :f1, ... in tree order).
//
// List SQL is the same on SQLite and PostgreSQL (CAST(.. AS DOUBLE PRECISION)
// and the comparison operators are common to both), so nothing here takes a
// dialect; the dialect-specific statements live with their stores.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/sql_value.h"
#include "filter/filter.h"

namespace jogtrack::storage {

// How one filter/sort field of a resource is stored.
struct Column {
  std::string field;  // the schema's field name
  std::string sql;    // trusted SQL for the column, e.g. "r.date"
  // For sorting only: order by these columns (each in the key's direction)
  // instead of sql, so a composite key can follow an index.
  std::vector<std::string> order = {};
};

class ColumnMap {
 public:
  // tie_break: appended (ASC) to every ORDER BY unless a sort key already
  // orders by exactly it, so pages never overlap. Throws std::invalid_argument
  // on a duplicate field or an empty column.
  ColumnMap(std::vector<Column> columns, std::string tie_break);
  // Throws std::logic_error for a field the resource does not store (a schema
  // and its map disagree: a programming error, caught by the unit tests).
  const Column& at(std::string_view field) const;
  bool has(std::string_view field) const { return index_.find(field) != index_.end(); }
  const std::string& tie_break() const { return tie_break_; }

 private:
  struct Entry {
    Column column;
    bool is_tie_break = false;
  };
  friend std::string order_by_sql(const std::vector<filter::SortKey>&, const ColumnMap&);
  const Entry& entry(std::string_view field) const;
  std::vector<Entry> entries_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::string tie_break_;
};

// The column maps of the listable resources.
const ColumnMap& run_columns();          // runs r (filters of run lists and of the weekly report)
const ColumnMap& user_columns();         // users u
const ColumnMap& week_group_columns();   // weeks grouped from runs r (filtered reports)
const ColumnMap& week_totals_columns();  // weekly_totals r (unfiltered reports)

// The filter as a parenthesised SQL boolean expression with placeholders
// :f0, :f1, ... appended to sql.
void append_filter_sql(std::string& sql, const filter::Expr& expr, const ColumnMap& columns);
// The values of the placeholders, in order, appended to values.
void append_filter_values(std::vector<SqlValue>& values, const filter::Expr& expr);
// The placeholder names f0.. fn-1 for n values, paired with those values (for binding).
std::vector<std::pair<std::string, SqlValue>> named_params(const std::vector<SqlValue>& values);

// "<col> DESC, <col> ASC, <tie break> ASC" for the keys.
std::string order_by_sql(const std::vector<filter::SortKey>& keys, const ColumnMap& columns);

// Everything the SQL of a filter and sort depends on besides the map: the
// tree's shape, its fields and operators and each value's type (not the
// values). Equal shapes emit equal SQL with equally typed parameters, so a
// statement prepared for one shape serves every request of that shape.
void append_shape(std::string& key, const filter::Expr& expr);
void append_shape(std::string& key, const std::vector<filter::SortKey>& keys);

}  // namespace jogtrack::storage
