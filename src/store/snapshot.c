/* SPDX-License-Identifier: Apache-2.0 */
/*
 * snapshot.c - state without a journal, and state snapshots (dump and load)
 *
 * A state-only store is a struct bol_store with state tables and a small
 * meta table but no journal: a replica rebuilds the terminal's state into one
 * from verified entries, so queries run on the backup host.
 *
 * A dump is the state tables' rows in primary-key order, in a byte stream
 * that both engines write and read alike (docs/internals/journal.md):
 *
 *   "BOLSTAT1"  fingerprint (64 hex)  seq (u64)  tables (u32)
 *   per table:  'T' name-len (u8) name  columns (u8)
 *               'R' value * columns      per row, in primary-key order
 *               'E' rows (u64)
 *   'Z'  SHA-256 of every byte before it, 'Z' included
 *
 * A value is 'n' (NULL), 'i' + 8 bytes (integer), or 't' + length (u32) +
 * bytes (text, at most BOL_ENTRY_MAX).  Integers are big-endian.
 */
#include "compat.h"

#include <unistd.h>

#include "entry.h"
#include "errors.h"
#include "mem.h"
#include "sha256.h"
#include "db-int.h"
#include "store-int.h"

#define DUMP_MAGIC     "BOLSTAT1"
#define DUMP_MAGIC_LEN 8
#define DUMP_HEAD_LEN  (DUMP_MAGIC_LEN + 64 + 8 + 4)
#define DUMP_VALUE_MAX BOL_ENTRY_MAX
#define DUMP_CHUNK     65536
/* Largest record the loader buffers: a row of BOL_TABLE_COLS_MAX values of the largest size. */
#define LOAD_RECORD_MAX ((size_t) BOL_TABLE_COLS_MAX * (DUMP_VALUE_MAX + 5) + 1)

static const struct bol_sql q_meta_ddl = {
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
};

/* ---- the state-only store ---- */

int bol_store_open_state(const char *path, struct bol_store **ret, struct bol_diag *diag)
{
    struct bol_store *s;
    char fp[65];
    int r;

    if (path && access(path, F_OK) == 0)
        return bol_diag_fail(diag, BOL_E_CONFLICT, "state", "'%s' already exists", path);
    if (path && strlen(path) >= STORE_PATH_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "state", "path too long");
    s = bol_calloc(1, sizeof(*s));
    if (!s)
        return bol_diag_fail(diag, BOL_E_NOMEM, "state", "out of memory");
    s->state_only = true;
    bol_buf_init(&s->entry_buf, NULL, BOL_ENTRY_MAX);
    snprintf(s->location, sizeof(s->location), "%s", path ? path : ":memory:");
    r = bol_db_open_sqlite(s->location, BOL_DB_CREATE, NULL, &s->db, diag);
    /* The state can be rebuilt from the replica's journal: a power cut may lose the last batch. */
    if (r == 0)
        r = bol_db_exec_script(s->db, "PRAGMA synchronous=NORMAL", diag);
    if (r == 0)
        r = bol_db_exec(s->db, &q_meta_ddl, NULL, 0, diag);
    if (r == 0)
        r = store_tables_prepare(s, diag);
    if (r == 0)
        r = store_tables_create(s, diag);
    if (r == 0) {
        bol_state_fingerprint(fp);
        r = store_meta_set(s, "state_fingerprint", fp, diag);
    }
    if (r == 0)
        r = store_meta_set(s, "state_seq", "0", diag);
    if (r < 0) {
        bol_store_close(s);
        if (path)
            unlink(path);
        return r;
    }
    *ret = s;
    return 0;
}

uint64_t bol_store_state_seq(const struct bol_store *s)
{
    return s->state_only ? s->state_seq : 0;
}

static void state_reset_batch(struct bol_store *s)
{
    if (s->db->in_tx)
        bol_db_rollback(s->db);
    s->state_seq = s->state_flushed;
    s->state_pending = 0;
}

