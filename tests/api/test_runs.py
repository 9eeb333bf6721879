"""Runs (/results): recording with weather, reading, changing, deleting, lists and privacy.

The helpers at the top are shared with test_reports.py.
"""
import concurrent.futures
import csv
import datetime
import math
import random
import re
import socket
import threading
from pathlib import Path

import pytest
import requests

import fake_openmeteo
from conftest import Client, assert_problem

# The original system's sample runs (shared/seed/jogging_dataset.csv), kept beside the tests.
SEED_CSV = Path(__file__).parent / "jogging_dataset.csv"

# WMO 4677 weather interpretation codes (as Open-Meteo documents them).
WMO_SUMMARY = {
    0: "Clear sky", 1: "Mainly clear", 2: "Partly cloudy", 3: "Overcast", 45: "Fog",
    48: "Depositing rime fog", 51: "Light drizzle", 53: "Moderate drizzle", 55: "Dense drizzle",
    56: "Light freezing drizzle", 57: "Dense freezing drizzle", 61: "Slight rain", 63: "Moderate rain",
    65: "Heavy rain", 66: "Light freezing rain", 67: "Heavy freezing rain", 71: "Slight snow fall",
    73: "Moderate snow fall", 75: "Heavy snow fall", 77: "Snow grains", 80: "Slight rain showers",
    81: "Moderate rain showers", 82: "Violent rain showers", 85: "Slight snow showers",
    86: "Heavy snow showers", 95: "Thunderstorm", 96: "Thunderstorm with slight hail",
    99: "Thunderstorm with heavy hail",
}

CONDITION_KEYS = ["provider", "summary", "weather_code", "temperature_max", "temperature_min",
                  "apparent_temperature_max", "apparent_temperature_min", "precipitation_sum", "rain_sum",
                  "snowfall_sum", "wind_speed_max", "wind_gusts_max", "wind_direction_dominant", "sunrise",
                  "sunset"]
RUN_KEYS = {"result_id", "user_id", "date", "distance", "time", "location", "speed", "condition", "created_at",
            "updated_at"}
TIMESTAMP_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


def seed_rows():
    """The seed dataset: [{"date", "location", "distance", "time"}] (CSV columns date,location,distance,time)."""
    rows = []
    with open(SEED_CSV, newline="") as f:
        for rec in csv.reader(f):
            if not rec or rec[0] == "date":
                continue
            rows.append({"date": rec[0], "location": rec[1], "distance": int(rec[2]), "time": int(rec[3])})
    return rows


def centi(value):
    """std::lround(value * 100): half away from zero."""
    scaled = float(value) * 100
    return int(math.copysign(math.floor(abs(scaled) + 0.5), scaled))


def provider_coordinates(location):
    """The (lat, lon) the server asks the provider for: rounded to 0.01 degrees."""
    lat, lon = (float(x) for x in location.split())
    return centi(lat) / 100, centi(lon) / 100


def expected_condition(date, location):
    """The normalised condition the server must store for a run on (date, location)."""
    lat, lon = provider_coordinates(location)
    d = fake_openmeteo.expected_daily(date, lat, lon)
    return {
        "provider": "open-meteo",
        "summary": WMO_SUMMARY[d["weather_code"]],
        "weather_code": d["weather_code"],
        "temperature_max": d["temperature_2m_max"],
        "temperature_min": d["temperature_2m_min"],
        "apparent_temperature_max": d["apparent_temperature_max"],
        "apparent_temperature_min": d["apparent_temperature_min"],
        "precipitation_sum": d["precipitation_sum"],
        "rain_sum": d["rain_sum"],
        "snowfall_sum": d["snowfall_sum"],
        "wind_speed_max": d["wind_speed_10m_max"],
        "wind_gusts_max": d["wind_gusts_10m_max"],
        "wind_direction_dominant": d["wind_direction_10m_dominant"],
        "sunrise": d["sunrise"],
        "sunset": d["sunset"],
    }


def unique_location(rng=random):
    """A place no other test uses (so its weather is not cached yet): 4 decimals, like the seed."""
    return "%.4f %.4f" % (rng.uniform(-60, 60), rng.uniform(-170, 170))


