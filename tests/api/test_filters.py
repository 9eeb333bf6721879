"""The list filter language (SPEC.md §3 "Lists: filtering, paging, sorting"), black-box.

1. A property test: a seeded generator of random valid filter expressions over the run
   fields, a reference evaluator written here (tokenizer + recursive-descent parser for the
   SPEC grammar + SQL three-valued logic), and a loaded dataset of ~150 runs; the ids the
   server returns must be exactly the ids the evaluator selects.
2. Injection and abuse: every bad filter is a 400 problem+json naming a 1-based position,
   and the data is intact afterwards.
3. Semantic spot checks on a small known dataset: precedence, not, case, escaping, dates,
   null, filter + sort + paging, the weekly report.

Set JOGTRACK_FILTER_SEED=<n> to replay the property test with a given seed.
"""
import datetime
import os
import random
import re
import urllib.parse

import pytest
import requests

from conftest import Client, assert_problem
from test_runs import (expected_condition, post_run, run_body, seed_shape, total_count, unique_location,
                       weekly_expected)

REPORT = "/results/reports/weekly"


# ---- a reference implementation of the filter language -------------------------------------

RUN_FIELD_TYPES = {
    "result_id": "number", "date": "date", "distance": "number", "time": "number", "speed": "number",
    "location": "text", "temperature_max": "number", "temperature_min": "number", "precipitation": "number",
    "wind_speed": "number", "weather_code": "number", "created_at": "timestamp",
}
OPS = ("eq", "ne", "gt", "ge", "lt", "le")
KEYWORDS = {"and", "or", "not", "true", "false", "null", *OPS}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")


class RefError(Exception):
    """The reference parser rejected an expression (a bug in the generator, not in the server)."""


def ref_tokenize(text):
    """[(kind, value, position)], kinds: ( ) word num date str end; positions 1-based."""
    toks, i, n = [], 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n\f\v":
            i += 1
        if i == n:
            toks.append(("end", None, i + 1))
            return toks
        c, start = text[i], i
        if c in "()":
            toks.append((c, c, i + 1))
            i += 1
        elif c.isascii() and (c.isalpha() or c == "_"):
            while i < n and text[i].isascii() and (text[i].isalnum() or text[i] == "_"):
                i += 1
            toks.append(("word", text[start:i], start + 1))
        elif c == "'":
            i += 1
            value = []
            while True:
                if i >= n:
                    raise RefError(f"unterminated string at {start + 1}")
                if text[i] == "'":
                    if i + 1 < n and text[i + 1] == "'":
                        value.append("'")
                        i += 2
                        continue
                    i += 1
                    break
                value.append(text[i])
                i += 1
            toks.append(("str", "".join(value), start + 1))
        elif c.isdigit() or (c == "-" and i + 1 < n and text[i + 1].isdigit()):
            i += 1
            while i < n and text[i].isascii() and (text[i].isalnum() or text[i] in "_.-+"):
                i += 1
            lexeme = text[start:i]
            if DATE_RE.match(lexeme):
                datetime.date.fromisoformat(lexeme)  # raises for 2015-02-30
                toks.append(("date", lexeme, start + 1))
            elif NUMBER_RE.match(lexeme):
                is_int = "." not in lexeme and "e" not in lexeme.lower()
                toks.append(("num", int(lexeme) if is_int else float(lexeme), start + 1))
            else:
                raise RefError(f"bad number {lexeme!r}")
        else:
            raise RefError(f"unexpected character {c!r} at {i + 1}")


class RefParser:
    """expr := or; or := and {or and}; and := not {and not}; not := "not" not | primary;
    primary := "(" expr ")" | field op literal.  AST: ("or", [..]) ("and", [..]) ("not", x)
    ("cmp", field, op, (kind, value))."""

    def __init__(self, text, field_types):
        self.toks = ref_tokenize(text)
        self.k = 0
        self.fields = field_types

    def peek(self):
        return self.toks[self.k]

    def take(self):
        tok = self.toks[self.k]
        self.k += 1
        return tok

    def is_word(self, word):
        kind, value, _ = self.peek()
        return kind == "word" and value.lower() == word

    def parse(self):
        ast = self.parse_or()
        if self.peek()[0] != "end":
            raise RefError(f"trailing input {self.peek()}")
        return ast

    def parse_or(self):
        parts = [self.parse_and()]
        while self.is_word("or"):
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def parse_and(self):
        parts = [self.parse_not()]
        while self.is_word("and"):
            self.take()
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def parse_not(self):
        if self.is_word("not"):
            self.take()
            return ("not", self.parse_not())
        return self.parse_primary()

    def parse_primary(self):
        kind, value, _ = self.take()
        if kind == "(":
            inner = self.parse_or()
            if self.take()[0] != ")":
                raise RefError("expected )")
            return inner
        if kind != "word" or value.lower() in KEYWORDS or value not in self.fields:
            raise RefError(f"expected a field, got {value!r}")
        field = value
        okind, op, _ = self.take()
        if okind != "word" or op.lower() not in OPS:
            raise RefError(f"bad operator {op!r}")
        op = op.lower()
        lkind, lit, _ = self.take()
        ftype = self.fields[field]
        if lkind == "word" and lit.lower() == "null":
            if op not in ("eq", "ne"):
                raise RefError("null needs eq/ne")
            return ("cmp", field, op, ("null", None))
        if ftype == "number" and lkind == "num":
            return ("cmp", field, op, ("num", lit))
        if ftype == "text" and lkind == "str":
            return ("cmp", field, op, ("str", lit))
        if ftype in ("date", "timestamp") and lkind in ("date", "str"):
            if not DATE_RE.match(lit):
                raise RefError(f"bad date {lit!r}")
            datetime.date.fromisoformat(lit)
            return ("cmp", field, op, ("date", lit))
        raise RefError(f"type mismatch {field} {lkind}")


