"""Scale-out (SPEC §4, issue 6): several jogtrack processes on one PostgreSQL and one Redis behind
haproxy, and the PostgreSQL/Redis backends' failure behaviour.

Runs only in the PostgreSQL pass of scripts/test.sh (marker `cluster`); without
JOGTRACK_TEST_PG_URL / JOGTRACK_TEST_REDIS_URL (scripts/test-backends.sh) it fails, it never skips.
The haproxy configuration is generated from deploy/haproxy.cfg with loopback test ports.
"""
import csv
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import (BACKENDS, BINARY, PG_BASE, REDIS_BASE, ROOT, STRONG_PASSWORD, Client, Server, assert_problem,
                      unique_name, weather_env)

pytestmark = pytest.mark.cluster

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
SECRET_PASSWORD_SENTINEL = "Sentinel-Db-Password-7f3a"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=15.0, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture(scope="module", autouse=True)
def _needs_backends():
    if not (PG_BASE and REDIS_BASE):
        pytest.fail("the cluster tests need PostgreSQL and Redis: run them through scripts/test.sh, or set "
                    "JOGTRACK_TEST_PG_URL and JOGTRACK_TEST_REDIS_URL (scripts/test-backends.sh start DIR)")
    if not os.path.exists(HAPROXY):
        pytest.fail("the cluster tests need haproxy (scripts/install-deps.sh)")


# ---- haproxy from deploy/haproxy.cfg ------------------------------------------------------------

