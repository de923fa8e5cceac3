/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db_sqlite.c - the SQLite engine of the SQL interface
 *
 * One sqlite3 connection per struct bol_db.  Durability: WAL journal with
 * synchronous=FULL, so a COMMIT returns only after the WAL is on disk.
 */
#include "compat.h"

#include <sqlite3.h>

#include "db-int.h"
#include "errors.h"
#include "mem.h"

struct sqlite_db {
    struct bol_db base;
    sqlite3 *conn;
    struct stmt_cache cache;
    char path[4096];
};

static int map_rc(struct sqlite_db *d, int rc, const char *what, struct bol_diag *diag)
{
    int ext = d->conn ? sqlite3_extended_errcode(d->conn) : rc;
    const char *msg = d->conn ? sqlite3_errmsg(d->conn) : sqlite3_errstr(rc);
    int code;

    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = BOL_E_STORE_BUSY;
        break;
    case SQLITE_CONSTRAINT:
        code = (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
                   ? BOL_E_CONFLICT
                   : BOL_E_STORE_CONSTRAINT;
        break;
    case SQLITE_FULL:
        code = BOL_E_NOSPACE;
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        code = BOL_E_CORRUPT;
        break;
    case SQLITE_NOMEM:
        code = BOL_E_NOMEM;
        break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        code = BOL_E_PERM;
        break;
    case SQLITE_CANTOPEN:
        code = BOL_E_NOTFOUND;
        break;
    case SQLITE_TOOBIG:
        code = BOL_E_TOOBIG;
        break;
    case SQLITE_IOERR:
        code = BOL_E_IO;
        break;
    default:
        code = BOL_E_INTERNAL;
        break;
    }
    return bol_diag_fail(diag, code, "sqlite", "%s '%s': %s (%d)", what, d->path, msg, ext);
}

/* ---- rows ---- */

static unsigned row_ncols(const struct bol_db_row *row)
{
    return (unsigned) sqlite3_column_count(row->impl);
}

static bool row_is_null(const struct bol_db_row *row, unsigned col)
{
    return sqlite3_column_type(row->impl, (int) col) == SQLITE_NULL;
}

static int64_t row_int(const struct bol_db_row *row, unsigned col)
{
    return sqlite3_column_int64(row->impl, (int) col);
}

static struct bol_str row_bytes(const struct bol_db_row *row, unsigned col)
{
    /* column_blob returns the bytes of TEXT values too, without conversion. */
    const void *p = sqlite3_column_blob(row->impl, (int) col);
    int n = sqlite3_column_bytes(row->impl, (int) col);

    return bol_str_make(p, p ? (size_t) n : 0);
}

static const struct bol_db_row_ops sqlite_row_ops = { row_ncols, row_is_null, row_int, row_bytes };

/* ---- operations ---- */

static void finalize_stmt(void *h)
{
    sqlite3_finalize(h);
}

static void sq_close(struct bol_db *db)
{
    struct sqlite_db *d = (struct sqlite_db *) db;

    stmt_cache_release(&d->cache, finalize_stmt);
    sqlite3_close_v2(d->conn);
    bol_free(d);
}

