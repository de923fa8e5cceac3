/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db_pg.c - the PostgreSQL engine of the SQL interface, through libpq
 *
 * Statements are prepared once per connection (PQprepare) and run with
 * PQexecPrepared.  Integers go to the server as text (the server converts to
 * whatever integer type the column has); byte strings go in binary; results
 * come back in binary and are decoded by column type.  Notices (such as
 * "relation already exists, skipping") are dropped: the caller decides what
 * to report.
 */
#include "compat.h"

#include <arpa/inet.h>
#include <libpq-fe.h>

#include "db-int.h"
#include "errors.h"
#include "mem.h"

/* Type OIDs from PostgreSQL's pg_type catalogue. */
#define OID_BYTEA 17
#define OID_INT8  20
#define OID_INT2  21
#define OID_INT4  23
#define OID_TEXT  25

struct pg_db {
    struct bol_db base;
    PGconn *conn;
    struct stmt_cache cache;
    unsigned next_name;
    int64_t changes;
};

static int map_sqlstate(const char *state)
{
    if (!state || strlen(state) != 5)
        return BOL_E_INTERNAL;
    if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
        return BOL_E_STORE_BUSY;
    if (!strcmp(state, "23505"))
        return BOL_E_CONFLICT;
    if (!strncmp(state, "23", 2))
        return BOL_E_STORE_CONSTRAINT;
    if (!strcmp(state, "53100"))
        return BOL_E_NOSPACE;
    if (!strncmp(state, "53", 2))
        return BOL_E_NOMEM;
    if (!strcmp(state, "XX001") || !strcmp(state, "XX002"))
        return BOL_E_CORRUPT;
    if (!strncmp(state, "08", 2) || !strncmp(state, "57", 2) || !strncmp(state, "58", 2))
        return BOL_E_IO;
    if (!strncmp(state, "28", 2))
        return BOL_E_AUTH;
    if (!strcmp(state, "42501") || !strcmp(state, "25006"))
        return BOL_E_PERM;
    if (!strcmp(state, "3D000"))
        return BOL_E_NOTFOUND;
    return BOL_E_INTERNAL;
}

static int fail_res(struct pg_db *d, PGresult *res, const char *what, struct bol_diag *diag)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn);
    int code = state ? map_sqlstate(state) : BOL_E_IO;
    size_t n = msg ? strlen(msg) : 0;

    /* libpq messages end in a newline. */
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    code = bol_diag_fail(diag, code, "postgres", "%s: %.*s", what, (int) n, msg ? msg : "");
    if (diag && state)
        snprintf(diag->sqlstate, sizeof(diag->sqlstate), "%s", state);
    return code;
}

/* ---- rows ---- */

static unsigned row_ncols(const struct bol_db_row *row)
{
    return (unsigned) PQnfields(row->impl);
}

static bool row_is_null(const struct bol_db_row *row, unsigned col)
{
    return PQgetisnull(row->impl, row->index, (int) col) != 0;
}

static int64_t row_int(const struct bol_db_row *row, unsigned col)
{
    const unsigned char *p;
    uint64_t v = 0;
    int len, i;

    if (PQgetisnull(row->impl, row->index, (int) col))
        return 0;
    p = (const unsigned char *) PQgetvalue(row->impl, row->index, (int) col);
    len = PQgetlength(row->impl, row->index, (int) col);
    if (len == 1) /* boolean (x IS NULL, a = b): 0 or 1, as SQLite gives it */
        return p[0] != 0;
    if (len != 2 && len != 4 && len != 8)
        return 0;
    for (i = 0; i < len; i++)
        v = v << 8 | p[i];
    /* Sign-extend the shorter integer types. */
    if (len == 2)
        return (int16_t) v;
    if (len == 4)
        return (int32_t) v;
    return (int64_t) v;
}

