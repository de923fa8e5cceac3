/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal.c - appending, checkpoints, reading, proofs and verification
 *
 * The head row (journal_head) holds the tree size and frontier as of the last
 * commit.  A write transaction loads it once (locking it on PostgreSQL, where
 * several servers may write), appends entries, keeps the frontier in memory
 * and writes the head back at commit, with a signed checkpoint when one is due.
 */
#include "compat.h"

#include "entry.h"
#include "errors.h"
#include "events.h"
#include "mem.h"
#include "sha256.h"
#include "store-int.h"
#include "utctime.h"

static const struct bol_sql q_head_sqlite = {
    "SELECT size, frontier, checkpoint_size, checkpoint_at_us FROM journal_head WHERE id = 1"
};
static const struct bol_sql q_head_pg = {
    "SELECT size, frontier, checkpoint_size, checkpoint_at_us FROM journal_head WHERE id = 1 "
    "FOR UPDATE"
};
static const struct bol_sql q_head_update = {
    "UPDATE journal_head SET size = $1, frontier = $2, checkpoint_size = $3, "
    "checkpoint_at_us = $4 WHERE id = 1"
};
static const struct bol_sql q_insert_entry = {
    "INSERT INTO journal (seq, entry, leaf) VALUES ($1, $2, $3)"
};
static const struct bol_sql q_insert_node = {
    "INSERT INTO merkle_node (level, idx, hash) VALUES ($1, $2, $3)"
};
static const struct bol_sql q_node = {
    "SELECT hash FROM merkle_node WHERE level = $1 AND idx = $2"
};
static const struct bol_sql q_insert_checkpoint = {
    "INSERT INTO checkpoint (size, at_us, note) VALUES ($1, $2, $3)"
};
static const struct bol_sql q_request = {
    "SELECT cmd_hash, first_seq, last_seq FROM request WHERE req = $1"
};
static const struct bol_sql q_extend_request = {
    "UPDATE request SET last_seq = $2 WHERE req = $1"
};
static const struct bol_sql q_insert_request = {
    "INSERT INTO request (req, cmd_hash, first_seq, last_seq, at_us) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (req) DO NOTHING"
};
static const struct bol_sql q_read = {
    "SELECT seq, entry, leaf FROM journal WHERE seq >= $1 ORDER BY seq LIMIT $2"
};
static const struct bol_sql q_leaves = {
    "SELECT seq, leaf FROM journal WHERE seq > $1 AND seq <= $2 ORDER BY seq"
};
static const struct bol_sql q_checkpoints = {
    "SELECT size, at_us, note FROM checkpoint WHERE size >= $1 ORDER BY size"
};
static const struct bol_sql q_latest_checkpoint = {
    "SELECT size, at_us, note FROM checkpoint ORDER BY size DESC LIMIT 1"
};
static const struct bol_sql q_meta_get = { "SELECT value FROM meta WHERE key = $1" };
static const struct bol_sql q_meta_set = {
    "INSERT INTO meta (key, value) VALUES ($1, $2) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
};

/* ---- meta ---- */

static int take_bytes(void *ctx, const struct bol_db_row *row)
{
    struct bol_buf *out = ctx;
    int r = bol_buf_addstr(out, bol_db_row_bytes(row, 0));

    return r ? r : 1;
}

int store_meta_get(struct bol_store *s, const char *key, struct bol_buf *out, struct bol_diag *diag)
{
    struct bol_db_val p = BOL_DBV_CSTR(key);
    size_t before = out->len;
    int r = bol_db_query(s->db, &q_meta_get, &p, 1, take_bytes, out, diag);

    if (r == 1 && out->len >= before)
        return 0;
    if (r < 0)
        return r;
    return bol_diag_fail(diag, BOL_E_NOTFOUND, "meta", "'%s' is missing from the store's metadata",
                         key);
}

int store_meta_set(struct bol_store *s, const char *key, const char *value, struct bol_diag *diag)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(key), BOL_DBV_CSTR(value) };

    return bol_db_exec(s->db, &q_meta_set, p, 2, diag);
}

int bol_store_meta_get(struct bol_store *s, const char *key, struct bol_buf *out,
                       struct bol_diag *diag)
{
    return store_meta_get(s, key, out, diag);
}

int bol_store_meta_set(struct bol_store *s, const char *key, const char *value,
                       struct bol_diag *diag)
{
    return store_meta_set(s, key, value, diag);
}

