#!/usr/bin/env python3
"""Writes data/openapi.json and data/problems.html (both compiled into the binary).

Why a generator: every operation can answer a dozen statuses that share their
wording, headers and examples; written out by hand they drift apart. Here each
is said once (the component tables below) and referenced by name. The
problem kinds come from docs/problems.md's table and feed both the document's
examples and the /docs/problems page, so an anchor cannot go missing.

    scripts/gen-openapi.py           # rewrite both files
    scripts/gen-openapi.py --check   # exit 1 if either is not what this script writes
"""
import html
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPENAPI = ROOT / "data" / "openapi.json"
PROBLEMS = ROOT / "data" / "problems.html"
VERSION = "0.1.0"


def ref(kind, name):
    return {"$ref": f"#/components/{kind}/{name}"}


# ---- problem kinds (SPEC §3, §6): one anchor each on /docs/problems ---------------------------

# The kinds are the table of docs/problems.md (kind, status, title, when, what to do), which a unit
# test keeps in step with the server's own table (src/http/problems.cpp): the document, the page
# and the server name the same kinds with the same titles.
PROBLEMS_MD = ROOT / "docs" / "problems.md"


def parse_kinds(text):
    """[(kind, status, title, when, what)] from the table rows of `text`."""
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| ([0-9]{3}) \| ([^|]+?) \| (.+?) \| (.+?) \|$", text, re.MULTILINE)
    return [(k, int(s), t, w, d) for k, s, t, w, d in rows]


PROBLEM_KINDS = parse_kinds(PROBLEMS_MD.read_text())
KIND_STATUS = {k: s for k, s, *_ in PROBLEM_KINDS}


def problem_example(kind, detail, errors=None):
    """An example problem body of the given kind."""
    title = next(t for k, _, t, *_ in PROBLEM_KINDS if k == kind)
    body = {"type": f"/docs/problems#{kind}", "title": title, "status": KIND_STATUS[kind], "detail": detail}
    if errors:
        body["errors"] = [{"field": f, "message": m} for f, m in errors]
    return body


# ---- reusable headers --------------------------------------------------------------------------

HEADERS = {
    "X-Request-Id": {
        "description": "The request's id: the client's own `X-Request-Id` when it sent a valid one (1-64 of "
                       "`A-Za-z0-9._-`), else one the server made. Logged with the request.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"},
        "example": "5f3c9e1a2b7d4e60",
    },
    "WWW-Authenticate": {
        "description": "RFC 6750 challenge: `Bearer realm=\"jogtrack\"` when no credentials were sent, "
                       "`error=\"invalid_token\"` for bad credentials, `error=\"insufficient_scope\"` on 403.",
        "schema": {"type": "string", "pattern": "^Bearer( |$)"},
        "example": "Bearer realm=\"jogtrack\", error=\"invalid_token\"",
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
        "example": "30",
    },
    "Allow": {
        "description": "The methods this path takes.",
        "required": True,
        "schema": {"type": "string"},
        "example": "GET, PATCH, DELETE",
    },
    "Location": {
        "description": "The created resource's path.",
        "required": True,
        "schema": {"type": "string", "format": "uri-reference"},
        "example": "/results/42",
    },
    "Content-Disposition": {
        "description": "The export is a file to save: `attachment; filename=\"runs.csv\"`.",
        "required": True,
        "schema": {"type": "string"},
        "example": "attachment; filename=\"runs.csv\"",
    },
    "Link": {
        "description": "RFC 8288 links to the `first`, `prev`, `next` and `last` pages, keeping the other "
                       "query parameters (`prev`/`next` only when such a page exists).",
        "schema": {"type": "string"},
        "example": "</results?page=0&count=10>; rel=\"first\", </results?page=1&count=10>; rel=\"next\", "
                   "</results?page=4&count=10>; rel=\"last\"",
    },
    "X-Total-Count": {
        "description": "How many items match, over all pages.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
        "example": "42",
    },
    "ETag": {
        "description": "Strong entity tag of the representation; send it back in `If-None-Match` (304 when "
                       "unchanged) or `If-Match` (412 when it changed since).",
        "schema": {"type": "string", "pattern": "^\"[\\x21\\x23-\\x7e]*\"$"},
        "example": "\"3a7bd3e2360a3d29eea436fcfb7e44c7\"",
    },
    "Cache-Control": {
        "description": "`no-store` on every answer to a request that carried credentials: it is about one "
                       "caller.",
        "schema": {"type": "string"},
        "example": "no-store",
    },
    "Cache-Control-No-Store": {
        "description": "Every answer to an authenticated request: it is about one caller, so no cache may "
                       "keep it.",
        "required": True,
        "schema": {"type": "string", "pattern": "(^|[ ,])no-store($|[ ,])"},
        "example": "no-store",
    },
    "Idempotent-Replayed": {
        "description": "`true` when this answer is the stored answer to an earlier request with the same "
                       "`Idempotency-Key`: nothing was created this time.",
        "schema": {"type": "string", "enum": ["true"]},
        "example": "true",
    },
    "Set-Cookie-Refresh": {
        "description": "Cookie sessions: the new `jogtrack_refresh` cookie (`HttpOnly; SameSite=Strict; "
                       "Path=/auth; Max-Age` = the refresh-token lifetime; `Secure` unless "
                       "`JOGTRACK_COOKIE_SECURE=false`).",
        "schema": {"type": "string"},
        "example": "jogtrack_refresh=q2X...; Path=/auth; Max-Age=2592000; HttpOnly; SameSite=Strict; Secure",
    },
    "Set-Cookie-Clear": {
        "description": "Cookie sessions: clears `jogtrack_refresh` (`Max-Age=0`).",
        "schema": {"type": "string"},
        "example": "jogtrack_refresh=; Path=/auth; Max-Age=0; HttpOnly; SameSite=Strict; Secure",
    },
}
# OpenAPI header names may not be arbitrary keys: map the component name to the wire name.
WIRE_NAME = {"Set-Cookie-Refresh": "Set-Cookie", "Set-Cookie-Clear": "Set-Cookie",
             "Cache-Control-No-Store": "Cache-Control"}


def headers(*names, authenticated=False, maybe_authenticated=False):
    """authenticated: the answer of an operation that needs credentials (always no-store);
    maybe_authenticated: an answer that may or may not follow credentials (errors, 304)."""
    out = {"X-Request-Id": ref("headers", "X-Request-Id")}
    if authenticated:
        out["Cache-Control"] = ref("headers", "Cache-Control-No-Store")
    elif maybe_authenticated:
        out["Cache-Control"] = ref("headers", "Cache-Control")
    for n in names:
        out[WIRE_NAME.get(n, n)] = ref("headers", n)
    return out


# ---- schemas -----------------------------------------------------------------------------------

