/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db.h - one small SQL interface over SQLite and PostgreSQL
 *
 * The store speaks to both engines through this table of operations, so the
 * journal, the credential store and the state tables are written once.
 * Statements are static `struct bol_sql` objects whose text uses $1, $2 ...
 * placeholders (both engines accept them); each connection prepares a
 * statement on first use and keeps it.  Values travel as struct bol_db_val in
 * binary form (no text conversion of integers or blobs, on either engine).
 *
 * Errors are mapped at this boundary: SQLITE_BUSY / SQLSTATE 40001 and 40P01
 * become BOL_E_STORE_BUSY (retry the transaction), unique violations
 * (SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY, SQLSTATE 23505) BOL_E_CONFLICT,
 * other constraint violations BOL_E_STORE_CONSTRAINT, SQLITE_FULL / 53100
 * BOL_E_NOSPACE, corruption (SQLITE_CORRUPT, SQLITE_NOTADB, XX001/XX002)
 * BOL_E_CORRUPT, and I/O failures BOL_E_IO.  The engine's own message and
 * SQLSTATE go into the diag.
 *
 * A connection is used by one thread at a time.
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

enum bol_db_kind {
    BOL_DB_SQLITE = 1,
    BOL_DB_POSTGRES = 2,
};

enum bol_db_type {
    BOL_DBT_NULL = 0,
    BOL_DBT_INT = 1,  /* int64 */
    BOL_DBT_TEXT = 2, /* bytes, not NUL-terminated */
    BOL_DBT_BLOB = 3,
};

struct bol_db_val {
    enum bol_db_type type;
    int64_t i;
    const void *p;
    size_t len;
};

#define BOL_DBV_NULL       ((struct bol_db_val){ .type = BOL_DBT_NULL })
#define BOL_DBV_INT(x)     ((struct bol_db_val){ .type = BOL_DBT_INT, .i = (int64_t) (x) })
#define BOL_DBV_TEXT(s, n) ((struct bol_db_val){ .type = BOL_DBT_TEXT, .p = (s), .len = (n) })
#define BOL_DBV_STR(str)                                                                           \
    ((struct bol_db_val){ .type = BOL_DBT_TEXT, .p = (str).p, .len = (str).len })
#define BOL_DBV_CSTR(s)    ((struct bol_db_val){ .type = BOL_DBT_TEXT, .p = (s), .len = strlen(s) })
#define BOL_DBV_BLOB(b, n) ((struct bol_db_val){ .type = BOL_DBT_BLOB, .p = (b), .len = (n) })

/*
 * A statement.  text uses $1..$N for parameters, standard SQL both engines
 * run (INSERT ... ON CONFLICT, no engine-specific functions).  Declare each one
 * once as `static const struct bol_sql`; its address is its identity.
 */
struct bol_sql {
    const char *text;
};

/* One result row, valid during the row callback only. */
struct bol_db_row;

unsigned bol_db_row_ncols(const struct bol_db_row *row);
bool bol_db_row_is_null(const struct bol_db_row *row, unsigned col);
/* INTEGER / BIGINT column, or a boolean as 0 or 1 (0 for NULL). */
int64_t bol_db_row_int(const struct bol_db_row *row, unsigned col);
/* TEXT or BLOB / BYTEA column as bytes (empty for NULL); valid during the callback. */
struct bol_str bol_db_row_bytes(const struct bol_db_row *row, unsigned col);

/* Row callback: return 0 to continue, anything else stops the query and is returned by it. */
typedef int (*bol_db_row_fn)(void *ctx, const struct bol_db_row *row);

struct bol_db;

struct bol_db_ops {
    void (*close)(struct bol_db *db);
    int (*exec_script)(struct bol_db *db, const char *sql, struct bol_diag *diag);
    int (*query)(struct bol_db *db, const struct bol_sql *q, const struct bol_db_val *params,
                 unsigned nparams, bol_db_row_fn fn, void *ctx, struct bol_diag *diag);
    int (*begin)(struct bol_db *db, bool write, struct bol_diag *diag);
    int (*commit)(struct bol_db *db, struct bol_diag *diag);
    void (*rollback)(struct bol_db *db);
    int64_t (*changes)(struct bol_db *db);
};

struct bol_db {
    const struct bol_db_ops *ops;
    enum bol_db_kind kind;
    bool in_tx;
    unsigned savepoints; /* depth of open savepoints */
    uint64_t writes;     /* statements run that may have changed data */
};