/* ---- the head ---- */

struct head_row {
    struct store_head *h;
    int r;
    bool found;
};

static int take_head(void *ctx, const struct bol_db_row *row)
{
    struct head_row *hr = ctx;
    struct bol_str fr = bol_db_row_bytes(row, 1);
    int64_t size = bol_db_row_int(row, 0);
    unsigned i;

    hr->found = true;
    if (size < 0 || fr.len % BOL_HASH_LEN ||
        fr.len / BOL_HASH_LEN != (size_t) __builtin_popcountll((unsigned long long) size)) {
        hr->r = BOL_E_CORRUPT;
        return 1;
    }
    hr->h->f.size = (uint64_t) size;
    hr->h->f.n = (unsigned) (fr.len / BOL_HASH_LEN);
    for (i = 0; i < hr->h->f.n; i++)
        memcpy(hr->h->f.h[i].b, fr.p + i * BOL_HASH_LEN, BOL_HASH_LEN);
    hr->h->cp_size = (uint64_t) bol_db_row_int(row, 2);
    hr->h->cp_at_us = bol_db_row_int(row, 3);
    return 1;
}

static int read_head(struct bol_store *s, const struct bol_sql *q, struct store_head *h,
                     struct bol_diag *diag)
{
    struct head_row hr = { h, 0, false };
    int r = bol_db_query(s->db, q, NULL, 0, take_head, &hr, diag);

    if (r < 0)
        return r;
    if (!hr.found || hr.r < 0)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "journal_head",
                             "the journal head in '%s' is missing or damaged", s->location);
    return 0;
}

int store_head_load(struct bol_store *s, struct bol_diag *diag)
{
    int r;

    if (s->head_loaded)
        return 0;
    r = read_head(s, s->db->kind == BOL_DB_POSTGRES ? &q_head_pg : &q_head_sqlite, &s->head, diag);
    if (r == 0)
        s->head_loaded = true;
    return r;
}

static bool checkpoint_due(const struct bol_store *s, int64_t now_us)
{
    const struct store_head *h = &s->head;

    if (s->importing || h->f.size <= h->cp_size)
        return false;
    return h->cp_size == 0 || h->f.size - h->cp_size >= s->cp_every ||
           now_us - h->cp_at_us >= s->cp_interval_us;
}

int store_write_checkpoint(struct bol_store *s, int64_t now_us, struct bol_diag *diag)
{
    struct bol_checkpoint cp;
    struct bol_buf text = BOL_BUF_INIT(4096);
    struct bol_buf note = BOL_BUF_INIT(8192);
    struct bol_db_val p[3];
    int r;

    if (!s->has_signer)
        return bol_diag_fail(diag, BOL_E_PERM, "key", "no signing key loaded");
    memset(&cp, 0, sizeof(cp));
    snprintf(cp.origin, sizeof(cp.origin), "%s", s->origin);
    cp.size = s->head.f.size;
    cp.at_us = now_us;
    bol_merkle_frontier_root(&s->head.f, &cp.root);
    r = bol_checkpoint_format(&cp, &text);
    if (r == 0)
        r = bol_note_sign(bol_buf_str(&text), &s->signer, &note, diag);
    if (r == 0) {
        p[0] = BOL_DBV_INT(cp.size);
        p[1] = BOL_DBV_INT(now_us);
        p[2] = BOL_DBV_TEXT(note.buf, note.len);
        r = bol_db_exec(s->db, &q_insert_checkpoint, p, 3, diag);
    }
    if (r == 0) {
        s->head.cp_size = cp.size;
        s->head.cp_at_us = now_us;
    }
    bol_buf_release(&text);
    bol_buf_release(&note);
    return r;
}

int store_head_flush(struct bol_store *s, int64_t now_us, bool force_checkpoint,
                     struct bol_diag *diag)
{
    uint8_t fr[64 * BOL_HASH_LEN];
    struct bol_db_val p[4];
    unsigned i;
    int r = 0;