def sql_compare(left, op, right):
    return {"eq": left == right, "ne": left != right, "gt": left > right, "ge": left >= right,
            "lt": left < right, "le": left <= right}[op]


def ref_eval(ast, row, field_types):
    """SQL three-valued logic: True, False or None (unknown)."""
    tag = ast[0]
    if tag == "or":
        values = [ref_eval(x, row, field_types) for x in ast[1]]
        return True if True in values else (None if None in values else False)
    if tag == "and":
        values = [ref_eval(x, row, field_types) for x in ast[1]]
        return False if False in values else (None if None in values else True)
    if tag == "not":
        value = ref_eval(ast[1], row, field_types)
        return None if value is None else not value
    _, field, op, (lkind, lit) = ast
    value = row[field]
    if lkind == "null":
        return (value is None) if op == "eq" else (value is not None)
    if value is None:
        return None
    if field_types[field] == "timestamp":  # "YYYY-MM-DDTHH:MM:SSZ" compared by day
        value = value[:10]
    return sql_compare(value, op, lit)


def ref_select(expr, rows, field_types=RUN_FIELD_TYPES):
    ast = RefParser(expr, field_types).parse()
    return {row["result_id"] for row in rows if ref_eval(ast, row, field_types) is True}


def filter_row(run):
    """A run as the filter sees it: the SPEC's field table over the API representation."""
    c = run["condition"]
    return {
        "result_id": run["result_id"], "date": run["date"], "distance": run["distance"], "time": run["time"],
        "speed": run["speed"], "location": run["location"], "temperature_max": c.get("temperature_max"),
        "temperature_min": c.get("temperature_min"), "precipitation": c.get("precipitation_sum"),
        "wind_speed": c.get("wind_speed_max"), "weather_code": c.get("weather_code"),
        "created_at": run["created_at"],
    }


# ---- the random expression generator ---------------------------------------------------------

class ExprGen:
    def __init__(self, rng, rows):
        self.rng = rng
        self.rows = rows
        self.comparisons = 0

    def kw(self, word):
        r = self.rng.random()
        if r < 0.55:
            return word
        if r < 0.75:
            return word.upper()
        if r < 0.85:
            return word.capitalize()
        return "".join(ch.upper() if self.rng.random() < 0.5 else ch for ch in word)

    def sp(self):
        return self.rng.choice([" "] * 12 + ["  ", "\t", " \n "])

    def expr(self, depth=0):
        return self.or_expr(depth)

    def or_expr(self, depth):
        n = 1 + (self.rng.randint(1, 2) if self.rng.random() < max(0.1, 0.5 - 0.12 * depth) else 0)
        return (self.sp() + self.kw("or") + self.sp()).join(self.and_expr(depth) for _ in range(n))

    def and_expr(self, depth):
        n = 1 + (self.rng.randint(1, 2) if self.rng.random() < max(0.1, 0.5 - 0.12 * depth) else 0)
        return (self.sp() + self.kw("and") + self.sp()).join(self.not_expr(depth) for _ in range(n))

    def not_expr(self, depth):
        if self.rng.random() < 0.18:
            inner = self.not_expr(depth + 1)
            sep = "" if inner.startswith("(") and self.rng.random() < 0.5 else self.sp()
            return self.kw("not") + sep + inner
        return self.primary(depth)

    def primary(self, depth):
        if depth < 5 and self.rng.random() < 0.3 - 0.05 * depth:
            return "(" + self.expr(depth + 1) + ")"
        text = self.comparison()
        if self.rng.random() < 0.1:  # redundant parentheses
            text = "(" + text + ")"
        return text

    def comparison(self):
        self.comparisons += 1
        rng = self.rng
        field = rng.choice(list(RUN_FIELD_TYPES))
        op = rng.choice(OPS)
        if rng.random() < 0.04:
            return f"{field} {self.kw(rng.choice(['eq', 'ne']))} {self.kw('null')}"
        return f"{field}{self.sp()}{self.kw(op)}{self.sp()}{self.literal(field)}"

    def row_value(self, field):
        return self.rng.choice(self.rows)[field]

    def literal(self, field):
        rng = self.rng
        ftype = RUN_FIELD_TYPES[field]
        if ftype == "date" or ftype == "timestamp":
            base = datetime.date.fromisoformat(self.row_value(field)[:10])
            r = rng.random()
            if r < 0.5:
                day = base
            elif r < 0.8:
                day = base + datetime.timedelta(days=rng.choice([-2, -1, 1, 2]))
            elif r < 0.9:
                day = datetime.date(base.year, 1, 1)
            else:
                day = datetime.date(rng.randint(2010, 2030), rng.randint(1, 12), rng.randint(1, 28))
            text = day.isoformat()
            return f"'{text}'" if rng.random() < 0.5 else text
        if ftype == "text":
            loc = self.row_value(field)
            r = rng.random()
            if r < 0.5:
                s = loc
            elif r < 0.7:
                s = loc[:rng.randint(0, len(loc))]
            elif r < 0.8:
                s = loc + "0"
            elif r < 0.9:
                s = "it's " + loc  # needs the '' escape
            else:
                s = rng.choice(["", "-", "9", "'", "a''b", "0 0"])
            return "'" + s.replace("'", "''") + "'"
        # numbers
        value = self.row_value(field)
        r = rng.random()
        if r < 0.45:
            v = value
        elif r < 0.7:
            other = self.row_value(field)
            v = (value + other) / 2
        elif r < 0.9:
            v = value + rng.choice([-1, 1]) * rng.choice([1, 0.5, 0.1, 10, 100])
        else:
            v = rng.uniform(-50, 50) if field.startswith("temp") else rng.choice([0, -1, 1, 1000000])
        return self.number_text(v)

    def number_text(self, v):
        rng = self.rng
        if isinstance(v, float) and v.is_integer() and rng.random() < 0.5:
            v = int(v)
        if isinstance(v, int):
            r = rng.random()
            if r < 0.7:
                return str(v)
            if r < 0.85:
                return f"{v}.0"
            if v != 0 and v % 100 == 0:
                return f"{v / 1000!r}e3".replace("e3", "E+3") if rng.random() < 0.5 else f"{v / 100!r}e2"
            return f"{v}e0"
        text = repr(v)
        if "e" in text or "inf" in text or "nan" in text:
            text = "%.6f" % v
        return text


