"""Hostile load on authentication (issue 9): the login throttle under parallel guesses, its table's
size, the registration limit, the current password of a password change (SPEC §6), and refresh
tokens of deleted accounts in the token store.

Every limit is counted in the database (or Redis): each test that spends a budget gets a private
server, so the shared server's budget for 127.0.0.1 stays intact. The same tests run on
PostgreSQL + Redis when JOGTRACK_TEST_PG_URL / JOGTRACK_TEST_REDIS_URL are set.
"""
import hashlib
import sqlite3
import subprocess
import threading
from collections import Counter

import pytest

from conftest import STRONG_PASSWORD, Client, assert_problem, unique_name

# Enough workers that password checks really overlap (the hashing pool gets threads / 2).
PARALLEL_ENV = {"JOGTRACK_THREADS": "8"}


def in_parallel(calls):
    """Runs the zero-argument callables at once (released together by a barrier); returns their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert all(r is not None for r in results), "a request did not finish"
    return results


def statuses(responses):
    return Counter(r.status_code for r in responses)


def wrong_login(server, username, i):
    return lambda: Client(server).post("/auth", json={"username": username, "password": f"wrong guess {i}"})


def error_fields(response):
    return {e["field"] for e in response.json().get("errors", [])}


# ---- the login throttle: check and record in one step -------------------------------------------

def test_parallel_wrong_passwords_get_exactly_ten_guesses(make_server):
    srv = make_server(PARALLEL_ENV)
    api = Client(srv)
    victim = api.new_user()
    results = in_parallel([wrong_login(srv, victim.username, i) for i in range(40)])
    assert statuses(results) == {401: 10, 429: 30}, [(r.status_code, r.text) for r in results]
    for r in results:
        if r.status_code == 429:
            assert_problem(r, 429)
            assert 1 <= int(r.headers["Retry-After"]) <= 15 * 60
    # the limit holds for the right password too, until the window passes
    assert_problem(api.post("/auth", json={"username": victim.username, "password": victim.password}), 429)


def test_parallel_wrong_passwords_on_two_instances_get_exactly_ten_guesses(make_server):
    a = make_server(PARALLEL_ENV, name="a")
    # a second process on the same database (and, on PostgreSQL, the same Redis and secret)
    b = make_server({**PARALLEL_ENV, "JOGTRACK_DATABASE_URL": a.env["JOGTRACK_DATABASE_URL"]}, name="b")
    victim = Client(a).new_user()
    results = in_parallel([wrong_login((a, b)[i % 2], victim.username, i) for i in range(40)])
    assert statuses(results) == {401: 10, 429: 30}, [(r.status_code, r.text) for r in results]


def test_refused_guesses_do_not_use_up_the_address(make_server):
    srv = make_server()
    api = Client(srv)
    victim, other = api.new_user(), api.new_user()
    for i in range(10):
        assert_problem(api.post("/auth", json={"username": victim.username, "password": f"wrong {i}"}), 401)
    # 120 more attempts on the locked username: refused before any password check, so they
    # are not failures of the address (its limit is 100)
    for i in range(120):
        assert_problem(api.post("/auth", json={"username": victim.username, "password": f"more {i}"}), 429)
    assert api.post("/auth", json={"username": other.username, "password": other.password}).status_code == 200


def test_successful_logins_do_not_use_up_the_address(make_server):
    srv = make_server()
    api = Client(srv)
    user = api.new_user()
    for _ in range(105):  # more than the address limit of 100
        r = api.post("/auth", json={"username": user.username, "password": user.password})
        assert r.status_code == 200, r.text
    # and a success forgives the username's earlier failures
    for i in range(9):
        assert_problem(api.post("/auth", json={"username": user.username, "password": f"wrong {i}"}), 401)
    api.login(user.username, user.password)
    for i in range(9):
        assert_problem(api.post("/auth", json={"username": user.username, "password": f"again {i}"}), 401)
    api.login(user.username, user.password)


@pytest.mark.sqlite  # the table is inspected in the SQLite file
def test_login_failures_with_huge_usernames_stay_small(make_server):
    srv = make_server()
    api = Client(srv)
    seen = Counter()
    for i in range(100):
        huge = f"{i:03d}" + "x" * 60_000  # fits the 64 KiB body limit
        seen[api.post("/auth", json={"username": huge, "password": "wrong password"}).status_code] += 1
    # no such user can exist: every over-long name is one key, throttled like any other
    assert seen == {401: 10, 429: 90}, seen
    db_path = srv.workdir / "jogtrack.db"
    with sqlite3.connect(db_path) as db:
        rows, longest = db.execute("SELECT COUNT(*), MAX(LENGTH(attempt_key)) FROM login_failures").fetchone()
    assert rows <= 20 and longest <= 80, (rows, longest)
    assert srv.stop() == 0  # the last connection checkpoints the WAL into the file
    size = db_path.stat().st_size
    assert size < 1_000_000, size


# ---- registrations per client address ---------------------------------------------------------

def register(api, username=None, password=STRONG_PASSWORD):
    return api.post("/users", json={"username": username or unique_name("reg"), "password": password})


def test_registration_limit_is_twenty_an_hour_by_default(make_server):
    srv = make_server({"JOGTRACK_REGISTER_LIMIT": None})
    api = Client(srv)
    for i in range(20):
        r = register(api)
        assert r.status_code == 201, (i, r.text)
    r = register(api)
    assert_problem(r, 429, "registrations")
    assert 1 <= int(r.headers["Retry-After"]) <= 3600


def test_registration_limit_counts_attempts_that_hash_a_password(make_server):
    srv = make_server({"JOGTRACK_REGISTER_LIMIT": "3"})
    api = Client(srv)
    taken = unique_name("reg")
    assert register(api, taken).status_code == 201
    assert_problem(register(api, taken), 409)  # costs a hash: counted
    # invalid input costs nothing and is not counted, before and after the limit
    for _ in range(5):
        assert_problem(api.post("/users", json={"username": "x", "password": STRONG_PASSWORD}), 400)
    assert register(api).status_code == 201
    assert_problem(register(api), 429)
    assert_problem(api.post("/users", json={"username": unique_name(), "password": "short"}), 400)
    # the operator's CLI is not limited, nor are logins
    user = api.new_user("admin")
    assert api.get("/auth/verify", token=user).status_code == 200


def test_parallel_registrations_respect_the_limit(make_server):
    srv = make_server({**PARALLEL_ENV, "JOGTRACK_REGISTER_LIMIT": "3"})
    # 8 fit the registration pool (1 thread + a queue of 8), so none is refused as 503 here.
    results = in_parallel([lambda: register(Client(srv)) for _ in range(8)])
    assert statuses(results) == {201: 3, 429: 5}, [(r.status_code, r.text) for r in results]


def test_registration_limit_zero_is_off(make_server):
    srv = make_server({"JOGTRACK_REGISTER_LIMIT": "0"})
    api = Client(srv)
    for i in range(25):
        r = register(api)
        assert r.status_code == 201, (i, r.text)


# ---- changing one's own password needs the current one (SPEC §6) ---------------------------------

def change_password(api, user, new, current=None, token=None):
    body = {"password": new}
    if current is not None:
        body["current_password"] = current
    return api.patch(f"/users/{user.user_id}", json=body, token=token or user)


def test_own_password_change_without_current_password_is_400(api):
    user = api.new_user()
    r = change_password(api, user, "a brand new passphrase")
    assert_problem(r, 400)
    assert error_fields(r) == {"current_password"}, r.json()
    api.login(user.username, user.password)  # unchanged
    # current_password alone changes nothing and is refused
    r = api.patch(f"/users/{user.user_id}", json={"current_password": user.password}, token=user)
    assert_problem(r, 400)
    assert "current_password" in error_fields(r)


def test_own_password_change_with_wrong_current_password_is_403(api):
    user = api.new_user()
    r = change_password(api, user, "a brand new passphrase", current="not my password")
    assert_problem(r, 403)
    api.login(user.username, user.password)  # unchanged, and the session lives on
    assert api.post("/auth/refresh", json={"refresh_token": user.refresh}).status_code == 200


def test_own_password_change_with_current_password(api):
    user = api.new_user()
    r = change_password(api, user, "a brand new passphrase", current=user.password)
    assert r.status_code == 204, r.text
    assert_problem(api.post("/auth/refresh", json={"refresh_token": user.refresh}), 401)
    api.login(user.username, "a brand new passphrase")


def test_admin_needs_current_password_for_own_but_not_for_others(api):
    admin, target = api.new_user("admin"), api.new_user()
    assert_problem(change_password(api, admin, "the admin's new passphrase"), 400)
    assert change_password(api, admin, "the admin's new passphrase", current=admin.password).status_code == 204
    assert change_password(api, target, "reset by an admin", token=admin).status_code == 204
    api.login(target.username, "reset by an admin")
    manager, plain = api.new_user("manager"), api.new_user()
    assert change_password(api, plain, "reset by a manager", token=manager).status_code == 204
    api.login(plain.username, "reset by a manager")


def test_wrong_current_passwords_are_counted_by_the_login_throttle(make_server):
    srv = make_server()
    api = Client(srv)
    user = api.new_user()
    for i in range(10):
        assert_problem(change_password(api, user, "a brand new passphrase", current=f"guess {i}"), 403)
    r = change_password(api, user, "a brand new passphrase", current=user.password)
    assert_problem(r, 429)
    assert 1 <= int(r.headers["Retry-After"]) <= 15 * 60
    # the same budget as logins
    assert_problem(api.post("/auth", json={"username": user.username, "password": user.password}), 429)


def test_failed_logins_and_wrong_current_passwords_share_one_budget(make_server):
    srv = make_server(PARALLEL_ENV)
    api = Client(srv)
    user = api.new_user()
    for i in range(5):
        assert_problem(api.post("/auth", json={"username": user.username, "password": f"wrong {i}"}), 401)
    calls = [lambda i=i: change_password(Client(srv), user, "a brand new passphrase", current=f"guess {i}")
             for i in range(20)]
    results = in_parallel(calls)
    assert statuses(results) == {403: 5, 429: 15}, [(r.status_code, r.text) for r in results]


# ---- deleted accounts: their refresh tokens are revoked in the token store ------------------------

def token_hash(refresh_token):
    return hashlib.blake2b(refresh_token.encode(), digest_size=32).hexdigest()


def revoked_in_store(server, refresh_token):
    """Whether the token store itself (not the user lookup) holds the token as revoked."""
    h = token_hash(refresh_token)
    url = server.env["JOGTRACK_DATABASE_URL"]
    if "JOGTRACK_REDIS_URL" in server.env:
        base, db = server.env["JOGTRACK_REDIS_URL"].removeprefix("redis://").rsplit("/", 1)
        host, port = base.rsplit(":", 1)

        def redis(*args):
            res = subprocess.run(["redis-cli", "-h", host, "-p", port, "-n", db, *args],
                                 capture_output=True, text=True, timeout=30)
            assert res.returncode == 0, res.stderr
            return res.stdout.strip()

        family = redis("HGET", f"jogtrack:rt:{h}", "f")
        assert family, "the token is not in Redis at all"
        return redis("HGET", f"jogtrack:rt:{h}", "s") == "2" or redis("HGET", f"jogtrack:fam:{family}", "r") == "1"
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:")) as db:
            (state,) = db.execute("SELECT state FROM refresh_tokens WHERE token_hash = ?", (h,)).fetchone()
    else:
        res = subprocess.run(["psql", "-X", "-At", url, "-c",
                              f"SELECT state FROM refresh_tokens WHERE token_hash = '{h}'"],
                             capture_output=True, text=True, timeout=30)
        assert res.returncode == 0, res.stderr
        state = int(res.stdout.strip())
    return state == 2


@pytest.mark.parametrize("deleted_by", ["self", "admin"])
def test_deleting_a_user_revokes_its_refresh_tokens_in_the_store(make_server, deleted_by):
    srv = make_server()
    api = Client(srv)
    user = api.new_user()
    second = api.login(user.username, user.password)["refresh_token"]
    assert not revoked_in_store(srv, second)
    actor = user if deleted_by == "self" else api.new_user("admin")
    assert api.delete(f"/users/{user.user_id}", token=actor).status_code == 204
    assert revoked_in_store(srv, user.refresh) and revoked_in_store(srv, second)
    for token in (user.refresh, second):
        assert_problem(api.post("/auth/refresh", json={"refresh_token": token}), 401)

