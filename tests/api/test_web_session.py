"""Black-box tests of browser sessions: the refresh token in the jogtrack_refresh cookie (SPEC §5)."""
import pytest
import requests

from conftest import STRONG_PASSWORD, assert_problem

COOKIE = "jogtrack_refresh"


def post(server, path, json=None, cookie=None, data=None, headers=None):
    """A bare POST: cookies only when given (Secure cookies are never replayed over http by a jar)."""
    h = dict(headers or {})
    if cookie is not None:
        h["Cookie"] = cookie if "=" in cookie else f"{COOKIE}={cookie}"
    return requests.post(server.url + path, json=json, data=data, headers=h, timeout=30)


def set_cookie(response):
    """(value, {attribute-lower: value}) of the one jogtrack_refresh Set-Cookie."""
    fields = [v for k, v in response.raw.headers.items() if k.lower() == "set-cookie"]
    assert len(fields) == 1, fields
    first, *attrs = [p.strip() for p in fields[0].split(";")]
    name, value = first.split("=", 1)
    assert name == COOKIE
    parsed = {}
    for a in attrs:
        k, _, v = a.partition("=")
        parsed[k.lower()] = v
    return value, parsed


def cookie_login(api, user, **extra):
    r = post(api.server, "/auth", json={"username": user.username, "password": user.password, "session": "cookie",
                                         **extra})
    assert r.status_code == 200, r.text
    return r


def assert_cleared(response):
    value, attrs = set_cookie(response)
    assert value == "" and attrs["max-age"] == "0" and attrs["path"] == "/auth"


def assert_access_token_works(api, body):
    me = api.get("/auth/me", token=body["access_token"])
    assert me.status_code == 200, me.text


def test_cookie_login_sets_the_refresh_cookie(api):
    user = api.new_user()
    r = cookie_login(api, user)
    body = r.json()
    assert "refresh_token" not in body
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert r.headers["Cache-Control"] == "no-store"
    assert_access_token_works(api, body)
    value, attrs = set_cookie(r)
    assert len(value) >= 43 and value != user.refresh
    assert "httponly" in attrs
    assert attrs["samesite"] == "Strict"
    assert attrs["path"] == "/auth"
    assert attrs["max-age"] == "2592000"  # the default refresh-token lifetime
    assert "secure" in attrs  # by default
    assert "domain" not in attrs and "expires" not in attrs


def test_insecure_cookie_setting_and_ttl(make_server):
    from conftest import Client
    srv = make_server(env={"JOGTRACK_COOKIE_SECURE": "false", "JOGTRACK_REFRESH_TOKEN_TTL": "3600"})
    api = Client(srv)
    user = api.new_user()
    _, attrs = set_cookie(cookie_login(api, user))
    assert "secure" not in attrs
    assert attrs["max-age"] == "3600" and "httponly" in attrs and attrs["samesite"] == "Strict"


def test_bad_cookie_secure_value_is_a_configuration_error(server):
    res = server.cli(["serve", "--listen", "127.0.0.1:0", "--cookie-secure", "maybe"])
    assert res.returncode == 2, res.stdout + res.stderr
    assert "JOGTRACK_COOKIE_SECURE" in res.stderr


def test_body_token_login_sets_no_cookie(api):
    user = api.new_user()
    r = post(api.server, "/auth", json={"username": user.username, "password": user.password})
    assert r.status_code == 200
    assert "refresh_token" in r.json()
    assert "Set-Cookie" not in r.headers
    refreshed = post(api.server, "/auth/refresh", json={"refresh_token": r.json()["refresh_token"]})
    assert refreshed.status_code == 200 and "refresh_token" in refreshed.json()
    assert "Set-Cookie" not in refreshed.headers
    out = post(api.server, "/auth/logout", json={"refresh_token": refreshed.json()["refresh_token"]})
    assert out.status_code == 204 and "Set-Cookie" not in out.headers


@pytest.mark.parametrize("session", ["body", "Cookie", "", 1, None, True, ["cookie"]])
def test_bad_session_value_is_400(api, session):
    user = api.new_user()
    r = post(api.server, "/auth", json={"username": user.username, "password": user.password, "session": session})
    body = assert_problem(r, 400)
    assert any(e["field"] == "session" for e in body.get("errors", [])), body
    assert "Set-Cookie" not in r.headers


