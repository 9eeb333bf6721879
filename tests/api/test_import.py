"""POST /results/import (SPEC §7): GPX/TCX/CSV files become runs, all or nothing.

Fixtures are written here in the shape Garmin and Strava export; expected
distances are computed here (haversine, R = 6,371,008.8 m), independently of
the server.
"""
import datetime
import math
import random

import pytest

from conftest import Client, assert_problem
from test_runs import SEED_CSV, expected_condition, seed_rows, total_count

GPX = "application/gpx+xml"
TCX = "application/vnd.garmin.tcx+xml"
CSV = "text/csv"


def haversine(p, q):
    r = 6371008.8
    la1, lo1, la2, lo2 = map(math.radians, (p[0], p[1], q[0], q[1]))
    a = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def track_metres(points):
    return round(sum(haversine(points[i - 1][:2], points[i][:2]) for i in range(1, len(points))))


def place(rng=random):
    """A place no other test uses, with a longitude that keeps the UTC date (|lon| < 7.5).
    Its 5th decimal is 3, never a tie when the server rounds the location to 4 decimals."""
    return round(rng.uniform(-50, 50), 4) + 0.00003, round(rng.uniform(-7, 7), 4) + 0.00003


def gpx_track(name, points, segments=1):
    """A Strava-style <trk>; points are (lat, lon, "time" or None), split into `segments` segments."""
    per = math.ceil(len(points) / segments)
    segs = []
    for s in range(segments):
        pts = "".join(
            f'<trkpt lat="{lat:.6f}" lon="{lon:.6f}"><ele>12.0</ele>' + (f"<time>{t}</time>" if t else "") +
            '<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>140</gpxtpx:hr></gpxtpx:TrackPointExtension>'
            '</extensions></trkpt>'
            for lat, lon, t in points[s * per:(s + 1) * per])
        segs.append(f"<trkseg>{pts}</trkseg>")
    return f"<trk><name>{name}</name><type>running</type>{''.join(segs)}</trk>"


def gpx(*tracks):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gpx creator="StravaGPX" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
            '<metadata><time>2020-01-01T00:00:00Z</time></metadata>' + "".join(tracks) + "</gpx>")


