"""GET /results/export (SPEC §7): the caller's runs as CSV, filtered and sorted as the list, streamed."""
import csv
import io
import random

from conftest import assert_problem
from test_import import CSV, import_file
from test_runs import SEED_CSV, expected_condition, seed_rows

HEADER = ["result_id", "date", "distance", "time", "location", "speed", "summary", "temperature_max",
          "temperature_min", "precipitation", "wind_speed"]


def export(api, user, **params):
    r = api.get("/results/export", token=user, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["Content-Disposition"] == 'attachment; filename="runs.csv"'
    rows = list(csv.reader(io.StringIO(r.content.decode(), newline="")))
    assert rows[0] == HEADER
    return r, rows[1:]


def number(cell):
    return None if cell == "" else float(cell)


def test_export_holds_every_run_with_its_weather(api):
    user = api.new_user()
    assert import_file(api, user, SEED_CSV.read_bytes(), CSV).status_code == 201
    r, rows = export(api, user)
    assert r.headers.get("Transfer-Encoding") == "chunked"
    seed = seed_rows()
    assert len(rows) == 18
    # Default order: date, then result_id (the file's order here).
    for row, want in zip(rows, seed):
        assert row[1:5] == [want["date"], str(want["distance"]), str(want["time"]), want["location"]]
        assert float(row[5]) == want["distance"] / want["time"]
        cond = expected_condition(want["date"], want["location"])
        assert row[6] == cond["summary"]
        assert number(row[7]) == cond["temperature_max"] and number(row[8]) == cond["temperature_min"]
        assert number(row[9]) == cond["precipitation_sum"] and number(row[10]) == cond["wind_speed_max"]


def test_filter_and_sort_apply(api):
    user = api.new_user()
    assert import_file(api, user, SEED_CSV.read_bytes(), CSV).status_code == 201
    _, rows = export(api, user, filter="(distance gt 2000) or (date ge '2019-06-01')", sort="-distance,date")
    want = sorted((r for r in seed_rows() if r["distance"] > 2000 or r["date"] >= "2019-06-01"),
                  key=lambda r: (-r["distance"], r["date"]))
    assert [(r[1], int(r[2])) for r in rows] == [(w["date"], w["distance"]) for w in want]
    assert_problem(api.get("/results/export", token=user, params={"filter": "distance gt"}), 400)
    assert_problem(api.get("/results/export", token=user, params={"sort": "nope"}), 400)
    assert_problem(api.get("/results/export", token=user, params={"page": 1}), 400, "no pages")


def test_round_trip_into_another_user(api):
    alice, bob = api.new_user(), api.new_user()
    rows = "".join(f"2016-0{m}-1{d},{lat:.4f} {lon:.4f},{1000 + d},{300 + m}\n"
                   for m, d, lat, lon in [(1, 1, -33.9249, 18.4241), (2, 2, 51.5074, -0.1278),
                                          (3, 3, -22.9068, -43.1729), (4, 4, 35.6762, 139.6503)])
    assert import_file(api, alice, rows, CSV).status_code == 201
    first, exported = export(api, alice)
    assert any(r[4].startswith("'-") for r in exported)  # the formula guard, undone on import
    r = import_file(api, bob, first.content, CSV)
    assert r.status_code == 201, r.text
    _, again = export(api, bob)
    strip = lambda rows: [r[1:] for r in rows]  # noqa: E731 - ids differ, nothing else
    assert strip(again) == strip(exported)


def test_formula_cells_are_guarded_and_numbers_are_not(api):
    user = api.new_user()
    row = "2016-02-02,-45.1234 -60.5678,2000,600\n"
    assert import_file(api, user, row, CSV).status_code == 201
    r, rows = export(api, user)
    assert rows[0][4] == "'-45.1234 -60.5678"
    assert "'-45.1234 -60.5678" in r.text
    for cell in rows[0][7:]:
        assert not cell.startswith("'")  # negative temperatures stay numbers
        assert cell == "" or float(cell) == float(cell)


def test_a_larger_export_spans_several_chunks(api):
    user = api.new_user()
    lat, lon = random.uniform(-50, 50), random.uniform(-50, 50)
    body = "".join(f"2015-03-03,{lat:.4f} {lon:.4f},{1000 + i},{600 + i % 7}\n" for i in range(2500))
    assert import_file(api, user, body, CSV).status_code == 201
    _, rows = export(api, user, sort="-distance")
    assert [int(r[2]) for r in rows] == list(range(3499, 999, -1))
    assert len({r[0] for r in rows}) == 2500


def test_only_admins_name_a_user(api):
    admin, user, other = api.new_user("admin"), api.new_user(), api.new_user()
    assert import_file(api, other, SEED_CSV.read_bytes(), CSV).status_code == 201
    assert_problem(api.get("/results/export", token=user, params={"user_id": other.user_id}), 403)
    _, rows = export(api, admin, user_id=other.user_id)
    assert len(rows) == 18
    _, rows = export(api, user)
    assert rows == []
    assert api.get("/results/export").status_code == 401