def utc_today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def days_ago(n):
    return (utc_today() - datetime.timedelta(days=n)).isoformat()


def run_body(date="2015-06-01", distance=5000, time=1500, location=None, **extra):
    body = {"date": date, "distance": distance, "time": time, "location": location or unique_location()}
    body.update(extra)
    return body


def total_count(api, user, **params):
    r = api.get("/results", token=user, params={"count": 1, **params})
    assert r.status_code == 200, r.text
    return int(r.headers["X-Total-Count"])


def weekly_expected(rows):
    """{(iso_year, iso_week): [runs, distance, time]} computed independently of the server."""
    weeks = {}
    for row in rows:
        y, w, _ = datetime.date.fromisoformat(row["date"]).isocalendar()
        acc = weeks.setdefault((y, w), [0, 0, 0])
        acc[0] += 1
        acc[1] += row["distance"]
        acc[2] += row["time"]
    return dict(sorted(weeks.items()))


def seed_shape(weeks):
    """The default report body for {(year, week): [runs, distance, time]}."""
    out = {}
    for (y, w), (_, dist, secs) in sorted(weeks.items()):
        out.setdefault(str(y), []).append({str(w): [dist / secs, dist]})
    return out


def post_run(api, user, body, params=None):
    return api.post("/results", token=user, json=body, params=params)


def create_run(api, user, **kw):
    r = post_run(api, user, run_body(**kw))
    assert r.status_code == 201, r.text
    return r.json()


def assert_run_shape(run, body, user_id):
    assert set(run) == RUN_KEYS, run
    assert isinstance(run["result_id"], int) and run["result_id"] > 0
    assert run["user_id"] == user_id
    assert run["date"] == body["date"]
    assert run["distance"] == body["distance"] and isinstance(run["distance"], int)
    assert run["time"] == body["time"] and isinstance(run["time"], int)
    assert run["location"] == body["location"]
    assert run["speed"] == body["distance"] / body["time"]
    assert list(run["condition"]) == CONDITION_KEYS
    assert run["condition"] == expected_condition(body["date"], body["location"])
    assert re.match(TIMESTAMP_RE, run["created_at"]), run["created_at"]
    assert re.match(TIMESTAMP_RE, run["updated_at"]), run["updated_at"]


def error_fields(response):
    body = assert_problem(response, 400)
    return {e["field"] for e in body.get("errors", [])}


# ---- recording runs ----------------------------------------------------------

def test_seed_dataset_is_stored_with_the_days_weather(api):
    user = api.new_user()
    rows = seed_rows()
    assert len(rows) >= 18
    created = []
    for row in rows:
        r = post_run(api, user, row)
        assert r.status_code == 201, (row, r.text)
        run = r.json()
        assert r.headers["Location"] == f"/results/{run['result_id']}"
        assert r.headers["Content-Type"].startswith("application/json")
        assert_run_shape(run, row, user.user_id)
        created.append(run)

    # Reading back: one by one and as a list (default order: date, then result_id).
    for run in created:
        r = api.get(f"/results/{run['result_id']}", token=user)
        assert r.status_code == 200, r.text
        assert r.json() == run
    r = api.get("/results", token=user, params={"count": 1000})
    assert r.status_code == 200
    assert int(r.headers["X-Total-Count"]) == len(rows)
    expected = sorted(created, key=lambda x: (x["date"], x["result_id"]))
    assert r.json() == expected


def test_the_provider_is_asked_with_coordinates_rounded_to_a_hundredth(api, fake_weather):
    user = api.new_user()
    body = run_body(date="2016-03-03", location="12.3456 -45.6749")
    r = post_run(api, user, body)
    assert r.status_code == 201, r.text
    hits = fake_weather.hits()
    assert hits["archive"] == 1 and hits["forecast"] == 0
    query = hits["requests"][0]["query"]
    assert float(query["latitude"]) == 12.35 and float(query["longitude"]) == -45.67
    assert query["start_date"] == query["end_date"] == "2016-03-03"
    assert r.json()["condition"] == expected_condition("2016-03-03", "12.3456 -45.6749")
    assert r.json()["location"] == "12.3456 -45.6749"


