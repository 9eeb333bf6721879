-- HTTP conventions (SPEC §6): a row version per run and per user, bumped by
-- every write, is their ETag and what If-Match is checked against;
-- idempotency_keys remembers POSTs sent with an Idempotency-Key for 24 h
-- (key_hash binds the key to its route and caller).

ALTER TABLE runs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TABLE idempotency_keys (
  key_hash TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  response TEXT,
  started_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE INDEX idempotency_keys_expires ON idempotency_keys(expires_at);
