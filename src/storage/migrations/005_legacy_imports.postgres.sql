-- What `jogtrack import-seed` brought over from the original system:
-- (kind "user"/"run", its id there) -> the id here, so importing twice adds
-- nothing twice.

CREATE TABLE legacy_imports (
  kind TEXT COLLATE "C" NOT NULL,
  source_id BIGINT NOT NULL,
  target_id BIGINT NOT NULL,
  PRIMARY KEY (kind, source_id));
