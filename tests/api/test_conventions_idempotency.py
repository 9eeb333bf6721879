"""Idempotency-Key on POST /results and POST /users (SPEC §6, issue 12 item 4).

The same key from the same caller with the same body replays the first answer and creates
nothing; another body -> 422; while the first still runs -> 409. A client whose connection
dropped before it read the answer can retry safely.
"""
import concurrent.futures
import json
import socket
import time
import uuid

import pytest

from conftest import Client, assert_problem, unique_name, STRONG_PASSWORD
from test_runs import run_body, total_count

REUSED = "/docs/problems#idempotency-key-reused"


def key():
    return str(uuid.uuid4())


def post_run(api, user, body, k):
    return api.post("/results", token=user, json=body, headers={"Idempotency-Key": k})


def test_same_key_same_body_replays_and_creates_nothing(api):
    user = api.new_user()
    body, k = run_body(), key()
    first = post_run(api, user, body, k)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    second = post_run(api, user, body, k)
    assert second.status_code == 201, second.text
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert total_count(api, user) == 1


def test_without_a_key_every_post_creates(api):
    user = api.new_user()
    body = run_body()
    assert api.post("/results", token=user, json=body).status_code == 201
    assert api.post("/results", token=user, json=body).status_code == 201
    assert total_count(api, user) == 2


def test_same_key_other_body_is_422(api):
    user = api.new_user()
    k = key()
    assert post_run(api, user, run_body(distance=5000), k).status_code == 201
    body = assert_problem(post_run(api, user, run_body(distance=6000), k), 422)
    assert body["type"] == REUSED
    assert total_count(api, user) == 1


def test_keys_are_per_caller(api):
    alice, bob = api.new_user(), api.new_user()
    k, body = key(), run_body()
    assert post_run(api, alice, body, k).status_code == 201
    r = post_run(api, bob, body, k)
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    assert r.json()["user_id"] == bob.user_id


@pytest.mark.parametrize("length,status", [(255, 201), (256, 400)])
def test_key_length_limit(api, length, status):
    user = api.new_user()
    r = post_run(api, user, run_body(), "k" * length)
    assert r.status_code == status, r.text
    if status == 400:
        assert_problem(r, 400)
        assert total_count(api, user) == 0


def test_a_failed_first_attempt_is_not_remembered(api):
    user = api.new_user()
    k = key()
    assert_problem(post_run(api, user, run_body(distance=-1), k), 400)
    r = post_run(api, user, run_body(), k)  # corrected body, same key: runs afresh
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers


def test_a_key_without_credentials_is_still_401(api):
    r = api.post("/results", json=run_body(), headers={"Idempotency-Key": key()})
    assert_problem(r, 401)


def test_while_the_first_runs_the_retry_gets_409(api, fake_weather):
    user = api.new_user()
    body, k = run_body(), key()
    fake_weather.set_mode("slow", delay_ms=1000)  # under the test servers' 1.5 s lookup timeout
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        first = pool.submit(post_run, Client(api.server), user, body, k)
        time.sleep(0.4)
        busy = post_run(api, user, body, k)
        assert_problem(busy, 409)
        assert busy.headers["Retry-After"] == "1"
        assert first.result().status_code == 201
    fake_weather.set_mode("ok")
    replay = post_run(api, user, body, k)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert total_count(api, user) == 1


def test_retry_after_a_dropped_connection_creates_one_run(api, fake_weather):
    user = api.new_user()
    body, k = json.dumps(run_body()).encode(), key()
    fake_weather.set_mode("slow", delay_ms=300)  # the first answer is surely not sent yet when we hang up
    port = int(api.server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"POST /results HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                  + f"Authorization: Bearer {user.token}\r\nIdempotency-Key: {k}\r\n".encode()
                  + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    # Closed before reading anything. Retry as a client library would (after a pause, so that the
    # first request has surely reached the server), until the first is done.
    time.sleep(0.5)
    deadline = time.monotonic() + 20
    while True:
        retry = api.post("/results", token=user, data=body,
                         headers={"Idempotency-Key": k, "Content-Type": "application/json"})
        if retry.status_code != 409 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert total_count(api, user) == 1


def test_post_users_is_keyed_by_client_address(api):
    username, k = unique_name(), key()
    body = {"username": username, "password": STRONG_PASSWORD}
    first = api.post("/users", json=body, headers={"Idempotency-Key": k})
    assert first.status_code == 201, first.text
    second = api.post("/users", json=body, headers={"Idempotency-Key": k})
    assert second.status_code == 201 and second.headers["Idempotent-Replayed"] == "true"
    assert second.json()["user_id"] == first.json()["user_id"]
    # Without the key the same registration is a conflict: the account exists once.
    assert_problem(api.post("/users", json=body), 409)
    other = assert_problem(api.post("/users", json={**body, "username": unique_name()},
                                    headers={"Idempotency-Key": k}), 422)
    assert other["type"] == REUSED
