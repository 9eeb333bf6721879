"""Issue 9, items 2 and 3: a slow weather provider must not stall other users, and a
request the server gives up on must never be written anyway (a "ghost" run).

Before the fix every route shared one worker pool with the weather lookups, so 60 creates
against a hanging provider made another user's GET /auth/me wait tens of seconds; and a
create that outlived RESTinio's 60 s handle timeout had its connection closed yet was
committed later. These tests fail on that code (the first by its latency bound, the second
by silent closes and runs nobody was answered 201 for) and pass on the fixed one.
"""
import concurrent.futures
import datetime
import os
import time

import requests

from conftest import Client, assert_problem, unique_name

SLOW = os.environ.get("JOGTRACK_TEST_SLOW") == "1"  # ASan + UBSan build
FAST_ANSWER_S = 1.0 if SLOW else 0.5  # the goal is < 200 ms; generous for a shared 2-core box


def distinct_dates(n, start="2016-01-01"):
    """n different days: each create is a new (date, place) weather key, so a provider call."""
    first = datetime.date.fromisoformat(start)
    return [(first + datetime.timedelta(days=i)).isoformat() for i in range(n)]


def create_body(date, location="48.8566 2.3522"):
    return {"date": date, "distance": 5000, "time": 1500, "location": location}


def post_run(url, user, body, timeout):
    """(status, response or None, error repr or None): a closed connection is an error, not a status."""
    try:
        r = requests.post(url + "/results", json=body, headers=user.auth, timeout=timeout)
        return r.status_code, r, None
    except requests.RequestException as e:
        return None, None, repr(e)


def timed_get(client, path, user):
    t0 = time.monotonic()
    r = client.get(path, token=user)
    return r, time.monotonic() - t0


def test_a_hanging_provider_does_not_stall_other_users(make_server, fake_weather):
    # The provider hangs far beyond the lookup timeout the server allows itself.
    srv = make_server({"JOGTRACK_WEATHER_TIMEOUT_MS": "10000"})
    api = Client(srv)
    writer, reader = api.new_user(), api.new_user()
    fake_weather.set_mode("slow", delay_ms=60_000)

    creates = 60
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=creates)
    try:
        t0 = time.monotonic()
        futures = [pool.submit(post_run, srv.url, writer, create_body(d), 60) for d in distinct_dates(creates)]
        # Let the creates reach the server and the provider.
        deadline = time.monotonic() + 10
        while fake_weather.hits()["archive"] == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fake_weather.hits()["archive"] > 0, "no create reached the provider"

        probe = Client(srv)
        for _ in range(5):
            me, me_s = timed_get(probe, "/auth/me", reader)
            assert me.status_code == 200, me.text
            assert me_s < FAST_ANSWER_S, f"GET /auth/me took {me_s:.2f}s while creates wait on the provider"
            runs, runs_s = timed_get(probe, "/results", reader)
            assert runs.status_code == 200, runs.text
            assert runs_s < FAST_ANSWER_S, f"GET /results took {runs_s:.2f}s while creates wait on the provider"

        results = [f.result(timeout=120) for f in futures]
        elapsed = time.monotonic() - t0
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        fake_weather.set_mode("ok")

    # Every create was answered, quickly: most were refused at once because the bounded
    # number of provider calls was in use, the rest when their own call timed out.
    errors = [e for status, _, e in results if status is None]
    assert not errors, errors[:3]
    for status, r, _ in results:
        assert_problem(r, 503)
        assert int(r.headers["Retry-After"]) >= 1
    assert elapsed < (30 if SLOW else 20), f"the creates took {elapsed:.1f}s to be answered"
    # Only a bounded number of calls ever reached the hanging provider (half the
    # weather pool: 4 with JOGTRACK_THREADS=2), not one per create.
    assert fake_weather.hits()["archive"] <= 4, fake_weather.hits()["archive"]


def test_every_stored_run_was_answered_201(make_server, fake_weather):
    # A short request deadline so that the backlog of 140 creates against a 2 s provider
    # outlives it in seconds rather than minutes. The lookup timeout is above the
    # provider's delay: lookups succeed, they are just slow.
    srv = make_server({"JOGTRACK_REQUEST_TIMEOUT_MS": "3000", "JOGTRACK_WEATHER_TIMEOUT_MS": "5000"})
    api = Client(srv)
    users = [api.new_user() for _ in range(4)]
    fake_weather.set_mode("slow", delay_ms=2000)

    creates = 140
    dates = distinct_dates(35, start="2018-03-01")
    jobs = [(users[i % len(users)], create_body(dates[i % len(dates)], location=f"{10 + i % 4}.5 20.5"))
            for i in range(creates)]
    # Longer than RESTinio's 60 s handle timeout plus the backlog, so that a connection the
    # server closes shows up as such and not as our own timeout.
    client_timeout = 150
    with concurrent.futures.ThreadPoolExecutor(max_workers=creates) as pool:
        results = list(pool.map(lambda job: post_run(srv.url, job[0], job[1], client_timeout), jobs))
    fake_weather.set_mode("ok")

    closed = [e for status, _, e in results if status is None]
    assert not closed, f"{len(closed)} clients got no answer at all, e.g. {closed[:2]}"
    answered_201 = {}
    for (user, _), (status, r, _) in zip(jobs, results):
        if status == 201:
            answered_201.setdefault(user.user_id, set()).add(r.json()["result_id"])
        else:
            body = assert_problem(r, status)
            assert status == 503, body
            assert int(r.headers["Retry-After"]) >= 1

    # A write still in progress would commit after its 503; give it time to show up.
    time.sleep(3)
    for user in users:
        r = api.get("/results", token=user, params={"count": 1000})
        assert r.status_code == 200, r.text
        stored = {run["result_id"] for run in r.json()}
        assert stored == answered_201.get(user.user_id, set()), \
            f"runs stored without a 201 to their client: {sorted(stored - answered_201.get(user.user_id, set()))}"
    assert sum(len(ids) for ids in answered_201.values()) > 0, "nothing was created: the test proved nothing"
