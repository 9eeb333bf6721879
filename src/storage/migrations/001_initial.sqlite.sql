-- The initial schema. Timestamps are RFC 3339 UTC text on both backends so
-- they compare, filter and render identically; iso_year/iso_week are computed
-- at write time so the weekly report groups on an index.

CREATE TABLE users (
  user_id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL,
  email TEXT,
  name TEXT,
  scopes TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT,
  modified_by INTEGER,
  deleted_at TEXT);
CREATE UNIQUE INDEX users_username_live ON users(username_key) WHERE deleted_at IS NULL;
CREATE INDEX users_role_live ON users(role) WHERE deleted_at IS NULL;
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(user_id),
  family TEXT NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);
CREATE TABLE login_failures (attempt_key TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX login_failures_key_at ON login_failures(attempt_key, at);
CREATE TABLE runs (
  result_id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(user_id),
  date TEXT NOT NULL,
  distance INTEGER NOT NULL,
  time INTEGER NOT NULL,
  speed REAL NOT NULL,
  location TEXT NOT NULL,
  latitude REAL NOT NULL,
  longitude REAL NOT NULL,
  condition TEXT NOT NULL,
  temperature_max REAL,
  temperature_min REAL,
  precipitation REAL,
  wind_speed REAL,
  weather_code INTEGER,
  iso_year INTEGER NOT NULL,
  iso_week INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX runs_user_date ON runs(user_id, date, result_id);
CREATE INDEX runs_user_week ON runs(user_id, iso_year, iso_week);
CREATE TABLE weather_cache (
  date TEXT NOT NULL,
  lat_centi INTEGER NOT NULL,
  lon_centi INTEGER NOT NULL,
  condition TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (date, lat_centi, lon_centi));