NULLABLE_STRING = {"type": ["string", "null"]}
SCOPE = {"type": "string", "enum": ["user", "manager", "admin"]}
DATE_TIME = {"type": "string", "format": "date-time", "description": "RFC 3339, UTC."}
INT_NOTE = " A JSON integer literal: `5000.0` or `\"5000\"` is refused."
DATE_RULE = ("A real calendar date `YYYY-MM-DD`, not before 1940-01-01 and not in the future (not after "
             "today's date in UTC+14, the easternmost time zone): the runner's local date.")
LOCATION_RULE = ("`\"LAT LON\"`: latitude then longitude in decimal degrees, separated by spaces; latitude "
                 "-90..90, longitude -180..180; at most 100 characters. Weather is looked up for this place.")
NUMBER_RE = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"

USERNAME = {
    "type": "string", "minLength": 3, "maxLength": 64, "pattern": "^[A-Za-z0-9._@+-]{3,64}$",
    "description": "3-64 ASCII letters, digits and `._@+-`; unique case-insensitively among live accounts.",
    "example": "alice",
}
PASSWORD = {
    "type": "string", "minLength": 8, "maxLength": 128, "writeOnly": True,
    "description": "At least `JOGTRACK_PASSWORD_MIN_LENGTH` characters (default 8; `minLength` shows the "
                   "default) and at most 128 (Unicode characters); not equal to the username (ignoring case); "
                   "not in the bundled list of common passwords. No composition rules.",
    "example": "correct horse battery staple",
}
EMAIL = {
    "type": ["string", "null"], "maxLength": 254,
    "pattern": "^[^@ \\t\\r\\n]+@[^ \\t\\r\\n]+$",
    "description": "An e-mail address of at most 254 characters (something@somewhere, no spaces), or null "
                   "for none.",
    "example": "alice@example.com",
}
NAME = {
    "type": ["string", "null"], "maxLength": 200, "pattern": "^[^\\u0000-\\u001f\\u007f]*$",
    "description": "Display name: at most 200 bytes of UTF-8, no control characters; null for none.",
    "example": "Alice Runner",
}
RUN_DATE = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": DATE_RULE, "example": "2016-05-01"}
DISTANCE = {"type": "integer", "minimum": 1, "maximum": 1000000,
            "description": "Metres, 1..1,000,000." + INT_NOTE, "example": 5000}
TIME = {"type": "integer", "minimum": 1, "maximum": 604800,
        "description": "Seconds, 1..604,800 (one week)." + INT_NOTE, "example": 1500}
LOCATION = {"type": "string", "maxLength": 100, "pattern": f"^{NUMBER_RE} +{NUMBER_RE}$",
            "description": LOCATION_RULE, "example": "52.52 13.405"}


def nullable(kind, description):
    return {"type": [kind, "null"], "description": description}


CONDITION_FIELDS = {
    "provider": {"type": "string", "description": "Where the weather came from: `open-meteo`, or `darksky` "
                                                  "for runs imported from the original system.",
                 "example": "open-meteo"},
    "summary": {"type": "string", "description": "The WMO weather code in words (empty for an unknown code).",
                "example": "Partly cloudy"},
    "weather_code": nullable("integer", "WMO weather interpretation code."),
    "temperature_max": nullable("number", "°C"),
    "temperature_min": nullable("number", "°C"),
    "apparent_temperature_max": nullable("number", "°C"),
    "apparent_temperature_min": nullable("number", "°C"),
    "precipitation_sum": nullable("number", "mm"),
    "rain_sum": nullable("number", "mm"),
    "snowfall_sum": nullable("number", "cm"),
    "wind_speed_max": nullable("number", "km/h"),
    "wind_gusts_max": nullable("number", "km/h"),
    "wind_direction_dominant": nullable("integer", "degrees"),
    "sunrise": nullable("string", "Local time, ISO 8601 without offset."),
    "sunset": nullable("string", "Local time, ISO 8601 without offset."),
    "legacy": {"description": "Runs imported from the original system (`jogtrack import-seed`): its stored "
                              "Dark Sky data, kept whole; the other fields are then null. Absent otherwise."},
}

CONDITION_EXAMPLE = {
    "provider": "open-meteo", "summary": "Partly cloudy", "weather_code": 2,
    "temperature_max": 21.4, "temperature_min": 11.2, "apparent_temperature_max": 20.1,
    "apparent_temperature_min": 9.8, "precipitation_sum": 0.0, "rain_sum": 0.0, "snowfall_sum": 0.0,
    "wind_speed_max": 14.3, "wind_gusts_max": 31.0, "wind_direction_dominant": 250,
    "sunrise": "2016-05-01T05:39", "sunset": "2016-05-01T20:33",
}
RUN_EXAMPLE = {
    "result_id": 42, "user_id": 7, "date": "2016-05-01", "distance": 5000, "time": 1500,
    "location": "52.52 13.405", "speed": 3.3333333333333335, "condition": CONDITION_EXAMPLE,
    "created_at": "2016-05-01T18:02:11Z", "updated_at": "2016-05-01T18:02:11Z",
}
USER_EXAMPLE = {
    "user_id": 7, "username": "alice", "email": "alice@example.com", "name": "Alice Runner",
    "scopes": ["user"], "role": "user", "created_at": "2016-04-30T09:12:45Z", "updated_at": None,
}
WEEK_EXAMPLE = {
    "year": 2016, "week": 17, "week_start": "2016-04-25", "runs": 2, "total_distance": 8100,
    "total_time": 1728, "average_speed": 4.6875, "average_distance": 4050.0,
}
TOKENS_EXAMPLE = {
    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl",
    "refresh_token": "kq3Pz2oXb9RrU5m1WcYt0aH8sE4vLnJd6fQ7gT1yZ0A",
    "token_type": "Bearer", "expires_in": 900,
}


def obj(properties, required=(), additional=True, description=None, example=None):
    s = {"type": "object", "properties": properties}
    if required:
        s["required"] = list(required)
    if not additional:
        s["additionalProperties"] = False
    if description:
        s["description"] = description
    if example is not None:
        s["examples"] = [example]
    return s


