"""Black-box tests of /users: registration, the role table (SPEC §2), deletion, lists and error statuses."""
import base64
import json
import re
import threading
import urllib.parse
import uuid

import pytest
import requests

from conftest import STRONG_PASSWORD, Client, assert_problem, unique_name

USER_FIELDS = {"user_id", "username", "email", "name", "scopes", "role", "created_at"}


def assert_invalid_token(resp):
    assert_problem(resp, 401)
    assert "invalid_token" in resp.headers.get("WWW-Authenticate", ""), resp.headers


def assert_bad_login(resp):
    assert_problem(resp, 401)
    assert resp.json()["type"] == "/docs/problems#invalid-credentials", resp.text


def error_fields(resp):
    return {e["field"] for e in resp.json().get("errors", [])}


def post_raw(api, body: bytes, content_type="application/json"):
    headers = {"Content-Type": content_type} if content_type else {}
    return api.post("/users", data=body, headers=headers)


def assert_no_secret(resp, password=STRONG_PASSWORD):
    assert password not in resp.text
    assert "$argon2" not in resp.text
    if resp.content and resp.headers.get("Content-Type", "").startswith("application/json"):
        body = resp.json()
        items = body if isinstance(body, list) else [body]
        for item in items:
            assert not any("password" in k or "hash" in k for k in item), item


def parse_links(resp):
    links = {}
    for url, rel in re.findall(r'<([^>]*)>\s*;\s*rel="([a-z]+)"', resp.headers.get("Link", "")):
        parsed = urllib.parse.urlsplit(url)
        links[rel] = (parsed.path, {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()})
    return links


@pytest.fixture(scope="module")
def admin(server):
    return Client(server).new_user("admin")


@pytest.fixture(scope="module")
def manager(server):
    return Client(server).new_user("manager")


# ---- registration --------------------------------------------------------------------------

