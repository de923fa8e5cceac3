/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_store.c - the store contract, run on SQLite and on PostgreSQL
 *
 * Usage: test_store sqlite|pg.  Every test gets a fresh store (storetest.h).
 */
#include "compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>

#include "committer.h"
#include "db.h"
#include "jsonw.h"
#include "merkle.h"
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

/* Canonical terminal.defined payload. */
static void terminal_payload(struct bol_buf *b, const char *code, const char *name)
{
    bol_buf_reset(b);
    assert_int_equal(bol_buf_adds(b, "{\"code\":"), 0);
    assert_int_equal(bol_json_put_str(b, code, strlen(code)), 0);
    assert_int_equal(bol_buf_adds(b, ",\"name\":"), 0);
    assert_int_equal(bol_json_put_str(b, name, strlen(name)), 0);
    assert_int_equal(bol_buf_adds(b, ",\"timezone\":\"Asia/Tokyo\",\"unlocode\":\"JPNGO\"}"), 0);
}

static int append_terminal(struct bol_store *s, const char *code, const char *name, const char *req,
                           struct bol_append_result *res, struct bol_diag *d)
{
    struct bol_buf b = BOL_BUF_INIT(4096);
    struct bol_event ev;
    uint8_t h[BOL_SHA256_LEN];
    int r;

    terminal_payload(&b, code, name);
    ev = (struct bol_event){ BOL_STR("terminal.defined"), 2, bol_str_from(code), bol_buf_str(&b),
                             NULL };
    bol_sha256(b.buf, b.len, h);
    r = bol_store_append(s, &actor, bol_str_from(req), req[0] ? h : NULL, NOW, &ev, 1, res, d);
    bol_buf_release(&b);
    return r;
}

/* One committed command defining terminal T<i>. */
static void define_terminal(struct bol_store *s, unsigned i)
{
    struct bol_append_result res;
    struct bol_diag d;
    char code[16], name[64];

    snprintf(code, sizeof(code), "T%u", i);
    snprintf(name, sizeof(name), "Terminal %u", i);
    bol_diag_init(&d);
    assert_int_equal(bol_store_begin(s, &d), 0);
    if (append_terminal(s, code, name, "", &res, &d) != 0)
        fail_msg("append: %s", d.msg);
    assert_int_equal(bol_store_commit(s, NOW + i, &d), 0);
}

static uint64_t size_of(struct bol_store *s)
{
    uint64_t n = 0;

    assert_int_equal(bol_store_size(s, &n, NULL), 0);
    return n;
}

static void assert_verifies(struct bol_store *s)
{
    struct bol_verify_report rep;
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_store_verify(s, NULL, BOL_VERIFY_DEEP, &rep, &d) != 0)
        fail_msg("verify: %s", rep.what[0] ? rep.what : d.msg);
}

static void assert_state_equals_replay(struct fixture *f)
{
    struct bol_state_digest live, replay;
    char path[600];
    uint64_t n = 0;
    size_t i;

    snprintf(path, sizeof(path), "%s/replay.db", f->dir);
    unlink(path);
    assert_int_equal(bol_store_state_digest(f->s, &live, NULL), 0);
    assert_int_equal(bol_store_replay_into(f->s, path, &replay, &n, NULL), 0);
    assert_int_equal(n, size_of(f->s));
    assert_int_equal(live.n, replay.n);
    for (i = 0; i < live.n; i++) {
        assert_string_equal(live.t[i].table, replay.t[i].table);
        assert_int_equal(live.t[i].rows, replay.t[i].rows);
        assert_memory_equal(live.t[i].hash.b, replay.t[i].hash.b, BOL_HASH_LEN);
    }
    unlink(path);
}

/* ---- tests ---- */

static void test_init_makes_a_verified_journal(void **state)
{
    struct fixture *f = *state;
    struct bol_buf note = BOL_BUF_INIT(8192);
    struct bol_checkpoint cp;
    struct bol_str text;

    assert_int_equal(size_of(f->s), 1);
    assert_verifies(f->s);
    assert_int_equal(bol_store_latest_checkpoint(f->s, &note, NULL), 0);
    assert_int_equal(bol_note_open(bol_buf_str(&note), bol_store_verifier(f->s), &text, NULL), 0);
    assert_int_equal(bol_checkpoint_parse(text, &cp, NULL), 0);
    assert_int_equal(cp.size, 1);
    assert_string_equal(cp.origin, "test.example/bollard");
    assert_string_equal(bol_store_origin(f->s), "test.example/bollard");
    bol_buf_release(&note);
}

