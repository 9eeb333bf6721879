// The filter and sort parsers, checked through the SQL that storage's emitter
// makes of their trees (storage/list_sql.h) over the runs' schema and column map.
#include "filter/filter.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "runs/run_schema.h"
#include "storage/list_sql.h"

namespace jogtrack::filter {
namespace {

using Params = std::vector<std::pair<std::string, SqlValue>>;

// The real runs schema (every field, as an admin sees it) over its real column map.
const Schema& runs() { return runs::run_schema(true); }
const storage::ColumnMap& columns() { return storage::run_columns(); }

// A parsed filter as the emitter writes it: SQL and the named values to bind.
struct Emitted {
  std::string sql;
  Params params;
};

Emitted compile(std::string_view expr) {
  const Expr tree = parse_filter(expr, runs());
  Emitted out;
  storage::append_filter_sql(out.sql, tree, columns());
  std::vector<SqlValue> values;
  storage::append_filter_values(values, tree);
  out.params = storage::named_params(values);
  return out;
}

// The detail of the FilterError `expr` throws ("" and a test failure if none).
std::string error_of(std::string_view expr) {
  try {
    compile(expr);
  } catch (const FilterError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadFilter);
    EXPECT_EQ(e.errors().size(), 1u);
    if (e.errors().size() == 1) {
      EXPECT_EQ(e.errors()[0].field, "filter");
      EXPECT_EQ(e.errors()[0].message, e.what());
    }
    const std::string detail = e.what();
    EXPECT_NE(detail.find("at position " + std::to_string(e.position())), std::string::npos)
        << detail;
    return detail;
  }
  ADD_FAILURE() << "no FilterError for: " << expr;
  return "";
}

std::size_t position_of(std::string_view expr) {
  try {
    compile(expr);
  } catch (const FilterError& e) {
    return e.position();
  }
  ADD_FAILURE() << "no FilterError for: " << expr;
  return 0;
}

// ---- SQL output ------------------------------------------------------------------------

TEST(FilterSql, IntegerComparison) {
  const auto f = compile("distance gt 20");
  EXPECT_EQ(f.sql, "(r.distance > :f0)");
  EXPECT_EQ(f.params, (Params{{"f0", std::int64_t{20}}}));
}

TEST(FilterSql, EveryOperator) {
  EXPECT_EQ(compile("time eq 1").sql, "(r.time = :f0)");
  EXPECT_EQ(compile("time ne 1").sql, "(r.time <> :f0)");
  EXPECT_EQ(compile("time gt 1").sql, "(r.time > :f0)");
  EXPECT_EQ(compile("time ge 1").sql, "(r.time >= :f0)");
  EXPECT_EQ(compile("time lt 1").sql, "(r.time < :f0)");
  EXPECT_EQ(compile("time le 1").sql, "(r.time <= :f0)");
}

TEST(FilterSql, SpecExample) {
  const auto f =
      compile("(date eq '2016-05-01') AND ((distance gt 20) OR (distance lt 10))");
  EXPECT_EQ(f.sql, "((r.date = :f0) AND ((r.distance > :f1) OR (r.distance < :f2)))");
  EXPECT_EQ(f.params, (Params{{"f0", std::string("2016-05-01")},
                              {"f1", std::int64_t{20}},
                              {"f2", std::int64_t{10}}}));
}

TEST(FilterSql, AndBindsTighterThanOr) {
  const auto f = compile("distance gt 1 or distance lt 2 and time eq 3");
  EXPECT_EQ(f.sql, "((r.distance > :f0) OR ((r.distance < :f1) AND (r.time = :f2)))");
  const auto g = compile("distance gt 1 and distance lt 2 or time eq 3");
  EXPECT_EQ(g.sql, "(((r.distance > :f0) AND (r.distance < :f1)) OR (r.time = :f2))");
}

TEST(FilterSql, ParenthesesOverridePrecedence) {
  const auto f = compile("(distance gt 1 or distance lt 2) and time eq 3");
  EXPECT_EQ(f.sql, "(((r.distance > :f0) OR (r.distance < :f1)) AND (r.time = :f2))");
}

TEST(FilterSql, ChainsAreFlat) {
  EXPECT_EQ(compile("time eq 1 and time eq 2 and time eq 3").sql,
            "((r.time = :f0) AND (r.time = :f1) AND (r.time = :f2))");
  EXPECT_EQ(compile("time eq 1 or time eq 2 or time eq 3").sql,
            "((r.time = :f0) OR (r.time = :f1) OR (r.time = :f2))");
}

TEST(FilterSql, RedundantParenthesesAddNothing) {
  EXPECT_EQ(compile("((((time eq 1))))").sql, "(r.time = :f0)");
  EXPECT_EQ(compile("(time eq 1)and(time eq 2)").sql, "((r.time = :f0) AND (r.time = :f1))");
}

TEST(FilterSql, Not) {
  EXPECT_EQ(compile("not time eq 1").sql, "(NOT (r.time = :f0))");
  EXPECT_EQ(compile("not not time eq 1").sql, "(NOT (NOT (r.time = :f0)))");
  EXPECT_EQ(compile("not(time eq 1 or time eq 2)").sql,
            "(NOT ((r.time = :f0) OR (r.time = :f1)))");
  // not binds tighter than and/or.
  EXPECT_EQ(compile("not time eq 1 and time eq 2").sql,
            "((NOT (r.time = :f0)) AND (r.time = :f1))");
}

TEST(FilterSql, NestedMix) {
  const auto f = compile(
      "not (location eq 'Oslo' or (speed ge 2.5 and not (temperature_max lt -3.5))) "
      "or result_id eq 7");
  EXPECT_EQ(f.sql,
            "((NOT ((r.location = :f0) OR ((r.speed >= :f1) AND (NOT (r.temperature_max < "
            ":f2))))) OR (r.result_id = :f3))");
  EXPECT_EQ(f.params, (Params{{"f0", std::string("Oslo")},
                              {"f1", 2.5},
                              {"f2", -3.5},
                              {"f3", std::int64_t{7}}}));
}

TEST(FilterSql, WhitespaceIsFlexible) {
  EXPECT_EQ(compile("  \t\n(distance\teq\r\n5)  ").sql, "(r.distance = :f0)");
  EXPECT_EQ(compile("location eq 'a'and time eq 1").sql,
            "((r.location = :f0) AND (r.time = :f1))");
}

TEST(FilterSql, CaseInsensitiveKeywords) {
  const auto f = compile("distance Eq 5 AND location EQ 'x' Or NOT date eq NULL aNd time GE 1");
  EXPECT_EQ(f.sql,
            "(((r.distance = :f0) AND (r.location = :f1)) OR ((NOT (r.date IS NULL)) AND "
            "(r.time >= :f2)))");
}

TEST(FilterSql, FieldNamesAreCaseSensitive) {
  EXPECT_EQ(error_of("Distance eq 5"), "unknown field 'Distance' at position 1");
}

TEST(FilterSql, ParamNames) {
  const auto f = compile("time eq 1 or time eq 2");
  EXPECT_EQ(f.sql, "((r.time = :f0) OR (r.time = :f1))");
  EXPECT_EQ(f.params[1].first, "f1");
}

TEST(FilterSql, FractionAgainstAnIntegerFieldComparesAsReal) {
  const auto f = compile("distance gt 12.5");
  EXPECT_EQ(f.sql, "(r.distance > CAST(:f0 AS DOUBLE PRECISION))");
  EXPECT_EQ(f.params, (Params{{"f0", 12.5}}));
  EXPECT_EQ(compile("speed gt 12.5").sql, "(r.speed > :f0)");
}

TEST(FilterSql, ParamsNumberedPastTen) {
  std::string expr = "time eq 0";
  for (int i = 1; i <= 11; ++i) expr += " or time eq " + std::to_string(i);
  const auto f = compile(expr);
  ASSERT_EQ(f.params.size(), 12u);
  EXPECT_EQ(f.params[11], (std::pair<std::string, SqlValue>{"f11", std::int64_t{11}}));
  EXPECT_NE(f.sql.find("(r.time = :f11))"), std::string::npos);
}

// ---- literals and types ----------------------------------------------------------------

TEST(FilterLiterals, Numbers) {
  EXPECT_EQ(compile("distance gt -20").params[0].second, SqlValue{std::int64_t{-20}});
  EXPECT_EQ(compile("distance gt 20.5").params[0].second, SqlValue{20.5});
  EXPECT_EQ(compile("speed gt 3").params[0].second, SqlValue{std::int64_t{3}});
  EXPECT_EQ(compile("speed gt 1e3").params[0].second, SqlValue{1000.0});
  EXPECT_EQ(compile("speed gt 2.5E-1").params[0].second, SqlValue{0.25});
  EXPECT_EQ(compile("speed gt 1e+2").params[0].second, SqlValue{100.0});
  EXPECT_EQ(compile("result_id eq 9223372036854775807").params[0].second,
            SqlValue{std::int64_t{9223372036854775807}});
  EXPECT_EQ(compile("result_id eq -9223372036854775808").params[0].second,
            SqlValue{std::numeric_limits<std::int64_t>::min()});
}

TEST(FilterLiterals, NumbersOutOfRange) {
  EXPECT_EQ(error_of("result_id eq 9223372036854775808"),
            "number '9223372036854775808' is out of range at position 14");
  EXPECT_EQ(error_of("speed gt 1e999"), "number '1e999' is out of range at position 10");
  const std::string digits(1900, '9');
  EXPECT_EQ(position_of("distance gt " + digits), 13u);
  EXPECT_NE(error_of("distance gt " + digits).find("is out of range"), std::string::npos);
  EXPECT_NE(error_of("speed gt " + digits + ".5").find("is out of range"), std::string::npos);
}

TEST(FilterLiterals, MalformedNumbers) {
  EXPECT_EQ(error_of("distance gt 1."), "invalid number '1.' at position 13");
  EXPECT_EQ(error_of("distance gt 1e"), "invalid number '1e' at position 13");
  EXPECT_EQ(error_of("distance gt 5km"), "invalid number '5km' at position 13");
  EXPECT_EQ(error_of("distance gt 1.2.3"), "invalid number '1.2.3' at position 13");
  EXPECT_EQ(error_of("distance gt 5-3"), "invalid number '5-3' at position 13");
  EXPECT_EQ(error_of("distance gt --5"), "unexpected character '-' at position 13");
  EXPECT_EQ(error_of("distance gt .5"), "unexpected character '.' at position 13");
  EXPECT_EQ(error_of("distance gt +5"), "unexpected character '+' at position 13");
}

TEST(FilterLiterals, QuoteEscaping) {
  EXPECT_EQ(compile("location eq 'O''Brien'").params[0].second, SqlValue{std::string("O'Brien")});
  EXPECT_EQ(compile("location eq ''").params[0].second, SqlValue{std::string()});
  EXPECT_EQ(compile("location eq ''''").params[0].second, SqlValue{std::string("'")});
  EXPECT_EQ(compile("location eq 'a''''b'").params[0].second, SqlValue{std::string("a''b")});
  EXPECT_EQ(compile("location eq 'Zürich ☃'").params[0].second,
            SqlValue{std::string("Zürich ☃")});
}

TEST(FilterLiterals, Dates) {
  const auto f = compile("date eq 2016-05-01 or date ge '2016-06-01'");
  EXPECT_EQ(f.sql, "((r.date = :f0) OR (r.date >= :f1))");
  EXPECT_EQ(f.params, (Params{{"f0", std::string("2016-05-01")}, {"f1", std::string("2016-06-01")}}));
  EXPECT_EQ(compile("date eq 2016-02-29").params[0].second, SqlValue{std::string("2016-02-29")});
}

TEST(FilterLiterals, InvalidDates) {
  EXPECT_EQ(error_of("date eq 2015-02-30"), "invalid date '2015-02-30' at position 9");
  EXPECT_EQ(error_of("date eq '2015-02-30'"), "invalid date '2015-02-30' at position 9");
  EXPECT_EQ(error_of("date eq 2015-2-3"), "invalid date '2015-2-3' at position 9");
  EXPECT_EQ(error_of("date eq 2016-05-01T10"), "invalid date '2016-05-01T10' at position 9");
  EXPECT_EQ(error_of("date eq 'yesterday'"), "invalid date 'yesterday' at position 9");
  EXPECT_EQ(error_of("created_at gt '2016-05-01T10:00:00Z'"),
            "invalid date '2016-05-01T10:00:00Z' at position 15");
  // An invalid date is rejected wherever it appears, even against a number field.
  EXPECT_EQ(error_of("distance eq 2015-13-01"), "invalid date '2015-13-01' at position 13");
}

TEST(FilterLiterals, Null) {
  EXPECT_EQ(compile("location eq null").sql, "(r.location IS NULL)");
  EXPECT_EQ(compile("location ne NULL").sql, "(r.location IS NOT NULL)");
  EXPECT_EQ(compile("created_at eq Null").sql, "(r.created_at IS NULL)");
  EXPECT_EQ(compile("speed ne null").sql, "(r.speed IS NOT NULL)");
  EXPECT_TRUE(compile("date eq null").params.empty());
  EXPECT_EQ(compile("time eq null or time eq 3").params,
            (Params{{"f0", std::int64_t{3}}}));
  EXPECT_EQ(error_of("speed gt null"),
            "null can only be compared with 'eq' or 'ne', not 'gt' at position 7");
  EXPECT_EQ(error_of("location le null"),
            "null can only be compared with 'eq' or 'ne', not 'le' at position 10");
}

TEST(FilterLiterals, TypeMismatches) {
  EXPECT_EQ(error_of("distance eq '5'"),
            "field 'distance' expects a number but got a string at position 13");
  EXPECT_EQ(error_of("date eq 20160501"),
            "field 'date' expects a date (YYYY-MM-DD) but got a number at position 9");
  EXPECT_EQ(error_of("location eq 5"),
            "field 'location' expects a quoted string but got a number at position 13");
  EXPECT_EQ(error_of("location eq 2016-05-01"),
            "field 'location' expects a quoted string but got a date at position 13");
  EXPECT_EQ(error_of("speed eq 2016-05-01"),
            "field 'speed' expects a number but got a date at position 10");
  EXPECT_EQ(error_of("created_at eq 5"),
            "field 'created_at' expects a date (YYYY-MM-DD) but got a number at position 15");
}

TEST(FilterLiterals, BooleansMatchNoField) {
  for (const char* field : {"result_id", "date", "distance", "speed", "location", "created_at"}) {
    for (const char* value : {"true", "false", "TRUE", "False"}) {
      const std::string expr = std::string(field) + " eq " + value;
      const std::string detail = error_of(expr);
      EXPECT_NE(detail.find("field '" + std::string(field) + "' expects"), std::string::npos)
          << detail;
      EXPECT_NE(detail.find("but got a boolean"), std::string::npos) << detail;
    }
  }
}

// ---- timestamps compared by day --------------------------------------------------------

struct DayCase {
  const char* expr;
  const char* sql;
  Params params;
};

TEST(FilterTimestamp, DaySemantics) {
  const std::string a = "2016-05-01T00:00:00Z", b = "2016-05-02T00:00:00Z";
  const std::vector<DayCase> cases = {
      {"created_at eq 2016-05-01", "((r.created_at >= :f0) AND (r.created_at < :f1))",
       {{"f0", a}, {"f1", b}}},
      {"created_at ne 2016-05-01", "((r.created_at < :f0) OR (r.created_at >= :f1))",
       {{"f0", a}, {"f1", b}}},
      {"created_at gt 2016-05-01", "(r.created_at >= :f0)", {{"f0", b}}},
      {"created_at ge 2016-05-01", "(r.created_at >= :f0)", {{"f0", a}}},
      {"created_at lt 2016-05-01", "(r.created_at < :f0)", {{"f0", a}}},
      {"created_at le 2016-05-01", "(r.created_at < :f0)", {{"f0", b}}},
      {"created_at eq '2016-05-01'", "((r.created_at >= :f0) AND (r.created_at < :f1))",
       {{"f0", a}, {"f1", b}}},
  };
  for (const auto& c : cases) {
    const auto f = compile(c.expr);
    EXPECT_EQ(f.sql, c.sql) << c.expr;
    EXPECT_EQ(f.params, c.params) << c.expr;
  }
}

TEST(FilterTimestamp, MonthAndYearBoundaries) {
  EXPECT_EQ(compile("created_at le 2016-02-29").params[0].second,
            SqlValue{std::string("2016-03-01T00:00:00Z")});
  EXPECT_EQ(compile("created_at gt 2015-12-31").params[0].second,
            SqlValue{std::string("2016-01-01T00:00:00Z")});
}

TEST(FilterTimestamp, LastRepresentableDay) {
  // The next midnight would have a five-digit year and sort wrongly as text.
  const auto eq = compile("created_at eq 9999-12-31");
  EXPECT_EQ(eq.sql, "((r.created_at >= :f0) AND (r.created_at <= :f1))");
  EXPECT_EQ(eq.params, (Params{{"f0", std::string("9999-12-31T00:00:00Z")},
                               {"f1", std::string("9999-12-31T23:59:59Z")}}));
  EXPECT_EQ(compile("created_at gt 9999-12-31").sql, "(r.created_at > :f0)");
  EXPECT_EQ(compile("created_at ne 9999-12-31").sql,
            "((r.created_at < :f0) OR (r.created_at > :f1))");
  EXPECT_EQ(compile("created_at le 9999-12-31").sql, "(r.created_at <= :f0)");
  EXPECT_EQ(compile("created_at ge 0000-01-01").params[0].second,
            SqlValue{std::string("0000-01-01T00:00:00Z")});
}

TEST(FilterTimestamp, ParamsContinueAcrossComparisons) {
  const auto f = compile("time eq 1 and created_at eq 2016-05-01 and time eq 2");
  EXPECT_EQ(f.sql,
            "((r.time = :f0) AND ((r.created_at >= :f1) AND (r.created_at < :f2)) AND (r.time = "
            ":f3))");
  EXPECT_EQ(f.params.size(), 4u);
}

// ---- errors and their positions --------------------------------------------------------

TEST(FilterErrors, ExamplesFromTheContract) {
  EXPECT_EQ(error_of("distance gt 5 and tme lt 10"), "unknown field 'tme' at position 19");
  EXPECT_EQ(error_of("distance eq"), "expected a value after 'eq' at position 12");
  EXPECT_EQ(error_of("location eq 'abc"), "unterminated string at position 13");
  EXPECT_EQ(error_of("(distance gt 5"), "unbalanced parenthesis at position 1");
  EXPECT_EQ(error_of("distance eq 5 and time lt 10 foo"), "unexpected 'foo' at position 30");
  EXPECT_EQ(error_of("speed gte 5"), "unknown operator 'gte' at position 7");
  EXPECT_EQ(error_of("date eq 2015-02-30"), "invalid date '2015-02-30' at position 9");
}

TEST(FilterErrors, Empty) {
  EXPECT_EQ(error_of(""), "empty filter at position 1");
  EXPECT_EQ(error_of("   \t\n "), "empty filter at position 1");
}

TEST(FilterErrors, Parentheses) {
  EXPECT_EQ(error_of("distance eq 5)"), "unbalanced parenthesis at position 14");
  EXPECT_EQ(error_of("(distance eq 5))"), "unbalanced parenthesis at position 16");
  const std::string nested = "(time eq 1 and ((time eq 2) or time eq 3)";
  EXPECT_EQ(error_of(nested), "unbalanced parenthesis at position 1");
  EXPECT_EQ(error_of("((time eq 1)"), "unbalanced parenthesis at position 1");
  EXPECT_EQ(error_of("()"), "expected a field name, 'not' or '(' but found ')' at position 2");
  EXPECT_EQ(error_of(")"), "expected a field name, 'not' or '(' but found ')' at position 1");
  EXPECT_EQ(error_of("(time eq 1 foo)"),
            "expected 'and', 'or' or ')' but found 'foo' at position 12");
}

TEST(FilterErrors, MissingPieces) {
  EXPECT_EQ(error_of("distance"), "expected an operator after 'distance' at position 9");
  EXPECT_EQ(error_of("distance 5"),
            "expected an operator after 'distance' but found '5' at position 10");
  EXPECT_EQ(error_of("distance eq 5 and"),
            "unexpected end of filter, expected a field name, 'not' or '(' at position 18");
  EXPECT_EQ(error_of("not"),
            "unexpected end of filter, expected a field name, 'not' or '(' at position 4");
  EXPECT_EQ(error_of("and distance eq 5"),
            "expected a field name, 'not' or '(' but found 'and' at position 1");
  EXPECT_EQ(error_of("distance eq 5 or or time eq 1"),
            "expected a field name, 'not' or '(' but found 'or' at position 18");
  EXPECT_EQ(error_of("5 eq distance"),
            "expected a field name, 'not' or '(' but found '5' at position 1");
  EXPECT_EQ(error_of("distance eq )"), "expected a value after 'eq' but found ')' at position 13");
  EXPECT_EQ(error_of("location eq Oslo"),
            "expected a value after 'eq' but found 'Oslo' (strings need single quotes) at "
            "position 13");
  EXPECT_EQ(error_of("distance gt time"),
            "expected a value after 'gt' but found 'time' (comparing two fields is not "
            "supported) at position 13");
  EXPECT_EQ(error_of("distance eq 5 time eq 1"), "unexpected 'time' at position 15");
  EXPECT_EQ(error_of("distance eq 5 'x'"), "unexpected 'x' at position 15");
}

TEST(FilterErrors, UnexpectedCharacters) {
  EXPECT_EQ(error_of("distance == 5"), "unexpected character '=' at position 10");
  EXPECT_EQ(error_of("r.distance eq 5"), "unknown field 'r' at position 1");
  EXPECT_EQ(error_of("distance.x eq 5"), "unexpected character '.' at position 9");
  EXPECT_EQ(error_of("distance eq \"x\""), "unexpected character '\"' at position 13");
  EXPECT_EQ(error_of("distance eq 5 ≠"), "unexpected character U+2260 at position 15");
  EXPECT_EQ(error_of(std::string("distance eq 5 \x01")),
            "unexpected character U+0001 at position 15");
}

TEST(FilterErrors, PositionsCountCharactersNotBytes) {
  // 'é' and '☃' are 2 and 3 bytes but one character each.
  EXPECT_EQ(error_of("location eq 'é☃' and tme eq 1"), "unknown field 'tme' at position 22");
  EXPECT_EQ(error_of("location eq 'é☃' é"), "unexpected character U+00E9 at position 18");
}

TEST(FilterErrors, InvalidUtf8AndNul) {
  EXPECT_EQ(error_of(std::string("location eq '\xff'")), "invalid UTF-8 at position 14");
  EXPECT_EQ(error_of(std::string("location eq '\xc3'")), "invalid UTF-8 at position 14");
  EXPECT_EQ(error_of(std::string("location eq '\xed\xa0\x80'")),  // a surrogate
            "invalid UTF-8 at position 14");
  EXPECT_EQ(error_of(std::string("location eq '\xc0\xaf'")),  // overlong '/'
            "invalid UTF-8 at position 14");
  EXPECT_EQ(error_of(std::string("location eq 'a\0b'", 17)),
            "NUL character in string at position 15");
}

TEST(FilterErrors, EchoedTextIsShortenedAndPrintable) {
  const std::string name(500, 'x');
  EXPECT_EQ(error_of(name + " eq 1"),
            "unknown field '" + std::string(40, 'x') + "...' at position 1");
  EXPECT_EQ(error_of("distance eq 5 'a\nb'"), "unexpected 'a?b' at position 15");
}

TEST(FilterErrors, IsAnApiError) {
  try {
    compile("nope eq 1");
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadFilter);
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_EQ(e.errors()[0].field, "filter");
    EXPECT_EQ(e.errors()[0].message, "unknown field 'nope' at position 1");
  }
}

