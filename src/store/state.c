/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state.c - state tables: creation from core's declarations, applying
 * events, digests and replay
 *
 * Each table's SQL is generated once per store from its declaration:
 *     put  INSERT ... ON CONFLICT (key) DO UPDATE SET other = excluded.other
 *     del  DELETE ... WHERE key = ...
 *     upd  UPDATE ... SET some = ... WHERE key = ... (one per set of columns)
 *     all  SELECT ... ORDER BY key (byte order on both engines, for digests)
 * plus the table's secondary indexes.
 * Table and column names come from core, never from input.
 */
#include "compat.h"

#include <unistd.h>

#include "entry.h"
#include "errors.h"
#include "events.h"
#include "mem.h"
#include "migrate.h"
#include "sha256.h"
#include "db-int.h"
#include "store-int.h"

static int build_sql(struct bol_store *s, struct table_sql *ts, struct bol_diag *diag)
{
    const struct bol_table *t = ts->t;
    bool pg = s->db->kind == BOL_DB_POSTGRES;
    struct bol_buf put = BOL_BUF_INIT(8192), del = BOL_BUF_INIT(8192);
    struct bol_buf all = BOL_BUF_INIT(8192), ddl = BOL_BUF_INIT(8192);
    struct bol_buf ins = BOL_BUF_INIT(8192);
    unsigned c;
    int r = 0;

    r |= bol_buf_addf(&ddl, "CREATE TABLE IF NOT EXISTS %s (", t->name);
    r |= bol_buf_addf(&put, "INSERT INTO %s (", t->name);
    r |= bol_buf_adds(&all, "SELECT ");
    for (c = 0; c < t->ncols; c++) {
        const struct bol_column *col = &t->cols[c];

        r |= bol_buf_addf(&ddl, "%s %s%s, ", col->name, col->type == BOL_V_INT ? "INTEGER" : "TEXT",
                          col->nullable ? "" : " NOT NULL");
        r |= bol_buf_addf(&put, "%s%s", c ? ", " : "", col->name);
        r |= bol_buf_addf(&all, "%s%s", c ? ", " : "", col->name);
    }
    r |= bol_buf_adds(&ddl, "PRIMARY KEY (");
    r |= bol_buf_adds(&put, ") VALUES (");
    for (c = 0; c < t->ncols; c++)
        r |= bol_buf_addf(&put, "%s$%u", c ? ", " : "", c + 1);
    r |= bol_buf_add(&ins, put.buf, put.len);
    r |= bol_buf_adds(&ins, ")");
    r |= bol_buf_adds(&put, ") ON CONFLICT (");
    r |= bol_buf_addf(&del, "DELETE FROM %s WHERE ", t->name);
    r |= bol_buf_addf(&all, " FROM %s ORDER BY ", t->name);
    for (c = 0; c < t->nkey; c++) {
        const struct bol_column *col = &t->cols[c];

        r |= bol_buf_addf(&ddl, "%s%s", c ? ", " : "", col->name);
        r |= bol_buf_addf(&put, "%s%s", c ? ", " : "", col->name);
        r |= bol_buf_addf(&del, "%s%s = $%u", c ? " AND " : "", col->name, c + 1);
        r |= bol_buf_addf(&all, "%s%s%s", c ? ", " : "", col->name,
                          pg && col->type == BOL_V_TEXT ? " COLLATE \"C\"" : "");
    }
    r |= bol_buf_adds(&ddl, "))");
    for (c = 0; t->indexes && t->indexes[c]; c++) {
        const char *ix = t->indexes[c];
        size_t k;

        r |= bol_buf_addf(&ddl, ";\nCREATE INDEX IF NOT EXISTS %s_", t->name);
        for (k = 0; ix[k]; k++)
            r |= bol_buf_addf(&ddl, "%c", ix[k] == ',' ? '_' : ix[k]);
        r |= bol_buf_addf(&ddl, " ON %s (%s)", t->name, ix);
    }
    if (t->nkey == t->ncols) {
        r |= bol_buf_adds(&put, ") DO NOTHING");
    } else {
        r |= bol_buf_adds(&put, ") DO UPDATE SET ");
        for (c = t->nkey; c < t->ncols; c++)
            r |= bol_buf_addf(&put, "%s%s = excluded.%s", c > t->nkey ? ", " : "", t->cols[c].name,
                              t->cols[c].name);
    }
    if (r) {
        r = bol_diag_fail(diag, BOL_E_NOMEM, "state", "cannot build SQL for table '%s'", t->name);
        goto out;
    }
    ts->put.text = bol_strndup(put.buf, put.len);
    ts->del.text = bol_strndup(del.buf, del.len);
    ts->all.text = bol_strndup(all.buf, all.len);
    ts->ddl = bol_strndup(ddl.buf, ddl.len);
    ts->ins.text = bol_strndup(ins.buf, ins.len);
    if (!ts->put.text || !ts->del.text || !ts->all.text || !ts->ddl || !ts->ins.text)
        r = bol_diag_fail(diag, BOL_E_NOMEM, "state", "out of memory");
out:
    bol_buf_release(&put);
    bol_buf_release(&del);
    bol_buf_release(&all);
    bol_buf_release(&ddl);
    bol_buf_release(&ins);
    return r;
}

