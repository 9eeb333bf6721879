#include "storage/list_sql.h"

#include <stdexcept>
#include <utility>

namespace jogtrack::storage {

namespace {

using filter::Expr;

const char* op_sql(filter::Op op) {
  switch (op) {
    case filter::Op::Eq: return " = ";
    case filter::Op::Ne: return " <> ";
    case filter::Op::Gt: return " > ";
    case filter::Op::Ge: return " >= ";
    case filter::Op::Lt: return " < ";
    case filter::Op::Le: return " <= ";
  }
  return " = ";
}

// Emits one node; `next` numbers the placeholders in tree order.
void emit(std::string& sql, const Expr& e, const ColumnMap& columns, std::size_t& next) {
  switch (e.kind) {
    case Expr::Kind::And:
    case Expr::Kind::Or: {
      const char* joiner = e.kind == Expr::Kind::And ? " AND " : " OR ";
      sql += '(';
      for (std::size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) sql += joiner;
        emit(sql, e.children[i], columns, next);
      }
      sql += ')';
      return;
    }
    case Expr::Kind::Not:
      sql += "(NOT ";
      emit(sql, e.children.at(0), columns, next);
      sql += ')';
      return;
    case Expr::Kind::IsNull:
    case Expr::Kind::IsNotNull:
      sql += '(';
      sql += columns.at(e.field->name).sql;
      sql += e.kind == Expr::Kind::IsNull ? " IS NULL)" : " IS NOT NULL)";
      return;
    case Expr::Kind::Compare: {
      const std::string placeholder = ":f" + std::to_string(next++);
      sql += '(';
      sql += columns.at(e.field->name).sql;
      sql += op_sql(e.op);
      // A fraction against an integer column compares as reals on both
      // databases (PostgreSQL would reject "12.5" as a bigint parameter).
      if (e.field->type == filter::FieldType::Integer && std::holds_alternative<double>(e.value)) {
        sql += "CAST(" + placeholder + " AS DOUBLE PRECISION)";
      } else {
        sql += placeholder;
      }
      sql += ')';
      return;
    }
  }
}

}  // namespace

ColumnMap::ColumnMap(std::vector<Column> columns, std::string tie_break) : tie_break_(std::move(tie_break)) {
  entries_.reserve(columns.size());
  for (auto& c : columns) {
    if (c.sql.empty()) throw std::invalid_argument("list column has no SQL: " + c.field);
    // Does sorting by this field already order by the tie-break column(s)?
    std::string order;
    for (const auto& o : c.order) order += (order.empty() ? "" : ", ") + o;
    if (order.empty()) order = c.sql;
    const bool is_tie_break = order == tie_break_;
    if (!index_.emplace(c.field, entries_.size()).second)
      throw std::invalid_argument("duplicate list column: " + c.field);
    entries_.push_back(Entry{std::move(c), is_tie_break});
  }
}

const ColumnMap::Entry& ColumnMap::entry(std::string_view field) const {
  const auto it = index_.find(field);
  if (it == index_.end()) throw std::logic_error("no column for list field " + std::string(field));
  return entries_[it->second];
}

const Column& ColumnMap::at(std::string_view field) const { return entry(field).column; }

void append_filter_sql(std::string& sql, const filter::Expr& expr, const ColumnMap& columns) {
  std::size_t next = 0;
  emit(sql, expr, columns, next);
}

void append_filter_values(std::vector<SqlValue>& values, const filter::Expr& expr) {
  if (expr.kind == Expr::Kind::Compare) {
    values.push_back(expr.value);
    return;
  }
  for (const auto& child : expr.children) append_filter_values(values, child);
}

std::vector<std::pair<std::string, SqlValue>> named_params(const std::vector<SqlValue>& values) {
  std::vector<std::pair<std::string, SqlValue>> params;
  params.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    // Appending to a named string, not "f" + std::to_string(i): GCC 12 at -O3 reports a
    // false -Wrestrict on the temporary's memcpy, which -Werror turns into a failed Release build.
    std::string name = "f";
    name += std::to_string(i);
    params.emplace_back(std::move(name), values[i]);
  }
  return params;
}

