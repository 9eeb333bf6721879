"""HTTP conventions (SPEC §6, issue 12 item 5): HEAD wherever GET works, gzip over 1 KiB, and
414/431/413 answered with a problem before the connection is closed (not just dropped).
"""
import gzip
import json

import pytest
import requests

from conftest import assert_problem
from test_resilience_input import raw_exchange, raw_get
from test_runs import run_body


def raw(api, path, user=None, headers=None, method="GET"):
    """The response as sent: requests would undo the gzip."""
    h = {"Accept-Encoding": "identity", **(headers or {})}
    if user:
        h["Authorization"] = f"Bearer {user.token}"
    r = requests.request(method, api.server.url + path, headers=h, stream=True, timeout=30)
    r.raw_body = r.raw.read(decode_content=False)
    return r


def vary(r):
    return {v.strip().lower() for v in r.headers.get("Vary", "").split(",")}


# ---- HEAD -------------------------------------------------------------------------------------

def test_head_works_wherever_get_does(api):
    admin = api.new_user(role="admin")
    run = api.post("/results", token=admin, json=run_body()).json()
    paths = ["/results", f"/results/{run['result_id']}", "/results/reports/weekly", "/users",
             f"/users/{admin.user_id}", "/auth/me", "/auth/verify", "/healthz", "/readyz", "/metrics",
             "/openapi.json", "/app/", "/docs"]
    for path in paths:
        get = raw(api, path, admin)
        head = raw(api, path, admin, method="HEAD")
        assert get.status_code == 200, (path, get.status_code)
        assert head.status_code == 200, (path, head.status_code, head.text)
        assert head.raw_body == b"", path
        if path != "/metrics":  # the metrics change between the two requests
            assert head.headers["Content-Length"] == str(len(get.raw_body)), path
        assert head.headers["Content-Type"] == get.headers["Content-Type"], path


def test_405_lists_head_beside_get(api):
    r = api.request("PUT", "/healthz")
    assert_problem(r, 405)
    assert {m.strip() for m in r.headers["Allow"].split(",")} == {"GET", "HEAD"}


# ---- gzip ---------------------------------------------------------------------------------------

def test_large_json_is_gzipped_when_accepted(api):
    plain = raw(api, "/openapi.json")
    assert len(plain.raw_body) > 1024
    assert "Content-Encoding" not in plain.headers
    assert "accept-encoding" in vary(plain)
    zipped = raw(api, "/openapi.json", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "accept-encoding" in vary(zipped)
    assert int(zipped.headers["Content-Length"]) == len(zipped.raw_body) < len(plain.raw_body)
    assert json.loads(gzip.decompress(zipped.raw_body)) == json.loads(plain.raw_body)


@pytest.mark.parametrize("accept,expect_gzip", [
    ("gzip", True), ("GZIP;q=0.5, br", True), ("*", True), ("x-gzip", True),
    ("gzip;q=0", False), ("gzip;q=0.0, *", False), ("identity", False), ("br", False), ("*;q=0", False),
])
def test_accept_encoding_q_values(api, accept, expect_gzip):
    r = raw(api, "/openapi.json", headers={"Accept-Encoding": accept})
    assert r.status_code == 200
    assert (r.headers.get("Content-Encoding") == "gzip") == expect_gzip, r.headers


def test_a_list_of_runs_is_gzipped(api):
    user = api.new_user()
    for _ in range(8):
        assert api.post("/results", token=user, json=run_body()).status_code == 201
    r = raw(api, "/results?count=8", user, headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(r.raw_body))) == 8
    # requests itself accepts gzip and undoes it: the API is unchanged for ordinary clients.
    assert len(api.get("/results", token=user, params={"count": 8}).json()) == 8


def test_small_bodies_head_and_304_are_not_gzipped(api):
    small = raw(api, "/healthz", headers={"Accept-Encoding": "gzip"})
    assert len(small.raw_body) <= 1024 and "Content-Encoding" not in small.headers
    head = raw(api, "/openapi.json", headers={"Accept-Encoding": "gzip"}, method="HEAD")
    assert head.raw_body == b"" and "Content-Encoding" not in head.headers
    user = api.new_user()
    me = raw(api, "/auth/me", user)
    nm = raw(api, "/auth/me", user, headers={"Accept-Encoding": "gzip", "If-None-Match": me.headers["ETag"]})
    assert nm.status_code == 304 and nm.raw_body == b"" and "Content-Encoding" not in nm.headers


def test_web_app_keeps_its_precompressed_files(api):
    plain = raw(api, "/app/")
    zipped = raw(api, "/app/", headers={"Accept-Encoding": "gzip"})
    if "Content-Encoding" in zipped.headers:  # files too small to compress are sent as they are
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.raw_body) == plain.raw_body  # compressed once, not twice
    assert list(vary(zipped)).count("accept-encoding") == 1


# ---- 414 / 431 / 413 -------------------------------------------------------------------------------

def assert_problem_then_closed(status, out, closed, expected):
    assert status == expected, out[:300]
    head, _, body = out.partition(b"\r\n\r\n")
    assert b"application/problem+json" in head
    assert json.loads(body)["status"] == expected
    assert closed


def test_url_over_32_kib_is_414(server):
    status, out, closed, _ = raw_exchange(server, raw_get("/healthz?x=" + "a" * (33 * 1024)))
    assert_problem_then_closed(status, out, closed, 414)


def test_url_under_32_kib_is_served(server):
    status, _, _, _ = raw_exchange(server, raw_get("/healthz?" + "a" * (31 * 1024)))
    assert status != 414 and status is not None


@pytest.mark.parametrize("headers", [
    ["X-Big: " + "a" * (17 * 1024)],
    ["X-" + "n" * 2000 + ": 1"],
    [f"X-Many-{i}: 1" for i in range(120)],
])
def test_header_fields_over_the_limits_are_431(server, headers):
    status, out, closed, _ = raw_exchange(server, raw_get("/healthz", *headers))
    assert_problem_then_closed(status, out, closed, 431)


def test_a_16_kib_header_is_still_served(server):
    status, _, _, _ = raw_exchange(server, raw_get("/healthz", "X-Big: " + "a" * (16 * 1024 - 1)))
    assert status == 200


def test_declared_body_far_over_the_limit_is_413_without_reading_it(server):
    # Only the head is sent: the answer must come without the server waiting for the body.
    request = (b"POST /results HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
               b"Content-Length: 104857600\r\n\r\n")
    status, out, closed, seconds = raw_exchange(server, request)
    assert_problem_then_closed(status, out, closed, 413)
    assert seconds < 3


def test_body_over_the_limit_is_413_then_closed(server):
    body = b'{"name":"' + b"x" * (70 * 1024) + b'"}'
    request = (b"POST /users HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
               + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    status, out, closed, _ = raw_exchange(server, request)
    assert_problem_then_closed(status, out, closed, 413)


def test_chunked_body_over_the_limit_is_413(server):
    # 96 KiB in all: over the route's 64 KiB, which the parser now cuts while reading, and small
    # enough to sit in the loopback buffers, so the client never writes into a closed socket.
    chunk = b"x" * (32 * 1024)
    request = (b"POST /users HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n"
               + b"".join(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" for _ in range(3)) + b"0\r\n\r\n")
    status, out, closed, _ = raw_exchange(server, request)
    assert_problem_then_closed(status, out, closed, 413)