static void test_init_refuses_an_existing_store(void **state)
{
    struct fixture *f = *state;
    struct bol_store_config c = { .data_dir = f->dir, .db_url = use_pg ? f->url : NULL };
    struct bol_diag d;

    bol_diag_init(&d);
    assert_int_equal(bol_store_init(&c, "x.example/b", NOW, NULL, &d), BOL_E_CONFLICT);
    assert_non_null(strstr(d.msg, "already holds"));
}

static void test_append_applies_state(void **state)
{
    struct fixture *f = *state;
    unsigned i;

    for (i = 0; i < 25; i++)
        define_terminal(f->s, i);
    /* Redefining a terminal replaces its row. */
    define_terminal(f->s, 3);
    assert_int_equal(size_of(f->s), 27);
    assert_verifies(f->s);
    assert_state_equals_replay(f);
}

static void test_commands_are_idempotent_by_request_id(void **state)
{
    struct fixture *f = *state;
    struct bol_append_result a, b;
    struct bol_diag d;

    bol_diag_init(&d);
    assert_int_equal(bol_store_begin(f->s, &d), 0);
    assert_int_equal(append_terminal(f->s, "NCT1", "Nagoya 1", "req-1", &a, &d), 0);
    assert_int_equal(bol_store_commit(f->s, NOW, &d), 0);
    assert_false(a.duplicate);
    assert_int_equal(a.first_seq, 2);
    /* The same command again: the first result, nothing written. */
    assert_int_equal(bol_store_begin(f->s, &d), 0);
    assert_int_equal(append_terminal(f->s, "NCT1", "Nagoya 1", "req-1", &b, &d), 0);
    assert_int_equal(bol_store_commit(f->s, NOW, &d), 0);
    assert_true(b.duplicate);
    assert_int_equal(b.first_seq, 2);
    assert_int_equal(b.last_seq, 2);
    assert_int_equal(size_of(f->s), 2);
    /* The same request id for a different command is refused. */
    assert_int_equal(bol_store_begin(f->s, &d), 0);
    assert_int_equal(append_terminal(f->s, "NCT2", "Nagoya 2", "req-1", &b, &d), BOL_E_CONFLICT);
    assert_non_null(strstr(d.msg, "already used for a different command"));
    bol_store_rollback(f->s);
    assert_int_equal(size_of(f->s), 2);
}

static void test_bad_event_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct bol_state_digest before, after;
    struct bol_append_result res;
    struct bol_event ev;
    struct bol_diag d;
    static const char *const bad[] = {
        "{\"code\":\"nct1\",\"name\":\"x\",\"timezone\":\"Asia/Tokyo\",\"unlocode\":\"JPNGO\"}",
        "{\"code\":\"NCT1\",\"name\":\"x\",\"timezone\":\"Asia/Tokyo\",\"unlocode\":\"UKLON\"}",
        "{\"code\":\"NCT1\",\"name\":\"x\",\"timezone\":\"Asia/Tokyo\"}",
        "{\"name\":\"x\",\"code\":\"NCT1\",\"timezone\":\"Asia/Tokyo\",\"unlocode\":\"JPNGO\"}",
        "{\"code\":\"NCT1\",\"extra\":1,\"name\":\"x\",\"timezone\":\"Asia/Tokyo\",\"unlocode\":"
        "\"JPNGO\"}",
        "{\"code\":\"NCT1\",\"name\":1.5,\"timezone\":\"Asia/Tokyo\",\"unlocode\":\"JPNGO\"}",
        "not json",
    };
    size_t i;

    define_terminal(f->s, 1);
    assert_int_equal(bol_store_state_digest(f->s, &before, NULL), 0);
    for (i = 0; i < BOL_ARRAY_SIZE(bad); i++) {
        bol_diag_init(&d);
        ev = (struct bol_event){ BOL_STR("terminal.defined"), 2, BOL_STR("NCT1"),
                                 bol_str_from(bad[i]), NULL };
        assert_int_equal(bol_store_begin(f->s, &d), 0);
        assert_int_equal(bol_store_append(f->s, &actor, BOL_STR(""), NULL, NOW, &ev, 1, &res, &d),
                         BOL_E_INVAL);
        assert_true(d.msg[0] != '\0');
        bol_store_rollback(f->s);
    }
    /* Unknown type, wrong version, bad actor, bad terminal. */
    ev = (struct bol_event){ BOL_STR("terminal.removed"), 1, BOL_STR(""), BOL_STR("{}"), NULL };
    assert_int_equal(bol_store_begin(f->s, &d), 0);
    assert_int_equal(bol_store_append(f->s, &actor, BOL_STR(""), NULL, NOW, &ev, 1, &res, &d),
                     BOL_E_INVAL);
    bol_store_rollback(f->s);
    assert_int_equal(bol_store_state_digest(f->s, &after, NULL), 0);
    assert_memory_equal(&before, &after, sizeof(before));
    assert_int_equal(size_of(f->s), 2);
    assert_verifies(f->s);
}