    if ((force_checkpoint && s->head.f.size > s->head.cp_size) || checkpoint_due(s, now_us))
        r = store_write_checkpoint(s, now_us, diag);
    if (r < 0)
        return r;
    for (i = 0; i < s->head.f.n; i++)
        memcpy(fr + i * BOL_HASH_LEN, s->head.f.h[i].b, BOL_HASH_LEN);
    p[0] = BOL_DBV_INT(s->head.f.size);
    p[1] = BOL_DBV_BLOB(fr, s->head.f.n * BOL_HASH_LEN);
    p[2] = BOL_DBV_INT(s->head.cp_size);
    p[3] = BOL_DBV_INT(s->head.cp_at_us);
    r = bol_db_exec(s->db, &q_head_update, p, 4, diag);
    if (r == 0)
        s->head_dirty = false;
    return r;
}

int bol_store_checkpoint_if_due(struct bol_store *s, int64_t now_us, struct bol_diag *diag)
{
    int r;

    r = bol_store_begin(s, diag);
    if (r < 0)
        return r;
    r = store_head_load(s, diag);
    if (r < 0 || s->importing || !checkpoint_due(s, now_us)) {
        bol_store_rollback(s);
        return r;
    }
    return store_commit(s, now_us, true, diag);
}

int bol_store_checkpoint_mark(struct bol_store *s, int64_t now_us, struct bol_diag *diag)
{
    int r = store_head_load(s, diag);

    if (r == 0 && checkpoint_due(s, now_us))
        s->head_dirty = true; /* the commit flushes the head, with the checkpoint that is due */
    return r;
}

/* ---- appending ---- */

void store_node_put(void *ctx, unsigned level, uint64_t index, const struct bol_hash *h)
{
    struct store_node_sink *ns = ctx;
    struct bol_db_val p[3];

    if (level < STORE_NODE_LEVEL || ns->r < 0)
        return;
    p[0] = BOL_DBV_INT(level);
    p[1] = BOL_DBV_INT(index);
    p[2] = BOL_DBV_BLOB(h->b, BOL_HASH_LEN);
    ns->r = bol_db_exec(ns->s->db, &q_insert_node, p, 3, ns->diag);
}

struct request_row {
    bool found;
    uint8_t hash[BOL_SHA256_LEN];
    bool has_hash;
    uint64_t first, last;
};

static int take_request(void *ctx, const struct bol_db_row *row)
{
    struct request_row *rr = ctx;
    struct bol_str h = bol_db_row_bytes(row, 0);

    rr->found = true;
    rr->has_hash = h.len == BOL_SHA256_LEN;
    if (rr->has_hash)
        memcpy(rr->hash, h.p, BOL_SHA256_LEN);
    rr->first = (uint64_t) bol_db_row_int(row, 1);
    rr->last = (uint64_t) bol_db_row_int(row, 2);
    return 1;
}

/* What can be checked before any reads: the rest is checked as each event is applied. */
static int check_command(const struct bol_actor *a, struct bol_str req, const struct bol_event *ev,
                         size_t n, struct bol_diag *diag)
{
    size_t i;
    int r;

    if ((r = bol_entry_check_actor(a->id, diag)) < 0 ||
        (r = bol_entry_check_addr(a->addr, diag)) < 0 || (r = bol_entry_check_req(req, diag)) < 0)
        return r;
    if (!n)
        return bol_diag_fail(diag, BOL_E_INVAL, "events", "a command must journal an event");
    for (i = 0; i < n; i++) {
        if ((r = bol_entry_check_terminal(ev[i].terminal, diag)) < 0 ||
            (r = bol_entry_check_type(ev[i].type, diag)) < 0)
            return r;
    }
    return 0;
}

int bol_store_request_find(struct bol_store *s, struct bol_str req, const uint8_t *req_hash,
                           struct bol_append_result *ret, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_STR(req) };
    struct request_row rr;
    int r;

    if (!req.len)
        return BOL_E_NOTFOUND;
    memset(&rr, 0, sizeof(rr));
    r = bol_db_query(s->db, &q_request, p, 1, take_request, &rr, diag);
    if (r < 0)
        return r;
    if (!rr.found)
        return BOL_E_NOTFOUND;
    if (!req_hash || !rr.has_hash || memcmp(req_hash, rr.hash, BOL_SHA256_LEN) != 0)
        return bol_diag_fail(diag, BOL_E_CONFLICT, "req",
                             "request id '%.*s' was already used for a different command",
                             (int) req.len, req.p);
    ret->first_seq = rr.first;
    ret->last_seq = rr.last;
    ret->duplicate = true;
    return 0;
}