SCHEMAS = {
    "Problem": obj({
        "type": {"type": "string", "format": "uri-reference",
                 "description": "The kind of problem, a URI reference to its explanation: "
                                "`/docs/problems#<kind>`.",
                 "example": "/docs/problems#validation"},
        "title": {"type": "string", "description": "Short summary of the kind of problem."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "The HTTP status."},
        "detail": {"type": "string", "description": "This occurrence, in words (never a secret)."},
        "errors": {"type": "array", "description": "Validation failures, one per field.",
                   "items": obj({"field": {"type": "string"}, "message": {"type": "string"}},
                                required=["field", "message"])},
    }, required=["type", "title", "status", "detail"],
        description="RFC 9457 problem details (`application/problem+json`).",
        example=problem_example("validation", "invalid run: distance must be an integer",
                                [("distance", "must be an integer")])),
    "Login": obj({
        "username": {"type": "string", "example": "alice",
                     "description": "Compared case-insensitively; an unknown name is the same 401 as a wrong "
                                    "password."},
        "password": {"type": "string", "writeOnly": True, "example": "correct horse battery staple"},
        "session": {"type": "string", "enum": ["cookie"],
                    "description": "`cookie` for a browser session: the refresh token is set as the HttpOnly "
                                   "cookie `jogtrack_refresh` and left out of the response body."},
    }, required=["username", "password"], additional=False,
        example={"username": "alice", "password": "correct horse battery staple"}),
    "RefreshRequest": obj({
        "refresh_token": {"type": "string", "description": "Required unless the `jogtrack_refresh` cookie "
                                                           "is sent.",
                          "example": TOKENS_EXAMPLE["refresh_token"]},
    }, additional=False,
        description="The refresh token in the body, or `{}` (or no body) to use the `jogtrack_refresh` cookie "
                    "set by a cookie login. A token in the body wins over the cookie.",
        example={"refresh_token": TOKENS_EXAMPLE["refresh_token"]}),
    "Tokens": obj({
        "access_token": {"type": "string", "description": "JWT (HS256, `typ: at+jwt`)."},
        "refresh_token": {"type": "string", "description": "Opaque; absent for cookie sessions."},
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_in": {"type": "integer", "minimum": 1, "description": "Access-token lifetime, seconds."},
    }, required=["access_token", "token_type", "expires_in"],
        description="`refresh_token` is absent for cookie sessions (it is in the `jogtrack_refresh` cookie).",
        example=TOKENS_EXAMPLE),
    "Valid": obj({"valid": {"type": "boolean", "enum": [True]}}, required=["valid"], example={"valid": True}),
    "User": obj({
        "user_id": {"type": "integer", "minimum": 1},
        "username": {"type": "string"},
        "email": {"type": ["string", "null"]},
        "name": {"type": ["string", "null"]},
        "scopes": {"type": "array", "items": SCOPE, "minItems": 1,
                   "description": "Every account has `user`; `manager` and `admin` are added to it."},
        "role": {**SCOPE, "description": "The highest scope: admin > manager > user."},
        "created_at": DATE_TIME,
        "updated_at": {"type": ["string", "null"], "format": "date-time",
                       "description": "RFC 3339, UTC; null until the first change."},
    }, required=["user_id", "username", "email", "name", "scopes", "role", "created_at", "updated_at"],
        description="An account. Never includes a password or its hash.", example=USER_EXAMPLE),
    "Me": obj({"me": ref("schemas", "User")}, required=["me"], example={"me": USER_EXAMPLE}),
    "Registration": obj({"username": USERNAME, "password": PASSWORD, "email": EMAIL, "name": NAME},
                        required=["username", "password"], additional=False,
                        example={"username": "alice", "password": "correct horse battery staple",
                                 "email": "alice@example.com", "name": "Alice Runner"}),
    "UserChanges": obj({
        "name": NAME, "email": EMAIL,
        "password": {**PASSWORD, "description": "The new password (same rules as at registration). Revokes "
                                                "every refresh token of the account."},
        "current_password": {"type": "string", "writeOnly": True,
                             "description": "The caller's current password: required (and only accepted) with "
                                            "`password` when callers change their own password; admins and "
                                            "managers resetting someone else's leave it out. Wrong: 403, "
                                            "counted by the login throttle (429 once used up)."},
    }, additional=False, example={"name": "Alice R.", "email": None}),
    "Scopes": obj({"scopes": {"type": "array", "items": SCOPE,
                              "description": "`user` is always kept; the last admin cannot drop `admin`."}},
                  required=["scopes"], additional=False, example={"scopes": ["user", "manager"]}),
    "Condition": obj(CONDITION_FIELDS, required=[f for f in CONDITION_FIELDS if f != "legacy"],
                     description="The day's weather at the run's place, normalised from the provider's daily "
                                 "data; a value the provider did not have is null.",
                     example=CONDITION_EXAMPLE),
    "Run": obj({
        "result_id": {"type": "integer", "minimum": 1},
        "user_id": {"type": "integer", "minimum": 1},
        "date": {"type": "string", "format": "date", "description": "The runner's local date."},
        "distance": {"type": "integer", "minimum": 1, "description": "Metres."},
        "time": {"type": "integer", "minimum": 1, "description": "Seconds."},
        "location": {"type": "string", "description": "`\"LAT LON\"` in decimal degrees."},
        "speed": {"type": "number", "description": "distance / time, m/s."},
        "condition": ref("schemas", "Condition"),
        "created_at": DATE_TIME,
        "updated_at": DATE_TIME,
    }, required=["result_id", "user_id", "date", "distance", "time", "location", "speed", "condition",
                 "created_at", "updated_at"],
        description="One recorded run with the day's weather.", example=RUN_EXAMPLE),
    "NewRun": obj({
        "date": RUN_DATE, "distance": DISTANCE, "time": TIME, "location": LOCATION,
        "user_id": {"type": "integer", "minimum": 1,
                    "description": "Admins only: record the run for this user (same as `?user_id=`)."},
    }, required=["date", "distance", "time", "location"], additional=False,
        example={"date": "2016-05-01", "distance": 5000, "time": 1500, "location": "52.52 13.405"}),
    "RunChanges": obj({"date": RUN_DATE, "distance": DISTANCE, "time": TIME, "location": LOCATION},
                      additional=False,
                      description="Any subset of the four fields. Weather is fetched again only when `date` or "
                                  "`location` changes; if that fails, nothing is changed.",
                      example={"distance": 5200, "time": 1490}),
    "WeekSummary": obj({
        "year": {"type": "integer", "description": "ISO-8601 week-numbering year."},
        "week": {"type": "integer", "minimum": 1, "maximum": 53, "description": "ISO week number."},
        "week_start": {"type": "string", "format": "date", "description": "The ISO week's Monday."},
        "runs": {"type": "integer", "minimum": 1},
        "total_distance": {"type": "integer", "description": "Metres."},
        "total_time": {"type": "integer", "description": "Seconds."},
        "average_speed": {"type": "number", "description": "total_distance / total_time, m/s."},
        "average_distance": {"type": "number", "description": "total_distance / runs, metres."},
    }, required=["year", "week", "week_start", "runs", "total_distance", "total_time", "average_speed",
                 "average_distance"], example=WEEK_EXAMPLE),
    "WeeklySeed": {
        "type": "object",
        "description": "The seed's shape: ISO year -> list of `{week: [average_speed, total_distance]}`, "
                       "years and weeks ascending.",
        "propertyNames": {"pattern": "^-?[0-9]+$"},
        "additionalProperties": {
            "type": "array",
            "items": {
                "type": "object",
                "minProperties": 1, "maxProperties": 1,
                "propertyNames": {"pattern": "^[0-9]{1,2}$"},
                "additionalProperties": {
                    "type": "array", "minItems": 2, "maxItems": 2,
                    "prefixItems": [{"type": "number", "description": "average_speed, m/s"},
                                    {"type": "integer", "description": "total_distance, m"}],
                    "items": {"type": "number"},
                },
            },
        },
        "examples": [{"2015": [{"1": [4.6875, 8100]}, {"2": [3.2, 5000]}], "2016": [{"17": [4.1, 12000]}]}],
    },
    "Status": obj({"status": {"type": "string", "enum": ["ok", "ready"]}}, required=["status"],
                  example={"status": "ok"}),
}