void store_tables_release(struct bol_store *s)
{
    size_t i;
    unsigned u;

    for (i = 0; i < s->ntables; i++) {
        for (u = 0; u < s->tables[i].nupd; u++)
            bol_free((void *) s->tables[i].upd[u].sql.text);
        bol_free((void *) s->tables[i].put.text);
        bol_free((void *) s->tables[i].del.text);
        bol_free((void *) s->tables[i].all.text);
        bol_free((void *) s->tables[i].ins.text);
        bol_free(s->tables[i].ddl);
    }
    bol_free(s->tables);
    s->tables = NULL;
    s->ntables = 0;
}

int store_tables_prepare(struct bol_store *s, struct bol_diag *diag)
{
    const struct bol_table *const *t;
    size_t n, i;
    int r;

    t = bol_state_tables(&n);
    if (n > BOL_STATE_TABLES_MAX)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "state", "too many state tables");
    s->tables = bol_calloc(n, sizeof(*s->tables));
    if (!s->tables)
        return bol_diag_fail(diag, BOL_E_NOMEM, "state", "out of memory");
    s->ntables = n;
    for (i = 0; i < n; i++) {
        s->tables[i].t = t[i];
        r = build_sql(s, &s->tables[i], diag);
        if (r < 0)
            return r;
    }
    return 0;
}

static struct table_sql *find_table(struct bol_store *s, const struct bol_table *t)
{
    size_t i;

    for (i = 0; i < s->ntables; i++) {
        if (s->tables[i].t == t)
            return &s->tables[i];
    }
    return NULL;
}

/* Column c's value as a statement parameter. */
static int to_param(const struct bol_table *t, unsigned c, const struct bol_value *v,
                    struct bol_db_val *p, struct bol_diag *diag)
{
    if (v->type == BOL_V_NULL) {
        if (!t->cols[c].nullable)
            return bol_diag_fail(diag, BOL_E_INTERNAL, t->cols[c].name, "%s.%s may not be null",
                                 t->name, t->cols[c].name);
        *p = BOL_DBV_NULL;
    } else if (v->type != t->cols[c].type) {
        return bol_diag_fail(diag, BOL_E_INTERNAL, t->cols[c].name, "%s.%s has the wrong type",
                             t->name, t->cols[c].name);
    } else if (v->type == BOL_V_INT) {
        *p = BOL_DBV_INT(v->i);
    } else {
        *p = BOL_DBV_STR(v->s);
    }
    return 0;
}

/* The first n columns' values as parameters. */
static int to_params(const struct bol_table *t, const struct bol_value *v, unsigned n,
                     struct bol_db_val *p, struct bol_diag *diag)
{
    unsigned c;
    int r;

    for (c = 0; c < n; c++) {
        if ((r = to_param(t, c, &v[c], &p[c], diag)) < 0)
            return r;
    }
    return 0;
}

struct sink_ctx {
    struct bol_store *s;
    struct bol_diag *diag;
};

static int sink_put(void *ctx, const struct bol_table *t, const struct bol_value *row)
{
    struct sink_ctx *sc = ctx;
    struct table_sql *ts = find_table(sc->s, t);
    struct bol_db_val p[BOL_DB_PARAMS_MAX];
    int r;

    if (!ts || t->ncols > BOL_DB_PARAMS_MAX)
        return bol_diag_fail(sc->diag, BOL_E_INTERNAL, "state", "unknown table");
    r = to_params(t, row, t->ncols, p, sc->diag);
    return r ? r : bol_db_exec(sc->s->db, &ts->put, p, t->ncols, sc->diag);
}