int bol_store_state_flush(struct bol_store *s, struct bol_diag *diag)
{
    char seq[32];
    int r;

    if (!s->state_only)
        return bol_diag_fail(diag, BOL_E_STATE, "state", "not a state-only store");
    if (!s->db->in_tx)
        return 0;
    snprintf(seq, sizeof(seq), "%" PRIu64, s->state_seq);
    r = store_meta_set(s, "state_seq", seq, diag);
    if (r == 0)
        r = bol_db_commit(s->db, diag);
    if (r < 0) {
        state_reset_batch(s);
        return r;
    }
    s->state_flushed = s->state_seq;
    s->state_pending = 0;
    return 0;
}

int bol_store_state_apply(struct bol_store *s, struct bol_str entry, struct bol_diag *diag)
{
    struct bol_entry e;
    int r;

    if (!s->state_only)
        return bol_diag_fail(diag, BOL_E_STATE, "state", "not a state-only store");
    if (entry.len > BOL_ENTRY_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "entry", "entry larger than %u bytes",
                             BOL_ENTRY_MAX);
    r = bol_entry_decode(entry, &e, diag);
    if (r < 0)
        return r;
    if (e.seq != s->state_seq + 1)
        return bol_diag_fail(diag, BOL_E_INVAL, "seq",
                             "entry %" PRIu64 " cannot follow entry %" PRIu64, e.seq, s->state_seq);
    if (!s->db->in_tx) {
        r = bol_db_begin(s->db, true, diag);
        if (r < 0)
            return r;
    }
    r = store_apply(s, &e, diag);
    if (r < 0) {
        state_reset_batch(s);
        return r;
    }
    s->state_seq = e.seq;
    if (++s->state_pending >= BOL_STATE_BATCH)
        return bol_store_state_flush(s, diag);
    return 0;
}

/* ---- dump ---- */

struct dump {
    struct bol_store *s;
    int (*write)(void *ctx, const void *p, size_t n);
    void *ctx;
    struct bol_sha256_stream h;
    uint8_t buf[DUMP_CHUNK];
    size_t len;
    int r;
    const struct bol_table *t;
    uint64_t rows;
    struct bol_diag *diag;
};

static int dump_flush(struct dump *d)
{
    int r;

    if (!d->len || d->r < 0)
        return d->r;
    r = d->write(d->ctx, d->buf, d->len);
    d->len = 0;
    if (r < 0)
        d->r = bol_diag_fail(d->diag, r, "dump", "cannot write the snapshot");
    return d->r;
}

static int dump_put(struct dump *d, const void *p, size_t n)
{
    const uint8_t *b = p;

    bol_sha256_stream_update(&d->h, p, n);
    while (n && d->r == 0) {
        size_t k = BOL_MIN(n, sizeof(d->buf) - d->len);

        memcpy(d->buf + d->len, b, k);
        d->len += k;
        b += k;
        n -= k;
        if (d->len == sizeof(d->buf))
            dump_flush(d);
    }
    return d->r;
}

static void be64(uint8_t *o, uint64_t v)
{
    int k;

    for (k = 0; k < 8; k++)
        o[k] = (uint8_t) (v >> (56 - 8 * k));
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    int k;

    for (k = 0; k < 8; k++)
        v = v << 8 | p[k];
    return v;
}