# ---- parameters --------------------------------------------------------------------------------

RUN_FILTER_FIELDS = ("`result_id`, `date`, `distance`, `time`, `speed`, `location`, `temperature_max`, "
                     "`temperature_min`, `precipitation` (= condition.precipitation_sum), `wind_speed` "
                     "(= condition.wind_speed_max), `weather_code`, `created_at`, and `user_id` for admins")
FILTER_GRAMMAR = ("An OData `$filter` subset: `field op literal` comparisons with `eq ne gt ge lt le`, combined "
                  "with `and`, `or`, `not` and parentheses (`and` binds tighter than `or`; keywords are "
                  "case-insensitive). Literals: numbers, 'strings' ('' escapes a quote), dates `YYYY-MM-DD` "
                  "(quoted or not), `true`, `false`, `null`. At most 2,000 characters, nesting depth 32, "
                  "100 comparisons. A bad filter is a 400 whose `detail` names the problem and its position.")


def filter_param(fields, examples):
    return {
        "name": "filter", "in": "query", "required": False,
        "description": FILTER_GRAMMAR + " Fields: " + fields + ".",
        "schema": {"type": "string", "maxLength": 2000},
        "examples": {k: {"summary": s, "value": v} for k, (s, v) in examples.items()},
    }


def sort_param(keys, default, examples, note=""):
    return {
        "name": "sort", "in": "query", "required": False,
        "description": "Comma-separated sort keys, `-` prefix for descending. Keys: " + keys +
                       f". Default: {default}." + note,
        "schema": {"type": "string", "maxLength": 2000},
        "examples": {k: {"summary": s, "value": v} for k, (s, v) in examples.items()},
    }


PARAMETERS = {
    "Page": {"name": "page", "in": "query", "required": False,
             "description": "0-based page number.", "schema": {"type": "integer", "minimum": 0, "default": 0},
             "example": 0},
    "Count": {"name": "count", "in": "query", "required": False, "description": "Items per page.",
              "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10}, "example": 10},
    "RunFilter": filter_param(RUN_FILTER_FIELDS, {
        "day": ("Runs on one day", "date eq 2016-05-01"),
        "combined": ("One day, long or short runs",
                     "(date eq '2016-05-01') AND ((distance gt 20) OR (distance lt 10))"),
        "weather": ("Warm, dry runs", "temperature_max ge 20 and precipitation eq 0"),
    }),
    "RunSort": sort_param("the run filter fields", "`date`, then `result_id`", {
        "newest": ("Newest first", "-date"),
        "fastest": ("Fastest, then longest", "-speed,-distance"),
    }),
    "UserFilter": filter_param("`user_id`, `username`, `email`, `name`, `role`, `created_at`", {
        "managers": ("Managers", "role eq 'manager'"),
        "recent": ("Registered since 2024", "created_at ge 2024-01-01 and not (email eq null)"),
    }),
    "UserSort": sort_param("`user_id`, `username`, `email`, `name`, `role`, `created_at`", "`user_id`", {
        "by_name": ("By username", "username"),
        "newest": ("Newest accounts first", "-created_at"),
    }),
    "WeekFilter": filter_param(RUN_FILTER_FIELDS + " (applied to the runs before they are grouped into weeks)",
                               {"since": ("Weeks since 2019", "date ge '2019-01-01'"),
                                "long": ("Only runs over 10 km", "distance gt 10000")}),
    "WeekSort": sort_param("`week` (ISO year, then week), `runs`, `total_distance`, `total_time`, "
                           "`average_speed`, `average_distance`", "`week`", {
                               "fastest": ("Fastest weeks first", "-average_speed"),
                               "busiest": ("Most distance, then most runs", "-total_distance,-runs")},
                           note=" Needs `format=list` (the seed shape is keyed by year and week)."),
    "WeekFormat": {"name": "format", "in": "query", "required": False,
                   "description": "`seed` (default): the seed's object keyed by year; `list`: a list of "
                                  "week summaries.",
                   "schema": {"type": "string", "enum": ["seed", "list"], "default": "seed"}, "example": "list"},
    "ForUser": {"name": "user_id", "in": "query", "required": False,
                "description": "Admins only: act for this user. Anyone else passing it gets 403.",
                "schema": {"type": "integer", "minimum": 1}, "example": 7},
    "ResultId": {"name": "id", "in": "path", "required": True, "description": "The run's `result_id`.",
                 "schema": {"type": "integer", "minimum": 1}, "example": 42},
    "UserId": {"name": "id", "in": "path", "required": True, "description": "The account's `user_id`.",
               "schema": {"type": "integer", "minimum": 1}, "example": 7},
    "RefreshCookie": {"name": "jogtrack_refresh", "in": "cookie", "required": False,
                      "description": "The refresh token of a browser session (set by `POST /auth` with "
                                     "`\"session\": \"cookie\"`); used when the body has no `refresh_token`.",
                      "schema": {"type": "string"}},
    "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": False,
                       "description": "Makes a retry safe: the same key from the same caller (for `POST /users`, "
                                      "the same address) with the same body within 24 hours replays the first "
                                      "answer with `Idempotent-Replayed: true` and creates nothing; another "
                                      "body with the key is a 422, a retry while the first is running a 409.",
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                       "example": "9b2c6f0e-5d1a-4f2b-8c47-0d3e1f6a7b88"},
    "IfMatch": {"name": "If-Match", "in": "header", "required": False,
                "description": "Only change the resource if its current `ETag` is one of these (or `*`): "
                               "else 412 and nothing changes, so a lost update is impossible.",
                "schema": {"type": "string"}, "example": "\"3a7bd3e2360a3d29eea436fcfb7e44c7\""},
    "IfNoneMatch": {"name": "If-None-Match", "in": "header", "required": False,
                    "description": "Answer 304 without a body when the current `ETag` is one of these.",
                    "schema": {"type": "string"}, "example": "\"3a7bd3e2360a3d29eea436fcfb7e44c7\""},
}

# ---- responses ---------------------------------------------------------------------------------


def problem_response(description, examples, hdrs=()):
    # Cache-Control: an error answer to an authenticated request is about one caller too.
    return {
        "description": description,
        "headers": headers(*hdrs, maybe_authenticated=True),
        "content": {"application/problem+json": {
            "schema": ref("schemas", "Problem"),
            "examples": {k: {"summary": s, "value": v} for k, (s, v) in examples.items()},
        }},
    }