@pytest.mark.parametrize("age,endpoint", [(0, "forecast"), (1, "forecast"), (4, "forecast"), (5, "forecast"),
                                          (6, "archive"), (40, "archive")])
def test_recent_days_use_the_forecast_api_older_days_the_archive(api, fake_weather, age, endpoint):
    user = api.new_user()
    body = run_body(date=days_ago(age))
    r = post_run(api, user, body)
    assert r.status_code == 201, r.text
    hits = fake_weather.hits()
    other = "archive" if endpoint == "forecast" else "forecast"
    assert hits[endpoint] == 1 and hits[other] == 0, hits
    assert_run_shape(r.json(), body, user.user_id)


def test_cached_weather_costs_no_second_call_even_for_another_user(api, fake_weather):
    alice, bob = api.new_user(), api.new_user()
    location = unique_location()
    lat, lon = (float(x) for x in location.split())
    first = create_run(api, alice, date="2018-08-08", location=location)
    assert fake_weather.hits()["archive"] == 1
    # Same day, same place: for alice again and for bob, no new provider call.
    again = create_run(api, alice, date="2018-08-08", location=location, distance=100, time=60)
    other = create_run(api, bob, date="2018-08-08", location=location)
    # A location within the same 0.01-degree cell is the same cache entry.
    nearby = "%.4f %.4f" % (lat + (0.001 if centi(lat + 0.001) == centi(lat) else -0.001), lon)
    assert centi(float(nearby.split()[0])) == centi(lat)
    near = create_run(api, bob, date="2018-08-08", location=nearby)
    hits = fake_weather.hits()
    assert hits["archive"] == 1 and hits["forecast"] == 0, hits
    for run in (again, other, near):
        assert run["condition"] == first["condition"]
    # Another day at the same place is a new lookup.
    create_run(api, bob, date="2018-08-09", location=location)
    assert fake_weather.hits()["archive"] == 2


FAILURES = [("nodata", 0, 422), ("error500", 0, 503), ("garbage", 0, 503), ("drop", 0, 503),
            ("slow", 3000, 503)]


@pytest.mark.parametrize("mode,delay,status", FAILURES)
def test_no_weather_means_no_run(api, fake_weather, mode, delay, status):
    user = api.new_user()
    create_run(api, user)
    before = total_count(api, user)
    body = run_body()
    fake_weather.set_mode(mode, delay_ms=delay)
    r = post_run(api, user, body)
    problem = assert_problem(r, status)
    if status == 503:
        assert int(r.headers["Retry-After"]) > 0
    assert problem["detail"]
    fake_weather.set_mode("ok")
    assert total_count(api, user) == before
    # Failures are not cached: the next attempt asks the provider again and succeeds.
    calls = fake_weather.hits()["archive"]
    r = post_run(api, user, body)
    assert r.status_code == 201, r.text
    assert fake_weather.hits()["archive"] == calls + 1
    assert_run_shape(r.json(), body, user.user_id)
    assert total_count(api, user) == before + 1


