/* SPDX-License-Identifier: Apache-2.0 */
/*
 * restore.c - a new primary from the replica (restore.h)
 */
#include "compat.h"

#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "restore.h"
#include "account.h"
#include "entry.h"
#include "epoch.h"
#include "errors.h"
#include "mem.h"
#include "ops.h"
#include "query.h"
#include "replica-int.h"
#include "replica.h"
#include "utctime.h"

static double secs_since(int64_t t0)
{
    return (double) (bol_time_mono_us() - t0) / 1e6;
}

/* ---- where to stop ---- */

struct cut_ctx {
    int64_t before_us;
    uint64_t last;
    struct bol_diag *diag;
};

static int cut_entry(void *ctx, uint64_t seq, struct bol_str entry)
{
    struct cut_ctx *c = ctx;
    struct bol_entry e;
    int rc = bol_entry_decode(entry, &e, c->diag);

    if (rc < 0)
        return rc;
    if (e.at_us >= c->before_us)
        return 1;
    c->last = seq;
    return 0;
}

/* ---- importing ---- */

#define IMPORT_TX_ENTRIES 200000

struct cp_item {
    uint64_t size;
    struct bol_verifier key;
    size_t off, len; /* the note in notes */
};

struct import_ctx {
    struct bol_store *s;
    uint64_t apply_after; /* entries after this one are applied to state */
    uint32_t epochs;      /* journal.epoch entries met */
    int64_t now_us;
    uint64_t in_tx;
    struct cp_item *cps;
    size_t ncps, cap, next_cp;
    struct bol_buf notes;
    struct bol_diag *diag;
};

static int take_cp(void *ctx, uint64_t size, struct bol_str note, const struct bol_verifier *key)
{
    struct import_ctx *ic = ctx;

    if (ic->ncps == ic->cap) {
        size_t cap = ic->cap ? ic->cap * 2 : 1024;
        struct cp_item *n = bol_realloc(ic->cps, cap * sizeof(*n));

        if (!n)
            return bol_diag_fail(ic->diag, BOL_E_NOMEM, "restore", "out of memory");
        ic->cps = n;
        ic->cap = cap;
    }
    ic->cps[ic->ncps] = (struct cp_item){ size, *key, ic->notes.len, note.len };
    if (bol_buf_addstr(&ic->notes, note) < 0)
        return bol_diag_fail(ic->diag, BOL_E_NOMEM, "restore", "out of memory");
    ic->ncps++;
    return 0;
}

/* One entry into the new journal (decoded and hashed on the reading thread). */
static int import_one(struct import_ctx *ic, struct bol_str entry, const struct bol_entry *e,
                      const struct bol_hash *leaf)
{
    int rc;

    if (bol_str_eq(e->type, BOL_STR("journal.epoch")))
        ic->epochs++;
    rc = bol_store_import_prepared(ic->s, entry, e, leaf, e->seq > ic->apply_after, ic->diag);
    /* the old epoch's checkpoints go in where the journal reaches their size */
    while (rc == 0 && ic->next_cp < ic->ncps && ic->cps[ic->next_cp].size <= e->seq) {
        const struct cp_item *c = &ic->cps[ic->next_cp++];

        if (c->size == e->seq)
            rc = bol_store_import_checkpoint(
                ic->s, &c->key, bol_str_make(ic->notes.buf + c->off, c->len), ic->diag);
    }
    if (rc == 0 && ++ic->in_tx >= IMPORT_TX_ENTRIES) {
        rc = bol_store_commit(ic->s, ic->now_us, ic->diag);
        if (rc == 0)
            rc = bol_store_begin(ic->s, ic->diag);
        ic->in_tx = 0;
    }
    return rc;
}

/*
 * Two threads: one reads the vault (decrypting, decoding, hashing) into
 * chunks, the other writes them into the new store.  A few chunks are in
 * flight; memory stays bounded whatever the journal's length.
 */
#define CHUNK_ITEMS 16384
#define CHUNK_BYTES (8u << 20)
#define CHUNKS      3

struct item {
    bool cp;
    uint64_t n; /* entry seq, or checkpoint size */
    size_t off, len;
    struct bol_entry e;
    struct bol_hash leaf;
    struct bol_verifier key;
};

