-- What `jogtrack import-seed` brought over from the original system:
-- (kind "user"/"run", its id there) -> the id here, so importing twice adds
-- nothing twice.

CREATE TABLE legacy_imports (
  kind TEXT NOT NULL,
  source_id INTEGER NOT NULL,
  target_id INTEGER NOT NULL,
  PRIMARY KEY (kind, source_id));
