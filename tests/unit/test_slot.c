/* SPDX-License-Identifier: Apache-2.0 */
/* test_slot.c - yard slot allocation: hard constraints, score terms, ties, explanations */
#include "testutil.h"

#include <string.h>

#include "slot.h"

#define HOUR_US (3600 * 1000000LL)
#define T0      (1700000000LL * 1000000LL)

/* A block of bays x rows x tiers with every size and 30.48 t a tier per position. */
static struct bol_block block(const char *code, enum bol_block_kind kind, uint16_t bays,
                              uint8_t rows, uint8_t tiers)
{
    struct bol_block b;

    memset(&b, 0, sizeof(b));
    snprintf(b.terminal, sizeof(b.terminal), "T1");
    snprintf(b.code, sizeof(b.code), "%s", code);
    b.kind = kind;
    b.bays = bays;
    b.rows = rows;
    b.tiers = tiers;
    b.max_stack_kg = 30480u * tiers;
    b.sizes = BOL_SIZE_20 | BOL_SIZE_40;
    return b;
}

/* Bays along x at 6.5 m, rows along y at 2.9 m, from (x, y). */
static struct bol_slot_geom at(int32_t x, int32_t y)
{
    struct bol_slot_geom g = { x, y, 65, 0, 0, 29 };

    return g;
}

static struct bol_slot_yard *yard_with(const struct bol_block *b, unsigned n)
{
    struct bol_slot_yard *y = bol_slot_yard_new(T0);
    unsigned i;

    assert_non_null(y);
    for (i = 0; i < n; i++) {
        uint32_t ix = 99;

        assert_int_equal(bol_slot_yard_add_block(y, &b[i], &(struct bol_slot_geom){ 0 }, &ix), 0);
        assert_int_equal(ix, i);
    }
    return y;
}

/* A full dry 20 ft box leaving with vessel v at T0 + h hours. */
static struct bol_slot_box box20(uint16_t vessel, int h)
{
    struct bol_slot_box b;

    memset(&b, 0, sizeof(b));
    b.length = 20;
    b.full = true;
    b.mass_kg = 15000;
    b.vessel = vessel;
    b.pod = vessel;
    b.leave_at_us = T0 + h * HOUR_US;
    return b;
}

static struct bol_slot_box box40(uint16_t vessel, int h)
{
    struct bol_slot_box b = box20(vessel, h);

    b.length = 40;
    b.mass_kg = 25000;
    return b;
}

static struct bol_slot_request req(struct bol_slot_box b, unsigned top)
{
    struct bol_slot_request r;

    memset(&r, 0, sizeof(r));
    r.box = b;
    r.top = top;
    return r;
}

/* The default weights, to change one or two. */
static struct bol_slot_weights only_defaults(void)
{
    struct bol_slot_weights w;

    bol_slot_weights_default(&w);
    return w;
}

static void test_empty_yard_and_bad_request(void **state)
{
    struct bol_slot_yard *y = bol_slot_yard_new(T0);
    struct bol_slot_request r = req(box20(1, 10), 3);
    struct bol_slot_result res;
    char line[200];

    (void) state;
    assert_non_null(y);
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), BOL_E_NOTFOUND);
    assert_int_equal(res.n, 0);
    bol_slot_explain_rules(&res, line, sizeof(line));
    assert_string_equal(line, "no slot: the yard has no stacks");
    r.box.length = 45;
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), BOL_E_INVAL);
    bol_slot_yard_free(y);
    bol_slot_yard_free(NULL);
}

