"""Black-box harness: starts the real jogtrack binary on a free loopback port
against a fresh SQLite database and a local fake of Open-Meteo.

Backend: SQLite by default. With JOGTRACK_TEST_PG_URL (postgresql://user:pass@host:port, no
database) every Server gets a fresh PostgreSQL database of its own, a JWT secret (one per
database, as SQLite's generated key file would be) and, with JOGTRACK_TEST_REDIS_URL
(redis://host:port), a flushed Redis database number of its own. scripts/test-backends.sh
starts both. Markers: `sqlite` = the test is about the SQLite backend itself and always runs
on it; `cluster` = needs PostgreSQL, Redis and haproxy (scripts/test.sh runs it in the PG pass).

Fixtures
  fake_weather   the fake Open-Meteo (session-wide, reset before every test)
  server         a jogtrack instance shared by the whole session
  make_server    factory for an instance of a test's own (custom env — a None value unsets —, args, command wrapper), stopped after the test
  api            a Client for `server`
Helpers on Server: url, cli(args, input=...), log(), stop(), pid
Helpers on Client: get/post/patch/delete(path, json=..., token=..., params=..., headers=...),
  register(...), login(...), new_user(role=...) -> User(user_id, username, password, token, refresh)
"""
import itertools
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).parent))
import fake_openmeteo  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("JOGTRACK_BIN", ROOT / "build" / "jogtrack")).resolve()
STRONG_PASSWORD = "correct horse battery staple"
_names = itertools.count(1)


def unique_name(prefix="user"):
    return f"{prefix}{next(_names)}_{uuid.uuid4().hex[:8]}"


# ---- backend selection (SQLite, or PostgreSQL + Redis) ------------------------------------------

PG_BASE = os.environ.get("JOGTRACK_TEST_PG_URL", "").rstrip("/")
REDIS_BASE = os.environ.get("JOGTRACK_TEST_REDIS_URL", "").rstrip("/")
BACKEND = "postgresql" if PG_BASE else "sqlite"


class Backends:
    """Fresh PostgreSQL databases and Redis database numbers, one set per jogtrack database."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_url = {}        # database URL -> {"secret", "redis", "redis_db"}
        self.created = []       # database names, dropped at the end
        self.redis_free = None  # Redis database numbers not in use

    def _redis_cli(self, *args, db=0):
        host, port = REDIS_BASE.removeprefix("redis://").split("/")[0].rsplit(":", 1)
        res = subprocess.run(["redis-cli", "-h", host, "-p", port, "-n", str(db), *args],
                             capture_output=True, text=True, timeout=30)
        assert res.returncode == 0 and "ERR" not in res.stdout, res.stdout + res.stderr
        return res.stdout

    def _psql(self, sql):
        res = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{PG_BASE}/postgres", "-c", sql],
                             capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr

    def new_database(self):
        """A fresh, empty PostgreSQL database (and a flushed Redis db for it): returns its URL."""
        name = f"jt_{uuid.uuid4().hex[:16]}"
        self._psql(f"CREATE DATABASE {name}")
        url = f"{PG_BASE}/{name}"
        shared = {"secret": secrets.token_urlsafe(40), "redis": None, "redis_db": None}
        if REDIS_BASE:
            with self.lock:
                if self.redis_free is None:
                    count = int(self._redis_cli("CONFIG", "GET", "databases").split()[1])
                    self.redis_free = list(range(count))
                assert self.redis_free, "no free Redis database number"
                shared["redis_db"] = self.redis_free.pop(0)
            self._redis_cli("FLUSHDB", db=shared["redis_db"])
            shared["redis"] = f"{REDIS_BASE}/{shared['redis_db']}"
        with self.lock:
            self.by_url[url] = shared
            self.created.append(name)
        return url

    def env_for(self, env):
        """Completes a PostgreSQL server's env: the secret and Redis of its database."""
        shared = self.by_url.get(env.get("JOGTRACK_DATABASE_URL"))
        if shared is None:
            return
        if "JOGTRACK_JWT_SECRET" not in env and "JOGTRACK_JWT_SECRET_FILE" not in env:
            env["JOGTRACK_JWT_SECRET"] = shared["secret"]
        if shared["redis"] and "JOGTRACK_REDIS_URL" not in env:
            env["JOGTRACK_REDIS_URL"] = shared["redis"]

    def release(self, url):
        shared = self.by_url.get(url)
        if shared and shared["redis_db"] is not None:
            with self.lock:
                self.redis_free.append(shared["redis_db"])
                shared["redis_db"] = None

    def drop_all(self):
        for name in self.created:
            try:
                self._psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            except AssertionError:
                pass