RESPONSES = {
    "BadRequest": problem_response(
        "Invalid input: malformed JSON, a field or query parameter that breaks its rule or is unknown, a bad "
        "filter, bad paging or sorting, a path id that is not a positive integer, a repeated query parameter.",
        {"validation": ("A field breaks its rule", problem_example(
            "validation", "invalid run: distance must be an integer", [("distance", "must be an integer")])),
         "bad_filter": ("A bad filter", problem_example(
             "bad-filter", "unknown field 'distanse' at position 1"))}),
    "Unauthorized": problem_response(
        "Missing, malformed, expired or revoked credentials (also for tokens of deleted accounts).",
        {"no_token": ("No credentials", problem_example("unauthorized", "missing or malformed bearer token")),
         "invalid": ("Invalid token", problem_example("invalid-token", "the access token is invalid")),
         "expired": ("Expired token", problem_example("token-expired", "the access token has expired"))},
        ["WWW-Authenticate"]),
    "LoginFailed": problem_response(
        "Wrong username or password (the same answer for both).",
        {"wrong": ("Wrong credentials", problem_example("invalid-credentials", "wrong username or password"))},
        ["WWW-Authenticate"]),
    "RefreshFailed": problem_response(
        "The refresh token is unknown, expired, revoked, or was already rotated (which revokes its whole "
        "chain). A cookie session's cookie is cleared.",
        {"revoked": ("Revoked token", problem_example("invalid-token", "the refresh token is invalid or revoked"))},
        ["WWW-Authenticate", "Set-Cookie-Clear"]),
    "Forbidden": problem_response(
        "Authenticated but not allowed by the role table.",
        {"forbidden": ("Not allowed", problem_example("forbidden", "only admins may act for another user"))},
        ["WWW-Authenticate"]),
    "NotFound": problem_response(
        "No such resource, or one the caller may not see.",
        {"not_found": ("Not found", problem_example("not-found", "no such run"))}),
    "MethodNotAllowed": problem_response(
        "The path does not take this method (answered for any method the path lacks); `Allow` lists those "
        "it takes.",
        {"method": ("Wrong method", problem_example("method-not-allowed",
                                                    "method PUT is not allowed on this resource"))},
        ["Allow"]),
    "PayloadTooLarge": problem_response(
        "The request body is over the limit (64 KiB).",
        {"too_large": ("Too large", problem_example("payload-too-large",
                                                    "the request body exceeds 65536 bytes"))}),
    "UnsupportedMediaType": problem_response(
        "A request body that is not `application/json`.",
        {"media": ("Not JSON", problem_example("unsupported-media-type",
                                               "the request body must be application/json"))}),
    "TooManyAttempts": problem_response(
        "Too many attempts: wait `Retry-After` seconds.",
        {"throttled": ("Throttled", problem_example("too-many-attempts",
                                                    "too many failed attempts; try again later"))},
        ["Retry-After"]),
    "ServiceUnavailable": problem_response(
        "The server is overloaded, shutting down, past the request's deadline (`JOGTRACK_REQUEST_TIMEOUT_MS`), "
        "or its database or session store cannot be reached; nothing was changed. Retry after `Retry-After`.",
        {"busy": ("Busy", problem_example("service-unavailable", "the request took too long; try again"))},
        ["Retry-After"]),
    "WeatherUnavailable": problem_response(
        "The weather provider could not be reached in time or is busy, or the server is unavailable as for "
        "any other operation; nothing was recorded or changed. Retry after `Retry-After`.",
        {"weather": ("Provider unreachable", problem_example(
            "weather-unavailable", "weather provider could not be reached: timeout")),
         "busy": ("Busy", problem_example("service-unavailable", "the request took too long; try again"))},
        ["Retry-After"]),
    "PreconditionFailed": problem_response(
        "`If-Match` does not match the current `ETag`: the resource changed since it was read; nothing was "
        "changed.",
        {"stale": ("Stale ETag", problem_example("precondition-failed",
                                                 "the resource has changed since it was read"))}),
    "NotModified": {"description": "The representation has not changed since the `ETag` in `If-None-Match`.",
                    "headers": headers("ETag", maybe_authenticated=True)},
}

# ---- operations --------------------------------------------------------------------------------

JSON = "application/json"


def body(schema_name, examples, required=True, description=None):
    b = {"required": required, "content": {JSON: {
        "schema": ref("schemas", schema_name),
        "examples": {k: {"summary": s, "value": v} for k, (s, v) in examples.items()}}}}
    if description:
        b["description"] = description
    return b


def ok(description, schema=None, example=None, hdrs=(), authenticated=False, media=JSON, examples=None):
    r = {"description": description, "headers": headers(*hdrs, authenticated=authenticated)}
    if schema is not None:
        c = {"schema": schema}
        if examples:
            c["examples"] = {k: {"summary": s, "value": v} for k, (s, v) in examples.items()}
        elif example is not None:
            c["example"] = example
        r["content"] = {media: c}
    return r


def problem(status, description, kinds):
    """An operation-specific problem response: `kinds` maps example name -> (summary, kind, detail)."""
    ex = {n: (s, problem_example(k, d)) for n, (s, k, d) in kinds.items()}
    hdrs = ["Retry-After"] if status in (429, 503) else []
    return problem_response(description, ex, hdrs)


def operation(op_id, tag, summary, description, responses, *, public=False, params=(), request=None,
              has_body=None):
    """Adds the answers every operation can give: 400 (query string), 405, 413, 503, and 415 and 401
    where they apply."""
    rs = dict(responses)
    rs.setdefault("400", ref("responses", "BadRequest"))
    if not public:
        rs.setdefault("401", ref("responses", "Unauthorized"))
    rs.setdefault("405", ref("responses", "MethodNotAllowed"))
    rs.setdefault("413", ref("responses", "PayloadTooLarge"))
    if request is not None or has_body:
        rs.setdefault("415", ref("responses", "UnsupportedMediaType"))
    rs.setdefault("503", ref("responses", "ServiceUnavailable"))
    op = {"operationId": op_id, "tags": [tag], "summary": summary, "description": description}
    if params:
        op["parameters"] = [ref("parameters", p) if isinstance(p, str) else p for p in params]
    if request is not None:
        op["requestBody"] = request
    op["responses"] = {k: rs[k] for k in sorted(rs)}
    if public:
        op["security"] = []
    return op


AUTH_REQUIRED = "Needs a bearer access token (any role)."
LIST_NOTE = ("The body is a JSON array of one page; `X-Total-Count` and `Link` (first, prev, next, last) "
             "describe the rest. `page` is 0-based, `count` 1..1000 (default 10); anything else is a 400.")
R = lambda name: ref("responses", name)  # noqa: E731


def list_operation(op_id, tag, summary, description, page_description, schema, examples, responses, *, params):
    """A paged list: LIST_NOTE ends its description, its 200 carries `X-Total-Count` and `Link`, and
    `page` and `count` come first among its parameters."""
    page = ok(page_description, schema, None, ("X-Total-Count", "Link"), authenticated=True, examples=examples)
    return operation(op_id, tag, summary, description + LIST_NOTE, {"200": page, **responses},
                     params=["Page", "Count", *params])