static void test_rollback_and_savepoints(void **state)
{
    struct fixture *f = *state;
    struct bol_append_result res;
    struct bol_diag d;

    bol_diag_init(&d);
    assert_int_equal(bol_store_begin(f->s, &d), 0);
    assert_int_equal(append_terminal(f->s, "A", "a", "", &res, &d), 0);
    assert_int_equal(res.first_seq, 2);
    bol_store_rollback(f->s);
    assert_int_equal(size_of(f->s), 1);

    /* Savepoints: the rolled-back command's sequence number is reused. */
    assert_int_equal(bol_store_begin(f->s, &d), 0);
    assert_int_equal(bol_store_savepoint(f->s, &d), 0);
    assert_int_equal(append_terminal(f->s, "B", "b", "", &res, &d), 0);
    assert_int_equal(res.first_seq, 2);
    assert_int_equal(bol_store_release(f->s, &d), 0);
    assert_int_equal(bol_store_savepoint(f->s, &d), 0);
    assert_int_equal(append_terminal(f->s, "C", "c", "", &res, &d), 0);
    assert_int_equal(res.first_seq, 3);
    bol_store_rollback_to(f->s);
    assert_int_equal(bol_store_savepoint(f->s, &d), 0);
    assert_int_equal(append_terminal(f->s, "D", "d", "", &res, &d), 0);
    assert_int_equal(res.first_seq, 3);
    assert_int_equal(bol_store_release(f->s, &d), 0);
    assert_int_equal(bol_store_commit(f->s, NOW, &d), 0);
    assert_int_equal(size_of(f->s), 3);
    assert_verifies(f->s);
    assert_state_equals_replay(f);
}

struct cps {
    uint64_t sizes[64];
    size_t n;
};

static int take_cp(void *ctx, uint64_t size, int64_t at_us, struct bol_str note)
{
    struct cps *c = ctx;

    (void) at_us;
    (void) note;
    if (c->n < 64)
        c->sizes[c->n++] = size;
    return 0;
}

static void test_checkpoints_every_n(void **state)
{
    struct fixture *f = *state;
    struct cps c = { { 0 }, 0 };
    unsigned i;

    for (i = 0; i < 35; i++)
        define_terminal(f->s, i);
    assert_int_equal(bol_store_checkpoints(f->s, 0, take_cp, &c, NULL), 0);
    /* Size 1 at init, then every 10 entries. */
    assert_int_equal(c.n, 4);
    assert_int_equal(c.sizes[0], 1);
    assert_int_equal(c.sizes[1], 11);
    assert_int_equal(c.sizes[2], 21);
    assert_int_equal(c.sizes[3], 31);
    /* Time-based: a quiet journal gets its checkpoint from the timer. */
    assert_int_equal(bol_store_checkpoint_if_due(f->s, NOW + 3600LL * 1000000 * 2, NULL), 0);
    c.n = 0;
    assert_int_equal(bol_store_checkpoints(f->s, 32, take_cp, &c, NULL), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.sizes[0], 36);
    /* Nothing new: no new checkpoint. */
    assert_int_equal(bol_store_checkpoint_if_due(f->s, NOW + 3600LL * 1000000 * 4, NULL), 0);
    c.n = 0;
    assert_int_equal(bol_store_checkpoints(f->s, 0, take_cp, &c, NULL), 0);
    assert_int_equal(c.n, 5);
    assert_verifies(f->s);
}