def load_dataset(api, user, rng, n=150):
    """~n runs spread over 2013..2023 with ISO-week edges, varied numbers, a few places."""
    locations = [
        "%.4f %.4f" % (rng.uniform(63, 68), rng.uniform(10, 30)),     # cold: negative temperatures, snow
        "%.4f %.4f" % (rng.uniform(-40, -30), rng.uniform(140, 150)),  # southern hemisphere
        "%.4f %.4f" % (rng.uniform(-5, 5), rng.uniform(-80, -60)),     # tropics
        "%.4f %.4f" % (rng.uniform(40, 50), rng.uniform(-10, 10)),
        "%.4f %.4f" % (rng.uniform(30, 40), rng.uniform(-120, -100)),
        "%.4f %.4f" % (rng.uniform(50, 55), rng.uniform(0, 0.004)),     # longitude 0.00xx
    ]
    edges = []
    for year in range(2013, 2024):
        edges += [f"{year}-12-{d}" for d in (28, 29, 31)] + [f"{year}-01-0{d}" for d in (1, 3, 4)]
    shared_days = [f"20{rng.randint(14, 22)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}" for _ in range(5)]
    start, span = datetime.date(2013, 1, 1), (datetime.date(2023, 12, 31) - datetime.date(2013, 1, 1)).days
    distances = [5000, 10000, 21097, 42195]
    times = [1800, 3600]
    bodies = []
    for i in range(n):
        r = rng.random()
        if r < 0.3:
            date = rng.choice(edges)
        elif r < 0.45:
            date = rng.choice(shared_days)
        else:
            date = (start + datetime.timedelta(days=rng.randint(0, span))).isoformat()
        distance = rng.choice(distances) if rng.random() < 0.3 else rng.randint(100, 45000)
        time = rng.choice(times) if rng.random() < 0.3 else rng.randint(60, 20000)
        bodies.append(run_body(date=date, distance=distance, time=time, location=rng.choice(locations)))
    for body in bodies:
        r = post_run(api, user, body)
        assert r.status_code == 201, (body, r.status_code, r.text)
    r = api.get("/results", token=user, params={"count": 1000})
    assert r.status_code == 200, r.text
    runs = r.json()
    assert len(runs) == n and int(r.headers["X-Total-Count"]) == n
    return runs


def ids_of(response):
    assert response.status_code == 200, f"{response.status_code} {response.text}"
    return [x["result_id"] for x in response.json()]


# ---- 1. property test ----------------------------------------------------------------------------

def test_random_filters_match_a_reference_evaluator(api, fake_weather):
    fake_weather.reset()
    seed = int(os.environ.get("JOGTRACK_FILTER_SEED", "20240604"))
    rng = random.Random(seed)
    user = api.new_user()
    runs = load_dataset(api, user, rng)
    # The rows the evaluator sees are the stored rows; check they are what the SPEC says.
    for run in runs:
        assert run["speed"] == run["distance"] / run["time"], run
        assert run["condition"] == expected_condition(run["date"], run["location"]), run
    rows = [filter_row(run) for run in runs]
    by_id = {row["result_id"]: row for row in rows}
    order = [row["result_id"] for row in sorted(rows, key=lambda x: (x["date"], x["result_id"]))]

    gen = ExprGen(rng, rows)
    mismatches, nontrivial, checked = [], 0, 0
    while checked < 300:
        gen.comparisons = 0
        expr = gen.expr()
        if gen.comparisons > 100 or len(expr) > 2000:
            continue
        checked += 1
        try:
            expected = ref_select(expr, rows)
        except (RefError, ValueError) as e:
            pytest.fail(f"seed={seed}: generator made an invalid expression {expr!r}: {e}")
        r = api.get("/results", token=user, params={"filter": expr, "count": 1000})
        if r.status_code != 200:
            mismatches.append(f"seed={seed} filter={expr!r}: HTTP {r.status_code} {r.text}")
            continue
        got = [x["result_id"] for x in r.json()]
        if set(got) != expected or len(got) != len(expected):
            extra, missing = sorted(set(got) - expected), sorted(expected - set(got))
            sample = [by_id[i] for i in (extra + missing)[:2]]
            mismatches.append(f"seed={seed} filter={expr!r}: server-only ids {extra[:10]}, "
                              f"evaluator-only ids {missing[:10]}; rows {sample}")
            continue
        if got != [i for i in order if i in expected]:
            mismatches.append(f"seed={seed} filter={expr!r}: not in the default order (date, result_id): {got}")
        if int(r.headers["X-Total-Count"]) != len(expected):
            mismatches.append(f"seed={seed} filter={expr!r}: X-Total-Count {r.headers['X-Total-Count']} "
                              f"!= {len(expected)}")
        if 0 < len(expected) < len(rows):
            nontrivial += 1
    assert not mismatches, f"{len(mismatches)} of {checked} expressions differ (seed={seed}):\n" + \
        "\n".join(mismatches[:8])
    # The generator must exercise the server, not just produce all-or-nothing filters.
    assert nontrivial >= checked // 3, f"seed={seed}: only {nontrivial} of {checked} filters were selective"


