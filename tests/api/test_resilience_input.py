"""HTTP hygiene under hostile input (issue 9, item 8): ambiguous requests are refused, not guessed at.

A repeated query parameter or a second Authorization header would let the server and a proxy in
front of it read different values; a request line without a version (HTTP/0.9) used to leave the
connection hanging until the read timeout.
"""
import os
import socket
import time

import pytest

from conftest import assert_problem

SLOW = 3 if os.environ.get("JOGTRACK_TEST_SLOW") else 1


def raw_exchange(server, data, timeout=5.0):
    """Sends data on a fresh connection; returns (status or None, response bytes, closed by the server, seconds)."""
    port = int(server.url.rsplit(":", 1)[1])
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout * SLOW) as s:
        s.sendall(data)
        out, closed = b"", False
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    closed = True
                    break
                out += chunk
        except socket.timeout:
            pass
    status = int(out.split()[1]) if out.startswith(b"HTTP/1.") else None
    return status, out, closed, time.monotonic() - start


def raw_get(path, *headers, version=" HTTP/1.1"):
    lines = [f"GET {path}{version}", "Host: t", *headers, "Connection: close", "", ""]
    return "\r\n".join(lines).encode()


# ---- repeated query parameters -------------------------------------------------------------------

@pytest.mark.parametrize("params", [
    [("count", "5"), ("count", "5000")],
    [("count", "5"), ("count", "5")],  # even equal values: the request is still ambiguous
    [("filter", "distance gt 1"), ("page", "0"), ("filter", "distance lt 1")],
])
def test_repeated_query_parameter_is_400_naming_it(api, params):
    user = api.new_user()
    r = api.get("/results", token=user, params=params)
    body = assert_problem(r, 400, detail_contains=params[0][0])
    assert {"field": params[0][0], "message": "given more than once"} in body["errors"]


def test_repeated_query_parameter_is_400_on_every_route(api):
    # Checked before routing to the handler, so also where the handler ignores the parameter.
    body = assert_problem(api.get("/healthz", params=[("x", "1"), ("x", "2")]), 400)
    assert body["errors"][0]["field"] == "x"
    assert_problem(api.get("/users", params=[("page", "0"), ("page", "1")]), 400, detail_contains="page")


def test_parameters_given_once_still_work(api):
    user = api.new_user()
    r = api.get("/results", token=user, params=[("count", "5"), ("page", "0")])
    assert r.status_code == 200, r.text


# ---- two Authorization headers --------------------------------------------------------------------

def test_two_authorization_headers_are_400(api, server):
    user = api.new_user()
    for second in (user.token, "not-a-token"):
        status, out, _, _ = raw_exchange(server, raw_get(
            "/auth/me", f"Authorization: Bearer {user.token}", f"Authorization: Bearer {second}"))
        assert status == 400, out
        assert b"application/problem+json" in out
        assert b"Authorization header is given more than once" in out
    status, out, _, _ = raw_exchange(server, raw_get("/auth/me", f"Authorization: Bearer {user.token}"))
    assert status == 200, out


# ---- HTTP versions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("request_bytes", [
    b"GET /healthz\r\n",        # an HTTP/0.9 client sends this and waits: no header section follows
    b"GET /healthz\n",
    b"GET /healthz\r\n\r\n",
    b"GET /healthz HTTP/0.9\r\n\r\n",
])
def test_http09_request_is_answered_400_and_closed(server, request_bytes):
    status, out, closed, seconds = raw_exchange(server, request_bytes)
    assert status == 400, out
    assert b"application/problem+json" in out
    assert b"HTTP/0.9" in out
    assert closed, "the connection must be closed after the 400"
    assert seconds < 2 * SLOW, f"took {seconds:.2f} s (the read timeout is 30 s)"


def test_http_version_above_11_is_505_and_closed(server):
    status, out, closed, _ = raw_exchange(server, raw_get("/healthz", version=" HTTP/2.0"))
    assert status == 505, out
    assert closed


def test_http10_and_11_still_work(server):
    for version in (" HTTP/1.0", " HTTP/1.1"):
        status, out, closed, _ = raw_exchange(server, raw_get("/healthz", version=version))
        assert status == 200, out
        assert closed  # Connection: close was asked for
