/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify.c - recompute the journal's tree and check every checkpoint
 *
 * Checks, in the order of the entries: each row's sequence number is the next
 * one; each entry's recomputed leaf hash equals the stored one; the sequence
 * number written inside the entry equals its row's; and at every checkpoint's
 * size the signed root equals the root of the entries before it.  Since all
 * roots come from one stream of leaves, a checkpoint that matches also proves
 * itself consistent with every earlier one.  The first failure in that order
 * is reported, whatever the number of threads.
 *
 * Work is split into segments of 2^15 entries aligned on multiples of 2^15,
 * so each segment is a perfect subtree (the last may be partial).  Worker
 * threads, each with its own read-only connection, take segments in turn:
 * they read and hash the entries, build the segment's own frontier, and at
 * every checkpoint inside the segment keep a snapshot of it.  This thread
 * merges the results in order: a segment's root is one append to the global
 * frontier, and a checkpoint's root is the global frontier before the segment
 * extended by the snapshot.  Reading and hashing thus scale with the cores and
 * nothing is copied; memory is bounded by the segments in flight.
 */
#include "compat.h"

#include <pthread.h>
#include <unistd.h>

#include "entry.h"
#include "epoch.h"
#include "errors.h"
#include "mem.h"
#include "sha256.h"
#include "store-int.h"
#include "utctime.h"

#define SEG_BITS    15
#define SEG_SIZE    ((uint64_t) 1 << SEG_BITS)
#define MAX_WORKERS 4
#define LOOKAHEAD   8 /* segments a worker may run ahead of the merge */

struct cp {
    uint64_t size;
    char *note;
    size_t len;
};

/* The segment's frontier when the tree reached a checkpoint's size inside it. */
struct snap {
    uint64_t size;
    struct bol_merkle_frontier f;
};

/* An entry naming a key: the genesis entry (seq 1) or a journal.epoch entry. */
struct mark {
    uint64_t seq;
    bool genesis;
    struct bol_verifier gkey;     /* genesis: the key of epoch 1 */
    struct bol_epoch ep;          /* epoch: the checked payload */
    struct bol_merkle_frontier f; /* the segment's frontier before this entry */
};

enum seg_fail {
    SEG_OK = 0,
    SEG_GAP,       /* entry fail_seq is missing: the next row is fail_inner */
    SEG_ORDER,     /* a row out of order */
    SEG_ENDS,      /* rows stop before the segment's end: fail_seq is the first missing */
    SEG_HASH,      /* entry fail_seq does not match its stored hash */
    SEG_INNER,     /* entry fail_seq says it is fail_inner */
    SEG_DECODE,    /* deep: entry fail_seq does not decode (fail_msg) */
    SEG_CANONICAL, /* deep: its payload is not canonical */
    SEG_KEYS,      /* a genesis or epoch entry fails its checks (fail_msg) */
};

struct seg {
    bool done;
    int err; /* an engine error (BOL_E_*), with diag */
    struct bol_diag diag;
    uint64_t lo, hi;              /* entries lo+1 .. hi */
    struct bol_merkle_frontier f; /* over the entries verified */
    struct snap *snaps;
    size_t nsnaps;
    struct mark *marks;
    size_t nmarks;
    enum seg_fail fail;
    uint64_t fail_seq, fail_inner;
    char fail_msg[BOL_DIAG_MSG_MAX];
};

struct vctx {
    struct bol_store *s;
    const struct bol_verifier *key;
    unsigned flags;
    struct bol_verify_report *rep;
    struct cp *cps;
    size_t ncps, cap;
    uint64_t head;