def test_reference_evaluator_self_check():
    """The evaluator's own semantics on hand-made rows (so a property-test failure is the server's)."""
    rows = [
        {"result_id": 1, "date": "2016-05-01", "distance": 25, "time": 10, "speed": 2.5, "location": "1 2",
         "temperature_max": None, "temperature_min": 1.0, "precipitation": 0.0, "wind_speed": 3.0,
         "weather_code": 0, "created_at": "2024-01-02T23:59:59Z"},
        {"result_id": 2, "date": "2016-05-02", "distance": 5, "time": 10, "speed": 0.5, "location": "it's",
         "temperature_max": 3.5, "temperature_min": -1.0, "precipitation": 1.0, "wind_speed": 3.0,
         "weather_code": 61, "created_at": "2024-01-03T00:00:00Z"},
    ]
    assert ref_select("(date eq '2016-05-01') AND ((distance gt 20) OR (distance lt 10))", rows) == {1}
    assert ref_select("date eq 2016-05-01 or distance lt 10 and time eq 11", rows) == {1}
    assert ref_select("(date eq 2016-05-01 or distance lt 10) and time eq 11", rows) == set()
    assert ref_select("temperature_max gt 0", rows) == {2}
    assert ref_select("not temperature_max gt 0", rows) == set()  # NOT UNKNOWN is UNKNOWN
    assert ref_select("not temperature_max gt 0 or distance eq 25", rows) == {1}
    assert ref_select("temperature_max eq null", rows) == {1}
    assert ref_select("NOT (temperature_max EQ NULL)", rows) == {2}
    assert ref_select("location eq 'it''s'", rows) == {2}
    assert ref_select("created_at eq 2024-01-02", rows) == {1}
    assert ref_select("created_at gt '2024-01-02'", rows) == {2}
    assert ref_select("created_at le 2024-01-02", rows) == {1}
    assert ref_select("temperature_min lt -0.5", rows) == {2}
    assert ref_select("distance ge 2.5E1", rows) == {1}


# ---- 2. injection and abuse ------------------------------------------------------------------------

NESTED_40 = "(" * 40 + "distance gt 0" + ")" * 40
NESTED_32 = "(" * 32 + "distance gt 0" + ")" * 32
COMPARISONS_101 = " or ".join(["distance gt 0"] * 101)
COMPARISONS_100 = " or ".join(["distance gt 0"] * 100)
LONG_2001 = "distance gt 0" + " " * (2001 - len("distance gt 0"))
LONG_2000 = LONG_2001[:2000]
DIGITS_5000 = "distance gt " + "1" * 5000
DIGITS_30 = "distance gt " + "9" * 30

# (filter, text the detail must contain, 1-based position or None for "any position")
RUN_ABUSE = [
    (";drop table users;", "unexpected character", 1),
    ("date eq '2015' or 1=1 --", "invalid date", 9),
    ("') or ('1'='1", "field name", 1),
    ("distance eq 1; DELETE FROM runs", "unexpected character", 14),
    ("distance gt 0 or 1 eq 1", "field name", 18),
    ("distance gt 0 union select * from users", "unexpected", 15),
    ("user_id eq 1", "unknown field", 1),
    ("distance gt 1 and tme eq 5", "unknown field 'tme'", 19),
    (NESTED_40, "nesting", 33),
    ("not " * 33 + "distance gt 0", "nesting", 129),
    (COMPARISONS_101, "too many comparisons", 1701),
    (LONG_2001, "longer than 2000", 2001),
    (DIGITS_5000, None, None),
    (DIGITS_30, "out of range", 13),
    ("location eq 'abc", "unterminated string", 13),
    ("(distance gt 1", "unbalanced", 1),
    ("distance gt 1)", "unbalanced", 14),
    ("((distance gt 1) or (time lt 5)", "unbalanced", 1),
    ("distance gt 1 distance", "unexpected", 15),
    ("distance gt 1 time lt 5", "unexpected", 15),
    ("distance eqq 1", "unknown operator", 10),
    ("distance == 1", "unexpected character", 10),
    ("distance gt", "expected a value", 12),
    ("distance gt 1 and", "unexpected end", 18),
    ("distance", "expected an operator", 9),
    ("date eq 5", "expects a date", 9),
    ("date gt 20160501", "expects a date", 9),
    ("distance eq '5'", "expects a number", 13),
    ("distance eq 2016-05-01", "expects a number", 13),
    ("location eq 5", "expects a quoted string", 13),
    ("location eq abc", "single quotes", 13),
    ("distance eq time", "comparing two fields", 13),
    ("distance eq true", None, 13),
    ("date eq 2015-02-30", "invalid date", 9),
    ("date eq '2015-02-30'", "invalid date", 9),
    ("created_at ge 2015-13-01", "invalid date", 15),
    ("distance gt null", "null can only be compared", 10),
    ("", "empty filter", 1),
    ("   ", "empty filter", 1),
    ("location eq 'é' junk", "unexpected", 17),  # positions count characters, not bytes
    ("and distance gt 1", "field name", 1),
    ("distance gt 1 or or time gt 1", "field name", 18),
]


