"""Black-box tests of CORS (SPEC §5): JOGTRACK_CORS_ORIGINS lists the other sites whose pages may call the API."""
import pytest
import requests

from conftest import Client, assert_problem

LISTED = "https://app.example.com"
ALSO_LISTED = "http://127.0.0.1:5173"
UNLISTED = "https://evil.example.com"
ALLOW_HEADERS = "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id"
EXPOSE_HEADERS = {"Link", "X-Total-Count", "Location", "ETag", "Retry-After", "X-Request-Id"}


@pytest.fixture
def cors_api(make_server):
    return Client(make_server(env={"JOGTRACK_CORS_ORIGINS": f"{LISTED}, {ALSO_LISTED}"}))


def cors_headers(response):
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


def vary(response):
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


def preflight(api, path, origin, method="PATCH", headers="authorization, content-type"):
    return requests.options(api.server.url + path, timeout=30, headers={
        "Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers})


def assert_allowed(response, origin):
    assert response.headers["Access-Control-Allow-Origin"] == origin
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert exposed == EXPOSE_HEADERS
    assert "origin" in vary(response)
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("origin", [LISTED, ALSO_LISTED])
def test_preflight_from_a_listed_origin(cors_api, origin):
    r = preflight(cors_api, "/results/12", origin)
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert r.headers["Access-Control-Allow-Origin"] == origin
    methods = {m.strip() for m in r.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "PATCH", "DELETE"} <= methods and "POST" not in methods
    assert r.headers["Access-Control-Allow-Headers"] == ALLOW_HEADERS
    assert r.headers["Access-Control-Max-Age"] == "600"
    assert "origin" in vary(r)
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_preflight_lists_each_paths_methods(cors_api):
    r = preflight(cors_api, "/results", LISTED, method="POST")
    methods = {m.strip() for m in r.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST"} <= methods and "DELETE" not in methods


def test_preflight_on_an_unknown_path_is_404(cors_api):
    assert_problem(preflight(cors_api, "/no/such/path", LISTED), 404)


@pytest.mark.parametrize("origin", [UNLISTED, "https://app.example.com.evil.net", "http://app.example.com", "null"])
def test_preflight_from_other_origins_gets_no_cors_headers(cors_api, origin):
    r = preflight(cors_api, "/results/12", origin)
    assert_problem(r, 405)  # the plain answer to OPTIONS: the browser then refuses the call
    assert cors_headers(r) == {}


def test_plain_options_without_preflight_headers(cors_api):
    r = requests.options(cors_api.server.url + "/results", headers={"Origin": LISTED}, timeout=30)
    assert_problem(r, 405)


def test_responses_to_a_listed_origin(cors_api):
    user = cors_api.new_user()
    h = {"Origin": LISTED}
    for r in (cors_api.get("/results", token=user, headers=h),
              cors_api.get("/auth/me", token=user, headers=h),
              cors_api.get("/results", headers=h),  # 401: the page must be able to read errors too
              cors_api.get("/results/999999", token=user, headers=h),
              cors_api.get("/healthz", headers=h)):
        assert_allowed(r, LISTED)
    created = cors_api.post("/results", token=user, headers=h,
                            json={"date": "2024-05-01", "distance": 5000, "time": 1500, "location": "48.85 2.35"})
    assert created.status_code == 201, created.text
    assert_allowed(created, LISTED)


def test_responses_to_other_origins_have_no_cors_headers(cors_api):
    user = cors_api.new_user()
    for headers in ({"Origin": UNLISTED}, {}):
        r = cors_api.get("/results", token=user, headers=headers)
        assert r.status_code == 200
        assert cors_headers(r) == {}
        assert "origin" in vary(r)  # answers differ by Origin: shared caches must know


def test_cookies_never_cross_origin(cors_api):
    user = cors_api.new_user()
    r = requests.post(cors_api.server.url + "/auth", headers={"Origin": LISTED}, timeout=30,
                      json={"username": user.username, "password": user.password, "session": "cookie"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == LISTED
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert "SameSite=Strict" in r.headers["Set-Cookie"]


def test_web_pages_merge_vary(cors_api):
    r = requests.get(cors_api.server.url + "/app/", headers={"Origin": LISTED}, timeout=30)
    assert vary(r) >= {"accept-encoding", "origin"}
    assert len([k for k in r.raw.headers if k.lower() == "vary"]) == 1


def test_no_cors_by_default(api):
    user = api.new_user()
    r = api.get("/results", token=user, headers={"Origin": LISTED})
    assert r.status_code == 200
    assert cors_headers(r) == {}
    assert "origin" not in vary(r)
    assert_problem(preflight(api, "/results/12", LISTED), 405)


@pytest.mark.parametrize("value", ["*", "https://app.example.com/", "app.example.com", "https://*.example.com",
                                   "https://app.example.com, ftp://x.example"])
def test_bad_origins_are_a_configuration_error(server, value):
    res = server.cli(["serve", "--listen", "127.0.0.1:0", "--cors-origins", value])
    assert res.returncode == 2, res.stdout + res.stderr
    assert "JOGTRACK_CORS_ORIGINS" in res.stderr