    struct seg *segs;
    uint64_t nsegs;
    uint64_t next_seg; /* next segment a worker takes */
    uint64_t merged;   /* segments merged so far */
    bool stop;
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

static int collect_cp(void *ctx, uint64_t size, int64_t at_us, struct bol_str note)
{
    struct vctx *v = ctx;

    (void) at_us;
    if (v->ncps == v->cap) {
        size_t ncap = v->cap ? v->cap * 2 : 256;
        struct cp *n = bol_realloc(v->cps, ncap * sizeof(*n));

        if (!n)
            return BOL_E_NOMEM;
        v->cps = n;
        v->cap = ncap;
    }
    v->cps[v->ncps].note = bol_strndup(note.p, note.len);
    if (!v->cps[v->ncps].note)
        return BOL_E_NOMEM;
    v->cps[v->ncps].len = note.len;
    v->cps[v->ncps].size = size;
    v->ncps++;
    return 0;
}

/* ---- workers ---- */

/* The sequence number written inside the entry, without a full decode. */
static bool entry_seq(struct bol_str e, uint64_t *ret)
{
    static const char prefix[] = "{\"v\":1,\"seq\":";
    const size_t plen = sizeof(prefix) - 1;
    uint64_t v = 0;
    size_t i;

    if (e.len <= plen || memcmp(e.p, prefix, plen) != 0)
        return false;
    for (i = plen; i < e.len && bol_is_digit(e.p[i]) && i < plen + 20; i++)
        v = v * 10 + (uint64_t) (e.p[i] - '0');
    if (i == plen || i >= e.len || e.p[i] != ',')
        return false;
    *ret = v;
    return true;
}

struct seg_run {
    struct vctx *v;
    struct seg *g;
    size_t next_cp; /* first checkpoint with size > the entries seen */
    uint64_t expect;
    struct bol_buf leaf_in; /* 0x00 || entry: the leaf hash input in one piece */
};

static int seg_stop(struct seg *g, enum seg_fail why, uint64_t seq, uint64_t inner)
{
    g->fail = why;
    g->fail_seq = seq;
    g->fail_inner = inner;
    return 1;
}

/* Past the literal lit at *p, or false. */
static bool skip_lit(const char **p, const char *end, const char *lit, size_t n)
{
    if ((size_t) (end - *p) < n || memcmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

/* Past a string value that holds no quote or backslash, and its closing quote. */
static bool skip_plain(const char **p, const char *end)
{
    const char *q = memchr(*p, '"', (size_t) (end - *p));

    if (!q)
        return false;
    *p = q + 1;
    return true;
}

/*
 * The entry's type, located without a full decode.  The fields before it
 * are written in a fixed order, and at, actor, addr and terminal never hold
 * a quote or a backslash (entry.c checks their characters), so a walk over
 * four closing quotes finds it.  False when the layout differs; the caller
 * then decodes the entry fully.
 */
#define SKIP(p, end, lit) skip_lit(p, end, lit, sizeof(lit) - 1)
static bool entry_type(struct bol_str e, struct bol_str *ret)
{
    const char *p = e.p, *end = e.p + e.len, *q;

    if (!SKIP(&p, end, "{\"v\":1,\"seq\":"))
        return false;
    while (p < end && bol_is_digit(*p))
        p++;
    if (!SKIP(&p, end, ",\"at\":\"") || !skip_plain(&p, end) || !SKIP(&p, end, ",\"actor\":\"") ||
        !skip_plain(&p, end) || !SKIP(&p, end, ",\"addr\":\"") || !skip_plain(&p, end) ||
        !SKIP(&p, end, ",\"terminal\":\"") || !skip_plain(&p, end) ||
        !SKIP(&p, end, ",\"type\":\""))
        return false;
    q = memchr(p, '"', (size_t) (end - p));
    if (!q)
        return false;
    *ret = bol_str_make(p, (size_t) (q - p));
    return true;
}
#undef SKIP

/* Genesis and epoch entries name keys: decode them and keep a mark for the merge. */
static int seg_mark(struct seg *g, uint64_t seq, struct bol_str entry)
{
    struct bol_str type = { "", 0 };
    struct bol_entry e;
    struct bol_diag d;
    struct mark *n;

    /* Most entries are neither; an entry the walk cannot read is decoded. */
    if (seq != 1 && entry_type(entry, &type) && !bol_str_eq_cstr(type, "journal.genesis") &&
        !bol_str_eq_cstr(type, "journal.epoch"))
        return 0;
    bol_diag_init(&d);
    if (bol_entry_decode(entry, &e, &d) < 0) {
        snprintf(g->fail_msg, sizeof(g->fail_msg), "%s", d.msg);
        return seg_stop(g, SEG_DECODE, seq, 0);
    }
    if (seq != 1 && !bol_str_eq_cstr(e.type, "journal.genesis") &&
        !bol_str_eq_cstr(e.type, "journal.epoch"))
        return 0;
    if (seq == 1 && !bol_str_eq_cstr(e.type, "journal.genesis")) {
        snprintf(g->fail_msg, sizeof(g->fail_msg), "the first entry is not journal.genesis");
        return seg_stop(g, SEG_KEYS, seq, 0);
    }
    if (seq != 1 && bol_str_eq_cstr(e.type, "journal.genesis")) {
        snprintf(g->fail_msg, sizeof(g->fail_msg), "journal.genesis after the first entry");
        return seg_stop(g, SEG_KEYS, seq, 0);
    }
    n = bol_realloc(g->marks, (g->nmarks + 1) * sizeof(*n));
    if (!n)
        return BOL_E_NOMEM;
    g->marks = n;
    n = &g->marks[g->nmarks];
    memset(n, 0, sizeof(*n));
    n->seq = seq;
    n->genesis = seq == 1;
    n->f = g->f;
    if ((n->genesis ? bol_genesis_key(e.payload, &n->gkey, &d)
                    : bol_epoch_parse(e.payload, &n->ep, &d)) < 0) {
        snprintf(g->fail_msg, sizeof(g->fail_msg), "%s", d.msg);
        return seg_stop(g, SEG_KEYS, seq, 0);
    }
    g->nmarks++;
    return 0;
}

static int seg_entry(void *ctx, const struct bol_db_row *row)
{
    struct seg_run *sr = ctx;
    struct seg *g = sr->g;
    uint64_t seq = (uint64_t) bol_db_row_int(row, 0);
    struct bol_str entry = bol_db_row_bytes(row, 1);
    struct bol_str stored = bol_db_row_bytes(row, 2);
    struct bol_hash leaf;
    uint64_t inner = 0;
    int r;

    if (seq != sr->expect)
        return seg_stop(g, seq > sr->expect ? SEG_GAP : SEG_ORDER, sr->expect, seq);
    bol_buf_truncate(&sr->leaf_in, 1);
    r = bol_buf_addstr(&sr->leaf_in, entry);
    if (r < 0)
        return r;
    bol_sha256(sr->leaf_in.buf, sr->leaf_in.len, leaf.b);
    if (stored.len != BOL_HASH_LEN || memcmp(leaf.b, stored.p, BOL_HASH_LEN) != 0)
        return seg_stop(g, SEG_HASH, seq, 0);
    if (!entry_seq(entry, &inner) || inner != seq)
        return seg_stop(g, SEG_INNER, seq, inner);
    if (sr->v->flags & BOL_VERIFY_DEEP) {
        struct bol_entry e;
        struct bol_diag d;

        bol_diag_init(&d);
        if (bol_entry_decode(entry, &e, &d) < 0) {
            snprintf(g->fail_msg, sizeof(g->fail_msg), "%s", d.msg);
            return seg_stop(g, SEG_DECODE, seq, 0);
        }
        if (!bol_payload_is_canonical(e.payload))
            return seg_stop(g, SEG_CANONICAL, seq, 0);
    }
    r = seg_mark(g, seq, entry);
    if (r != 0)
        return r;
    r = bol_merkle_frontier_append(&g->f, &leaf, NULL, NULL);
    if (r < 0)
        return r;
    sr->expect++;
    /* A checkpoint at this size: keep the segment's frontier as it is now. */
    while (sr->next_cp < sr->v->ncps && sr->v->cps[sr->next_cp].size <= seq) {
        if (sr->v->cps[sr->next_cp].size == seq) {
            struct snap *n = bol_realloc(g->snaps, (g->nsnaps + 1) * sizeof(*n));

            if (!n)
                return BOL_E_NOMEM;
            g->snaps = n;
            g->snaps[g->nsnaps].size = seq;
            g->snaps[g->nsnaps].f = g->f;
            g->nsnaps++;
        }
        sr->next_cp++;
    }
    return 0;
}

static const struct bol_sql q_segment = {
    "SELECT seq, entry, leaf FROM journal WHERE seq > $1 AND seq <= $2 ORDER BY seq"
};

static void run_segment(struct vctx *v, struct bol_db *db, struct seg *g)
{
    struct seg_run sr = { v, g, 0, g->lo + 1, BOL_BUF_INIT(BOL_ENTRY_MAX + 1) };
    struct bol_db_val p[2] = { BOL_DBV_INT(g->lo), BOL_DBV_INT(g->hi) };
    size_t lo = 0, hi = v->ncps;
    int r;

    r = bol_buf_addch(&sr.leaf_in, 0x00);
    if (r < 0) {
        g->err = bol_diag_fail(&g->diag, r, "verify", "out of memory");
        return;
    }
    /* The first checkpoint beyond the segment's start. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (v->cps[mid].size <= g->lo)
            lo = mid + 1;
        else
            hi = mid;
    }
    sr.next_cp = lo;
    bol_merkle_frontier_init(&g->f);
    bol_diag_init(&g->diag);
    r = bol_db_query(db, &q_segment, p, 2, seg_entry, &sr, &g->diag);
    bol_buf_release(&sr.leaf_in);
    if (r < 0) {
        g->err = r;
        return;
    }
    if (!g->fail && sr.expect <= g->hi)
        seg_stop(g, SEG_ENDS, sr.expect, 0);
}

static void *worker_main(void *arg)
{
    struct vctx *v = arg;
    struct bol_db *db = NULL;
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = store_open_reader(v->s, &db, &d);
    if (r == 0 && db->kind == BOL_DB_SQLITE) {
        /* Memory-mapped reads: no copy through the kernel per page.  A speed-up only. */
        int ignored = bol_db_exec_script(db, "PRAGMA mmap_size=1099511627776", NULL);

        (void) ignored;
    }
    pthread_mutex_lock(&v->lock);
    for (;;) {
        struct seg *g;

        while (!v->stop && v->next_seg < v->nsegs && v->next_seg >= v->merged + LOOKAHEAD)
            pthread_cond_wait(&v->cond, &v->lock);
        if (v->stop || v->next_seg >= v->nsegs)
            break;
        g = &v->segs[v->next_seg++];
        pthread_mutex_unlock(&v->lock);
        if (r < 0) {
            g->err = r;
            g->diag = d;
        } else {
            run_segment(v, db, g);
        }
        pthread_mutex_lock(&v->lock);
        g->done = true;
        pthread_cond_broadcast(&v->cond);
    }
    pthread_mutex_unlock(&v->lock);
    bol_db_close(db);
    return NULL;
}

/* ---- merging, in order ---- */

struct merge {
    struct bol_merkle_frontier f; /* over every entry verified so far */
    size_t next_cp;
    uint64_t last_good_cp;
    bool failed;
    /* The key in force: named by the genesis entry, then by each epoch entry. */
    struct bol_verifier cur;
    bool have_key;
    uint64_t epoch;
    uint64_t key_seq;  /* the entry that named it */
    uint64_t first_cp; /* the first checkpoint signed with it, 0 before one */
};

static int report(struct vctx *v, struct merge *m, uint64_t seq, uint64_t cp, const char *fmt, ...)
    BOL_PRINTF(5, 6);

static int report(struct vctx *v, struct merge *m, uint64_t seq, uint64_t cp, const char *fmt, ...)
{
    va_list ap;

    m->failed = true;
    v->rep->bad_seq = seq;
    v->rep->bad_checkpoint = cp;
    va_start(ap, fmt);
    vsnprintf(v->rep->what, sizeof(v->rep->what), fmt, ap);
    va_end(ap);
    return BOL_E_CORRUPT;
}

/* Fold a segment's frontier (perfect subtrees, largest first) into a copy of the global one. */
static int extend(struct bol_merkle_frontier *out, const struct bol_merkle_frontier *base,
                  const struct bol_merkle_frontier *seg)
{
    uint64_t size = seg->size;
    unsigned i;
    int r;

    *out = *base;
    for (i = 0; i < seg->n; i++) {
        unsigned level = 63u - (unsigned) __builtin_clzll(size);

        r = bol_merkle_frontier_append_node(out, level, &seg->h[i], NULL, NULL);
        if (r < 0)
            return r;
        size &= ~((uint64_t) 1 << level);
    }
    return 0;
}

static bool same_key(const struct bol_verifier *a, const struct bol_verifier *b)
{
    return a->key_id == b->key_id && !memcmp(a->pk, b->pk, sizeof(a->pk)) &&
           !strcmp(a->name, b->name);
}

/* A genesis or epoch entry: check it continues the chain of keys, then switch to its key. */
static int apply_mark(struct vctx *v, struct merge *m, const struct mark *k)
{
    struct bol_merkle_frontier tmp;
    struct bol_hash root;
    int r;

    if (k->genesis) {
        m->cur = k->gkey;
        m->have_key = true;
        m->epoch = 1;
        m->key_seq = 1;
        m->first_cp = 0;
        return 0;
    }
    if (!m->have_key || !same_key(&k->ep.prev_key, &m->cur))
        return report(v, m, k->seq, 0,
                      "entry %" PRIu64 ": the epoch's previous key is not the key in force",
                      k->seq);
    if (k->ep.epoch != m->epoch + 1)
        return report(v, m, k->seq, 0,
                      "entry %" PRIu64 ": epoch %" PRIu64 " follows epoch %" PRIu64, k->seq,
                      k->ep.epoch, m->epoch);
    if (k->ep.prev_size == k->seq - 1) {
        /* The previous epoch ended right before this entry: its root must be this tree's. */
        r = extend(&tmp, &m->f, &k->f);
        if (r < 0)
            return r;
        bol_merkle_frontier_root(&tmp, &root);
        if (memcmp(root.b, k->ep.prev_root.b, BOL_HASH_LEN) != 0)
            return report(v, m, k->seq, 0,
                          "entry %" PRIu64 ": the previous epoch's root differs from the tree of "
                          "entries 1..%" PRIu64,
                          k->seq, k->seq - 1);
    }
    m->cur = k->ep.key;
    m->epoch = k->ep.epoch;
    m->key_seq = k->seq;
    m->first_cp = 0;
    return 0;
}

/*
 * The key given is not the key in force at the end.  The report names the
 * first checkpoint of the last epoch and why the given key does not open it,
 * which for a journal of one epoch is exactly what checking every checkpoint
 * with the given key would have said first.
 */
static int wrong_key(struct vctx *v, struct merge *m)
{
    struct bol_diag d;
    struct bol_str text;
    size_t i;

    bol_diag_init(&d);
    for (i = 0; i < v->ncps && v->cps[i].size != m->first_cp; i++)
        ;
    if (i == v->ncps ||
        bol_note_open(bol_str_make(v->cps[i].note, v->cps[i].len), v->key, &text, &d) == 0)
        snprintf(d.msg, sizeof(d.msg), "it is signed by the journal's key");
    if (m->epoch == 1)
        return report(v, m, 0, m->first_cp, "checkpoint at size %" PRIu64 ": %s", m->first_cp,
                      d.msg);
    return report(v, m, 0, m->first_cp,
                  "the journal's current key is not the one given (epoch %" PRIu64
                  ", checkpoint at size %" PRIu64 ": %s)",
                  m->epoch, m->first_cp, d.msg);
}

static int check_cp(struct vctx *v, struct merge *m, const struct cp *c,
                    const struct bol_merkle_frontier *f)
{
    struct bol_checkpoint body;
    struct bol_str text;
    struct bol_hash root;
    struct bol_diag d;

    bol_diag_init(&d);
    if (!m->have_key)
        return report(v, m, 1, c->size, "checkpoint at size %" PRIu64 ": no key is in force",
                      c->size);
    if (bol_note_open(bol_str_make(c->note, c->len), &m->cur, &text, &d) < 0)
        return report(v, m, 0, c->size, "checkpoint at size %" PRIu64 ": %s", c->size, d.msg);
    if (bol_checkpoint_parse(text, &body, &d) < 0)
        return report(v, m, 0, c->size, "checkpoint at size %" PRIu64 ": %s", c->size, d.msg);
    if (body.size != c->size || strcmp(body.origin, m->cur.name) != 0)
        return report(v, m, 0, c->size,
                      "checkpoint at size %" PRIu64 " says size %" PRIu64 " of origin '%s'",
                      c->size, body.size, body.origin);
    bol_merkle_frontier_root(f, &root);
    if (memcmp(root.b, body.root.b, BOL_HASH_LEN) != 0)
        return report(v, m, m->last_good_cp + 1, c->size,
                      "checkpoint at size %" PRIu64 ": its root differs from the tree of the "
                      "entries; an entry in %" PRIu64 "..%" PRIu64
                      " was altered together with its stored hash, or the checkpoint was forged",
                      c->size, m->last_good_cp + 1, c->size);
    m->last_good_cp = c->size;
    if (!m->first_cp)
        m->first_cp = c->size;
    v->rep->checkpoints++;
    return 0;
}

static int merge_segment(struct vctx *v, struct merge *m, struct seg *g, bool last)
{
    struct bol_merkle_frontier tmp;
    size_t i, k = 0;
    int r;

    if (g->err)
        return g->err;
    /* Checkpoints inside the segment, before any failure in it, each under the key in force. */
    for (i = 0; i < g->nsnaps; i++) {
        const struct cp *c = &v->cps[m->next_cp];

        for (; k < g->nmarks && g->marks[k].seq <= g->snaps[i].size; k++) {
            r = apply_mark(v, m, &g->marks[k]);
            if (r < 0)
                return r;
        }

        while (m->next_cp < v->ncps && v->cps[m->next_cp].size < g->snaps[i].size)
            m->next_cp++; /* duplicates cannot exist: size is the primary key */
        c = &v->cps[m->next_cp++];
        r = extend(&tmp, &m->f, &g->snaps[i].f);
        if (r < 0)
            return r;
        r = check_cp(v, m, c, &tmp);
        if (r < 0)
            return r;
    }
    for (; k < g->nmarks; k++) {
        r = apply_mark(v, m, &g->marks[k]);
        if (r < 0)
            return r;
    }
    switch (g->fail) {
    case SEG_OK:
        break;
    case SEG_KEYS:
        return report(v, m, g->fail_seq, 0, "entry %" PRIu64 ": %s", g->fail_seq, g->fail_msg);
    case SEG_GAP:
        return report(v, m, g->fail_seq, 0,
                      "entry %" PRIu64 " is missing (the entry after %" PRIu64 " is %" PRIu64 ")",
                      g->fail_seq, g->fail_seq - 1, g->fail_inner);
    case SEG_ORDER:
        return report(v, m, g->fail_inner, 0, "entry %" PRIu64 " appears out of order",
                      g->fail_inner);
    case SEG_ENDS:
        if (last)
            return report(v, m, g->fail_seq, 0,
                          "the journal head says %" PRIu64 " entries but %" PRIu64 " are present",
                          v->head, g->fail_seq - 1);
        return report(v, m, g->fail_seq, 0, "entry %" PRIu64 " is missing", g->fail_seq);
    case SEG_HASH:
        return report(v, m, g->fail_seq, 0,
                      "entry %" PRIu64 ": its content does not match its stored hash (the entry "
                      "was altered)",
                      g->fail_seq);
    case SEG_INNER:
        return report(v, m, g->fail_seq, 0,
                      "entry %" PRIu64 ": it says it is entry %" PRIu64
                      " (entries were moved or swapped)",
                      g->fail_seq, g->fail_inner);
    case SEG_DECODE:
        return report(v, m, g->fail_seq, 0, "entry %" PRIu64 ": %s", g->fail_seq, g->fail_msg);
    case SEG_CANONICAL:
        return report(v, m, g->fail_seq, 0, "entry %" PRIu64 ": payload is not canonical JSON",
                      g->fail_seq);
    }
    r = extend(&tmp, &m->f, &g->f);
    if (r < 0)
        return r;
    m->f = tmp;
    v->rep->entries += g->f.size;
    return 0;
}

/*
 * Entries past the head as it is now, in one statement (one snapshot), so a
 * verification beside a running server does not take the entries committed
 * since it started for rows slipped in behind the head's back.
 */
static const struct bol_sql q_beyond = {
    "SELECT MIN(seq) FROM journal WHERE seq > (SELECT size FROM journal_head WHERE id = 1)"
};

int bol_store_verify(struct bol_store *s, const struct bol_verifier *key, unsigned flags,
                     struct bol_verify_report *rep, struct bol_diag *diag)
{
    pthread_t workers[MAX_WORKERS];
    unsigned nworkers = 0, w;
    struct merge m;
    struct vctx v;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t k;
    size_t i;
    int r;

    memset(rep, 0, sizeof(*rep));
    memset(&v, 0, sizeof(v));
    memset(&m, 0, sizeof(m));
    v.s = s;
    v.key = key ? key : &s->pub;
    v.flags = flags;
    v.rep = rep;
    bol_merkle_frontier_init(&m.f);
    pthread_mutex_init(&v.lock, NULL);
    pthread_cond_init(&v.cond, NULL);
    r = bol_store_size(s, &v.head, diag);
    if (r == 0)
        r = bol_store_checkpoints(s, 0, collect_cp, &v, diag);
    if (r < 0)
        goto out;
    if (!v.ncps) {
        r = report(&v, &m, 0, 0, "the journal has no checkpoint");
        goto out;
    }
    v.nsegs = (v.head + SEG_SIZE - 1) / SEG_SIZE;
    v.segs = bol_calloc(v.nsegs ? v.nsegs : 1, sizeof(*v.segs));
    if (!v.segs) {
        r = bol_diag_fail(diag, BOL_E_NOMEM, "verify", "out of memory");
        goto out;
    }
    for (k = 0; k < v.nsegs; k++) {
        v.segs[k].lo = k * SEG_SIZE;
        v.segs[k].hi = BOL_MIN((k + 1) * SEG_SIZE, v.head);
    }
    for (w = 0; w < (unsigned) BOL_MAX(1L, BOL_MIN(ncpu, (long) MAX_WORKERS)) && w < v.nsegs; w++) {
        if (pthread_create(&workers[w], NULL, worker_main, &v) != 0)
            break;
        nworkers++;
    }
    if (v.nsegs && !nworkers) {
        r = bol_diag_fail(diag, BOL_E_INTERNAL, "verify", "cannot start a thread");
        goto out;
    }
    for (k = 0; k < v.nsegs && !m.failed; k++) {
        struct seg *g = &v.segs[k];

        pthread_mutex_lock(&v.lock);
        while (!g->done)
            pthread_cond_wait(&v.cond, &v.lock);
        pthread_mutex_unlock(&v.lock);
        r = merge_segment(&v, &m, g, k + 1 == v.nsegs);
        if (g->err && diag)
            *diag = g->diag;
        bol_free(g->snaps);
        g->snaps = NULL;
        bol_free(g->marks);
        g->marks = NULL;
        pthread_mutex_lock(&v.lock);
        v.merged = k + 1;
        pthread_cond_broadcast(&v.cond);
        pthread_mutex_unlock(&v.lock);
        if (r < 0)
            goto out;
    }
    /*
     * Checkpoints beyond the last entry: the end was cut off, unless the
     * journal grew to them while this ran (a server writing beside it).
     */
    while (m.next_cp < v.ncps && v.cps[m.next_cp].size <= m.f.size)
        m.next_cp++;
    if (m.next_cp < v.ncps) {
        uint64_t now_size = 0;

        r = bol_store_size(s, &now_size, diag);
        if (r < 0)
            goto out;
        if (m.f.size == v.head && v.cps[v.ncps - 1].size <= now_size)
            m.next_cp = v.ncps;
    }
    if (m.next_cp < v.ncps) {
        r = report(&v, &m, m.f.size + 1, v.cps[m.next_cp].size,
                   "checkpoint at size %" PRIu64 " but the journal ends at entry %" PRIu64
                   ": entries were removed from the end",
                   v.cps[m.next_cp].size, m.f.size);
        goto out;
    }
    {
        int64_t beyond = 0;

        r = bol_db_query_int(s->db, &q_beyond, NULL, 0, &beyond, diag);
        if (r < 0)
            goto out;
        if (beyond > 0) {
            r = report(&v, &m, (uint64_t) beyond, 0,
                       "entry %" PRId64 " lies beyond the journal head (%" PRIu64 " entries)",
                       beyond, v.head);
            goto out;
        }
    }
    /* Every key named inside is covered by the last checkpoint, signed with the trusted key. */
    if (m.key_seq > 1 && !m.first_cp) {
        r = report(&v, &m, m.key_seq, 0,
                   "entry %" PRIu64 " starts epoch %" PRIu64
                   " but no checkpoint signed with its key covers it",
                   m.key_seq, m.epoch);
        goto out;
    }
    if (!m.have_key || !same_key(&m.cur, v.key)) {
        r = wrong_key(&v, &m);
        goto out;
    }
    rep->size = m.f.size;
    bol_merkle_frontier_root(&m.f, &rep->root);
    r = 0;
out:
    pthread_mutex_lock(&v.lock);
    v.stop = true;
    pthread_cond_broadcast(&v.cond);
    pthread_mutex_unlock(&v.lock);
    for (w = 0; w < nworkers; w++)
        pthread_join(workers[w], NULL);
    for (k = 0; v.segs && k < v.nsegs; k++) {
        bol_free(v.segs[k].snaps);
        bol_free(v.segs[k].marks);
    }
    bol_free(v.segs);
    for (i = 0; i < v.ncps; i++)
        bol_free(v.cps[i].note);
    bol_free(v.cps);
    pthread_mutex_destroy(&v.lock);
    pthread_cond_destroy(&v.cond);
    if (r == BOL_E_CORRUPT && rep->what[0])
        bol_diag_fail(diag, BOL_E_CORRUPT, "journal", "%s", rep->what);
    return r;
}