@pytest.fixture(scope="module")
def admin(server):
    return Client(server).new_user("admin")


def snapshot(api, admin, user):
    users = api.get("/users", token=admin, params={"count": 1000})
    assert users.status_code == 200, users.text
    runs = api.get("/results", token=user, params={"count": 1000})
    assert runs.status_code == 200, runs.text
    return (users.headers["X-Total-Count"], sorted(u["user_id"] for u in users.json()),
            runs.headers["X-Total-Count"], runs.json())


def check_abuse(api, path, token, cases):
    failures = []
    for flt, contains, position in cases:
        r = api.get(path, token=token, params={"filter": flt})
        try:
            body = assert_problem(r, 400, contains)
            assert "position" in body["detail"], body
            if position is not None:
                assert re.search(rf"\bposition {position}\b", body["detail"]), body
            assert any(e.get("field") == "filter" for e in body.get("errors", [])), body
        except AssertionError as e:
            failures.append(f"GET {path} filter={flt[:80]!r}: {e}")
    assert not failures, "\n".join(failures)


def test_abuse_on_results_is_400_and_data_intact(api, admin):
    user = api.new_user()
    for d in ("2015-01-01", "2016-05-01"):
        assert post_run(api, user, run_body(date=d)).status_code == 201
    before = snapshot(api, admin, user)
    check_abuse(api, "/results", user, RUN_ABUSE)
    assert snapshot(api, admin, user) == before
    assert api.get("/healthz").status_code == 200
    assert len(ids_of(api.get("/results", token=user, params={"filter": "distance gt 0"}))) == 2


def test_limits_are_inclusive(api):
    user = api.new_user()
    assert post_run(api, user, run_body()).status_code == 201
    for flt in (NESTED_32, COMPARISONS_100, LONG_2000, "not " * 32 + "distance gt 0",
                # 2,000 characters that all need percent-encoding in the URL (~6 KB)
                "location ne '" + "(" * (2000 - len("location ne ''")) + "'"):
        assert len(flt) <= 2000
        r = api.get("/results", token=user, params={"filter": flt})
        assert len(ids_of(r)) == 1, flt[:60]


def test_non_ascii_filter_within_the_character_limit(api):
    """The limit is 2,000 characters (code points), not bytes: a 2,000-character filter of
    2-byte characters is valid, even though its URL (percent-encoded) is ~12 KB."""
    user = api.new_user()
    assert post_run(api, user, run_body()).status_code == 201
    flt = "location ne '" + "é" * (2000 - len("location ne ''")) + "'"
    assert len(flt) == 2000
    try:
        r = api.get("/results", token=user, params={"filter": flt})
    except requests.ConnectionError as e:
        pytest.fail(f"GET /results?filter=<2,000-char non-ASCII filter, URL {len(urllib.parse.quote(flt))} "
                    f"bytes>: the server closed the connection without any response ({e})")
    assert len(ids_of(r)) == 1
    # One character more is a 400 at position 2001, not a dropped connection.
    try:
        r = api.get("/results", token=user, params={"filter": flt[:-1] + "é'"})
    except requests.ConnectionError as e:
        pytest.fail(f"2,001-char non-ASCII filter: connection closed without a response ({e})")
    body = assert_problem(r, 400, "longer than 2000")
    assert re.search(r"\bposition 2001\b", body["detail"]), body


def test_user_id_filter_is_admin_only(api, admin):
    alice = api.new_user()
    a1 = post_run(api, alice, run_body()).json()
    mine = post_run(api, admin, run_body()).json()
    body = assert_problem(api.get("/results", token=alice, params={"filter": f"user_id eq {alice.user_id}"}), 400,
                          "unknown field")
    assert re.search(r"\bposition 1\b", body["detail"]), body
    assert_problem(api.get(REPORT, token=alice, params={"filter": "user_id eq 1"}), 400, "unknown field")
    # An admin may filter on user_id (within the list it is looking at).
    r = api.get("/results", token=admin, params={"filter": f"user_id eq {admin.user_id}", "count": 1000})
    assert mine["result_id"] in ids_of(r)
    r = api.get("/results", token=admin, params={"user_id": alice.user_id, "filter": f"user_id eq {alice.user_id}"})
    assert ids_of(r) == [a1["result_id"]]
    r = api.get("/results", token=admin, params={"user_id": alice.user_id, "filter": f"user_id ne {alice.user_id}"})
    assert ids_of(r) == []
    r = api.get(REPORT, token=admin, params={"user_id": alice.user_id, "filter": f"user_id eq {alice.user_id}"})
    assert r.status_code == 200 and len(r.json()) == 1, r.text


