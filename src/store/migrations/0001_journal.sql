-- The journal, its Merkle tree and checkpoints, idempotency records,
-- metadata, and the credential store.  Written in SQLite's dialect with
-- INTEGER / TEXT / BLOB only; migrate.c turns INTEGER into BIGINT and BLOB
-- into BYTEA for PostgreSQL and drops WITHOUT ROWID.

-- One row per journal entry: its canonical bytes and leaf hash.
CREATE TABLE journal (
    seq INTEGER PRIMARY KEY,
    entry BLOB NOT NULL,
    leaf BLOB NOT NULL
);

-- The tree as of the last commit: size and frontier (the roots of the
-- perfect subtrees making up the tree, 32 bytes each, largest first).
-- Writers lock this row first, which also serialises them on PostgreSQL.
CREATE TABLE journal_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL,
    frontier BLOB NOT NULL,
    checkpoint_size INTEGER NOT NULL,
    checkpoint_at_us INTEGER NOT NULL
);
INSERT INTO journal_head (id, size, frontier, checkpoint_size, checkpoint_at_us)
    VALUES (1, 0, X'', 0, 0);

-- Hashes of perfect subtrees of 256 leaves and more (level >= 8), so a
-- proof needs at most 255 leaf hashes plus one node per level.
CREATE TABLE merkle_node (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed tree heads (C2SP checkpoint notes).
CREATE TABLE checkpoint (
    size INTEGER PRIMARY KEY,
    at_us INTEGER NOT NULL,
    note TEXT NOT NULL
);

-- Client request ids already carried out: a repeat returns the first result.
CREATE TABLE request (
    req TEXT PRIMARY KEY,
    cmd_hash BLOB,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    at_us INTEGER NOT NULL
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Credential store: never journaled, never replicated.
-- Per-person keys for personal data; deleting a row erases the person.
CREATE TABLE cred_person_key (
    person TEXT PRIMARY KEY,
    key BLOB NOT NULL,
    created_at_us INTEGER NOT NULL
);