static int dump_row(void *ctx, const struct bol_db_row *row)
{
    struct dump *d = ctx;
    unsigned c;

    if (dump_put(d, "R", 1) < 0)
        return d->r;
    for (c = 0; c < d->t->ncols; c++) {
        uint8_t hdr[9];

        if (bol_db_row_is_null(row, c)) {
            dump_put(d, "n", 1);
        } else if (d->t->cols[c].type == BOL_V_INT) {
            hdr[0] = 'i';
            be64(hdr + 1, (uint64_t) bol_db_row_int(row, c));
            dump_put(d, hdr, 9);
        } else {
            struct bol_str b = bol_db_row_bytes(row, c);

            if (b.len > DUMP_VALUE_MAX)
                return d->r = bol_diag_fail(d->diag, BOL_E_TOOBIG, d->t->cols[c].name,
                                            "%s.%s holds a value larger than %u bytes", d->t->name,
                                            d->t->cols[c].name, DUMP_VALUE_MAX);
            hdr[0] = 't';
            hdr[1] = (uint8_t) (b.len >> 24);
            hdr[2] = (uint8_t) (b.len >> 16);
            hdr[3] = (uint8_t) (b.len >> 8);
            hdr[4] = (uint8_t) b.len;
            dump_put(d, hdr, 5);
            dump_put(d, b.p, b.len);
        }
    }
    d->rows++;
    return d->r;
}

int bol_store_state_dump(struct bol_store *s, int (*write)(void *ctx, const void *p, size_t n),
                         void *ctx, uint64_t *ret_seq, struct bol_diag *diag)
{
    struct dump *d;
    uint8_t head[DUMP_HEAD_LEN], hash[BOL_SHA256_LEN];
    char fp[65];
    uint64_t seq = 0;
    size_t i;
    int r;

    if (s->state_only) {
        r = bol_store_state_flush(s, diag);
        if (r < 0)
            return r;
    } else if (s->db->in_tx) {
        return bol_diag_fail(diag, BOL_E_STATE, "dump", "dump inside a transaction");
    }
    d = bol_calloc(1, sizeof(*d));
    if (!d)
        return bol_diag_fail(diag, BOL_E_NOMEM, "dump", "out of memory");
    d->s = s;
    d->write = write;
    d->ctx = ctx;
    d->diag = diag;
    r = bol_sha256_stream_init(&d->h);
    if (r < 0) {
        bol_free(d);
        return bol_diag_fail(diag, r, "dump", "out of memory");
    }
    /* One read transaction: the rows and the seq are of one moment. */
    r = bol_db_begin(s->db, false, diag);
    if (r < 0)
        goto out;
    if (s->state_only)
        seq = s->state_seq;
    else
        r = bol_store_size(s, &seq, diag);
    if (r < 0)
        goto out;
    bol_state_fingerprint(fp);
    memcpy(head, DUMP_MAGIC, DUMP_MAGIC_LEN);
    memcpy(head + DUMP_MAGIC_LEN, fp, 64);
    be64(head + DUMP_MAGIC_LEN + 64, seq);
    head[DUMP_MAGIC_LEN + 72] = (uint8_t) (s->ntables >> 24);
    head[DUMP_MAGIC_LEN + 73] = (uint8_t) (s->ntables >> 16);
    head[DUMP_MAGIC_LEN + 74] = (uint8_t) (s->ntables >> 8);
    head[DUMP_MAGIC_LEN + 75] = (uint8_t) s->ntables;
    dump_put(d, head, sizeof(head));
    for (i = 0; i < s->ntables && d->r == 0; i++) {
        const struct bol_table *t = s->tables[i].t;
        uint8_t th[3], end[9];
        size_t nlen = strlen(t->name);

        th[0] = 'T';
        th[1] = (uint8_t) nlen;
        dump_put(d, th, 2);
        dump_put(d, t->name, nlen);
        th[2] = (uint8_t) t->ncols;
        dump_put(d, th + 2, 1);
        d->t = t;
        d->rows = 0;
        r = bol_db_query(s->db, &s->tables[i].all, NULL, 0, dump_row, d, diag);
        if (r < 0 || d->r < 0)
            break;
        end[0] = 'E';
        be64(end + 1, d->rows);
        dump_put(d, end, 9);
    }
    if (r == 0)
        r = d->r;
    if (r == 0) {
        dump_put(d, "Z", 1);
        bol_sha256_stream_final(&d->h, hash);
        /* The hash itself is not part of what it covers. */
        if (sizeof(d->buf) - d->len < sizeof(hash))
            dump_flush(d);
        memcpy(d->buf + d->len, hash, sizeof(hash));
        d->len += sizeof(hash);
        r = dump_flush(d);
    }
out:
    if (s->db->in_tx) {
        if (r == 0)
            r = bol_db_commit(s->db, diag);
        else
            bol_db_rollback(s->db);
    }
    bol_sha256_stream_abort(&d->h);
    bol_free(d);
    if (r == 0 && ret_seq)
        *ret_seq = seq;
    return r;
}