/* Journal events under req (already claimed, or "") and apply them; ret gets their range. */
static int write_events(struct bol_store *s, const struct bol_actor *actor, struct bol_str req,
                        int64_t at_us, const struct bol_event *events, size_t nevents,
                        struct bol_append_result *ret, struct bol_diag *diag)
{
    struct store_node_sink ns = { s, diag, 0 };
    struct bol_append_result res = { 0, 0, false };
    size_t i;
    int r;

    for (i = 0; i < nevents; i++) {
        struct bol_entry e;
        struct bol_hash leaf;
        struct bol_db_val p[3];

        /* Schema, canonical form and state changes first: an invalid event writes nothing. */
        e.seq = s->head.f.size + 1;
        e.at_us = at_us;
        e.actor = actor->id;
        e.addr = actor->addr;
        e.terminal = events[i].terminal;
        e.type = events[i].type;
        e.ver = events[i].ver;
        e.req = req;
        e.payload = events[i].payload;
        r = store_apply_new(s, &e, events[i].prep, diag);
        if (r < 0)
            return r;
        bol_buf_reset(&s->entry_buf);
        r = bol_entry_encode(&e, &s->entry_buf, diag);
        if (r < 0)
            return r;
        bol_merkle_leaf_hash(s->entry_buf.buf, s->entry_buf.len, &leaf);
        p[0] = BOL_DBV_INT(e.seq);
        p[1] = BOL_DBV_BLOB(s->entry_buf.buf, s->entry_buf.len);
        p[2] = BOL_DBV_BLOB(leaf.b, BOL_HASH_LEN);
        r = bol_db_exec(s->db, &q_insert_entry, p, 3, diag);
        if (r < 0)
            return r;
        r = bol_merkle_frontier_append(&s->head.f, &leaf, store_node_put, &ns);
        if (r == 0)
            r = ns.r;
        if (r < 0)
            return r;
        s->head_dirty = true;
        if (i == 0)
            res.first_seq = e.seq;
        res.last_seq = e.seq;
    }
    *ret = res;
    return 0;
}

int bol_store_append(struct bol_store *s, const struct bol_actor *actor, struct bol_str req,
                     const uint8_t *req_hash, int64_t at_us, const struct bol_event *events,
                     size_t nevents, struct bol_append_result *ret, struct bol_diag *diag)
{
    struct bol_append_result res = { 0, 0, false };
    int r;

    if (!s->db->in_tx)
        return bol_diag_fail(diag, BOL_E_STATE, "store", "append outside a transaction");
    if (s->state_only)
        return bol_diag_fail(diag, BOL_E_STATE, "store", "a state-only store has no journal");
    s->tx_appended = true;
    r = check_command(actor, req, events, nevents, diag);
    if (r < 0)
        return r;
    r = store_head_load(s, diag);
    if (r < 0)
        return r;
    if (req.len) {
        /*
         * Claim the request id first: the common case (a new id) costs one
         * statement; a repeat finds the row and returns its first result.
         */
        struct bol_db_val p[5] = {
            BOL_DBV_STR(req),
            req_hash ? BOL_DBV_BLOB(req_hash, BOL_SHA256_LEN) : BOL_DBV_NULL,
            BOL_DBV_INT(s->head.f.size + 1),
            BOL_DBV_INT(s->head.f.size + nevents),
            BOL_DBV_INT(at_us),
        };

        r = bol_db_exec(s->db, &q_insert_request, p, 5, diag);
        if (r < 0)
            return r;
        if (bol_db_changes(s->db) == 0) {
            struct request_row rr;

            memset(&rr, 0, sizeof(rr));
            r = bol_db_query(s->db, &q_request, p, 1, take_request, &rr, diag);
            if (r < 0)
                return r;
            if (!req_hash || !rr.has_hash || memcmp(req_hash, rr.hash, BOL_SHA256_LEN) != 0)
                return bol_diag_fail(diag, BOL_E_CONFLICT, "req",
                                     "request id '%.*s' was already used for a different command",
                                     (int) req.len, req.p);
            res.first_seq = rr.first;
            res.last_seq = rr.last;
            res.duplicate = true;
            *ret = res;
            return 0;
        }
    }
    return write_events(s, actor, req, at_us, events, nevents, ret, diag);
}

int bol_store_append_more(struct bol_store *s, const struct bol_actor *actor, struct bol_str req,
                          int64_t at_us, const struct bol_event *events, size_t nevents,
                          struct bol_append_result *ret, struct bol_diag *diag)
{
    int r;