static void test_builder(void **state)
{
    struct bol_block b = block("A", BOL_BLOCK_RTG, 4, 2, 3);
    struct bol_slot_yard *y = yard_with(&b, 1);
    struct bol_slot_box x20 = box20(1, 10), x40 = box40(1, 10);
    struct bol_block bad = b;

    (void) state;
    bad.tiers = 0;
    assert_int_equal(bol_slot_yard_add_block(y, &bad, &(struct bol_slot_geom){ 0 }, NULL),
                     BOL_E_INVAL);
    bad = b;
    bad.sizes = 0;
    assert_int_equal(bol_slot_yard_add_block(y, &bad, &(struct bol_slot_geom){ 0 }, NULL),
                     BOL_E_INVAL);
    assert_int_equal(bol_slot_yard_blocks(y), 1);
    /* bays: 20 ft odd 1..7, 40 ft even 2..6 */
    assert_int_equal(bol_slot_yard_put(y, 0, 2, 1, &x20), BOL_E_INVAL);
    assert_int_equal(bol_slot_yard_put(y, 0, 9, 1, &x20), BOL_E_INVAL);
    assert_int_equal(bol_slot_yard_put(y, 0, 8, 1, &x40), BOL_E_INVAL);
    assert_int_equal(bol_slot_yard_put(y, 0, 1, 3, &x20), BOL_E_INVAL);
    assert_int_equal(bol_slot_yard_put(y, 1, 1, 1, &x20), BOL_E_INVAL);
    /* a 40 ft box needs both positions level, under one 40 ft box */
    assert_int_equal(bol_slot_yard_put(y, 0, 1, 1, &x20), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 2, 1, &x40), BOL_E_CONFLICT);
    assert_int_equal(bol_slot_yard_put(y, 0, 3, 1, &x20), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 2, 1, &x40), BOL_E_CONFLICT); /* on 20 ft */
    assert_int_equal(bol_slot_yard_put(y, 0, 6, 1, &x40), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 7, 1, &x20), BOL_E_CONFLICT); /* 20 on 40 */
    assert_int_equal(bol_slot_yard_put(y, 0, 6, 1, &x40), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 6, 1, &x40), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 6, 1, &x40), BOL_E_CONFLICT); /* tiers */
    assert_int_equal(bol_slot_yard_boxes(y), 5);
    assert_int_equal(bol_slot_yard_close(y, 0, 2, 1, true), BOL_E_INVAL);
    assert_int_equal(bol_slot_yard_close(y, 0, 1, 3, true), BOL_E_INVAL);
    bol_slot_yard_free(y);
}

static void test_builder_out_of_memory(void **state)
{
    struct bol_block b = block("A", BOL_BLOCK_DG, 4, 2, 3);
    struct bol_slot_yard *y;
    struct bol_slot_box d = box20(1, 10);
    long i;

    (void) state;
    d.ndg = 1;
    d.dg[0].cls = 3;
    for (i = 0; i < 6; i++) {
        test_mem_fail_after(i);
        y = bol_slot_yard_new(T0);
        if (y && bol_slot_yard_add_block(y, &b, &(struct bol_slot_geom){ 0 }, NULL) == 0) {
            int r = bol_slot_yard_put(y, 0, 1, 1, &d);

            assert_true(r == 0 || r == BOL_E_NOMEM);
            assert_int_equal(bol_slot_yard_boxes(y), r == 0 ? 1 : 0);
        }
        test_mem_fail_after(-1);
        bol_slot_yard_free(y);
    }
}

/* The only slot chosen for r, or fail. */
static struct bol_slot_cand choose1(const struct bol_slot_yard *y, struct bol_slot_request r,
                                    const struct bol_slot_weights *w, struct bol_slot_result *res)
{
    r.top = 1;
    assert_int_equal(bol_slot_choose(y, &r, w, res), 0);
    assert_int_equal(res->n, 1);
    return res->cand[0];
}

static void test_reefer_needs_plug(void **state)
{
    struct bol_block b[2] = { block("A", BOL_BLOCK_RTG, 2, 2, 3),
                              block("R", BOL_BLOCK_RTG, 2, 2, 3) };
    struct bol_slot_yard *y;
    struct bol_slot_box rf = box20(1, 10);
    struct bol_slot_result res;
    struct bol_slot_cand c;
    char line[300];

    (void) state;
    /* block R has plugs in row 2 only */
    b[1].nzones = 1;
    b[1].zones[0] = (struct bol_zone){ 1, 3, 2, 2, true, false, 0 };
    y = yard_with(b, 2);
    rf.reefer = true;
    c = choose1(y, req(rf, 1), NULL, &res);
    assert_int_equal(c.block, 1);
    assert_int_equal(c.row, 2);
    assert_int_equal(res.stacks, 8);
    assert_int_equal(res.fit, 2);
    assert_int_equal(res.ruled_out[BOL_SLOT_R_REEFER], 6);
    bol_slot_explain_rules(&res, line, sizeof(line));
    assert_string_equal(line, "8 stacks, 2 fit; ruled out: 6 reefer");
    /* a dry box stays off the plugs when it can */
    c = choose1(y, req(box20(1, 10), 1), NULL, &res);
    assert_int_equal(c.block, 0);
    assert_int_equal(c.term[BOL_SLOT_T_RESERVE], 0);
    /* an empty reefer is not running: it needs no plug */
    rf.full = false;
    assert_int_equal(choose1(y, req(rf, 1), NULL, &res).block, 0);
    bol_slot_yard_free(y);
}

