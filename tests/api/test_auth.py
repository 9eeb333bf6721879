"""Black-box tests of /auth: login, access tokens, refresh rotation, logout, verify, me (SPEC §3 Authentication)."""
import base64
import hashlib
import hmac
import json
import threading
import time

import pytest
import requests

from conftest import STRONG_PASSWORD, Client, assert_problem, unique_name


# ---- helpers -------------------------------------------------------------------------------

def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_parts(token: str):
    header, payload, signature = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)), signature


def assert_invalid_token(resp):
    body = assert_problem(resp, 401)
    challenge = resp.headers.get("WWW-Authenticate", "")
    assert challenge == 'Bearer realm="jogtrack", error="invalid_token"', resp.headers
    assert body["type"] in ("/docs/problems#invalid-token", "/docs/problems#token-expired"), body
    return body


def assert_no_credentials(resp):
    """RFC 6750 §3.1: a request without bearer credentials gets the challenge without an error code."""
    body = assert_problem(resp, 401)
    assert resp.headers.get("WWW-Authenticate") == 'Bearer realm="jogtrack"', resp.headers
    assert body["type"] == "/docs/problems#unauthorized", body
    return body


def assert_bad_login(resp):
    """A failed login presented no token: the bare challenge, and its own problem type."""
    body = assert_problem(resp, 401)
    assert resp.headers.get("WWW-Authenticate") == 'Bearer realm="jogtrack"', resp.headers
    assert body["type"] == "/docs/problems#invalid-credentials", body
    return body


def refresh(api, token):
    return api.post("/auth/refresh", json={"refresh_token": token})


# ---- login ---------------------------------------------------------------------------------