class Haproxy:
    def __init__(self, workdir: Path, servers):
        self.port = free_port()
        self.stats_port = free_port()
        self.socket_path = workdir / "haproxy.sock"
        self.cfg = workdir / "haproxy.cfg"
        self.cfg.write_text(self.render(servers))
        check = subprocess.run([HAPROXY, "-c", "-f", str(self.cfg)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        self.log = open(workdir / "haproxy.log", "wb")
        self.proc = subprocess.Popen([HAPROXY, "-db", "-f", str(self.cfg)], stdout=self.log, stderr=self.log)
        self.url = f"http://127.0.0.1:{self.port}"

    def render(self, servers):
        """deploy/haproxy.cfg with loopback ports, fast checks, and no daemon/chroot/user/syslog."""
        template = (ROOT / "deploy" / "haproxy.cfg").read_text()
        out, servers_written = [], False
        for line in template.splitlines():
            word = line.split()[0] if line.split() else ""
            if word in ("chroot", "user", "group", "daemon", "log") or line.strip().startswith("stats socket"):
                continue
            if word == "bind":
                port = self.stats_port if "8404" in line else self.port
                line = f"    bind 127.0.0.1:{port}"
            elif word == "server":
                if servers_written:
                    continue
                line = "\n".join(f"    server {name} {url.removeprefix('http://')}" for name, url in servers)
                servers_written = True
            elif word == "maxconn":
                line = "    maxconn 1000"  # what a test needs, within any file-descriptor limit
            elif word == "default-server":
                line = re.sub(r"inter \S+", "inter 200ms", line)
            elif word == "global":
                line += f"\n    stats socket {self.socket_path} mode 600 level admin"
            out.append(line)
        assert servers_written, "deploy/haproxy.cfg has no server line"
        return "\n".join(out) + "\n"

    def command(self, line):
        """One command on haproxy's runtime API (the stats socket)."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(str(self.socket_path))
            s.sendall(line.encode() + b"\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        return data.decode()

    def status(self):
        """{server name: 'UP' | 'DOWN' | ...} from the stats socket."""
        rows = csv.reader(io.StringIO(self.command("show stat").lstrip("# ")))
        header = next(rows)
        out = {}
        for row in rows:
            if len(row) == len(header):
                rec = dict(zip(header, row))
                if rec["pxname"] == "jogtrack_instances" and rec["svname"] not in ("BACKEND", "FRONTEND"):
                    out[rec["svname"]] = rec["status"].split()[0]
        return out

    def wait_status(self, expected, timeout=15):
        def ok():
            if self.proc.poll() is not None:
                pytest.fail(f"haproxy exited: {(self.cfg.parent / 'haproxy.log').read_text()}")
            try:
                return self.status() == expected
            except OSError:
                return False
        wait_until(ok, timeout, what=f"haproxy to report {expected}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Cluster:
    def __init__(self, workdir, fake_weather, instances=2):
        self.database_url = BACKENDS.new_database()
        env = weather_env(fake_weather)
        env["JOGTRACK_DATABASE_URL"] = self.database_url
        # Same database, same secret and same Redis for every instance (the harness keeps them per database).
        self.servers = [Server(workdir / f"node{i}", dict(env)) for i in range(instances)]
        self.proxy = Haproxy(workdir, [(f"node{i}", s.url) for i, s in enumerate(self.servers)])
        self.proxy.wait_status({f"node{i}": "UP" for i in range(instances)})
        self.api = Client(self.proxy)  # Client only needs .url
        self.nodes = [Client(s) for s in self.servers]

    def stop(self):
        self.proxy.stop()
        codes = [s.stop() for s in self.servers]
        BACKENDS.release(self.database_url)
        assert codes == [0] * len(codes), [s.log()[-2000:] for s in self.servers]  # clean exits (sanitizers)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, fake_weather):
    c = Cluster(tmp_path_factory.mktemp("cluster"), fake_weather)
    yield c
    c.stop()


def test_instances_share_one_secret_and_one_database(cluster):
    a, b = cluster.nodes
    assert cluster.servers[0].env["JOGTRACK_JWT_SECRET"] == cluster.servers[1].env["JOGTRACK_JWT_SECRET"]
    user = a.new_user()
    # a token issued by one instance works on the other
    assert b.get("/auth/verify", token=user).status_code == 200
    me = b.get("/auth/me", token=user)
    assert me.status_code == 200 and me.json()["me"]["user_id"] == user.user_id
    # and through the load balancer, whichever instance answers
    for _ in range(6):
        assert cluster.api.get("/auth/me", token=user).json()["me"]["user_id"] == user.user_id
    # a deletion through one instance stops the token on the other at once
    assert b.delete(f"/users/{user.user_id}", token=user).status_code == 204
    assert_problem(a.get("/auth/me", token=user), 401)


def test_load_balancer_round_robins_and_checks_readyz(cluster):
    assert "option httpchk" in cluster.proxy.cfg.read_text() and "/readyz" in cluster.proxy.cfg.read_text()
    marks = [f"rr-{unique_name('req')}" for _ in range(8)]
    for mark in marks:
        assert cluster.api.get("/healthz", headers={"X-Request-Id": mark}).status_code == 200
    time.sleep(0.3)
    served = [sum(mark in s.log() for mark in marks) for s in cluster.servers]
    assert served == [4, 4], served


def test_refresh_rotation_and_reuse_detection_across_instances(cluster):
    a, b = cluster.nodes
    user = a.new_user()
    r1 = b.post("/auth/refresh", json={"refresh_token": user.refresh})
    assert r1.status_code == 200, r1.text
    new_refresh = r1.json()["refresh_token"]
    # the rotated token comes back on the other instance: reuse, the whole chain dies
    assert_problem(a.post("/auth/refresh", json={"refresh_token": user.refresh}), 401)
    assert_problem(b.post("/auth/refresh", json={"refresh_token": new_refresh}), 401)
    assert_problem(a.post("/auth/refresh", json={"refresh_token": new_refresh}), 401)


def test_concurrent_rotation_of_one_token_on_two_instances(cluster):
    a, b = cluster.nodes
    for _ in range(6):
        user = a.new_user()
        barrier = threading.Barrier(2)
        results = []

        def refresh(node):
            barrier.wait()
            results.append(node.post("/auth/refresh", json={"refresh_token": user.refresh}))

        threads = [threading.Thread(target=refresh, args=(n,)) for n in (Client(cluster.servers[0]),
                                                                          Client(cluster.servers[1]))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r.status_code for r in results)
        assert codes == [200, 401], [r.text for r in results]
        # the loser presented a rotated token: the winner's new token is revoked too
        winner = next(r for r in results if r.status_code == 200)
        assert_problem(b.post("/auth/refresh", json={"refresh_token": winner.json()["refresh_token"]}), 401)


def test_logout_and_password_change_revoke_on_every_instance(cluster):
    a, b = cluster.nodes
    user = a.new_user()
    assert a.post("/auth/logout", json={"refresh_token": user.refresh}).status_code == 204
    assert_problem(b.post("/auth/refresh", json={"refresh_token": user.refresh}), 401)

    other = a.login(user.username)["refresh_token"]
    assert a.patch(f"/users/{user.user_id}", json={"password": "a brand new passphrase",
                                                   "current_password": user.password},
                   token=user).status_code == 204
    assert_problem(b.post("/auth/refresh", json={"refresh_token": other}), 401)


def test_login_rate_limit_counts_failures_of_all_instances(cluster):
    a, b = cluster.nodes
    victim = a.new_user()
    for i in range(10):  # five failures on each instance
        r = (a, b)[i % 2].post("/auth", json={"username": victim.username, "password": f"wrong {i}"})
        assert_problem(r, 401)
    retry_after = []
    for node in (a, b, cluster.api):
        r = node.post("/auth", json={"username": victim.username, "password": victim.password})
        assert_problem(r, 429)
        retry_after.append(int(r.headers["Retry-After"]))
    assert all(1 <= s <= 15 * 60 for s in retry_after), retry_after
    assert max(retry_after) - min(retry_after) <= 2, retry_after
    # a success elsewhere is still refused; other users are unaffected
    bystander = b.new_user()
    assert b.post("/auth", json={"username": bystander.username, "password": bystander.password}).status_code == 200


def test_registration_races_across_instances(cluster):
    for _ in range(5):
        name = unique_name("race")
        barrier = threading.Barrier(2)
        results = []

        def register(server):
            barrier.wait()
            results.append(Client(server).post("/users", json={"username": name, "password": STRONG_PASSWORD}))

        threads = [threading.Thread(target=register, args=(s,)) for s in cluster.servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
        assert_problem(next(r for r in results if r.status_code == 409), 409)


def test_list_totals_follow_writes_made_on_the_other_instance(cluster):
    # Each instance caches list totals; a write on one moves the owner's
    # runs_version, which the other reads with every page, so no stale X-Total-Count.
    a, b = cluster.nodes
    user = a.new_user()
    params = {"filter": "distance gt 1000"}

    def total(node):
        r = node.get("/results", token=user, params=params)
        assert r.status_code == 200, r.text
        return int(r.headers["X-Total-Count"]), len(r.json())

    body = {"date": "2024-05-01", "distance": 5000, "time": 1500, "location": "48.8566 2.3522"}
    first = b.post("/results", json=body, token=user)
    assert first.status_code == 201, first.text
    assert total(a) == (1, 1)
    assert total(a) == (1, 1)  # now from a's cache
    assert b.post("/results", json=body, token=user).status_code == 201
    assert total(a) == (2, 2)
    assert b.delete(f"/results/{first.json()['result_id']}", token=user).status_code == 204
    assert total(a) == (1, 1)
    assert total(b) == (1, 1)


def test_two_admins_demoting_each_other_at_once_keep_one_admin(tmp_path, fake_weather):
    # A database of its own: the last-admin rule is about the whole database.
    url = BACKENDS.new_database()
    env = {**weather_env(fake_weather), "JOGTRACK_DATABASE_URL": url}
    servers = [Server(tmp_path / f"n{i}", dict(env)) for i in range(2)]
    try:
        a, b = Client(servers[0]), Client(servers[1])
        survivors = []
        for _ in range(4):
            admins = [a.new_user("admin"), a.new_user("admin")]
            for old in survivors:  # exactly two admins race each round
                assert a.patch(f"/users/{old.user_id}/scopes", json={"scopes": ["user"]},
                               token=admins[0]).status_code == 204
            barrier = threading.Barrier(2)
            results = []

            def demote(node, me, other):
                barrier.wait()
                results.append(node.patch(f"/users/{other.user_id}/scopes", json={"scopes": ["user"]}, token=me))

            threads = [threading.Thread(target=demote, args=(a, admins[0], admins[1])),
                       threading.Thread(target=demote, args=(b, admins[1], admins[0]))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            survivors = [u for u in admins if "admin" in a.get("/auth/me", token=u).json()["me"]["scopes"]]
            assert len(survivors) == 1, [r.text for r in results]
            assert sorted(r.status_code for r in results)[0] == 204, [r.text for r in results]
    finally:
        for s in servers:
            s.stop()
        BACKENDS.release(url)


def test_sigkill_of_an_instance_loses_no_acknowledged_run(cluster):
    api = cluster.api
    user = api.new_user()
    victim = cluster.servers[1]
    stop = threading.Event()
    lock = threading.Lock()
    created, failures, after_kill = [], [], []
    killed_at = []

    def writer(n):
        session = Client(cluster.proxy)
        i = 0
        while not stop.is_set():
            i += 1
            body = {"date": "2024-05-01", "distance": 1000 + n * 10000 + i, "time": 600,
                    "location": f"{48 + n * 0.5:.4f} 2.3500"}
            try:
                r = session.post("/results", json=body, token=user)
                status = r.status_code
            except requests.RequestException as e:
                status, r = repr(e), None
            with lock:
                if status == 201:
                    created.append((r.json()["result_id"], body))
                else:
                    failures.append(status)
                if killed_at and time.monotonic() > killed_at[0] + 2:
                    after_kill.append(status)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    wait_until(lambda: len(created) >= 40, 30, what="40 runs before the kill")
    victim.proc.kill()  # SIGKILL
    victim.proc.wait()
    killed_at.append(time.monotonic())
    wait_until(lambda: len(after_kill) >= 40, 30, what="40 requests after the kill")
    stop.set()
    for t in threads:
        t.join()

    # Only requests in flight on the killed instance may fail, and they never got a 201.
    assert len(failures) <= 8, failures
    assert all(s in (502, 503) or isinstance(s, str) for s in failures), failures
    # The cluster kept serving: every request from 2 s after the kill on succeeded.
    assert all(s == 201 for s in after_kill), after_kill
    cluster.proxy.wait_status({"node0": "UP", "node1": "DOWN"})
    # Every acknowledged run is there, as acknowledged.
    for result_id, body in created:
        r = api.get(f"/results/{result_id}", token=user)
        assert r.status_code == 200, (result_id, r.text)
        run = r.json()
        assert (run["distance"], run["location"], run["date"]) == (body["distance"], body["location"], body["date"])
    listed = api.get("/results", token=user, params={"count": 1000})
    assert int(listed.headers["X-Total-Count"]) >= len(created)

    # The instance comes back (same database, a new port): haproxy puts it back in rotation.
    victim.stop()
    victim.start()
    cluster.nodes[1] = Client(victim)
    port = victim.url.rsplit(":", 1)[1]
    cluster.proxy.command(f"set server jogtrack_instances/node1 addr 127.0.0.1 port {port}")
    cluster.proxy.wait_status({"node0": "UP", "node1": "UP"})
    assert cluster.nodes[1].get(f"/results/{created[-1][0]}", token=user).status_code == 200


# ---- PostgreSQL and Redis failures ---------------------------------------------------------------

def run_binary(args, env, timeout=20):
    full = {k: v for k, v in os.environ.items() if not k.startswith("JOGTRACK_")}
    full.update(env)
    try:
        return subprocess.run([str(BINARY), *args], env=full, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"jogtrack {' '.join(args)} hung (> {timeout}s)")


def pg_hostport():
    return PG_BASE.rsplit("@", 1)[1]


@pytest.mark.parametrize("case", ["closed port", "wrong password", "no such database"])
def test_startup_with_unusable_database_is_a_clear_error(case, tmp_path):
    closed = free_port()
    url = {
        "closed port": f"postgresql://jogtrack:{SECRET_PASSWORD_SENTINEL}@127.0.0.1:{closed}/jogtrack",
        "wrong password": f"postgresql://jogtrack:{SECRET_PASSWORD_SENTINEL}@{pg_hostport()}/postgres",
        "no such database": f"{PG_BASE}/no_such_db_{closed}",
    }[case]
    for args in (["serve", "--listen", "127.0.0.1:0"], ["migrate"]):
        res = run_binary(args, {"JOGTRACK_DATABASE_URL": url, "JOGTRACK_JWT_SECRET": "k" * 40})
        assert res.returncode > 0, (res.returncode, res.stdout, res.stderr)
        assert "listening on" not in res.stdout
        assert "cannot connect to the database" in res.stderr, res.stderr
        assert SECRET_PASSWORD_SENTINEL not in res.stderr + res.stdout
        assert PG_BASE.split(":")[2].split("@")[0] not in res.stderr + res.stdout, "no password of the real server"
        assert "terminate called" not in res.stderr and "Aborted" not in res.stderr


def test_startup_with_unreachable_redis_is_a_clear_error():
    url = BACKENDS.new_database()
    try:
        res = run_binary(["serve", "--listen", "127.0.0.1:0"],
                         {"JOGTRACK_DATABASE_URL": url, "JOGTRACK_JWT_SECRET": "k" * 40,
                          "JOGTRACK_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
        assert res.returncode > 0 and "listening on" not in res.stdout
        assert "Redis" in res.stderr, res.stderr
        assert "terminate called" not in res.stderr
    finally:
        BACKENDS.release(url)


def test_postgresql_requires_a_configured_secret():
    url = BACKENDS.new_database()
    try:
        res = run_binary(["serve", "--listen", "127.0.0.1:0"], {"JOGTRACK_DATABASE_URL": url})
        assert res.returncode > 0 and "listening on" not in res.stdout
        assert "JOGTRACK_JWT_SECRET" in res.stderr, res.stderr
    finally:
        BACKENDS.release(url)


def test_pool_size_is_the_configured_number_of_connections(make_server):
    srv = make_server({"JOGTRACK_DB_POOL_SIZE": "3"})
    db = srv.env["JOGTRACK_DATABASE_URL"].rsplit("/", 1)[1]
    res = subprocess.run(["psql", "-X", "-At", f"{PG_BASE}/postgres", "-c",
                          f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' "
                          "AND application_name = 'jogtrack'"], capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, res.stderr
    assert int(res.stdout.strip()) == 3


def pg_ctl(*args):
    cmd = os.environ.get("JOGTRACK_TEST_PG_CTL", "").split()
    if not cmd:
        pytest.fail("JOGTRACK_TEST_PG_CTL (set by scripts/test-backends.sh) is needed to stop and start PostgreSQL")
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    res = subprocess.run([*cmd, "-w", "-t", "60", *args], capture_output=True, text=True, timeout=90)
    assert res.returncode == 0, res.stdout + res.stderr


def test_losing_postgresql_gives_503_and_recovers_without_restart(make_server):
    srv = make_server()
    api = Client(srv)
    user = api.new_user()
    created = api.post("/results", json={"date": "2024-05-02", "distance": 5000, "time": 1500,
                                          "location": "52.5200 13.4050"}, token=user)
    assert created.status_code == 201, created.text
    pid = srv.pid
    pg_ctl("-m", "fast", "stop")
    try:
        ready = api.get("/readyz")
        assert_problem(ready, 503)
        for r in (api.get("/auth/me", token=user), api.get("/results", token=user),
                  api.post("/auth", json={"username": user.username, "password": user.password}),
                  api.post("/results", json={"date": "2024-05-02", "distance": 5000, "time": 1500,
                                             "location": "52.5200 13.4050"}, token=user)):
            assert_problem(r, 503)
            assert r.headers.get("Retry-After")
    finally:
        pg_ctl("start")
    # back without a restart of jogtrack
    wait_until(lambda: api.get("/readyz").status_code == 200, 20, what="/readyz to recover")
    assert srv.pid == pid and srv.proc.poll() is None
    assert api.get("/auth/me", token=user).status_code == 200
    assert api.get(f"/results/{created.json()['result_id']}", token=user).status_code == 200
    again = api.post("/results", json={"date": "2024-05-03", "distance": 4000, "time": 1300,
                                        "location": "52.5200 13.4050"}, token=user)
    assert again.status_code == 201, again.text
    assert api.post("/auth", json={"username": user.username, "password": user.password}).status_code == 200
    assert "terminate called" not in srv.log()


def test_killed_database_connections_are_replaced_transparently(make_server):
    srv = make_server()
    api = Client(srv)
    user = api.new_user()
    db = srv.env["JOGTRACK_DATABASE_URL"].rsplit("/", 1)[1]
    res = subprocess.run(["psql", "-X", "-At", f"{PG_BASE}/postgres", "-c",
                          f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{db}'"],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 0 and int(res.stdout) >= 1, res.stdout + res.stderr
    time.sleep(0.2)
    # every pooled connection is dead: reads and writes still succeed (reconnected before use)
    for _ in range(6):
        assert api.get("/auth/me", token=user).status_code == 200
    assert api.post("/results", json={"date": "2024-05-02", "distance": 5000, "time": 1500,
                                      "location": "52.5200 13.4050"}, token=user).status_code == 201
    assert api.get("/readyz").status_code == 200


def test_losing_redis_fails_only_logins_and_refreshes(make_server, tmp_path):
    port = free_port()
    redis_cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(tmp_path)]
    redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0,
                   10, what="redis-server")
        srv = make_server({"JOGTRACK_REDIS_URL": f"redis://127.0.0.1:{port}/0"})
        api = Client(srv)
        user = api.new_user()
        redis.kill()
        redis.wait()
        r = api.post("/auth", json={"username": user.username, "password": user.password})
        assert_problem(r, 503)
        assert r.headers.get("Retry-After")
        assert_problem(api.post("/auth/refresh", json={"refresh_token": user.refresh}), 503)
        # access tokens and everything else keep working; the database is fine
        assert api.get("/auth/me", token=user).status_code == 200
        assert api.get("/readyz").status_code == 200
        redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: api.post("/auth", json={"username": user.username,
                                                    "password": user.password}).status_code == 200,
                   15, what="logins to work again")
    finally:
        redis.kill()
        redis.wait()