/* ---- load ---- */

enum load_stage {
    LOAD_HEAD,
    LOAD_TABLE, /* a table's header, or the end marker */
    LOAD_ROWS,
    LOAD_HASH,
    LOAD_DONE,
};

struct bol_state_loader {
    struct bol_store *s;
    struct bol_sha256_stream h;
    uint8_t digest[BOL_SHA256_LEN]; /* of everything up to the end marker */
    uint8_t *buf;
    size_t len, cap, pos;
    enum load_stage stage;
    size_t table;
    uint64_t rows;
    uint64_t seq;
    int failed; /* the first failure; every later call returns it */
};

static int first_row(void *ctx, const struct bol_db_row *row)
{
    (void) row;
    *(bool *) ctx = true;
    return 1;
}

int bol_store_state_load_begin(struct bol_store *s, struct bol_state_loader **ret,
                               struct bol_diag *diag)
{
    struct bol_state_loader *l;
    size_t i;
    int r;

    if (s->db->in_tx)
        return bol_diag_fail(diag, BOL_E_STATE, "load", "load inside a transaction");
    if (s->state_only && s->state_seq)
        return bol_diag_fail(diag, BOL_E_STATE, "load",
                             "the store has applied entries; load into an empty one");
    l = bol_calloc(1, sizeof(*l));
    if (!l)
        return bol_diag_fail(diag, BOL_E_NOMEM, "load", "out of memory");
    l->s = s;
    r = bol_sha256_stream_init(&l->h);
    if (r < 0) {
        bol_free(l);
        return bol_diag_fail(diag, r, "load", "out of memory");
    }
    r = bol_db_begin(s->db, true, diag);
    for (i = 0; r == 0 && i < s->ntables; i++) {
        bool any = false;

        r = bol_db_query(s->db, &s->tables[i].all, NULL, 0, first_row, &any, diag);
        if (r == 1)
            r = 0;
        if (r == 0 && any)
            r = bol_diag_fail(diag, BOL_E_STATE, "load",
                              "state table '%s' is not empty; load into an empty store",
                              s->tables[i].t->name);
    }
    if (r < 0) {
        bol_store_state_load_abort(l);
        return r;
    }
    *ret = l;
    return 0;
}

static int load_fail(struct bol_state_loader *l, int code, struct bol_diag *diag, const char *fmt,
                     ...) BOL_PRINTF(4, 5);