BACKENDS = Backends()


class Server:
    def __init__(self, workdir: Path, env: dict, args=(), sqlite=False, wrapper=()):
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("JOGTRACK_")}
        self.env.update({
            "JOGTRACK_LOG_LEVEL": "info",
            "JOGTRACK_THREADS": "2",
            # Every test registers from 127.0.0.1: far above the production default (20/hour),
            # still counted. Tests of the limit itself set their own.
            "JOGTRACK_REGISTER_LIMIT": "1000000",
        })
        self.owns_database = BACKEND == "postgresql" and not sqlite and "JOGTRACK_DATABASE_URL" not in env
        if self.owns_database:
            self.env["JOGTRACK_DATABASE_URL"] = BACKENDS.new_database()
        else:
            self.env["JOGTRACK_DATABASE_URL"] = f"sqlite:{workdir / 'jogtrack.db'}"
        self.env.update(env)
        for unset in [k for k, v in self.env.items() if v is None]:  # env={"X": None}: X not set at all
            del self.env[unset]
        BACKENDS.env_for(self.env)
        self.args = list(args)
        self.wrapper = list(wrapper)  # a command prefix, e.g. ["prlimit", "--nofile=96"] (it must exec the binary)
        self.proc = None
        self.url = None
        self._stderr_path = workdir / "stderr.log"
        self.start()

    def start(self):
        self._stderr = open(self._stderr_path, "ab")
        self.proc = subprocess.Popen(
            [*self.wrapper, str(BINARY), "serve", "--listen", "127.0.0.1:0", *self.args],
            env=self.env, cwd=self.workdir, stdout=subprocess.PIPE, stderr=self._stderr)
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            self.proc.wait(timeout=10)
            raise RuntimeError(f"jogtrack did not start: {line!r}\n{self.log()}")
        port = int(line.strip().rsplit(":", 1)[1])
        self.url = f"http://127.0.0.1:{port}"

    @property
    def pid(self):
        return self.proc.pid

    def log(self):
        return self._stderr_path.read_text(errors="replace") if self._stderr_path.exists() else ""

    def cli(self, args, input=None, env=None):
        full_env = dict(self.env)
        full_env.update(env or {})
        return subprocess.run([str(BINARY), *args], input=input, env=full_env, cwd=self.workdir,
                              capture_output=True, text=True, timeout=60)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else None
        if self.proc:
            self.proc.stdout.close()
            self._stderr.close()
        return code

    def release(self):
        """After the last stop: its Redis database number may be reused."""
        if self.owns_database:
            BACKENDS.release(self.env["JOGTRACK_DATABASE_URL"])


@dataclass
class User:
    user_id: int
    username: str
    password: str
    token: str
    refresh: str

    @property
    def auth(self):
        return {"Authorization": f"Bearer {self.token}"}