// ---- limits --------------------------------------------------------------------------------

std::string parens(std::size_t depth) {
  return std::string(depth, '(') + "time eq 1" + std::string(depth, ')');
}

std::string nots(std::size_t depth) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += "not ";
  return s + "time eq 1";
}

TEST(FilterLimits, NestingDepth) {
  EXPECT_EQ(compile(parens(32)).sql, "(r.time = :f0)");
  EXPECT_EQ(error_of(parens(33)),
            "nesting is too deep (the limit is 32 levels of parentheses and 'not') at position "
            "33");
  EXPECT_NO_THROW(compile(nots(32)));
  EXPECT_EQ(position_of(nots(33)), 32u * 4 + 1);
  // Parentheses and 'not' count together.
  std::string mixed;
  for (int i = 0; i < 16; ++i) mixed += "not (";
  EXPECT_NO_THROW(compile(mixed + "time eq 1" + std::string(16, ')')));
  EXPECT_EQ(position_of(mixed + "not time eq 1" + std::string(16, ')')), 16u * 5 + 1);
}

TEST(FilterLimits, DeepInputDoesNotRecurse) {
  // Far too deep to recurse: rejected at level 33, within the length limit.
  EXPECT_EQ(position_of(std::string(1999, '(')), 33u);
  EXPECT_EQ(position_of(nots(490)), 32u * 4 + 1);
}