static int load_fail(struct bol_state_loader *l, int code, struct bol_diag *diag, const char *fmt,
                     ...)
{
    char msg[BOL_DIAG_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    l->failed = bol_diag_fail(diag, code, "snapshot", "%s", msg);
    return l->failed;
}

static const char *cur_table(const struct bol_state_loader *l)
{
    return l->table < l->s->ntables ? l->s->tables[l->table].t->name : "(end)";
}

/* Consume n bytes of the record just parsed into the hash. */
static void take(struct bol_state_loader *l, size_t n)
{
    bol_sha256_stream_update(&l->h, l->buf + l->pos, n);
    l->pos += n;
}

/* One row at buf[pos] (after 'R'): 0 and *used when whole, 1 when more bytes are needed. */
static int load_row(struct bol_state_loader *l, size_t *used, struct bol_diag *diag)
{
    const struct table_sql *ts = &l->s->tables[l->table];
    const struct bol_table *t = ts->t;
    struct bol_db_val p[BOL_TABLE_COLS_MAX];
    const uint8_t *b = l->buf + l->pos, *end = l->buf + l->len;
    size_t off = 1;
    unsigned c;
    int r;

    for (c = 0; c < t->ncols; c++) {
        uint8_t type;

        if (b + off >= end)
            return 1;
        type = b[off++];
        if (type == 'n') {
            if (!t->cols[c].nullable)
                return load_fail(l, BOL_E_CORRUPT, diag,
                                 "table '%s' row %" PRIu64 ": '%s' may not be null", t->name,
                                 l->rows + 1, t->cols[c].name);
            p[c] = BOL_DBV_NULL;
        } else if (type == 'i' && t->cols[c].type == BOL_V_INT) {
            if ((size_t) (end - b) < off + 8)
                return 1;
            p[c] = BOL_DBV_INT((int64_t) get_be64(b + off));
            off += 8;
        } else if (type == 't' && t->cols[c].type == BOL_V_TEXT) {
            size_t n;

            if ((size_t) (end - b) < off + 4)
                return 1;
            n = (size_t) b[off] << 24 | (size_t) b[off + 1] << 16 | (size_t) b[off + 2] << 8 |
                b[off + 3];
            if (n > DUMP_VALUE_MAX)
                return load_fail(l, BOL_E_CORRUPT, diag,
                                 "table '%s' row %" PRIu64 ": '%s' is longer than %u bytes",
                                 t->name, l->rows + 1, t->cols[c].name, DUMP_VALUE_MAX);
            off += 4;
            if ((size_t) (end - b) < off + n)
                return 1;
            p[c] = BOL_DBV_TEXT((const char *) b + off, n);
            off += n;
        } else {
            return load_fail(l, BOL_E_CORRUPT, diag,
                             "table '%s' row %" PRIu64 ": '%s' has a value of the wrong type",
                             t->name, l->rows + 1, t->cols[c].name);
        }
    }
    r = bol_db_exec(l->s->db, &ts->ins, p, t->ncols, diag);
    if (r < 0)
        return load_fail(l, r == BOL_E_CONFLICT ? BOL_E_CORRUPT : r, diag,
                         "table '%s' row %" PRIu64 ": cannot be stored: %s", t->name, l->rows + 1,
                         diag ? diag->msg : "");
    *used = off;
    return 0;
}

/* Parse what the buffer holds; stop at an incomplete record. */
static int load_parse(struct bol_state_loader *l, struct bol_diag *diag)
{
    for (;;) {
        const uint8_t *b = l->buf + l->pos;
        size_t have = l->len - l->pos;
        char fp[65];

        switch (l->stage) {
        case LOAD_HEAD: {
            uint32_t n;

            if (have < DUMP_HEAD_LEN)
                return 0;
            if (memcmp(b, DUMP_MAGIC, DUMP_MAGIC_LEN) != 0)
                return load_fail(l, BOL_E_CORRUPT, diag, "not a bollard state snapshot");
            bol_state_fingerprint(fp);
            if (memcmp(b + DUMP_MAGIC_LEN, fp, 64) != 0)
                return load_fail(l, BOL_E_STATE, diag,
                                 "the snapshot was made by a bollard with other state tables; "
                                 "replay the journal instead");
            l->seq = get_be64(b + DUMP_MAGIC_LEN + 64);
            n = (uint32_t) b[DUMP_MAGIC_LEN + 72] << 24 | (uint32_t) b[DUMP_MAGIC_LEN + 73] << 16 |
                (uint32_t) b[DUMP_MAGIC_LEN + 74] << 8 | b[DUMP_MAGIC_LEN + 75];
            if (n != l->s->ntables || l->seq > (uint64_t) INT64_MAX)
                return load_fail(l, BOL_E_CORRUPT, diag, "the snapshot's header is damaged");
            take(l, DUMP_HEAD_LEN);
            l->stage = LOAD_TABLE;
            break;
        }
        case LOAD_TABLE: {
            const struct bol_table *t;
            size_t nlen;

            if (have < 1)
                return 0;
            if (b[0] == 'Z') {
                if (l->table != l->s->ntables)
                    return load_fail(l, BOL_E_CORRUPT, diag, "the snapshot ends before table '%s'",
                                     cur_table(l));
                take(l, 1);
                bol_sha256_stream_final(&l->h, l->digest);
                l->stage = LOAD_HASH;
                break;
            }
            if (b[0] != 'T' || l->table >= l->s->ntables)
                return load_fail(l, BOL_E_CORRUPT, diag, "expected table '%s' in the snapshot",
                                 cur_table(l));
            if (have < 2)
                return 0;
            nlen = b[1];
            if (have < 3 + nlen)
                return 0;
            t = l->s->tables[l->table].t;
            if (nlen != strlen(t->name) || memcmp(b + 2, t->name, nlen) != 0 ||
                b[2 + nlen] != t->ncols)
                return load_fail(l, BOL_E_CORRUPT, diag,
                                 "expected table '%s' with %u columns in the snapshot", t->name,
                                 t->ncols);
            take(l, 3 + nlen);
            l->rows = 0;
            l->stage = LOAD_ROWS;
            break;
        }
        case LOAD_ROWS: {
            size_t used = 0;
            int r;

            if (have < 1)
                return 0;
            if (b[0] == 'E') {
                if (have < 9)
                    return 0;
                if (get_be64(b + 1) != l->rows)
                    return load_fail(l, BOL_E_CORRUPT, diag,
                                     "table '%s': the snapshot says %" PRIu64
                                     " rows but holds %" PRIu64,
                                     cur_table(l), get_be64(b + 1), l->rows);
                take(l, 9);
                l->table++;
                l->stage = LOAD_TABLE;
                break;
            }
            if (b[0] != 'R')
                return load_fail(l, BOL_E_CORRUPT, diag,
                                 "table '%s' row %" PRIu64 ": expected a row", cur_table(l),
                                 l->rows + 1);
            r = load_row(l, &used, diag);
            if (r < 0)
                return r;
            if (r == 1)
                return 0;
            take(l, used);
            l->rows++;
            break;
        }
        case LOAD_HASH:
            if (have < BOL_SHA256_LEN)
                return 0;
            if (memcmp(b, l->digest, BOL_SHA256_LEN) != 0)
                return load_fail(l, BOL_E_CORRUPT, diag,
                                 "the snapshot's SHA-256 does not match its contents");
            l->pos += BOL_SHA256_LEN;
            l->stage = LOAD_DONE;
            break;
        case LOAD_DONE:
            if (have)
                return load_fail(l, BOL_E_CORRUPT, diag, "bytes after the end of the snapshot");
            return 0;
        }
    }
}

int bol_store_state_load_feed(struct bol_state_loader *l, const void *p, size_t n,
                              struct bol_diag *diag)
{
    int r;

    if (l->failed)
        return bol_diag_fail(diag, l->failed, "snapshot", "the load failed before");
    if (l->stage == LOAD_DONE && n)
        return load_fail(l, BOL_E_CORRUPT, diag, "bytes after the end of the snapshot");
    while (n) {
        size_t k;

        /* Keep only the unparsed tail, then append as much as fits. */
        if (l->pos) {
            memmove(l->buf, l->buf + l->pos, l->len - l->pos);
            l->len -= l->pos;
            l->pos = 0;
        }
        if (l->len == l->cap) {
            size_t ncap = l->cap ? l->cap * 2 : DUMP_CHUNK;
            uint8_t *nb;

            if (l->cap >= LOAD_RECORD_MAX)
                return load_fail(l, BOL_E_CORRUPT, diag,
                                 "table '%s' row %" PRIu64 ": the record is too large",
                                 cur_table(l), l->rows + 1);
            ncap = BOL_MIN(ncap, LOAD_RECORD_MAX);
            nb = bol_realloc(l->buf, ncap);
            if (!nb)
                return load_fail(l, BOL_E_NOMEM, diag, "out of memory");
            l->buf = nb;
            l->cap = ncap;
        }
        k = BOL_MIN(n, l->cap - l->len);
        memcpy(l->buf + l->len, p, k);
        l->len += k;
        p = (const uint8_t *) p + k;
        n -= k;
        r = load_parse(l, diag);
        if (r < 0)
            return r;
    }
    return 0;
}

void bol_store_state_load_abort(struct bol_state_loader *l)
{
    if (!l)
        return;
    if (l->s->db->in_tx)
        bol_db_rollback(l->s->db);
    bol_sha256_stream_abort(&l->h);
    bol_free(l->buf);
    bol_free(l);
}

int bol_store_state_load_end(struct bol_state_loader *l, uint64_t *ret_seq, struct bol_diag *diag)
{
    struct bol_store *s = l->s;
    uint64_t seq = l->seq;
    int r = l->failed;

    if (r == 0 && (l->stage != LOAD_DONE || l->pos != l->len))
        r = load_fail(l, BOL_E_CORRUPT, diag, "the snapshot is cut short (in table '%s')",
                      cur_table(l));
    if (r == 0 && s->state_only) {
        char text[32];

        snprintf(text, sizeof(text), "%" PRIu64, seq);
        r = store_meta_set(s, "state_seq", text, diag);
    }
    if (r == 0)
        r = bol_db_commit(s->db, diag);
    bol_store_state_load_abort(l);
    if (r < 0)
        return r;
    if (s->state_only) {
        s->state_seq = seq;
        s->state_flushed = seq;
        s->state_pending = 0;
    }
    if (ret_seq)
        *ret_seq = seq;
    return 0;
}

/* ---- state as a SQLite database image ---- */

int bol_store_state_image(struct bol_store *s, int (*write)(void *ctx, const void *p, size_t n),
                          void *ctx, uint64_t *ret_seq, struct bol_diag *diag)
{
    int r;

    if (!s->state_only || s->db->kind != BOL_DB_SQLITE)
        return bol_diag_fail(diag, BOL_E_STATE, "state", "an image is made of a state-only store");
    r = bol_store_state_flush(s, diag);
    if (r == 0)
        r = bol_db_sqlite_image(s->db, "main", write, ctx, diag);
    if (r == 0 && ret_seq)
        *ret_seq = s->state_seq;
    return r;
}

static const struct bol_sql q_img_meta = { "SELECT value FROM snap.meta WHERE key = $1" };

static int take_text(void *ctx, const struct bol_db_row *row)
{
    struct bol_buf *b = ctx;

    bol_buf_reset(b);
    return bol_buf_addstr(b, bol_db_row_bytes(row, 0)) < 0 ? BOL_E_NOMEM : 1;
}

static int img_meta(struct bol_store *s, const char *key, struct bol_buf *out,
                    struct bol_diag *diag)
{
    struct bol_db_val p = BOL_DBV_STR(bol_str_from(key));
    int r;

    bol_buf_reset(out);
    r = bol_db_query(s->db, &q_img_meta, &p, 1, take_text, out, diag);
    if (r < 0)
        return r;
    if (out->len == 0)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "snapshot", "the image has no %s", key);
    return 0;
}