def test_abuse_on_users_is_400_and_data_intact(api, admin):
    user = api.new_user()
    assert post_run(api, user, run_body()).status_code == 201
    before = snapshot(api, admin, user)
    cases = [
        ("password_hash eq 'x'", "unknown field", 1),
        ("password eq 'x'", "unknown field", 1),
        ("username eq 'x' or password_hash ne null", "unknown field", 20),
        (";drop table users;", "unexpected character", 1),
        ("') or ('1'='1", "field name", 1),
        ("username eq 'x' or 1=1 --", "field name", 20),
        ("username eq 'x'; DELETE FROM users", "unexpected character", 16),
        ("(" * 40 + "user_id gt 0" + ")" * 40, "nesting", 33),
        (" or ".join(["user_id gt 0"] * 101), "too many comparisons", 1601),
        ("user_id gt 0" + " " * 1989, "longer than 2000", 2001),
        ("user_id gt " + "7" * 5000, None, None),
        ("username eq 'abc", "unterminated string", 13),
        ("(user_id gt 1", "unbalanced", 1),
        ("user_id gt 1 junk", "unexpected", 14),
        ("user_id like 1", "unknown operator", 9),
        ("user_id eq 'x'", "expects a number", 12),
        ("created_at ge 5", "expects a date", 15),
        ("created_at ge 2015-02-30", "invalid date", 15),
        ("username eq x", "single quotes", 13),
        ("", "empty filter", 1),
    ]
    check_abuse(api, "/users", admin, cases)
    assert snapshot(api, admin, user) == before
    r = api.get("/users", token=admin, params={"filter": f"user_id eq {user.user_id}"})
    assert [u["user_id"] for u in r.json()] == [user.user_id]
    assert api.get("/healthz").status_code == 200


def test_abuse_on_weekly_report_is_400_and_data_intact(api, admin):
    user = api.new_user()
    for d in ("2015-01-01", "2016-05-01"):
        assert post_run(api, user, run_body(date=d)).status_code == 201
    before = snapshot(api, admin, user)
    check_abuse(api, REPORT, user, RUN_ABUSE)
    assert snapshot(api, admin, user) == before
    r = api.get(REPORT, token=user, params={"filter": "distance gt 0"})
    assert r.status_code == 200 and set(r.json()) == {"2015", "2016"}, r.text


def test_injection_inside_strings_is_inert(api, admin):
    user = api.new_user()
    run = post_run(api, user, run_body()).json()
    for flt, expected in [("location eq 'x'' OR ''1''=''1'", []),
                          ("location eq 'x''; DROP TABLE runs; --'", []),
                          ("location ne ''' or 1=1 --'", [run["result_id"]]),
                          ("location eq '\\' and distance gt 0", []),  # a backslash is just a character
                          ("location eq '\\' or distance gt 0", [run["result_id"]])]:
        r = api.get("/results", token=user, params={"filter": flt})
        assert ids_of(r) == expected, flt
    # A backslash does not escape the quote: this string never ends.
    body = assert_problem(api.get("/results", token=user, params={"filter": "location eq '\\'' or distance gt 0"}),
                          400, "unterminated string")
    assert re.search(r"\bposition 13\b", body["detail"]), body
    assert total_count(api, user) == 1
    r = api.get("/users", token=admin, params={"filter": "username eq 'x'' OR ''1''=''1'"})
    assert r.status_code == 200 and r.json() == []


# ---- 3. semantics on a small known dataset -----------------------------------------------------------

SPECS = [("2016-05-01", 25, 10), ("2016-05-01", 15, 10), ("2016-05-01", 5, 10), ("2016-05-02", 30, 10),
         ("2016-04-30", 8, 10), ("2016-05-03", 12, 4)]


@pytest.fixture
def six(api):
    """A user with six runs at one place: r[0..5] as in SPECS (date, distance, time)."""
    user = api.new_user()
    location = unique_location()
    runs = []
    for d, dist, t in SPECS:
        r = post_run(api, user, run_body(date=d, distance=dist, time=t, location=location))
        assert r.status_code == 201, r.text
        runs.append(r.json())
    return user, runs, location


def select(api, user, flt, **params):
    r = api.get("/results", token=user, params={"filter": flt, "count": 1000, **params})
    got = ids_of(r)
    assert int(r.headers["X-Total-Count"]) == len(got)
    return sorted(got)


CASES = [
    # the SPEC example
    ("(date eq '2016-05-01') AND ((distance gt 20) OR (distance lt 10))", {0, 2}),
    # precedence: a or b and c == a or (b and c)
    ("date eq 2016-04-30 or distance gt 10 and time eq 4", {4, 5}),
    ("date eq 2016-04-30 or (distance gt 10 and time eq 4)", {4, 5}),
    ("(date eq 2016-04-30 or distance gt 10) and time eq 4", {5}),
    ("time eq 4 and distance gt 10 or date eq 2016-04-30", {4, 5}),
    ("distance eq 25 or distance eq 30 or distance eq 8 and time eq 4", {0, 3}),
    # not
    ("not distance gt 10", {2, 4}),
    ("not not distance gt 10", {0, 1, 3, 5}),
    ("not (distance gt 10 or date eq 2016-04-30)", {2}),
    ("not distance gt 10 and time eq 10", {2, 4}),
    ("not (distance gt 10 and time eq 10)", {2, 4, 5}),
    ("not(distance le 12)", {0, 1, 3}),
    # keywords in any case
    ("distance GT 10 AnD time Eq 10 OR date EQ 2016-04-30", {0, 1, 3, 4}),
    ("NOT distance gt 10", {2, 4}),
    ("distance Le 8 oR distance gE 30", {2, 3, 4}),
    # dates: unquoted == quoted, ranges
    ("date eq 2016-05-01", {0, 1, 2}),
    ("date eq '2016-05-01'", {0, 1, 2}),
    ("date gt 2016-05-01", {3, 5}),
    ("date le '2016-05-01'", {0, 1, 2, 4}),
    ("date ne 2016-05-01", {3, 4, 5}),
    ("date ge 2016-05-02 and date lt 2016-05-03", {3}),
    # numbers in other spellings
    ("distance eq 25.0", {0}),
    ("distance eq 2.5e1", {0}),
    ("distance gt 12.5", {0, 1, 3}),
    ("speed gt 2.9", {3, 5}),
    ("speed eq 3", {3, 5}),
    ("speed ge 0.5 and speed lt 1", {2, 4}),
    ("distance gt -1", {0, 1, 2, 3, 4, 5}),
    # strings and the '' escape
    ("location ne 'it''s'", {0, 1, 2, 3, 4, 5}),
    ("location eq 'x''' or location eq ''''", set()),
    ("location eq ''", set()),
    # null
    ("location ne null", {0, 1, 2, 3, 4, 5}),
    ("location eq null", set()),
    ("temperature_max eq null or weather_code eq NULL", set()),
    ("not (precipitation eq null)", {0, 1, 2, 3, 4, 5}),
    ("wind_speed ne null and distance gt 20", {0, 3}),
    # whitespace
    ("  distance\tgt 20\n", {0, 3}),
    ("(distance gt 20)or(distance lt 6)", {0, 2, 3}),
]