TEST(FilterLimits, Comparisons) {
  auto comparisons = [](int n) {
    std::string s = "time eq 1";
    for (int i = 1; i < n; ++i) s += " or time eq 1";
    return s;
  };
  const auto f = compile(comparisons(100));
  EXPECT_EQ(f.params.size(), 100u);
  const std::string over = comparisons(101);
  EXPECT_EQ(error_of(over), "too many comparisons (the limit is 100) at position " +
                                std::to_string(over.rfind("time") + 1));
}

TEST(FilterLimits, Length) {
  std::string ok = "location eq '" + std::string(1986, 'a') + "'";
  ASSERT_EQ(ok.size(), 2000u);
  EXPECT_NO_THROW(compile(ok));
  std::string over = "location eq '" + std::string(1987, 'a') + "'";
  EXPECT_EQ(error_of(over), "filter is longer than 2000 characters at position 2001");
  EXPECT_EQ(position_of(std::string(1'000'000, ' ')), 2001u);
}

TEST(FilterLimits, LengthCountsCharacters) {
  std::string value;
  for (int i = 0; i < 1986; ++i) value += "é";
  EXPECT_NO_THROW(compile("location eq '" + value + "'"));  // 2000 characters, 3986 bytes
  EXPECT_EQ(position_of("location eq '" + value + "é'"), 2001u);
}

