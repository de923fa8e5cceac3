/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db.c - engine-independent parts of the SQL interface
 */
#include "compat.h"

#include "db-int.h"
#include "errors.h"
#include "mem.h"

unsigned bol_db_row_ncols(const struct bol_db_row *row)
{
    return row->ops->ncols(row);
}

bool bol_db_row_is_null(const struct bol_db_row *row, unsigned col)
{
    return row->ops->is_null(row, col);
}

int64_t bol_db_row_int(const struct bol_db_row *row, unsigned col)
{
    return row->ops->get_int(row, col);
}

struct bol_str bol_db_row_bytes(const struct bol_db_row *row, unsigned col)
{
    return row->ops->get_bytes(row, col);
}

bool bol_db_url_is_pg(const char *url)
{
    return url && (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13));
}

void bol_db_close(struct bol_db *db)
{
    if (!db)
        return;
    if (db->in_tx)
        db->ops->rollback(db);
    db->ops->close(db);
}

int bol_db_exec_script(struct bol_db *db, const char *sql, struct bol_diag *diag)
{
    return db->ops->exec_script(db, sql, diag);
}

int bol_db_query(struct bol_db *db, const struct bol_sql *q, const struct bol_db_val *params,
                 unsigned nparams, bol_db_row_fn fn, void *ctx, struct bol_diag *diag)
{
    if (nparams > BOL_DB_PARAMS_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "sql", "more than %d parameters",
                             BOL_DB_PARAMS_MAX);
    return db->ops->query(db, q, params, nparams, fn, ctx, diag);
}

int bol_db_exec(struct bol_db *db, const struct bol_sql *q, const struct bol_db_val *params,
                unsigned nparams, struct bol_diag *diag)
{
    return bol_db_query(db, q, params, nparams, NULL, NULL, diag);
}

struct one_int {
    int64_t v;
    bool found;
};

static int take_int(void *ctx, const struct bol_db_row *row)
{
    struct one_int *o = ctx;

    o->v = bol_db_row_int(row, 0);
    o->found = true;
    return 1; /* one row is enough */
}

int bol_db_query_int(struct bol_db *db, const struct bol_sql *q, const struct bol_db_val *params,
                     unsigned nparams, int64_t *ret, struct bol_diag *diag)
{
    struct one_int o = { 0, false };
    int r = bol_db_query(db, q, params, nparams, take_int, &o, diag);

    if (r < 0)
        return r;
    if (!o.found)
        return BOL_E_NOTFOUND;
    *ret = o.v;
    return 0;
}

int bol_db_begin(struct bol_db *db, bool write, struct bol_diag *diag)
{
    int r;

    if (db->in_tx)
        return bol_diag_fail(diag, BOL_E_STATE, "transaction", "a transaction is already open");
    r = db->ops->begin(db, write, diag);
    if (r == 0) {
        db->in_tx = true;
        db->savepoints = 0;
    }
    return r;
}

int bol_db_commit(struct bol_db *db, struct bol_diag *diag)
{
    int r;

    if (!db->in_tx)
        return bol_diag_fail(diag, BOL_E_STATE, "transaction", "no transaction is open");
    r = db->ops->commit(db, diag);
    if (r < 0) {
        /* A failed COMMIT leaves nothing applied: roll back so the connection is usable. */
        db->ops->rollback(db);
    }
    db->in_tx = false;
    db->savepoints = 0;
    return r;
}

void bol_db_rollback(struct bol_db *db)
{
    if (!db->in_tx)
        return;
    db->ops->rollback(db);
    db->in_tx = false;
    db->savepoints = 0;
}

