"""Every live answer against /openapi.json (SPEC §6): status, headers and body of each response.

The traffic below exercises every documented operation, as each role (anonymous, user, manager,
admin) and with the errors each can answer (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 503).
Each response is checked against the document the server itself serves: its status must be one
the operation documents, each required header present, each documented header's value valid,
the body of the documented media type and valid against its schema (JSON Schema 2020-12, with
the date and date-time formats checked). The test fails on any violation and on any documented
operation the traffic did not reach; it prints the counts.
"""
import json
import re

import requests

from conftest import STRONG_PASSWORD, Client, unique_name
from openapi_conformance import Conformance


class Recording(Client):
    """A Client whose every response is checked."""

    def __init__(self, server, conformance):
        super().__init__(server)
        self.conformance = conformance

    def request(self, method, path, **kw):
        response = super().request(method, path, **kw)
        self.conformance.check(response)
        return response


def login(api, username, password=STRONG_PASSWORD):
    r = api.post("/auth", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r.json()


def make_staff(api, role):
    username = unique_name(role)
    res = api.server.cli(["user", "create", "--username", username, "--password-stdin", "--role", role],
                         input=STRONG_PASSWORD + "\n")
    assert res.returncode == 0, res.stderr
    return int(res.stdout.strip()), login(api, username)["access_token"]


def conditional_get(api, path, token):
    """GET, then the same GET with If-None-Match when the answer had an ETag (-> 304)."""
    r = api.get(path, token=token)
    if "ETag" in r.headers:
        api.get(path, token=token, headers={"If-None-Match": r.headers["ETag"]})
    return r


def traffic(api, fake_weather):
    # ---- anonymous, operations --------------------------------------------------------------------
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        api.get(path)
    api.get("/healthz", params={"a": "%zz"})                  # 400: malformed query percent-encoding
    api.request("PUT", "/healthz")                            # 405
    api.request("HEAD", "/openapi.json")                      # GET's answer without the body
    api.get("/auth/verify")                                   # 401, no credentials
    api.get("/auth/verify", token="not-a-jwt")                # 401, bad token
    api.get("/auth/me", token="not-a-jwt")
    api.get("/results", token="not-a-jwt")

    # ---- registration ------------------------------------------------------------------------------
    name_a, name_b = unique_name("a"), unique_name("b")
    a_id = api.post("/users", json={"username": name_a, "password": STRONG_PASSWORD, "email": "a@example.com",
                                    "name": "A Runner"}).json()["user_id"]
    b_id = api.post("/users", json={"username": name_b, "password": STRONG_PASSWORD},
                    headers={"Idempotency-Key": unique_name("key")}).json()["user_id"]
    api.post("/users", json={"username": name_a.upper(), "password": STRONG_PASSWORD})      # 409
    api.post("/users", json={"username": "x", "password": "short"})                         # 400
    api.post("/users", json={"username": unique_name(), "password": STRONG_PASSWORD, "extra": 1})
    api.post("/users", data=b"username=x", headers={"Content-Type": "application/x-www-form-urlencoded"})  # 415
    api.post("/users", data=b"{" + b" " * 70000 + b"}", headers={"Content-Type": "application/json"})      # 413
    api.request("PUT", "/users")                                                             # 405

    # ---- sessions ----------------------------------------------------------------------------------
    api.post("/auth", json={"username": name_a, "password": "wrong password!"})             # 401
    api.post("/auth", json={"username": name_a})                                            # 400
    victim = unique_name("locked")
    for _ in range(11):                                                                     # 401 x10, 429
        api.post("/auth", json={"username": victim, "password": "wrong password!"})
    tokens_a = login(api, name_a)
    a = tokens_a["access_token"]
    b = login(api, name_b)["access_token"]
    rotated = api.post("/auth/refresh", json={"refresh_token": tokens_a["refresh_token"]}).json()
    api.post("/auth/refresh", json={"refresh_token": tokens_a["refresh_token"]})             # 401, reuse
    api.post("/auth/refresh", json={"refresh_token": 5})                                    # 400
    api.post("/auth/logout", json={"refresh_token": rotated["refresh_token"]})              # 204
    api.post("/auth/logout", json={"token": "x"})                                           # 400
    browser = Recording(api.server, api.conformance)
    browser.post("/auth", json={"username": name_b, "password": STRONG_PASSWORD, "session": "cookie"})
    browser.post("/auth/refresh", json={})
    browser.post("/auth/logout", json={})
    api.get("/auth/verify", token=a)
    conditional_get(api, "/auth/me", a)

    # ---- staff -------------------------------------------------------------------------------------
    m_id, m = make_staff(api, "manager")
    x_id, x = make_staff(api, "admin")

    # ---- users -------------------------------------------------------------------------------------
    api.get("/users", token=a)                                                              # 403
    api.get("/users", token=m, params={"sort": "-created_at", "count": 2})
    api.get("/users", token=x, params={"filter": "role eq 'manager'", "sort": "username"})
    api.get("/users", token=x, params={"filter": "role eq"})                                # 400 bad filter
    api.get("/users", token=x, params={"count": 0})                                         # 400 paging
    conditional_get(api, f"/users/{a_id}", a)
    api.get(f"/users/{m_id}", token=a)                                                      # 403 or 404
    api.get(f"/users/{x_id}", token=m)
    api.get("/users/abc", token=a)                                                          # 400
    api.get("/users/999999", token=x)                                                       # 404
    api.patch(f"/users/{a_id}", token=a, json={"name": "A."}, headers={"If-Match": '"stale"'})  # 412
    api.patch(f"/users/{a_id}", token=a, json={"name": "A. Runner", "email": None})         # 204
    api.patch(f"/users/{a_id}", token=a, json={"password": "new long passphrase", "current_password": "nope"})
    api.patch(f"/users/{a_id}", token=a, json={"email": "not an address"})                  # 400
    api.patch(f"/users/{b_id}", token=a, json={"name": "B"})                                # 403/404
    api.patch(f"/users/{b_id}", token=m, json={"name": "Bee"})                              # manager: 204
    api.patch("/users/999999", token=x, json={"name": "nobody"})                            # 404
    api.patch(f"/users/{b_id}/scopes", token=a, json={"scopes": ["user", "admin"]})         # 403
    api.patch(f"/users/{b_id}/scopes", token=x, json={"scopes": ["user", "emperor"]})       # 400
    api.patch(f"/users/{b_id}/scopes", token=x, json={"scopes": ["user", "manager"]})       # 204
    dup = api.patch(f"/users/{b_id}/scopes", token=x, json={"scopes": ["manager", "manager"]})
    assert dup.status_code == 204, dup.text  # duplicates are accepted: the document must allow them
    api.patch(f"/users/{b_id}/scopes", token=x, json={"scopes": []})                         # "user" kept
    api.patch("/users/999999/scopes", token=x, json={"scopes": ["user"]})                   # 404

    # ---- runs --------------------------------------------------------------------------------------
    key = {"Idempotency-Key": unique_name("key")}
    first = {"date": "2016-05-01", "distance": 5000, "time": 1500, "location": "52.52 13.405"}
    run = api.post("/results", token=a, json=first, headers=key).json()
    api.post("/results", token=a, json=first, headers=key)                                 # replayed
    api.post("/results", token=a, json={**first, "time": 1600}, headers=key)               # 422: other body
    # Runs in and out in bulk: a CSV import (201, and a 400 naming a line) and the CSV export.
    api.post("/results/import", token=a, data=b"2016-03-01,32.0853 34.7818,2000,405\n",
             headers={"Content-Type": "text/csv"})
    api.post("/results/import", token=a, data=b"2016-03-01,nowhere,2000,405\n", headers={"Content-Type": "text/csv"})
    api.get("/results/export", token=a, params={"sort": "-date"})
    api.post("/results", token=a, json={"date": "2016-05-09", "distance": 8000, "time": 2500,
                                        "location": "48.8566 2.3522"})
    # the edges the document states: the largest distance and time, spaces between LAT and LON, signs
    edge = api.post("/results", token=a, json={"date": "1940-01-01", "distance": 1000000, "time": 604800,
                                               "location": "+52.5   -.5"})
    assert edge.status_code == 201, edge.text
    api.post("/results", token=a, json={"date": "2016-05-01", "distance": 5000.0, "time": 1500,
                                        "location": "52.52 13.405"})                        # 400
    api.post("/results", token=a, json={"date": "2016-05-01", "distance": 1, "time": 1, "location": "x"})
    api.post("/results", token=a, params={"user_id": b_id},
             json={"date": "2016-05-01", "distance": 1, "time": 1, "location": "1 1"})      # 403
    api.post("/results", token=x, params={"user_id": 999999},
             json={"date": "2016-05-01", "distance": 1, "time": 1, "location": "1 1"})      # 404
    api.post("/results", token=x, json={"date": "2016-05-02", "distance": 3000, "time": 900,
                                        "location": "40.4168 -3.7038", "user_id": b_id})    # 201 for b
    api.post("/results", json={"date": "2016-05-01", "distance": 1, "time": 1, "location": "1 1"})  # 401
    api.post("/results", token=a, data=b"date=1", headers={"Content-Type": "text/plain"})           # 415
    fake_weather.set_mode("nodata")
    api.post("/results", token=a, json={"date": "2016-06-01", "distance": 1000, "time": 300,
                                        "location": "10 10"})                               # 422
    fake_weather.set_mode("error500")
    api.post("/results", token=a, json={"date": "2016-06-02", "distance": 1000, "time": 300,
                                        "location": "11 11"})                               # 503
    fake_weather.set_mode("ok")
    api.get("/results", token=a, params={"filter": "(date eq '2016-05-01') AND ((distance gt 20) OR "
                                                   "(distance lt 10))", "sort": "-date,distance"})
    api.get("/results", token=a, params={"count": 1, "page": 1})
    api.request("HEAD", "/results", token=a, params={"count": 1})
    api.get("/results", token=a, params={"filter": "distanse gt 1"})                       # 400 bad filter
    api.get("/results", token=a, params={"user_id": b_id})                                 # 403
    api.get("/results", token=x, params={"user_id": b_id})
    rid = run["result_id"]
    conditional_get(api, f"/results/{rid}", a)
    api.get(f"/results/{rid}", token=b)                                                    # 404
    api.get("/results/0", token=a)                                                         # 400
    api.request("PUT", f"/results/{rid}", token=a, json={})                                # 405
    api.patch(f"/results/{rid}", token=a, json={"time": 1495}, headers={"If-Match": '"stale"'})  # 412
    api.patch(f"/results/{rid}", token=a, json={"distance": 5200, "time": 1490})           # 200
    api.patch(f"/results/{rid}", token=a, json={"location": "52.5 13.4"})                  # 200, new weather
    api.patch(f"/results/{rid}", token=a, json={"date": "2999-01-01"})                     # 400
    api.patch(f"/results/{rid}", token=b, json={"time": 100})                              # 404
    fake_weather.set_mode("nodata")
    api.patch(f"/results/{rid}", token=a, json={"location": "12 12"})                      # 422
    fake_weather.set_mode("ok")
    api.get("/results/reports/weekly", token=a)
    api.get("/results/reports/weekly", token=a, params={"format": "list", "sort": "-average_speed"})
    api.get("/results/reports/weekly", token=a, params={"filter": "date ge '2016-01-01'", "count": 1})
    api.get("/results/reports/weekly", token=a, params={"sort": "week"})                   # 400: needs list
    api.get("/results/reports/weekly", token=a, params={"user_id": b_id})                  # 403
    api.get("/results/reports/weekly", token=x, params={"user_id": b_id, "format": "list"})
    api.delete(f"/results/{rid}", token=b)                                                 # 404
    api.delete(f"/results/{rid}", token=a)                                                 # 204
    api.delete(f"/results/{rid}", token=a)                                                 # 404

    # ---- deletions ---------------------------------------------------------------------------------
    api.delete(f"/users/{x_id}", token=m)                                                  # 403/404
    lone = make_staff(api, "admin")
    api.patch(f"/users/{x_id}/scopes", token=lone[1], json={"scopes": ["user"]})           # x no longer admin
    api.patch(f"/users/{lone[0]}/scopes", token=lone[1], json={"scopes": ["user"]})        # 409 last admin
    api.delete(f"/users/{lone[0]}", token=lone[1])                                         # 409 last admin
    api.delete(f"/users/{b_id}", token=m)                                                  # 204
    api.delete(f"/users/{a_id}", token=a)                                                  # 204
    api.get("/auth/me", token=a)                                                           # 401, deleted
    api.delete("/users/abc", token=m)                                                      # 400


def test_every_response_matches_the_document(make_server, fake_weather):
    # A server of its own: the throttling and last-admin traffic must not touch other tests.
    srv = make_server()
    doc = requests.get(srv.url + "/openapi.json", timeout=30).json()
    conformance = Conformance(doc)
    api = Recording(srv, conformance)
    traffic(api, fake_weather)

    uncovered = sorted(conformance.operations - conformance.covered)
    statuses = sorted(conformance.all_statuses)
    print(f"\nOpenAPI conformance: {len(conformance.covered)}/{len(conformance.operations)} operations, "
          f"{conformance.requests} requests, {len(conformance.violations)} violations; statuses seen: {statuses}")
    assert not conformance.violations, "\n".join(conformance.violations[:60])
    assert not uncovered, f"operations the traffic did not reach: {uncovered}"
    # The traffic reaches the error answers it means to, not only 2xx.
    for status in (304, 400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429, 503):
        assert status in statuses, f"no {status} answer in the traffic: {statuses}"

    # Every problem type the server emitted is explained on /docs/problems (SPEC §6).
    page = requests.get(srv.url + "/docs/problems", timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    anchors = set(re.findall(r'id="([a-z0-9-]+)"', page.text))
    kinds = {t.split("#", 1)[1] for t in conformance.problem_types if t.startswith("/docs/problems#")}
    print(f"problem types emitted: {sorted(conformance.problem_types)}")
    assert not kinds - anchors, f"problem kinds without an anchor on /docs/problems: {sorted(kinds - anchors)}"


def test_the_checker_finds_violations(api):
    """The checker is not vacuous: a document that disagrees with the server is caught."""
    doc = api.get("/openapi.json").json()
    doc["components"]["schemas"]["Status"]["required"].append("uptime")        # a body the server lacks
    doc["components"]["headers"]["X-Total-Count"]["schema"]["pattern"] = "^x$"  # a header it breaks
    del doc["paths"]["/healthz"]["get"]["responses"]["405"]                    # a status it answers
    doc["components"]["parameters"]["Count"]["schema"]["maximum"] = 3          # stricter than the server
    doc["components"]["schemas"]["NewRun"]["properties"]["distance"]["maximum"] = 10
    conformance = Conformance(doc)
    recording = Recording(api.server, conformance)
    recording.get("/healthz")
    recording.request("DELETE", "/healthz")
    user = api.new_user()
    recording.get("/results", token=user.token, params={"count": 5})
    recording.post("/results", token=user.token,
                   json={"date": "2016-05-01", "distance": 5000, "time": 1500, "location": "52.52 13.405"})
    found = "\n".join(conformance.violations)
    assert "'uptime' is a required property" in found, found
    assert "header X-Total-Count" in found, found
    assert "DELETE /healthz -> 405: status not documented" in found, found
    assert "accepted query count=5" in found, found
    assert "accepted request body breaks the document" in found, found


def test_problem_page_explains_every_documented_kind(api):
    """The kinds the document's examples use, and SPEC §6's list, each have a section."""
    doc = api.get("/openapi.json").json()
    documented = set(re.findall(r'/docs/problems#([a-z0-9-]+)', json.dumps(doc)))
    spec_kinds = {"validation", "bad-filter", "token-expired", "forbidden", "not-found", "username-taken",
                  "last-admin", "no-weather-data", "weather-unavailable", "too-many-attempts",
                  "precondition-failed", "idempotency-key-reused"}
    page = api.get("/docs/problems")
    assert page.status_code == 200, page.text
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "ETag"):
        assert header in page.headers, header
    anchors = set(re.findall(r'<section id="([a-z0-9-]+)"', page.text))
    assert documented and spec_kinds <= documented | anchors
    assert not (documented | spec_kinds) - anchors, sorted((documented | spec_kinds) - anchors)
    assert api.request("HEAD", "/docs/problems").status_code == 200


def test_documented_filter_fields_and_sort_keys_are_the_servers(api):
    """Each list's filter fields and sort keys as the document states them: the server takes every one."""
    doc = api.get("/openapi.json").json()
    params = doc["components"]["parameters"]

    def backticked(text):
        return re.findall(r"`([a-z_]+)`", text)

    def fields(name):
        return backticked(params[name]["description"].split("Fields:")[1])

    def sort_keys(name):
        keys = backticked(params[name]["description"].split("Keys:")[1].split("Default")[0])
        return keys or None  # "the run filter fields"

    admin = api.new_user(role="admin")
    lists = {"/results": ("RunFilter", "RunSort", {}),
             "/results/reports/weekly": ("WeekFilter", "WeekSort", {"format": "list"}),
             "/users": ("UserFilter", "UserSort", {})}
    for path, (filter_param, sort_param, extra) in lists.items():
        documented_fields = fields(filter_param)
        assert len(documented_fields) >= 6, (path, documented_fields)
        for field in documented_fields:
            r = api.get(path, token=admin, params={"filter": f"{field} eq null", **extra})
            assert r.status_code == 200, (path, field, r.text)
        for key in sort_keys(sort_param) or documented_fields:
            r = api.get(path, token=admin, params={"sort": f"-{key}", **extra})
            assert r.status_code == 200, (path, key, r.text)
        assert api.get(path, token=admin, params={"filter": "nosuchfield eq 1", **extra}).status_code == 400
        assert api.get(path, token=admin, params={"sort": "nosuchfield", **extra}).status_code == 400