// ---- injection -----------------------------------------------------------------------------

TEST(FilterInjection, RejectedOrBoundAsValues) {
  EXPECT_EQ(error_of(";drop table users;"), "unexpected character ';' at position 1");
  EXPECT_EQ(error_of("date eq '2015' or 1=1 --"), "invalid date '2015' at position 9");
  EXPECT_EQ(error_of("') or ('1'='1"),
            "expected a field name, 'not' or '(' but found ') or (' at position 1");
  EXPECT_EQ(error_of("location eq 'x' or 1=1 --"),
            "expected a field name, 'not' or '(' but found '1' at position 20");
  EXPECT_EQ(error_of("location eq 'x'; drop table runs"), "unexpected character ';' at position 16");
  EXPECT_EQ(error_of("location eq 'x' -- comment"), "unexpected character '-' at position 17");
  EXPECT_EQ(error_of("location eq 'x' /* c */"), "unexpected character '/' at position 17");
  EXPECT_EQ(error_of("distance eq 1 union select password from users"),
            "unexpected 'union' at position 15");

  const auto f = compile("location eq ''') or (''1''=''1' or location eq 'x; DROP TABLE users; --'");
  EXPECT_EQ(f.sql, "((r.location = :f0) OR (r.location = :f1))");
  EXPECT_EQ(f.params, (Params{{"f0", std::string("') or ('1'='1")},
                              {"f1", std::string("x; DROP TABLE users; --")}}));
}