def run_creation_responses(created, weather_for, more_422=None):
    """The answers of an operation that creates runs: an admin may name another user (404 when gone), the
    weather of each run is looked up first (422 without data, 503 unreachable), and an
    `Idempotency-Key` may be in flight (409) or reused (422; `more_422` adds examples)."""
    return {
        "201": created,
        "403": R("Forbidden"),
        "404": problem(404, "The `user_id` an admin gave has no live account.", {
            "no_user": ("No such user", "not-found", "no such user")}),
        "409": problem(409, "A request with the same `Idempotency-Key` is still running.", {
            "in_flight": ("Same key in flight", "conflict", "a request with this Idempotency-Key is in progress")}),
        "422": problem(422, f"The weather provider has no data for {weather_for}, or the `Idempotency-Key` was "
                            "used with another body.", {
                                "no_weather": ("No weather data", "no-weather-data",
                                               "the weather provider has no data for 1941-02-03 at 0 -150"),
                                **(more_422 or {})}),
        "503": R("WeatherUnavailable"),
    }


def paths():
    runs_list = {"type": "array", "items": ref("schemas", "Run")}
    users_list = {"type": "array", "items": ref("schemas", "User")}
    return {
        "/auth": {"post": operation(
            "login", "auth", "Log in",
            "Checks a username and password and returns an access token (JWT) and a refresh token. Wrong "
            "username or password: 401 with the same body for both. After 10 failed attempts for one "
            "username, or 100 from one address, within 15 minutes: 429 with `Retry-After`. With "
            "`\"session\": \"cookie\"` the refresh token is set as an HttpOnly cookie instead.",
            {"200": ok("Logged in.", ref("schemas", "Tokens"), TOKENS_EXAMPLE, ["Set-Cookie-Refresh"]),
             "401": R("LoginFailed"), "429": R("TooManyAttempts")},
            public=True,
            request=body("Login", {
                "password": ("Log in", {"username": "alice", "password": "correct horse battery staple"}),
                "cookie": ("Browser session", {"username": "alice", "password": "correct horse battery staple",
                                               "session": "cookie"})}))},
        "/auth/refresh": {"post": operation(
            "refreshTokens", "auth", "Rotate a refresh token",
            "Exchanges a refresh token (body, or the `jogtrack_refresh` cookie when the body is `{}` or empty) "
            "for a new access token and a new refresh token. Presenting an already-rotated token revokes its "
            "whole chain (401; a cookie is then cleared).",
            {"200": ok("New tokens.", ref("schemas", "Tokens"), TOKENS_EXAMPLE, ["Set-Cookie-Refresh"]),
             "401": R("RefreshFailed")},
            public=True, params=["RefreshCookie"],
            request=body("RefreshRequest", {
                "body": ("Token in the body", {"refresh_token": TOKENS_EXAMPLE["refresh_token"]}),
                "cookie": ("Token in the cookie", {})}, required=False))},
        "/auth/logout": {"post": operation(
            "logout", "auth", "Revoke a refresh token",
            "Revokes the refresh token given in the body, or the `jogtrack_refresh` cookie when the body is "
            "`{}` or empty (the cookie is then cleared). Revoking an unknown token also answers 204.",
            {"204": {"description": "Revoked.", "headers": headers("Set-Cookie-Clear")}},
            public=True, params=["RefreshCookie"],
            request=body("RefreshRequest", {
                "body": ("Token in the body", {"refresh_token": TOKENS_EXAMPLE["refresh_token"]}),
                "cookie": ("Token in the cookie", {})}, required=False))},
        "/auth/verify": {"get": operation(
            "verifyToken", "auth", "Check an access token",
            "200 while the bearer token is valid and its account exists; 401 otherwise.",
            {"200": ok("The token is valid.", ref("schemas", "Valid"), {"valid": True}, authenticated=True)})},
        "/auth/me": {"get": operation(
            "getMe", "auth", "The caller's account",
            "The account the bearer token belongs to, as the database has it now (scopes included).",
            {"200": ok("The caller's account.", ref("schemas", "Me"), {"me": USER_EXAMPLE}, ["ETag"],
                       authenticated=True),
             "304": R("NotModified")},
            params=["IfNoneMatch"])},
        "/users": {
            "post": operation(
                "registerUser", "users", "Register",
                "Creates an account with the `user` scope (public). Registrations from one address are limited "
                "(`JOGTRACK_REGISTER_LIMIT` per hour; 429 beyond).",
                {"201": ok("Created.", ref("schemas", "User"), USER_EXAMPLE,
                           ["Location", "Idempotent-Replayed"]),
                 "409": problem(409, "The username is taken, or a request with the same `Idempotency-Key` is "
                                     "still running.", {
                                         "taken": ("Username taken", "username-taken",
                                                   "the username 'alice' is taken"),
                                         "in_flight": ("Same key in flight", "conflict",
                                                       "a request with this Idempotency-Key is in progress")}),
                 "422": problem(422, "The `Idempotency-Key` was used with another body.", {
                     "reused": ("Key reused", "idempotency-key-reused",
                                "this Idempotency-Key was used with a different request body")}),
                 "429": R("TooManyAttempts")},
                public=True, params=["IdempotencyKey"],
                request=body("Registration", {
                    "full": ("With e-mail and name", {"username": "alice",
                                                      "password": "correct horse battery staple",
                                                      "email": "alice@example.com", "name": "Alice Runner"}),
                    "minimal": ("Username and password only", {"username": "bob",
                                                               "password": "tr0mbone-staple-42"})})),
            "get": list_operation(
                "listUsers", "users", "List accounts",
                "Managers see accounts whose only scope is `user`; admins see all. Deleted accounts are not "
                "listed. ",
                "One page of accounts.", users_list, {"page": ("A page", [USER_EXAMPLE])},
                {"403": R("Forbidden")},
                params=["UserSort", "UserFilter"]),
        },
        "/users/{id}": {
            "parameters": [ref("parameters", "UserId")],
            "get": operation(
                "getUser", "users", "Read an account",
                "Anyone may read their own account; managers accounts whose only scope is `user`; admins any. "
                "Deleted or invisible accounts: 404.",
                {"200": ok("The account.", ref("schemas", "User"), USER_EXAMPLE, ["ETag"], authenticated=True),
                 "304": R("NotModified"), "403": R("Forbidden"), "404": R("NotFound")},
                params=["IfNoneMatch"]),
            "patch": operation(
                "updateUser", "users", "Change name, email or password",
                "Changes any of `name`, `email`, `password`. Changing one's own password needs "
                "`current_password` (missing: 400, wrong: 403); a password change revokes every refresh token "
                "of the account.",
                {"204": {"description": "Changed.", "headers": headers(authenticated=True)},
                 "403": problem(403, "Not allowed, or the current password is wrong.", {
                     "wrong_password": ("Wrong current password", "forbidden", "the current password is wrong")}),
                 "404": R("NotFound"), "412": R("PreconditionFailed"), "429": R("TooManyAttempts")},
                params=["IfMatch"],
                request=body("UserChanges", {
                    "profile": ("Change name, clear e-mail", {"name": "Alice R.", "email": None}),
                    "password": ("Change one's own password", {
                        "password": "a new long passphrase", "current_password": "correct horse battery staple"})})),
            "delete": operation(
                "deleteUser", "users", "Delete (expire) an account",
                "Marks the account expired: it can no longer log in, its tokens stop working at once, its runs "
                "are no longer visible, and its username may be registered again.",
                {"204": {"description": "Deleted.", "headers": headers(authenticated=True)},
                 "403": R("Forbidden"), "404": R("NotFound"), "412": R("PreconditionFailed"),
                 "409": problem(409, "The last admin cannot be deleted.", {
                     "last_admin": ("Last admin", "last-admin", "the last admin cannot be removed")})},
                params=["IfMatch"]),
        },
        "/users/{id}/scopes": {
            "parameters": [ref("parameters", "UserId")],
            "patch": operation(
                "setUserScopes", "users", "Set an account's scopes (admin)",
                "Admins only. `user` is always kept; the last admin cannot drop `admin` (409). Takes effect at "
                "once, whatever the account's tokens say.",
                {"204": {"description": "Changed.", "headers": headers(authenticated=True)},
                 "403": R("Forbidden"), "404": R("NotFound"),
                 "409": problem(409, "The change would leave no admin.", {
                     "last_admin": ("Last admin", "last-admin", "the last admin cannot drop admin")})},
                request=body("Scopes", {"manager": ("Make a manager", {"scopes": ["user", "manager"]}),
                                        "demote": ("Back to user", {"scopes": ["user"]})})),
        },
        "/results": {
            "post": operation(
                "createRun", "runs", "Record a run",
                "Fetches the day's weather for the date and place first (cached by date and place rounded to "
                "0.01°); if none can be had, the run is not recorded: 422 when the provider has no data, 503 "
                "when it cannot be reached in time. Admins may record for another user with `user_id`.",
                run_creation_responses(
                    ok("Recorded.", ref("schemas", "Run"), RUN_EXAMPLE, ["Location", "Idempotent-Replayed"],
                       authenticated=True),
                    "that date and place",
                    {"reused": ("Key reused", "idempotency-key-reused",
                                "this Idempotency-Key was used with a different request body")}),
                params=["ForUser", "IdempotencyKey"],
                request=body("NewRun", {
                    "run": ("A 5 km run in Berlin", {"date": "2016-05-01", "distance": 5000, "time": 1500,
                                                     "location": "52.52 13.405"}),
                    "for_user": ("An admin records for user 7", {"date": "2016-05-02", "distance": 10000,
                                                                "time": 3300, "location": "48.8566 2.3522",
                                                                "user_id": 7})})),
            "get": list_operation(
                "listRuns", "runs", "List runs",
                "The caller's runs (an admin may pass `user_id` for another user's). ",
                "One page of runs.", runs_list, {"page": ("A page", [RUN_EXAMPLE])},
                {"403": R("Forbidden"), "404": R("NotFound")},
                params=["RunSort", "RunFilter", "ForUser"]),
        },
        "/results/import": {"post": operation(
            "importRuns", "runs", "Import runs from a file",
            "Creates runs from a GPX 1.0/1.1 file (one run per track), a TCX file (one per activity) or CSV "
            "(`date,location,distance,time` rows without a header, or a header row as the export writes), up "
            "to 10 MiB. Distance: haversine over the points; time: last minus first timed point; location: the "
            "first point, 4 decimals; date: the first point's UTC time shifted by round(longitude / 15) hours. "
            "All or nothing: a bad track or row (400, named in `detail`), missing weather (422) or an "
            "unreachable provider (503) stores nothing. Documents with a DOCTYPE are refused.",
            run_creation_responses(
                ok("The created runs, in file order.", runs_list, [RUN_EXAMPLE], ["Idempotent-Replayed"],
                   authenticated=True),
                "a run's date and place"),
            params=["ForUser", "IdempotencyKey"],
            request={"required": True, "content": {
                "application/gpx+xml": {"schema": {"type": "string"}},
                "application/vnd.garmin.tcx+xml": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"},
                             "example": "2015-01-01,32.0853 34.7818,2000,405\n"}}})},
        "/results/export": {"get": operation(
            "exportRuns", "runs", "Export runs as CSV",
            "The caller's runs (an admin may pass `user_id`) as CSV, `filter` and `sort` as for the list, every "
            "matching run (no paging), streamed in chunks. RFC 4180; a text cell starting with `=`, `+`, `-` or "
            "`@` is written with a leading `'` (numbers are not).",
            {"200": ok("The runs, one per row after the header row.", {"type": "string"},
                       "result_id,date,distance,time,location,speed,summary,temperature_max,temperature_min,"
                       "precipitation,wind_speed\r\n", ["Content-Disposition"], authenticated=True,
                       media="text/csv"),
             "403": R("Forbidden"), "404": R("NotFound")},
            params=["RunSort", "RunFilter", "ForUser"])},
        "/results/{id}": {
            "parameters": [ref("parameters", "ResultId")],
            "get": operation(
                "getRun", "runs", "Read a run",
                "One of the caller's runs (admins: anyone's). Another user's run is a 404, not a 403, so ids "
                "cannot be probed.",
                {"200": ok("The run.", ref("schemas", "Run"), RUN_EXAMPLE, ["ETag"], authenticated=True),
                 "304": R("NotModified"), "404": R("NotFound")},
                params=["IfNoneMatch"]),
            "patch": operation(
                "updateRun", "runs", "Change a run",
                "Any subset of `date`, `distance`, `time`, `location`. Weather is fetched again only when "
                "`date` or `location` changes; if that fails, nothing is changed (422/503).",
                {"200": ok("The changed run.", ref("schemas", "Run"), RUN_EXAMPLE, ["ETag"], authenticated=True),
                 "404": R("NotFound"), "412": R("PreconditionFailed"),
                 "422": problem(422, "The weather provider has no data for the new date and place.", {
                     "no_weather": ("No weather data", "no-weather-data",
                                    "the weather provider has no data for 1941-02-03 at 0 -150")}),
                 "503": R("WeatherUnavailable")},
                params=["IfMatch"],
                request=body("RunChanges", {
                    "time": ("Fix distance and time", {"distance": 5200, "time": 1490}),
                    "move": ("Another place (weather re-fetched)", {"location": "48.8566 2.3522"})})),
            "delete": operation(
                "deleteRun", "runs", "Delete a run", "Deletes one of the caller's runs (admins: anyone's).",
                {"204": {"description": "Deleted.", "headers": headers(authenticated=True)},
                 "404": R("NotFound"), "412": R("PreconditionFailed")},
                params=["IfMatch"]),
        },
        "/results/reports/weekly": {"get": list_operation(
            "weeklyReport", "reports", "Weekly report",
            "Per ISO week (ISO year and week number) that has runs: `average_speed` = total distance / total "
            "time (m/s) and `total_distance` (m). `format=list` gives a list of week summaries instead of the "
            "seed's object. `filter` applies to the runs before they are grouped; paging is over weeks. ",
            "One page of weeks.", {"oneOf": [
                ref("schemas", "WeeklySeed"),
                {"type": "array", "items": ref("schemas", "WeekSummary")}]},
            {"seed": ("format=seed (default)", {"2015": [{"1": [4.6875, 8100]}]}),
             "list": ("format=list", [WEEK_EXAMPLE])},
            {"403": R("Forbidden"), "404": R("NotFound")},
            params=["WeekFormat", "WeekSort", "WeekFilter", "ForUser"])},
        "/healthz": {"get": operation(
            "healthz", "operations", "Liveness", "200 while the process is alive; no authentication.",
            {"200": ok("Alive.", ref("schemas", "Status"), {"status": "ok"})}, public=True)},
        "/readyz": {"get": operation(
            "readyz", "operations", "Readiness", "200 when the database answers; 503 when it does not.",
            {"200": ok("Ready.", ref("schemas", "Status"), {"status": "ready"})}, public=True)},
        "/metrics": {"get": operation(
            "metrics", "operations", "Prometheus metrics",
            "Prometheus text format 0.0.4: request counts and latency histograms by route and status, weather "
            "lookups and cache hits, connections.",
            {"200": ok("Metrics.", {"type": "string"},
                       "# TYPE jogtrack_http_requests_total counter\n"
                       "jogtrack_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1\n",
                       media="text/plain")}, public=True)},
        "/openapi.json": {"get": operation(
            "openapi", "operations", "This document", "The OpenAPI 3.1 description of this API.",
            {"200": ok("The document.", {"type": "object"}, {"openapi": "3.1.0"})}, public=True)},
    }