static void test_dg_only_where_allowed(void **state)
{
    struct bol_block b[2] = { block("A", BOL_BLOCK_RTG, 2, 1, 3),
                              block("D", BOL_BLOCK_DG, 6, 3, 3) };
    struct bol_slot_yard *y = yard_with(b, 2);
    struct bol_slot_box d = box20(1, 10), e = box20(2, 10);
    struct bol_slot_result res;
    struct bol_slot_cand c;
    struct bol_slot_request r;

    (void) state;
    d.ndg = 1;
    d.dg[0].cls = 3;
    c = choose1(y, req(d, 1), NULL, &res);
    assert_int_equal(c.block, 1);
    assert_int_equal(res.ruled_out[BOL_SLOT_R_DG], 2);
    /* segregation: class 3 must be "away from" class 5.1 (one free position or two rows) */
    e.ndg = 1;
    e.dg[0].cls = 5;
    e.dg[0].division = 1;
    assert_int_equal(bol_slot_yard_put(y, 1, 5, 2, &e), 0);
    r = req(d, BOL_SLOT_TOP_MAX);
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), 0);
    /* 5.1 at position 3 (bay 5), row 2: positions 2..4 rows 1..3 are too close */
    assert_int_equal(res.ruled_out[BOL_SLOT_R_SEGREGATION], 9);
    for (unsigned i = 0; i < res.n; i++) {
        assert_int_equal(res.cand[i].block, 1);
        assert_true(res.cand[i].bay <= 1 || res.cand[i].bay >= 9);
    }
    /* class 3 with class 3: no segregation, so its own stack is a candidate */
    e.dg[0].cls = 3;
    e.dg[0].division = 0;
    assert_int_equal(bol_slot_yard_put(y, 1, 11, 3, &e), 0);
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), 0);
    assert_int_equal(res.ruled_out[BOL_SLOT_R_SEGREGATION], 9);
    assert_int_equal(res.fit, 18 - 9);
    bol_slot_yard_free(y);
}

static void test_forty_needs_a_pair(void **state)
{
    struct bol_block b[2] = { block("A", BOL_BLOCK_RTG, 4, 1, 3),
                              block("B", BOL_BLOCK_RTG, 6, 1, 3) };
    struct bol_slot_box x20 = box20(1, 10);
    struct bol_slot_yard *y;
    struct bol_slot_result res;
    struct bol_slot_request r;

    (void) state;
    b[0].sizes = BOL_SIZE_20; /* block A takes no 40 ft */
    y = yard_with(b, 2);
    /* B: bays 1 and 3 one high (20 ft), 5 two high, 7, 9 and 11 empty */
    assert_int_equal(bol_slot_yard_put(y, 1, 1, 1, &(struct bol_slot_box){ 0 }), BOL_E_INVAL);
    assert_int_equal(bol_slot_yard_put(y, 1, 1, 1, &x20), 0);
    assert_int_equal(bol_slot_yard_put(y, 1, 3, 1, &x20), 0);
    assert_int_equal(bol_slot_yard_put(y, 1, 5, 1, &x20), 0);
    assert_int_equal(bol_slot_yard_put(y, 1, 5, 1, &x20), 0);
    r = req(box40(1, 10), BOL_SLOT_TOP_MAX);
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), 0);
    assert_int_equal(res.stacks, 3 + 5); /* even bays 2 .. 6 in A, 2 .. 10 in B */
    assert_int_equal(res.ruled_out[BOL_SLOT_R_SIZE], 3);
    /* bay 2: level, but on 20 ft boxes; 4: one and two high; 6: two high and empty */
    assert_int_equal(res.ruled_out[BOL_SLOT_R_SHAPE], 3);
    assert_int_equal(res.fit, 2);
    assert_int_equal(res.n, 2);
    assert_int_equal(res.cand[0].block, 1);
    assert_int_equal(res.cand[0].bay, 10); /* on the pair grid */
    assert_int_equal(res.cand[1].bay, 8);
    assert_true(res.cand[1].facts & BOL_SLOT_X_OFF_GRID);
    bol_slot_yard_free(y);
}