struct chunk {
    struct bol_buf bytes;
    struct item *items;
    size_t n;
    bool full;
};

struct pipe {
    struct bol_replica *r;
    uint64_t upto;
    struct chunk ch[CHUNKS];
    unsigned put, take; /* next chunk to fill, to write */
    bool done, stop;
    int rc; /* the reader's result */
    struct bol_diag diag;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static int chunk_item(struct pipe *pp, struct bol_str bytes, struct item *it)
{
    struct chunk *c = &pp->ch[pp->put];

    it->off = c->bytes.len;
    it->len = bytes.len;
    if (bol_buf_addstr(&c->bytes, bytes) < 0)
        return bol_diag_fail(&pp->diag, BOL_E_NOMEM, "restore", "out of memory");
    c->items[c->n++] = *it;
    return 0;
}

/* Seal the chunk being filled (slices now point into its final buffer) and hand it over. */
static int chunk_publish(struct pipe *pp, bool last)
{
    struct chunk *c = &pp->ch[pp->put];
    size_t i;
    int rc = 0;

    for (i = 0; i < c->n && rc == 0; i++) {
        struct item *it = &c->items[i];
        struct bol_str b = bol_str_make(c->bytes.buf + it->off, it->len);

        if (!it->cp) {
            rc = bol_entry_decode(b, &it->e, &pp->diag);
            if (rc == 0 && it->e.seq != it->n)
                rc = bol_diag_fail(&pp->diag, BOL_E_CORRUPT, "vault",
                                   "entry %" PRIu64 " says it is %" PRIu64, it->n, it->e.seq);
            bol_merkle_leaf_hash(b.p, b.len, &it->leaf);
        }
    }
    if (rc < 0)
        return rc; /* not handed over: the writer never sees a half-decoded chunk */
    pthread_mutex_lock(&pp->mu);
    c->full = true;
    pp->put = (pp->put + 1) % CHUNKS;
    if (last)
        pp->done = true;
    pthread_cond_broadcast(&pp->cv);
    /* wait for the next slot to be free */
    while (!last && pp->ch[pp->put].full && !pp->stop)
        pthread_cond_wait(&pp->cv, &pp->mu);
    if (pp->stop)
        rc = bol_diag_fail(&pp->diag, BOL_E_STATE, "restore", "stopped by the writer");
    pthread_mutex_unlock(&pp->mu);
    return rc;
}

static int pipe_entry(void *ctx, uint64_t seq, struct bol_str entry)
{
    struct pipe *pp = ctx;
    struct item it;
    struct chunk *c = &pp->ch[pp->put];
    int rc;

    memset(&it, 0, sizeof(it));
    it.n = seq;
    rc = chunk_item(pp, entry, &it);
    if (rc == 0 && (c->n == CHUNK_ITEMS || c->bytes.len >= CHUNK_BYTES))
        rc = chunk_publish(pp, false);
    return rc;
}

static int pipe_cp(void *ctx, uint64_t size, struct bol_str note, const struct bol_verifier *key)
{
    struct pipe *pp = ctx;
    struct item it;
    struct chunk *c = &pp->ch[pp->put];
    int rc;

    memset(&it, 0, sizeof(it));
    it.cp = true;
    it.n = size;
    it.key = *key;
    rc = chunk_item(pp, note, &it);
    if (rc == 0 && (c->n == CHUNK_ITEMS || c->bytes.len >= CHUNK_BYTES))
        rc = chunk_publish(pp, false);
    return rc;
}

static void *reader(void *arg)
{
    struct pipe *pp = arg;
    int rc = bol_replica_read_all(pp->r, pp->upto, pipe_entry, pipe_cp, pp, &pp->diag);

    if (rc == 0)
        rc = chunk_publish(pp, true);
    pthread_mutex_lock(&pp->mu);
    pp->rc = rc;
    pp->done = true;
    pthread_cond_broadcast(&pp->cv);
    pthread_mutex_unlock(&pp->mu);
    return NULL;
}

/* The writer's side: every chunk in order into the store. */
static int import_all(struct bol_replica *r, uint64_t upto, struct import_ctx *ic)
{
    struct pipe *pp = bol_calloc(1, sizeof(*pp));
    pthread_t th;
    unsigned i;
    int rc = 0;

    if (!pp)
        return bol_diag_fail(ic->diag, BOL_E_NOMEM, "restore", "out of memory");
    pp->r = r;
    pp->upto = upto;
    bol_diag_init(&pp->diag);
    for (i = 0; i < CHUNKS && rc == 0; i++) {
        bol_buf_init(&pp->ch[i].bytes, NULL, CHUNK_BYTES + BOL_ENTRY_MAX + BOL_NOTE_MAX);
        pp->ch[i].items = bol_calloc(CHUNK_ITEMS, sizeof(struct item));
        if (!pp->ch[i].items)
            rc = bol_diag_fail(ic->diag, BOL_E_NOMEM, "restore", "out of memory");
    }
    pthread_mutex_init(&pp->mu, NULL);
    pthread_cond_init(&pp->cv, NULL);
    if (rc == 0 && pthread_create(&th, NULL, reader, pp) != 0)
        rc = bol_diag_fail(ic->diag, BOL_E_INTERNAL, "restore", "cannot start a thread");
    if (rc < 0)
        goto out;
    for (;;) {
        struct chunk *c;
        bool last;
        size_t k;

        pthread_mutex_lock(&pp->mu);
        while (!pp->ch[pp->take].full && !pp->done)
            pthread_cond_wait(&pp->cv, &pp->mu);
        last = !pp->ch[pp->take].full; /* done, and nothing more to write */
        pthread_mutex_unlock(&pp->mu);
        if (last)
            break;
        c = &pp->ch[pp->take];
        for (k = 0; k < c->n && rc == 0; k++) {
            const struct item *it = &c->items[k];
            struct bol_str b = bol_str_make(c->bytes.buf + it->off, it->len);

            rc = it->cp ? take_cp(ic, it->n, b, &it->key) : import_one(ic, b, &it->e, &it->leaf);
        }
        pthread_mutex_lock(&pp->mu);
        c->full = false;
        c->n = 0;
        bol_buf_reset(&c->bytes);
        pp->take = (pp->take + 1) % CHUNKS;
        if (rc < 0)
            pp->stop = true;
        pthread_cond_broadcast(&pp->cv);
        pthread_mutex_unlock(&pp->mu);
        if (rc < 0)
            break;
    }
    pthread_join(th, NULL);
    if (rc == 0 && pp->rc < 0)
        rc = bol_diag_fail(ic->diag, pp->rc, "restore", "%s", pp->diag.msg);
out:
    pthread_mutex_destroy(&pp->mu);
    pthread_cond_destroy(&pp->cv);
    for (i = 0; i < CHUNKS; i++) {
        bol_buf_release(&pp->ch[i].bytes);
        bol_free(pp->ch[i].items);
    }
    bol_free(pp);
    return rc;
}

/* The newest checkpoint signed by one key. */
struct last_cp {
    const struct bol_verifier *key;
    struct bol_buf *note;
    bool found;
};

static int take_last_cp(void *ctx, uint64_t size, struct bol_str note,
                        const struct bol_verifier *key)
{
    struct last_cp *lc = ctx;

    (void) size;
    if (memcmp(key->pk, lc->key->pk, sizeof(key->pk)) != 0)
        return 0;
    bol_buf_reset(lc->note);
    lc->found = true;
    return bol_buf_addstr(lc->note, note) < 0 ? BOL_E_NOMEM : 0;
}

/*
 * The journal.epoch event that opens the new epoch.  It names the newest
 * verified checkpoint of the epoch entry k belongs to (whose key is the one
 * in force at k in the new journal): usually the replica's newest, but a
 * restore to a point inside an earlier epoch looks that epoch's up.
 */
static int epoch_event(struct bol_replica *r, const struct bol_restore_opts *o, uint64_t k,
                       uint32_t epoch, const struct bol_verifier *pub, struct bol_buf *payload,
                       struct bol_diag *diag)
{
    struct bol_buf note = BOL_BUF_INIT(BOL_NOTE_MAX);
    const char *why = o->note ? o->note : "restored from the replica";
    const struct bol_verifier *at_k = bol_replica_key_at(r, k);
    struct bol_verifier old;
    int rc = bol_replica_last_checkpoint(r, &note, &old, diag);

