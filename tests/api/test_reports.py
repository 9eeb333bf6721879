"""The weekly report: GET /results/reports/weekly (seed shape and ?format=list)."""
import datetime
import re

import pytest

from conftest import assert_problem
from test_runs import (create_run, post_run, run_body, seed_rows, seed_shape, unique_location,
                       weekly_expected)

REPORT = "/results/reports/weekly"


@pytest.fixture
def seeded(api):
    """A user holding the seed dataset."""
    user = api.new_user()
    for row in seed_rows():
        r = post_run(api, user, row)
        assert r.status_code == 201, r.text
    return user


def list_entries(weeks):
    out = []
    for (y, w), (runs, dist, secs) in sorted(weeks.items()):
        out.append({"year": y, "week": w, "week_start": datetime.date.fromisocalendar(y, w, 1).isoformat(),
                    "runs": runs, "total_distance": dist, "total_time": secs, "average_speed": dist / secs,
                    "average_distance": dist / runs})
    return out


def test_seed_report_in_the_original_shape(api, seeded):
    r = api.get(REPORT, token=seeded, params={"count": 1000})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    weeks = weekly_expected(seed_rows())
    assert body == seed_shape(weeks)
    assert int(r.headers["X-Total-Count"]) == len(weeks)
    # The original system's numbers: 2015 ISO week 1 is 8100 m in 1728 s.
    assert body["2015"][0] == {"1": [4.6875, 8100]}
    assert '{"1":[4.6875,8100]}' in r.text
    # 2017-01-01 is a Sunday: it belongs to ISO week 52 of 2016.
    assert {"52": [4.0, 2000]} in body["2016"]
    assert "2017" not in body
    # Years and weeks ascend.
    assert list(body) == sorted(body, key=int)
    for year_weeks in body.values():
        numbers = [int(next(iter(w))) for w in year_weeks]
        assert numbers == sorted(numbers)


def test_list_format(api, seeded):
    r = api.get(REPORT, token=seeded, params={"format": "list", "count": 1000})
    assert r.status_code == 200, r.text
    entries = r.json()
    assert entries == list_entries(weekly_expected(seed_rows()))
    first = entries[0]
    assert first == {"year": 2015, "week": 1, "week_start": "2014-12-29", "runs": 4, "total_distance": 8100,
                     "total_time": 1728, "average_speed": 4.6875, "average_distance": 2025.0}
    w52 = [e for e in entries if (e["year"], e["week"]) == (2016, 52)]
    assert w52 and w52[0]["week_start"] == "2016-12-26" and w52[0]["runs"] == 1
    assert int(r.headers["X-Total-Count"]) == len(entries)
    # seed is the explicit name of the default shape.
    assert api.get(REPORT, token=seeded, params={"format": "seed", "count": 1000}).json() == \
        api.get(REPORT, token=seeded, params={"count": 1000}).json()


def test_filter_applies_to_runs_before_grouping(api, seeded):
    rows = seed_rows()
    r = api.get(REPORT, token=seeded, params={"filter": "date ge '2019-01-01'", "format": "list"})
    assert r.status_code == 200, r.text
    assert r.json() == list_entries(weekly_expected([x for x in rows if x["date"] >= "2019-01-01"]))
    # Inside one week: only the long runs of 2015-W01 and W02.
    r = api.get(REPORT, token=seeded, params={"filter": "distance ge 2100 and date lt 2016-01-01"})
    assert r.status_code == 200
    expected = weekly_expected([x for x in rows if x["distance"] >= 2100 and x["date"] < "2016-01-01"])
    assert r.json() == seed_shape(expected)
    assert r.json() == {"2015": [{"1": [2100 / 378, 2100]}, {"2": [2100 / 378, 2100]}]}
    # Weather fields filter too.
    r = api.get(REPORT, token=seeded, params={"filter": "temperature_max gt 1000"})
    assert r.status_code == 200 and r.json() == {} and r.headers["X-Total-Count"] == "0"
    for bad in ["distance gt", "colour eq 1", "date eq 'x'", f"user_id eq {seeded.user_id}"]:
        assert_problem(api.get(REPORT, token=seeded, params={"filter": bad}), 400)