static void test_forty_on_forty(void **state)
{
    struct bol_block b = block("B", BOL_BLOCK_RTG, 4, 1, 3);
    struct bol_slot_yard *y = yard_with(&b, 1);
    struct bol_slot_result res;
    struct bol_slot_request r;
    struct bol_slot_box x20 = box20(1, 10);

    (void) state;
    /* 40 ft at bays 2 (1+3) and 6 (5+7): bay 4 (3+5) would straddle them */
    assert_int_equal(bol_slot_yard_put(y, 0, 2, 1, &(struct bol_slot_box){ .length = 40 }), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 6, 1, &(struct bol_slot_box){ .length = 40 }), 0);
    r = req(box40(1, 10), BOL_SLOT_TOP_MAX);
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), 0);
    assert_int_equal(res.stacks, 3);
    assert_int_equal(res.ruled_out[BOL_SLOT_R_SHAPE], 1);
    assert_int_equal(res.n, 2);
    assert_int_equal(res.cand[0].tier, 2);
    assert_true(res.cand[0].bay == 2 || res.cand[0].bay == 6);
    assert_true(res.cand[1].bay == 2 || res.cand[1].bay == 6);
    /* and no 20 ft box stands on a 40 ft one */
    r = req(x20, BOL_SLOT_TOP_MAX);
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), BOL_E_NOTFOUND);
    assert_int_equal(res.ruled_out[BOL_SLOT_R_SHAPE], 4);
    bol_slot_yard_free(y);
}

static void test_weight_tiers_empties(void **state)
{
    struct bol_block b[2] = { block("A", BOL_BLOCK_RTG, 1, 2, 2),
                              block("M", BOL_BLOCK_EMPTY, 1, 1, 4) };
    struct bol_slot_yard *y;
    struct bol_slot_box heavy = box20(1, 10), mt = box20(0, 10);
    struct bol_slot_result res;
    struct bol_slot_request r;
    char line[300];

    (void) state;
    b[0].max_stack_kg = 40000; /* row 1 and 2: one 30 t box and a 10 t one at most */
    y = yard_with(b, 2);
    heavy.mass_kg = 30000;
    assert_int_equal(bol_slot_yard_put(y, 0, 1, 1, &heavy), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 1, 2, &heavy), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 1, 2, &(struct bol_slot_box){ .length = 20 }), 0);
    /* row 1: 30 t + 15 t > 40 t; row 2: at its 2 tiers; M: empties only */
    r = req(box20(1, 10), 1);
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), BOL_E_NOTFOUND);
    assert_int_equal(res.n, 0);
    assert_int_equal(res.ruled_out[BOL_SLOT_R_WEIGHT], 1);
    assert_int_equal(res.ruled_out[BOL_SLOT_R_TIERS], 1);
    assert_int_equal(res.ruled_out[BOL_SLOT_R_EMPTIES], 1);
    bol_slot_explain_rules(&res, line, sizeof(line));
    assert_string_equal(line,
                        "no slot: none of 3 stacks fits; ruled out: 1 empties, 1 tiers, 1 weight");
    /* exactly at the limit is allowed */
    r.box.mass_kg = 10000;
    assert_int_equal(choose1(y, r, NULL, &res).row, 1);
    /* an empty box goes anywhere */
    mt.full = false;
    mt.mass_kg = 2200;
    r = req(mt, 4);
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), 0);
    assert_int_equal(res.n, 2);
    /* closed stacks are out */
    assert_int_equal(bol_slot_yard_close(y, 1, 1, 1, true), 0);
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), 0);
    assert_int_equal(res.n, 1);
    assert_int_equal(res.ruled_out[BOL_SLOT_R_CLOSED], 1);
    assert_int_equal(bol_slot_yard_close(y, 1, 1, 1, false), 0);
    assert_int_equal(bol_slot_choose(y, &r, NULL, &res), 0);
    assert_int_equal(res.n, 2);
    bol_slot_yard_free(y);
}