    if (rc == 0 && memcmp(old.pk, at_k->pk, sizeof(old.pk)) != 0) {
        struct last_cp lc = { at_k, &note, false };

        rc = bol_replica_checkpoints(r, bol_replica_size(r), take_last_cp, &lc, diag);
        if (rc == 0 && !lc.found)
            rc = bol_diag_fail(diag, BOL_E_STATE, "restore",
                               "no verified checkpoint of the epoch entry %" PRIu64
                               " belongs to: restore to an earlier entry",
                               k);
        old = *at_k;
    }

    if (rc == 0 && strlen(why) > BOL_EPOCH_NOTE_MAX)
        rc = bol_diag_fail(diag, BOL_E_INVAL, "note", "at most %d bytes", BOL_EPOCH_NOTE_MAX);
    if (rc == 0)
        rc = bol_epoch_payload(epoch, pub, &old, bol_buf_str(&note), BOL_EPOCH_RESTORE,
                               bol_str_from(why), payload, diag);
    bol_buf_release(&note);
    return rc;
}

/* ---- rotating every credential ---- */

static int run_cmd(struct bol_ops *ops, json_t *cmd, struct bol_secrets *x, struct bol_diag *diag)
{
    struct bol_ops_call call;
    int rc;

    memset(&call, 0, sizeof(call));
    bol_diag_init(&call.diag);
    call.actor.id = BOL_STR("system:restore");
    call.actor.addr = BOL_STR("");
    call.req = BOL_STR("");
    call.cmd = cmd;
    call.user = x;
    call.tx_hook = x ? bol_secrets_hook : NULL;
    rc = cmd ? bol_ops_run_call(ops, &call) : BOL_E_NOMEM;
    json_decref(cmd);
    if (rc < 0)
        return bol_diag_fail(diag, rc, "restore", "%s", call.diag.msg);
    return 0;
}

/* A password nobody knows: the account can log in again only after an administrator resets it. */
static int sealed_password(char hash[crypto_pwhash_STRBYTES])
{
    char pw[48];
    uint8_t raw[32];
    int rc;

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(pw, sizeof(pw), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    rc = crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                           crypto_pwhash_MEMLIMIT_INTERACTIVE);
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(raw, sizeof(raw));
    return rc == 0 ? 0 : BOL_E_NOMEM;
}

static int rotate(const struct bol_restore_opts *o, struct bol_restore_result *res,
                  struct bol_diag *diag)
{
    struct bol_store_config rc_cfg = { .data_dir = o->data_dir, .read_only = true };
    struct bol_ops_opts oo;
    struct bol_ops *ops = NULL;
    struct bol_store *rd = NULL;
    json_t *keys = NULL, *accts = NULL, *v;
    size_t i;
    unsigned k;
    int rc;

