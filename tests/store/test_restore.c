/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_restore.c - journal epochs, key rotation, restore by import, state-only
 * stores and state snapshots, on SQLite and on PostgreSQL
 *
 * Usage: test_restore sqlite|pg.  Every test gets a fresh source store
 * (storetest.h); restores go into a second fresh data directory.
 */
#include "compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "epoch.h"
#include "events.h"
#include "jsonw.h"
#include "note.h"
#include "sha256.h"
#include "storetest.h"

#define NOW 1795279200000000LL

static const struct bol_actor actor = { { "user:tanaka", 11 }, { "192.0.2.10", 10 } };

static int setup(void **state)
{
    return fixture_setup(state, true);
}

static int teardown(void **state)
{
    return fixture_teardown(state);
}

/* One committed command defining terminal T<i>, with a request id when req is set. */
static void define_terminal(struct bol_store *s, unsigned i, bool req)
{
    struct bol_buf b = BOL_BUF_INIT(4096);
    struct bol_append_result res;
    struct bol_event ev;
    struct bol_diag d;
    char code[16], rid[32];
    uint8_t h[BOL_SHA256_LEN];

    snprintf(code, sizeof(code), "T%u", i % 500);
    snprintf(rid, sizeof(rid), "req-%u", i);
    assert_int_equal(bol_buf_addf(&b,
                                  "{\"code\":\"%s\",\"name\":\"Terminal %u\",\"timezone\":"
                                  "\"Asia/Tokyo\",\"unlocode\":\"JPNGO\"}",
                                  code, i),
                     0);
    ev = (struct bol_event){ BOL_STR("terminal.defined"), 2, bol_str_from(code), bol_buf_str(&b),
                             NULL };
    bol_sha256(b.buf, b.len, h);
    bol_diag_init(&d);
    assert_int_equal(bol_store_begin(s, &d), 0);
    if (bol_store_append(s, &actor, req ? bol_str_from(rid) : BOL_STR(""), req ? h : NULL, NOW + i,
                         &ev, 1, &res, &d) != 0)
        fail_msg("append: %s", d.msg);
    assert_int_equal(bol_store_commit(s, NOW + i, &d), 0);
    bol_buf_release(&b);
}

static uint64_t size_of(struct bol_store *s)
{
    uint64_t n = 0;

    assert_int_equal(bol_store_size(s, &n, NULL), 0);
    return n;
}

static void assert_verifies(struct bol_store *s, const struct bol_verifier *key)
{
    struct bol_verify_report rep;
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_store_verify(s, key, BOL_VERIFY_DEEP, &rep, &d) != 0)
        fail_msg("verify: %s", rep.what[0] ? rep.what : d.msg);
}

static void assert_same_digest(const struct bol_state_digest *a, const struct bol_state_digest *b)
{
    size_t i;

    assert_int_equal(a->n, b->n);
    for (i = 0; i < a->n; i++) {
        assert_string_equal(a->t[i].table, b->t[i].table);
        if (a->t[i].rows != b->t[i].rows ||
            memcmp(a->t[i].hash.b, b->t[i].hash.b, BOL_HASH_LEN) != 0)
            fail_msg("table %s differs: %" PRIu64 " rows against %" PRIu64, a->t[i].table,
                     a->t[i].rows, b->t[i].rows);
    }
}

/* State equals a replay of the journal. */
static void assert_state_equals_replay(struct fixture *f, struct bol_store *s)
{
    struct bol_state_digest live, replay;
    char path[600];
    uint64_t n = 0;

    snprintf(path, sizeof(path), "%s/../replay.db", f->dir);
    unlink(path);
    assert_int_equal(bol_store_state_digest(s, &live, NULL), 0);
    assert_int_equal(bol_store_replay_into(s, path, &replay, &n, NULL), 0);
    assert_int_equal(n, size_of(s));
    assert_same_digest(&live, &replay);
    unlink(path);
}

/* The latest checkpoint's note. */
static void latest_checkpoint(struct bol_store *s, struct bol_buf *out)
{
    bol_buf_reset(out);
    assert_int_equal(bol_store_latest_checkpoint(s, out, NULL), 0);
}

