"""Black-box tests of the jogtrack command line (SPEC §1: configuration, administration commands)."""
import os
import socket
import stat
import subprocess

import pytest

from conftest import BINARY, STRONG_PASSWORD, Client, assert_problem, unique_name


def run(args, env=None, cwd=None, input=None, timeout=15):
    """Runs the binary with only the given JOGTRACK_* settings; a hang is a failure, not a stuck suite."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("JOGTRACK_")}
    full_env.update(env or {})
    try:
        return subprocess.run([str(BINARY), *args], env=full_env, cwd=cwd, input=input, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"jogtrack {' '.join(args)} did not exit within {timeout}s")


def create(server, username, password=STRONG_PASSWORD, role=None, extra=()):
    args = ["user", "create", "--username", username, "--password-stdin", *extra]
    if role:
        args += ["--role", role]
    return server.cli(args, input=password + "\n")


@pytest.fixture(scope="module")
def admin(server):
    return Client(server).new_user("admin")


def me(api, username, password=STRONG_PASSWORD):
    token = api.login(username, password)["access_token"]
    return api.get("/auth/me", token=token).json()["me"]


# ---- user create / set-role ------------------------------------------------------------------

def test_user_create_prints_id_and_user_can_log_in(server, api):
    name = unique_name("cli")
    res = create(server, name, extra=["--email", "cli@example.com", "--name", "Cli User"])
    assert res.returncode == 0, res.stderr
    user_id = int(res.stdout.strip())
    assert user_id > 0
    info = me(api, name)
    assert info["user_id"] == user_id
    assert info["scopes"] == ["user"]
    assert info["email"] == "cli@example.com" and info["name"] == "Cli User"


def test_user_create_reads_only_the_first_line(server, api):
    name = unique_name("cli")
    res = server.cli(["user", "create", "--username", name, "--password-stdin"],
                     input="first line passphrase\nsecond line\n")
    assert res.returncode == 0, res.stderr
    api.login(name, "first line passphrase")
    assert_problem(api.post("/auth", json={"username": name, "password": "first line passphrase\n"}), 401)


def test_user_create_without_trailing_newline(server, api):
    name = unique_name("cli")
    res = server.cli(["user", "create", "--username", name, "--password-stdin"], input="no newline passphrase")
    assert res.returncode == 0, res.stderr
    api.login(name, "no newline passphrase")


def test_user_create_duplicate_fails(server):
    name = unique_name("Dup")
    assert create(server, name).returncode == 0
    for variant in (name, name.lower()):
        res = create(server, variant, password="another fine passphrase")
        assert res.returncode != 0, res.stdout
        assert res.returncode > 0, "no crash (killed by a signal)"
        assert res.stderr.strip(), "says why"
        assert not res.stdout.strip().isdigit()


def test_user_create_duplicate_of_registered_user_fails(server, api):
    name = unique_name()
    api.register(name)
    assert create(server, name, role="admin").returncode != 0
    # the registered user did not become an admin
    assert me(api, name)["scopes"] == ["user"]


@pytest.mark.parametrize("role,scopes", [("admin", {"user", "admin"}), ("manager", {"user", "manager"}),
                                         ("user", {"user"})])
def test_user_create_with_role(server, api, role, scopes):
    name = unique_name(role)
    res = create(server, name, role=role)
    assert res.returncode == 0, res.stderr
    assert set(me(api, name)["scopes"]) == scopes


def test_user_create_admin_can_administer(server, api):
    name = unique_name("admin")
    assert create(server, name, role="admin").returncode == 0
    token = api.login(name)["access_token"]
    assert api.get("/users", token=token).status_code == 200


@pytest.mark.parametrize("args,stdin", [
    (["user", "create", "--username", "badrole_user", "--password-stdin", "--role", "root"], STRONG_PASSWORD + "\n"),
    (["user", "create", "--username", "a b", "--password-stdin"], STRONG_PASSWORD + "\n"),
    (["user", "create", "--username", "weakpw_user", "--password-stdin"], "password1\n"),
    (["user", "create", "--username", "shortpw_user", "--password-stdin"], "short\n"),
    (["user", "create", "--username", "nostdin_user", "--password-stdin"], ""),
    (["user", "create", "--password-stdin"], STRONG_PASSWORD + "\n"),
    (["user", "create", "--username", "noflag_user"], STRONG_PASSWORD + "\n"),
    (["user", "create", "--username", "bademail_user", "--password-stdin", "--email", "nope"], STRONG_PASSWORD + "\n"),
    (["user"], ""),
    (["user", "frobnicate"], ""),
    (["frobnicate"], ""),
    ([], ""),
])
def test_user_create_invalid(server, api, admin, args, stdin):
    res = server.cli(args, input=stdin)
    assert res.returncode > 0, (res.returncode, res.stdout, res.stderr)
    assert (res.stderr + res.stdout).strip()
    if "--username" in args:
        name = args[args.index("--username") + 1]
        found = api.get("/users", token=admin, params={"filter": f"username eq '{name}'"})
        assert found.status_code == 200 and found.json() == [], "nothing was created"


def test_set_role(server, api):
    name = unique_name("promo")
    assert create(server, name).returncode == 0
    token = api.login(name)["access_token"]
    assert_problem(api.get("/users", token=token), 403)

    res = server.cli(["user", "set-role", "--username", name, "--role", "manager"])
    assert res.returncode == 0, res.stderr
    assert set(api.get("/auth/me", token=token).json()["me"]["scopes"]) == {"user", "manager"}
    # the running server sees it at once, with the old token
    assert api.get("/users", token=token).status_code == 200

    res = server.cli(["user", "set-role", "--username", name.upper(), "--role", "admin"])
    assert res.returncode == 0, res.stderr
    assert set(api.get("/auth/me", token=token).json()["me"]["scopes"]) == {"user", "admin"}

    res = server.cli(["user", "set-role", "--username", name, "--role", "user"])
    assert res.returncode == 0, res.stderr
    assert api.get("/auth/me", token=token).json()["me"]["scopes"] == ["user"]
    assert_problem(api.get("/users", token=token), 403)


@pytest.mark.parametrize("args", [
    ["user", "set-role", "--username", "no_such_user_xyz", "--role", "admin"],
    ["user", "set-role", "--username", "whoever", "--role", "root"],
    ["user", "set-role", "--username", "whoever"],
    ["user", "set-role", "--role", "admin"],
])
def test_set_role_invalid(server, args):
    res = server.cli(args)
    assert res.returncode > 0, (res.returncode, res.stdout, res.stderr)
    assert res.stderr.strip()


def test_set_role_of_deleted_user_fails(server, api):
    user = api.new_user()
    assert api.delete(f"/users/{user.user_id}", token=user).status_code == 204
    res = server.cli(["user", "set-role", "--username", user.username, "--role", "admin"])
    assert res.returncode > 0
    assert_problem(api.post("/auth", json={"username": user.username, "password": user.password}), 401)


def test_set_role_refuses_to_demote_last_admin(make_server):
    srv = make_server()
    name = unique_name("only_admin")
    assert create(srv, name, role="admin").returncode == 0
    res = srv.cli(["user", "set-role", "--username", name, "--role", "user"])
    assert res.returncode > 0, res.stdout
    assert set(me(Client(srv), name)["scopes"]) == {"user", "admin"}


# ---- migrate, --version, --help ----------------------------------------------------------------

def test_migrate(server, tmp_path):
    # on the live database of a running server
    res = server.cli(["migrate"])
    assert res.returncode == 0, res.stderr
    assert Client(server).get("/readyz").status_code == 200
    # on a fresh file, twice (idempotent)
    env = {"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'fresh.db'}"}
    first = run(["migrate"], env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "fresh.db").exists()
    second = run(["migrate"], env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert first.stdout == second.stdout


@pytest.mark.sqlite  # the generated key file lives beside the SQLite database
def test_user_commands_build_only_what_they_need(tmp_path):
    # An account command needs the database and the account rules, not the
    # server's JWT key: it must not generate one as a side effect.
    env = {"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'admin.db'}"}
    res = run(["user", "create", "--username", unique_name("cliadmin"), "--password-stdin", "--role", "admin"],
              env=env, cwd=tmp_path, input=STRONG_PASSWORD + "\n")
    assert res.returncode == 0, res.stderr
    assert int(res.stdout.strip()) > 0
    assert not [p.name for p in tmp_path.iterdir() if "secret" in p.name]


def test_routes_touches_no_database(tmp_path):
    env = {"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'never.db'}"}
    res = run(["routes"], env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "GET /results/{id}" in res.stdout.split("\n")
    assert list(tmp_path.iterdir()) == []


def test_version(tmp_path):
    res = run(["--version"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip()
    assert not list(tmp_path.iterdir()), "--version touches nothing"


def test_help(tmp_path):
    res = run(["--help"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    for word in ("serve", "migrate", "user", "--listen", "JOGTRACK_LISTEN"):
        assert word in res.stdout, word


def test_user_help(tmp_path):
    res = run(["user", "create", "--help"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "--password-stdin" in res.stdout and "--role" in res.stdout


# ---- configuration errors ----------------------------------------------------------------------

@pytest.mark.parametrize("env,args,setting", [
    ({"JOGTRACK_ACCESS_TOKEN_TTL": "abc"}, [], "JOGTRACK_ACCESS_TOKEN_TTL"),
    ({"JOGTRACK_ACCESS_TOKEN_TTL": "0"}, [], "JOGTRACK_ACCESS_TOKEN_TTL"),
    ({"JOGTRACK_ACCESS_TOKEN_TTL": "-5"}, [], "JOGTRACK_ACCESS_TOKEN_TTL"),
    ({}, ["--access-token-ttl", "12x"], "JOGTRACK_ACCESS_TOKEN_TTL"),
    ({"JOGTRACK_REFRESH_TOKEN_TTL": ""}, [], "JOGTRACK_REFRESH_TOKEN_TTL"),
    ({}, ["--listen", "nonsense"], "JOGTRACK_LISTEN"),
    ({"JOGTRACK_LISTEN": "127.0.0.1:99999"}, [], "JOGTRACK_LISTEN"),
    ({"JOGTRACK_LISTEN": "127.0.0.1:http"}, [], "JOGTRACK_LISTEN"),
    ({"JOGTRACK_DATABASE_URL": "mysql://x"}, [], "JOGTRACK_DATABASE_URL"),
    ({"JOGTRACK_JWT_SECRET": "too-short"}, [], "JOGTRACK_JWT_SECRET"),
    ({"JOGTRACK_THREADS": "many"}, [], "JOGTRACK_THREADS"),
    ({"JOGTRACK_PASSWORD_MIN_LENGTH": "0"}, [], "JOGTRACK_PASSWORD_MIN_LENGTH"),
    ({"JOGTRACK_LOG_LEVEL": "loud"}, [], "JOGTRACK_LOG_LEVEL"),
    ({"JOGTRACK_LOG_FORMAT": "xml"}, [], "JOGTRACK_LOG_FORMAT"),
    ({"JOGTRACK_WEATHER_FORECAST_URL": "ftp://x"}, [], "JOGTRACK_WEATHER_FORECAST_URL"),
    ({"JOGTRACK_WEATHER_TIMEOUT_MS": "1.5"}, [], "JOGTRACK_WEATHER_TIMEOUT_MS"),
    ({"JOGTRACK_REDIS_URL": "http://x"}, [], "JOGTRACK_REDIS_URL"),
    ({"JOGTRACK_REGISTER_LIMIT": "-1"}, [], "JOGTRACK_REGISTER_LIMIT"),
    ({}, ["--register-limit", "lots"], "JOGTRACK_REGISTER_LIMIT"),
])
def test_bad_config_value(tmp_path, env, args, setting):
    env = {"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'cfg.db'}", **env}
    if "--listen" not in args and "JOGTRACK_LISTEN" not in env:
        env["JOGTRACK_LISTEN"] = "127.0.0.1:0"  # were the bad value accepted, don't fight over 8080
    res = run(["serve", *args], env=env, cwd=tmp_path, timeout=10)
    assert res.returncode > 0, (res.returncode, res.stdout, res.stderr)  # > 0: an error exit, not a signal
    assert "listening on" not in res.stdout
    flag = "--" + setting.removeprefix("JOGTRACK_").lower().replace("_", "-")
    assert setting in res.stderr or flag in res.stderr, res.stderr
    assert "terminate called" not in res.stderr and "Aborted" not in res.stderr


def test_bad_config_value_also_stops_admin_commands(tmp_path):
    res = run(["migrate"], env={"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'x.db'}",
                                "JOGTRACK_ACCESS_TOKEN_TTL": "abc"}, cwd=tmp_path)
    assert res.returncode > 0
    assert "JOGTRACK_ACCESS_TOKEN_TTL" in res.stderr


def test_flag_overrides_environment(make_server):
    srv = make_server({"JOGTRACK_ACCESS_TOKEN_TTL": "abc"}, args=["--access-token-ttl", "123"])
    api = Client(srv)
    user = api.new_user()
    assert api.login(user.username)["expires_in"] == 123


def test_unusable_database_path(tmp_path):
    res = run(["serve"], env={"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'missing' / 'dir' / 'x.db'}",
                              "JOGTRACK_LISTEN": "127.0.0.1:0"}, cwd=tmp_path, timeout=10)
    assert res.returncode > 0
    assert res.stderr.strip()
    assert "terminate called" not in res.stderr


def test_port_in_use(server, tmp_path):
    hostport = server.url.removeprefix("http://")
    res = run(["serve", "--listen", hostport], env={"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'p.db'}"},
              cwd=tmp_path, timeout=10)
    assert res.returncode > 0
    assert res.stderr.strip()
    assert "terminate called" not in res.stderr


# ---- defaults: database, JWT secret --------------------------------------------------------------

@pytest.mark.sqlite  # the generated key file lives beside the SQLite database
def test_jwt_secret_persists_across_restart(make_server):
    srv = make_server()
    api = Client(srv)
    user = api.new_user()
    secrets = [p for p in srv.workdir.iterdir() if "secret" in p.name]
    assert len(secrets) == 1, list(srv.workdir.iterdir())
    mode = stat.S_IMODE(secrets[0].stat().st_mode)
    assert mode == 0o600, oct(mode)
    assert len(secrets[0].read_bytes().strip()) >= 32
    content = secrets[0].read_bytes()

    assert srv.stop() == 0
    srv.start()
    assert api.get("/auth/verify", token=user).status_code == 200
    assert api.get("/auth/me", token=user).json()["me"]["user_id"] == user.user_id
    assert api.post("/auth/refresh", json={"refresh_token": user.refresh}).status_code == 200
    assert secrets[0].read_bytes() == content, "the key is not regenerated"
    assert stat.S_IMODE(secrets[0].stat().st_mode) == 0o600


@pytest.mark.sqlite  # the generated key file lives beside the SQLite database
def test_distinct_databases_have_distinct_keys(make_server):
    a, b = make_server(name="a"), make_server(name="b")
    ua = Client(a).new_user()
    # a token of instance a means nothing to instance b
    assert_problem(Client(b).get("/auth/verify", token=ua.token), 401)


def test_explicit_jwt_secret(make_server):
    secret = "s" * 40
    a = make_server({"JOGTRACK_JWT_SECRET": secret}, name="a")
    user = Client(a).new_user()
    assert not [p for p in a.workdir.iterdir() if "secret" in p.name], "no key file when one is configured"
    same_db = a.env["JOGTRACK_DATABASE_URL"]
    # a second process on the same database and key accepts a's tokens (scale-out)
    b = make_server({"JOGTRACK_JWT_SECRET": secret, "JOGTRACK_DATABASE_URL": same_db}, name="b")
    assert Client(b).get("/auth/verify", token=user).status_code == 200
    # another key on the same database rejects them
    c = make_server({"JOGTRACK_JWT_SECRET": "t" * 40, "JOGTRACK_DATABASE_URL": same_db}, name="c")
    assert_problem(Client(c).get("/auth/verify", token=user), 401)


@pytest.mark.sqlite  # the generated key file lives beside the SQLite database
def test_generated_key_shared_by_processes_on_one_sqlite_file(make_server):
    a = make_server(name="a")
    user = Client(a).new_user()
    b = make_server({"JOGTRACK_DATABASE_URL": a.env["JOGTRACK_DATABASE_URL"]}, name="b")
    assert Client(b).get("/auth/me", token=user).json()["me"]["user_id"] == user.user_id


def test_jwt_secret_file(make_server, tmp_path):
    key = tmp_path / "key"
    key.write_text("k" * 48 + "\n")
    key.chmod(0o600)
    srv = make_server({"JOGTRACK_JWT_SECRET_FILE": str(key)})
    api = Client(srv)
    user = api.new_user()
    assert api.get("/auth/verify", token=user).status_code == 200
    short = tmp_path / "short"
    short.write_text("tiny")
    short.chmod(0o600)
    res = run(["serve"], env={"JOGTRACK_JWT_SECRET_FILE": str(short), "JOGTRACK_LISTEN": "127.0.0.1:0",
                              "JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 's.db'}"}, cwd=tmp_path, timeout=10)
    assert res.returncode > 0 and "32" in res.stderr, res.stderr
    res = run(["serve"], env={"JOGTRACK_JWT_SECRET_FILE": str(tmp_path / "absent"), "JOGTRACK_LISTEN": "127.0.0.1:0",
                              "JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 's.db'}"}, cwd=tmp_path, timeout=10)
    assert res.returncode > 0 and "JOGTRACK_JWT_SECRET_FILE" in res.stderr, res.stderr


def test_default_database_in_working_directory(tmp_path):
    # no JOGTRACK_DATABASE_URL: ./jogtrack.db in the working directory
    res = run(["migrate"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "jogtrack.db").exists()


def test_cli_works_while_server_runs(server, api):
    # several CLI writers against the live SQLite file, interleaved with API traffic
    names = [unique_name("live") for _ in range(3)]
    for name in names:
        res = create(server, name, role="manager")
        assert res.returncode == 0, res.stderr
        assert api.get("/healthz").status_code == 200
    for name in names:
        tokens = api.login(name)
        assert api.get("/users", token=tokens["access_token"]).status_code == 200
    assert server.cli(["migrate"]).returncode == 0
    assert server.proc.poll() is None, "the server is still running"


def test_routes_command(server):
    res = server.cli(["routes"])
    assert res.returncode == 0, res.stderr
    lines = res.stdout.split("\n")
    assert "POST /auth" in lines and "GET /users/{id}" in lines and "PATCH /users/{id}/scopes" in lines


# ---- help and error messages (issue 12, item 8) ------------------------------------------------

def test_unknown_command_is_named(tmp_path):
    for args in (["bogus"], ["--listen", "127.0.0.1:0", "bogus"], ["--log-level=info", "bogus"]):
        res = run(args, cwd=tmp_path)
        assert res.returncode == 2, (args, res.stderr)
        assert "unknown command 'bogus'" in res.stderr, res.stderr
    res = run(["user", "bogus"], cwd=tmp_path)
    assert res.returncode == 2 and "unknown command 'user bogus' (commands: create, set-role)" in res.stderr
    res = run([], cwd=tmp_path)
    assert res.returncode == 2 and "missing command" in res.stderr and "serve, migrate, user" in res.stderr
    assert not list(tmp_path.iterdir()), "an unknown command touches nothing"


def test_help_says_what_each_setting_takes(tmp_path):
    out = run(["--help"], cwd=tmp_path).stdout
    assert "--threads INT" in out and "--access-token-ttl INT" in out and "--listen HOST:PORT" in out, out
    assert "--weather-archive-url URL" in out and "--cookie-secure BOOL" in out, out
    serve_help = run(["serve", "--help"], cwd=tmp_path)
    assert serve_help.returncode == 0
    for flag in ("--listen", "--database-url", "--log-level", "--threads"):
        assert flag in serve_help.stdout, (flag, serve_help.stdout)


def test_config_error_names_the_flag_and_the_allowed_values(tmp_path):
    env = {"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'cfg.db'}"}
    res = run(["serve", "--log-level", "loud"], env=env, cwd=tmp_path)
    assert res.returncode == 2
    assert "--log-level (JOGTRACK_LOG_LEVEL)" in res.stderr, res.stderr
    assert "trace, debug, info, warn, error" in res.stderr, res.stderr
    res = run(["serve"], env={**env, "JOGTRACK_LOG_LEVEL": "loud"}, cwd=tmp_path)
    assert "JOGTRACK_LOG_LEVEL" in res.stderr and "--log-level" not in res.stderr, res.stderr


def test_help_shows_defaults(tmp_path):
    out = run(["--help"], cwd=tmp_path).stdout
    for text in ("(default: 127.0.0.1:8080)", "(default: sqlite:jogtrack.db)", "(default: 900)",
                 "(default: info)", "(default: https://api.open-meteo.com/v1/forecast)"):
        assert text in out, (text, out)


def test_policy_errors_are_printed_once(tmp_path):
    env = {"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'p.db'}"}
    res = run(["user", "create", "--username", "bob", "--password-stdin"], env=env, cwd=tmp_path, input="short\n")
    assert res.returncode == 1
    assert res.stderr.count("must be at least") == 1, res.stderr


def test_failed_migrate_prints_only_the_error(tmp_path):
    res = run(["migrate"], env={"JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 'missing' / 'dir' / 'x.db'}"},
              cwd=tmp_path)
    assert res.returncode == 1
    assert res.stdout == "", res.stdout
    assert "error" in res.stderr


def test_unreachable_weather_provider_is_one_warning(make_server):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = f"http://127.0.0.1:{port}/v1"
    srv = make_server({"JOGTRACK_WEATHER_FORECAST_URL": dead + "/forecast",
                       "JOGTRACK_WEATHER_ARCHIVE_URL": dead + "/archive"})
    api = Client(srv)
    user = api.new_user()
    for day in range(1, 6):
        r = api.post("/results", token=user.token,
                     json={"date": f"2016-05-0{day}", "distance": 1000, "time": 300, "location": f"{day} {day}"})
        assert r.status_code == 503, r.text
    warnings = [line for line in srv.log().splitlines() if "weather provider" in line and "cannot be reached" in line]
    assert len(warnings) == 1, warnings
    assert f"{dead}/archive" in warnings[0] and "?" not in warnings[0], warnings[0]
    assert "onnect" in warnings[0], warnings[0]  # the cause, e.g. "Couldn't connect to server"
