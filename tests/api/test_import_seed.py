"""`jogtrack import-seed --from PATH` (SPEC §7): the original system's SQLite database
(users, jogging_results; schema from its README) brought into jogtrack, idempotently."""
import sqlite3
import subprocess

import bcrypt

from conftest import BACKEND, Client, assert_problem, unique_name

ORIGINAL_SCHEMA = """
CREATE TABLE users (
  user_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL, email TEXT, name TEXT, scopes TEXT NOT NULL, hashed_password TEXT NOT NULL,
  create_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, expire_date TIMESTAMP,
  modify_user_id INT REFERENCES users(modify_user_id), modified_at TIMESTAMP);
CREATE TABLE jogging_results (
  result_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  user_id INT NOT NULL REFERENCES users(user_id), running_distance INT NOT NULL, date TEXT NOT NULL,
  time INTEGER NOT NULL, location TEXT NOT NULL, condition TEXT NOT NULL, week_number INTEGER NOT NULL,
  year INTEGER NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
"""

JSON_CONDITION = ('{"time": 1452290400, "summary": "Partly cloudy throughout the day.", '
                  '"icon": "partly-cloudy-day", "temperatureMax": 64.81, "precipType": "rain"}')
REPR_CONDITION = "{'summary': 'Clear throughout the day.', 'temperatureMax': 60.1, 'precipType': None}"


def bcrypt_hash(password):
    # Cost 4 keeps the test fast; the original used 14 (the format is the same).
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


def build_original(path, names):
    db = sqlite3.connect(path)
    db.executescript(ORIGINAL_SCHEMA)
    users = [
        (names["alice"], "alice@example.com", "Alice", '["user"]', bcrypt_hash("alice old pw"), None),
        (names["bob"], None, None, '["user", "admin"]', bcrypt_hash("bob old pw"), None),
        (names["carol"], "carol@example.com", "Carol", '["user"]', bcrypt_hash("carol old pw"),
         "2019-06-05 10:00:00"),
        (names["dave"], None, None, '["user"]', bcrypt_hash("dave old pw"), None),
    ]
    ids = {}
    for key, u in zip(["alice", "bob", "carol", "dave"], users):
        cur = db.execute("INSERT INTO users (username, email, name, scopes, hashed_password, create_date, "
                         "expire_date) VALUES (?, ?, ?, ?, ?, '2019-06-04 09:00:00', ?)", u)
        ids[key] = cur.lastrowid
    runs = [
        # week_number/year deliberately wrong: jogtrack computes them again.
        (ids["alice"], 2000, "2015-01-01", 405, "32.0853 34.7818", JSON_CONDITION, 99, 1999),
        (ids["alice"], 2500, "2017-01-01", 500, "32.0853 34.7820", REPR_CONDITION, 1, 2017),
        (ids["alice"], 1000, "2016-01-01", 300, "somewhere", JSON_CONDITION, 1, 2016),  # bad location
        (ids["carol"], 3000, "2018-01-01", 1000, "32.0853 34.7920", JSON_CONDITION, 1, 2018),
        (ids["dave"], 100, "2019-02-01", 20, "42.0853 34.7920", REPR_CONDITION, 5, 2019),
    ]
    db.executemany("INSERT INTO jogging_results (user_id, running_distance, date, time, location, condition, "
                   "week_number, year) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", runs)
    db.commit()
    db.close()


def stored_hash(srv, username):
    url = srv.env["JOGTRACK_DATABASE_URL"]
    query = "SELECT password_hash FROM users WHERE username = '%s' AND deleted_at IS NULL" % username
    if BACKEND == "postgresql" and url.startswith("postgresql"):
        res = subprocess.run(["psql", "-X", "-At", url, "-c", query], capture_output=True, text=True, timeout=30)
        assert res.returncode == 0, res.stderr
        return res.stdout.strip()
    with sqlite3.connect(url.removeprefix("sqlite:")) as db:
        return db.execute(query).fetchone()[0]


def login(api, username, password):
    return api.post("/auth", json={"username": username, "password": password})