    if (!s->db->in_tx)
        return bol_diag_fail(diag, BOL_E_STATE, "store", "append outside a transaction");
    if (s->state_only)
        return bol_diag_fail(diag, BOL_E_STATE, "store", "a state-only store has no journal");
    s->tx_appended = true;
    if ((r = check_command(actor, req, events, nevents, diag)) < 0 ||
        (r = store_head_load(s, diag)) < 0 ||
        (r = write_events(s, actor, req, at_us, events, nevents, ret, diag)) < 0)
        return r;
    if (req.len) {
        struct bol_db_val p[2] = { BOL_DBV_STR(req), BOL_DBV_INT(ret->last_seq) };

        r = bol_db_exec(s->db, &q_extend_request, p, 2, diag);
        if (r == 0 && bol_db_changes(s->db) != 1)
            r = bol_diag_fail(diag, BOL_E_STATE, "req",
                              "request id '%.*s' was not claimed in this transaction",
                              (int) req.len, req.p);
    }
    return r;
}

/* ---- reading ---- */

int bol_store_size(struct bol_store *s, uint64_t *ret, struct bol_diag *diag)
{
    struct store_head h;
    int r = read_head(s, &q_head_sqlite, &h, diag);

    if (r == 0)
        *ret = h.f.size;
    return r;
}

struct read_ctx {
    bol_entry_fn fn;
    void *ctx;
    uint64_t next;
    uint64_t seen;
};

static int take_entry(void *ctx, const struct bol_db_row *row)
{
    struct read_ctx *rc = ctx;
    struct bol_str leaf = bol_db_row_bytes(row, 2);
    struct bol_hash h;

    memset(&h, 0, sizeof(h));
    if (leaf.len == BOL_HASH_LEN)
        memcpy(h.b, leaf.p, BOL_HASH_LEN);
    rc->next = (uint64_t) bol_db_row_int(row, 0) + 1;
    rc->seen++;
    return rc->fn(rc->ctx, rc->next - 1, bol_db_row_bytes(row, 1), &h);
}

int bol_store_read(struct bol_store *s, uint64_t from_seq, uint64_t limit, bol_entry_fn fn,
                   void *ctx, struct bol_diag *diag)
{
    struct read_ctx rc = { fn, ctx, from_seq ? from_seq : 1, 0 };
    uint64_t left = limit ? limit : UINT64_MAX;

    /* In batches, so neither engine holds a huge result. */
    while (left) {
        uint64_t batch = BOL_MIN(left, (uint64_t) 10000);
        struct bol_db_val p[2] = { BOL_DBV_INT(rc.next), BOL_DBV_INT(batch) };
        int r;

        rc.seen = 0;
        r = bol_db_query(s->db, &q_read, p, 2, take_entry, &rc, diag);
        if (r)
            return r;
        if (rc.seen < batch)
            break;
        left -= rc.seen;
    }
    return 0;
}

struct cp_ctx {
    bol_checkpoint_fn fn;
    void *ctx;
};

static int take_checkpoint(void *ctx, const struct bol_db_row *row)
{
    struct cp_ctx *c = ctx;

    return c->fn(c->ctx, (uint64_t) bol_db_row_int(row, 0), bol_db_row_int(row, 1),
                 bol_db_row_bytes(row, 2));
}

int bol_store_checkpoints(struct bol_store *s, uint64_t from_size, bol_checkpoint_fn fn, void *ctx,
                          struct bol_diag *diag)
{
    struct cp_ctx c = { fn, ctx };
    struct bol_db_val p = BOL_DBV_INT(from_size);

    return bol_db_query(s->db, &q_checkpoints, &p, 1, take_checkpoint, &c, diag);
}

static int take_note(void *ctx, const struct bol_db_row *row)
{
    struct bol_buf *out = ctx;
    int r = bol_buf_addstr(out, bol_db_row_bytes(row, 2));

    return r ? r : 1;
}

int bol_store_latest_checkpoint(struct bol_store *s, struct bol_buf *out, struct bol_diag *diag)
{
    int r = bol_db_query(s->db, &q_latest_checkpoint, NULL, 0, take_note, out, diag);

    if (r == 1)
        return 0;
    if (r < 0)
        return r;
    return bol_diag_fail(diag, BOL_E_NOTFOUND, "checkpoint", "the journal has no checkpoint");
}

/* ---- proofs: a Merkle source over stored nodes and leaf hashes ---- */

