"""Black-box tests of the operational endpoints, secrets hygiene and graceful shutdown (SPEC §1, §3 Operations)."""
import json
import re
import signal
import threading
import time

import pytest
import requests

from conftest import STRONG_PASSWORD, Client, assert_problem, unique_name

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (-?[0-9.eE+-]+|\+Inf|-Inf|NaN)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """[(name, {label: value}, float)] of every sample; asserts each line is valid exposition format."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            if line.startswith("# TYPE"):
                assert len(line.split()) == 4, line
            continue
        m = SAMPLE.match(line)
        assert m, f"not Prometheus text format: {line!r}"
        samples.append((m.group(1), dict(LABEL.findall(m.group(2) or "")), float(m.group(3))))
    return samples


def test_healthz_without_auth(api):
    r = api.get("/healthz")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers.get("X-Request-Id")


def test_readyz_without_auth(api):
    r = api.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")


def test_ops_endpoints_ignore_bad_credentials(api):
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert api.get(path, token="garbage").status_code == 200, path


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/openapi.json"])
def test_ops_wrong_method(api, path):
    r = api.post(path, json={})
    assert_problem(r, 405)
    assert "GET" in r.headers["Allow"]


def test_metrics_prometheus_text(api):
    admin = api.new_user("admin")
    assert api.get("/users/424242", token=admin).status_code == 404
    assert api.get(f"/users/{admin.user_id}", token=admin).status_code == 200
    assert api.get("/no/such/path/31337").status_code == 404
    r = api.get("/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")
    text = r.text
    assert "# TYPE jogtrack_http_requests_total counter" in text
    samples = parse_metrics(text)

    counters = [(l, v) for n, l, v in samples if n == "jogtrack_http_requests_total"]
    assert counters
    assert any(l.get("route") == "/users/{id}" and l.get("method") == "GET" and l.get("status") == "404" and v >= 1
               for l, v in counters), counters
    assert any(l.get("route") == "/users/{id}" and l.get("status") == "200" for l, v in counters)
    routes = {l.get("route", "") for n, l, v in samples if "route" in l}
    # route labels are templates, never raw ids or arbitrary client paths (bounded cardinality)
    assert not [x for x in routes if re.search(r"/\d+", x)], routes
    assert not [x for x in routes if "no/such" in x], routes

    # latency histogram: cumulative buckets ending in +Inf == _count
    hist = "jogtrack_http_request_duration_seconds"
    assert f"# TYPE {hist} histogram" in text
    buckets = [(l, v) for n, l, v in samples if n == f"{hist}_bucket"
               and l.get("route") == "/users/{id}" and l.get("method") == "GET"]
    assert len(buckets) >= 5, buckets
    values = [v for _, v in buckets]
    assert values == sorted(values), "buckets are cumulative"
    assert buckets[-1][0]["le"] == "+Inf"
    count = [v for n, l, v in samples if n == f"{hist}_count" and l.get("route") == "/users/{id}"
             and l.get("method") == "GET"]
    assert count and count[0] == values[-1]
    assert any(n == f"{hist}_sum" and l.get("route") == "/users/{id}" for n, l, v in samples)


def test_metrics_count_requests(api):
    def verify_401_count():
        samples = parse_metrics(api.get("/metrics").text)
        return sum(v for n, l, v in samples if n == "jogtrack_http_requests_total"
                   and l.get("route") == "/auth/verify" and l.get("status") == "401")
    before = verify_401_count()
    for _ in range(3):
        assert api.get("/auth/verify").status_code == 401
    assert verify_401_count() == before + 3


def test_openapi_document_covers_every_route(server, api):
    r = api.get("/openapi.json")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    doc = json.loads(r.text)
    assert isinstance(doc, dict)
    assert re.fullmatch(r"3\.1\.\d+", doc.get("openapi", "")), doc.get("openapi")
    assert doc.get("info", {}).get("title") and doc["info"].get("version")

    res = server.cli(["routes"])
    assert res.returncode == 0, res.stderr
    routes = []
    for line in res.stdout.splitlines():
        if line.strip():
            method, path = line.split()
            routes.append((method, path))
    assert ("POST", "/auth") in routes and ("GET", "/users/{id}") in routes, routes

    # The web app's pages (SPEC §5) are not API operations: they are documented in
    # the README, not in /openapi.json ("/app/{path*}" is not even an OpenAPI path).
    web_pages = {"/", "/app", "/app/{path*}", "/docs", "/docs/problems"}
    assert ("GET", "/app/{path*}") in routes, routes
    routes = [(m, p) for m, p in routes if p not in web_pages]

    paths = doc.get("paths", {})
    missing = [f"{m} {p}" for m, p in routes if m.lower() not in paths.get(p, {})]
    assert not missing, f"routes absent from /openapi.json: {missing}"
    # and the document describes nothing the server does not serve
    served = {(m.lower(), p) for m, p in routes}
    documented = {(m, p) for p, item in paths.items() for m in item
                  if m in ("get", "post", "put", "patch", "delete", "head", "options")}
    assert not documented - served, f"documented but not served: {sorted(documented - served)}"


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_secret_in_responses_or_logs(make_server, log_format):
    srv = make_server({"JOGTRACK_LOG_LEVEL": "trace", "JOGTRACK_LOG_FORMAT": log_format})
    api = Client(srv)
    password = "Secret-Sentinel-" + unique_name("pw")
    new_password = "Other-Secret-Sentinel-" + unique_name("pw")
    name = unique_name()
    seen = []

    def keep(r):
        seen.append(r)
        return r

    keep(api.post("/users", json={"username": name, "password": password, "email": "s@example.com"}))
    keep(api.post("/users", json={"username": unique_name(), "password": password, "bogus": password}))
    keep(api.post("/users", json={"username": name, "password": password}))  # 409
    keep(api.post("/users", data=('{"username": "x", "password": "' + password).encode(),
                  headers={"Content-Type": "application/json"}))  # bad JSON containing the password
    keep(api.post("/users", json={"username": unique_name(), "password": "password1"}))
    bad = keep(api.post("/auth", json={"username": name, "password": password + "x"}))
    assert bad.status_code == 401
    keep(api.post("/auth", json={"username": "ghost" + name, "password": password}))
    login = keep(api.post("/auth", json={"username": name, "password": password}))
    assert login.status_code == 200, login.text
    tokens = login.json()
    me = keep(api.get("/auth/me", token=tokens["access_token"]))
    uid = me.json()["me"]["user_id"]
    keep(api.get(f"/users/{uid}", token=tokens["access_token"]))
    changed = keep(api.patch(f"/users/{uid}", json={"password": new_password, "current_password": password},
                             token=tokens["access_token"]))
    assert changed.status_code == 204, changed.text
    keep(api.patch(f"/users/{uid}", json={"password": "short", "current_password": new_password},
                   token=tokens["access_token"]))
    keep(api.patch(f"/users/{uid}", json={"password": password + "y", "current_password": password + "z"},
                   token=tokens["access_token"]))  # a wrong current password (403)
    relog = keep(api.post("/auth", json={"username": name, "password": new_password}))
    refreshed = keep(api.post("/auth/refresh", json={"refresh_token": relog.json()["refresh_token"]}))
    keep(api.post("/auth/logout", json={"refresh_token": refreshed.json()["refresh_token"]}))

    admin_pw = "Admin-Secret-Sentinel-" + unique_name("pw")
    admin_name = unique_name("adm")
    res = srv.cli(["user", "create", "--username", admin_name, "--password-stdin", "--role", "admin"],
                  input=admin_pw + "\n")
    assert res.returncode == 0, res.stderr
    assert admin_pw not in res.stdout + res.stderr and "$argon2" not in res.stdout + res.stderr
    res = srv.cli(["user", "create", "--username", name, "--password-stdin"], input=admin_pw + "\n")
    assert res.returncode != 0
    assert admin_pw not in res.stdout + res.stderr
    admin_login = keep(api.post("/auth", json={"username": admin_name, "password": admin_pw}))
    assert admin_login.status_code == 200, admin_login.text
    keep(api.get("/users", token=admin_login.json()["access_token"]))

    for r in seen:
        text = r.text + json.dumps(dict(r.headers))
        for secret in (password, new_password, admin_pw):
            assert secret not in text, (r.request.method, r.request.url, r.status_code, r.text)
        assert "$argon2" not in text, (r.request.url, r.text)
    log = srv.log()
    assert log, "the server logs something at trace level"
    for secret in (password, new_password, admin_pw, "$argon2", tokens["refresh_token"], tokens["access_token"],
                   refreshed.json()["refresh_token"]):
        assert secret not in log, f"secret {secret[:12]}... found in the log"


def test_access_log_line(make_server):
    srv = make_server()
    api = Client(srv)
    api.get("/users/777", headers={"X-Request-Id": "ops-trace-777"})
    api.get("/healthz", headers={"X-Request-Id": "ops-trace-778"})
    time.sleep(0.2)
    lines = [l for l in srv.log().splitlines() if "ops-trace-777" in l]
    assert lines, srv.log()
    line = lines[0]
    assert "GET" in line and "/users/{id}" in line and "401" in line, line
    assert re.search(r"\d+(\.\d+)?\s*ms|duration", line), line


def test_sigterm_finishes_in_flight_requests(make_server):
    srv = make_server({"JOGTRACK_THREADS": "1"})
    api = Client(srv)
    user = api.new_user()
    # Enough logins that Argon2id on the one hashing thread is still busy at SIGTERM,
    # even on a quiet machine where one hash takes ~10 ms.
    results = [None] * 40
    done_at = [None] * 40

    def login(i):
        try:
            r = requests.post(srv.url + "/auth", json={"username": user.username, "password": user.password},
                              timeout=30)
            results[i] = r.status_code
        except requests.RequestException as e:  # noqa: PERF203
            results[i] = repr(e)
        done_at[i] = time.monotonic()

    threads = [threading.Thread(target=login, args=(i,)) for i in range(len(results))]
    for t in threads:
        t.start()
    time.sleep(0.15)  # every request is sent; Argon2id makes them queue on the hashing pool
    sigterm_at = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(timeout=30)
    code = srv.proc.wait(timeout=20)
    assert code == 0, srv.log()
    assert results == [200] * len(results), results
    assert any(t > sigterm_at for t in done_at), "no request was still in flight at SIGTERM; the test proved nothing"
    # and it stopped accepting
    with pytest.raises(requests.ConnectionError):
        requests.get(srv.url + "/healthz", timeout=5)


def test_sigint_exits_zero(make_server):
    srv = make_server()
    assert Client(srv).get("/healthz").status_code == 200
    assert srv.stop(signal.SIGINT) == 0, srv.log()


def test_shared_server_log_has_no_secrets(server, api):
    api.new_user()
    log = server.log()
    assert STRONG_PASSWORD not in log
    assert "$argon2" not in log