    rc = bol_store_open(&rc_cfg, &rd, diag);
    if (rc == 0)
        rc = bol_query_docs(rd, BOL_DOC_APIKEY, NULL, &keys, diag);
    if (rc == 0)
        rc = bol_query_docs(rd, BOL_DOC_ACCOUNT, NULL, &accts, diag);
    bol_store_close(rd);
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = o->data_dir;
    if (rc == 0)
        rc = bol_ops_open(&oo, &ops, diag);
    json_array_foreach(keys, i, v)
    {
        struct bol_apikey_info ki;

        if (rc < 0)
            break;
        if ((rc = bol_apikey_from_json(v, &ki, diag)) < 0)
            break;
        if (ki.status != BOL_APIKEY_ACTIVE)
            continue;
        rc = run_cmd(ops,
                     json_pack("{s:s,s:s,s:s}", "cmd", "key.revoke", "id", ki.id, "reason",
                               "restore: every credential of the attacked primary is revoked"),
                     NULL, diag);
        if (rc == 0)
            res->keys_revoked++;
    }
    json_array_foreach(accts, i, v)
    {
        struct bol_account a;
        struct bol_secrets x;
        char hash[crypto_pwhash_STRBYTES];

        if (rc < 0)
            break;
        if ((rc = bol_account_from_json(v, &a, diag)) < 0)
            break;
        memset(&x, 0, sizeof(x));
        x.user = a.user;
        x.now_us = o->now_us;
        x.pw_hash = hash;
        x.pw_verdict = "generated";
        for (k = 0; k < o->nadmins; k++)
            if (!strcmp(o->admins[k], a.user))
                break;
        if (k < o->nadmins) {
            bol_onetime_password(res->otp[k]);
            rc = crypto_pwhash_str(hash, res->otp[k], strlen(res->otp[k]),
                                   crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
                     ? 0
                     : bol_diag_fail(diag, BOL_E_NOMEM, "restore", "cannot hash a password");
        } else {
            rc = sealed_password(hash) == 0
                     ? 0
                     : bol_diag_fail(diag, BOL_E_NOMEM, "restore", "cannot hash a password");
        }
        if (rc == 0)
            rc = run_cmd(ops,
                         json_pack("{s:s,s:s,s:b,s:s}", "cmd", "user.password", "user", a.user,
                                   "must_change", 1, "reason", "restore: every password is reset"),
                         &x, diag);
        sodium_memzero(hash, sizeof(hash));
        if (rc == 0 && a.mfa && !o->keep_mfa) {
            memset(&x, 0, sizeof(x));
            x.user = a.user;
            x.now_us = o->now_us;
            bol_secrets_for(&x, "user.mfa_reset");
            rc = run_cmd(ops,
                         json_pack("{s:s,s:s,s:s}", "cmd", "user.mfa_reset", "user", a.user,
                                   "reason", "restore: authenticators are enrolled again"),
                         &x, diag);
        }
        if (rc == 0)
            res->accounts_reset++;
    }
    for (k = 0; rc == 0 && k < o->nadmins; k++)
        if (!res->otp[k][0])
            rc = bol_diag_fail(diag, BOL_E_NOTFOUND, "admin", "no account '%s' in the journal",
                               o->admins[k]);
    bol_ops_close(ops);
    json_decref(keys);
    json_decref(accts);
    return rc;
}

/* ---- the whole ---- */

int bol_restore(struct bol_replica *r, const struct bol_restore_opts *o,
                struct bol_restore_result *res, struct bol_diag *diag)
{
    struct bol_store_config c = { .data_dir = o->data_dir, .db_url = o->db_url };
    struct import_ctx ic = { .diag = diag };
    struct bol_buf payload = BOL_BUF_INIT(BOL_ENTRY_MAX);
    struct bol_append_result ar;
    bool image = false;
    char snap[64];
    int64_t t0 = bol_time_mono_us();
    uint64_t k;
    int rc;