def test_paging_over_weeks(api, seeded):
    weeks = weekly_expected(seed_rows())
    total = len(weeks)
    keys = list(weeks)
    r = api.get(REPORT, token=seeded, params={"format": "list", "page": 1, "count": 3})
    assert r.status_code == 200
    assert [(e["year"], e["week"]) for e in r.json()] == keys[3:6]
    assert r.headers["X-Total-Count"] == str(total)
    link = r.headers["Link"]
    for rel in ("first", "prev", "next", "last"):
        assert f'rel="{rel}"' in link
    assert "format=list" in link and f"page={(total - 1) // 3}&count=3" in link
    # Seed shape, page 0 with two weeks.
    r = api.get(REPORT, token=seeded, params={"count": 2})
    assert r.json() == seed_shape({k: weeks[k] for k in keys[:2]})
    # Default page size is 10.
    r = api.get(REPORT, token=seeded, params={"format": "list"})
    assert len(r.json()) == min(10, total)
    # Past the end: empty, total still told.
    r = api.get(REPORT, token=seeded, params={"page": 99})
    assert r.json() == {} and r.headers["X-Total-Count"] == str(total)
    for bad in [{"page": -1}, {"count": 0}, {"count": 1001}, {"count": "ten"}]:
        assert_problem(api.get(REPORT, token=seeded, params=bad), 400)