/* A second fresh data directory (and PostgreSQL database), not initialised. */
static void target_make(struct fixture *t, struct bol_store_config *c)
{
    memset(t, 0, sizeof(*t));
    memset(c, 0, sizeof(*c));
    snprintf(t->dir, sizeof(t->dir), "%s/bollard-restore-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(t->dir));
    memcpy(t->dir + strlen(t->dir), "/data", 6);
    c->data_dir = t->dir;
    c->checkpoint_every = 10;
    c->checkpoint_interval_us = 3600LL * 1000000;
    if (use_pg) {
        char sql[128];

        snprintf(t->dbname, sizeof(t->dbname), "br_%ld_%u", (long) getpid(), ++fixture_counter);
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s", t->dbname);
        assert_int_equal(pg_admin(sql), 0);
        dsn_with_db(pg_dsn, t->dbname, t->url, sizeof(t->url));
        c->db_url = t->url;
    }
}

/* ---- the journal.epoch event ---- */

static void epoch_payload(struct bol_store *s, const struct bol_verifier *key, uint64_t epoch,
                          struct bol_buf *out)
{
    struct bol_buf cp = BOL_BUF_INIT(BOL_NOTE_MAX);
    struct bol_diag d;

    latest_checkpoint(s, &cp);
    bol_buf_reset(out);
    bol_diag_init(&d);
    if (bol_epoch_payload(epoch, key, bol_store_verifier(s), bol_buf_str(&cp), BOL_EPOCH_RESTORE,
                          BOL_STR("after the attack"), out, &d) != 0)
        fail_msg("payload: %s", d.msg);
    bol_buf_release(&cp);
}

/* The payload with the first occurrence of from replaced by to. */
static void edited(const struct bol_buf *in, const char *from, const char *to, struct bol_buf *out)
{
    const char *at = strstr(in->buf, from);

    assert_non_null(at);
    bol_buf_reset(out);
    assert_int_equal(bol_buf_add(out, in->buf, (size_t) (at - in->buf)), 0);
    assert_int_equal(bol_buf_adds(out, to), 0);
    assert_int_equal(bol_buf_adds(out, at + strlen(from)), 0);
}

static int check(const struct bol_buf *payload, struct bol_diag *d)
{
    bol_diag_init(d);
    return bol_event_check(BOL_STR("journal.epoch"), 1, bol_buf_str(payload), d);
}

static void test_epoch_event_check(void **state)
{
    struct fixture *f = *state;
    struct bol_signer next, other;
    struct bol_buf good = BOL_BUF_INIT(BOL_ENTRY_MAX), bad = BOL_BUF_INIT(BOL_ENTRY_MAX);
    struct bol_buf key = BOL_BUF_INIT(1024);
    struct bol_epoch ep;
    struct bol_diag d;
    char root_b64[64];
    const char *p, *q;

    for (unsigned k = 1; k <= 10; k++)
        define_terminal(f->s, k, false);
    assert_int_equal(size_of(f->s), 11); /* checkpointed at 11 */
    assert_int_equal(bol_signer_generate("test.example/bollard", &next, NULL), 0);
    assert_int_equal(bol_signer_generate("test.example/bollard", &other, NULL), 0);
    epoch_payload(f->s, &next.v, 2, &good);
    assert_int_equal(check(&good, &d), 0);
    assert_int_equal(bol_epoch_parse(bol_buf_str(&good), &ep, NULL), 0);
    assert_int_equal(ep.epoch, 2);
    assert_int_equal(ep.prev_size, size_of(f->s));
    assert_int_equal(ep.reason, BOL_EPOCH_RESTORE);
    assert_memory_equal(ep.key.pk, next.v.pk, 32);

    /* A key that does not parse. */
    assert_int_equal(bol_verifier_encode(&next.v, &key), 0);
    edited(&good, key.buf, "test.example/bollard+0000zzzz+AAAA", &bad);
    assert_int_equal(check(&bad, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "key");
    /* The previous key is not the one that signed the checkpoint. */
    bol_buf_reset(&key);
    assert_int_equal(bol_verifier_encode(bol_store_verifier(f->s), &key), 0);
    {
        struct bol_buf okey = BOL_BUF_INIT(1024);

        assert_int_equal(bol_verifier_encode(&other.v, &okey), 0);
        edited(&good, key.buf, okey.buf, &bad);
        /* The first occurrence of the old key is previous.key (sorted after checkpoint). */
        assert_int_equal(check(&bad, &d), BOL_E_INVAL);
        assert_string_equal(d.field, "previous.checkpoint");
        bol_buf_release(&okey);
    }
    /* The checkpoint does not match previous.size. */
    snprintf(root_b64, sizeof(root_b64), "\"size\":%" PRIu64 "}", size_of(f->s));
    edited(&good, root_b64, "\"size\":1}", &bad);
    assert_int_equal(check(&bad, &d), BOL_E_INVAL);
    assert_non_null(strstr(d.msg, "does not match"));
    /* Nor previous.root. */
    p = strstr(good.buf, "\"root\":\"");
    assert_non_null(p);
    p += 8;
    q = strchr(p, '"');
    snprintf(root_b64, sizeof(root_b64), "%.*s", (int) (q - p), p);
    edited(&good, root_b64, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &bad);
    assert_int_equal(check(&bad, &d), BOL_E_INVAL);
    /* A tampered checkpoint: its size line changed, the signature no longer holds. */
    {
        char from[64], to[64];

        snprintf(from, sizeof(from), "bollard\\n%" PRIu64 "\\n", size_of(f->s));
        snprintf(to, sizeof(to), "bollard\\n%" PRIu64 "\\n", size_of(f->s) + 1);
        edited(&good, from, to, &bad);
        assert_int_equal(check(&bad, &d), BOL_E_INVAL);
        assert_string_equal(d.field, "previous.checkpoint");
    }
    /* Epoch 1 belongs to the genesis entry. */
    edited(&good, "\"epoch\":2", "\"epoch\":1", &bad);
    assert_int_equal(check(&bad, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "epoch");
    /* The same key again is no new epoch. */
    bol_diag_init(&d);
    {
        struct bol_buf cp = BOL_BUF_INIT(BOL_NOTE_MAX);

        latest_checkpoint(f->s, &cp);
        bol_buf_reset(&bad);
        assert_int_equal(bol_epoch_payload(2, bol_store_verifier(f->s), bol_store_verifier(f->s),
                                           bol_buf_str(&cp), BOL_EPOCH_RESTORE, BOL_STR(""), &bad,
                                           &d),
                         0);
        assert_int_equal(check(&bad, &d), BOL_E_INVAL);
        bol_buf_release(&cp);
    }
    bol_signer_wipe(&next);
    bol_signer_wipe(&other);
    bol_buf_release(&good);
    bol_buf_release(&bad);
    bol_buf_release(&key);
}

/* ---- key rotation ---- */

static bool file_exists(const char *dir, const char *name)
{
    char path[700];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static void read_file(const char *dir, const char *name, struct bol_buf *out)
{
    char path[700], chunk[4096];
    FILE *fp;
    size_t n;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    bol_buf_reset(out);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        assert_int_equal(bol_buf_add(out, chunk, n), 0);
    fclose(fp);
}

static void write_file(const char *dir, const char *name, const struct bol_buf *b, mode_t mode)
{
    char path[700];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(b->buf, 1, b->len, fp), b->len);
    fclose(fp);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_rotate_key(void **state)
{
    struct fixture *f = *state;
    struct bol_verifier old = *bol_store_verifier(f->s), fresh, third;
    struct bol_verify_report rep;
    struct bol_buf b = BOL_BUF_INIT(4096);
    struct bol_diag d;
    unsigned i;

    for (i = 0; i < 15; i++)
        define_terminal(f->s, i, false);
    bol_diag_init(&d);
    if (bol_store_rotate_key(f->s, "scheduled", NOW + 100, &fresh, &d) != 0)
        fail_msg("rotate: %s", d.msg);
    assert_memory_not_equal(fresh.pk, old.pk, 32);
    assert_memory_equal(bol_store_verifier(f->s)->pk, fresh.pk, 32);
    /* The new key verifies the whole journal; the old one no longer does. */
    assert_verifies(f->s, NULL);
    assert_verifies(f->s, &fresh);
    assert_int_equal(bol_store_verify(f->s, &old, 0, &rep, &d), BOL_E_CORRUPT);
    assert_non_null(strstr(rep.what, "current key is not the one given"));
    /* Files: the new key in place, the old public key kept, no temporaries. */
    assert_true(file_exists(f->dir, "journal.pub.1"));
    assert_false(file_exists(f->dir, "journal.key.new"));
    assert_false(file_exists(f->dir, "journal.pub.new"));
    read_file(f->dir, "journal.pub", &b);
    {
        struct bol_verifier onfile;

        assert_int_equal(bol_verifier_decode(bol_buf_str(&b), &onfile, NULL), 0);
        assert_memory_equal(onfile.pk, fresh.pk, 32);
    }
    /* The store reopens with the new key and keeps working across epochs. */
    bol_store_close(f->s);
    f->s = NULL;
    assert_int_equal(fixture_open(f, 10, false), 0);
    for (i = 20; i < 33; i++)
        define_terminal(f->s, i, false);
    assert_int_equal(bol_store_rotate_key(f->s, NULL, NOW + 200, &third, &d), 0);
    define_terminal(f->s, 40, false);
    assert_verifies(f->s, &third);
    assert_int_equal(bol_store_verify(f->s, &fresh, 0, &rep, &d), BOL_E_CORRUPT);
    assert_true(file_exists(f->dir, "journal.pub.2"));
    assert_state_equals_replay(f, f->s);
    bol_buf_release(&b);
}

static void test_rotate_key_crash_before_rename(void **state)
{
    struct fixture *f = *state;
    struct bol_buf oldkey = BOL_BUF_INIT(4096), oldpub = BOL_BUF_INIT(4096);
    struct bol_buf newkey = BOL_BUF_INIT(4096), newpub = BOL_BUF_INIT(4096);
    struct bol_verifier fresh;
    struct bol_signer junk;
    struct bol_buf jb = BOL_BUF_INIT(4096);

    define_terminal(f->s, 1, false);
    read_file(f->dir, "journal.key", &oldkey);
    read_file(f->dir, "journal.pub", &oldpub);
    assert_int_equal(bol_store_rotate_key(f->s, NULL, NOW + 100, &fresh, NULL), 0);
    bol_store_close(f->s);
    f->s = NULL;
    /* Put the files back as a crash right after the commit leaves them. */
    read_file(f->dir, "journal.key", &newkey);
    read_file(f->dir, "journal.pub", &newpub);
    write_file(f->dir, "journal.key.new", &newkey, 0600);
    write_file(f->dir, "journal.pub.new", &newpub, 0644);
    write_file(f->dir, "journal.key", &oldkey, 0600);
    write_file(f->dir, "journal.pub", &oldpub, 0644);
    {
        char p[700];

        snprintf(p, sizeof(p), "%s/journal.pub.1", f->dir);
        unlink(p);
    }
    assert_int_equal(fixture_open(f, 10, false), 0);
    assert_memory_equal(bol_store_verifier(f->s)->pk, fresh.pk, 32);
    assert_false(file_exists(f->dir, "journal.key.new"));
    assert_true(file_exists(f->dir, "journal.pub.1"));
    define_terminal(f->s, 2, false);
    assert_verifies(f->s, &fresh);
    bol_store_close(f->s);
    f->s = NULL;

    /* A rotation that never committed leaves files the next open removes. */
    assert_int_equal(bol_signer_generate("test.example/bollard", &junk, NULL), 0);
    assert_int_equal(bol_verifier_encode(&junk.v, &jb), 0);
    assert_int_equal(bol_buf_addch(&jb, '\n'), 0);
    write_file(f->dir, "journal.pub.new", &jb, 0644);
    write_file(f->dir, "journal.key.new", &jb, 0600);
    assert_int_equal(fixture_open(f, 10, false), 0);
    assert_false(file_exists(f->dir, "journal.pub.new"));
    assert_false(file_exists(f->dir, "journal.key.new"));
    assert_memory_equal(bol_store_verifier(f->s)->pk, fresh.pk, 32);
    bol_signer_wipe(&junk);
    bol_buf_release(&jb);
    bol_buf_release_wipe(&oldkey);
    bol_buf_release_wipe(&newkey);
    bol_buf_release(&oldpub);
    bol_buf_release(&newpub);
}

/* ---- restore by import ---- */

struct import_ctx {
    struct bol_store *src, *dst;
    uint64_t upto;       /* import entries 1..upto */
    uint64_t apply_from; /* apply entries from this seq on */
    bool checkpoints;    /* import the source's checkpoints at sizes reached */
};

static int import_one(void *ctx, uint64_t seq, struct bol_str entry, const struct bol_hash *leaf)
{
    struct import_ctx *ic = ctx;
    struct bol_diag d;
    int r;

    (void) leaf;
    if (seq > ic->upto)
        return 1;
    bol_diag_init(&d);
    r = bol_store_import_entry(ic->dst, entry, seq >= ic->apply_from, &d);
    if (r < 0)
        fail_msg("import %" PRIu64 ": %s", seq, d.msg);
    return 0;
}

struct cp_find {
    uint64_t size;
    struct bol_buf *note;
};

static int find_cp(void *ctx, uint64_t size, int64_t at_us, struct bol_str note)
{
    struct cp_find *c = ctx;

    (void) at_us;
    if (size != c->size)
        return 1;
    return bol_buf_addstr(c->note, note) == 0 ? 1 : -1;
}

/* The source's checkpoint at exactly this size, into note; false when none. */
static bool source_checkpoint(struct bol_store *src, uint64_t size, struct bol_buf *note)
{
    struct cp_find c = { size, note };

    bol_buf_reset(note);
    assert_true(bol_store_checkpoints(src, size, find_cp, &c, NULL) >= 0);
    return note->len > 0;
}

/* Import src's entries 1..upto into dst in one transaction per 7 entries, with its checkpoints. */
static void import_range(struct import_ctx *ic)
{
    struct bol_buf note = BOL_BUF_INIT(BOL_NOTE_MAX);
    struct bol_diag d;
    uint64_t at = size_of(ic->dst);

    while (at < ic->upto) {
        struct import_ctx one = *ic;
        uint64_t k;

        one.upto = BOL_MIN(at + 7, ic->upto);
        assert_int_equal(bol_store_begin(ic->dst, NULL), 0);
        for (k = at + 1; k <= one.upto; k++) {
            assert_true(bol_store_read(ic->src, k, 1, import_one, &one, NULL) >= 0);
            if (ic->checkpoints && source_checkpoint(ic->src, k, &note)) {
                bol_diag_init(&d);
                if (bol_store_import_checkpoint(ic->dst, bol_store_verifier(ic->src),
                                                bol_buf_str(&note), &d) != 0)
                    fail_msg("checkpoint %" PRIu64 ": %s", k, d.msg);
            }
        }
        assert_int_equal(bol_store_commit(ic->dst, NOW, NULL), 0);
        at = one.upto;
    }
    bol_buf_release(&note);
}

/* Append the journal.epoch entry naming dst's new key after the previous epoch's checkpoint. */
static void append_epoch(struct bol_store *dst, const struct bol_verifier *prev_key,
                         struct bol_str prev_cp, uint64_t epoch)
{
    struct bol_actor sys = { BOL_STR("system"), BOL_STR("") };
    struct bol_buf payload = BOL_BUF_INIT(BOL_ENTRY_MAX);
    struct bol_append_result res;
    struct bol_event ev;
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_epoch_payload(epoch, bol_store_verifier(dst), prev_key, prev_cp, BOL_EPOCH_RESTORE,
                          BOL_STR("restored from the replica"), &payload, &d) != 0)
        fail_msg("payload: %s", d.msg);
    ev =
        (struct bol_event){ BOL_STR("journal.epoch"), 1, BOL_STR(""), bol_buf_str(&payload), NULL };
    assert_int_equal(bol_store_begin(dst, NULL), 0);
    if (bol_store_append(dst, &sys, BOL_STR(""), NULL, NOW + 5000, &ev, 1, &res, &d) != 0)
        fail_msg("epoch append: %s", d.msg);
    if (bol_store_commit(dst, NOW + 5000, &d) != 0)
        fail_msg("epoch commit: %s", d.msg);
    bol_buf_release(&payload);
}

static void test_restore_cut_and_extend(void **state)
{
    struct fixture *f = *state, t;
    struct bol_store_config c;
    struct bol_store *dst = NULL;
    struct bol_verifier pub;
    struct bol_verify_report rep;
    struct bol_buf cp = BOL_BUF_INIT(BOL_NOTE_MAX);
    struct bol_append_result res;
    struct bol_diag d;
    struct import_ctx ic;
    unsigned i;

    for (i = 0; i < 60; i++)
        define_terminal(f->s, i, i % 3 == 0);
    /* The last verified checkpoint (at N = 61); the attack came after entry 47. */
    latest_checkpoint(f->s, &cp);
    assert_int_equal(size_of(f->s), 61);
    target_make(&t, &c);
    bol_diag_init(&d);
    if (bol_store_restore_init(&c, "test.example/bollard", NOW + 4000, &pub, &dst, &d) != 0)
        fail_msg("restore init: %s", d.msg);
    assert_int_equal(size_of(dst), 0);
    ic = (struct import_ctx){ f->s, dst, 47, 1, true };
    import_range(&ic);
    assert_int_equal(size_of(dst), 47);
    /* Import mode wrote no checkpoint of its own: only the source's, up to 41. */
    {
        struct bol_buf last = BOL_BUF_INIT(BOL_NOTE_MAX);

        latest_checkpoint(dst, &last);
        assert_non_null(strstr(last.buf, "\n41\n"));
        bol_buf_release(&last);
    }
    append_epoch(dst, bol_store_verifier(f->s), bol_buf_str(&cp), 2);
    assert_int_equal(size_of(dst), 48);
    /* The epoch's commit was signed with the new key and left import mode. */
    assert_verifies(dst, &pub);
    assert_verifies(dst, NULL);
    assert_int_equal(bol_store_verify(dst, bol_store_verifier(f->s), 0, &rep, &d), BOL_E_CORRUPT);
    for (i = 100; i < 125; i++)
        define_terminal(dst, i, false);
    assert_verifies(dst, &pub);
    assert_state_equals_replay(&t, dst);
    /* Request ids survive: a repeat of req-3 (entry 5) is refused, not run again. */
    {
        uint8_t h[BOL_SHA256_LEN] = { 0 };

        assert_int_equal(bol_store_request_find(dst, BOL_STR("req-3"), h, &res, NULL),
                         BOL_E_CONFLICT);
        assert_int_equal(bol_store_request_find(dst, BOL_STR("req-48"), h, &res, NULL),
                         BOL_E_NOTFOUND);
    }
    /* Reopened, the store is a normal one. */
    bol_store_close(dst);
    dst = NULL;
    {
        struct bol_store_config oc = { .data_dir = t.dir, .checkpoint_every = 10 };

        assert_int_equal(bol_store_open(&oc, &dst, NULL), 0);
        define_terminal(dst, 200, false);
        assert_verifies(dst, &pub);
        bol_store_close(dst);
    }
    t.s = NULL;
    fixture_destroy(&t);
    bol_buf_release(&cp);
}

static int copy_entry(void *ctx, uint64_t seq, struct bol_str entry, const struct bol_hash *leaf)
{
    (void) seq;
    (void) leaf;
    return bol_buf_addstr(ctx, entry) == 0 ? 1 : -1;
}

/* Entry seq's bytes. */
static void entry_at(struct bol_store *s, uint64_t seq, struct bol_buf *out)
{
    bol_buf_reset(out);
    assert_int_equal(bol_store_read(s, seq, 1, copy_entry, out, NULL), 1);
}

static void test_import_refuses(void **state)
{
    struct fixture *f = *state, t;
    struct bol_store_config c;
    struct bol_store *dst = NULL;
    struct bol_buf e = BOL_BUF_INIT(BOL_ENTRY_MAX), note = BOL_BUF_INIT(BOL_NOTE_MAX);
    struct bol_buf keytext = BOL_BUF_INIT(4096), text = BOL_BUF_INIT(4096);
    struct bol_signer old, other;
    struct bol_checkpoint body;
    struct bol_diag d;
    unsigned i;

    for (i = 0; i < 12; i++)
        define_terminal(f->s, i, false);
    target_make(&t, &c);
    assert_int_equal(bol_store_restore_init(&c, "test.example/bollard", NOW, NULL, &dst, NULL), 0);
    entry_at(f->s, 1, &e);
    bol_diag_init(&d);
    /* Outside a transaction, and on a store not in import mode. */
    assert_int_equal(bol_store_import_entry(dst, bol_buf_str(&e), true, &d), BOL_E_STATE);
    assert_int_equal(bol_store_begin(f->s, NULL), 0);
    assert_int_equal(bol_store_import_entry(f->s, bol_buf_str(&e), true, &d), BOL_E_STATE);
    bol_store_rollback(f->s);

    assert_int_equal(bol_store_begin(dst, NULL), 0);
    /* Entry 2 cannot come first; bytes that are no entry are refused. */
    entry_at(f->s, 2, &e);
    assert_int_equal(bol_store_import_entry(dst, bol_buf_str(&e), true, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "seq");
    assert_int_equal(bol_store_import_entry(dst, BOL_STR("{\"v\":1}"), true, &d), BOL_E_CORRUPT);
    entry_at(f->s, 1, &e);
    assert_int_equal(bol_store_import_entry(dst, bol_buf_str(&e), true, &d), 0);
    assert_int_equal(bol_store_import_entry(dst, bol_buf_str(&e), true, &d), BOL_E_INVAL);

    /* Checkpoints: another key, another size, another root are refused. */
    assert_true(source_checkpoint(f->s, 1, &note));
    assert_int_equal(bol_signer_generate("test.example/bollard", &other, NULL), 0);
    assert_true(bol_store_import_checkpoint(dst, &other.v, bol_buf_str(&note), &d) < 0);
    assert_true(source_checkpoint(f->s, 11, &note));
    assert_int_equal(
        bol_store_import_checkpoint(dst, bol_store_verifier(f->s), bol_buf_str(&note), &d),
        BOL_E_INVAL);
    read_file(f->dir, "journal.key", &keytext);
    assert_int_equal(bol_signer_decode(bol_buf_str(&keytext), &old, NULL), 0);
    memset(&body, 0, sizeof(body));
    snprintf(body.origin, sizeof(body.origin), "test.example/bollard");
    body.size = 1;
    body.at_us = NOW;
    assert_int_equal(bol_checkpoint_format(&body, &text), 0);
    bol_buf_reset(&note);
    assert_int_equal(bol_note_sign(bol_buf_str(&text), &old, &note, NULL), 0);
    assert_int_equal(
        bol_store_import_checkpoint(dst, bol_store_verifier(f->s), bol_buf_str(&note), &d),
        BOL_E_CORRUPT);
    assert_true(source_checkpoint(f->s, 1, &note));
    assert_int_equal(
        bol_store_import_checkpoint(dst, bol_store_verifier(f->s), bol_buf_str(&note), &d), 0);
    /* A commit of imports alone stays in import mode: no checkpoint of the new key. */
    assert_int_equal(bol_store_commit(dst, NOW, NULL), 0);
    assert_int_equal(bol_store_checkpoint_if_due(dst, NOW + 3600LL * 1000000 * 24, NULL), 0);
    latest_checkpoint(dst, &note);
    assert_non_null(strstr(note.buf, "\n1\n"));
    assert_true(strstr(note.buf, bol_store_verifier(f->s)->name) != NULL);
    {
        struct bol_verify_report rep;

        /* Only the old epoch so far: it verifies with the old key. */
        assert_int_equal(bol_store_verify(dst, bol_store_verifier(f->s), 0, &rep, NULL), 0);
    }
    bol_signer_wipe(&old);
    bol_signer_wipe(&other);
    bol_buf_release(&e);
    bol_buf_release(&note);
    bol_buf_release_wipe(&keytext);
    bol_buf_release(&text);
    bol_store_close(dst);
    fixture_destroy(&t);
}

/* ---- state dumps and state-only stores ---- */

static int to_buf(void *ctx, const void *p, size_t n)
{
    return bol_buf_add(ctx, p, n);
}

static void dump_of(struct bol_store *s, struct bol_buf *out, uint64_t *seq)
{
    struct bol_diag d;

    bol_buf_reset(out);
    bol_diag_init(&d);
    if (bol_store_state_dump(s, to_buf, out, seq, &d) != 0)
        fail_msg("dump: %s", d.msg);
}

/* Load bytes into a fresh state-only store in pieces of step bytes (0: random sizes). */
static int load_into(struct bol_store *s, const void *p, size_t n, size_t step, uint64_t *seq,
                     struct bol_diag *d)
{
    struct bol_state_loader *l = NULL;
    const uint8_t *b = p;
    unsigned seed = 7;
    int r;

    bol_diag_init(d);
    r = bol_store_state_load_begin(s, &l, d);
    if (r < 0)
        return r;
    while (n) {
        size_t k = step ? step : 1 + (size_t) (rand_r(&seed) % 3000);

        k = BOL_MIN(k, n);
        r = bol_store_state_load_feed(l, b, k, d);
        if (r < 0) {
            bol_store_state_load_abort(l);
            return r;
        }
        b += k;
        n -= k;
    }
    return bol_store_state_load_end(l, seq, d);
}

static void digest_of(struct bol_store *s, struct bol_state_digest *out)
{
    assert_int_equal(bol_store_state_digest(s, out, NULL), 0);
}

static void test_dump_load_round_trip(void **state)
{
    struct fixture *f = *state;
    struct bol_buf dump = BOL_BUF_INIT(64 << 20), bad = BOL_BUF_INIT(64 << 20);
    struct bol_state_digest a, b;
    struct bol_store *st = NULL;
    struct bol_diag d;
    uint64_t seq = 0, lseq = 0;
    unsigned i;

    for (i = 0; i < 30; i++)
        define_terminal(f->s, i, false);
    assert_int_equal(bol_store_rotate_key(f->s, NULL, NOW + 77, NULL, NULL), 0);
    dump_of(f->s, &dump, &seq);
    assert_int_equal(seq, size_of(f->s));
    digest_of(f->s, &a);
    /* Whole, byte by byte, in random pieces: the same state each time. */
    for (i = 0; i < 3; i++) {
        size_t step = i == 0 ? dump.len : i == 1 ? 1 : 0;

        assert_int_equal(bol_store_open_state(NULL, &st, NULL), 0);
        if (load_into(st, dump.buf, dump.len, step, &lseq, &d) != 0)
            fail_msg("load: %s", d.msg);
        assert_int_equal(lseq, seq);
        assert_int_equal(bol_store_state_seq(st), seq);
        digest_of(st, &b);
        assert_same_digest(&a, &b);
        /* Loading again into the now full store is refused. */
        assert_int_equal(load_into(st, dump.buf, dump.len, 0, NULL, &d), BOL_E_STATE);
        bol_store_close(st);
    }
    /* Another build's tables. */
    assert_int_equal(bol_buf_add(&bad, dump.buf, dump.len), 0);
    bad.buf[8] ^= 1;
    assert_int_equal(bol_store_open_state(NULL, &st, NULL), 0);
    assert_int_equal(load_into(st, bad.buf, bad.len, 0, NULL, &d), BOL_E_STATE);
    assert_non_null(strstr(d.msg, "replay the journal instead"));
    bol_store_close(st);
    /* Cut short anywhere, or any byte flipped: refused, and nothing is left loaded. */
    for (i = 0; i < 40; i++) {
        size_t cut = (size_t) i * (dump.len / 40);
        struct bol_state_digest empty;
        int r;

        assert_int_equal(bol_store_open_state(NULL, &st, NULL), 0);
        digest_of(st, &empty);
        assert_int_equal(load_into(st, dump.buf, cut, 0, NULL, &d), BOL_E_CORRUPT);
        bol_buf_reset(&bad);
        assert_int_equal(bol_buf_add(&bad, dump.buf, dump.len), 0);
        bad.buf[cut + 100 < dump.len ? cut + 100 : dump.len - 1] ^= 0x20;
        r = load_into(st, bad.buf, bad.len, 0, NULL, &d);
        if (r != BOL_E_CORRUPT && r != BOL_E_STATE)
            fail_msg("flipped byte at %zu: %d %s", cut + 100, r, d.msg);
        digest_of(st, &b);
        assert_same_digest(&empty, &b);
        bol_store_close(st);
    }
    /* Extra bytes after the end. */
    assert_int_equal(bol_buf_addch(&dump, 'x'), 0);
    assert_int_equal(bol_store_open_state(NULL, &st, NULL), 0);
    assert_int_equal(load_into(st, dump.buf, dump.len, 0, NULL, &d), BOL_E_CORRUPT);
    bol_store_close(st);
    bol_buf_release(&dump);
    bol_buf_release(&bad);
}

struct apply_ctx {
    struct bol_store *st;
};

static int apply_one(void *ctx, uint64_t seq, struct bol_str entry, const struct bol_hash *leaf)
{
    struct apply_ctx *ac = ctx;
    struct bol_diag d;

    (void) leaf;
    bol_diag_init(&d);
    if (bol_store_state_apply(ac->st, entry, &d) != 0)
        fail_msg("apply %" PRIu64 ": %s", seq, d.msg);
    return 0;
}

static void test_state_only_store(void **state)
{
    struct fixture *f = *state;
    struct bol_state_digest a, b;
    struct bol_store *st = NULL;
    struct bol_buf e = BOL_BUF_INIT(BOL_ENTRY_MAX), dump = BOL_BUF_INIT(64 << 20);
    struct apply_ctx ac;
    struct bol_diag d;
    char path[700];
    uint64_t seq = 0;
    unsigned i;

    for (i = 0; i < 25; i++)
        define_terminal(f->s, i, false);
    snprintf(path, sizeof(path), "%s/../state.db", f->dir);
    assert_int_equal(bol_store_open_state(path, &st, NULL), 0);
    assert_int_equal(bol_store_open_state(path, &st, &d), BOL_E_CONFLICT);
    /* Entries out of order are refused; in order they rebuild the state. */
    entry_at(f->s, 2, &e);
    assert_int_equal(bol_store_state_apply(st, bol_buf_str(&e), &d), BOL_E_INVAL);
    ac.st = st;
    assert_int_equal(bol_store_read(f->s, 1, 0, apply_one, &ac, NULL), 0);
    assert_int_equal(bol_store_state_seq(st), size_of(f->s));
    assert_int_equal(bol_store_state_flush(st, NULL), 0);
    digest_of(f->s, &a);
    digest_of(st, &b);
    assert_same_digest(&a, &b);
    /* Its dump says the seq it reflects and loads like a full store's. */
    dump_of(st, &dump, &seq);
    assert_int_equal(seq, size_of(f->s));
    bol_store_close(st);
    assert_int_equal(bol_store_open_state(NULL, &st, NULL), 0);
    assert_int_equal(load_into(st, dump.buf, dump.len, 4096, &seq, &d), 0);
    /* ...and goes on from there. */
    define_terminal(f->s, 99, false);
    entry_at(f->s, seq + 1, &e);
    assert_int_equal(bol_store_state_apply(st, bol_buf_str(&e), &d), 0);
    digest_of(f->s, &a);
    digest_of(st, &b);
    assert_same_digest(&a, &b);
    /* A journal function on a state-only store is refused. */
    assert_int_equal(bol_store_state_flush(st, NULL), 0);
    assert_int_equal(bol_store_begin(st, NULL), 0);
    {
        struct bol_append_result res;
        struct bol_event ev = { BOL_STR("terminal.defined"), 2, BOL_STR("T1"), BOL_STR("{}"),
                                NULL };

        assert_int_equal(bol_store_append(st, &actor, BOL_STR(""), NULL, NOW, &ev, 1, &res, &d),
                         BOL_E_STATE);
    }
    bol_store_rollback(st);
    bol_store_close(st);
    unlink(path);
    bol_buf_release(&e);
    bol_buf_release(&dump);
}

/* Restore from a snapshot at S plus entries: 1..S imported without applying, S+1..K applied. */
static void test_restore_from_snapshot(void **state)
{
    struct fixture *f = *state, t;
    struct bol_store_config c;
    struct bol_store *dst = NULL;
    struct bol_buf dump = BOL_BUF_INIT(64 << 20), cp = BOL_BUF_INIT(BOL_NOTE_MAX);
    struct bol_state_digest a, b;
    struct bol_verifier pub;
    struct bol_diag d;
    struct import_ctx ic;
    uint64_t s_seq = 0, k;
    unsigned i;

    for (i = 0; i < 33; i++)
        define_terminal(f->s, i, false);
    dump_of(f->s, &dump, &s_seq);
    for (i = 33; i < 58; i++)
        define_terminal(f->s, i, i % 2 == 0);
    k = size_of(f->s);
    latest_checkpoint(f->s, &cp);
    target_make(&t, &c);
    assert_int_equal(bol_store_restore_init(&c, "test.example/bollard", NOW, &pub, &dst, NULL), 0);
    bol_diag_init(&d);
    {
        struct bol_state_loader *l = NULL;

        assert_int_equal(bol_store_state_load_begin(dst, &l, NULL), 0);
        assert_int_equal(bol_store_state_load_feed(l, dump.buf, dump.len, NULL), 0);
        assert_int_equal(bol_store_state_load_end(l, &s_seq, NULL), 0);
    }
    ic = (struct import_ctx){ f->s, dst, k, s_seq + 1, false };
    import_range(&ic);
    append_epoch(dst, bol_store_verifier(f->s), bol_buf_str(&cp), 2);
    assert_verifies(dst, &pub);
    assert_state_equals_replay(&t, dst);
    /* Same state as the source, plus the epoch row. */
    digest_of(f->s, &a);
    digest_of(dst, &b);
    for (i = 0; i < a.n; i++) {
        if (!strcmp(a.t[i].table, "journal_epoch"))
            assert_int_equal(b.t[i].rows, a.t[i].rows + 1);
        else
            assert_memory_equal(a.t[i].hash.b, b.t[i].hash.b, BOL_HASH_LEN);
    }
    bol_store_close(dst);
    fixture_destroy(&t);
    bol_buf_release(&dump);
    bol_buf_release(&cp);
}

static int collect_image(void *ctx, const void *p, size_t n)
{
    return bol_buf_add(ctx, p, n);
}

/*
 * The replica's snapshots as SQLite images: a state-only store's image loads
 * into another state-only store and into a store being restored (SQLite or
 * PostgreSQL) with the same digest; a damaged image or one with another state
 * fingerprint is refused and leaves the tables empty.
 */
static void test_state_image(void **state)
{
    struct fixture *f = *state, t;
    struct bol_store_config c;
    struct bol_store *st = NULL, *dst = NULL;
    struct bol_buf img = BOL_BUF_INIT((size_t) 1 << 30), e = BOL_BUF_INIT(BOL_ENTRY_MAX);
    struct bol_state_digest a, b;
    struct bol_verifier pub;
    struct apply_ctx ac;
    struct bol_diag d;
    uint64_t seq = 0, img_seq;
    unsigned i;

    for (i = 0; i < 40; i++)
        define_terminal(f->s, i, i % 3 == 0);
    assert_int_equal(bol_store_open_state(NULL, &st, NULL), 0);
    ac.st = st;
    assert_int_equal(bol_store_read(f->s, 1, 0, apply_one, &ac, NULL), 0);
    /* only a state-only SQLite store makes an image */
    assert_int_equal(bol_store_state_image(f->s, collect_image, &img, NULL, &d), BOL_E_STATE);
    assert_int_equal(bol_store_state_image(st, collect_image, &img, &seq, NULL), 0);
    assert_int_equal(seq, size_of(f->s));
    img_seq = seq;
    digest_of(st, &a);
    bol_store_close(st);

    /* into a state-only store, which goes on from there */
    assert_int_equal(bol_store_open_state(NULL, &st, NULL), 0);
    seq = 0;
    assert_int_equal(bol_store_state_load_image(st, img.buf, img.len, &seq, NULL), 0);
    assert_int_equal(seq, size_of(f->s));
    assert_int_equal(bol_store_state_seq(st), seq);
    digest_of(st, &b);
    assert_same_digest(&a, &b);
    assert_int_equal(bol_store_state_load_image(st, img.buf, img.len, &seq, &d), BOL_E_STATE);
    define_terminal(f->s, 77, false);
    entry_at(f->s, seq + 1, &e);
    assert_int_equal(bol_store_state_apply(st, bol_buf_str(&e), &d), 0);
    bol_store_close(st);

    /* into a store being restored (this fixture's engine: SQLite, or PostgreSQL through rows) */
    target_make(&t, &c);
    assert_int_equal(bol_store_restore_init(&c, "test.example/bollard", NOW, &pub, &dst, NULL), 0);
    assert_int_equal(bol_store_state_load_image(dst, img.buf, img.len, &seq, NULL), 0);
    digest_of(dst, &b);
    for (i = 0; i < a.n; i++)
        assert_memory_equal(a.t[i].hash.b, b.t[i].hash.b, BOL_HASH_LEN);
    bol_store_close(dst);
    fixture_destroy(&t);

    /* SQLite: the image as the restored database itself, no copy */
    if (!use_pg) {
        int fd = -1;

        target_make(&t, &c);
        assert_int_equal(bol_store_restore_image_open(t.dir, &fd, NULL), 0);
        assert_int_equal(bol_store_image_put(fd, img.buf, img.len, NULL), 0);
        seq = 0;
        assert_int_equal(bol_store_restore_image_close(t.dir, fd, &seq, NULL), 0);
        assert_int_equal(seq, img_seq);
        assert_int_equal(bol_store_restore_init(&c, "test.example/bollard", NOW, &pub, &dst, NULL),
                         0);
        digest_of(dst, &b);
        assert_same_digest(&a, &b);
        /* it goes on as a store being restored: the journal is empty, entries import */
        assert_int_equal(size_of(dst), 0);
        bol_store_close(dst);
        /* a directory with anything in it is refused, and nothing is written there */
        assert_int_equal(bol_store_restore_image_open(t.dir, &fd, &d), BOL_E_CONFLICT);
        fixture_destroy(&t);
        /* not a database, and a database of other state tables (no fingerprint) */
        target_make(&t, &c);
        assert_int_equal(bol_store_restore_image_open(t.dir, &fd, NULL), 0);
        assert_int_equal(bol_store_image_put(fd, "not a database", 14, NULL), 0);
        assert_int_not_equal(bol_store_restore_image_close(t.dir, fd, &seq, &d), 0);
        fixture_destroy(&t);
    }

    /* damaged: cut short, not a database at all, the schema page's header overwritten */
    assert_int_equal(bol_store_open_state(NULL, &st, NULL), 0);
    assert_int_not_equal(bol_store_state_load_image(st, img.buf, 1000, &seq, &d), 0);
    assert_int_not_equal(bol_store_state_load_image(st, "not a database", 14, &seq, &d), 0);
    memset(img.buf + 100, 0xff, 4); /* page 1's b-tree header, after the file header */
    assert_int_not_equal(bol_store_state_load_image(st, img.buf, img.len, &seq, &d), 0);
    digest_of(st, &b);
    for (i = 0; i < b.n; i++)
        assert_int_equal(b.t[i].rows, 0);
    assert_int_equal(bol_store_state_seq(st), 0);
    bol_store_close(st);
    bol_buf_release(&img);
    bol_buf_release(&e);
}

/* Import speed, printed for the record: entries per second on this engine. */
static void test_import_rate(void **state)
{
    struct fixture *f = *state, t;
    struct bol_store_config c;
    struct bol_store *dst = NULL;
    struct bol_buf e = BOL_BUF_INIT(BOL_ENTRY_MAX);
    struct timespec t0, t1;
    const uint64_t n = use_pg ? 20000 : 200000;
    struct bol_diag d;
    uint64_t i;
    double secs;

    (void) f;
    target_make(&t, &c);
    assert_int_equal(bol_store_restore_init(&c, "test.example/bollard", NOW, NULL, &dst, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bol_diag_init(&d);
    assert_int_equal(bol_store_begin(dst, NULL), 0);
    for (i = 1; i <= n; i++) {
        struct bol_entry en = { 0 };

        en.seq = i;
        en.at_us = NOW + (int64_t) i;
        en.actor = BOL_STR("user:tanaka");
        en.addr = BOL_STR("192.0.2.10");
        en.terminal = BOL_STR("NCT1");
        en.type = BOL_STR("terminal.defined");
        en.ver = 2;
        en.req = BOL_STR("");
        en.payload = BOL_STR("{\"code\":\"NCT1\",\"name\":\"Nagoya Container Terminal 1\","
                             "\"timezone\":\"Asia/Tokyo\",\"unlocode\":\"JPNGO\"}");
        bol_buf_reset(&e);
        assert_int_equal(bol_entry_encode(&en, &e, NULL), 0);
        if (bol_store_import_entry(dst, bol_buf_str(&e), false, &d) != 0)
            fail_msg("import: %s", d.msg);
        if (i % 100000 == 0) {
            assert_int_equal(bol_store_commit(dst, NOW, NULL), 0);
            assert_int_equal(bol_store_begin(dst, NULL), 0);
        }
    }
    assert_int_equal(bol_store_commit(dst, NOW, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("import (%s, without applying): %" PRIu64 " entries in %.2f s, %.0f entries/s\n",
           use_pg ? "PostgreSQL" : "SQLite", n, secs, (double) n / secs);
    assert_int_equal(size_of(dst), n);
    bol_store_close(dst);
    fixture_destroy(&t);
    bol_buf_release(&e);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_epoch_event_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotate_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotate_key_crash_before_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore_cut_and_extend, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump_load_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_only_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore_from_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_rate, setup, teardown),
    };
    int r = store_test_engine(argc, argv);

    if (r >= 0)
        return r;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