@pytest.mark.parametrize("flt,expected", CASES, ids=[c[0] for c in CASES])
def test_semantics(api, six, flt, expected):
    user, runs, _ = six
    assert select(api, user, flt) == sorted(runs[i]["result_id"] for i in expected)


def test_location_and_condition_values(api, six):
    user, runs, location = six
    all_ids = sorted(r["result_id"] for r in runs)
    assert select(api, user, f"location eq '{location}'") == all_ids
    assert select(api, user, f"location lt '{location}' or location gt '{location}'") == []
    assert select(api, user, f"location ge '{location[:3]}'") == all_ids
    day1 = [r for r in runs if r["date"] == "2016-05-01"]
    tmax = day1[0]["condition"]["temperature_max"]
    # Same place and day: same weather.
    assert select(api, user, f"temperature_max eq {tmax!r} and date eq 2016-05-01") == \
        sorted(r["result_id"] for r in day1)
    tmin = min(r["condition"]["temperature_min"] for r in runs)
    assert select(api, user, f"temperature_min ge {tmin!r}") == all_ids
    assert select(api, user, f"not temperature_min ge {tmin!r}") == []


def test_created_at_is_compared_by_day(api, six):
    user, runs, _ = six
    # Expectations come from each run's own creation day, so the test holds
    # even when the runs were created on both sides of midnight UTC.
    created = {r["result_id"]: datetime.date.fromisoformat(r["created_at"][:10]) for r in runs}
    today = max(created.values())
    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)

    def ids(pred):
        return sorted(i for i, day in created.items() if pred(day))

    for flt, expected in [
        (f"created_at eq {today}", ids(lambda d: d == today)),
        (f"created_at eq '{today}'", ids(lambda d: d == today)),
        (f"created_at ne {today}", ids(lambda d: d != today)),
        (f"created_at ge {today}", ids(lambda d: d >= today)),
        (f"created_at gt {today}", []),
        (f"created_at le {today}", ids(lambda d: True)),
        (f"created_at lt {today}", ids(lambda d: d < today)),
        (f"created_at lt {tomorrow}", ids(lambda d: True)),
        (f"created_at gt {yesterday}", ids(lambda d: d > yesterday)),
        (f"created_at le {yesterday}", ids(lambda d: d <= yesterday)),
        (f"created_at ge {tomorrow}", []),
        (f"created_at ne {yesterday}", ids(lambda d: d != yesterday)),
        (f"not created_at eq {today}", ids(lambda d: d != today)),
    ]:
        assert select(api, user, flt) == expected, flt


def test_null_only_with_eq_and_ne(api, six):
    user, _, _ = six
    for flt, pos in [("location gt null", 10), ("distance le NULL", 10), ("date lt null", 6)]:
        body = assert_problem(api.get("/results", token=user, params={"filter": flt}), 400, "null")
        assert re.search(rf"\bposition {pos}\b", body["detail"]), body


def test_escaped_quote_in_user_names(api, admin):
    tag = unique_location().replace(" ", "_")
    target = api.new_user(name=f"O'Brien {tag}")
    other = api.new_user(name=f"OBrien {tag}")
    r = api.get("/users", token=admin, params={"filter": f"name eq 'O''Brien {tag}'"})
    assert r.status_code == 200, r.text
    assert [u["user_id"] for u in r.json()] == [target.user_id]
    r = api.get("/users", token=admin, params={"filter": f"name eq 'O''Brien {tag}' OR name EQ 'OBrien {tag}'"})
    assert sorted(u["user_id"] for u in r.json()) == sorted([target.user_id, other.user_id])
    r = api.get("/users", token=admin, params={"filter": f"name eq 'O''Brien {tag}'' or ''1''=''1'"})
    assert r.status_code == 200 and r.json() == []


def parse_links(resp):
    links = {}
    for url, rel in re.findall(r'<([^>]*)>\s*;\s*rel="([a-z]+)"', resp.headers.get("Link", "")):
        parsed = urllib.parse.urlsplit(url)
        links[rel] = (parsed.path, {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()})
    return links