static struct bol_str row_bytes(const struct bol_db_row *row, unsigned col)
{
    if (PQgetisnull(row->impl, row->index, (int) col))
        return bol_str_make(NULL, 0);
    return bol_str_make(PQgetvalue(row->impl, row->index, (int) col),
                        (size_t) PQgetlength(row->impl, row->index, (int) col));
}

static const struct bol_db_row_ops pg_row_ops = { row_ncols, row_is_null, row_int, row_bytes };

/* ---- operations ---- */

static void pg_close(struct bol_db *db)
{
    struct pg_db *d = (struct pg_db *) db;

    /* Prepared statements die with the connection. */
    stmt_cache_release(&d->cache, NULL);
    PQfinish(d->conn);
    bol_free(d);
}

static int pg_exec_script(struct bol_db *db, const char *sql, struct bol_diag *diag)
{
    struct pg_db *d = (struct pg_db *) db;
    PGresult *res;

    db->writes++;
    res = PQexec(d->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int r = 0;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        r = fail_res(d, res, "cannot run SQL", diag);
    PQclear(res);
    return r;
}

/* Parameter types, decided by the values of a statement's first call. */
static int prepare(struct pg_db *d, const struct bol_sql *q, const struct bol_db_val *params,
                   unsigned n, struct stmt_slot **ret, struct bol_diag *diag)
{
    struct stmt_slot *slot = stmt_cache_get(&d->cache, q);
    Oid types[BOL_DB_PARAMS_MAX];
    char name[24];
    PGresult *res;
    unsigned k;

    if (!slot)
        return bol_diag_fail(diag, BOL_E_NOMEM, "postgres", "out of memory");
    if (slot->handle) {
        *ret = slot;
        return 0;
    }
    for (k = 0; k < n; k++) {
        switch (params[k].type) {
        case BOL_DBT_INT:
            types[k] = OID_INT8;
            break;
        case BOL_DBT_TEXT:
            types[k] = OID_TEXT;
            break;
        case BOL_DBT_BLOB:
            types[k] = OID_BYTEA;
            break;
        default:
            types[k] = 0; /* let the server infer */
            break;
        }
    }
    snprintf(name, sizeof(name), "b%u", ++d->next_name);
    res = PQprepare(d->conn, name, q->text, (int) n, types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int r = fail_res(d, res, "cannot prepare a statement", diag);

        PQclear(res);
        return r;
    }
    PQclear(res);
    /* The handle only needs to be non-NULL; the name is derived from extra[0]. */
    slot->extra[0] = (int) d->next_name;
    slot->handle = slot;
    *ret = slot;
    return 0;
}

static int pg_query(struct bol_db *db, const struct bol_sql *q, const struct bol_db_val *params,
                    unsigned nparams, bol_db_row_fn fn, void *ctx, struct bol_diag *diag)
{
    struct pg_db *d = (struct pg_db *) db;
    struct bol_db_row row = { &pg_row_ops, NULL, 0 };
    const char *values[BOL_DB_PARAMS_MAX];
    int lengths[BOL_DB_PARAMS_MAX];
    int formats[BOL_DB_PARAMS_MAX];
    char ints[BOL_DB_PARAMS_MAX][24];
    struct stmt_slot *slot = NULL;
    char name[24];
    PGresult *res;
    ExecStatusType st;
    unsigned k;
    int r, i, nrows;

    r = prepare(d, q, params, nparams, &slot, diag);
    if (r < 0 || !slot)
        return r < 0 ? r : BOL_E_INTERNAL;
    for (k = 0; k < nparams; k++) {
        const struct bol_db_val *v = &params[k];

        formats[k] = 0;
        lengths[k] = 0;
        switch (v->type) {
        case BOL_DBT_NULL:
            values[k] = NULL;
            break;
        case BOL_DBT_INT:
            snprintf(ints[k], sizeof(ints[k]), "%" PRId64, v->i);
            values[k] = ints[k];
            break;
        case BOL_DBT_TEXT:
            if (v->len > INT32_MAX || memchr(v->p ? v->p : "", '\0', v->len))
                return bol_diag_fail(diag, BOL_E_INVAL, "postgres", "text parameter $%u has a NUL",
                                     k + 1);
            values[k] = v->p ? v->p : "";
            lengths[k] = (int) v->len;
            formats[k] = 1; /* binary text is the bytes themselves */
            break;
        default:
            if (v->len > INT32_MAX)
                return bol_diag_fail(diag, BOL_E_TOOBIG, "postgres", "parameter $%u too large",
                                     k + 1);
            values[k] = v->p ? v->p : "";
            lengths[k] = (int) v->len;
            formats[k] = 1;
            break;
        }
    }
    snprintf(name, sizeof(name), "b%d", slot->extra[0]);
    /* Conservative: anything but a plain SELECT may write. */
    if (strncmp(q->text, "SELECT", 6) != 0)
        db->writes++;
    res = PQexecPrepared(d->conn, name, (int) nparams, values, lengths, formats, 1);
    st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        r = fail_res(d, res, "cannot query", diag);
        PQclear(res);
        return r;
    }
    {
        const char *ct = PQcmdTuples(res);

        d->changes = (ct && *ct) ? (int64_t) strtoll(ct, NULL, 10) : 0;
    }
    r = 0;
    nrows = PQntuples(res);
    row.impl = res;
    for (i = 0; fn && i < nrows; i++) {
        row.index = i;
        r = fn(ctx, &row);
        if (r)
            break;
    }
    PQclear(res);
    return r;
}

