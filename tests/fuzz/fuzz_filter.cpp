// libFuzzer target for the filter and sort parsers and storage's SQL emitter
// (parse + emit, the whole path user text takes towards SQL). Besides crashes
// and sanitizer reports it checks invariants: the tree is well formed and
// typed, the emitted SQL is balanced and made of table columns, operators and
// one placeholder per value; errors carry a sensible position and a printable
// UTF-8 message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "filter/filter.h"
#include "runs/run_schema.h"
#include "storage/list_sql.h"

namespace {

using jogtrack::SqlValue;
using jogtrack::filter::Expr;
using jogtrack::filter::FieldType;
using jogtrack::filter::Schema;
using jogtrack::storage::ColumnMap;

// The real runs schema (every field, as an admin sees it) over the real column map.
const Schema& table() { return jogtrack::runs::run_schema(true); }
const ColumnMap& columns() { return jogtrack::storage::run_columns(); }

[[noreturn]] void violated(const char* what, std::string_view input, const std::string& out) {
  std::fprintf(stderr, "invariant violated: %s\ninput: %.*s\noutput: %s\n", what,
               static_cast<int>(input.size()), input.data(), out.c_str());
  std::abort();
}

// Valid UTF-8 with no control characters: safe to put in a JSON problem body.
bool printable_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7F) return false;
    std::size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3
                                   : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || s.size() - i < len) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// The tree's shape and types: what the emitter relies on.
void check_tree(const Expr& e, std::string_view input, std::size_t depth) {
  if (depth > 2 * jogtrack::filter::kMaxFilterDepth + 4) violated("tree too deep", input, "");
  switch (e.kind) {
    case Expr::Kind::And:
    case Expr::Kind::Or:
      if (e.children.size() < 2) violated("and/or with fewer than two children", input, "");
      break;
    case Expr::Kind::Not:
      if (e.children.size() != 1) violated("not without exactly one child", input, "");
      break;
    case Expr::Kind::Compare:
    case Expr::Kind::IsNull:
    case Expr::Kind::IsNotNull: {
      if (!e.children.empty() || e.field == nullptr || table().find(e.field->name) != e.field)
        violated("comparison without a schema field", input, "");
      if (e.kind != Expr::Kind::Compare) break;
      const bool text = std::holds_alternative<std::string>(e.value);
      const bool numeric_field = e.field->type == FieldType::Integer || e.field->type == FieldType::Real;
      if (numeric_field == text) violated("value type does not fit the field", input, "");
      break;
    }
  }
  for (const auto& child : e.children) check_tree(child, input, depth + 1);
}

void check_filter(std::string_view input) {
  try {
    const Expr tree = jogtrack::filter::parse_filter(input, table());
    check_tree(tree, input, 0);
    struct {
      std::string sql;
      std::vector<std::pair<std::string, SqlValue>> params;
    } f;
    jogtrack::storage::append_filter_sql(f.sql, tree, columns());
    std::vector<SqlValue> values;
    jogtrack::storage::append_filter_values(values, tree);
    f.params = jogtrack::storage::named_params(values);
    const std::string& sql = f.sql;
    if (sql.size() < 2 || sql.front() != '(' || sql.back() != ')')
      violated("sql not parenthesised", input, sql);
    long depth = 0;
    std::size_t colons = 0;
    for (char c : sql) {
      if (c == '(') ++depth;
      if (c == ')' && --depth < 0) violated("sql parentheses unbalanced", input, sql);
      if (c == ':') ++colons;
      if (c == '\'' || c == ';' || c == '"' || c == '-' || c == '/')
        violated("user text in sql", input, sql);
    }
    if (depth != 0) violated("sql parentheses unbalanced", input, sql);
    if (colons != f.params.size()) violated("placeholder count != params", input, sql);
    for (const auto& [name, value] : f.params)
      if (sql.find(":" + name) == std::string::npos) violated("param not in sql", input, sql);
    if (f.params.size() > 2 * jogtrack::filter::kMaxFilterComparisons)
      violated("too many params", input, sql);
  } catch (const jogtrack::filter::FilterError& e) {
    const std::string detail = e.what();
    if (e.position() < 1 || e.position() > input.size() + 1)
      if (e.position() != jogtrack::filter::kMaxFilterLength + 1)
        violated("error position out of range", input, detail);
    if (!printable_utf8(detail)) violated("error detail not printable UTF-8", input, detail);
    if (e.errors().size() != 1 || e.errors()[0].field != "filter")
      violated("error field", input, detail);
  }
}

void check_sort(std::string_view input) {
  try {
    const std::string sql = jogtrack::storage::order_by_sql(
        jogtrack::filter::parse_sort(input, table(), "-date,distance"), columns());
    if (sql.find('\'') != std::string::npos || sql.find(';') != std::string::npos)
      violated("user text in order by", input, sql);
  } catch (const jogtrack::ApiError& e) {
    const std::string detail = e.what();
    if (!printable_utf8(detail)) violated("sort error not printable UTF-8", input, detail);
    if (e.errors().size() != 1 || e.errors()[0].field != "sort")
      violated("sort error field", input, detail);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_filter(input);
  check_sort(input);
  return 0;
}