static int sink_del(void *ctx, const struct bol_table *t, const struct bol_value *key)
{
    struct sink_ctx *sc = ctx;
    struct table_sql *ts = find_table(sc->s, t);
    struct bol_db_val p[BOL_DB_PARAMS_MAX];
    int r;

    if (!ts || t->nkey > BOL_DB_PARAMS_MAX)
        return bol_diag_fail(sc->diag, BOL_E_INTERNAL, "state", "unknown table");
    r = to_params(t, key, t->nkey, p, sc->diag);
    return r ? r : bol_db_exec(sc->s->db, &ts->del, p, t->nkey, sc->diag);
}

/* The UPDATE statement for this set of columns, built on first use. */
static const struct bol_sql *upd_sql(struct table_sql *ts, uint32_t cols, struct bol_diag *diag)
{
    const struct bol_table *t = ts->t;
    struct bol_buf b = BOL_BUF_INIT(8192);
    unsigned u, c, n = 0;
    int r = 0;

    for (u = 0; u < ts->nupd; u++) {
        if (ts->upd[u].cols == cols)
            return &ts->upd[u].sql;
    }
    if (ts->nupd == TABLE_UPD_MAX) {
        bol_diag_fail(diag, BOL_E_INTERNAL, "state", "too many kinds of update on '%s'", t->name);
        return NULL;
    }
    /* Keys are $1..$nkey; the columns set follow in column order. */
    r |= bol_buf_addf(&b, "UPDATE %s SET ", t->name);
    for (c = t->nkey; c < t->ncols; c++) {
        if (cols & (1u << c)) {
            r |= bol_buf_addf(&b, "%s%s = $%u", n ? ", " : "", t->cols[c].name, t->nkey + n + 1);
            n++;
        }
    }
    r |= bol_buf_adds(&b, " WHERE ");
    for (c = 0; c < t->nkey; c++)
        r |= bol_buf_addf(&b, "%s%s = $%u", c ? " AND " : "", t->cols[c].name, c + 1);
    if (r || !n) {
        bol_buf_release(&b);
        bol_diag_fail(diag, BOL_E_INTERNAL, "state", "cannot build an update of '%s'", t->name);
        return NULL;
    }
    ts->upd[ts->nupd].sql.text = bol_strndup(b.buf, b.len);
    bol_buf_release(&b);
    if (!ts->upd[ts->nupd].sql.text) {
        bol_diag_fail(diag, BOL_E_NOMEM, "state", "out of memory");
        return NULL;
    }
    ts->upd[ts->nupd].cols = cols;
    return &ts->upd[ts->nupd++].sql;
}

static int sink_upd(void *ctx, const struct bol_table *t, const struct bol_value *row,
                    uint32_t cols)
{
    struct sink_ctx *sc = ctx;
    struct table_sql *ts = find_table(sc->s, t);
    struct bol_db_val p[BOL_DB_PARAMS_MAX];
    const struct bol_sql *q;
    unsigned c, n;
    int r;

    if (!ts || t->ncols > BOL_DB_PARAMS_MAX || t->ncols > 32)
        return bol_diag_fail(sc->diag, BOL_E_INTERNAL, "state", "unknown table");
    q = upd_sql(ts, cols, sc->diag);
    if (!q)
        return sc->diag ? sc->diag->code : BOL_E_INTERNAL;
    r = to_params(t, row, t->nkey, p, sc->diag);
    for (c = t->nkey, n = t->nkey; r == 0 && c < t->ncols; c++) {
        if (cols & (1u << c))
            r = to_param(t, c, &row[c], &p[n++], sc->diag);
    }
    if (r == 0)
        r = bol_db_exec(sc->s->db, q, p, n, sc->diag);
    if (r == 0 && bol_db_changes(sc->s->db) == 0)
        return BOL_E_NOTFOUND;
    return r;
}

int store_apply(struct bol_store *s, const struct bol_entry *e, struct bol_diag *diag)
{
    struct sink_ctx sc = { s, diag };
    struct bol_mutation_sink sink = { sink_put, sink_del, sink_upd, &sc };

    return bol_event_apply(e, &sink, diag);
}

