-- Attempt limits: each event row says when it stops counting, so rows of keys
-- never seen again can be pruned across the board (every limit has its own
-- window). Login failures so far had the 15-minute window. Registrations per
-- address are counted in the same table.

ALTER TABLE login_failures ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE login_failures SET expires_at = at + 900;
CREATE INDEX login_failures_expires ON login_failures(expires_at);