// Random expressions from the grammar, some of them mutated with junk: each
// either throws FilterError or yields SQL made only of table columns,
// operators and placeholders, never user text.
class RandomFilters {
 public:
  explicit RandomFilters(unsigned seed) : rng_(seed) {}

  std::string expr(int depth = 0) {
    std::string s = term(depth);
    while (pick(3) == 0) s += pick(2) ? " and " : " OR ", s += term(depth);
    return s;
  }

  std::string mutate(std::string s) {
    static const std::vector<std::string> junk = {
        "(", ")", "'", ";", "--", "=", "é", " not ", " and ", "null", "tme", "2016-02-30", "\"\""};
    const int n = pick(3);
    for (int i = 0; i < n; ++i)
      s.insert(s.empty() ? 0 : pick(static_cast<int>(s.size())), junk[pick(int(junk.size()))]);
    return s;
  }

  int pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }

 private:
  std::string term(int depth) {
    const int k = depth > 4 ? 2 : pick(5);
    if (k == 0) return "(" + expr(depth + 1) + ")";
    if (k == 1) return "not " + term(depth + 1);
    static const std::vector<std::pair<std::string, std::vector<std::string>>> fields = {
        {"distance", {"5", "-20", "2.5", "null"}},
        {"speed", {"3.25", "1e2", "7"}},
        {"location", {"'Oslo'", "'O''Brien'", "'; drop table runs; --'", "''", "null"}},
        {"date", {"2016-05-01", "'2016-05-01'", "NULL"}},
        {"created_at", {"2016-05-01", "'2017-01-31'", "null"}},
    };
    static const std::vector<std::string> ops = {"eq", "ne", "gt", "ge", "lt", "le", "EQ"};
    const auto& [name, values] = fields[pick(int(fields.size()))];
    return name + " " + ops[pick(int(ops.size()))] + " " + values[pick(int(values.size()))];
  }

  std::mt19937 rng_;
};