def test_unreachable_provider_is_503_and_nothing_is_stored(make_server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = f"http://127.0.0.1:{port}/v1/"
    srv = make_server(env={"JOGTRACK_WEATHER_FORECAST_URL": dead + "forecast",
                           "JOGTRACK_WEATHER_ARCHIVE_URL": dead + "archive"})
    api = Client(srv)
    user = api.new_user()
    r = post_run(api, user, run_body())
    assert_problem(r, 503)
    assert int(r.headers["Retry-After"]) > 0
    assert total_count(api, user) == 0


def test_weather_metrics_are_exported(api, fake_weather):
    user = api.new_user()
    location = unique_location()
    create_run(api, user, location=location)
    create_run(api, user, location=location)
    text = api.get("/metrics").text
    values = {}
    for name in ("lookups", "cache_hits", "provider_calls", "failures"):
        metric = f"jogtrack_weather_{name}_total"
        assert f"# TYPE {metric} counter" in text
        m = re.search(rf"^{metric} (\d+)$", text, re.M)
        assert m, metric
        values[name] = int(m.group(1))
    assert values["lookups"] >= 2 and values["cache_hits"] >= 1 and values["provider_calls"] >= 1


# ---- validation ----------------------------------------------------------------

def latest_local_date():
    """Today in UTC+14, the easternmost time zone: the latest date a run may have."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=14)).date()


def tomorrow():
    """A date that is in the future everywhere on Earth."""
    return (latest_local_date() + datetime.timedelta(days=1)).isoformat()


INVALID = [
    ("distance", "2000"), ("distance", 2000.5), ("distance", 2000.0), ("distance", -1), ("distance", 0),
    ("distance", 1_000_001), ("distance", True), ("distance", None), ("distance", [1]), ("distance", 1e20),
    ("time", 0), ("time", -30), ("time", 604_801), ("time", "60"), ("time", 1.5),
    ("date", "2015-02-30"), ("date", "1939-12-31"), ("date", "2015-1-1"), ("date", "2015/01/01"),
    ("date", 20150101), ("date", ""), ("date", "2015-01-01T00:00:00Z"), ("date", None),
    ("location", ""), ("location", "91 0"), ("location", "0 181"), ("location", "-90.5 10"), ("location", "abc"),
    ("location", "1,2"), ("location", "1e1 2"), ("location", "32.1"), ("location", "1 2 3"),
    ("location", " 32.1 34.7"), ("location", "nan 1"), ("location", 32.1), ("location", None),
]


@pytest.fixture(scope="module")
def validation_user(server):
    return Client(server).new_user()


@pytest.mark.parametrize("field,value", INVALID)
def test_invalid_fields_are_400_naming_the_field(api, fake_weather, validation_user, field, value):
    user = validation_user
    body = run_body()
    body[field] = value
    r = post_run(api, user, body)
    assert error_fields(r) == {field}, r.text
    assert fake_weather.hits()["archive"] + fake_weather.hits()["forecast"] == 0
    assert total_count(api, user) == 0


def test_future_dates_are_rejected(api, fake_weather):
    user = api.new_user()
    r = post_run(api, user, run_body(date=tomorrow()))
    assert error_fields(r) == {"date"}
    assert "future" in r.json()["errors"][0]["message"]
    assert total_count(api, user) == 0


def test_todays_date_in_the_easternmost_zone_is_accepted(api, fake_weather):
    # A runner in UTC+14 records this morning's run while UTC is still on the day
    # before (after 10:00 UTC that date is UTC's tomorrow); the weather for it
    # comes from the forecast endpoint, which has that day.
    user = api.new_user()
    for _ in range(2):  # retried once if UTC+14 midnight passed during the request
        before = latest_local_date()
        r = post_run(api, user, run_body(date=before.isoformat()))
        if latest_local_date() == before:
            break
    assert r.status_code == 201, r.text
    assert r.json()["date"] == before.isoformat()
    assert r.json()["condition"]["provider"] == "open-meteo"
    r = api.patch(f"/results/{r.json()['result_id']}", token=user,
                  json={"date": (before + datetime.timedelta(days=1)).isoformat()})
    assert error_fields(r) == {"date"}


def test_limits_are_inclusive(api):
    user = api.new_user()
    create_run(api, user, date="1940-01-01", distance=1_000_000, time=604_800, location="-90 180")
    create_run(api, user, date=days_ago(0), distance=1, time=1, location="+0 .5")


def test_missing_and_unknown_fields(api):
    user = api.new_user()
    r = post_run(api, user, {})
    assert error_fields(r) == {"date", "distance", "time", "location"}
    body = run_body(speed=3.0, weather="sunny")
    assert error_fields(post_run(api, user, body)) == {"speed", "weather"}
    # Every problem is reported at once.
    r = post_run(api, user, {"date": "2015-02-30", "distance": "x", "time": 0, "location": "x", "Date": 1})
    assert error_fields(r) == {"date", "distance", "time", "location", "Date"}
    assert len(r.json()["errors"]) == 5
    assert total_count(api, user) == 0


@pytest.mark.parametrize("raw", ["[]", '"text"', "42", "null", "{", '{"date": }', ""])
def test_body_must_be_one_json_object(api, raw):
    user = api.new_user()
    r = api.post("/results", token=user, data=raw, headers={"Content-Type": "application/json"})
    assert_problem(r, 400)


def test_duplicated_members_are_rejected(api):
    user = api.new_user()
    raw = '{"date":"2015-01-01","distance":1000,"distance":2000,"time":100,"location":"1 2"}'
    r = api.post("/results", token=user, data=raw, headers={"Content-Type": "application/json"})
    assert error_fields(r) == {"distance"}


def test_non_json_content_type_is_415(api):
    user = api.new_user()
    r = api.post("/results", token=user, data="date=2015-01-01", headers={"Content-Type": "text/plain"})
    assert_problem(r, 415)


def test_authentication_is_required(api):
    for method, path in [("GET", "/results"), ("POST", "/results"), ("GET", "/results/1"),
                         ("PATCH", "/results/1"), ("DELETE", "/results/1"), ("GET", "/results/reports/weekly")]:
        r = api.request(method, path, json=run_body() if method in ("POST", "PATCH") else None)
        assert_problem(r, 401)
        assert "Bearer" in r.headers["WWW-Authenticate"]


@pytest.mark.parametrize("path_id", ["0", "-1", "abc", "1.5", "99999999999999999999"])
def test_ids_must_be_positive_integers(api, path_id):
    user = api.new_user()
    for method in ("GET", "PATCH", "DELETE"):
        r = api.request(method, f"/results/{path_id}", token=user, json={"distance": 1} if method == "PATCH" else None)
        assert_problem(r, 400)


def test_unknown_ids_are_404(api):
    user = api.new_user()
    for method in ("GET", "PATCH", "DELETE"):
        r = api.request(method, "/results/987654321", token=user, json={"distance": 1} if method == "PATCH" else None)
        assert_problem(r, 404)


def test_unknown_query_parameters_are_400(api):
    user = api.new_user()
    assert_problem(api.post("/results", token=user, json=run_body(), params={"dry_run": "1"}), 400)
    assert_problem(api.get("/results", token=user, params={"limit": "5"}), 400)
    assert_problem(api.get("/results/1", token=user, params={"x": "1"}), 400)
    assert total_count(api, user) == 0


# ---- changing and deleting -------------------------------------------------------

def test_patch_distance_only_makes_no_weather_call(api, fake_weather):
    user = api.new_user()
    run = create_run(api, user, date="2017-05-05", distance=5000, time=1500)
    fake_weather.reset()
    r = api.patch(f"/results/{run['result_id']}", token=user, json={"distance": 6000})
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["distance"] == 6000 and updated["time"] == 1500
    assert updated["speed"] == 6000 / 1500
    assert updated["condition"] == run["condition"]
    assert updated["created_at"] == run["created_at"]
    assert updated["date"] == run["date"] and updated["location"] == run["location"]
    r = api.patch(f"/results/{run['result_id']}", token=user, json={"time": 2000})
    assert r.status_code == 200 and r.json()["speed"] == 3.0
    hits = fake_weather.hits()
    assert hits["archive"] == 0 and hits["forecast"] == 0
    assert api.get(f"/results/{run['result_id']}", token=user).json() == r.json()


def test_patch_date_or_location_fetches_the_new_weather(api, fake_weather):
    user = api.new_user()
    run = create_run(api, user, date="2017-05-05")
    rid = run["result_id"]
    fake_weather.reset()
    r = api.patch(f"/results/{rid}", token=user, json={"date": "2017-05-06"})
    assert r.status_code == 200, r.text
    assert r.json()["condition"] == expected_condition("2017-05-06", run["location"])
    assert fake_weather.hits()["archive"] == 1
    new_location = unique_location()
    r = api.patch(f"/results/{rid}", token=user, json={"location": new_location, "time": 1000})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["location"] == new_location and body["time"] == 1000
    assert body["condition"] == expected_condition("2017-05-06", new_location)
    assert fake_weather.hits()["archive"] == 2
    assert api.get(f"/results/{rid}", token=user).json() == body


def test_patch_moves_a_run_between_iso_weeks(api):
    user = api.new_user()
    run = create_run(api, user, date="2017-01-02", distance=1000, time=100)  # 2017-W01
    r = api.patch(f"/results/{run['result_id']}", token=user, json={"date": "2017-01-01"})  # 2016-W52
    assert r.status_code == 200, r.text
    report = api.get("/results/reports/weekly", token=user).json()
    assert report == {"2016": [{"52": [10.0, 1000]}]}


@pytest.mark.parametrize("mode,status", [("error500", 503), ("nodata", 422), ("drop", 503)])
def test_failed_refetch_changes_nothing(api, fake_weather, mode, status):
    user = api.new_user()
    run = create_run(api, user, date="2017-05-05")
    fake_weather.set_mode(mode)
    r = api.patch(f"/results/{run['result_id']}", token=user,
                  json={"date": "2017-05-07", "distance": 99, "location": unique_location()})
    assert_problem(r, status)
    fake_weather.set_mode("ok")
    assert api.get(f"/results/{run['result_id']}", token=user).json() == run


def test_patch_validation(api, fake_weather):
    user = api.new_user()
    run = create_run(api, user)
    path = f"/results/{run['result_id']}"
    assert error_fields(api.patch(path, token=user, json={"distance": "6000"})) == {"distance"}
    assert error_fields(api.patch(path, token=user, json={"date": "2015-02-30", "time": 0})) == {"date", "time"}
    assert error_fields(api.patch(path, token=user, json={"date": tomorrow()})) == {"date"}
    assert error_fields(api.patch(path, token=user, json={"location": "200 0"})) == {"location"}
    assert error_fields(api.patch(path, token=user, json={"speed": 5})) == {"speed"}
    assert error_fields(api.patch(path, token=user, json={"user_id": user.user_id})) == {"user_id"}
    assert error_fields(api.patch(path, token=user, json={"distance": None})) == {"distance"}
    assert_problem(api.patch(path, token=user, json=[1]), 400)
    assert api.get(path, token=user).json() == run
    # An empty patch changes nothing.
    r = api.patch(path, token=user, json={})
    assert r.status_code == 200 and r.json() == run


def test_delete(api):
    user = api.new_user()
    keep = create_run(api, user)
    gone = create_run(api, user)
    r = api.delete(f"/results/{gone['result_id']}", token=user)
    assert r.status_code == 204 and r.text == ""
    assert_problem(api.get(f"/results/{gone['result_id']}", token=user), 404)
    assert_problem(api.delete(f"/results/{gone['result_id']}", token=user), 404)
    assert_problem(api.patch(f"/results/{gone['result_id']}", token=user, json={"distance": 5}), 404)
    assert [x["result_id"] for x in api.get("/results", token=user).json()] == [keep["result_id"]]


# ---- privacy ------------------------------------------------------------------------

def test_users_see_only_their_own_runs(api):
    alice, bob, manager = api.new_user(), api.new_user(), api.new_user("manager")
    run = create_run(api, alice)
    rid = run["result_id"]
    for other in (bob, manager):
        assert_problem(api.get(f"/results/{rid}", token=other), 404)
        assert_problem(api.patch(f"/results/{rid}", token=other, json={"distance": 1}), 404)
        assert_problem(api.delete(f"/results/{rid}", token=other), 404)
        assert rid not in [x["result_id"] for x in api.get("/results", token=other, params={"count": 1000}).json()]
        # Nobody but an admin may name a user, not even themselves.
        for target in (alice.user_id, other.user_id):
            assert_problem(api.get("/results", token=other, params={"user_id": target}), 403)
            assert_problem(post_run(api, other, run_body(), params={"user_id": target}), 403)
            assert_problem(api.get("/results/reports/weekly", token=other, params={"user_id": target}), 403)
            assert_problem(post_run(api, other, run_body(user_id=target)), 403)
    assert api.get(f"/results/{rid}", token=alice).json() == run
    assert total_count(api, bob) == 0 and total_count(api, manager) == 0


def test_user_id_is_not_a_filter_field_for_non_admins(api):
    user = api.new_user()
    r = api.get("/results", token=user, params={"filter": f"user_id eq {user.user_id}"})
    assert_problem(r, 400)
    r = api.get("/results", token=user, params={"sort": "user_id"})
    assert_problem(r, 400)


def test_admin_may_act_on_any_run(api):
    alice, admin = api.new_user(), api.new_user("admin")
    run = create_run(api, alice)
    rid = run["result_id"]
    assert api.get(f"/results/{rid}", token=admin).json() == run
    r = api.patch(f"/results/{rid}", token=admin, json={"distance": 4321})
    assert r.status_code == 200 and r.json()["distance"] == 4321 and r.json()["user_id"] == alice.user_id
    # The admin's own list is the admin's own runs; ?user_id=N lists N's.
    assert rid not in [x["result_id"] for x in api.get("/results", token=admin, params={"count": 1000}).json()]
    r = api.get("/results", token=admin, params={"user_id": alice.user_id})
    assert r.status_code == 200 and [x["result_id"] for x in r.json()] == [rid]
    r = api.get("/results", token=admin, params={"user_id": alice.user_id, "filter": f"user_id eq {alice.user_id}"})
    assert r.status_code == 200 and len(r.json()) == 1
    # Creating for someone else, by query or by body.
    body = run_body()
    r = post_run(api, admin, body, params={"user_id": alice.user_id})
    assert r.status_code == 201, r.text
    assert_run_shape(r.json(), body, alice.user_id)
    body = run_body(user_id=alice.user_id)
    r = post_run(api, admin, body)
    assert r.status_code == 201 and r.json()["user_id"] == alice.user_id
    assert error_fields(post_run(api, admin, run_body(user_id=admin.user_id), params={"user_id": alice.user_id})) \
        == {"user_id"}
    assert error_fields(post_run(api, admin, run_body(user_id="x"))) == {"user_id"}
    assert total_count(api, alice) == 3
    # Unknown or malformed users.
    assert_problem(api.get("/results", token=admin, params={"user_id": 987654321}), 404)
    assert_problem(post_run(api, admin, run_body(), params={"user_id": 987654321}), 404)
    assert_problem(post_run(api, admin, run_body(user_id=987654321)), 404)
    assert_problem(api.get("/results", token=admin, params={"user_id": "abc"}), 400)
    assert_problem(api.get("/results", token=admin, params={"user_id": "0"}), 400)
    r = api.delete(f"/results/{rid}", token=admin)
    assert r.status_code == 204
    assert_problem(api.get(f"/results/{rid}", token=alice), 404)


def test_runs_of_a_deleted_user_vanish(api):
    alice, admin = api.new_user(), api.new_user("admin")
    runs = [create_run(api, alice, date=f"2016-02-0{i}") for i in range(1, 4)]
    r = api.delete(f"/users/{alice.user_id}", token=admin)
    assert r.status_code == 204, r.text
    for run in runs:
        path = f"/results/{run['result_id']}"
        assert_problem(api.get(path, token=admin), 404)
        assert_problem(api.patch(path, token=admin, json={"distance": 5}), 404)
        assert_problem(api.delete(path, token=admin), 404)
    assert_problem(api.get("/results", token=admin, params={"user_id": alice.user_id}), 404)
    assert_problem(api.get("/results/reports/weekly", token=admin, params={"user_id": alice.user_id}), 404)
    assert_problem(post_run(api, admin, run_body(), params={"user_id": alice.user_id}), 404)
    # Alice's token no longer works either.
    assert_problem(api.get("/results", token=alice), 401)


# ---- lists --------------------------------------------------------------------------------

def test_list_filter_sort_and_paging(api):
    user = api.new_user()
    location = unique_location()
    specs = [("2016-05-01", 25, 10), ("2016-05-01", 15, 10), ("2016-05-01", 5, 10), ("2016-05-02", 30, 10),
             ("2016-04-30", 8, 10), ("2016-05-03", 12, 4)]
    runs = [create_run(api, user, date=d, distance=dist, time=t, location=location) for d, dist, t in specs]

    def ids(r):
        assert r.status_code == 200, r.text
        return [x["result_id"] for x in r.json()]

    r = api.get("/results", token=user,
                params={"filter": "(date eq '2016-05-01') AND ((distance gt 20) OR (distance lt 10))"})
    assert ids(r) == [runs[0]["result_id"], runs[2]["result_id"]]
    assert r.headers["X-Total-Count"] == "2"
    r = api.get("/results", token=user, params={"filter": "date ge 2016-05-02 or speed gt 2.9"})
    assert ids(r) == [runs[3]["result_id"], runs[5]["result_id"]]
    tmax = runs[0]["condition"]["temperature_max"]
    r = api.get("/results", token=user, params={"filter": f"temperature_max eq {tmax} and date eq '2016-05-01'"})
    assert ids(r) == [x["result_id"] for x in runs[:3]]
    r = api.get("/results", token=user, params={"filter": f"weather_code eq {runs[0]['condition']['weather_code']}"})
    assert runs[0]["result_id"] in ids(r)
    r = api.get("/results", token=user, params={"filter": f"location eq '{location}' and not (distance le 12)"})
    assert sorted(ids(r)) == sorted(x["result_id"] for x in runs if x["distance"] > 12)

    # Default order: date, then result_id; explicit sort keys.
    by_date = sorted(runs, key=lambda x: (x["date"], x["result_id"]))
    assert ids(api.get("/results", token=user)) == [x["result_id"] for x in by_date]
    by_distance = sorted(runs, key=lambda x: -x["distance"])
    assert ids(api.get("/results", token=user, params={"sort": "-distance"})) == [x["result_id"] for x in by_distance]
    expected = sorted(runs, key=lambda x: (x["date"], -x["distance"]))
    r = api.get("/results", token=user, params={"sort": "date,-distance"})
    assert ids(r) == [x["result_id"] for x in expected]

    # Paging over the default order.
    r = api.get("/results", token=user, params={"page": 1, "count": 4})
    assert ids(r) == [x["result_id"] for x in by_date[4:]]
    assert r.headers["X-Total-Count"] == "6"
    link = r.headers["Link"]
    for rel in ("first", "prev", "last"):
        assert f'rel="{rel}"' in link
    assert 'rel="next"' not in link
    assert "page=0&count=4" in link
    r = api.get("/results", token=user, params={"page": 5, "count": 4})
    assert ids(r) == [] and r.headers["X-Total-Count"] == "6"

    for bad in [{"filter": "distance gt 'x'"}, {"filter": "(date eq 2016-05-01"}, {"filter": "colour eq 1"},
                {"filter": "date eq 2016-02-30"}, {"filter": ""}, {"sort": "colour"}, {"sort": "date,date"},
                {"page": -1}, {"count": 0}, {"count": 1001}, {"page": "x"}]:
        assert_problem(api.get("/results", token=user, params=bad), 400)


def test_filter_is_never_sql(api):
    user = api.new_user()
    create_run(api, user)
    for expr in ["location eq 'x'' OR 1=1 --'", "distance gt 0; DROP TABLE runs", "date eq '2015-01-01' or 1 eq 1"]:
        r = api.get("/results", token=user, params={"filter": expr})
        assert r.status_code in (200, 400), r.text
        if r.status_code == 200:
            assert r.json() == []
    assert total_count(api, user) == 1


# ---- concurrency ----------------------------------------------------------------------------

def test_concurrent_creates_are_all_stored(api, server):
    clients, per_client = 32, 10
    users = [api.new_user() for _ in range(clients)]
    locations = [unique_location() for _ in range(4)]
    errors = []
    barrier = threading.Barrier(clients)

    def work(index):
        client = Client(server)
        barrier.wait()
        for k in range(per_client):
            body = run_body(date=f"2019-0{1 + k % 9}-1{index % 10}", distance=1000 + index, time=300 + k,
                            location=locations[(index + k) % len(locations)])
            r = client.post("/results", token=users[index], json=body)
            if r.status_code != 201:
                errors.append((index, k, r.status_code, r.text))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:5]
    ids = set()
    for index, user in enumerate(users):
        r = api.get("/results", token=user, params={"count": 100})
        assert r.status_code == 200 and int(r.headers["X-Total-Count"]) == per_client
        for run in r.json():
            assert run["user_id"] == user.user_id and run["distance"] == 1000 + index
            assert run["condition"] == expected_condition(run["date"], run["location"])
            ids.add(run["result_id"])
    assert len(ids) == clients * per_client
