"""Accepting connections under hostile load (issue 9, item 1).

Running out of file descriptors must not stop the server for good (RESTinio 0.6.16 scheduled no
further accept after an accept() error), and JOGTRACK_MAX_CONNECTIONS caps open connections: beyond
it clients wait in the listen backlog and are served once others close. The servers run under
`prlimit --nofile=N` (prlimit execs the binary, so the pid is jogtrack's own).
"""
import os
import re
import shutil
import socket
import subprocess
import time

import pytest
import requests

from conftest import BINARY

SLOW = 3 if os.environ.get("JOGTRACK_TEST_SLOW") else 1  # ASan + UBSan build
RECOVERY_BOUND = 2.0 * SLOW  # seconds from closing the flood to a /healthz answer

pytestmark = pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs util-linux prlimit")


def port_of(srv):
    return int(srv.url.rsplit(":", 1)[1])


def open_descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def flood(port, count):
    """count idle TCP connections (the kernel completes them even when jogtrack does not accept)."""
    socks = []
    for _ in range(count):
        socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    return socks


def close_all(socks):
    for s in socks:
        s.close()


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def time_to_healthz(url, bound):
    """Seconds until GET /healthz answers 200, or None if it did not within bound."""
    start = time.monotonic()
    while time.monotonic() - start < bound:
        try:
            if requests.get(url + "/healthz", timeout=0.5).status_code == 200:
                return time.monotonic() - start
        except requests.RequestException:
            pass
    return None


def metrics(url):
    text = requests.get(url + "/metrics", timeout=10).text
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(jogtrack_[a-z_]+) (\S+)$", text, re.M)}


class RawConnection:
    """One kept-alive HTTP/1.1 connection spoken by hand, to know exactly which socket is served."""

    def __init__(self, port, timeout=5):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def send_get(self, path):
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())

    def read_status(self, timeout):
        """The status of the next response; raises socket.timeout if none arrives in time."""
        self.sock.settimeout(timeout)
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed by the server")
            self.buf += chunk
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        while len(rest) < length:
            rest += self.sock.recv(65536)
        self.buf = rest[length:]
        return int(head.split()[1])

    def close(self):
        self.sock.close()


def test_accepting_resumes_after_descriptors_run_out(make_server):
    # A cap far above the descriptor limit, so the flood really exhausts descriptors.
    limit = 96
    srv = make_server(env={"JOGTRACK_MAX_CONNECTIONS": "1000"}, wrapper=["prlimit", f"--nofile={limit}"])
    socks = flood(port_of(srv), 150)
    try:
        assert wait_for(lambda: open_descriptors(srv.pid) >= limit, 10 * SLOW), \
            f"the flood did not exhaust descriptors: {open_descriptors(srv.pid)} of {limit} open"
        time.sleep(0.5)  # ~10 retry periods of one burst of failures
        # Logged once for the burst, never once per attempt.
        assert srv.log().count("cannot accept connections") == 1, srv.log()[-3000:]
    finally:
        close_all(socks)
    took = time_to_healthz(srv.url, RECOVERY_BOUND)
    assert took is not None, f"no /healthz answer within {RECOVERY_BOUND} s after the flood closed"

    m = metrics(srv.url)
    assert m["jogtrack_accept_errors_total"] >= 2, m  # retried, not given up after the first
    assert "accepting connections again" in srv.log()


def test_default_cap_leaves_descriptors_for_the_server(make_server):
    limit = 128
    srv = make_server(wrapper=["prlimit", f"--nofile={limit}"])
    cap = metrics(srv.url)["jogtrack_http_connections_max"]
    assert 0 < cap < limit - 32, "the default must keep a reserve below the open-files limit"

    before = RawConnection(port_of(srv))  # opened before the flood, kept alive through it
    before.send_get("/healthz")
    assert before.read_status(5 * SLOW) == 200
    socks = flood(port_of(srv), 200)
    try:
        assert wait_for(lambda: open_descriptors(srv.pid) >= cap, 10 * SLOW)
        time.sleep(0.3)  # let the acceptor reach the cap and park
        assert open_descriptors(srv.pid) < limit
        before.send_get("/readyz")  # the database still has descriptors to work with
        assert before.read_status(5 * SLOW) == 200
    finally:
        close_all(socks)
        before.close()
    took = time_to_healthz(srv.url, RECOVERY_BOUND)
    assert took is not None, f"no /healthz answer within {RECOVERY_BOUND} s after the flood closed"

    m = metrics(srv.url)
    assert m["jogtrack_accepts_deferred_total"] >= 1, m
    assert m["jogtrack_accept_errors_total"] == 0, m


def test_connections_beyond_the_cap_wait_until_one_closes(make_server):
    srv = make_server(env={"JOGTRACK_MAX_CONNECTIONS": "3"})
    port = port_of(srv)
    held = [RawConnection(port) for _ in range(3)]
    for conn in held:
        conn.send_get("/healthz")
        assert conn.read_status(5 * SLOW) == 200

    waiting = RawConnection(port)  # connects (listen backlog) but is not accepted
    waiting.send_get("/healthz")
    with pytest.raises(socket.timeout):
        waiting.read_status(1.0)

    held.pop().close()
    assert waiting.read_status(RECOVERY_BOUND) == 200, "the waiting connection was not served after one closed"

    for conn in held:
        conn.close()
    waiting.close()
    m = metrics(srv.url)
    assert m["jogtrack_http_connections_max"] == 3
    assert m["jogtrack_accepts_deferred_total"] >= 1
    assert 1 <= m["jogtrack_http_connections_open"] <= 3


@pytest.mark.parametrize("value", ["0", "-1", "lots", "1000001"])
def test_max_connections_is_validated(tmp_path, value):
    res = subprocess.run([str(BINARY), "serve", "--listen", "127.0.0.1:0", "--max-connections", value],
                         cwd=tmp_path, capture_output=True, text=True, timeout=30,
                         env={k: v for k, v in os.environ.items() if not k.startswith("JOGTRACK_")})
    assert res.returncode == 2, res.stdout + res.stderr
    assert "JOGTRACK_MAX_CONNECTIONS" in res.stderr