TEST(FilterInjection, RandomInputNeverLeaksIntoSql) {
  RandomFilters gen(12345);
  int ok = 0, failed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string expr = gen.expr();
    if (gen.pick(3) == 0) expr = gen.mutate(expr);
    try {
      const auto f = compile(expr);
      ++ok;
      EXPECT_EQ(f.sql.find_first_of("';-\""), std::string::npos) << expr << " -> " << f.sql;
      EXPECT_EQ(f.sql.front(), '(');
      EXPECT_EQ(f.sql.back(), ')');
      EXPECT_EQ(f.sql.find("Oslo"), std::string::npos);
    } catch (const FilterError& e) {
      ++failed;
      EXPECT_GE(e.position(), 1u);
      EXPECT_LE(e.position(), expr.size() + 1);
    }
  }
  EXPECT_GT(ok, 5000);
  EXPECT_GT(failed, 1000);
}

// ---- field table ---------------------------------------------------------------------------

TEST(SchemaTest, FindIsExact) {
  ASSERT_NE(runs().find("speed"), nullptr);
  EXPECT_EQ(columns().at("speed").sql, "r.speed");
  EXPECT_EQ(runs().find("speed")->type, FieldType::Real);
  EXPECT_EQ(runs().find("Speed"), nullptr);
  EXPECT_EQ(runs().find("spee"), nullptr);
  EXPECT_EQ(runs().find(""), nullptr);
  EXPECT_EQ(runs().fields().size(), 13u);
}