/* Many entries per transaction, so the tree gets stored nodes of level 8 and up. */
static void fill(struct bol_store *s, unsigned n)
{
    struct bol_append_result res;
    struct bol_diag d;
    unsigned i;

    bol_diag_init(&d);
    assert_int_equal(bol_store_begin(s, &d), 0);
    for (i = 0; i < n; i++) {
        char code[16];

        snprintf(code, sizeof(code), "F%u", i % 5000);
        if (append_terminal(s, code, "fill", "", &res, &d) != 0)
            fail_msg("append: %s", d.msg);
    }
    assert_int_equal(bol_store_commit(s, NOW, &d), 0);
}

struct leaves {
    struct bol_hash h[2048];
    uint64_t n;
};

static int take_leaf(void *ctx, uint64_t seq, struct bol_str entry, const struct bol_hash *leaf)
{
    struct leaves *l = ctx;

    (void) entry;
    if (seq != l->n + 1 || l->n == 2048)
        return BOL_E_INTERNAL;
    l->h[l->n++] = *leaf;
    return 0;
}

static void test_proofs(void **state)
{
    struct fixture *f = *state;
    static struct leaves l;
    struct bol_merkle_proof proof;
    struct bol_hash root, old_root;
    uint64_t sizes[] = { 1, 2, 255, 256, 257, 700, 1000, 1031 };
    uint64_t n, i, k, m;

    fill(f->s, 1030);
    n = size_of(f->s);
    assert_int_equal(n, 1031);
    l.n = 0;
    assert_int_equal(bol_store_read(f->s, 1, 0, take_leaf, &l, NULL), 0);
    assert_int_equal(l.n, n);
    for (k = 0; k < BOL_ARRAY_SIZE(sizes); k++) {
        uint64_t size = sizes[k];

        assert_int_equal(bol_store_root(f->s, size, &root, NULL), 0);
        for (i = 0; i < size; i += (size > 300 ? 37 : 1)) {
            struct bol_diag d;

            bol_diag_init(&d);
            if (bol_store_inclusion_proof(f->s, i, size, &proof, &d) != 0)
                fail_msg("inclusion %" PRIu64 "/%" PRIu64 ": %s", i, size, d.msg);
            assert_int_equal(bol_merkle_inclusion_verify(i, size, &l.h[i], &proof, &root), 0);
        }
        for (m = 1; m <= size; m += (size > 300 ? 97 : 1)) {
            assert_int_equal(bol_store_root(f->s, m, &old_root, NULL), 0);
            assert_int_equal(bol_store_consistency_proof(f->s, m, size, &proof, NULL), 0);
            assert_int_equal(bol_merkle_consistency_verify(m, size, &old_root, &root, &proof), 0);
        }
    }
    /* The root of the whole tree is the one the last checkpoint will sign. */
    assert_int_equal(bol_store_root(f->s, n, &root, NULL), 0);
    {
        struct bol_verify_report rep;

        assert_int_equal(bol_store_verify(f->s, NULL, 0, &rep, NULL), 0);
        assert_memory_equal(rep.root.b, root.b, BOL_HASH_LEN);
    }
    assert_int_equal(bol_store_inclusion_proof(f->s, 0, n + 1, &proof, NULL), BOL_E_INVAL);
}

/* ---- tampering: edit the database behind the store's back ---- */