/* Copy every state table of the attached image into the empty tables of s (SQLite). */
static int img_copy(struct bol_store *s, struct bol_diag *diag)
{
    size_t i;
    int r = bol_db_begin(s->db, true, diag);

    for (i = 0; r == 0 && i < s->ntables; i++) {
        char sql[160];

        /* identical declarations: SQLite moves the b-trees' records without decoding them */
        snprintf(sql, sizeof(sql), "INSERT INTO main.%s SELECT * FROM snap.%s",
                 s->tables[i].t->name, s->tables[i].t->name);
        r = bol_db_exec_script(s->db, sql, diag);
    }
    if (r == 0)
        r = bol_db_commit(s->db, diag);
    else
        bol_db_rollback(s->db);
    return r;
}

struct feed_loader {
    struct bol_state_loader *l;
    struct bol_diag *diag;
};

static int feed_rows(void *ctx, const void *p, size_t n)
{
    struct feed_loader *f = ctx;

    return bol_store_state_load_feed(f->l, p, n, f->diag);
}

int bol_store_state_load_image(struct bol_store *s, const void *image, size_t n, uint64_t *ret_seq,
                               struct bol_diag *diag)
{
    int fd = bol_store_image_fd(diag), r;

    if (fd < 0)
        return fd;
    r = bol_store_image_put(fd, image, n, diag);
    if (r == 0)
        r = bol_store_state_load_image_fd(s, fd, ret_seq, diag);
    close(fd);
    return r;
}