static void test_early_leaver_goes_on_top(void **state)
{
    struct bol_block b = block("A", BOL_BLOCK_RTG, 2, 1, 4);
    struct bol_slot_yard *y = yard_with(&b, 1);
    struct bol_slot_result res;
    struct bol_slot_cand c;
    struct bol_slot_weights w = only_defaults();
    char line[400];

    (void) state;
    /* bay 1: leaves in 48 h (vessel 2); bay 3: leaves in 5 h (vessel 3) */
    assert_int_equal(bol_slot_yard_put(y, 0, 1, 1, &(struct bol_slot_box){ 0 }), BOL_E_INVAL);
    assert_int_equal(bol_slot_yard_put(y, 0, 1, 1, &(struct bol_slot_box[]){ box20(2, 48) }[0]), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 3, 1, &(struct bol_slot_box[]){ box20(3, 5) }[0]), 0);
    w.same_pod = 0;
    /* a box leaving in 10 h goes on the later leaver */
    c = choose1(y, req(box20(1, 10), 1), &w, &res);
    assert_int_equal(c.bay, 1);
    assert_int_equal(c.earlier, 0);
    assert_int_equal(c.term[BOL_SLOT_T_RELOC], 0);
    /* the reverse: on the early leaver it would cost a relocation */
    {
        struct bol_slot_request r = req(box20(1, 10), 2);

        assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
        assert_int_equal(res.n, 2);
        assert_int_equal(res.cand[1].bay, 3);
        assert_int_equal(res.cand[1].earlier, 1);
        assert_int_equal(res.cand[1].earlier_h, 5);
        /* 5 h earlier: half a relocation, plus (300 - 60) / 1440 of the other half */
        assert_int_equal(res.cand[1].reloc_pm, 500 + 500 * 240 / 1440);
        assert_int_equal(res.cand[1].term[BOL_SLOT_T_RELOC], 400 * (500 + 500 * 240 / 1440) / 1000);
        bol_slot_explain(y, &res.cand[1], line, sizeof(line));
        assert_non_null(strstr(line, "T1/A/003/01/2 score "));
        assert_non_null(
            strstr(line, "reloc 233 (1 below may leave earlier, up to 5 h: 0.58 expected)"));
        assert_non_null(strstr(line, "1 of other departures"));
        assert_non_null(strstr(line, "height 325 (tier 2 of 4, bay short of dig-out room)"));
    }
    /* within the slack, leaving together: no relocation */
    {
        struct bol_slot_request r = req(box20(1, 5), 2);

        assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
        for (unsigned i = 0; i < res.n; i++)
            assert_int_equal(res.cand[i].term[BOL_SLOT_T_RELOC], 0);
    }
    /* a day and more earlier: a whole relocation */
    {
        struct bol_slot_request r = req(box20(1, 200), 2);

        assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
        assert_int_equal(res.cand[0].reloc_pm, 1000);
        assert_int_equal(res.cand[1].reloc_pm, 1000);
    }
    /* a departure not known costs unknown_pm */
    {
        struct bol_slot_box u = box20(1, 0);
        struct bol_slot_request r;

        u.leave_at_us = 0;
        r = req(u, 2);
        assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
        assert_int_equal(res.n, 2);
        assert_int_equal(res.cand[0].reloc_pm, 250);
        assert_int_equal(res.cand[1].reloc_pm, 250);
        bol_slot_explain(y, &res.cand[0], line, sizeof(line));
        assert_non_null(strstr(line, "reloc 100 (1 below with no known time: 0.25 expected)"));
    }
    bol_slot_yard_free(y);
}