def test_register_returns_created_user(api):
    name = unique_name("Reg")
    r = api.post("/users", json={"username": name, "password": STRONG_PASSWORD,
                                 "email": "reg@example.com", "name": "Reggie"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert USER_FIELDS <= set(body)
    assert isinstance(body["user_id"], int) and body["user_id"] > 0
    assert r.headers["Location"] == f"/users/{body['user_id']}"
    assert body["username"] == name  # case preserved
    assert body["email"] == "reg@example.com"
    assert body["name"] == "Reggie"
    assert body["scopes"] == ["user"]
    assert body["role"] == "user"
    assert body["created_at"].endswith("Z")
    assert_no_secret(r)
    # the Location resolves to the same account for its owner
    token = api.login(name)["access_token"]
    got = api.get(r.headers["Location"], token=token)
    assert got.status_code == 200 and got.json()["user_id"] == body["user_id"]
    assert_no_secret(got)


def test_register_without_optional_fields(api):
    body = api.register()
    assert body["email"] is None and body["name"] is None


def test_register_with_null_optional_fields(api):
    r = api.post("/users", json={"username": unique_name(), "password": STRONG_PASSWORD,
                                 "email": None, "name": None})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("length", [3, 64])
def test_username_length_limits_accepted(api, length):
    name = (uuid.uuid4().hex * 3)[:length]
    r = api.post("/users", json={"username": name, "password": STRONG_PASSWORD})
    assert r.status_code == 201, r.text
    assert r.json()["username"] == name


@pytest.mark.parametrize("length", [0, 2, 65, 200])
def test_username_length_limits_rejected(api, length):
    name = (uuid.uuid4().hex * 7)[:length]
    r = api.post("/users", json={"username": name, "password": STRONG_PASSWORD})
    assert_problem(r, 400)
    assert "username" in error_fields(r)


def test_username_allowed_punctuation(api):
    name = f"a.b_c@d+e-{uuid.uuid4().hex[:8]}"
    assert api.post("/users", json={"username": name, "password": STRONG_PASSWORD}).status_code == 201


@pytest.mark.parametrize("bad", [
    "with space", "slash/name", "semi;colon", "quote'name", "back\\slash", "hash#tag", "tab\tname",
    "nul\x00name", "new\nline", "percent%41", "<script>", "comma,name", "star*name",
])
def test_username_forbidden_characters(api, bad):
    r = api.post("/users", json={"username": bad + uuid.uuid4().hex[:6], "password": STRONG_PASSWORD})
    assert_problem(r, 400)
    assert "username" in error_fields(r)


@pytest.mark.parametrize("bad", [
    "jöggér",            # Latin letters outside ASCII
    "\u0430dmin",        # Cyrillic 'а' + "dmin": a homograph of "admin"
    "名前ユーザー",
    "emoji\U0001F3C3",
    "ﬁnn",               # ligature that case-folds to "finn"
])
def test_username_non_ascii_rejected(api, bad):
    # usernames are unique case-insensitively over ASCII; non-ASCII would open homograph duplicates
    r = api.post("/users", json={"username": bad + uuid.uuid4().hex[:6], "password": STRONG_PASSWORD})
    assert_problem(r, 400)
    assert "username" in error_fields(r)


def test_username_unique_case_insensitively(api):
    name = unique_name("Dup")
    api.register(name)
    for variant in (name, name.lower(), name.upper()):
        r = api.post("/users", json={"username": variant, "password": STRONG_PASSWORD})
        assert_problem(r, 409)


@pytest.mark.parametrize("password,reason", [
    ("Zq9#kLm", "too short"),
    ("x" * 129, "too long"),
    ("é" * 129, "too long in code points"),
    ("password1", "common"),
    ("PASSWORD1", "common, other case"),
    ("123456789", "common"),
    ("", "empty"),
])
def test_password_rules(api, password, reason):
    r = api.post("/users", json={"username": unique_name(), "password": password})
    assert_problem(r, 400)
    assert "password" in error_fields(r), reason
    assert password not in r.text or password == "", "the rejected password is echoed back"


def test_password_equal_to_username(api):
    name = unique_name("samepass")
    r = api.post("/users", json={"username": name, "password": name})
    assert_problem(r, 400)
    assert "password" in error_fields(r)


@pytest.mark.parametrize("password", ["Zq9#kLmP", "y" * 128, "é" * 100, "ünïcödé paß wörd"])
def test_password_limits_accepted(api, password):
    name = unique_name()
    r = api.post("/users", json={"username": name, "password": password})
    assert r.status_code == 201, r.text
    assert api.post("/auth", json={"username": name, "password": password}).status_code == 200


@pytest.mark.parametrize("email", ["not-an-email", "@example.com", "user@", "us er@example.com",
                                   "a" * 250 + "@x.io"])
def test_invalid_email(api, email):
    r = api.post("/users", json={"username": unique_name(), "password": STRONG_PASSWORD, "email": email})
    assert_problem(r, 400)
    assert "email" in error_fields(r)


@pytest.mark.parametrize("name", ["line\nbreak", "bell\x07", "x" * 201, "del\x7f"])
def test_invalid_name(api, name):
    r = api.post("/users", json={"username": unique_name(), "password": STRONG_PASSWORD, "name": name})
    assert_problem(r, 400)
    assert "name" in error_fields(r)


def test_unicode_name_accepted(api):
    body = api.register(name="Jürgen Ødegård 李")
    assert body["name"] == "Jürgen Ødegård 李"


def test_validation_reports_every_field(api):
    r = api.post("/users", json={"username": "a", "password": "short", "email": "bad"})
    assert_problem(r, 400)
    assert {"username", "password", "email"} <= error_fields(r)
    for e in r.json()["errors"]:
        assert e["message"]


@pytest.mark.parametrize("extra", [{"role": "admin"}, {"scopes": ["admin"]}, {"user_id": 1}, {"Username": "x"},
                                   {"passwd": "x"}])
def test_register_unknown_field(api, extra):
    r = api.post("/users", json={"username": unique_name(), "password": STRONG_PASSWORD, **extra})
    assert_problem(r, 400)
    assert set(extra) <= error_fields(r)


@pytest.mark.parametrize("body,field", [
    ({"username": 12345, "password": STRONG_PASSWORD}, "username"),
    ({"username": None, "password": STRONG_PASSWORD}, "username"),
    ({"username": ["a", "b"], "password": STRONG_PASSWORD}, "username"),
    ({"username": "typed_user", "password": 12345678}, "password"),
    ({"username": "typed_user", "password": True}, "password"),
    ({"username": "typed_user", "password": STRONG_PASSWORD, "email": 5}, "email"),
    ({"username": "typed_user", "password": STRONG_PASSWORD, "name": {"first": "x"}}, "name"),
    ({"password": STRONG_PASSWORD}, "username"),
    ({"username": "typed_user"}, "password"),
])
def test_register_wrong_types_and_missing_fields(api, body, field):
    r = api.post("/users", json=body)
    assert_problem(r, 400)
    assert field in error_fields(r)


@pytest.mark.parametrize("raw", [b'{"username": "x", "password": ', b"{'username': 'x'}", b"not json",
                                 b'{"username": "x"} trailing', b'{"username": "\xff\xfe", "password": "x"}'])
def test_register_bad_json(api, raw):
    assert_problem(post_raw(api, raw), 400)


@pytest.mark.parametrize("raw", [b"[]", b'[{"username": "x", "password": "y"}]', b'"text"', b"42", b"null"])
def test_register_non_object_json(api, raw):
    assert_problem(post_raw(api, raw), 400)


def test_register_empty_body(api):
    assert_problem(post_raw(api, b""), 400)
    assert_problem(post_raw(api, b"", content_type=None), 400)


@pytest.mark.parametrize("ct", ["text/plain", "application/x-www-form-urlencoded", "application/xml",
                                "multipart/form-data; boundary=x", "application/jsonx"])
def test_register_non_json_content_type(api, ct):
    r = post_raw(api, f'{{"username": "{unique_name()}", "password": "{STRONG_PASSWORD}"}}'.encode(), ct)
    assert_problem(r, 415)


def test_register_json_content_type_with_charset(api):
    r = post_raw(api, f'{{"username": "{unique_name()}", "password": "{STRONG_PASSWORD}"}}'.encode(),
                 "Application/JSON; charset=utf-8")
    assert r.status_code == 201, r.text


def test_register_body_over_64k(api):
    r = api.post("/users", json={"username": unique_name(), "password": STRONG_PASSWORD, "name": "x" * (65 * 1024)})
    assert_problem(r, 413)


def test_register_body_just_under_64k_is_read(api):
    # a large but allowed body reaches validation (name too long -> 400, not 413)
    r = api.post("/users", json={"username": unique_name(), "password": STRONG_PASSWORD, "name": "x" * (60 * 1024)})
    assert_problem(r, 400)
    assert "name" in error_fields(r)


def test_register_deeply_nested_json(make_server):
    api = Client(make_server())
    for raw in (b"[" * 30000 + b"]" * 30000, b'{"a":' * 10000 + b"1" + b"}" * 10000,
                b'{"username":' + b"[" * 30000 + b"]" * 30000 + b"}", b"[" * 65000):
        assert_problem(post_raw(api, raw), 400)
    assert api.get("/healthz").status_code == 200


def test_concurrent_registration_of_one_name(api):
    name = unique_name("race")
    barrier = threading.Barrier(5)
    statuses = []

    def go(i):
        barrier.wait()
        statuses.append(requests.post(api.server.url + "/users", json={"username": name if i % 2 else name.upper(),
                                      "password": STRONG_PASSWORD}, timeout=30).status_code)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201, 409, 409, 409, 409], statuses


def test_register_unknown_query_param(api):
    r = api.request("POST", "/users", json={"username": unique_name(), "password": STRONG_PASSWORD},
                    params={"role": "admin"})
    assert_problem(r, 400, "role")


# ---- reading and updating own account -------------------------------------------------------

def test_user_reads_and_updates_own_account(api):
    user = api.new_user()
    r = api.get(f"/users/{user.user_id}", token=user)
    assert r.status_code == 200 and r.json()["username"] == user.username
    assert_no_secret(r)
    r = api.patch(f"/users/{user.user_id}", json={"name": "New Name", "email": "new@example.com"}, token=user)
    assert r.status_code == 204, r.text
    body = api.get(f"/users/{user.user_id}", token=user).json()
    assert body["name"] == "New Name" and body["email"] == "new@example.com"
    # null clears
    assert api.patch(f"/users/{user.user_id}", json={"email": None}, token=user).status_code == 204
    body = api.get(f"/users/{user.user_id}", token=user).json()
    assert body["email"] is None and body["name"] == "New Name"


@pytest.mark.parametrize("body,field", [
    ({"username": "renamed"}, "username"),
    ({"scopes": ["user", "admin"]}, "scopes"),
    ({"role": "admin"}, "role"),
    ({"email": "nope"}, "email"),
    ({"name": 5}, "name"),
    ({"password": "short"}, "password"),
    ({"password": "password1"}, "password"),
    ({"password": None}, "password"),
])
def test_patch_user_validation(api, body, field):
    user = api.new_user()
    r = api.patch(f"/users/{user.user_id}", json=body, token=user)
    assert_problem(r, 400)
    assert field in error_fields(r)
    me = api.get("/auth/me", token=user).json()["me"]
    assert me["scopes"] == ["user"]


def test_patch_password_equal_to_username(api):
    user = api.new_user()
    r = api.patch(f"/users/{user.user_id}", json={"password": user.username, "current_password": user.password},
                  token=user)
    assert_problem(r, 400)
    assert "password" in error_fields(r)


def test_patch_user_bad_bodies(api):
    user = api.new_user()
    path = f"/users/{user.user_id}"
    assert_problem(api.patch(path, data=b"{bad", headers={"Content-Type": "application/json"}, token=user), 400)
    assert_problem(api.patch(path, json=[], token=user), 400)
    assert_problem(api.patch(path, data=b"name=x", headers={"Content-Type": "text/plain"}, token=user), 415)


# ---- the role table ------------------------------------------------------------------------

def test_user_cannot_list_users(api):
    user = api.new_user()
    assert_problem(api.get("/users", token=user), 403)


def test_user_cannot_touch_another_user(api):
    user, other = api.new_user(), api.new_user()
    path = f"/users/{other.user_id}"
    assert_problem(api.get(path, token=user), 403)
    assert_problem(api.patch(path, json={"name": "hacked"}, token=user), 403)
    assert_problem(api.patch(path, json={"password": "taken over account"}, token=user), 403)
    assert_problem(api.delete(path, token=user), 403)
    # nothing changed
    body = api.get(path, token=other).json()
    assert body["name"] is None
    assert api.get("/auth/verify", token=other).status_code == 200
    api.login(other.username, other.password)


def test_manager_lists_only_plain_users(api, manager):
    plain, other_manager, admin = api.new_user(), api.new_user("manager"), api.new_user("admin")
    r = api.get("/users", token=manager, params={"count": 1000})
    assert r.status_code == 200, r.text
    assert r.json(), "a manager sees plain users"
    assert all(u["role"] == "user" and u["scopes"] == ["user"] for u in r.json())
    assert_no_secret(r)
    for target, visible in ((plain, 1), (other_manager, 0), (admin, 0), (manager, 0)):
        r = api.get("/users", token=manager, params={"filter": f"user_id eq {target.user_id}"})
        assert r.status_code == 200, r.text
        assert len(r.json()) == visible, (target, r.json())
        assert r.headers["X-Total-Count"] == str(visible)
    r = api.get("/users", token=manager, params={"filter": "role ne 'user'"})
    assert r.json() == [] and r.headers["X-Total-Count"] == "0"


def test_manager_manages_plain_user(api, manager):
    plain = api.new_user()
    path = f"/users/{plain.user_id}"
    r = api.get(path, token=manager)
    assert r.status_code == 200 and r.json()["username"] == plain.username
    assert api.patch(path, json={"name": "Managed", "email": "m@example.com"}, token=manager).status_code == 204
    body = api.get(path, token=plain).json()
    assert body["name"] == "Managed" and body["email"] == "m@example.com"
    assert api.delete(path, token=manager).status_code == 204
    assert_invalid_token(api.get("/auth/verify", token=plain))
    assert_problem(api.get(path, token=manager), 404)


def test_manager_cannot_touch_other_managers_or_admins(api, manager):
    for target in (api.new_user("manager"), api.new_user("admin")):
        path = f"/users/{target.user_id}"
        assert_problem(api.get(path, token=manager), 403)
        assert_problem(api.patch(path, json={"name": "x"}, token=manager), 403)
        assert_problem(api.patch(path, json={"password": "a new password here"}, token=manager), 403)
        assert_problem(api.delete(path, token=manager), 403)
        assert api.get("/auth/verify", token=target).status_code == 200
        assert api.get(path, token=target).json()["name"] is None


def test_manager_manages_own_account(api):
    manager = api.new_user("manager")
    path = f"/users/{manager.user_id}"
    assert api.get(path, token=manager).json()["role"] == "manager"
    assert api.patch(path, json={"name": "Self Managed"}, token=manager).status_code == 204
    assert api.get(path, token=manager).json()["name"] == "Self Managed"


def test_admin_can_do_everything(api, admin):
    r = api.get("/users", token=admin, params={"count": 1000})
    assert r.status_code == 200
    roles = {u["role"] for u in r.json()}
    assert "admin" in roles
    for role in ("user", "manager", "admin"):
        target = api.new_user(role)
        path = f"/users/{target.user_id}"
        r = api.get(path, token=admin)
        assert r.status_code == 200 and r.json()["role"] == role
        assert_no_secret(r)
        listed = api.get("/users", token=admin, params={"filter": f"user_id eq {target.user_id}"}).json()
        assert [u["user_id"] for u in listed] == [target.user_id]
        assert api.patch(path, json={"name": f"admin-set {role}"}, token=admin).status_code == 204
        assert api.get(path, token=target).json()["name"] == f"admin-set {role}"
        assert api.patch(path, json={"password": "reset by the admin"}, token=admin).status_code == 204
        # a password change by someone else also ends the owner's sessions
        assert_invalid_token(api.post("/auth/refresh", json={"refresh_token": target.refresh}))
        api.login(target.username, "reset by the admin")
        assert api.delete(path, token=admin).status_code == 204
        assert_problem(api.get(path, token=admin), 404)
        assert_invalid_token(api.get("/auth/verify", token=target))


# ---- scopes --------------------------------------------------------------------------------

def set_scopes(api, caller, target_id, scopes):
    return api.patch(f"/users/{target_id}/scopes", json={"scopes": scopes}, token=caller)


def scopes_of(api, user):
    return set(api.get("/auth/me", token=user).json()["me"]["scopes"])


def test_scopes_admin_only(api, manager):
    user, other = api.new_user(), api.new_user()
    assert_problem(set_scopes(api, user, user.user_id, ["user", "admin"]), 403)
    assert_problem(set_scopes(api, user, user.user_id, ["user", "manager"]), 403)
    assert_problem(set_scopes(api, user, other.user_id, ["user", "manager"]), 403)
    assert_problem(set_scopes(api, manager, manager.user_id, ["user", "manager", "admin"]), 403)
    assert_problem(set_scopes(api, manager, user.user_id, ["user", "manager"]), 403)
    assert_problem(set_scopes(api, manager, user.user_id, ["user"]), 403)
    assert scopes_of(api, user) == {"user"}
    assert scopes_of(api, other) == {"user"}
    assert scopes_of(api, manager) == {"user", "manager"}


def test_scope_change_applies_at_once(api, admin):
    user = api.new_user()
    old_token = user.token
    assert_problem(api.get("/users", token=old_token), 403)
    assert set_scopes(api, admin, user.user_id, ["user", "manager"]).status_code == 204
    # same token, no re-login: the database is the authority
    r = api.get("/users", token=old_token)
    assert r.status_code == 200, r.text
    assert scopes_of(api, user) == {"user", "manager"}
    assert api.get(f"/users/{user.user_id}", token=admin).json()["role"] == "manager"
    # demoted: loses it at once
    assert set_scopes(api, admin, user.user_id, ["user"]).status_code == 204
    assert_problem(api.get("/users", token=old_token), 403)
    assert scopes_of(api, user) == {"user"}
    assert api.get(f"/users/{user.user_id}", token=admin).json()["role"] == "user"


def test_promoted_to_admin_and_new_token_carries_scopes(api, admin):
    user = api.new_user()
    assert set_scopes(api, admin, user.user_id, ["user", "admin"]).status_code == 204
    assert api.get(f"/users/{admin.user_id}", token=user).status_code == 200
    fresh = api.login(user.username, user.password)["access_token"]
    payload = fresh.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(claims["scopes"]) == {"user", "admin"}


def test_scopes_always_include_user(api, admin):
    user = api.new_user()
    assert set_scopes(api, admin, user.user_id, ["manager"]).status_code == 204
    assert scopes_of(api, user) == {"user", "manager"}


@pytest.mark.parametrize("body", [
    {"scopes": ["user", "superuser"]},
    {"scopes": ["Admin"]},
    {"scopes": "admin"},
    {"scopes": [1]},
    {"scopes": None},
    {},
    {"scopes": ["user"], "role": "admin"},
])
def test_scopes_validation(api, admin, body):
    user = api.new_user()
    r = api.patch(f"/users/{user.user_id}/scopes", json=body, token=admin)
    assert_problem(r, 400)
    assert scopes_of(api, user) == {"user"}


def test_scopes_of_unknown_user(api, admin):
    assert_problem(set_scopes(api, admin, 987654321, ["user"]), 404)


def test_last_admin_cannot_drop_admin(make_server):
    srv = make_server()
    api = Client(srv)
    first = api.new_user("admin")
    assert_problem(set_scopes(api, first, first.user_id, ["user"]), 409)
    assert_problem(set_scopes(api, first, first.user_id, ["user", "manager"]), 409)
    assert_problem(api.delete(f"/users/{first.user_id}", token=first), 409)
    assert scopes_of(api, first) == {"user", "admin"}
    # keeping admin is fine
    assert set_scopes(api, first, first.user_id, ["user", "manager", "admin"]).status_code == 204
    # with a second admin, the first may step down ...
    second = api.new_user("admin")
    assert set_scopes(api, first, first.user_id, ["user"]).status_code == 204
    assert scopes_of(api, first) == {"user"}
    assert_problem(api.get("/users", token=first), 403)
    # ... and now the second is the last one
    assert_problem(set_scopes(api, second, second.user_id, ["user"]), 409)
    assert scopes_of(api, second) == {"user", "admin"}


# ---- deletion ------------------------------------------------------------------------------

def test_self_delete(api, admin):
    user = api.new_user()
    r = api.delete(f"/users/{user.user_id}", token=user)
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert_invalid_token(api.get("/auth/verify", token=user))
    assert_invalid_token(api.get(f"/users/{user.user_id}", token=user))
    assert_invalid_token(api.post("/auth/refresh", json={"refresh_token": user.refresh}))
    assert_bad_login(api.post("/auth", json={"username": user.username, "password": user.password}))
    # an admin sees it as gone
    assert_problem(api.get(f"/users/{user.user_id}", token=admin), 404)
    assert_problem(api.patch(f"/users/{user.user_id}", json={"name": "x"}, token=admin), 404)
    assert_problem(api.delete(f"/users/{user.user_id}", token=admin), 404)
    assert_problem(set_scopes(api, admin, user.user_id, ["user"]), 404)
    listed = api.get("/users", token=admin, params={"filter": f"user_id eq {user.user_id}"})
    assert listed.json() == [] and listed.headers["X-Total-Count"] == "0"
    # the username is free again, for a new account
    again = api.register(user.username.upper(), "another strong passphrase")
    assert again["user_id"] != user.user_id
    fresh = api.login(user.username, "another strong passphrase")
    assert api.get("/auth/me", token=fresh["access_token"]).json()["me"]["user_id"] == again["user_id"]
    # the old account's credentials do not come back to life with the name
    assert_invalid_token(api.get("/auth/verify", token=user))
    assert_invalid_token(api.post("/auth/refresh", json={"refresh_token": user.refresh}))
    # the old password opens nothing
    assert_bad_login(api.post("/auth", json={"username": user.username, "password": user.password}))
    names = api.get("/users", token=admin, params={"filter": f"username eq '{user.username.upper()}'"}).json()
    assert [u["user_id"] for u in names] == [again["user_id"]]


# ---- lists ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trio(server):
    """Three plain users sharing a unique prefix, so a range filter selects exactly them."""
    api = Client(server)
    prefix = f"lst{uuid.uuid4().hex[:10]}_"
    ids = [api.register(prefix + s)["user_id"] for s in ("a", "b", "c")]
    return prefix, ids


def trio_filter(prefix):
    return f"username gt '{prefix}' and username lt '{prefix}~'"


def test_list_defaults(api, admin):
    api.new_user()
    r = api.get("/users", token=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert isinstance(body, list)
    total = int(r.headers["X-Total-Count"])
    assert len(body) == min(10, total)
    ids = [u["user_id"] for u in body]
    assert ids == sorted(ids), "default sort is user_id ascending"
    for u in body:
        assert USER_FIELDS <= set(u)
    assert_no_secret(r)
    links = parse_links(r)
    assert links["first"][1]["page"] == "0" and links["first"][1]["count"] == "10"
    assert links["last"][1]["page"] == str((total - 1) // 10)
    assert "prev" not in links


@pytest.mark.parametrize("params", [
    {"count": "0"}, {"count": "1001"}, {"count": "abc"}, {"count": "-1"}, {"count": "1.5"}, {"count": ""},
    {"page": "-1"}, {"page": "abc"}, {"page": "1e3"}, {"page": ""}, {"count": "10 "},
])
def test_list_bad_paging(api, admin, params):
    assert_problem(api.get("/users", token=admin, params=params), 400)


def test_list_count_limits_accepted(api, admin):
    assert api.get("/users", token=admin, params={"count": "1"}).status_code == 200
    r = api.get("/users", token=admin, params={"count": "1000"})
    assert r.status_code == 200 and len(r.json()) == min(1000, int(r.headers["X-Total-Count"]))


def test_list_paging_and_link_header(api, admin, trio):
    prefix, ids = trio
    flt = trio_filter(prefix)
    r = api.get("/users", token=admin, params={"filter": flt, "count": 2})
    assert r.status_code == 200, r.text
    assert [u["user_id"] for u in r.json()] == ids[:2]
    assert r.headers["X-Total-Count"] == "3"
    links = parse_links(r)
    assert set(links) == {"first", "next", "last"}
    for rel, page in (("first", "0"), ("next", "1"), ("last", "1")):
        path, query = links[rel]
        assert path == "/users"
        assert query["page"] == page and query["count"] == "2"
        assert query["filter"] == flt, "the Link keeps the filter"

    # follow "next" exactly as given
    r2 = api.get(links["next"][0] + "?" + urllib.parse.urlencode(links["next"][1]), token=admin)
    assert r2.status_code == 200, r2.text
    assert [u["user_id"] for u in r2.json()] == ids[2:]
    links2 = parse_links(r2)
    assert set(links2) == {"first", "prev", "last"}
    assert links2["prev"][1]["page"] == "0"
    assert links2["prev"][1]["filter"] == flt


def test_list_link_urls_are_usable_verbatim(api, admin, trio):
    prefix, ids = trio
    r = api.get("/users", token=admin, params={"filter": trio_filter(prefix), "count": 1, "page": 1})
    urls = dict((rel, url) for url, rel in re.findall(r'<([^>]*)>\s*;\s*rel="([a-z]+)"', r.headers["Link"]))
    assert set(urls) == {"first", "prev", "next", "last"}
    expected = {"first": ids[0], "prev": ids[0], "next": ids[2], "last": ids[2]}
    for rel, url in urls.items():
        got = api.get(url, token=admin)
        assert got.status_code == 200, (rel, url, got.text)
        assert [u["user_id"] for u in got.json()] == [expected[rel]], rel


def test_list_page_past_the_end(api, admin, trio):
    prefix, _ = trio
    r = api.get("/users", token=admin, params={"filter": trio_filter(prefix), "count": 2, "page": 5})
    assert r.status_code == 200
    assert r.json() == []
    assert r.headers["X-Total-Count"] == "3"


def test_list_sort_descending(api, admin, trio):
    prefix, ids = trio
    r = api.get("/users", token=admin, params={"filter": trio_filter(prefix), "sort": "-user_id"})
    assert [u["user_id"] for u in r.json()] == sorted(ids, reverse=True)
    r = api.get("/users", token=admin, params={"sort": "-user_id", "count": 50})
    got = [u["user_id"] for u in r.json()]
    assert got == sorted(got, reverse=True)
    r = api.get("/users", token=admin, params={"filter": trio_filter(prefix), "sort": "-username"})
    assert [u["user_id"] for u in r.json()] == sorted(ids, reverse=True)


@pytest.mark.parametrize("sort", ["password", "password_hash", "nope", "-", "user_id,,", "user_id;drop"])
def test_list_unknown_sort_field(api, admin, sort):
    assert_problem(api.get("/users", token=admin, params={"sort": sort}), 400)


def test_list_filter_by_username(api, admin, trio):
    prefix, ids = trio
    r = api.get("/users", token=admin, params={"filter": f"username eq '{prefix}b'"})
    assert [u["user_id"] for u in r.json()] == [ids[1]]
    assert r.headers["X-Total-Count"] == "1"
    # keywords are case-insensitive (field names are not)
    r = api.get("/users", token=admin, params={"filter": f"username EQ '{prefix}b' Or username eq '{prefix}c'"})
    assert [u["user_id"] for u in r.json()] == ids[1:]
    r = api.get("/users", token=admin, params={"filter": f"{trio_filter(prefix)} and not username eq '{prefix}a'"})
    assert [u["user_id"] for u in r.json()] == ids[1:]


def test_list_filter_null_and_dates(api, admin, trio):
    prefix, ids = trio
    r = api.get("/users", token=admin, params={"filter": f"({trio_filter(prefix)}) and email eq null"})
    assert r.status_code == 200, r.text
    assert [u["user_id"] for u in r.json()] == ids
    r = api.get("/users", token=admin, params={"filter": f"({trio_filter(prefix)}) and email ne null"})
    assert r.json() == []
    r = api.get("/users", token=admin, params={"filter": f"{trio_filter(prefix)} and created_at ge 2000-01-01"})
    assert [u["user_id"] for u in r.json()] == ids
    r = api.get("/users", token=admin, params={"filter": f"{trio_filter(prefix)} and created_at lt '2000-01-01'"})
    assert r.json() == []


def test_list_sort_by_several_fields(api, admin, trio):
    prefix, ids = trio
    r = api.get("/users", token=admin, params={"filter": trio_filter(prefix), "sort": "role,-username"})
    assert r.status_code == 200, r.text
    assert [u["user_id"] for u in r.json()] == ids[::-1]


def test_list_filter_by_role(api, admin):
    mgr = api.new_user("manager")
    r = api.get("/users", token=admin, params={"filter": "role eq 'manager'", "count": 1000})
    assert r.status_code == 200
    assert r.json() and all(u["role"] == "manager" for u in r.json())
    assert mgr.user_id in [u["user_id"] for u in r.json()]
    r = api.get("/users", token=admin, params={"filter": "role eq 'admin'", "count": 1000})
    assert admin.user_id in [u["user_id"] for u in r.json()]
    assert all(u["role"] == "admin" for u in r.json())


def test_list_filter_injection_is_inert(api, admin, trio):
    prefix, _ = trio
    r = api.get("/users", token=admin, params={"filter": "username eq 'x'' OR ''1''=''1'"})
    assert r.status_code == 200 and r.json() == []


@pytest.mark.parametrize("flt", [
    "username eq",
    "username eq 'x' garbage",
    "(username eq 'x'",
    "username eq 'x')",
    "username eqq 'x'",
    "username eq 'unterminated",
    "user_id eq 'text'",
    "user_id eq 2016-05-01",
    "created_at ge 2016-13-45",
    "",
])
def test_list_bad_filter(api, admin, flt):
    body = assert_problem(api.get("/users", token=admin, params={"filter": flt}), 400)
    assert "position" in body["detail"].lower(), body


def test_list_bad_filter_names_the_position(api, admin):
    body = assert_problem(api.get("/users", token=admin, params={"filter": "username eq 'x' junk"}), 400)
    assert re.search(r"position 17\b", body["detail"]), body


@pytest.mark.parametrize("field", ["password", "password_hash", "deleted_at", "scopes", "nope"])
def test_list_filter_unknown_field(api, admin, field):
    body = assert_problem(api.get("/users", token=admin, params={"filter": f"{field} eq 'x'"}), 400)
    assert field in body["detail"] or "field" in body["detail"].lower(), body


def test_list_unknown_query_param(api, admin):
    assert_problem(api.get("/users", token=admin, params={"role": "admin"}), 400, "role")
    assert_problem(api.get("/users", token=admin, params={"$filter": "role eq 'admin'"}), 400)
    assert_problem(api.get("/users", token=admin, params={"limit": "5"}), 400, "limit")


# ---- path ids, routing errors ----------------------------------------------------------------

@pytest.mark.parametrize("raw_id", ["abc", "0", "-1", "99999999999999999999", "9223372036854775808", "1.0",
                                    "1e3", "+1", "%201", "0x10"])
def test_bad_path_id(api, admin, raw_id):
    for method in ("GET", "PATCH", "DELETE"):
        r = api.request(method, f"/users/{raw_id}", token=admin, json={"name": "x"} if method == "PATCH" else None)
        assert_problem(r, 400)
    assert_problem(set_scopes(api, admin, raw_id, ["user"]), 400)


@pytest.mark.parametrize("raw_id", ["987654321", "999999999999999", "1000000000000000", "9223372036854775807"])
def test_unknown_user_id(api, admin, raw_id):
    # any positive 64-bit integer is a well-formed id: unknown ones are 404, whatever their length
    for method in ("GET", "PATCH", "DELETE"):
        r = api.request(method, f"/users/{raw_id}", token=admin,
                        json={"name": "x"} if method == "PATCH" else None)
        assert_problem(r, 404)


@pytest.mark.parametrize("path", ["/nope", "/users/1/nope", "/auth/nope", "/user", "/users/1/scopes/x", "/apps"])
def test_unknown_path(api, admin, path):
    r = api.get(path, token=admin)
    assert_problem(r, 404)


@pytest.mark.parametrize("method,path,allowed", [
    ("PUT", "/users/1", {"GET", "PATCH", "DELETE"}),
    ("POST", "/users/1", {"GET", "PATCH", "DELETE"}),
    ("DELETE", "/users", {"GET", "POST"}),
    ("PUT", "/users", {"GET", "POST"}),
    ("GET", "/users/1/scopes", {"PATCH"}),
    ("DELETE", "/auth", {"POST"}),
    ("GET", "/auth/refresh", {"POST"}),
    ("GET", "/auth/logout", {"POST"}),
])
def test_wrong_method(api, admin, method, path, allowed):
    r = api.request(method, path, token=admin, json={} if method in ("PUT", "POST") else None)
    assert_problem(r, 405)
    got = {m.strip() for m in r.headers["Allow"].split(",")}
    assert allowed <= got, got
    assert method not in got


def test_every_response_has_request_id(api, admin):
    user = api.new_user()
    responses = [
        api.post("/users", json={"username": unique_name(), "password": STRONG_PASSWORD}),   # 201
        api.get("/users", token=admin),                                                      # 200
        api.patch(f"/users/{user.user_id}", json={"name": "n"}, token=user),                 # 204
        api.post("/users", json={"username": "x"}),                                          # 400
        api.get("/users"),                                                                   # 401
        api.get("/users", token=user),                                                       # 403
        api.get("/users/987654321", token=admin),                                            # 404
        api.get("/no/such/path"),                                                            # 404 (router)
        api.request("PUT", "/users"),                                                        # 405
        api.post("/users", data=b"x", headers={"Content-Type": "text/plain"}),               # 415
        api.post("/users", json={"name": "x" * (70 * 1024)}),                                # 413
        api.post("/users", json={"username": unique_name(), "password": STRONG_PASSWORD},
                 params={"bad": "1"}),                                                       # 400 query
    ]
    seen = set()
    for r in responses:
        rid = r.headers.get("X-Request-Id")
        assert rid, (r.status_code, r.request.method, r.request.url, r.headers)
        seen.add(rid)
    assert len(seen) == len(responses), "request ids are unique"
    assert [r.status_code for r in responses] == [201, 200, 204, 400, 401, 403, 404, 404, 405, 415, 413, 400]


def test_request_id_is_echoed_when_valid(api):
    r = api.get("/users", headers={"X-Request-Id": "trace-abc.123_XYZ"})
    assert r.headers["X-Request-Id"] == "trace-abc.123_XYZ"
    r = api.get("/users", headers={"X-Request-Id": "bad id with spaces"})
    assert r.headers["X-Request-Id"] and r.headers["X-Request-Id"] != "bad id with spaces"