int store_apply_new(struct bol_store *s, const struct bol_entry *e,
                    const struct bol_event_prep *prep, struct bol_diag *diag)
{
    struct sink_ctx sc = { s, diag };
    struct bol_mutation_sink sink = { sink_put, sink_del, sink_upd, &sc };

    if (prep)
        return bol_event_apply_prepared(prep, e, &sink, diag);
    return bol_event_check_apply(e, &sink, diag);
}

/* ---- creating tables, rebuilding after a change of declarations ---- */

int store_tables_create(struct bol_store *s, struct bol_diag *diag)
{
    size_t i;
    int r;

    for (i = 0; i < s->ntables; i++) {
        struct bol_buf b = BOL_BUF_INIT(16384);

        r = bol_migrate_translate(s->tables[i].ddl, s->db->kind == BOL_DB_POSTGRES, &b);
        if (r == 0)
            r = bol_db_exec_script(s->db, b.buf, diag);
        bol_buf_release(&b);
        if (r < 0)
            return r;
    }
    return 0;
}

struct apply_ctx {
    struct bol_store *s;
    struct bol_diag *diag;
    uint64_t count;
};

static int apply_entry(void *ctx, uint64_t seq, struct bol_str bytes, const struct bol_hash *leaf)
{
    struct apply_ctx *ac = ctx;
    struct bol_entry e;
    int r;

    (void) leaf;
    r = bol_entry_decode(bytes, &e, ac->diag);
    if (r == 0 && e.seq != seq)
        r = bol_diag_fail(ac->diag, BOL_E_CORRUPT, "journal",
                          "entry %" PRIu64 " says it is %" PRIu64, seq, e.seq);
    if (r == 0)
        r = store_apply(ac->s, &e, ac->diag);
    if (r == 0)
        ac->count++;
    return r;
}

/* Drop and recreate every state table, then apply the whole journal: in one transaction. */
static int rebuild(struct bol_store *s, struct bol_diag *diag)
{
    struct apply_ctx ac = { s, diag, 0 };
    size_t i;
    int r;

    r = bol_db_begin(s->db, true, diag);
    for (i = 0; r == 0 && i < s->ntables; i++) {
        char sql[128];

        snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", s->tables[i].t->name);
        r = bol_db_exec_script(s->db, sql, diag);
    }
    if (r == 0)
        r = store_tables_create(s, diag);
    if (r == 0)
        r = bol_store_read(s, 1, 0, apply_entry, &ac, diag);
    if (r == 0) {
        char fp[65];

        bol_state_fingerprint(fp);
        r = store_meta_set(s, "state_fingerprint", fp, diag);
    }
    if (r == 0)
        r = bol_db_commit(s->db, diag);
    else
        bol_db_rollback(s->db);
    return r;
}

int store_tables_ensure(struct bol_store *s, struct bol_diag *diag)
{
    struct bol_buf have = BOL_BUF_INIT(128);
    char fp[65];
    int r;

    bol_state_fingerprint(fp);
    r = store_meta_get(s, "state_fingerprint", &have, diag);
    if (r == 0 && !strcmp(have.buf, fp)) {
        bol_buf_release(&have);
        return 0;
    }
    bol_buf_release(&have);
    if (r < 0 && r != BOL_E_NOTFOUND)
        return r;
    bol_diag_init(diag); /* a missing fingerprint only means: build the tables */
    if (s->read_only)
        return bol_diag_fail(diag, BOL_E_STATE, "state",
                             "state tables predate this bollard; open the store once for writing "
                             "to rebuild them");
    return rebuild(s, diag);
}

/* ---- digests ---- */

struct digest_ctx {
    struct bol_sha256_stream h;
    uint64_t rows;
    const struct bol_table *t;
};