struct source_ctx {
    struct bol_store *s;
    struct bol_diag *diag;
};

struct leaves_ctx {
    struct bol_merkle_frontier f;
    uint64_t expect;
    int r;
};

static int take_leaf(void *ctx, const struct bol_db_row *row)
{
    struct leaves_ctx *lc = ctx;
    struct bol_str leaf = bol_db_row_bytes(row, 1);
    struct bol_hash h;

    if ((uint64_t) bol_db_row_int(row, 0) != lc->expect || leaf.len != BOL_HASH_LEN) {
        lc->r = BOL_E_CORRUPT;
        return 1;
    }
    lc->expect++;
    memcpy(h.b, leaf.p, BOL_HASH_LEN);
    return bol_merkle_frontier_append(&lc->f, &h, NULL, NULL);
}

static int source_get(void *ctx, unsigned level, uint64_t index, struct bol_hash *out)
{
    struct source_ctx *sc = ctx;
    int r;

    if (level >= STORE_NODE_LEVEL) {
        struct bol_db_val p[2] = { BOL_DBV_INT(level), BOL_DBV_INT(index) };
        struct bol_buf b = BOL_BUF_INIT(64);

        r = bol_db_query(sc->s->db, &q_node, p, 2, take_bytes, &b, sc->diag);
        if (r == 1 && b.len == BOL_HASH_LEN) {
            memcpy(out->b, b.buf, BOL_HASH_LEN);
            r = 0;
        } else if (r >= 0) {
            r = bol_diag_fail(sc->diag, BOL_E_CORRUPT, "merkle_node",
                              "tree node (%u, %" PRIu64 ") is missing", level, index);
        }
        bol_buf_release(&b);
        return r;
    } else {
        /* Up to 128 leaves: hash them up; a perfect subtree's root is its frontier root. */
        struct leaves_ctx lc;
        uint64_t first = index << level;
        struct bol_db_val p[2] = { BOL_DBV_INT(first),
                                   BOL_DBV_INT(first + ((uint64_t) 1 << level)) };

        bol_merkle_frontier_init(&lc.f);
        lc.expect = first + 1;
        lc.r = 0;
        r = bol_db_query(sc->s->db, &q_leaves, p, 2, take_leaf, &lc, sc->diag);
        if (r < 0)
            return r;
        if (lc.r < 0 || lc.f.size != ((uint64_t) 1 << level))
            return bol_diag_fail(sc->diag, BOL_E_CORRUPT, "journal",
                                 "leaves %" PRIu64 "..%" PRIu64 " are missing or out of order",
                                 first + 1, first + ((uint64_t) 1 << level));
        bol_merkle_frontier_root(&lc.f, out);
        return 0;
    }
}

static int check_size(struct bol_store *s, uint64_t size, struct bol_diag *diag)
{
    uint64_t n = 0;
    int r = bol_store_size(s, &n, diag);

    if (r == 0 && size > n)
        r = bol_diag_fail(diag, BOL_E_INVAL, "size",
                          "tree size %" PRIu64 " is beyond the journal (%" PRIu64 " entries)", size,
                          n);
    return r;
}

int bol_store_inclusion_proof(struct bol_store *s, uint64_t index, uint64_t size,
                              struct bol_merkle_proof *out, struct bol_diag *diag)
{
    struct source_ctx sc = { s, diag };
    struct bol_merkle_source src = { source_get, &sc };
    int r = check_size(s, size, diag);

    return r ? r : bol_merkle_inclusion_proof(&src, index, size, out);
}

int bol_store_consistency_proof(struct bol_store *s, uint64_t old_size, uint64_t new_size,
                                struct bol_merkle_proof *out, struct bol_diag *diag)
{
    struct source_ctx sc = { s, diag };
    struct bol_merkle_source src = { source_get, &sc };
    int r = check_size(s, new_size, diag);

    return r ? r : bol_merkle_consistency_proof(&src, old_size, new_size, out);
}

int bol_store_root(struct bol_store *s, uint64_t size, struct bol_hash *out, struct bol_diag *diag)
{
    struct source_ctx sc = { s, diag };
    struct bol_merkle_source src = { source_get, &sc };
    int r = check_size(s, size, diag);

    if (r < 0)
        return r;
    if (size == 0) {
        bol_merkle_empty_root(out);
        return 0;
    }
    return bol_merkle_range_hash(&src, 0, size, out);
}
