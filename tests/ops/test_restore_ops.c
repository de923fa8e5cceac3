/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_restore_ops.c - a demo terminal's journal (thousands of entries of
 * real operations) restored into a fresh store and rebuilt into a state-only
 * store: equal state digests, and the queries answer alike
 *
 * Usage: test_restore_ops sqlite|pg.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdatomic.h>
#include <cmocka.h>
#include <jansson.h>

#include "demo.h"
#include "entry.h"
#include "epoch.h"
#include "ops.h"
#include "query.h"
#include "storetest.h"

#define T0_US 1795279200000000LL

struct copy_ctx {
    struct bol_store *dst; /* restore target (import) or state-only store (apply) */
    bool state_only;
    uint64_t n;
};

static int copy_entry(void *ctx, uint64_t seq, struct bol_str entry, const struct bol_hash *leaf)
{
    struct copy_ctx *c = ctx;
    struct bol_diag d;
    int r;

    (void) leaf;
    bol_diag_init(&d);
    if (c->state_only) {
        r = bol_store_state_apply(c->dst, entry, &d);
    } else {
        r = bol_store_import_entry(c->dst, entry, true, &d);
        if (r == 0 && ++c->n % 5000 == 0) {
            r = bol_store_commit(c->dst, T0_US, &d);
            if (r == 0)
                r = bol_store_begin(c->dst, &d);
        }
    }
    if (r < 0)
        fail_msg("entry %" PRIu64 ": %s", seq, d.msg);
    return 0;
}

static void same_digest_but_epochs(const struct bol_state_digest *a,
                                   const struct bol_state_digest *b, bool epochs_differ)
{
    size_t i;

    assert_int_equal(a->n, b->n);
    for (i = 0; i < a->n; i++) {
        if (epochs_differ && !strcmp(a->t[i].table, "journal_epoch"))
            continue;
        if (a->t[i].rows != b->t[i].rows ||
            memcmp(a->t[i].hash.b, b->t[i].hash.b, BOL_HASH_LEN) != 0)
            fail_msg("table %s differs", a->t[i].table);
    }
}

static void same_query(struct bol_store *a, struct bol_store *b, const char *terminal)
{
    json_t *ja = NULL, *jb = NULL;

    assert_int_equal(bol_query_inventory(a, terminal, &ja, NULL), 0);
    assert_int_equal(bol_query_inventory(b, terminal, &jb, NULL), 0);
    assert_true(json_is_array(ja) ? json_array_size(ja) > 0 : json_object_size(ja) > 0);
    assert_true(json_equal(ja, jb));
    json_decref(ja);
    json_decref(jb);
    assert_int_equal(bol_query_holds(a, terminal, &ja, NULL), 0);
    assert_int_equal(bol_query_holds(b, terminal, &jb, NULL), 0);
    assert_true(json_equal(ja, jb));
    json_decref(ja);
    json_decref(jb);
}