def test_import_seed(make_server, tmp_path):
    names = {k: unique_name(k) for k in ("alice", "bob", "carol", "dave")}
    source = tmp_path / "original.db"
    build_original(source, names)
    srv = make_server()
    api = Client(srv)
    api.register(names["dave"])  # a jogtrack account already has this name: the original's dave is skipped

    res = srv.cli(["import-seed", "--from", str(source)])
    assert res.returncode == 0, res.stderr
    assert "users: 3 imported, 0 already imported, 1 skipped" in res.stdout, res.stdout
    assert f"skipped user {names['dave']}" in res.stdout
    # alice's 2 + carol's 1; dave's run (skipped user) and the bad location are skipped.
    assert "runs: 3 imported, 0 already imported, 2 skipped" in res.stdout, res.stdout
    assert "not a \"LAT LON\" location" in res.stdout

    # The old password works once, and the stored hash is Argon2id from then on.
    assert stored_hash(srv, names["alice"]).startswith("$2b$")
    r = login(api, names["alice"], "alice old pw")
    assert r.status_code == 200, r.text
    assert stored_hash(srv, names["alice"]).startswith("$argon2id$")
    assert login(api, names["alice"], "wrong").status_code == 401
    token = login(api, names["alice"], "alice old pw").json()["access_token"]
    me = api.get("/auth/me", token=token).json()["me"]
    assert (me["email"], me["name"], me["scopes"]) == ("alice@example.com", "Alice", ["user"])

    runs = api.get("/results", token=token).json()
    assert [(r["date"], r["distance"], r["time"], r["location"]) for r in runs] == [
        ("2015-01-01", 2000, 405, "32.0853 34.7818"), ("2017-01-01", 2500, 500, "32.0853 34.7820")]
    assert runs[0]["condition"]["provider"] == "darksky"
    assert runs[0]["condition"]["legacy"]["temperatureMax"] == 64.81  # JSON: kept as an object
    assert runs[0]["condition"]["summary"] == "Partly cloudy throughout the day."
    assert runs[1]["condition"]["legacy"] == REPR_CONDITION  # Python repr: kept as the string it is
    # Changing a legacy run without a new weather lookup keeps its Dark Sky data.
    patched = api.patch(f"/results/{runs[0]['result_id']}", token=token, json={"distance": 2100})
    assert patched.status_code == 200, patched.text
    assert patched.json()["condition"] == runs[0]["condition"]
    assert api.patch(f"/results/{runs[0]['result_id']}", token=token, json={"distance": 2000}).status_code == 200
    weekly = api.get("/results/reports/weekly", token=token).json()
    assert weekly == {"2015": [{"1": [2000 / 405, 2000]}], "2016": [{"52": [2500 / 500, 2500]}]}
    export = api.get("/results/export", token=token)
    assert export.status_code == 200 and "Partly cloudy throughout the day." in export.text

    # bob keeps his scopes; carol, expired in the original, stays deleted.
    bob = login(api, names["bob"], "bob old pw")
    assert bob.status_code == 200, bob.text
    assert api.get("/auth/me", token=bob.json()["access_token"]).json()["me"]["scopes"] == ["user", "admin"]
    assert_problem(login(api, names["carol"], "carol old pw"), 401)
    # The existing dave keeps his own password and gets none of the original's runs.
    dave = api.login(names["dave"])
    assert api.get("/results", token=dave["access_token"]).json() == []

    again = srv.cli(["import-seed", "--from", str(source)])
    assert again.returncode == 0, again.stderr
    assert "users: 0 imported, 3 already imported, 1 skipped" in again.stdout, again.stdout
    assert "runs: 0 imported, 3 already imported, 2 skipped" in again.stdout, again.stdout
    assert len(api.get("/results", token=token).json()) == 2


def test_import_seed_refuses_a_file_that_is_not_the_original(make_server, tmp_path):
    srv = make_server()
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    res = srv.cli(["import-seed", "--from", str(other)])
    assert res.returncode != 0
    assert "not the original system's database" in res.stderr
    res = srv.cli(["import-seed", "--from", str(tmp_path / "missing.db")])
    assert res.returncode != 0