def test_filter_with_sort_and_paging(api, six):
    user, runs, _ = six
    flt, sort = "distance ge 8", "time,-date"
    # distance >= 8: runs 0,1,3,4,5; by time asc, then date desc, then result_id.
    expected = [runs[i]["result_id"] for i in (5, 3, 0, 1, 4)]
    assert ids_of(api.get("/results", token=user, params={"filter": flt, "sort": sort})) == expected

    pages, seen = [], []
    params = {"filter": flt, "sort": sort, "count": 2, "page": 0}
    while True:
        r = api.get("/results", token=user, params=params)
        page_ids = ids_of(r)
        assert r.headers["X-Total-Count"] == "5"
        links = parse_links(r)
        assert set(links) >= {"first", "last"}
        for rel, (path, query) in links.items():
            assert path == "/results", links
            assert query["filter"] == flt and query["sort"] == sort and query["count"] == "2", links
        assert links["first"][1]["page"] == "0" and links["last"][1]["page"] == "2", links
        page = int(params["page"])
        assert ("prev" in links) == (page > 0), links
        if page > 0:
            assert links["prev"][1]["page"] == str(page - 1)
        pages.append(page_ids)
        seen += page_ids
        if "next" not in links:
            assert page == 2
            break
        assert links["next"][1]["page"] == str(page + 1)
        params = links["next"][1]
    assert pages == [expected[0:2], expected[2:4], expected[4:5]]
    assert seen == expected and len(set(seen)) == len(seen)

    # Ties on every sort key: the id breaks them, so count=1 pages never overlap.
    tied = [runs[i]["result_id"] for i in (0, 1, 2)]
    got = [ids_of(api.get("/results", token=user, params={"filter": "date eq 2016-05-01", "sort": "date",
                                                            "count": 1, "page": p}))
           for p in range(4)]
    assert got == [[tied[0]], [tied[1]], [tied[2]], []]
    # A page past the end of a filtered list is empty but keeps the total.
    r = api.get("/results", token=user, params={"filter": flt, "count": 2, "page": 7})
    assert ids_of(r) == [] and r.headers["X-Total-Count"] == "5"
    # A filter that matches nothing.
    r = api.get("/results", token=user, params={"filter": "distance gt 1000", "count": 2})
    assert ids_of(r) == [] and r.headers["X-Total-Count"] == "0"
    assert parse_links(r)["last"][1]["page"] == "0"
    # Sort on a filter-only field combination.
    r = api.get("/results", token=user, params={"filter": "distance lt 20", "sort": "-speed"})
    by_speed = sorted((x for x in runs if x["distance"] < 20), key=lambda x: (-x["speed"], x["result_id"]))
    assert ids_of(r) == [x["result_id"] for x in by_speed]


def report_list(weeks):
    out = []
    for (y, w), (n, dist, secs) in sorted(weeks.items()):
        out.append({"year": y, "week": w, "week_start": datetime.date.fromisocalendar(y, w, 1).isoformat(),
                    "runs": n, "total_distance": dist, "total_time": secs, "average_speed": dist / secs,
                    "average_distance": dist / n})
    return out


def test_weekly_report_filter_applies_before_grouping(api):
    user = api.new_user()
    location = unique_location()
    rows = [
        {"date": "2017-06-01", "distance": 5000, "time": 1500},
        {"date": "2018-12-30", "distance": 4000, "time": 1600},  # Sunday: ISO 2018-W52
        {"date": "2018-12-31", "distance": 6000, "time": 1800},  # Monday: ISO 2019-W01
        {"date": "2019-01-01", "distance": 7000, "time": 2100},  # ISO 2019-W01
        {"date": "2019-01-06", "distance": 3000, "time": 900},   # Sunday: ISO 2019-W01
        {"date": "2019-01-07", "distance": 10000, "time": 3000},  # ISO 2019-W02
    ]
    for row in rows:
        r = post_run(api, user, {**row, "location": location})
        assert r.status_code == 201, r.text

    r = api.get(REPORT, token=user)
    assert r.status_code == 200, r.text
    assert r.json() == seed_shape(weekly_expected(rows))
    assert r.headers["X-Total-Count"] == "4"

    later = [x for x in rows if x["date"] >= "2019-01-01"]
    r = api.get(REPORT, token=user, params={"filter": "date ge '2019-01-01'"})
    assert r.status_code == 200, r.text
    assert r.json() == seed_shape(weekly_expected(later))
    assert r.headers["X-Total-Count"] == "2"
    assert r.json()["2019"][0]["1"] == [10000 / 3000, 10000]  # 2018-12-31 is left out of 2019-W01

    r = api.get(REPORT, token=user, params={"filter": "date ge 2019-01-01", "format": "list"})
    assert r.status_code == 200 and r.json() == report_list(weekly_expected(later)), r.text

    picked = [x for x in rows if x["distance"] >= 5000 and x["date"] < "2019-01-07"]
    r = api.get(REPORT, token=user, params={"filter": "distance GE 5000 AND NOT date ge 2019-01-07",
                                            "format": "list"})
    assert r.status_code == 200 and r.json() == report_list(weekly_expected(picked)), r.text

    r = api.get(REPORT, token=user, params={"filter": "date gt 2030-01-01"})
    assert r.status_code == 200 and r.json() == {} and r.headers["X-Total-Count"] == "0", r.text

    # Paging over filtered weeks.
    r = api.get(REPORT, token=user, params={"filter": "date ge 2018-01-01", "format": "list", "count": 2,
                                            "page": 1})
    assert r.status_code == 200, r.text
    weeks = report_list(weekly_expected([x for x in rows if x["date"] >= "2018-01-01"]))
    assert r.json() == weeks[2:4] and r.headers["X-Total-Count"] == "3"
    links = parse_links(r)
    assert links["last"][1]["page"] == "1" and "next" not in links and links["prev"][1]["page"] == "0"
    assert links["prev"][1]["filter"] == "date ge 2018-01-01"