std::string order_by_sql(const std::vector<filter::SortKey>& keys, const ColumnMap& columns) {
  std::string sql;
  bool has_tie_break = false;
  for (const auto& key : keys) {
    const auto& entry = columns.entry(key.field->name);
    const char* direction = key.descending ? " DESC" : " ASC";
    has_tie_break = has_tie_break || entry.is_tie_break;
    if (entry.column.order.empty()) {
      sql += (sql.empty() ? "" : ", ") + entry.column.sql + direction;
    } else {
      for (const auto& column : entry.column.order) sql += (sql.empty() ? "" : ", ") + column + direction;
    }
  }
  if (!has_tie_break && !columns.tie_break().empty()) {
    if (!sql.empty()) sql += ", ";
    sql += columns.tie_break();
    sql += " ASC";
  }
  return sql;
}

void append_shape(std::string& key, const filter::Expr& e) {
  switch (e.kind) {
    case Expr::Kind::And:
    case Expr::Kind::Or:
    case Expr::Kind::Not:
      key += e.kind == Expr::Kind::And ? '&' : e.kind == Expr::Kind::Or ? '|' : '!';
      key += '(';
      for (const auto& child : e.children) append_shape(key, child);
      key += ')';
      return;
    case Expr::Kind::IsNull:
    case Expr::Kind::IsNotNull:
      key += e.kind == Expr::Kind::IsNull ? 'n' : 'N';
      key += e.field->name;
      key += ';';
      return;
    case Expr::Kind::Compare:
      key += 'c';
      key += e.field->name;
      key += static_cast<char>('0' + static_cast<int>(e.op));
      key += static_cast<char>('0' + e.value.index());
      key += ';';
      return;
  }
}

void append_shape(std::string& key, const std::vector<filter::SortKey>& keys) {
  for (const auto& k : keys) {
    key += k.descending ? '-' : '+';
    key += k.field->name;
    key += ',';
  }
}

// ---- the resources' columns ----------------------------------------------------

const ColumnMap& run_columns() {
  static const ColumnMap map(
      {
          {"result_id", "r.result_id"},
          {"user_id", "r.user_id"},
          {"date", "r.date"},
          {"distance", "r.distance"},
          {"time", "r.time"},
          {"speed", "r.speed"},
          {"location", "r.location"},
          {"temperature_max", "r.temperature_max"},
          {"temperature_min", "r.temperature_min"},
          {"precipitation", "r.precipitation"},
          {"wind_speed", "r.wind_speed"},
          {"weather_code", "r.weather_code"},
          {"created_at", "r.created_at"},
      },
      "r.result_id");
  return map;
}

const ColumnMap& user_columns() {
  static const ColumnMap map(
      {
          {"user_id", "u.user_id"},
          {"username", "u.username"},
          {"email", "u.email"},
          {"name", "u.name"},
          {"role", "u.role"},
          {"created_at", "u.created_at"},
      },
      "u.user_id");
  return map;
}

// The tie-break of weeks is the `week` key's columns, so the default order
// follows the runs_user_week index (and weekly_totals' primary key).
const ColumnMap& week_group_columns() {
  // 1.0 * makes the averages real division on both SQLite and PostgreSQL.
  static const ColumnMap map(
      {
          {"week", "(r.iso_year * 100 + r.iso_week)", {"r.iso_year", "r.iso_week"}},
          {"runs", "COUNT(*)"},
          {"total_distance", "SUM(r.distance)"},
          {"total_time", "SUM(r.time)"},
          {"average_speed", "(1.0 * SUM(r.distance) / SUM(r.time))"},
          {"average_distance", "(1.0 * SUM(r.distance) / COUNT(*))"},
      },
      "r.iso_year, r.iso_week");
  return map;
}

const ColumnMap& week_totals_columns() {
  static const ColumnMap map(
      {
          {"week", "(r.iso_year * 100 + r.iso_week)", {"r.iso_year", "r.iso_week"}},
          {"runs", "r.runs"},
          {"total_distance", "r.total_distance"},
          {"total_time", "r.total_time"},
          {"average_speed", "(1.0 * r.total_distance / r.total_time)"},
          {"average_distance", "(1.0 * r.total_distance / r.runs)"},
      },
      "r.iso_year, r.iso_week");
  return map;
}

}  // namespace jogtrack::storage