def document():
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "jogtrack",
            "version": VERSION,
            "summary": "Jogging times with weather, per user, with weekly reports.",
            "description": "Tracks jogging times: accounts, JWT login, runs with the day's weather, weekly "
                           "reports. Units: metres, seconds, m/s, °C, mm, km/h; dates `YYYY-MM-DD`, timestamps "
                           "RFC 3339 UTC. Errors are RFC 9457 problem+json whose `type` is a "
                           "`/docs/problems#<kind>` reference explained at "
                           "[/docs/problems](/docs/problems). Lists take `page`, `count`, `sort` and `filter` "
                           "(an OData `$filter` subset). `HEAD` works wherever `GET` does; bodies over 1 KiB are "
                           "gzip-compressed for clients that accept it; answers to authenticated requests carry "
                           "`Cache-Control: no-store`. Before any operation is matched, a URL over 32 KiB is a "
                           "414 and header fields over 16 KiB a 431 (problem types `uri-too-long`, "
                           "`header-fields-too-large`), and the connection is then closed.",
            "contact": {"name": "jogtrack maintainers", "url": "https://github.com/jogtrack/jogtrack/issues"},
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/", "description": "The server this document was fetched from."}],
        "security": [{"bearer": []}],
        "tags": [
            {"name": "auth", "description": "Log in, refresh and revoke tokens, check a token."},
            {"name": "users", "description": "Registration and accounts (roles: user, manager, admin)."},
            {"name": "runs", "description": "Runs with the day's weather."},
            {"name": "reports", "description": "Weekly averages."},
            {"name": "operations", "description": "Health, readiness, metrics and this document."},
        ],
        "paths": paths(),
        "components": {
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "Access token from `POST /auth` or `POST /auth/refresh` (HS256, `typ: at+jwt`)."}},
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "headers": HEADERS,
            "responses": RESPONSES,
        },
    }