TEST(SchemaTest, RejectsBadDefinitions) {
  EXPECT_THROW(Schema({{"a", FieldType::Text}, {"a", FieldType::Text}}), std::invalid_argument);
  EXPECT_THROW(Schema({{"a.b", FieldType::Text}}), std::invalid_argument);
  EXPECT_THROW(Schema({{"", FieldType::Text}}), std::invalid_argument);
  EXPECT_THROW(Schema({{"Not", FieldType::Text}}), std::invalid_argument);
  EXPECT_THROW(storage::ColumnMap({{"a", ""}}, "x"), std::invalid_argument);
  EXPECT_THROW(storage::ColumnMap({{"a", "x"}, {"a", "y"}}, "x"), std::invalid_argument);
}

TEST(SchemaTest, AFieldWithoutAColumnIsAProgrammingError) {
  const storage::ColumnMap partial({{"time", "r.time"}}, "r.result_id");
  const Expr tree = parse_filter("time eq 1 and distance eq 2", runs());
  std::string sql;
  EXPECT_THROW(storage::append_filter_sql(sql, tree, partial), std::logic_error);
}

// ---- sort ----------------------------------------------------------------------------------

std::string sort(std::string_view s, std::string_view def = "date,result_id") {
  return storage::order_by_sql(parse_sort(s, runs(), def), columns());
}