static void raw_exec(struct fixture *f, const char *sql)
{
    if (use_pg) {
        PGconn *c = PQconnectdb(f->url);
        PGresult *r = PQexec(c, sql);

        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
            fail_msg("%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
    } else {
        char path[600];
        sqlite3 *db;
        char *err = NULL;

        snprintf(path, sizeof(path), "%s/bollard.db", f->dir);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
            fail_msg("%s: %s", sql, err);
        sqlite3_close(db);
    }
}

/* Verify must fail and name this entry (or checkpoint), with text containing what. */
static void expect_damage(struct fixture *f, uint64_t seq, uint64_t cp, const char *what)
{
    struct bol_verify_report rep;
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = bol_store_verify(f->s, NULL, 0, &rep, &d);
    if (r != BOL_E_CORRUPT)
        fail_msg("verify returned %d, expected damage (%s)", r, what);
    if (rep.bad_seq != seq || rep.bad_checkpoint != cp || !strstr(rep.what, what))
        fail_msg("report: seq %" PRIu64 " checkpoint %" PRIu64 " '%s'; expected seq %" PRIu64
                 " checkpoint %" PRIu64 " '%s'",
                 rep.bad_seq, rep.bad_checkpoint, rep.what, seq, cp, what);
}

static int setup_filled(void **state)
{
    struct fixture *f;
    unsigned i;

    if (setup(state) < 0)
        return -1;
    f = *state;
    for (i = 0; i < 40; i++)
        define_terminal(f->s, i);
    return 0;
}

static const char *blob_edit(void)
{
    /* Replace "Terminal 2" by "Terminal X" inside entry 22's bytes. */
    return use_pg ? "UPDATE journal SET entry = convert_to(replace(convert_from(entry, 'UTF8'), "
                    "'Terminal 20', 'Terminal X0'), 'UTF8') WHERE seq = 22"
                  : "UPDATE journal SET entry = CAST(replace(CAST(entry AS TEXT), 'Terminal 20', "
                    "'Terminal X0') AS BLOB) WHERE seq = 22";
}

static void test_tamper_payload_byte(void **state)
{
    struct fixture *f = *state;

    assert_verifies(f->s);
    raw_exec(f, blob_edit());
    expect_damage(f, 22, 0, "does not match its stored hash");
}

static void test_tamper_payload_and_hash(void **state)
{
    struct fixture *f = *state;

    /* Alter an entry and recompute its stored leaf hash: the checkpoint catches it. */
    raw_exec(f, blob_edit());
    raw_exec(f, use_pg ? "UPDATE journal SET leaf = sha256('\\x00'::bytea || entry) WHERE seq = 22"
                       : "SELECT 1");
    if (!use_pg) {
        /* SQLite has no SHA-256 function: compute the hash here. */
        struct bol_store *s = f->s;
        char sql[256];
        struct bol_hash h;
        static const char hex[] = "0123456789abcdef";
        char hx[65];
        struct leafbuf {
            struct bol_buf b;
        } lb = { BOL_BUF_INIT(1 << 20) };
        int i;

        (void) s;
        {
            char path[600];
            sqlite3 *db;
            sqlite3_stmt *st;

            snprintf(path, sizeof(path), "%s/bollard.db", f->dir);
            assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
            assert_int_equal(
                sqlite3_prepare_v2(db, "SELECT entry FROM journal WHERE seq = 22", -1, &st, NULL),
                SQLITE_OK);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            assert_int_equal(bol_buf_add(&lb.b, sqlite3_column_blob(st, 0),
                                         (size_t) sqlite3_column_bytes(st, 0)),
                             0);
            sqlite3_finalize(st);
            sqlite3_close(db);
        }
        bol_merkle_leaf_hash(lb.b.buf, lb.b.len, &h);
        for (i = 0; i < 32; i++) {
            hx[2 * i] = hex[h.b[i] >> 4];
            hx[2 * i + 1] = hex[h.b[i] & 15];
        }
        hx[64] = 0;
        snprintf(sql, sizeof(sql), "UPDATE journal SET leaf = X'%s' WHERE seq = 22", hx);
        raw_exec(f, sql);
        bol_buf_release(&lb.b);
    }
    expect_damage(f, 22, 31, "its root differs from the tree of the entries");
}

static void test_tamper_delete_entry(void **state)
{
    struct fixture *f = *state;

    raw_exec(f, "DELETE FROM journal WHERE seq = 17");
    expect_damage(f, 17, 0, "entry 17 is missing");
}

static void test_tamper_swap_entries(void **state)
{
    struct fixture *f = *state;

    raw_exec(f, "UPDATE journal SET seq = -1 WHERE seq = 12");
    raw_exec(f, "UPDATE journal SET seq = 12 WHERE seq = 13");
    raw_exec(f, "UPDATE journal SET seq = 13 WHERE seq = -1");
    expect_damage(f, 12, 0, "it says it is entry 13");
}

static void test_tamper_truncate_tail(void **state)
{
    struct fixture *f = *state;

    /* Remove the last entries, past the checkpoint at 31, and fix up the head. */
    raw_exec(f, "DELETE FROM journal WHERE seq > 25");
    raw_exec(f, "UPDATE journal_head SET size = 25");
    expect_damage(f, 26, 31, "entries were removed from the end");
}

static void test_tamper_truncate_without_checkpoint(void **state)
{
    struct fixture *f = *state;

    /* Entries after the last checkpoint (at 41) are covered by the head alone. */
    define_terminal(f->s, 100);
    define_terminal(f->s, 101);
    define_terminal(f->s, 102);
    raw_exec(f, "DELETE FROM journal WHERE seq > 42");
    expect_damage(f, 43, 0, "the journal head says 44 entries but 42 are present");
}

static void test_tamper_forge_checkpoint(void **state)
{
    struct fixture *f = *state;

    /* Change the size a checkpoint claims: the signature no longer matches. */
    raw_exec(f, "UPDATE checkpoint SET note = replace(note, '\n21\n', '\n20\n') WHERE size = 21");
    expect_damage(f, 0, 21, "does not verify");
}

static void test_tamper_forge_checkpoint_other_key(void **state)
{
    struct fixture *f = *state;
    struct bol_signer evil;
    struct bol_checkpoint cp;
    struct bol_buf text = BOL_BUF_INIT(4096), note = BOL_BUF_INIT(8192), sql = BOL_BUF_INIT(16384);

    /* A checkpoint signed by another key under the same name is refused too. */
    assert_int_equal(bol_signer_generate("test.example/bollard", &evil, NULL), 0);
    memset(&cp, 0, sizeof(cp));
    snprintf(cp.origin, sizeof(cp.origin), "test.example/bollard");
    cp.size = 21;
    cp.at_us = NOW;
    assert_int_equal(bol_checkpoint_format(&cp, &text), 0);
    assert_int_equal(bol_note_sign(bol_buf_str(&text), &evil, &note, NULL), 0);
    assert_int_equal(
        bol_buf_addf(&sql, "UPDATE checkpoint SET note = '%s' WHERE size = 21", note.buf), 0);
    raw_exec(f, sql.buf);
    expect_damage(f, 0, 21, "no signature by key");
    bol_signer_wipe(&evil);
    bol_buf_release(&text);
    bol_buf_release(&note);
    bol_buf_release(&sql);
}

static void test_pinned_key(void **state)
{
    struct fixture *f = *state;
    struct bol_signer other;
    struct bol_verify_report rep;

    /* Verifying against a key pinned elsewhere: the right one passes, another fails. */
    assert_int_equal(bol_store_verify(f->s, bol_store_verifier(f->s), 0, &rep, NULL), 0);
    assert_int_equal(bol_signer_generate("test.example/bollard", &other, NULL), 0);
    assert_int_equal(bol_store_verify(f->s, &other.v, 0, &rep, NULL), BOL_E_CORRUPT);
    assert_int_equal(rep.bad_checkpoint, 1);
    bol_signer_wipe(&other);
}

/* ---- personal data ---- */

static void test_personal_data_is_erasable(void **state)
{
    struct fixture *f = *state;
    struct bol_buf sealed = BOL_BUF_INIT(4096), plain = BOL_BUF_INIT(4096);
    struct bol_buf payload = BOL_BUF_INIT(8192);
    struct bol_append_result res;
    struct bol_event ev;
    struct bol_diag d;

    bol_diag_init(&d);
    assert_int_equal(bol_store_begin(f->s, &d), 0);
    assert_int_equal(bol_store_pii_seal(f->s, BOL_STR("p-0001"), BOL_STR("name"),
                                        BOL_STR("Yamada Taro"), &sealed, &d),
                     0);
    assert_null(strstr(sealed.buf, "Yamada"));
    /* The sealed value travels in a journaled payload (here a line's name). */
    assert_int_equal(bol_buf_adds(&payload, "{\"code\":\"PII\",\"name\":"), 0);
    assert_int_equal(bol_json_put_str(&payload, sealed.buf, sealed.len), 0);
    assert_int_equal(bol_buf_addch(&payload, '}'), 0);
    ev = (struct bol_event){ BOL_STR("line.defined"), 1, BOL_STR(""), bol_buf_str(&payload), NULL };
    if (bol_store_append(f->s, &actor, BOL_STR(""), NULL, NOW, &ev, 1, &res, &d) != 0)
        fail_msg("append: %s", d.msg);
    assert_int_equal(bol_store_commit(f->s, NOW, &d), 0);
    assert_int_equal(bol_store_pii_open(f->s, BOL_STR("name"), bol_buf_str(&sealed), &plain, &d),
                     0);
    assert_string_equal(plain.buf, "Yamada Taro");
    /* Wrong field: refused. */
    assert_int_equal(bol_store_pii_open(f->s, BOL_STR("plate"), bol_buf_str(&sealed), &plain, &d),
                     BOL_E_CORRUPT);
    /* Erase: the data is gone, the journal still verifies. */
    assert_int_equal(bol_store_pii_erase(f->s, BOL_STR("p-0001"), &d), 0);
    bol_buf_reset(&plain);
    assert_int_equal(bol_store_pii_open(f->s, BOL_STR("name"), bol_buf_str(&sealed), &plain, &d),
                     BOL_E_NOTFOUND);
    assert_non_null(strstr(d.msg, "erased"));
    assert_int_equal(bol_store_pii_erase(f->s, BOL_STR("p-0001"), &d), BOL_E_NOTFOUND);
    assert_verifies(f->s);
    assert_state_equals_replay(f);
    bol_buf_release(&sealed);
    bol_buf_release(&plain);
    bol_buf_release(&payload);
}

/* ---- schema and state ---- */

static void test_reopen_and_readonly(void **state)
{
    struct fixture *f = *state;
    struct bol_diag d;

    define_terminal(f->s, 1);
    bol_store_close(f->s);
    f->s = NULL;
    assert_int_equal(fixture_open(f, 10, true), 0);
    assert_int_equal(size_of(f->s), 2);
    assert_verifies(f->s);
    bol_diag_init(&d);
    assert_int_equal(bol_store_begin(f->s, &d), BOL_E_PERM);
    bol_store_close(f->s);
    f->s = NULL;
    assert_int_equal(fixture_open(f, 10, false), 0);
    define_terminal(f->s, 2);
    assert_int_equal(size_of(f->s), 3);
}

static void test_state_rebuilt_when_declarations_change(void **state)
{
    struct fixture *f = *state;
    struct bol_state_digest before, after;

    define_terminal(f->s, 1);
    define_terminal(f->s, 2);
    assert_int_equal(bol_store_state_digest(f->s, &before, NULL), 0);
    /* Pretend the tables were made by another version, and damage a row. */
    raw_exec(f, "UPDATE meta SET value = 'older' WHERE key = 'state_fingerprint'");
    raw_exec(f, "UPDATE terminal SET name = 'wrong' WHERE code = 'T1'");
    bol_store_close(f->s);
    f->s = NULL;
    assert_int_equal(fixture_open(f, 10, false), 0);
    assert_int_equal(bol_store_state_digest(f->s, &after, NULL), 0);
    assert_memory_equal(&before, &after, sizeof(before));
}

static void test_key_file_permissions(void **state)
{
    struct fixture *f = *state;
    char path[600];
    struct bol_diag d;
    struct bol_store_config c = { .data_dir = f->dir };
    struct bol_store *s = NULL;

    snprintf(path, sizeof(path), "%s/journal.key", f->dir);
    assert_int_equal(chmod(path, 0644), 0);
    bol_diag_init(&d);
    assert_int_equal(bol_store_open(&c, &s, &d), BOL_E_PERM);
    assert_non_null(strstr(d.msg, "chmod 600"));
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(bol_store_open(&c, &s, &d), 0);
    bol_store_close(s);
}

static void test_public_key_mismatch(void **state)
{
    struct fixture *f = *state;
    char path[600];
    struct bol_diag d;
    struct bol_store_config c = { .data_dir = f->dir, .read_only = true };
    struct bol_store *s = NULL;
    struct bol_signer other;
    struct bol_buf b = BOL_BUF_INIT(1024);
    FILE *fp;

    snprintf(path, sizeof(path), "%s/journal.pub", f->dir);
    assert_int_equal(bol_signer_generate("test.example/bollard", &other, NULL), 0);
    assert_int_equal(bol_verifier_encode(&other.v, &b), 0);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "%s\n", b.buf);
    fclose(fp);
    bol_diag_init(&d);
    assert_int_equal(bol_store_open(&c, &s, &d), BOL_E_CORRUPT);
    assert_non_null(strstr(d.msg, "differs from the public key"));
    bol_signer_wipe(&other);
    bol_buf_release(&b);
}