@pytest.mark.parametrize("body", [{}, None])  # {} or no body at all
def test_refresh_with_the_cookie_rotates_it(api, body):
    user = api.new_user()
    first, _ = set_cookie(cookie_login(api, user))
    r = post(api.server, "/auth/refresh", json=body, cookie=first)
    assert r.status_code == 200, r.text
    assert "refresh_token" not in r.json()
    assert r.headers["Cache-Control"] == "no-store"
    assert_access_token_works(api, r.json())
    second, attrs = set_cookie(r)
    assert second and second != first
    assert attrs["max-age"] == "2592000" and attrs["path"] == "/auth" and "httponly" in attrs
    # the new cookie works in turn
    third = post(api.server, "/auth/refresh", json={}, cookie=second)
    assert third.status_code == 200
    assert set_cookie(third)[0] not in (first, second)


def test_cookie_among_other_cookies(api):
    user = api.new_user()
    value, _ = set_cookie(cookie_login(api, user))
    r = post(api.server, "/auth/refresh", json={}, cookie=f"theme=dark; {COOKIE}={value}; lang=en")
    assert r.status_code == 200, r.text


def test_reusing_a_rotated_cookie_revokes_the_family(api):
    user = api.new_user()
    old, _ = set_cookie(cookie_login(api, user))
    r = post(api.server, "/auth/refresh", json={}, cookie=old)
    newest, _ = set_cookie(r)
    reuse = post(api.server, "/auth/refresh", json={}, cookie=old)
    assert_problem(reuse, 401)
    assert_cleared(reuse)
    # the whole chain is gone, the newest cookie included
    after = post(api.server, "/auth/refresh", json={}, cookie=newest)
    assert_problem(after, 401)
    assert_cleared(after)


def test_unknown_cookie_is_401_and_cleared(api):
    r = post(api.server, "/auth/refresh", json={}, cookie="not-a-real-token")
    assert_problem(r, 401)
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert_cleared(r)


def test_logout_with_the_cookie_revokes_and_clears_it(api):
    user = api.new_user()
    value, _ = set_cookie(cookie_login(api, user))
    out = post(api.server, "/auth/logout", json={}, cookie=value)
    assert out.status_code == 204, out.text
    assert out.content == b""
    assert_cleared(out)
    assert_problem(post(api.server, "/auth/refresh", json={}, cookie=value), 401)
    # without a body at all, and for a cookie already revoked: still 204, still cleared
    again = post(api.server, "/auth/logout", cookie=value)
    assert again.status_code == 204
    assert_cleared(again)


def test_a_body_token_wins_over_the_cookie(api):
    user = api.new_user()
    cookie, _ = set_cookie(cookie_login(api, user))
    r = post(api.server, "/auth/refresh", json={"refresh_token": user.refresh}, cookie=cookie)
    assert r.status_code == 200
    assert "refresh_token" in r.json() and "Set-Cookie" not in r.headers
    # the cookie session was not touched
    assert post(api.server, "/auth/refresh", json={}, cookie=cookie).status_code == 200


@pytest.mark.parametrize("path", ["/auth/refresh", "/auth/logout"])
def test_no_cookie_and_no_token_is_400(api, path):
    assert_problem(post(api.server, path, json={}), 400)
    assert_problem(post(api.server, path), 400)
    assert_problem(post(api.server, path, json={}, cookie=f"{COOKIE}="), 400)  # empty value = no cookie


@pytest.mark.parametrize("path", ["/auth/refresh", "/auth/logout"])
def test_cookie_requests_still_validate_the_body(api, path):
    user = api.new_user()
    value, _ = set_cookie(cookie_login(api, user))
    assert_problem(post(api.server, path, json={"extra": 1}, cookie=value), 400)
    assert_problem(post(api.server, path, json=[], cookie=value), 400)
    assert_problem(post(api.server, path, data=b"x=1", cookie=value,
                        headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
    # the cookie is still good: nothing was consumed
    assert post(api.server, "/auth/refresh", json={}, cookie=value).status_code == 200


def test_password_change_ends_cookie_sessions(api):
    user = api.new_user()
    value, _ = set_cookie(cookie_login(api, user))
    admin = api.new_user(role="admin")  # an admin's reset needs no current password
    r = api.patch(f"/users/{user.user_id}", token=admin, json={"password": STRONG_PASSWORD + " changed"})
    assert r.status_code in (200, 204), r.text
    assert_problem(post(api.server, "/auth/refresh", json={}, cookie=value), 401)