    memset(res, 0, sizeof(*res));
    bol_buf_init(&ic.notes, NULL, (size_t) 1 << 32);
    res->held = bol_replica_size(r);
    if (bol_replica_verified(r) == 0)
        return bol_diag_fail(diag, BOL_E_STATE, "restore",
                             "the replica has not verified any checkpoint yet: nothing to restore");
    if (o->nadmins > BOL_RESTORE_ADMINS_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "admin", "at most %d administrators",
                             BOL_RESTORE_ADMINS_MAX);
    k = res->held;
    if (o->to_seq) {
        if (o->to_seq > k)
            return bol_diag_fail(diag, BOL_E_INVAL, "to_seq",
                                 "the replica holds %" PRIu64 " entries, not %" PRIu64, k,
                                 o->to_seq);
        k = o->to_seq;
    }
    if (o->to_time_us) {
        struct cut_ctx cc = { o->to_time_us, 0, diag };

        rc = bol_replica_read(r, k, cut_entry, &cc, diag);
        if (rc < 0)
            return rc;
        k = cc.last;
    }
    if (k == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "restore", "that point is before the first entry");
    res->entries = k;

    rc = bol_replica_snapshot_find(r, k, snap, &res->snapshot_seq, diag);
    if (rc == BOL_E_NOTFOUND) {
        res->snapshot_seq = 0;
        rc = 0;
        bol_diag_init(diag);
    }
    if (rc < 0)
        return rc;
    /* SQLite and an image: the image becomes the database, the state is never copied */
    if (res->snapshot_seq && !o->db_url) {
        rc = bol_replica_snapshot_is_image(r, snap, &image, diag);
        if (rc < 0)
            return rc;
    }
    if (image) {
        uint64_t got = 0;
        int fd = -1, cr;

        rc = bol_store_restore_image_open(o->data_dir, &fd, diag);
        if (rc < 0)
            return rc;
        rc = bol_replica_snapshot_image(r, snap, fd, diag);
        cr = bol_store_restore_image_close(o->data_dir, fd, &got, rc == 0 ? diag : NULL);
        if (rc == 0)
            rc = cr;
        if (rc == 0 && got != res->snapshot_seq)
            rc = bol_diag_fail(diag, BOL_E_CORRUPT, "snapshot", "%s holds entry %" PRIu64, snap,
                               got);
        if (rc < 0) {
            (void) bol_replica_rmtree(o->data_dir);
            return rc;
        }
    }
    rc = bol_store_restore_init(&c, bol_replica_origin(r), o->now_us, &res->pub, &ic.s, diag);
    if (rc < 0) {
        if (image)
            (void) bol_replica_rmtree(o->data_dir);
        return rc;
    }
    ic.apply_after = res->snapshot_seq;
    ic.now_us = o->now_us;
    if (res->snapshot_seq && !image) {
        uint64_t got = 0;

        rc = bol_replica_snapshot_load(r, snap, ic.s, &got, diag);
        if (rc == 0 && got != res->snapshot_seq)
            rc = bol_diag_fail(diag, BOL_E_CORRUPT, "snapshot", "%s holds entry %" PRIu64, snap,
                               got);
    }
    res->snapshot_s = secs_since(t0);
    if (rc == 0)
        rc = bol_store_begin(ic.s, diag);
    if (rc == 0) {
        rc = import_all(r, k, &ic);
        if (rc == 0)
            rc = bol_store_commit(ic.s, o->now_us, diag);
        else
            bol_store_rollback(ic.s);
    }
    res->entries_s = secs_since(t0) - res->snapshot_s;
    if (rc == 0 && o->digest)
        rc = bol_store_state_digest(ic.s, &res->digest, diag);
    res->import_s = secs_since(t0);
    res->digest_s = res->import_s - res->snapshot_s - res->entries_s;
    if (rc == 0)
        rc = epoch_event(r, o, k, ic.epochs + 2, &res->pub, &payload, diag);
    if (rc == 0)
        rc = bol_store_begin(ic.s, diag);
    if (rc == 0) {
        struct bol_actor actor = { BOL_STR("system:restore"), BOL_STR("") };
        struct bol_event ev = { BOL_STR("journal.epoch"), 1, BOL_STR(""), bol_buf_str(&payload),
                                NULL };

        rc = bol_store_append(ic.s, &actor, BOL_STR(""), NULL, o->now_us, &ev, 1, &ar, diag);
        if (rc == 0)
            rc = bol_store_commit(ic.s, o->now_us, diag);
        else
            bol_store_rollback(ic.s);
        res->epoch_seq = ar.first_seq;
    }
    bol_store_close(ic.s);
    bol_buf_release(&payload);
    bol_buf_release(&ic.notes);
    bol_free(ic.cps);

    t0 = bol_time_mono_us();
    if (rc == 0)
        rc = rotate(o, res, diag);
    res->rotate_s = secs_since(t0);

    t0 = bol_time_mono_us();
    if (rc == 0) {
        struct bol_store_config vc = { .data_dir = o->data_dir, .read_only = true };
        struct bol_verify_report rep;
        struct bol_store *s = NULL;

        rc = bol_store_open(&vc, &s, diag);
        if (rc == 0)
            rc = bol_store_verify(s, &res->pub, 0, &rep, diag);
        if (rc == BOL_E_CORRUPT)
            bol_diag_fail(diag, rc, "restore", "the restored journal does not verify: %s",
                          rep.what);
        res->size = rep.size;
        bol_store_close(s);
    }
    res->verify_s = secs_since(t0);
    if (rc < 0) {
        unsigned i;

        for (i = 0; i < BOL_RESTORE_ADMINS_MAX; i++)
            sodium_memzero(res->otp[i], sizeof(res->otp[i]));
        (void) bol_replica_rmtree(o->data_dir);
    }
    return rc;
}