# ---- /docs/problems ----------------------------------------------------------------------------


def inline_md(text):
    """`code` spans to <code>; everything else escaped."""
    parts = html.escape(text, quote=False).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def problems_page():
    rows = []
    for kind, status, title, when, what in PROBLEM_KINDS:
        rows.append(
            f'    <section id="{kind}" aria-labelledby="{kind}-title">\n'
            f'      <h2 id="{kind}-title"><a href="#{kind}">{html.escape(title)}</a></h2>\n'
            f'      <p class="meta"><code>type</code>: <code>/docs/problems#{kind}</code> '
            f'&middot; status <strong>{status}</strong></p>\n'
            f'      <p>{inline_md(when)}</p>\n'
            f'      <p><strong>What to do:</strong> {inline_md(what)}</p>\n'
            f'    </section>\n')
    toc = "".join(f'        <li><a href="#{k}">{k}</a> ({s})</li>\n' for k, s, *_ in PROBLEM_KINDS)
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>jogtrack: problem types</title>
  <style>
    body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 48rem; padding: 1rem; color: #1a1a1a; }}
    a {{ color: #0b57d0; }}
    code {{ background: #f1f3f4; padding: 0 .2em; border-radius: 3px; }}
    section {{ border-top: 1px solid #ccc; padding-top: .5rem; }}
    section:target {{ background: #fff8d6; }}
    .meta {{ color: #3c3c3c; }}
  </style>
</head>
<body>
  <header>
    <h1>Problem types</h1>
    <p>Every error answer of the jogtrack API is an RFC 9457 <code>application/problem+json</code> body
      <code>{{"type", "title", "status", "detail"}}</code> (plus <code>errors</code>, one entry per field, for
      invalid input). Its <code>type</code> is a reference to one of the sections below: it names the kind of
      problem, and a client can branch on it (the <code>title</code> is the same for every problem of a kind; the
      <code>detail</code> is for people and may change). 401 answers carry <code>WWW-Authenticate</code>
      (RFC 6750), 429 and 503 answers <code>Retry-After</code> (seconds). The API reference is at
      <a href="/docs">/docs</a>, the machine-readable description at <a href="/openapi.json">/openapi.json</a>.</p>
  </header>
  <main>
    <nav aria-label="Problem types">
      <ul>
{toc}      </ul>
    </nav>
{"".join(rows)}  </main>
</body>
</html>
"""


def main():
    outputs = {OPENAPI: json.dumps(document(), indent=1, ensure_ascii=False) + "\n", PROBLEMS: problems_page()}
    if sys.argv[1:] == ["--check"]:
        stale = [str(p.relative_to(ROOT)) for p, text in outputs.items()
                 if not p.exists() or p.read_text() != text]
        if stale:
            print("out of date (run scripts/gen-openapi.py):", ", ".join(stale), file=sys.stderr)
            return 1
        return 0
    for p, text in outputs.items():
        p.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