static int pg_begin(struct bol_db *db, bool write, struct bol_diag *diag)
{
    return pg_exec_script(db, write ? "BEGIN" : "BEGIN READ ONLY", diag);
}

static int pg_commit(struct bol_db *db, struct bol_diag *diag)
{
    return pg_exec_script(db, "COMMIT", diag);
}

static void pg_rollback(struct bol_db *db)
{
    struct pg_db *d = (struct pg_db *) db;

    if (PQtransactionStatus(d->conn) != PQTRANS_IDLE)
        PQclear(PQexec(d->conn, "ROLLBACK"));
}

static int64_t pg_changes(struct bol_db *db)
{
    return ((struct pg_db *) db)->changes;
}

static const struct bol_db_ops pg_ops = {
    pg_close, pg_exec_script, pg_query, pg_begin, pg_commit, pg_rollback, pg_changes,
};

static void no_notices(void *arg, const char *message)
{
    (void) arg;
    (void) message;
}

int bol_db_open_pg(const char *url, unsigned flags, struct bol_db **ret, struct bol_diag *diag)
{
    struct pg_db *d;
    int r;

    if (!bol_db_url_is_pg(url))
        return bol_diag_fail(diag, BOL_E_INVAL, "db", "not a postgres:// URL");
    d = bol_calloc(1, sizeof(*d));
    if (!d)
        return bol_diag_fail(diag, BOL_E_NOMEM, "postgres", "out of memory");
    d->base.ops = &pg_ops;
    d->base.kind = BOL_DB_POSTGRES;
    d->conn = PQconnectdb(url);
    if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
        const char *msg = d->conn ? PQerrorMessage(d->conn) : "out of memory";
        size_t n = strlen(msg);

        while (n && msg[n - 1] == '\n')
            n--;
        r = bol_diag_fail(diag, BOL_E_IO, "postgres", "cannot connect: %.*s", (int) n, msg);
        goto fail;
    }
    PQsetNoticeProcessor(d->conn, no_notices, NULL);
    r = pg_exec_script(&d->base,
                       (flags & BOL_DB_READ_ONLY)
                           ? "SET client_encoding = 'UTF8'; SET synchronous_commit = on; "
                             "SET default_transaction_read_only = on"
                           : "SET client_encoding = 'UTF8'; SET synchronous_commit = on",
                       diag);
    if (r < 0)
        goto fail;
    *ret = &d->base;
    return 0;
fail:
    PQfinish(d->conn);
    bol_free(d);
    return r;
}