def test_sorting_weeks_in_list_format(api, seeded):
    expected = list_entries(weekly_expected(seed_rows()))
    for sort, key, reverse in [("-total_distance", "total_distance", True), ("average_speed", "average_speed", False),
                               ("-runs", "runs", True), ("-week", None, True)]:
        r = api.get(REPORT, token=seeded, params={"format": "list", "count": 1000, "sort": sort})
        assert r.status_code == 200, r.text
        got = r.json()
        # Ties are broken by week ascending, so the order is fully determined.
        by_week = sorted(expected, key=lambda e: (e["year"], e["week"]))
        if key:
            want = sorted(by_week, key=lambda e: -e[key] if reverse else e[key])
        else:
            want = list(reversed(by_week))
        assert got == want, sort
    # Pages of a sorted report never overlap and cover every week.
    seen = []
    for page in range(0, len(expected) // 4 + 1):
        r = api.get(REPORT, token=seeded, params={"format": "list", "count": 4, "page": page, "sort": "-total_distance"})
        seen += [(e["year"], e["week"]) for e in r.json()]
    assert sorted(seen) == sorted((e["year"], e["week"]) for e in expected)
    assert len(seen) == len(set(seen))
    # Only week fields can be sort keys, and only the list shape can be sorted.
    for bad in [{"format": "list", "sort": "distance"}, {"format": "list", "sort": "date"},
                {"format": "seed", "sort": "week"}]:
        body = assert_problem(api.get(REPORT, token=seeded, params=bad), 400)
        assert body["errors"][0]["field"] == "sort"


def test_bad_parameters(api):
    user = api.new_user()
    for bad in [{"format": "xml"}, {"format": ""}, {"format": "LIST"}, {"sort": "date"}, {"group": "month"}]:
        body = assert_problem(api.get(REPORT, token=user, params=bad), 400)
        assert body["errors"][0]["field"] == next(iter(bad))


def test_empty_report(api):
    user = api.new_user()
    r = api.get(REPORT, token=user)
    assert r.status_code == 200 and r.json() == {} and r.headers["X-Total-Count"] == "0"
    r = api.get(REPORT, token=user, params={"format": "list"})
    assert r.status_code == 200 and r.json() == []


def test_report_follows_changes(api):
    user = api.new_user()
    location = unique_location()
    a = create_run(api, user, date="2020-12-31", distance=3000, time=1000, location=location)  # 2020-W53
    create_run(api, user, date="2021-01-03", distance=1000, time=500, location=location)  # 2020-W53
    create_run(api, user, date="2021-01-04", distance=5000, time=1250, location=location)  # 2021-W01
    r = api.get(REPORT, token=user)
    assert r.json() == {"2020": [{"53": [4000 / 1500, 4000]}], "2021": [{"1": [4.0, 5000]}]}
    assert api.patch(f"/results/{a['result_id']}", token=user, json={"distance": 6000}).status_code == 200
    assert api.get(REPORT, token=user).json()["2020"] == [{"53": [7000 / 1500, 7000]}]
    assert api.delete(f"/results/{a['result_id']}", token=user).status_code == 204
    assert api.get(REPORT, token=user).json()["2020"] == [{"53": [2.0, 1000]}]


def test_report_privacy(api, seeded):
    other, manager, admin = api.new_user(), api.new_user("manager"), api.new_user("admin")
    create_run(api, other, date="2015-01-01", distance=1, time=1)
    assert api.get(REPORT, token=other).json() == {"2015": [{"1": [1.0, 1]}]}
    for who in (other, manager):
        assert_problem(api.get(REPORT, token=who, params={"user_id": seeded.user_id}), 403)
    # An admin reports on anyone with ?user_id=N; without it, on themselves.
    mine = api.get(REPORT, token=seeded, params={"count": 1000, "format": "list"}).json()
    r = api.get(REPORT, token=admin, params={"user_id": seeded.user_id, "count": 1000, "format": "list"})
    assert r.status_code == 200 and r.json() == mine
    r = api.get(REPORT, token=admin, params={"user_id": seeded.user_id, "filter": f"user_id eq {seeded.user_id}",
                                             "count": 1000, "format": "list"})
    assert r.status_code == 200 and r.json() == mine
    assert api.get(REPORT, token=admin).json() == {}
    assert_problem(api.get(REPORT, token=admin, params={"user_id": 987654321}), 404)
    assert_problem(api.get(REPORT, token=admin, params={"user_id": "x"}), 400)


def test_report_numbers_for_many_runs(api):
    user = api.new_user()
    location = unique_location()
    rows = []
    start = datetime.date(2018, 12, 24)
    for i in range(40):
        day = start + datetime.timedelta(days=i * 3 % 29)
        row = run_body(date=day.isoformat(), distance=1000 + 37 * i, time=250 + 11 * i, location=location)
        rows.append(row)
        assert post_run(api, user, row).status_code == 201
    r = api.get(REPORT, token=user, params={"format": "list", "count": 1000})
    assert r.json() == list_entries(weekly_expected(rows))
    r = api.get(REPORT, token=user, params={"count": 1000})
    assert r.json() == seed_shape(weekly_expected(rows))
    assert re.fullmatch(r"\d+", r.headers["X-Total-Count"])


def test_report_follows_runs_moving_between_weeks(api):
    # The unfiltered report reads maintained weekly totals; a filter that matches
    # every run groups the runs themselves: both must agree after every change.
    user = api.new_user()
    location = unique_location()
    a = create_run(api, user, date="2021-01-04", distance=5000, time=1250, location=location)  # 2021-W01
    b = create_run(api, user, date="2021-01-05", distance=3000, time=1000, location=location)  # 2021-W01

    def both(params=None):
        params = {"format": "list", "count": 1000, **(params or {})}
        plain = api.get(REPORT, token=user, params=params)
        grouped = api.get(REPORT, token=user, params={**params, "filter": "distance gt 0"})
        assert plain.status_code == 200 and grouped.status_code == 200, (plain.text, grouped.text)
        assert plain.json() == grouped.json()
        assert plain.headers["X-Total-Count"] == grouped.headers["X-Total-Count"]
        # Totals are cached per owner and filter until a run write: each write
        # below must show in them at once (one page holds every week here).
        assert int(plain.headers["X-Total-Count"]) == len(plain.json())
        return [(e["year"], e["week"], e["runs"], e["total_distance"], e["total_time"]) for e in plain.json()]

    assert both() == [(2021, 1, 2, 8000, 2250)]
    # Move a to 2021-W02 (and change its numbers), then b to 2020-W53.
    r = api.patch(f"/results/{a['result_id']}", token=user, json={"date": "2021-01-11", "distance": 6000})
    assert r.status_code == 200, r.text
    assert both() == [(2021, 1, 1, 3000, 1000), (2021, 2, 1, 6000, 1250)]
    r = api.patch(f"/results/{b['result_id']}", token=user, json={"date": "2020-12-31"})
    assert r.status_code == 200, r.text
    assert both() == [(2020, 53, 1, 3000, 1000), (2021, 2, 1, 6000, 1250)]
    assert both({"sort": "-total_distance"}) == [(2021, 2, 1, 6000, 1250), (2020, 53, 1, 3000, 1000)]
    assert both({"sort": "-week"}) == [(2021, 2, 1, 6000, 1250), (2020, 53, 1, 3000, 1000)]
    # A week left without runs disappears.
    assert api.delete(f"/results/{b['result_id']}", token=user).status_code == 204
    assert both() == [(2021, 2, 1, 6000, 1250)]
    assert api.delete(f"/results/{a['result_id']}", token=user).status_code == 204
    assert both() == []
    assert api.get(REPORT, token=user).json() == {}


def test_filtered_list_total_follows_writes(api):
    # X-Total-Count of a filtered list is cached per (owner, filter) until a run write.
    user = api.new_user()
    location = unique_location()
    params = {"filter": "(date ge '2019-01-01') and (distance gt 1000)", "count": 1}

    def total():
        r = api.get("/results", token=user, params=params)
        assert r.status_code == 200, r.text
        return int(r.headers["X-Total-Count"])

    assert total() == 0
    a = create_run(api, user, date="2019-06-01", distance=2000, time=600, location=location)
    assert total() == 1
    create_run(api, user, date="2018-06-01", distance=2000, time=600, location=location)
    assert total() == 1
    assert api.patch(f"/results/{a['result_id']}", token=user, json={"distance": 500}).status_code == 200
    assert total() == 0
    assert api.patch(f"/results/{a['result_id']}", token=user, json={"distance": 5000}).status_code == 200
    assert total() == 1
    assert api.delete(f"/results/{a['result_id']}", token=user).status_code == 204
    assert total() == 0