static void test_restore_demo_terminal(void **state)
{
    struct bol_demo_opts o;
    struct bol_demo plan;
    struct bol_demo_clock clk;
    struct bol_demo_report rep;
    struct bol_ops_opts oo;
    struct bol_ops *ops = NULL;
    struct bol_store *src = NULL, *st = NULL, *dst = NULL;
    struct bol_store_config c;
    struct bol_state_digest a, b, replay;
    struct bol_buf cp = BOL_BUF_INIT(BOL_NOTE_MAX), payload = BOL_BUF_INIT(BOL_ENTRY_MAX);
    struct bol_verify_report vr;
    struct bol_verifier pub;
    struct bol_append_result res;
    struct bol_actor sys = { BOL_STR("system"), BOL_STR("") };
    struct bol_event ev;
    struct copy_ctx cc;
    struct fixture f, t;
    struct bol_diag d;
    char path[700];
    uint64_t size = 0, n = 0;

    (void) state;
    bol_demo_opts_default(&o);
    o.fill_pct = 30;
    o.vessel_moves = 200;
    o.gate_visits = 150;
    o.query_every = 0;
    o.seed = 11;
    o.day_start_us = T0_US + 4 * 3600 * 1000000LL;
    bol_diag_init(&d);
    assert_int_equal(bol_demo_plan(&o, &plan, &d), 0);
    assert_int_equal(fixture_make(&f), 0);
    atomic_init(&clk.now_us, o.day_start_us - 3 * 3600 * 1000000LL);
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = f.dir;
    oo.clock = bol_demo_clock_read;
    oo.clock_ctx = &clk;
    if (bol_ops_open(&oo, &ops, &d) < 0)
        fail_msg("open: %s", d.msg);
    assert_int_equal(bol_demo_run_setup(ops, &clk, &plan, &rep, &d), 0);
    assert_int_equal(rep.rejected, 0);
    assert_int_equal(bol_demo_run_day(ops, &clk, &plan, 15, &rep, &d), 0);
    assert_int_equal(rep.rejected, 0);
    assert_int_equal(bol_ops_reader(ops, &src, &d), 0);
    assert_int_equal(bol_store_size(src, &size, NULL), 0);
    assert_true(size > 3000);
    assert_int_equal(bol_store_state_digest(src, &a, NULL), 0);

    /* A state-only store rebuilt from the entries answers queries as the terminal does. */
    assert_int_equal(bol_store_open_state(NULL, &st, NULL), 0);
    cc = (struct copy_ctx){ st, true, 0 };
    assert_int_equal(bol_store_read(src, 1, 0, copy_entry, &cc, NULL), 0);
    assert_int_equal(bol_store_state_flush(st, NULL), 0);
    assert_int_equal(bol_store_state_seq(st), size);
    assert_int_equal(bol_store_state_digest(st, &b, NULL), 0);
    same_digest_but_epochs(&a, &b, false);
    same_query(src, st, "DCT1");
    bol_store_close(st);

    /* A restore of every entry, then the epoch entry with the new key. */
    assert_int_equal(bol_store_latest_checkpoint(src, &cp, NULL), 0);
    memset(&t, 0, sizeof(t));
    memset(&c, 0, sizeof(c));
    snprintf(t.dir, sizeof(t.dir), "%s/bollard-restore-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(t.dir));
    memcpy(t.dir + strlen(t.dir), "/data", 6);
    c.data_dir = t.dir;
    if (use_pg) {
        char sql[128];

        snprintf(t.dbname, sizeof(t.dbname), "bro_%ld", (long) getpid());
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s", t.dbname);
        assert_int_equal(pg_admin(sql), 0);
        dsn_with_db(pg_dsn, t.dbname, t.url, sizeof(t.url));
        c.db_url = t.url;
    }
    if (bol_store_restore_init(&c, "test.example/bollard", T0_US, &pub, &dst, &d) != 0)
        fail_msg("restore: %s", d.msg);
    assert_int_equal(bol_store_begin(dst, NULL), 0);
    cc = (struct copy_ctx){ dst, false, 0 };
    assert_int_equal(bol_store_read(src, 1, 0, copy_entry, &cc, NULL), 0);
    assert_int_equal(bol_epoch_payload(2, &pub, bol_store_verifier(src), bol_buf_str(&cp),
                                       BOL_EPOCH_RESTORE, BOL_STR(""), &payload, &d),
                     0);
    ev =
        (struct bol_event){ BOL_STR("journal.epoch"), 1, BOL_STR(""), bol_buf_str(&payload), NULL };
    if (bol_store_append(dst, &sys, BOL_STR(""), NULL, T0_US, &ev, 1, &res, &d) != 0)
        fail_msg("epoch: %s", d.msg);
    assert_int_equal(bol_store_commit(dst, T0_US, &d), 0);
    if (bol_store_verify(dst, &pub, 0, &vr, &d) != 0)
        fail_msg("verify: %s", vr.what);
    assert_int_equal(bol_store_state_digest(dst, &b, NULL), 0);
    same_digest_but_epochs(&a, &b, true);
    snprintf(path, sizeof(path), "%s/../replay.db", t.dir);
    assert_int_equal(bol_store_replay_into(dst, path, &replay, &n, NULL), 0);
    assert_int_equal(n, size + 1);
    same_digest_but_epochs(&b, &replay, false);
    same_query(src, dst, "DCT1");

    bol_store_close(dst);
    fixture_destroy(&t);
    bol_store_close(src);
    bol_ops_close(ops);
    fixture_destroy(&f);
    bol_demo_release(&plan);
    bol_buf_release(&cp);
    bol_buf_release(&payload);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restore_demo_terminal),
    };
    int r = store_test_engine(argc, argv);

    if (r >= 0)
        return r;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