enum bol_db_open_flags {
    BOL_DB_READ_ONLY = 1 << 0,
    BOL_DB_CREATE = 1 << 1, /* SQLite: create the file if missing */
};

/*
 * Open a SQLite database file.  WAL journal, synchronous=FULL, foreign keys,
 * secure_delete (erased personal-data keys are overwritten), a busy timeout.
 * vfs may name a registered SQLite VFS (tests inject faults this way) or be NULL.
 */
BOL_MUST_CHECK int bol_db_open_sqlite(const char *path, unsigned flags, const char *vfs,
                                      struct bol_db **ret, struct bol_diag *diag);

/* Connect to PostgreSQL with a libpq URL ("postgres://..."). */
BOL_MUST_CHECK int bol_db_open_pg(const char *url, unsigned flags, struct bol_db **ret,
                                  struct bol_diag *diag);

/* True for the URL forms bol_db_open_pg accepts (postgres:// or postgresql://). */
bool bol_db_url_is_pg(const char *url);

/*
 * SQLite only: a schema of the connection ("main", or an attached one) as
 * one database image, handed to fn in pieces of at most 1 MiB.  The image is
 * made in a memory file with the backup API (db_image.c), so it has no size
 * limit but memory.  fn returns 0 or a negative code, which stops and is
 * returned.
 */
BOL_MUST_CHECK int bol_db_sqlite_image(struct bol_db *db, const char *schema,
                                       int (*fn)(void *ctx, const void *p, size_t n), void *ctx,
                                       struct bol_diag *diag);

/*
 * SQLite only: attach the image held in memory file fd (store.h:
 * bol_store_image_fd) as schema `name`,
 * read-only, until bol_db_exec_script "DETACH name".  The file is not
 * copied; the attachment holds a duplicate of fd, so the caller may close
 * its own.  BOL_E_CORRUPT when it is not a database.
 */
BOL_MUST_CHECK int bol_db_sqlite_attach_fd(struct bol_db *db, const char *name, int fd,
                                           struct bol_diag *diag);

/* Close; NULL is allowed.  An open transaction is rolled back. */
void bol_db_close(struct bol_db *db);

/* Run semicolon-separated SQL without parameters (schema scripts). */
BOL_MUST_CHECK int bol_db_exec_script(struct bol_db *db, const char *sql, struct bol_diag *diag);

/* Run a statement; fn (may be NULL) sees each row. */
BOL_MUST_CHECK int bol_db_query(struct bol_db *db, const struct bol_sql *q,
                                const struct bol_db_val *params, unsigned nparams, bol_db_row_fn fn,
                                void *ctx, struct bol_diag *diag);

/* Run a statement without result rows. */
BOL_MUST_CHECK int bol_db_exec(struct bol_db *db, const struct bol_sql *q,
                               const struct bol_db_val *params, unsigned nparams,
                               struct bol_diag *diag);

/*
 * Run a statement expected to return at most one row with one integer
 * column.  BOL_E_NOTFOUND when there is no row (and *ret is untouched).
 */
BOL_MUST_CHECK int bol_db_query_int(struct bol_db *db, const struct bol_sql *q,
                                    const struct bol_db_val *params, unsigned nparams, int64_t *ret,
                                    struct bol_diag *diag);

/*
 * Transactions.  begin(write=true) takes the write lock at once (SQLite BEGIN
 * IMMEDIATE), so a write transaction never fails half-way for lack of it.
 * Savepoints nest inside a transaction.
 */
BOL_MUST_CHECK int bol_db_begin(struct bol_db *db, bool write, struct bol_diag *diag);
BOL_MUST_CHECK int bol_db_commit(struct bol_db *db, struct bol_diag *diag);
void bol_db_rollback(struct bol_db *db);
BOL_MUST_CHECK int bol_db_savepoint(struct bol_db *db, struct bol_diag *diag);
BOL_MUST_CHECK int bol_db_release(struct bol_db *db, struct bol_diag *diag);
void bol_db_rollback_to(struct bol_db *db);

/* Rows changed by the last INSERT, UPDATE or DELETE. */
int64_t bol_db_changes(struct bol_db *db);

/*
 * A counter of statements run that were not read-only.  Unchanged across a
 * piece of work means that work wrote nothing (group commit uses this to skip
 * rolling back a unit that failed before writing).
 */
uint64_t bol_db_writes(const struct bol_db *db);
