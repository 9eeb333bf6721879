"""SPEC §6: problem types as /docs/problems#<kind>, RFC 6750 challenges, Cache-Control on credentialed answers,
and the strict query rule on every route, the probes included."""
import re
from pathlib import Path

import pytest

from conftest import assert_problem
from test_runs import run_body

REALM = 'Bearer realm="jogtrack"'
DOCS = Path(__file__).resolve().parents[2] / "docs" / "problems.md"


def problem_type(resp, status):
    return assert_problem(resp, status)["type"]


def test_every_problem_type_is_explained_in_docs():
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", DOCS.read_text(), re.M))
    for kind in ("validation", "bad-filter", "token-expired", "forbidden", "not-found", "username-taken",
                 "last-admin", "no-weather-data", "weather-unavailable", "too-many-attempts",
                 "precondition-failed", "idempotency-key-reused"):
        assert kind in documented, kind


def test_problem_types_per_kind(api):
    user = api.new_user()
    assert problem_type(api.post("/results", token=user, json={**run_body(), "distance": -1}), 400) == \
        "/docs/problems#validation"
    assert problem_type(api.get("/results?filter=distance%20gt", token=user), 400) == "/docs/problems#bad-filter"
    assert problem_type(api.get("/results?sort=nosuchfield", token=user), 400) == "/docs/problems#bad-filter"
    assert problem_type(api.get("/results/987654321", token=user), 404) == "/docs/problems#not-found"
    assert problem_type(api.get("/no/such/path"), 404) == "/docs/problems#not-found"
    assert problem_type(api.get("/users", token=user), 403) == "/docs/problems#forbidden"
    assert problem_type(api.delete("/results"), 405) == "/docs/problems#method-not-allowed"
    r = api.post("/users", json={"username": user.username, "password": "another long passphrase 42"})
    assert problem_type(r, 409) == "/docs/problems#username-taken"


def test_last_admin_problem_type(api):
    admin = api.new_user("admin")
    for other in api.get("/users?count=1000&filter=role%20eq%20'admin'", token=admin).json():
        if other["user_id"] != admin.user_id:
            api.patch(f"/users/{other['user_id']}/scopes", token=admin, json={"scopes": ["user"]})
    r = api.patch(f"/users/{admin.user_id}/scopes", token=admin, json={"scopes": ["user"]})
    assert problem_type(r, 409) == "/docs/problems#last-admin"


def test_no_credentials_gets_the_bare_challenge(api):
    for method, path in [("GET", "/results"), ("GET", "/users/1"), ("DELETE", "/results/1"), ("GET", "/auth/me")]:
        r = api.request(method, path)
        assert problem_type(r, 401) == "/docs/problems#unauthorized"
        assert r.headers["WWW-Authenticate"] == REALM, (method, path)


def test_bad_token_gets_invalid_token(api):
    r = api.get("/results", token="not.a.token")
    assert problem_type(r, 401) == "/docs/problems#invalid-token"
    assert r.headers["WWW-Authenticate"] == REALM + ', error="invalid_token"'


def test_forbidden_gets_insufficient_scope(api):
    user = api.new_user()
    r = api.get("/users", token=user)
    assert_problem(r, 403)
    assert r.headers["WWW-Authenticate"] == REALM + ', error="insufficient_scope"'
    r = api.get("/results?user_id=1", token=user)
    assert_problem(r, 403)
    assert r.headers["WWW-Authenticate"] == REALM + ', error="insufficient_scope"'


def test_no_store_on_every_answer_to_a_credentialed_request(api):
    user = api.new_user()
    created = api.post("/results", token=user, json=run_body())
    assert created.status_code == 201
    answers = [
        created,
        api.get("/results", token=user),
        api.get(f"/results/{created.json()['result_id']}", token=user),
        api.get("/auth/me", token=user),
        api.get("/results/987654321", token=user),       # an error too
        api.get("/results", token="not.a.token"),         # bad credentials are still credentials
        api.get("/healthz", token=user),                  # whatever the route
        api.get("/no/such/path", token=user),
        api.get("/healthz", headers={"Cookie": "jogtrack_refresh=x"}),
    ]
    for r in answers:
        assert r.headers.get("Cache-Control") == "no-store", (r.request.method, r.request.url, r.headers)


def test_no_cache_control_forced_on_anonymous_answers(api):
    assert "Cache-Control" not in api.get("/healthz").headers
    assert "Cache-Control" not in api.get("/openapi.json").headers


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/openapi.json"])
def test_ops_routes_reject_unknown_query_parameters(api, path):
    r = api.get(path + "?verbose=1")
    assert problem_type(r, 400) == "/docs/problems#validation"
    assert r.json()["errors"][0]["field"] == "verbose"
    assert api.get(path).status_code == 200
