"""Files holding secrets (issue 9): the SQLite database with its WAL and SHM files is private to the
service's account (0600), and a JWT secret file that others may read is refused at start, as ssh
refuses such a private key."""
import os
import stat

import pytest

from conftest import STRONG_PASSWORD, Client, unique_name
from test_cli import run


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The harness's umask as an operator's shell would have it (022): files would be 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.sqlite  # about the SQLite files themselves
def test_database_wal_and_shm_are_private(make_server, open_umask):
    srv = make_server()
    api = Client(srv)
    api.new_user()  # writes: the WAL and SHM files exist while the server runs
    files = [srv.workdir / name for name in ("jogtrack.db", "jogtrack.db-wal", "jogtrack.db-shm")]
    assert all(f.exists() for f in files), list(srv.workdir.iterdir())
    assert {f.name: oct(mode(f)) for f in files} == {f.name: "0o600" for f in files}


@pytest.mark.parametrize("command", [["migrate"], ["user", "create", "--username", "filemode", "--password-stdin"]])
def test_admin_commands_create_a_private_database(tmp_path, open_umask, command):
    db = tmp_path / "fresh.db"
    res = run(command, env={"JOGTRACK_DATABASE_URL": f"sqlite:{db}"}, cwd=tmp_path, input=STRONG_PASSWORD + "\n")
    assert res.returncode == 0, res.stderr
    created = [p for p in tmp_path.iterdir() if p.name.startswith("fresh.db")]
    assert created and all(mode(p) == 0o600 for p in created), {p.name: oct(mode(p)) for p in created}


@pytest.mark.parametrize("file_mode", [0o644, 0o640, 0o604, 0o620], ids=oct)
def test_jwt_secret_file_open_to_others_is_refused(tmp_path, file_mode):
    key = tmp_path / "jwt-secret"
    key.write_text("k" * 48 + "\n")
    key.chmod(file_mode)
    env = {"JOGTRACK_JWT_SECRET_FILE": str(key), "JOGTRACK_LISTEN": "127.0.0.1:0",
           "JOGTRACK_DATABASE_URL": f"sqlite:{tmp_path / 's.db'}"}
    res = run(["serve"], env=env, cwd=tmp_path, timeout=10)
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)  # as for every configuration error
    assert "listening on" not in res.stdout
    assert str(key) in res.stderr and "chmod 600" in res.stderr, res.stderr
    # user create builds only the account services: it neither reads nor needs the key
    res = run(["user", "create", "--username", unique_name(), "--password-stdin"], env=env, cwd=tmp_path,
              input=STRONG_PASSWORD + "\n")
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize("file_mode", [0o600, 0o400], ids=oct)
def test_private_jwt_secret_file_is_accepted(make_server, tmp_path, file_mode):
    key = tmp_path / "jwt-secret"
    key.write_text("k" * 48 + "\n")
    key.chmod(file_mode)
    srv = make_server({"JOGTRACK_JWT_SECRET_FILE": str(key)})
    api = Client(srv)
    user = api.new_user()
    assert api.get("/auth/verify", token=user).status_code == 200
