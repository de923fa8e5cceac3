/* SPDX-License-Identifier: Apache-2.0 */
/*
 * migrate.h - schema migrations, from empty to current, on either engine
 *
 * Migrations are src/store/migrations/NNNN_name.sql, embedded at build time
 * by scripts/embed-sql.  They are written in SQLite's dialect using only
 * INTEGER, TEXT and BLOB; for PostgreSQL the words INTEGER and BLOB become
 * BIGINT and BYTEA and "WITHOUT ROWID" is dropped.  Applied versions are
 * recorded in schema_migration; each runs in its own transaction.
 */
#pragma once

#include "compat.h"

struct bol_db;
struct bol_diag;

struct bol_migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct bol_migration bol_migrations[];
extern const size_t bol_migrations_count;

/* Apply every migration the database lacks.  *ret_applied (may be NULL) counts them. */
BOL_MUST_CHECK int bol_migrate(struct bol_db *db, unsigned *ret_applied, struct bol_diag *diag);

/* Highest version applied, 0 for an empty database. */
BOL_MUST_CHECK int bol_migrate_version(struct bol_db *db, int *ret, struct bol_diag *diag);

/* The SQL of a migration as the engine runs it, appended to out (PostgreSQL translation). */
struct bol_buf;
BOL_MUST_CHECK int bol_migrate_translate(const char *sql, bool postgres, struct bol_buf *out);
