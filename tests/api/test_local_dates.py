"""Local dates at a fixed "now" (SPEC §7): the server's test clock (JOGTRACK_TEST_NOW, test-only)
and the fake Open-Meteo's `today` agree, so the easternmost zone's day is checked exactly."""
from conftest import Client, assert_problem
from test_import import CSV, import_file
from test_runs import run_body


def at(make_server, fake_weather, instant):
    fake_weather.set_mode("ok", today=instant[:10])
    api = Client(make_server(env={"JOGTRACK_TEST_NOW": instant}))
    return api, api.new_user()


def test_tomorrow_is_accepted_once_it_is_tomorrow_in_utc_plus_14(make_server, fake_weather):
    # 10:30 UTC on March 1st is 00:30 on March 2nd in UTC+14.
    api, user = at(make_server, fake_weather, "2026-03-01T10:30:00Z")
    r = api.post("/results", token=user, json=run_body(date="2026-03-02"))
    assert r.status_code == 201, r.text
    assert r.json()["condition"]["provider"] == "open-meteo"
    assert fake_weather.hits()["forecast"] == 1  # the forecast endpoint has that day
    assert_problem(api.post("/results", token=user, json=run_body(date="2026-03-03")), 400)
    assert_problem(import_file(api, user, "2026-03-03,10.0000 10.0000,1000,300\n", CSV), 400, "line 1: date")
    assert import_file(api, user, "2026-03-02,10.0000 10.0000,1000,300\n", CSV).status_code == 201


def test_tomorrow_is_refused_while_it_is_still_today_everywhere(make_server, fake_weather):
    # 09:30 UTC on March 1st is 23:30 on March 1st in UTC+14: March 2nd has begun nowhere.
    api, user = at(make_server, fake_weather, "2026-03-01T09:30:00Z")
    assert_problem(api.post("/results", token=user, json=run_body(date="2026-03-02")), 400)
    assert api.post("/results", token=user, json=run_body(date="2026-03-01")).status_code == 201


def test_a_malformed_test_clock_stops_the_server(tmp_path):
    from conftest import BINARY
    import subprocess
    res = subprocess.run([str(BINARY), "serve", "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                         timeout=30, env={"JOGTRACK_TEST_NOW": "tomorrow",
                                          "JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'x.db'}"})
    assert res.returncode != 0
    assert "JOGTRACK_TEST_NOW" in res.stderr