static void test_not_a_data_directory(void **state)
{
    struct bol_store_config c = { .data_dir = "/nonexistent/bollard" };
    struct bol_store *s = NULL;
    struct bol_diag d;

    (void) state;
    bol_diag_init(&d);
    assert_int_equal(bol_store_open(&c, &s, &d), BOL_E_NOTFOUND);
    assert_non_null(strstr(d.msg, "not a bollard data directory"));
}

/* ---- group commit ---- */

struct gc_job {
    unsigned n;
    int kind; /* 0 valid, 1 fails before writing, 2 fails after writing its request id */
};

static int gc_unit(struct bol_store *s, void *ctx, struct bol_diag *d)
{
    struct gc_job *j = ctx;
    struct bol_append_result res;
    char code[16], name[32], req[32];

    snprintf(code, sizeof(code), "G%u", j->n % 20);
    snprintf(name, sizeof(name), "group %u", j->n);
    snprintf(req, sizeof(req), "gc-%u", j->n);
    if (j->kind == 0)
        return append_terminal(s, code, name, req, &res, d);
    /* Lower-case code: refused by the schema check, after or before the request id write. */
    snprintf(code, sizeof(code), "g%u", j->n % 20);
    return append_terminal(s, code, name, j->kind == 2 ? req : "", &res, d);
}

