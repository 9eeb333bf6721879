-- Performance: a covering index so a filtered list's COUNT(*) never reads the
-- table; users.runs_version, bumped in the transaction of every run write,
-- which keys the cached list totals (valid across instances); and
-- weekly_totals, per user and ISO week what the weekly report would group from
-- runs (run writes keep it in step in their own transaction), backfilled here.

CREATE INDEX runs_user_date_cover ON runs(user_id, date, distance, time, result_id);
ALTER TABLE users ADD COLUMN runs_version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE weekly_totals (
  user_id INTEGER NOT NULL REFERENCES users(user_id),
  iso_year INTEGER NOT NULL,
  iso_week INTEGER NOT NULL,
  runs INTEGER NOT NULL,
  total_distance INTEGER NOT NULL,
  total_time INTEGER NOT NULL,
  PRIMARY KEY (user_id, iso_year, iso_week)) WITHOUT ROWID;
INSERT INTO weekly_totals (user_id, iso_year, iso_week, runs, total_distance, total_time)
  SELECT user_id, iso_year, iso_week, COUNT(*), SUM(distance), SUM(time)
  FROM runs GROUP BY user_id, iso_year, iso_week;