def test_login_returns_token_pair(api):
    name = unique_name()
    api.register(name)
    r = api.post("/auth", json={"username": name, "password": STRONG_PASSWORD})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) >= {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900  # JOGTRACK_ACCESS_TOKEN_TTL default
    assert body["access_token"].count(".") == 2
    # opaque refresh token with >= 256 random bits: at least 43 base64 characters, not a JWT
    assert len(body["refresh_token"]) >= 43 and "." not in body["refresh_token"]
    assert STRONG_PASSWORD not in r.text


def test_login_username_is_case_insensitive(api):
    name = unique_name("CaseUser")
    api.register(name)
    r = api.post("/auth", json={"username": name.lower(), "password": STRONG_PASSWORD})
    assert r.status_code == 200, r.text


def test_wrong_password_and_unknown_user_fail_identically(api):
    name = unique_name()
    api.register(name)
    wrong_pw = api.post("/auth", json={"username": name, "password": "not the right password"})
    unknown = api.post("/auth", json={"username": unique_name("ghost"), "password": STRONG_PASSWORD})
    b1 = assert_bad_login(wrong_pw)
    b2 = assert_bad_login(unknown)
    for key in ("type", "title", "status", "detail"):
        assert b1[key] == b2[key], (b1, b2)
    assert b1 == b2
    assert wrong_pw.headers["WWW-Authenticate"] == unknown.headers["WWW-Authenticate"]


@pytest.mark.parametrize("body", [
    {"username": "someone"},
    {"password": STRONG_PASSWORD},
    {"username": "someone", "password": STRONG_PASSWORD, "remember_me": True},
    {"username": 12345, "password": STRONG_PASSWORD},
    {"username": "someone", "password": ["x"]},
])
def test_login_body_validation(api, body):
    assert_problem(api.post("/auth", json=body), 400)


def test_login_bad_json(api):
    r = api.post("/auth", data=b'{"username": "a", "password": ', headers={"Content-Type": "application/json"})
    assert_problem(r, 400)


def test_login_unknown_query_param(api):
    user = api.new_user()
    r = api.request("POST", "/auth", json={"username": user.username, "password": user.password},
                    params={"debug": "1"})
    assert_problem(r, 400, "debug")


def test_login_of_deleted_user_fails(api):
    user = api.new_user()
    assert api.delete(f"/users/{user.user_id}", token=user).status_code == 204
    assert_bad_login(api.post("/auth", json={"username": user.username, "password": user.password}))


# ---- rate limiting (private instances: the shared server's address budget must stay intact) ----

def test_username_lockout_after_ten_failures(make_server):
    srv = make_server()
    api = Client(srv)
    victim = api.new_user()
    bystander = api.new_user()
    for i in range(10):
        r = api.post("/auth", json={"username": victim.username, "password": f"wrong password {i}"})
        assert_problem(r, 401)
    # the 11th attempt is refused, even with the right password
    r = api.post("/auth", json={"username": victim.username, "password": victim.password})
    assert_problem(r, 429)
    retry_after = int(r.headers["Retry-After"])
    assert 1 <= retry_after <= 15 * 60
    # the lock is per username, case-insensitively
    assert_problem(api.post("/auth", json={"username": victim.username.upper(), "password": victim.password}), 429)
    # other usernames are not affected
    r = api.post("/auth", json={"username": bystander.username, "password": bystander.password})
    assert r.status_code == 200, r.text
    # the victim's existing tokens still work (the limit is about logins only)
    assert api.get("/auth/verify", token=victim).status_code == 200


def test_address_lockout_after_hundred_failures(make_server):
    srv = make_server()
    api = Client(srv)
    user = api.new_user()
    for i in range(100):  # spread over usernames so no single username hits its own limit
        r = api.post("/auth", json={"username": f"nobody{i % 25}_{i // 25}", "password": "wrong password"})
        assert r.status_code == 401, (i, r.status_code, r.text)
    r = api.post("/auth", json={"username": user.username, "password": user.password})
    assert_problem(r, 429)
    assert int(r.headers["Retry-After"]) >= 1


# ---- access tokens -------------------------------------------------------------------------

def test_access_token_header_and_claims(api):
    user = api.new_user(email="claims@example.com", name="Claire Claims")
    header, claims, signature = jwt_parts(user.token)
    assert header["alg"] == "HS256"
    assert header["typ"] == "at+jwt"
    assert claims["sub"] == str(user.user_id)
    assert claims["user_id"] == user.user_id
    assert claims["scopes"] == ["user"]
    assert claims["iss"] == "jogtrack"
    assert claims["name"] == "Claire Claims"
    assert claims["email"] == "claims@example.com"
    assert isinstance(claims["iat"], int) and isinstance(claims["exp"], int)
    assert claims["exp"] - claims["iat"] == 900
    assert abs(claims["iat"] - time.time()) < 60
    assert len(b64url_decode(signature)) == 32  # HMAC-SHA256
    assert "password" not in claims and user.password not in json.dumps(claims)


def test_access_token_rfc9068_claims(api):
    # RFC 9068: a unique jti, the audience, and the space-separated scope beside scopes.
    admin = api.new_user("admin")
    _, first, _ = jwt_parts(admin.token)
    _, second, _ = jwt_parts(api.login(admin.username, admin.password)["access_token"])
    assert first["aud"] == "jogtrack"
    assert first["scope"] == " ".join(first["scopes"]) and "admin" in first["scope"].split(" ")
    assert isinstance(first["jti"], str) and len(first["jti"]) >= 22
    assert first["jti"] != second["jti"]


def test_access_token_null_name_and_email(api):
    # As in the API: a user without a name or e-mail has null, not "".
    user = api.new_user()
    _, claims, _ = jwt_parts(user.token)
    assert claims["name"] is None and claims["email"] is None


def test_token_of_another_audience_is_rejected(make_server):
    secret = "a-shared-secret-for-two-deployments-0123456789"
    prod = make_server(env={"JOGTRACK_JWT_SECRET": secret}, name="prod")
    staging = make_server(env={"JOGTRACK_JWT_SECRET": secret, "JOGTRACK_JWT_AUDIENCE": "staging"},
                          name="staging")
    prod_api, staging_api = Client(prod), Client(staging)
    user = staging_api.new_user()
    assert jwt_parts(user.token)[1]["aud"] == "staging"
    assert staging_api.get("/auth/verify", token=user.token).status_code == 200
    # Same key, other audience: not a token for this deployment.
    assert_invalid_token(prod_api.get("/auth/verify", token=user.token))


def test_application_at_jwt_typ_and_time_claims(make_server):
    secret = "a-secret-the-test-signs-its-own-tokens-with-012345"
    srv = make_server(env={"JOGTRACK_JWT_SECRET": secret})
    client = Client(srv)
    user = client.new_user()
    _, claims, _ = jwt_parts(user.token)

    def signed(header, payload):
        head = b64url_encode(json.dumps(header).encode())
        body = b64url_encode(json.dumps(payload).encode())
        mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{b64url_encode(mac)}"

    for typ in ("at+jwt", "AT+JWT", "application/at+jwt", "Application/At+Jwt"):
        assert client.get("/auth/verify", token=signed({"alg": "HS256", "typ": typ}, claims)).status_code == 200, typ
    assert_invalid_token(client.get("/auth/verify", token=signed({"alg": "HS256", "typ": "JWT"}, claims)))
    now = int(time.time())
    header = {"alg": "HS256", "typ": "at+jwt"}
    assert_invalid_token(client.get("/auth/verify", token=signed(header, {**claims, "nbf": now + 120})))
    assert client.get("/auth/verify", token=signed(header, {**claims, "nbf": now - 5})).status_code == 200
    future = {**claims, "iat": now + 300, "exp": now + 900}
    assert_invalid_token(client.get("/auth/verify", token=signed(header, future)))
    assert_invalid_token(client.get("/auth/verify", token=signed(header, {**claims, "aud": "elsewhere"})))
    no_aud = dict(claims)
    del no_aud["aud"]
    assert_invalid_token(client.get("/auth/verify", token=signed(header, no_aud)))


def test_admin_token_carries_admin_scope(api):
    admin = api.new_user("admin")
    _, claims, _ = jwt_parts(admin.token)
    assert "admin" in claims["scopes"] and "user" in claims["scopes"]


def test_missing_authorization_header(api):
    assert_no_credentials(api.get("/auth/verify"))
    assert_no_credentials(api.get("/auth/me"))
    assert_no_credentials(api.get("/users"))


@pytest.mark.parametrize("header", [
    "Bearer",
    "Bearer ",
    "Bearer not-a-jwt",
    "Bearer a.b.c",
    "Bearer a.b",
])
def test_malformed_authorization_header(api, header):
    assert_invalid_token(api.get("/auth/verify", headers={"Authorization": header}))


@pytest.mark.parametrize("header", ["Token abc.def.ghi", "Bearerabc.def.ghi", "Digest x"])
def test_another_scheme_is_no_credentials(api, header):
    assert_no_credentials(api.get("/auth/verify", headers={"Authorization": header}))


def test_basic_scheme_is_rejected(api):
    user = api.new_user()
    basic = base64.b64encode(f"{user.username}:{user.password}".encode()).decode()
    assert_no_credentials(api.get("/auth/verify", headers={"Authorization": f"Basic {basic}"}))
    # and a valid JWT under the wrong scheme is rejected too
    assert_no_credentials(api.get("/auth/verify", headers={"Authorization": f"Basic {user.token}"}))


def test_bearer_scheme_is_case_insensitive(api):
    user = api.new_user()
    assert api.get("/auth/verify", headers={"Authorization": f"bearer {user.token}"}).status_code == 200


def test_tampered_payload_is_rejected(api):
    user = api.new_user()
    header, claims, signature = user.token.split(".")
    payload = json.loads(b64url_decode(claims))
    payload["scopes"] = ["user", "manager", "admin"]
    forged = f"{header}.{b64url_encode(json.dumps(payload).encode())}.{signature}"
    assert_invalid_token(api.get("/auth/verify", token=forged))
    assert_invalid_token(api.get("/users", token=forged))
    # another user's id, same signature
    payload = json.loads(b64url_decode(claims))
    payload["user_id"] = payload["user_id"] + 1
    payload["sub"] = str(payload["user_id"])
    forged = f"{header}.{b64url_encode(json.dumps(payload).encode())}.{signature}"
    assert_invalid_token(api.get("/auth/me", token=forged))


def test_tampered_signature_is_rejected(api):
    user = api.new_user()
    head, body, sig = user.token.split(".")
    raw = bytearray(b64url_decode(sig))
    raw[0] ^= 1
    assert_invalid_token(api.get("/auth/verify", token=f"{head}.{body}.{b64url_encode(bytes(raw))}"))
    assert_invalid_token(api.get("/auth/verify", token=f"{head}.{body}."))
    assert_invalid_token(api.get("/auth/verify", token=f"{head}.{body}"))


def test_alg_none_token_is_rejected(api):
    admin = api.new_user("admin")
    _, claims, _ = jwt_parts(admin.token)
    body = b64url_encode(json.dumps(claims).encode())
    for alg in ("none", "None", "NONE"):
        head = b64url_encode(json.dumps({"alg": alg, "typ": "at+jwt"}).encode())
        assert_invalid_token(api.get("/auth/verify", token=f"{head}.{body}."))
        assert_invalid_token(api.get("/users", token=f"{head}.{body}."))
    # alg none with the original (valid) signature kept
    head = b64url_encode(json.dumps({"alg": "none", "typ": "at+jwt"}).encode())
    sig = admin.token.split(".")[2]
    assert_invalid_token(api.get("/auth/verify", token=f"{head}.{body}.{sig}"))


def test_token_signed_with_another_key_is_rejected(api):
    user = api.new_user()
    _, claims, _ = jwt_parts(user.token)
    head = b64url_encode(json.dumps({"alg": "HS256", "typ": "at+jwt"}, separators=(",", ":")).encode())
    body = b64url_encode(json.dumps(claims).encode())
    sig = hmac.new(b"k" * 48, f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert_invalid_token(api.get("/auth/verify", token=f"{head}.{body}.{b64url_encode(sig)}"))


def test_expired_access_token(make_server):
    srv = make_server({"JOGTRACK_ACCESS_TOKEN_TTL": "1"})
    api = Client(srv)
    user = api.new_user()
    _, claims, _ = jwt_parts(user.token)
    assert claims["exp"] - claims["iat"] == 1
    time.sleep(2.1)
    # told apart from a bad token, so the client knows a refresh will do
    assert assert_invalid_token(api.get("/auth/verify", token=user))["type"] == "/docs/problems#token-expired"
    assert assert_invalid_token(api.get("/auth/me", token=user))["type"] == "/docs/problems#token-expired"
    # the refresh token still gets a fresh access token
    r = refresh(api, user.refresh)
    assert r.status_code == 200, r.text
    assert r.json()["expires_in"] == 1
    assert api.get("/auth/verify", token=r.json()["access_token"]).status_code == 200


def test_expired_refresh_token(make_server):
    srv = make_server({"JOGTRACK_REFRESH_TOKEN_TTL": "1"})
    api = Client(srv)
    user = api.new_user()
    time.sleep(2.1)
    assert_invalid_token(refresh(api, user.refresh))
    assert api.get("/auth/verify", token=user).status_code == 200  # the access token lives on (900 s)


def test_login_with_huge_password_is_just_wrong(api):
    user = api.new_user()
    r = api.post("/auth", json={"username": user.username, "password": "x" * 60000})
    assert_bad_login(r)


# ---- refresh / logout ----------------------------------------------------------------------

def test_refresh_rotates_tokens(api):
    user = api.new_user()
    r = refresh(api, user.refresh)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert body["refresh_token"] != user.refresh
    assert api.get("/auth/verify", token=body["access_token"]).status_code == 200
    _, claims, _ = jwt_parts(body["access_token"])
    assert claims["user_id"] == user.user_id
    # the new refresh token works in turn
    r2 = refresh(api, body["refresh_token"])
    assert r2.status_code == 200, r2.text
    assert r2.json()["refresh_token"] not in (user.refresh, body["refresh_token"])


def test_rotated_refresh_token_cannot_be_used_again(api):
    user = api.new_user()
    assert refresh(api, user.refresh).status_code == 200
    assert_invalid_token(refresh(api, user.refresh))


def test_refresh_token_reuse_revokes_the_whole_chain(api):
    user = api.new_user()
    first = refresh(api, user.refresh)
    assert first.status_code == 200
    second = refresh(api, first.json()["refresh_token"])
    assert second.status_code == 200
    newest = second.json()["refresh_token"]
    # someone replays the original token: reuse detected
    assert_invalid_token(refresh(api, user.refresh))
    # ... and the newest token of that chain is dead too
    assert_invalid_token(refresh(api, newest))


def test_reuse_revokes_only_that_login_chain(api):
    user = api.new_user()
    other_session = api.login(user.username, user.password)["refresh_token"]
    assert refresh(api, user.refresh).status_code == 200
    assert_invalid_token(refresh(api, user.refresh))  # reuse in chain 1
    r = refresh(api, other_session)  # chain 2 is a different login
    assert r.status_code == 200, r.text


def test_concurrent_refresh_with_one_token(api):
    user = api.new_user()
    barrier = threading.Barrier(6)
    statuses = []

    def go():
        session = requests.Session()
        barrier.wait()
        statuses.append(session.post(api.server.url + "/auth/refresh",
                                     json={"refresh_token": user.refresh}, timeout=30).status_code)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [401] * 5, statuses


def test_logout_revokes_refresh_token(api):
    user = api.new_user()
    r = api.post("/auth/logout", json={"refresh_token": user.refresh})
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert_invalid_token(refresh(api, user.refresh))


def test_password_change_revokes_refresh_tokens(api):
    user = api.new_user()
    second = api.login(user.username, user.password)["refresh_token"]
    new_password = "a brand new passphrase"
    r = api.patch(f"/users/{user.user_id}", json={"password": new_password, "current_password": user.password},
                  token=user)
    assert r.status_code == 204, r.text
    assert_invalid_token(refresh(api, user.refresh))
    assert_invalid_token(refresh(api, second))
    # access tokens simply run out: the current one still works
    assert api.get("/auth/verify", token=user).status_code == 200
    # the old password no longer logs in, the new one does
    assert_bad_login(api.post("/auth", json={"username": user.username, "password": user.password}))
    fresh = api.login(user.username, new_password)
    assert refresh(api, fresh["refresh_token"]).status_code == 200


@pytest.mark.parametrize("token", ["garbage", "x" * 43, "a.b.c"])
def test_garbage_refresh_token(api, token):
    assert_invalid_token(refresh(api, token))


def test_access_token_is_not_a_refresh_token(api):
    user = api.new_user()
    assert_invalid_token(refresh(api, user.token))


@pytest.mark.parametrize("path", ["/auth/refresh", "/auth/logout"])
@pytest.mark.parametrize("body", [
    {"refresh_token": "abc", "extra": 1},
    {"token": "abc"},
    {},
    {"refresh_token": 5},
    {"refresh_token": None},
])
def test_refresh_and_logout_body_validation(api, path, body):
    assert_problem(api.post(path, json=body), 400)


@pytest.mark.parametrize("path", ["/auth/refresh", "/auth/logout"])
def test_refresh_and_logout_need_a_json_object(api, path):
    assert_problem(api.post(path, json=["refresh_token"]), 400)
    assert_problem(api.post(path, data=b"refresh_token=abc",
                            headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)


def test_refresh_after_deletion_fails(api):
    user = api.new_user()
    assert api.delete(f"/users/{user.user_id}", token=user).status_code == 204
    assert_invalid_token(refresh(api, user.refresh))


# ---- verify / me ---------------------------------------------------------------------------

def test_verify(api):
    user = api.new_user()
    r = api.get("/auth/verify", token=user)
    assert r.status_code == 200, r.text
    assert r.json() == {"valid": True}


def test_me(api):
    user = api.new_user(email="me@example.com", name="Me Myself")
    r = api.get("/auth/me", token=user)
    assert r.status_code == 200, r.text
    me = r.json()["me"]
    assert set(r.json()) == {"me"}
    assert {"user_id", "username", "name", "email", "scopes", "created_at"} <= set(me)
    assert me["user_id"] == user.user_id
    assert me["username"] == user.username
    assert me["name"] == "Me Myself"
    assert me["email"] == "me@example.com"
    assert me["scopes"] == ["user"]
    assert me["created_at"].endswith("Z") and "T" in me["created_at"]
    assert not any("password" in k or "hash" in k for k in me)
    assert "$argon2" not in r.text


def test_me_of_manager(api):
    manager = api.new_user("manager")
    me = api.get("/auth/me", token=manager).json()["me"]
    assert set(me["scopes"]) == {"user", "manager"}


def test_verify_and_me_reject_query_params(api):
    user = api.new_user()
    assert_problem(api.get("/auth/verify", token=user, params={"x": "1"}), 400)
    assert_problem(api.get("/auth/me", token=user, params={"x": "1"}), 400)


def test_auth_wrong_method(api):
    r = api.get("/auth")
    assert_problem(r, 405)
    assert "POST" in r.headers["Allow"]
    r = api.post("/auth/verify", json={})
    assert_problem(r, 405)
    assert "GET" in r.headers["Allow"]