struct gc_thread {
    struct bol_committer *c;
    unsigned base;
    unsigned ok, failed;
};

static void *gc_thread_main(void *arg)
{
    struct gc_thread *t = arg;
    unsigned i;

    for (i = 0; i < 60; i++) {
        struct gc_job j = { t->base + i, (int) ((t->base + i) % 5 == 3   ? 1
                                                : (t->base + i) % 7 == 2 ? 2
                                                                         : 0) };
        struct bol_diag d;
        int r;

        bol_diag_init(&d);
        r = bol_committer_run(t->c, gc_unit, &j, &d);
        if (j.kind == 0 && r == 0)
            t->ok++;
        else if (j.kind != 0 && r == BOL_E_INVAL)
            t->failed++;
        else
            fprintf(stderr, "unit %u kind %d: %d %s\n", j.n, j.kind, r, d.msg);
    }
    return NULL;
}

static void test_group_commit(void **state)
{
    struct fixture *f = *state;
    struct bol_committer_opts o = { 16, 500 };
    struct bol_committer_stats st;
    struct bol_committer *c;
    struct gc_thread t[4];
    pthread_t th[4];
    unsigned i, ok = 0, failed = 0;

    assert_int_equal(bol_committer_start(f->s, &o, &c, NULL), 0);
    for (i = 0; i < 4; i++) {
        t[i] = (struct gc_thread){ c, i * 1000, 0, 0 };
        assert_int_equal(pthread_create(&th[i], NULL, gc_thread_main, &t[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ok += t[i].ok;
        failed += t[i].failed;
    }
    bol_committer_stats(c, &st);
    bol_committer_stop(c);
    assert_int_equal(ok + failed, 240);
    assert_int_equal(st.units, 240);
    assert_true(st.commits < 240); /* batches formed */
    /* Every valid unit is in the journal once, and nothing of the failed ones. */
    assert_int_equal(size_of(f->s), 1 + ok);
    assert_verifies(f->s);
    assert_state_equals_replay(f);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_makes_a_verified_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_refuses_an_existing_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_applies_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_are_idempotent_by_request_id, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_event_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_and_savepoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoints_every_n, setup, teardown),
        cmocka_unit_test_setup_teardown(test_proofs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_payload_byte, setup_filled, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_payload_and_hash, setup_filled, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_delete_entry, setup_filled, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_swap_entries, setup_filled, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_truncate_tail, setup_filled, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_truncate_without_checkpoint, setup_filled,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tamper_forge_checkpoint, setup_filled, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_forge_checkpoint_other_key, setup_filled,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pinned_key, setup_filled, teardown),
        cmocka_unit_test_setup_teardown(test_personal_data_is_erasable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_and_readonly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_rebuilt_when_declarations_change, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_key_file_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_public_key_mismatch, setup, teardown),
        cmocka_unit_test(test_not_a_data_directory),
        cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
    };
    int r = store_test_engine(argc, argv);

    if (r >= 0)
        return r;
    return cmocka_run_group_tests_name(use_pg ? "store_pg" : "store_sqlite", tests, NULL, NULL);
}