/* Savepoint statements per depth, prepared like any other statement. */
#define SP_DEPTH_MAX 16
static const struct bol_sql sp_set[SP_DEPTH_MAX] = {
    { "SAVEPOINT sp1" },  { "SAVEPOINT sp2" },  { "SAVEPOINT sp3" },  { "SAVEPOINT sp4" },
    { "SAVEPOINT sp5" },  { "SAVEPOINT sp6" },  { "SAVEPOINT sp7" },  { "SAVEPOINT sp8" },
    { "SAVEPOINT sp9" },  { "SAVEPOINT sp10" }, { "SAVEPOINT sp11" }, { "SAVEPOINT sp12" },
    { "SAVEPOINT sp13" }, { "SAVEPOINT sp14" }, { "SAVEPOINT sp15" }, { "SAVEPOINT sp16" },
};
static const struct bol_sql sp_release[SP_DEPTH_MAX] = {
    { "RELEASE SAVEPOINT sp1" },  { "RELEASE SAVEPOINT sp2" },  { "RELEASE SAVEPOINT sp3" },
    { "RELEASE SAVEPOINT sp4" },  { "RELEASE SAVEPOINT sp5" },  { "RELEASE SAVEPOINT sp6" },
    { "RELEASE SAVEPOINT sp7" },  { "RELEASE SAVEPOINT sp8" },  { "RELEASE SAVEPOINT sp9" },
    { "RELEASE SAVEPOINT sp10" }, { "RELEASE SAVEPOINT sp11" }, { "RELEASE SAVEPOINT sp12" },
    { "RELEASE SAVEPOINT sp13" }, { "RELEASE SAVEPOINT sp14" }, { "RELEASE SAVEPOINT sp15" },
    { "RELEASE SAVEPOINT sp16" },
};

int bol_db_savepoint(struct bol_db *db, struct bol_diag *diag)
{
    int r;

    if (!db->in_tx)
        return bol_diag_fail(diag, BOL_E_STATE, "transaction", "savepoint outside a transaction");
    if (db->savepoints == SP_DEPTH_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "transaction", "savepoints nested too deeply");
    r = bol_db_exec(db, &sp_set[db->savepoints], NULL, 0, diag);
    if (r == 0)
        db->savepoints++;
    return r;
}

int bol_db_release(struct bol_db *db, struct bol_diag *diag)
{
    int r;

    if (!db->in_tx || !db->savepoints)
        return bol_diag_fail(diag, BOL_E_STATE, "transaction", "no savepoint to release");
    r = bol_db_exec(db, &sp_release[db->savepoints - 1], NULL, 0, diag);
    if (r == 0)
        db->savepoints--;
    return r;
}

void bol_db_rollback_to(struct bol_db *db)
{
    char sql[96];

    if (!db->in_tx || !db->savepoints)
        return;
    /* ROLLBACK TO keeps the savepoint; release it so the depth matches. */
    snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT sp%u; RELEASE SAVEPOINT sp%u", db->savepoints,
             db->savepoints);
    if (db->ops->exec_script(db, sql, NULL) < 0) {
        bol_db_rollback(db);
        return;
    }
    db->savepoints--;
}

int64_t bol_db_changes(struct bol_db *db)
{
    return db->ops->changes(db);
}

uint64_t bol_db_writes(const struct bol_db *db)
{
    return db->writes;
}

/* ---- prepared statement cache ---- */

static size_t slot_hash(const struct bol_sql *q, size_t cap)
{
    uintptr_t x = (uintptr_t) q;

    x ^= x >> 17;
    x *= (uintptr_t) 0x9e3779b97f4a7c15ull;
    return (size_t) (x >> 7) & (cap - 1);
}

static int cache_grow(struct stmt_cache *c)
{
    size_t ncap = c->cap ? c->cap * 2 : 64;
    struct stmt_slot *ns = bol_calloc(ncap, sizeof(*ns));
    size_t i;

    if (!ns)
        return BOL_E_NOMEM;
    for (i = 0; i < c->cap; i++) {
        size_t h;

        if (!c->slots[i].key)
            continue;
        h = slot_hash(c->slots[i].key, ncap);
        while (ns[h].key)
            h = (h + 1) & (ncap - 1);
        ns[h] = c->slots[i];
    }
    bol_free(c->slots);
    c->slots = ns;
    c->cap = ncap;
    return 0;
}

struct stmt_slot *stmt_cache_get(struct stmt_cache *c, const struct bol_sql *q)
{
    size_t h;

    if ((c->used + 1) * 2 > c->cap && cache_grow(c) < 0)
        return NULL;
    h = slot_hash(q, c->cap);
    while (c->slots[h].key && c->slots[h].key != q)
        h = (h + 1) & (c->cap - 1);
    if (!c->slots[h].key) {
        c->slots[h].key = q;
        c->slots[h].handle = NULL;
        c->used++;
    }
    return &c->slots[h];
}

void stmt_cache_release(struct stmt_cache *c, void (*fn)(void *handle))
{
    size_t i;

    for (i = 0; i < c->cap; i++) {
        if (c->slots[i].key && c->slots[i].handle && fn)
            fn(c->slots[i].handle);
    }
    bol_free(c->slots);
    c->slots = NULL;
    c->cap = 0;
    c->used = 0;
}