std::string sort_error(std::string_view s) {
  try {
    sort(s);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadFilter);
    EXPECT_EQ(e.errors().size(), 1u);
    if (e.errors().size() == 1) {
      EXPECT_EQ(e.errors()[0].field, "sort");
      EXPECT_EQ(e.errors()[0].message, e.what());
    }
    return e.what();
  }
  ADD_FAILURE() << "no ApiError for sort: " << s;
  return "";
}

TEST(Sort, Compiles) {
  EXPECT_EQ(sort("-date,distance"), "r.date DESC, r.distance ASC, r.result_id ASC");
  EXPECT_EQ(sort("speed"), "r.speed ASC, r.result_id ASC");
  EXPECT_EQ(sort("+speed"), "r.speed ASC, r.result_id ASC");
  EXPECT_EQ(sort(" -date , distance "), "r.date DESC, r.distance ASC, r.result_id ASC");
  EXPECT_EQ(sort("-temperature_max"), "r.temperature_max DESC, r.result_id ASC");
}

TEST(Sort, IdIsNotRepeated) {
  EXPECT_EQ(sort("result_id"), "r.result_id ASC");
  EXPECT_EQ(sort("-result_id,date"), "r.result_id DESC, r.date ASC");
  EXPECT_EQ(sort("date,-result_id"), "r.date ASC, r.result_id DESC");
}

TEST(Sort, Default) {
  EXPECT_EQ(sort(""), "r.date ASC, r.result_id ASC");
  EXPECT_EQ(sort("", "-date"), "r.date DESC, r.result_id ASC");
  EXPECT_EQ(sort("", ""), "r.result_id ASC");
  const storage::ColumnMap no_tie_break({{"date", "r.date"}}, "");
  EXPECT_EQ(storage::order_by_sql(parse_sort("", runs(), ""), no_tie_break), "");
  EXPECT_EQ(storage::order_by_sql(parse_sort("date", runs(), ""), no_tie_break), "r.date ASC");
  EXPECT_THROW(sort("", "nope"), std::invalid_argument);
  EXPECT_THROW(sort("", "date,date"), std::invalid_argument);
}

TEST(Sort, Errors) {
  EXPECT_EQ(sort_error("nope"), "unknown sort field 'nope'");
  EXPECT_EQ(sort_error("Date"), "unknown sort field 'Date'");
  EXPECT_EQ(sort_error("date;drop table runs"), "unknown sort field 'date;drop table runs'");
  EXPECT_EQ(sort_error("r.date"), "unknown sort field 'r.date'");
  EXPECT_EQ(sort_error("date,"), "empty sort key");
  EXPECT_EQ(sort_error(",date"), "empty sort key");
  EXPECT_EQ(sort_error("date,,speed"), "empty sort key");
  EXPECT_EQ(sort_error("-"), "empty sort key");
  EXPECT_EQ(sort_error(" "), "empty sort key");
  EXPECT_EQ(sort_error("date,-date"), "duplicate sort key 'date'");
  EXPECT_EQ(sort_error("speed,distance,speed"), "duplicate sort key 'speed'");
  EXPECT_EQ(sort_error("--date"), "unknown sort field '-date'");
  EXPECT_EQ(sort_error(std::string(100, 'z')),
            "unknown sort field '" + std::string(40, 'z') + "...'");
  EXPECT_EQ(sort_error(std::string("\xff\x01")), "unknown sort field '?" "?'");
}

TEST(Sort, LongInputIsLinear) {
  std::string many(1'000'000, ',');
  EXPECT_EQ(sort_error(many), "empty sort key");
}

TEST(CompileSort, CompositeKeysSortEachColumnInTheKeysDirection) {
  const Schema weeks({{"week", FieldType::Integer}, {"total", FieldType::Integer}});
  const storage::ColumnMap week_columns(
      {
          {"week", "(w.y * 100 + w.n)", {"w.y", "w.n"}},
          {"total", "SUM(w.d)"},
      },
      "w.y, w.n");
  const auto order = [&](std::string_view s) {
    return storage::order_by_sql(parse_sort(s, weeks, "week"), week_columns);
  };
  EXPECT_EQ(order(""), "w.y ASC, w.n ASC");
  EXPECT_EQ(order("-week"), "w.y DESC, w.n DESC");
  EXPECT_EQ(order("-total"), "SUM(w.d) DESC, w.y, w.n ASC");
  EXPECT_EQ(order("total,week"), "SUM(w.d) ASC, w.y ASC, w.n ASC");
}

}  // namespace
}  // namespace jogtrack::filter