static void test_same_vessel_groups(void **state)
{
    struct bol_block b = block("A", BOL_BLOCK_RTG, 3, 1, 4);
    struct bol_slot_yard *y = yard_with(&b, 1);
    struct bol_slot_result res;
    struct bol_slot_cand c;
    char line[400];

    (void) state;
    /* all three leave after the box; bay 5 holds its vessel */
    assert_int_equal(bol_slot_yard_put(y, 0, 1, 1, &(struct bol_slot_box[]){ box20(2, 30) }[0]), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 3, 1, &(struct bol_slot_box[]){ box20(3, 30) }[0]), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 5, 1, &(struct bol_slot_box[]){ box20(1, 30) }[0]), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 5, 1, &(struct bol_slot_box[]){ box20(1, 30) }[0]), 0);
    c = choose1(y, req(box20(1, 20), 1), NULL, &res);
    assert_int_equal(c.bay, 5);
    assert_int_equal(c.tier, 3);
    assert_int_equal(c.same_vessel, 2);
    assert_int_equal(c.other_groups, 0);
    assert_true(c.facts & BOL_SLOT_X_SAME_POD);
    assert_true(c.facts & BOL_SLOT_X_SAME_WEIGHT);
    assert_false(c.facts & BOL_SLOT_X_SAME_BAY); /* only in this stack */
    assert_int_equal(c.term[BOL_SLOT_T_GROUP], -100 - 30 - 20);
    bol_slot_explain(y, &c, line, sizeof(line));
    assert_non_null(strstr(line, "group -150 (2 of its vessel, same POD, same weight class)"));
    /* a vessel in the bay, another row: a bonus even on an empty stack */
    bol_slot_yard_free(y);

    b = block("B", BOL_BLOCK_RTG, 2, 2, 4);
    y = yard_with(&b, 1);
    assert_int_equal(bol_slot_yard_put(y, 0, 3, 1, &(struct bol_slot_box[]){ box20(1, 30) }[0]), 0);
    {
        struct bol_slot_request r = req(box20(1, 40), 4);

        assert_int_equal(bol_slot_choose(y, &r, NULL, &res), 0);
        /* on its vessel's box (one loading window: no relocation though that one
           leaves earlier), then beside it in the bay, then elsewhere */
        assert_int_equal(res.cand[0].bay, 3);
        assert_int_equal(res.cand[0].row, 1);
        assert_int_equal(res.cand[0].term[BOL_SLOT_T_RELOC], 0);
        assert_int_equal(res.cand[1].bay, 3);
        assert_int_equal(res.cand[1].row, 2);
        assert_true(res.cand[1].facts & BOL_SLOT_X_SAME_BAY);
        assert_int_equal(res.cand[1].term[BOL_SLOT_T_GROUP], -50);
        assert_int_equal(res.cand[2].bay, 1);
    }
    bol_slot_yard_free(y);
}