int bol_store_state_load_image_fd(struct bol_store *s, int fd, uint64_t *ret_seq,
                                  struct bol_diag *diag)
{
    struct bol_buf v = BOL_BUF_INIT(128);
    char fp[65];
    uint64_t seq = 0;
    int r;

    if (s->db->in_tx)
        return bol_diag_fail(diag, BOL_E_STATE, "load", "load inside a transaction");
    if (s->state_only && s->state_seq)
        return bol_diag_fail(diag, BOL_E_STATE, "load",
                             "the store has applied entries; load into an empty one");
    if (s->db->kind != BOL_DB_SQLITE) {
        /* PostgreSQL: the image becomes rows through an in-memory state-only store */
        struct bol_store *m = NULL;
        struct feed_loader f = { NULL, diag };

        r = bol_store_open_state(NULL, &m, diag);
        if (r == 0)
            r = bol_store_state_load_image_fd(m, fd, &seq, diag);
        if (r == 0)
            r = bol_store_state_load_begin(s, &f.l, diag);
        if (r == 0) {
            r = bol_store_state_dump(m, feed_rows, &f, NULL, diag);
            if (r == 0)
                r = bol_store_state_load_end(f.l, &seq, diag);
            else
                bol_store_state_load_abort(f.l);
        }
        bol_store_close(m);
        if (r == 0 && ret_seq)
            *ret_seq = seq;
        return r;
    }
    r = bol_db_sqlite_attach_fd(s->db, "snap", fd, diag);
    if (r < 0)
        return r;
    bol_state_fingerprint(fp);
    r = img_meta(s, "state_fingerprint", &v, diag);
    if (r == 0 && strcmp(v.buf, fp) != 0)
        r = bol_diag_fail(diag, BOL_E_STATE, "snapshot",
                          "the snapshot was made by a bollard with other state tables; replay "
                          "the journal instead");
    if (r == 0)
        r = img_meta(s, "state_seq", &v, diag);
    if (r == 0 && bol_str_to_u64(bol_buf_str(&v), &seq) < 0)
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "snapshot", "the image's state_seq is not a number");
    if (r == 0)
        r = img_copy(s, diag);
    if (bol_db_exec_script(s->db, "DETACH DATABASE snap", r == 0 ? diag : NULL) < 0 && r == 0)
        r = BOL_E_IO;
    bol_buf_release(&v);
    if (r < 0)
        return r;
    if (s->state_only) {
        char text[32];

        snprintf(text, sizeof(text), "%" PRIu64, seq);
        r = bol_db_begin(s->db, true, diag);
        if (r == 0)
            r = store_meta_set(s, "state_seq", text, diag);
        if (r == 0)
            r = bol_db_commit(s->db, diag);
        if (r < 0)
            return r;
        s->state_seq = seq;
        s->state_flushed = seq;
        s->state_pending = 0;
    }
    if (ret_seq)
        *ret_seq = seq;
    return 0;
}
