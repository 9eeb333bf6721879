"""Schema migrations on an existing SQLite database (jogtrack migrate)."""
import sqlite3

from test_cli import run

# Undoing a migration undoes the later ones first (the schema goes back to that version).
UNDO_MIGRATION_5 = """
    DROP TABLE legacy_imports;
    DELETE FROM schema_version WHERE version >= 5;
"""
UNDO_MIGRATION_4 = UNDO_MIGRATION_5 + """
    DROP TABLE idempotency_keys;
    ALTER TABLE runs DROP COLUMN version;
    ALTER TABLE users DROP COLUMN version;
    DELETE FROM schema_version WHERE version >= 4;
"""

UNDO_MIGRATION_3 = UNDO_MIGRATION_4 + """
    DROP INDEX login_failures_expires;
    ALTER TABLE login_failures DROP COLUMN expires_at;
    DELETE FROM schema_version WHERE version >= 3;
"""


def test_migration_2_backfills_weekly_totals_and_runs_version(tmp_path):
    db_path = tmp_path / "old.db"
    env = {"JOGTRACK_DATABASE_URL": f"sqlite:{db_path}"}
    first = run(["migrate"], env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    # Turn the fresh database back into a version-1 one holding runs.
    db = sqlite3.connect(db_path)
    db.executescript(UNDO_MIGRATION_3 + """
        DROP TABLE weekly_totals;
        DROP INDEX runs_user_date_cover;
        ALTER TABLE users DROP COLUMN runs_version;
        DELETE FROM schema_version WHERE version >= 2;
    """)
    for uid in (1, 2):
        db.execute("INSERT INTO users (user_id, username, username_key, scopes, role, password_hash, created_at) "
                   "VALUES (?, ?, ?, 'runs:own', 'user', 'x', '2020-01-01T00:00:00Z')", (uid, f"u{uid}", f"u{uid}"))
    runs = [(1, "2020-12-31", 2020, 53, 3000, 1000), (1, "2021-01-03", 2020, 53, 1000, 500),
            (1, "2021-01-04", 2021, 1, 5000, 1250), (2, "2021-01-04", 2021, 1, 700, 100)]
    for uid, date, year, week, dist, secs in runs:
        db.execute("INSERT INTO runs (user_id, date, distance, time, speed, location, latitude, longitude, condition, "
                   "iso_year, iso_week, created_at, updated_at) VALUES (?, ?, ?, ?, 1.0, 'x', 0, 0, '{}', ?, ?, "
                   "'2021-01-01T00:00:00Z', '2021-01-01T00:00:00Z')", (uid, date, dist, secs, year, week))
    db.commit()
    db.close()

    second = run(["migrate"], env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    db = sqlite3.connect(db_path)
    assert db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] >= 2
    totals = db.execute("SELECT user_id, iso_year, iso_week, runs, total_distance, total_time FROM weekly_totals "
                        "ORDER BY 1, 2, 3").fetchall()
    assert totals == [(1, 2020, 53, 2, 4000, 1500), (1, 2021, 1, 1, 5000, 1250), (2, 2021, 1, 1, 700, 100)]
    assert db.execute("SELECT DISTINCT runs_version FROM users").fetchall() == [(0,)]
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "runs_user_date_cover" in indexes
    db.close()


def test_migration_3_gives_login_failures_an_expiry(tmp_path):
    db_path = tmp_path / "old.db"
    env = {"JOGTRACK_DATABASE_URL": f"sqlite:{db_path}"}
    assert run(["migrate"], env=env, cwd=tmp_path).returncode == 0
    db = sqlite3.connect(db_path)
    db.executescript(UNDO_MIGRATION_3)
    db.executemany("INSERT INTO login_failures (attempt_key, at) VALUES (?, ?)",
                   [("user:alice", 1_700_000_000), ("addr:127.0.0.1", 1_700_000_100)])
    db.commit()
    db.close()

    res = run(["migrate"], env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    db = sqlite3.connect(db_path)
    # they were 15-minute login failures: they stop counting 900 s after they happened
    rows = db.execute("SELECT attempt_key, at, expires_at FROM login_failures ORDER BY at").fetchall()
    assert rows == [("user:alice", 1_700_000_000, 1_700_000_900), ("addr:127.0.0.1", 1_700_000_100, 1_700_001_000)]
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "login_failures_expires" in indexes
    db.close()


def test_migration_4_versions_existing_rows_and_adds_idempotency_keys(tmp_path):
    db_path = tmp_path / "old.db"
    env = {"JOGTRACK_DATABASE_URL": f"sqlite:{db_path}"}
    assert run(["migrate"], env=env, cwd=tmp_path).returncode == 0
    db = sqlite3.connect(db_path)
    db.executescript(UNDO_MIGRATION_4)
    db.execute("INSERT INTO users (user_id, username, username_key, scopes, role, password_hash, created_at) "
               "VALUES (1, 'u1', 'u1', 'user', 'user', 'x', '2020-01-01T00:00:00Z')")
    db.execute("INSERT INTO runs (user_id, date, distance, time, speed, location, latitude, longitude, condition, "
               "iso_year, iso_week, created_at, updated_at) VALUES (1, '2021-01-04', 1, 1, 1.0, 'x', 0, 0, '{}', "
               "2021, 1, '2021-01-01T00:00:00Z', '2021-01-01T00:00:00Z')")
    db.commit()
    db.close()

    res = run(["migrate"], env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    db = sqlite3.connect(db_path)
    # existing rows start at version 1: their first ETag is "v1"
    assert db.execute("SELECT version FROM users").fetchall() == [(1,)]
    assert db.execute("SELECT version FROM runs").fetchall() == [(1,)]
    assert db.execute("SELECT COUNT(*) FROM idempotency_keys").fetchone() == (0,)
    db.close()
