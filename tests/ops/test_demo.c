/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_demo.c - the demo terminal's plan and its day, on SQLite and PostgreSQL
 *
 * Usage: test_demo sqlite|pg.  The planner models every stack, so a day it
 * plans must run with no rejection; a rejection is a bug in the planner or in
 * the rules.  After the day: the journal verifies, state equals a replay, and
 * the yard holds what the plan says it should.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>

#include "container_id.h"
#include "demo.h"
#include "opstest.h"

static void small(struct bol_demo_opts *o, uint64_t seed)
{
    bol_demo_opts_default(o);
    o->fill_pct = 40;
    o->vessel_moves = 240;
    o->gate_visits = 160;
    o->query_every = 5;
    o->seed = seed;
    o->day_start_us = T0_US + 4 * 3600 * 1000000LL;
}

static bool same_plan(const struct bol_demo *a, const struct bol_demo *b)
{
    unsigned i;

    if (a->nday != b->nday || a->setup.text.len != b->setup.text.len ||
        memcmp(a->setup.text.buf, b->setup.text.buf, a->setup.text.len) != 0)
        return false;
    for (i = 0; i < a->nday; i++) {
        if (a->day[i].n != b->day[i].n || a->day[i].text.len != b->day[i].text.len ||
            memcmp(a->day[i].text.buf, b->day[i].text.buf, a->day[i].text.len) != 0)
            return false;
    }
    return true;
}

static void test_plan_is_deterministic(void **state)
{
    struct bol_demo_opts o;
    struct bol_demo a, b, c;
    struct bol_diag d;

    (void) state;
    small(&o, 7);
    bol_diag_init(&d);
    assert_int_equal(bol_demo_plan(&o, &a, &d), 0);
    assert_int_equal(bol_demo_plan(&o, &b, &d), 0);
    o.seed = 8;
    assert_int_equal(bol_demo_plan(&o, &c, &d), 0);
    assert_true(same_plan(&a, &b));
    assert_false(same_plan(&a, &c));
    /* One stream per quay crane and gate lane; the reference data comes first. */
    assert_int_equal(a.nday, 12);
    assert_int_equal(a.counts.blocks, 40);
    assert_int_equal(a.counts.capacity_teu, 47600);
    assert_non_null(strstr(bol_demo_text(&a.setup, &a.setup.step[0]), "line.define"));
    bol_demo_release(&a);
    bol_demo_release(&b);
    bol_demo_release(&c);
}

static void test_plan_refuses_bad_options(void **state)
{
    struct bol_demo_opts o;
    struct bol_demo p;
    struct bol_diag d;

    (void) state;
    small(&o, 1);
    o.terminals = 0;
    bol_diag_init(&d);
    assert_int_equal(bol_demo_plan(&o, &p, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "terminals");
    small(&o, 1);
    o.fill_pct = 95;
    assert_int_equal(bol_demo_plan(&o, &p, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "fill");
}

static long inventory_boxes(struct bol_store *rd, const char *terminal)
{
    struct bol_diag d;
    json_t *inv = NULL;
    long n;

    bol_diag_init(&d);
    if (bol_query_inventory(rd, terminal, &inv, &d) < 0)
        fail_msg("inventory: %s", d.msg);
    n = (long) json_integer_value(json_object_get(json_object_get(inv, "yard"), "boxes"));
    json_decref(inv);
    return n;
}

static void run_day(unsigned terminals, uint64_t seed)
{
    struct fixture f;
    struct bol_demo_opts o;
    struct bol_demo plan;
    struct bol_demo_clock clk;
    struct bol_demo_report setup, day;
    struct bol_ops_opts oo;
    struct bol_ops *ops = NULL;
    struct bol_store *rd = NULL;
    struct bol_state_digest live, rebuilt;
    struct bol_verify_report vr;
    struct bol_diag d;
    char path[700];
    uint64_t n = 0;
    long boxes = 0, want;
    unsigned t;

    small(&o, seed);
    o.terminals = terminals;
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
    assert_int_equal(bol_demo_run_setup(ops, &clk, &plan, &setup, &d), 0);
    if (setup.rejected)
        fail_msg("setup: %lu rejected, first: %s", setup.rejected, setup.first);
    assert_int_equal(setup.cmds, plan.counts.setup_cmds);
    assert_int_equal(bol_demo_run_day(ops, &clk, &plan, 15, &day, &d), 0);
    if (day.rejected)
        fail_msg("day: %lu rejected, first: %s", day.rejected, day.first);
    assert_int_equal(day.cmds, plan.counts.day_cmds);
    assert_int_equal(day.queries, plan.counts.queries);
    assert_int_equal(day.query_errors, 0);
    assert_int_equal(day.duplicates, 0);
    assert_true(plan.counts.discharge > 0 && plan.counts.load > 0 && plan.counts.receive > 0 &&
                plan.counts.deliver > 0 && plan.counts.relocate > 0);

    assert_int_equal(bol_ops_reader(ops, &rd, &d), 0);
    /* The yard holds the stock, plus what came in, less what left. */
    for (t = 1; t <= terminals; t++) {
        char code[8];

        snprintf(code, sizeof(code), "DCT%u", t);
        boxes += inventory_boxes(rd, code);
    }
    want = (long) (plan.counts.yard_boxes + plan.counts.discharge + plan.counts.receive) -
           (long) (plan.counts.load + plan.counts.deliver);
    assert_int_equal(boxes, want);
    assert_int_equal(bol_store_verify(rd, bol_store_verifier(rd), 0, &vr, &d), 0);
    snprintf(path, sizeof(path), "%s/../replay.db", f.dir);
    assert_int_equal(bol_store_state_digest(rd, &live, &d), 0);
    if (bol_store_replay_into(rd, path, &rebuilt, &n, &d) < 0)
        fail_msg("replay: %s", d.msg);
    assert_true(same_digest(&live, &rebuilt));
    unlink(path);
    bol_store_close(rd);
    bol_ops_close(ops);
    fixture_destroy(&f);
    bol_demo_release(&plan);
}

static void test_day_runs_without_rejection(void **state)
{
    (void) state;
    run_day(1, 1);
}

/* Terminals of one installation run side by side (SQLite only: PostgreSQL gets the first). */
static void test_two_terminals(void **state)
{
    (void) state;
    if (use_pg)
        skip();
    run_day(2, 99);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_is_deterministic),
        cmocka_unit_test(test_plan_refuses_bad_options),
        cmocka_unit_test(test_day_runs_without_rejection),
        cmocka_unit_test(test_two_terminals),
    };
    int r = store_test_engine(argc, argv);

    if (r >= 0)
        return r;
    return cmocka_run_group_tests_name(use_pg ? "demo_pg" : "demo_sqlite", tests, NULL, NULL);
}