static int digest_row(void *ctx, const struct bol_db_row *row)
{
    struct digest_ctx *dc = ctx;
    unsigned c;

    /* Each value: a type byte, then an 8-byte big-endian integer, or its length and bytes. */
    for (c = 0; c < dc->t->ncols; c++) {
        uint8_t hdr[9];
        uint64_t v;
        struct bol_str b = { "", 0 };
        int k;

        if (bol_db_row_is_null(row, c)) {
            hdr[0] = 'n';
            v = 0;
        } else if (dc->t->cols[c].type == BOL_V_INT) {
            hdr[0] = 'i';
            v = (uint64_t) bol_db_row_int(row, c);
        } else {
            hdr[0] = 't';
            b = bol_db_row_bytes(row, c);
            v = b.len;
        }
        for (k = 0; k < 8; k++)
            hdr[1 + k] = (uint8_t) (v >> (56 - 8 * k));
        bol_sha256_stream_update(&dc->h, hdr, sizeof(hdr));
        if (b.len)
            bol_sha256_stream_update(&dc->h, b.p, b.len);
    }
    dc->rows++;
    return 0;
}

int bol_store_state_digest(struct bol_store *s, struct bol_state_digest *out, struct bol_diag *diag)
{
    size_t i;
    int r;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < s->ntables; i++) {
        struct digest_ctx dc;

        dc.rows = 0;
        dc.t = s->tables[i].t;
        r = bol_sha256_stream_init(&dc.h);
        if (r < 0)
            return bol_diag_fail(diag, r, "digest", "out of memory");
        bol_sha256_stream_update(&dc.h, dc.t->name, strlen(dc.t->name) + 1);
        r = bol_db_query(s->db, &s->tables[i].all, NULL, 0, digest_row, &dc, diag);
        if (r < 0) {
            bol_sha256_stream_abort(&dc.h);
            return r;
        }
        snprintf(out->t[i].table, sizeof(out->t[i].table), "%s", dc.t->name);
        out->t[i].rows = dc.rows;
        bol_sha256_stream_final(&dc.h, out->t[i].hash.b);
        out->n++;
    }
    return 0;
}

/* ---- replay into a scratch database ---- */

#define REPLAY_BATCH 20000

struct replay_ctx {
    struct bol_store *dst;
    struct bol_diag *diag;
    uint64_t count;
    uint64_t in_batch;
};

static int replay_entry(void *ctx, uint64_t seq, struct bol_str bytes, const struct bol_hash *leaf)
{
    struct replay_ctx *rc = ctx;
    struct apply_ctx ac = { rc->dst, rc->diag, 0 };
    int r;

    r = apply_entry(&ac, seq, bytes, leaf);
    if (r < 0)
        return r;
    rc->count++;
    if (++rc->in_batch == REPLAY_BATCH) {
        r = bol_db_commit(rc->dst->db, rc->diag);
        if (r == 0)
            r = bol_db_begin(rc->dst->db, true, rc->diag);
        rc->in_batch = 0;
    }
    return r;
}

int bol_store_replay_into(struct bol_store *src, const char *path, struct bol_state_digest *out,
                          uint64_t *ret_events, struct bol_diag *diag)
{
    struct bol_store *dst;
    struct replay_ctx rc;
    int r;

    if (access(path, F_OK) == 0)
        return bol_diag_fail(diag, BOL_E_CONFLICT, "replay", "'%s' already exists", path);
    dst = bol_calloc(1, sizeof(*dst));
    if (!dst)
        return bol_diag_fail(diag, BOL_E_NOMEM, "replay", "out of memory");
    snprintf(dst->location, sizeof(dst->location), "%s", path);
    r = bol_db_open_sqlite(path, BOL_DB_CREATE, NULL, &dst->db, diag);
    if (r == 0)
        r = bol_db_exec_script(dst->db, "PRAGMA synchronous=OFF; PRAGMA journal_mode=OFF;", diag);
    if (r == 0)
        r = store_tables_prepare(dst, diag);
    if (r == 0)
        r = store_tables_create(dst, diag);
    if (r == 0)
        r = bol_db_begin(dst->db, true, diag);
    if (r == 0) {
        rc = (struct replay_ctx){ dst, diag, 0, 0 };
        r = bol_store_read(src, 1, 0, replay_entry, &rc, diag);
        if (r == 0)
            r = bol_db_commit(dst->db, diag);
        else
            bol_db_rollback(dst->db);
        if (ret_events)
            *ret_events = rc.count;
    }
    if (r == 0)
        r = bol_store_state_digest(dst, out, diag);
    bol_db_close(dst->db);
    store_tables_release(dst);
    bol_free(dst);
    return r;
}
