"""Access tokens verified by a JWT library nobody here wrote (`jose` from npm, RFC 9068 checks)."""
import json
import os
import subprocess

from conftest import ROOT, Client

SCRIPT = ROOT / "web" / "interop" / "verify-jwt.mjs"
SECRET = "an-interop-secret-that-is-long-enough-0123456789"


def verify_with_jose(token, **env):
    # web/node_modules comes from the build (CMake runs `npm ci` in web/).
    r = subprocess.run(["node", str(SCRIPT), token], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "JWT_SECRET": SECRET, **env}, cwd=SCRIPT.parent)
    return r.returncode, r.stdout.strip() + r.stderr.strip()


def test_jose_verifies_access_tokens(make_server):
    srv = make_server(env={"JOGTRACK_JWT_SECRET": SECRET})
    api = Client(srv)
    user = api.new_user(name="Interop", email="interop@example.com")
    code, out = verify_with_jose(user.token)
    assert code == 0, out
    verified = json.loads(out)
    assert verified["header"] == {"alg": "HS256", "typ": "at+jwt"}
    payload = verified["payload"]
    assert payload["sub"] == str(user.user_id) and payload["aud"] == "jogtrack" and payload["iss"] == "jogtrack"
    assert payload["scope"] == "user" and payload["scopes"] == ["user"]
    assert payload["name"] == "Interop" and payload["email"] == "interop@example.com"


def test_jose_refuses_what_it_should(make_server):
    srv = make_server(env={"JOGTRACK_JWT_SECRET": SECRET, "JOGTRACK_JWT_AUDIENCE": "staging"})
    token = Client(srv).new_user().token
    # The library really checks: another audience, another issuer or another key fail.
    assert verify_with_jose(token, JWT_AUDIENCE="staging")[0] == 0
    code, out = verify_with_jose(token)
    assert code == 1 and "aud" in out, out
    code, out = verify_with_jose(token, JWT_AUDIENCE="staging", JWT_ISSUER="someone-else")
    assert code == 1 and "iss" in out, out
    code, out = verify_with_jose(token, JWT_AUDIENCE="staging", JWT_SECRET="x" * 48)
    assert code == 1 and "signature" in out.lower(), out
