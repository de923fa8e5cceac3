-- What the monthly self-inspection (bollard inspect) reads from the
-- credential store besides the hashes.
--
-- verdict: how the password was judged when it was set, never the password:
-- 'ok', 'generated' (a one-time password bollard made) or 'weak: REASON'
-- (allowed by the rules, but a dictionary check found it weak).  NULL for a
-- password set before this migration.
--
-- last_login_us: the last successful login, for dormant accounts; NULL when
-- the account has not logged in since this migration.
ALTER TABLE cred_password ADD COLUMN verdict TEXT;
ALTER TABLE cred_password ADD COLUMN last_login_us INTEGER;