static void test_nearer_wins_and_ties(void **state)
{
    struct bol_block b[2] = { block("A", BOL_BLOCK_RTG, 3, 2, 4),
                              block("B", BOL_BLOCK_RTG, 3, 2, 4) };
    struct bol_slot_yard *y = bol_slot_yard_new(T0);
    struct bol_slot_geom ga = at(0, 0), gb = at(0, 100);
    struct bol_slot_result res;
    struct bol_slot_request r;
    struct bol_slot_weights w = only_defaults();
    char line[400];

    (void) state;
    assert_non_null(y);
    assert_int_equal(bol_slot_yard_add_block(y, &b[0], &ga, NULL), 0);
    assert_int_equal(bol_slot_yard_add_block(y, &b[1], &gb, NULL), 0);
    /* from (20, 100): block B, bay 7 (13 m along), row 1 is 7 m away */
    r = req(box20(1, 10), 3);
    r.from_x_m = 20;
    r.from_y_m = 100;
    assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
    assert_int_equal(res.cand[0].block, 1);
    assert_int_equal(res.cand[0].bay, 5);
    assert_int_equal(res.cand[0].row, 1);
    assert_int_equal(res.cand[0].travel_m, 7);
    assert_int_equal(res.cand[0].score, 7);
    bol_slot_explain(y, &res.cand[0], line, sizeof(line));
    assert_string_equal(line, "T1/B/005/01/1 score 7: reloc 0 (none below leaves earlier), group 0 "
                              "(nothing to group with), travel 7 (7 m), height 0 (tier 1 of 4), "
                              "mix 0, reserve 0");
    /* with travel off every slot ties: lowest block, bay, row first, every time */
    w.travel_per_m = 0;
    for (int k = 0; k < 2; k++) {
        r.top = 5;
        assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
        assert_int_equal(res.n, 5);
        assert_int_equal(res.cand[0].block, 0);
        assert_int_equal(res.cand[0].bay, 1);
        assert_int_equal(res.cand[0].row, 1);
        assert_int_equal(res.cand[1].bay, 1);
        assert_int_equal(res.cand[1].row, 2);
        assert_int_equal(res.cand[2].bay, 3);
        assert_int_equal(res.cand[2].row, 1);
        assert_int_equal(res.cand[4].bay, 5);
    }
    /* top 0 means 1, and more than the maximum is the maximum */
    r.top = 0;
    assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
    assert_int_equal(res.n, 1);
    r.top = 1000;
    assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
    assert_int_equal(res.n, 12);
    assert_int_equal(res.stacks, 12);
    /* a short buffer is cut and NUL-terminated; the length needed is returned */
    {
        char small[10];
        size_t need = bol_slot_explain(y, &res.cand[0], small, sizeof(small));

        assert_int_equal(strlen(small), 9);
        assert_true(need > sizeof(small));
        assert_int_equal(bol_slot_explain(y, &res.cand[0], NULL, 0), need);
    }
    bol_slot_yard_free(y);
}

static void test_height_and_headroom(void **state)
{
    struct bol_block b = block("A", BOL_BLOCK_RTG, 2, 2, 3);
    struct bol_slot_yard *y = yard_with(&b, 1);
    struct bol_slot_result res;
    struct bol_slot_request r;
    struct bol_slot_weights w = only_defaults();

    (void) state;
    w.same_pod = w.same_weight = w.same_stack = w.same_bay = 0;
    /* bay 1: rows 1 and 2 at two high: 2 free, tiers - 1 = 2: one more breaks it */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(bol_slot_yard_put(y, 0, 1, 1, &(struct bol_slot_box[]){ box20(1, 30) }[0]),
                         0);
        assert_int_equal(bol_slot_yard_put(y, 0, 1, 2, &(struct bol_slot_box[]){ box20(1, 30) }[0]),
                         0);
    }
    /* bay 3: one box, row 1 */
    assert_int_equal(bol_slot_yard_put(y, 0, 3, 1, &(struct bol_slot_box[]){ box20(1, 30) }[0]), 0);
    r = req(box20(1, 20), 4);
    assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
    assert_int_equal(res.n, 4);
    /* ground first, then tier 2, then tier 3 with the bay left short */
    assert_int_equal(res.cand[0].bay, 3);
    assert_int_equal(res.cand[0].row, 2);
    assert_int_equal(res.cand[0].tier, 1);
    assert_int_equal(res.cand[1].bay, 3);
    assert_int_equal(res.cand[1].tier, 2);
    assert_false(res.cand[1].facts & BOL_SLOT_X_HEADROOM);
    assert_int_equal(res.cand[2].bay, 1);
    assert_int_equal(res.cand[2].tier, 3);
    assert_true(res.cand[2].facts & BOL_SLOT_X_HEADROOM);
    assert_int_equal(res.cand[2].term[BOL_SLOT_T_HEIGHT], 2 * 25 + 300);
    bol_slot_yard_free(y);
}