def walk(start, day, n=5, step=0.0009, seconds=30):
    lat, lon = start
    t0 = datetime.datetime.fromisoformat(day + "T06:00:00+00:00")
    return [(lat + i * step, lon + i * step / 2, (t0 + datetime.timedelta(seconds=i * seconds)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")) for i in range(n)]


def import_file(api, user, body, content_type, params=None):
    data = body.encode() if isinstance(body, str) else body
    return api.post("/results/import", token=user, data=data, params=params,
                    headers={"Content-Type": content_type})


def assert_imported(run, date, points, user_id):
    lat, lon = points[0][0], points[0][1]
    location = "%.4f %.4f" % (lat, lon)
    assert run["user_id"] == user_id
    assert run["date"] == date
    assert run["distance"] == track_metres(points)
    timed = [p for p in points if p[2]]
    t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    assert run["time"] == round((t(timed[-1][2]) - t(timed[0][2])).total_seconds())
    assert run["location"] == location
    assert run["condition"] == expected_condition(date, location)


def test_gpx_with_several_tracks_segments_and_untimed_points(api):
    user = api.new_user()
    a = walk(place(), "2019-05-04", n=8)
    a[3] = (a[3][0], a[3][1], None)  # a point without a time: distance only
    b = walk(place(), "2019-05-05", n=3, seconds=600)
    r = import_file(api, user, gpx(gpx_track("Morning Run", a, segments=3), gpx_track("Long & slow", b)), GPX)
    assert r.status_code == 201, r.text
    runs = r.json()
    assert len(runs) == 2
    assert_imported(runs[0], "2019-05-04", a, user.user_id)
    assert_imported(runs[1], "2019-05-05", b, user.user_id)
    assert total_count(api, user) == 2
    assert api.get(f"/results/{runs[0]['result_id']}", token=user).json() == runs[0]


def test_unnamespaced_gpx_10_and_thousands_of_points(api):
    user = api.new_user()
    pts = walk(place(), "2018-08-08", n=3000, step=0.00002, seconds=1)
    body = '<gpx version="1.0">' + gpx_track("t", pts).replace("gpxtpx:", "x") + "</gpx>"
    r = import_file(api, user, body, GPX + "; charset=utf-8")
    assert r.status_code == 201, r.text
    assert_imported(r.json()[0], "2018-08-08", pts, user.user_id)


def test_the_date_is_the_first_points_local_day(api):
    # 22:00 UTC at 150 E is 08:00 the next morning (shifted by round(150 / 15) = 10 h).
    user = api.new_user()
    lat, lon = random.uniform(-40, -20), 150.0 + random.uniform(0, 1)
    pts = [(lat, lon, "2019-12-31T22:00:00Z"), (lat + 0.01, lon, "2019-12-31T22:40:00Z")]
    r = import_file(api, user, gpx(gpx_track("NYE", pts)), GPX)
    assert r.status_code == 201, r.text
    assert r.json()[0]["date"] == "2020-01-01"


def tcx(start, day):
    lat, lon = start
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
  xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <Activities><Activity Sport="Running"><Id>{day}T07:00:00.000Z</Id>
  <Lap StartTime="{day}T07:00:00.000Z"><TotalTimeSeconds>300</TotalTimeSeconds><Track>
   <Trackpoint><Time>{day}T07:00:00.000Z</Time><Position><LatitudeDegrees>{lat}</LatitudeDegrees>
     <LongitudeDegrees>{lon}</LongitudeDegrees></Position><HeartRateBpm><Value>120</Value></HeartRateBpm></Trackpoint>
   <Trackpoint><Time>{day}T07:02:00.000Z</Time></Trackpoint>
   <Trackpoint><Time>{day}T07:05:00.000Z</Time><Position><LatitudeDegrees>{lat + 0.01}</LatitudeDegrees>
     <LongitudeDegrees>{lon}</LongitudeDegrees></Position>
     <Extensions><ns3:TPX><ns3:Speed>3.3</ns3:Speed></ns3:TPX></Extensions></Trackpoint>
  </Track></Lap>
  <Creator xsi:type="Device_t"><Name>Forerunner 255</Name></Creator></Activity></Activities>
</TrainingCenterDatabase>"""


def test_tcx_activity(api):
    user = api.new_user()
    start = (round(random.uniform(-50, 50), 4), round(random.uniform(-7, 7), 4))
    r = import_file(api, user, tcx(start, "2017-03-03"), TCX)
    assert r.status_code == 201, r.text
    pts = [(start[0], start[1], "2017-03-03T07:00:00Z"), (start[0] + 0.01, start[1], "2017-03-03T07:05:00Z")]
    assert_imported(r.json()[0], "2017-03-03", pts, user.user_id)


XXE = """<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<gpx version="1.1"><trk><name>&xxe;</name><trkseg>
<trkpt lat="1" lon="1"><time>2019-01-01T00:00:00Z</time></trkpt>
<trkpt lat="1.01" lon="1"><time>2019-01-01T00:10:00Z</time></trkpt></trkseg></trk></gpx>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<gpx><trk><name>&lol9;</name><trkseg>
<trkpt lat="1" lon="1"><time>2019-01-01T00:00:00Z</time></trkpt>
<trkpt lat="1.01" lon="1"><time>2019-01-01T00:10:00Z</time></trkpt></trkseg></trk></gpx>"""


@pytest.mark.parametrize("body,ctype,detail", [
    (XXE, GPX, "DOCTYPE"),
    (LAUGHS, GPX, "DOCTYPE"),
    (XXE.replace("gpx", "TrainingCenterDatabase"), TCX, "DOCTYPE"),
    ("<gpx><trk><trkseg><trkpt lat='1' lon='1'>", GPX, "malformed XML"),
    ("not xml at all", TCX, "malformed XML"),
    ("<kml/>", GPX, "root element"),
])
def test_hostile_and_broken_xml_is_400_and_stores_nothing(api, fake_weather, body, ctype, detail):
    user = api.new_user()
    problem = assert_problem(import_file(api, user, body, ctype), 400, detail)
    assert "root:" not in problem["detail"]  # /etc/passwd never shows up
    assert total_count(api, user) == 0
    assert fake_weather.hits()["archive"] + fake_weather.hits()["forecast"] == 0


def test_a_one_point_track_is_400_naming_it_and_nothing_is_stored(api, fake_weather):
    user = api.new_user()
    good = walk(place(), "2019-02-02")
    lonely = [(10.0, 1.0, "2019-02-03T06:00:00Z"), (10.01, 1.0, None)]
    r = import_file(api, user, gpx(gpx_track("Good", good), gpx_track("Lonely", lonely)), GPX)
    assert_problem(r, 400, 'track 2 "Lonely"')
    assert total_count(api, user) == 0
    assert fake_weather.hits()["archive"] == 0


def test_a_run_out_of_range_is_400_naming_it(api):
    user = api.new_user()
    tomorrow = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)).date().isoformat()
    r = import_file(api, user, gpx(gpx_track("Late", walk(place(), tomorrow))), GPX)
    assert_problem(r, 400, 'track 1 "Late": date')
    same_place = [(1.0, 1.0, "2019-01-01T06:00:00Z"), (1.0, 1.0, "2019-01-01T06:10:00Z")]
    assert_problem(import_file(api, user, gpx(gpx_track("Treadmill", same_place)), GPX), 400, "distance")
    assert total_count(api, user) == 0


@pytest.mark.parametrize("mode,status", [("nodata", 422), ("error500", 503)])
def test_weather_failure_stores_nothing(api, fake_weather, mode, status):
    user = api.new_user()
    fake_weather.set_mode(mode)
    rows = "".join(f"2016-04-{d:02d},{random.uniform(-50, 50):.4f} {random.uniform(-50, 50):.4f},3000,900\n"
                   for d in range(1, 6))
    assert_problem(import_file(api, user, rows, CSV), status)
    fake_weather.set_mode("ok")
    assert total_count(api, user) == 0
    r = import_file(api, user, rows, CSV)  # failures are not cached
    assert r.status_code == 201, r.text
    assert total_count(api, user) == 5


def test_the_seed_dataset_imports_as_18_runs_with_the_files_values(api):
    user = api.new_user()
    r = import_file(api, user, SEED_CSV.read_bytes(), CSV)
    assert r.status_code == 201, r.text
    runs = r.json()
    rows = seed_rows()
    assert len(runs) == len(rows) == 18
    for run, row in zip(runs, rows):
        assert {k: run[k] for k in row} == row
        assert run["condition"] == expected_condition(row["date"], row["location"])
    assert total_count(api, user) == 18


def test_a_bad_csv_row_names_its_line_and_field_and_stores_nothing(api):
    user = api.new_user()
    lines = SEED_CSV.read_text().splitlines()
    lines[6] = "2015-01-07,32.0853 34.7818,far,378"
    problem = assert_problem(import_file(api, user, "\n".join(lines), CSV), 400, "line 7")
    assert "distance" in problem["detail"]
    assert total_count(api, user) == 0
    quoted = '"2015-01-01","32.0853 34.7818","2000","405"\r\n"2015-01-02","32.0853 34.7818",2000,"4"05\r\n'
    assert_problem(import_file(api, user, quoted, CSV), 400, "line 2")
    assert total_count(api, user) == 0


def test_body_limit_is_10_mib_for_this_route_only(api):
    user = api.new_user()
    limit = 10 * 1024 * 1024
    r = import_file(api, user, b"x" * (limit + 1), CSV)
    assert_problem(r, 413)
    # Far above the 64 KiB of every other route, still fine here (a comment-padded GPX).
    pts = walk(place(), "2019-09-09")
    padded = gpx(gpx_track("Padded", pts)).replace("<metadata>", "<!--" + "p" * 200_000 + "--><metadata>")
    r = import_file(api, user, padded, GPX)
    assert r.status_code == 201, r.text
    r = api.post("/results", token=user, data=b"{" + b" " * 70_000 + b"}",
                 headers={"Content-Type": "application/json"})
    assert_problem(r, 413)


def test_other_media_types_are_415(api):
    user = api.new_user()
    for ctype in ("application/json", "text/plain", "application/xml"):
        assert_problem(import_file(api, user, SEED_CSV.read_bytes(), ctype), 415)
    assert total_count(api, user) == 0


def test_admins_import_for_others_and_users_cannot(api):
    admin, user, other = api.new_user("admin"), api.new_user(), api.new_user()
    row = "2015-05-05,32.0853 34.7818,2000,600\n"
    assert_problem(import_file(api, user, row, CSV, params={"user_id": other.user_id}), 403)
    r = import_file(api, admin, row, CSV, params={"user_id": other.user_id})
    assert r.status_code == 201, r.text
    assert r.json()[0]["user_id"] == other.user_id
    assert total_count(api, other) == 1
    assert_problem(import_file(api, admin, row, CSV, params={"user_id": 999999}), 404)
    assert_problem(import_file(api, admin, row, CSV, params={"bogus": 1}), 400)


def test_requires_authentication(api):
    r = api.post("/results/import", data=SEED_CSV.read_bytes(), headers={"Content-Type": CSV})
    assert r.status_code == 401


def test_many_tracks_share_cached_weather(api, fake_weather):
    user = api.new_user()
    start = place()
    tracks = [gpx_track(f"t{i}", walk(start, "2014-06-%02d" % (1 + i % 3))) for i in range(60)]
    r = import_file(api, user, gpx(*tracks), GPX)
    assert r.status_code == 201, r.text
    assert len(r.json()) == 60
    assert fake_weather.hits()["archive"] == 3  # one lookup per distinct (date, place)


def test_a_retried_upload_with_the_same_idempotency_key_imports_once(api):
    user = api.new_user()
    body = SEED_CSV.read_bytes()
    headers = {"Content-Type": CSV, "Idempotency-Key": "upload-" + user.username}
    first = api.post("/results/import", token=user, data=body, headers=headers)
    assert first.status_code == 201, first.text
    again = api.post("/results/import", token=user, data=body, headers=headers)
    assert again.status_code == 201, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    assert total_count(api, user) == 18
