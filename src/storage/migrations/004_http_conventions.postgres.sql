-- HTTP conventions (SPEC §6): a row version per run and per user, bumped by
-- every write, is their ETag and what If-Match is checked against;
-- idempotency_keys remembers POSTs sent with an Idempotency-Key for 24 h
-- (key_hash binds the key to its route and caller).

ALTER TABLE runs ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
CREATE TABLE idempotency_keys (
  key_hash TEXT COLLATE "C" PRIMARY KEY,
  fingerprint TEXT COLLATE "C" NOT NULL,
  response TEXT COLLATE "C",
  started_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL);
CREATE INDEX idempotency_keys_expires ON idempotency_keys(expires_at);
