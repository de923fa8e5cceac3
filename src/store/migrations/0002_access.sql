-- Credential store for access: secrets behind accounts, sessions and API
-- keys.  Never journaled, never replicated: the journal records that a
-- password was set or a key created, these tables hold what proves it.

-- Argon2id hash strings (libsodium's crypto_pwhash_str format).
CREATE TABLE cred_password (
    user_name TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    changed_at_us INTEGER NOT NULL
);

-- TOTP secrets; last_step is the newest time step used, so a code is
-- accepted once.  confirmed is 0 until the first code proves enrolment.
CREATE TABLE cred_totp (
    user_name TEXT PRIMARY KEY,
    secret BLOB NOT NULL,
    last_step INTEGER NOT NULL,
    confirmed INTEGER NOT NULL,
    created_at_us INTEGER NOT NULL
);

-- One-time recovery codes, hashed.
CREATE TABLE cred_recovery (
    user_name TEXT NOT NULL,
    code_hash BLOB NOT NULL,
    used_at_us INTEGER,
    PRIMARY KEY (user_name, code_hash)
);

-- Sessions by the SHA-256 of their token.
CREATE TABLE cred_session (
    token_hash BLOB PRIMARY KEY,
    user_name TEXT NOT NULL,
    created_at_us INTEGER NOT NULL,
    last_seen_us INTEGER NOT NULL,
    csrf BLOB NOT NULL,
    addr TEXT NOT NULL
);
CREATE INDEX cred_session_user ON cred_session (user_name);

-- API keys by id: SHA-256 of the secret part, and their last use.
CREATE TABLE cred_apikey (
    id TEXT PRIMARY KEY,
    secret_hash BLOB NOT NULL,
    last_used_us INTEGER,
    last_addr TEXT
);

-- Failed logins, for the lockout window.
CREATE TABLE cred_failure (
    user_name TEXT NOT NULL,
    at_us INTEGER NOT NULL,
    addr TEXT NOT NULL
);
CREATE INDEX cred_failure_user ON cred_failure (user_name, at_us);
