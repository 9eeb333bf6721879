"""Issue 9 (operations and input hygiene): X-Forwarded-For from trusted proxies only, bodies with a
NUL byte, junk text from the weather provider, logs that stay JSON when the database fails, and
PostgreSQL's statement_timeout."""
import base64
import http.client
import json
import random
import sqlite3
import subprocess
import threading
import time
import urllib.parse

import pytest

from conftest import Client, assert_problem, unique_name

WRONG = "wrong password"


def fail_logins(api, count, forwarded_for):
    for i in range(count):  # spread over usernames so no single username reaches its own limit
        r = api.post("/auth", json={"username": f"nobody{i % 25}_{i // 25}", "password": WRONG},
                     headers={"X-Forwarded-For": forwarded_for})
        assert r.status_code == 401, (i, r.status_code, r.text)


def login_status(api, user, forwarded_for):
    return api.post("/auth", json={"username": user.username, "password": user.password},
                    headers={"X-Forwarded-For": forwarded_for}).status_code


# ---- JOGTRACK_TRUSTED_PROXIES ----------------------------------------------------------------

def test_forwarded_for_keys_the_address_throttle_behind_a_trusted_proxy(make_server):
    # The test client is 127.0.0.1: here it plays the proxy.
    api = Client(make_server({"JOGTRACK_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1/32, ::1"}))
    user = api.new_user()
    # A client-supplied entry on the left is not believed: the right-most untrusted one counts.
    fail_logins(api, 100, "192.0.2.99, 198.51.100.7")
    assert login_status(api, user, "198.51.100.7") == 429
    assert login_status(api, user, "198.51.100.7, 10.1.2.3") == 429  # a trusted hop is skipped
    # Another client behind the same proxy is not locked out.
    assert login_status(api, user, "198.51.100.8") == 200
    assert login_status(api, user, "198.51.100.7, 198.51.100.8") == 200
    # Two header fields count as one list (haproxy appends its own field after the client's).
    body = json.dumps({"username": user.username, "password": user.password}).encode()
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(api.server.url).netloc, timeout=30)
    try:
        conn.putrequest("POST", "/auth")
        for name, value in (("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                            ("X-Forwarded-For", "198.51.100.8"), ("X-Forwarded-For", "198.51.100.7")):
            conn.putheader(name, value)
        conn.endheaders(body)
        assert conn.getresponse().status == 429
    finally:
        conn.close()


def test_forwarded_for_is_ignored_from_an_untrusted_peer(make_server):
    api = Client(make_server({"JOGTRACK_TRUSTED_PROXIES": "10.0.0.0/8"}))  # 127.0.0.1 is not in it
    user = api.new_user()
    fail_logins(api, 100, "198.51.100.7")
    assert login_status(api, user, "198.51.100.8") == 429  # every request came from 127.0.0.1


def test_a_bad_trusted_proxies_setting_is_a_configuration_error(tmp_path):
    from conftest import BINARY
    res = subprocess.run([str(BINARY), "serve", "--listen", "127.0.0.1:0", "--trusted-proxies", "10.0.0.0/33"],
                         env={"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'x.db'}"}, capture_output=True,
                         text=True, timeout=30)
    assert res.returncode == 2, res
    assert "JOGTRACK_TRUSTED_PROXIES" in res.stderr


# ---- request bodies ----------------------------------------------------------------------------

@pytest.mark.parametrize("tail", [b"\x00garbage", b"\x00", b" \x00 {}"], ids=["nul-garbage", "nul", "nul-object"])
def test_a_body_with_a_nul_byte_after_the_object_is_refused(api, tail):
    body = json.dumps({"username": unique_name(), "password": "a long enough password"}).encode() + tail
    r = api.post("/users", data=body, headers={"Content-Type": "application/json"})
    assert_problem(r, 400, "malformed JSON")


# ---- weather provider text ---------------------------------------------------------------------

def provider_day(date, sunrise):
    return {"latitude": 1.0, "longitude": 1.0, "daily": {
        "time": [date], "weather_code": [3], "temperature_2m_max": [17.5], "sunrise": [sunrise],
        "sunset": [date + "T18:00"]}}


def post_run(api, user, date):
    location = "%.4f %.4f" % (random.uniform(-60, 60), random.uniform(-170, 170))  # not cached yet
    return api.post("/results", json={"date": date, "distance": 5000, "time": 1500, "location": location},
                    token=user)


def serve_raw(fake, status, body):
    fake.set_mode("raw", status=status, body_base64=base64.b64encode(body).decode())


@pytest.mark.parametrize("sunrise", ["x" * 10_000, "06:00\u001b[2J\u0000"], ids=["long", "control"])
def test_junk_sunrise_is_dropped_and_the_weather_kept(api, fake_weather, sunrise):
    user = api.new_user()
    serve_raw(fake_weather, 200, json.dumps(provider_day("2015-06-01", sunrise)).encode())
    r = post_run(api, user, "2015-06-01")
    assert r.status_code == 201, r.text
    condition = r.json()["condition"]
    assert condition["sunrise"] is None
    assert condition["sunset"] == "2015-06-01T18:00"
    assert condition["temperature_max"] == 17.5
    # The same from the database.
    assert api.get(f"/results/{r.json()['result_id']}", token=user).json()["condition"] == condition


def test_invalid_utf8_from_the_provider_is_a_provider_failure(api, fake_weather):
    user = api.new_user()
    body = json.dumps(provider_day("2015-06-01", "SUNRISE")).encode().replace(b"SUNRISE", b"\xff\xfe06:00")
    serve_raw(fake_weather, 200, body)
    r = post_run(api, user, "2015-06-01")
    assert_problem(r, 503)
    assert int(r.headers["Retry-After"]) > 0


@pytest.mark.parametrize("status", [200, 400])
def test_a_long_provider_reason_is_bounded_in_the_problem(api, fake_weather, status):
    user = api.new_user()
    serve_raw(fake_weather, status, json.dumps({"error": True, "reason": "no\n" + "r" * 20_000}).encode())
    r = post_run(api, user, "2015-06-01")
    problem = assert_problem(r, 422, "weather provider has no data")
    assert len(problem["detail"].encode()) <= 260, problem["detail"][:300]
    assert "\n" not in problem["detail"]


# ---- logs ---------------------------------------------------------------------------------------

@pytest.mark.sqlite
def test_json_logs_stay_json_when_the_database_fails(make_server):
    srv = make_server({"JOGTRACK_LOG_FORMAT": "json"})
    api = Client(srv)
    user = api.new_user()
    run = {"date": "2015-06-01", "distance": 5000, "time": 1500, "location": "52.5145 13.3501"}
    assert api.post("/results", json=run, token=user).status_code == 201  # the weather is cached now
    # Another process holds SQLite's write lock: the server's write gives up (503) after its
    # busy limit and logs the database error.
    blocker = sqlite3.connect(srv.workdir / "jogtrack.db", timeout=30, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        r = api.post("/results", json=run, token=user)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert_problem(r, 503)
    assert int(r.headers["Retry-After"]) > 0
    srv.stop()
    lines = [line for line in srv.log().splitlines() if line.strip()]
    assert any("database error" in line for line in lines), srv.log()
    for line in lines:
        assert isinstance(json.loads(line), dict), line


# ---- PostgreSQL statement_timeout -----------------------------------------------------------------

@pytest.mark.cluster  # the PostgreSQL pass (never skipped there)
def test_a_statement_stuck_on_a_lock_is_a_503_not_a_hung_request(make_server):
    srv = make_server({"JOGTRACK_DB_STATEMENT_TIMEOUT_MS": "300"})
    api = Client(srv)
    user = api.new_user()
    assert srv.env["JOGTRACK_DATABASE_URL"].startswith("postgresql://")
    # A second session takes an exclusive lock on the runs table and keeps it for up to 8 s.
    holder = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", srv.env["JOGTRACK_DATABASE_URL"]],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        holder.stdin.write("BEGIN; LOCK TABLE runs IN ACCESS EXCLUSIVE MODE; \\echo locked\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "locked"

        def unlock():
            holder.stdin.write("ROLLBACK;\n")
            holder.stdin.flush()

        release = threading.Timer(8.0, unlock)
        release.start()
        t0 = time.monotonic()
        r = api.get("/results", token=user)
        elapsed = time.monotonic() - t0
        release.cancel()
    finally:
        holder.communicate("ROLLBACK;\n", timeout=30)
    assert_problem(r, 503)
    assert int(r.headers["Retry-After"]) > 0
    assert elapsed < 5, elapsed
    # The connection survives the cancelled statement.
    assert api.get("/results", token=user).status_code == 200