static int sq_exec_script(struct bol_db *db, const char *sql, struct bol_diag *diag)
{
    struct sqlite_db *d = (struct sqlite_db *) db;
    int rc;

    db->writes++;
    rc = sqlite3_exec(d->conn, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : map_rc(d, rc, "cannot run SQL on", diag);
}

static int prepare(struct sqlite_db *d, const struct bol_sql *q, struct stmt_slot **ret,
                   struct bol_diag *diag)
{
    struct stmt_slot *slot = stmt_cache_get(&d->cache, q);
    sqlite3_stmt *st = NULL;
    int rc, k;

    if (!slot)
        return bol_diag_fail(diag, BOL_E_NOMEM, "sqlite", "out of memory");
    if (!slot->handle) {
        rc = sqlite3_prepare_v3(d->conn, q->text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK)
            return map_rc(d, rc, "cannot prepare a statement for", diag);
        /* $N names map to SQLite's own parameter indexes. */
        for (k = 0; k < BOL_DB_PARAMS_MAX; k++) {
            char name[8];

            snprintf(name, sizeof(name), "$%d", k + 1);
            slot->extra[k] = sqlite3_bind_parameter_index(st, name);
        }
        slot->handle = st;
    }
    *ret = slot;
    return 0;
}

static int bind(struct sqlite_db *d, struct stmt_slot *slot, const struct bol_db_val *params,
                unsigned n, struct bol_diag *diag)
{
    sqlite3_stmt *st = slot->handle;
    unsigned k;

    for (k = 0; k < n; k++) {
        int idx = slot->extra[k];
        int rc;

        if (!idx)
            return bol_diag_fail(diag, BOL_E_INTERNAL, "sqlite", "statement has no $%u", k + 1);
        switch (params[k].type) {
        case BOL_DBT_NULL:
            rc = sqlite3_bind_null(st, idx);
            break;
        case BOL_DBT_INT:
            rc = sqlite3_bind_int64(st, idx, params[k].i);
            break;
        case BOL_DBT_TEXT:
            rc = sqlite3_bind_text64(st, idx, params[k].p ? params[k].p : "", params[k].len,
                                     SQLITE_STATIC, SQLITE_UTF8);
            break;
        default:
            rc = sqlite3_bind_blob64(st, idx, params[k].p ? params[k].p : "", params[k].len,
                                     SQLITE_STATIC);
            break;
        }
        if (rc != SQLITE_OK)
            return map_rc(d, rc, "cannot bind a parameter for", diag);
    }
    return 0;
}

static int sq_query(struct bol_db *db, const struct bol_sql *q, const struct bol_db_val *params,
                    unsigned nparams, bol_db_row_fn fn, void *ctx, struct bol_diag *diag)
{
    struct sqlite_db *d = (struct sqlite_db *) db;
    struct bol_db_row row = { &sqlite_row_ops, NULL, 0 };
    struct stmt_slot *slot = NULL;
    sqlite3_stmt *st;
    int r, rc;

    r = prepare(d, q, &slot, diag);
    if (r < 0 || !slot)
        return r < 0 ? r : BOL_E_INTERNAL;
    st = slot->handle;
    if (!sqlite3_stmt_readonly(st))
        db->writes++;
    r = bind(d, slot, params, nparams, diag);
    if (r < 0)
        goto out;
    row.impl = st;
    for (;;) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            r = map_rc(d, rc, "cannot query", diag);
            goto out;
        }
        if (fn) {
            r = fn(ctx, &row);
            if (r)
                goto out;
        }
        row.index++;
    }
    r = 0;
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r;
}

static int sq_begin(struct bol_db *db, bool write, struct bol_diag *diag)
{
    return sq_exec_script(db, write ? "BEGIN IMMEDIATE" : "BEGIN", diag);
}

static int sq_commit(struct bol_db *db, struct bol_diag *diag)
{
    return sq_exec_script(db, "COMMIT", diag);
}

static void sq_rollback(struct bol_db *db)
{
    struct sqlite_db *d = (struct sqlite_db *) db;

    if (!sqlite3_get_autocommit(d->conn))
        sqlite3_exec(d->conn, "ROLLBACK", NULL, NULL, NULL);
}

static int64_t sq_changes(struct bol_db *db)
{
    return sqlite3_changes64(((struct sqlite_db *) db)->conn);
}

static const struct bol_db_ops sqlite_ops = {
    sq_close, sq_exec_script, sq_query, sq_begin, sq_commit, sq_rollback, sq_changes,
};

int bol_db_open_sqlite(const char *path, unsigned flags, const char *vfs, struct bol_db **ret,
                       struct bol_diag *diag)
{
    struct sqlite_db *d;
    int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_URI;
    int rc, r;

    d = bol_calloc(1, sizeof(*d));
    if (!d)
        return bol_diag_fail(diag, BOL_E_NOMEM, "sqlite", "out of memory");
    d->base.ops = &sqlite_ops;
    d->base.kind = BOL_DB_SQLITE;
    snprintf(d->path, sizeof(d->path), "%s", path);
    if (flags & BOL_DB_READ_ONLY)
        oflags |= SQLITE_OPEN_READONLY;
    else
        oflags |= SQLITE_OPEN_READWRITE | ((flags & BOL_DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
    rc = sqlite3_open_v2(path, &d->conn, oflags, vfs);
    if (rc != SQLITE_OK) {
        r = map_rc(d, rc, "cannot open", diag);
        goto fail;
    }
    sqlite3_extended_result_codes(d->conn, 1);
    sqlite3_busy_timeout(d->conn, 5000);
    /*
     * WAL + synchronous=FULL: a commit is durable when COMMIT returns.
     * secure_delete: deleted rows (erased personal-data keys) are overwritten.
     * The page cache is capped so a full replay stays within its memory budget.
     */
    r = sq_exec_script(&d->base,
                       (flags & BOL_DB_READ_ONLY)
                           ? "PRAGMA query_only=ON; PRAGMA cache_size=-32768;"
                           : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                             "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; "
                             "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=8000;",
                       diag);
    if (r < 0)
        goto fail;
    /* Fail now on a file that is not a database, not at the first query. */
    r = sq_exec_script(&d->base, "SELECT count(*) FROM sqlite_schema", diag);
    if (r < 0)
        goto fail;
    *ret = &d->base;
    return 0;
fail:
    if (d->conn)
        sqlite3_close_v2(d->conn);
    bol_free(d);
    return r;
}

struct sqlite3 *bol_db_sqlite_conn(struct bol_db *db)
{
    return db->kind == BOL_DB_SQLITE ? ((struct sqlite_db *) db)->conn : NULL;
}