static void test_forty_twenty_mixing(void **state)
{
    struct bol_block b = block("A", BOL_BLOCK_RTG, 8, 2, 3);
    struct bol_slot_yard *y = yard_with(&b, 1);
    struct bol_slot_result res;
    struct bol_slot_request r;
    struct bol_slot_weights w = only_defaults();
    char line[400];

    (void) state;
    /* a 40 ft box at bay 2 (row 1), a 20 ft box at bay 5 (row 1) */
    assert_int_equal(bol_slot_yard_put(y, 0, 2, 1, &(struct bol_slot_box[]){ box40(2, 30) }[0]), 0);
    assert_int_equal(bol_slot_yard_put(y, 0, 5, 1, &(struct bol_slot_box[]){ box20(2, 30) }[0]), 0);
    w.mix_groups = 0;
    /* a 20 ft box: row 2 of bays 1 and 3 mix lengths; bay 7 is the first clean ground */
    r = req(box20(1, 20), BOL_SLOT_TOP_MAX);
    assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
    assert_int_equal(res.cand[0].bay, 5);
    assert_int_equal(res.cand[0].row, 2);
    for (unsigned i = 0; i < res.n; i++) {
        if (res.cand[i].bay <= 3)
            assert_true(res.cand[i].facts & BOL_SLOT_X_MIX_LENGTH);
    }
    /* a 40 ft box: on the pair grid (bay 10 = 9 + 11) before off it, away from bay 5 */
    r = req(box40(1, 20), BOL_SLOT_TOP_MAX);
    assert_int_equal(bol_slot_choose(y, &r, &w, &res), 0);
    assert_int_equal(res.cand[0].bay, 2);
    assert_int_equal(res.cand[0].row, 2);
    assert_int_equal(res.cand[1].bay, 10);
    assert_false(res.cand[1].facts & (BOL_SLOT_X_MIX_LENGTH | BOL_SLOT_X_OFF_GRID));
    for (unsigned i = 0; i < res.n; i++) {
        if (res.cand[i].bay == 4 || res.cand[i].bay == 6)
            assert_true(res.cand[i].facts & BOL_SLOT_X_MIX_LENGTH);
        if (res.cand[i].bay % 4 == 0)
            assert_true(res.cand[i].facts & BOL_SLOT_X_OFF_GRID);
    }
    for (unsigned i = 0; i < res.n; i++) {
        if (res.cand[i].bay == 4) {
            bol_slot_explain(y, &res.cand[i], line, sizeof(line));
            assert_non_null(
                strstr(line, "mix 120 (20 ft and 40 ft in a bay, off the 40 ft pair grid)"));
        }
    }
    bol_slot_yard_free(y);
}

static void test_from_container(void **state)
{
    struct bol_container c;
    struct bol_slot_box b;

    (void) state;
    memset(&c, 0, sizeof(c));
    snprintf(c.sizetype, sizeof(c.sizetype), "45R1");
    c.full = true;
    c.reefer_on = true;
    c.gross_kg = 27000;
    c.vgm_kg = 27500;
    c.ndg = 1;
    c.dg[0].cls.cls = 9;
    bol_slot_box_from_container(&c, &b);
    assert_int_equal(b.length, 40);
    assert_true(b.full);
    assert_true(b.reefer);
    assert_int_equal(b.mass_kg, 27500);
    assert_int_equal(b.weight, 4);
    assert_int_equal(b.ndg, 1);
    assert_int_equal(b.dg[0].cls, 9);
    assert_int_equal(bol_slot_weight_class(true, 10000), 1);
    assert_int_equal(bol_slot_weight_class(true, 10001), 2);
    assert_int_equal(bol_slot_weight_class(true, 18001), 3);
    assert_int_equal(bol_slot_weight_class(false, 30000), 0);
    assert_string_equal(bol_slot_term_names[BOL_SLOT_T_RESERVE], "reserve");
    assert_string_equal(bol_slot_rule_names[BOL_SLOT_R_SEGREGATION], "segregation");
    assert_null(bol_slot_rule_names[BOL_SLOT_RULES]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_yard_and_bad_request),
        cmocka_unit_test(test_builder),
        cmocka_unit_test(test_builder_out_of_memory),
        cmocka_unit_test(test_reefer_needs_plug),
        cmocka_unit_test(test_dg_only_where_allowed),
        cmocka_unit_test(test_forty_needs_a_pair),
        cmocka_unit_test(test_forty_on_forty),
        cmocka_unit_test(test_weight_tiers_empties),
        cmocka_unit_test(test_early_leaver_goes_on_top),
        cmocka_unit_test(test_same_vessel_groups),
        cmocka_unit_test(test_nearer_wins_and_ties),
        cmocka_unit_test(test_height_and_headroom),
        cmocka_unit_test(test_forty_twenty_mixing),
        cmocka_unit_test(test_from_container),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