class Client:
    def __init__(self, server: Server):
        self.server = server
        self.session = requests.Session()

    def request(self, method, path, json=None, token=None, params=None, headers=None, data=None):
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = f"Bearer {token.token if isinstance(token, User) else token}"
        response = self.session.request(method, self.server.url + path, json=json, params=params,
                                        headers=h, data=data, timeout=30)
        if SUITE_CONFORMANCE is not None:
            SUITE_CONFORMANCE.check(response)
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def register(self, username=None, password=STRONG_PASSWORD, **extra):
        username = username or unique_name()
        r = self.post("/users", json={"username": username, "password": password, **extra})
        assert r.status_code == 201, r.text
        return r.json()

    def login(self, username, password=STRONG_PASSWORD):
        r = self.post("/auth", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return r.json()

    def new_user(self, role="user", password=STRONG_PASSWORD, **extra):
        """A fresh account with the given role (managers and admins made by the CLI), logged in."""
        username = unique_name(role)
        if role == "user":
            user_id = self.register(username, password, **extra)["user_id"]
        else:
            res = self.server.cli(["user", "create", "--username", username, "--password-stdin", "--role", role],
                                  input=password + "\n")
            assert res.returncode == 0, res.stderr
            user_id = int(res.stdout.strip())
        tokens = self.login(username, password)
        return User(user_id, username, password, tokens["access_token"], tokens["refresh_token"])


def assert_problem(response, status, detail_contains=None):
    assert response.status_code == status, f"{response.status_code} {response.text}"
    assert response.headers["Content-Type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["title"] and "type" in body and "detail" in body
    if detail_contains:
        assert detail_contains.lower() in body["detail"].lower(), body
    return body


# JOGTRACK_OPENAPI_CONFORMANCE=1: every response a Client receives, in every test, is also checked
# against data/openapi.json (tests/api/openapi_conformance.py); violations fail the session.
SUITE_CONFORMANCE = None
if os.environ.get("JOGTRACK_OPENAPI_CONFORMANCE") == "1":
    import json as _json
    from openapi_conformance import Conformance as _Conformance
    SUITE_CONFORMANCE = _Conformance(_json.loads((ROOT / "data" / "openapi.json").read_text()),
                                     known_paths_only=True)


def pytest_sessionfinish(session, exitstatus):
    if SUITE_CONFORMANCE is None:
        return
    c = SUITE_CONFORMANCE
    uncovered = sorted(c.operations - c.covered)
    print(f"\nOpenAPI conformance over the suite: {len(c.covered)}/{len(c.operations)} operations, "
          f"{c.requests} responses, {len(c.violations)} violations; uncovered: {uncovered}")
    for v in sorted(set(c.violations))[:100]:
        print("  " + v)
    if c.violations and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite: about the SQLite backend itself; always runs on SQLite")
    config.addinivalue_line("markers", "cluster: needs PostgreSQL, Redis and haproxy (the PostgreSQL pass)")


def pytest_report_header(config):
    return f"jogtrack backend: {BACKEND}" + (" + redis" if REDIS_BASE else "")


@pytest.fixture(scope="session", autouse=True)
def _drop_databases():
    yield
    if BACKEND == "postgresql":
        BACKENDS.drop_all()


@pytest.fixture(scope="session")
def fake_weather():
    fake = fake_openmeteo.start(port=0)
    yield fake
    fake.stop()


def weather_env(fake):
    return {
        "JOGTRACK_WEATHER_FORECAST_URL": fake.url("forecast"),
        "JOGTRACK_WEATHER_ARCHIVE_URL": fake.url("archive"),
        "JOGTRACK_WEATHER_TIMEOUT_MS": "1500",
    }


@pytest.fixture(scope="session")
def server(tmp_path_factory, fake_weather):
    srv = Server(tmp_path_factory.mktemp("shared"), weather_env(fake_weather))
    yield srv
    assert srv.stop() == 0, srv.log()
    srv.release()


@pytest.fixture(autouse=True)
def _reset_fake(fake_weather):
    fake_weather.reset()
    yield


@pytest.fixture
def make_server(request, tmp_path, fake_weather):
    started = []
    sqlite = request.node.get_closest_marker("sqlite") is not None

    def factory(env=None, args=(), name=None, wrapper=()):
        merged = weather_env(fake_weather)
        merged.update(env or {})
        srv = Server(tmp_path / (name or f"srv{len(started)}"), merged, args, sqlite=sqlite, wrapper=wrapper)
        started.append(srv)
        return srv

    yield factory
    for srv in started:
        srv.stop()
        srv.release()


@pytest.fixture
def api(server):
    return Client(server)
