/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_rules.c - yard and vessel position rules, IMDG segregation
 *
 * The rules read the terminal through a struct bol_view; here the view is a
 * small in-memory world: a table of blocks and a table of containers with
 * their places.  Stacks and DG lists are computed from the places on every
 * call, so a test sets up a scene by placing boxes and asks the rules about
 * one more.  The segregation table is checked against a copy of the IMDG
 * 7.2.4 table kept here as text, parsed independently of rules.c.
 */
#include "testutil.h"

#include "domain.h"
#include "rules.h"
#include "view.h"

#define MAX_BLOCKS 8
#define MAX_BOXES  64

/* ---- the in-memory world ---- */

static struct {
    struct bol_block block[MAX_BLOCKS];
    unsigned nblock;
    struct bol_container box[MAX_BOXES];
    unsigned nbox;
    int block_err, stack_err, dg_err; /* when set, the callback fails with it */
    unsigned dg_calls;
} W;

static int w_exists(void *ctx, enum bol_view_thing what, const char *a, const char *b)
{
    (void) ctx;
    (void) what;
    (void) a;
    (void) b;
    return BOL_E_NOTFOUND;
}

static int w_container(void *ctx, const char *id, struct bol_container *out)
{
    (void) ctx;
    (void) id;
    (void) out;
    return BOL_E_NOTFOUND;
}

static int w_vessel(void *ctx, const char *imo, struct bol_vessel *out)
{
    (void) ctx;
    (void) imo;
    (void) out;
    return BOL_E_NOTFOUND;
}

static int w_visit(void *ctx, const char *id, struct bol_visit *out)
{
    (void) ctx;
    (void) id;
    (void) out;
    return BOL_E_NOTFOUND;
}

static int w_block(void *ctx, const char *terminal, const char *code, struct bol_block *out)
{
    unsigned i;

    (void) ctx;
    if (W.block_err)
        return W.block_err;
    for (i = 0; i < W.nblock; i++) {
        if (!strcmp(W.block[i].terminal, terminal) && !strcmp(W.block[i].code, code)) {
            *out = W.block[i];
            return 0;
        }
    }
    return BOL_E_NOTFOUND;
}

/* Does a box recorded at bay take the 20 ft position bay20? */
static bool covers(unsigned bay, unsigned bay20)
{
    if (bay % 2)
        return bay == bay20;
    return bay - 1 == bay20 || bay + 1 == bay20;
}

/* Insert by tier, lowest first. */
static int push_box(struct bol_view_box *out, unsigned max, unsigned *n,
                    const struct bol_container *c, unsigned tier, unsigned bay)
{
    unsigned k;

    if (*n == max)
        return BOL_E_TOOBIG;
    k = *n;
    while (k > 0 && out[k - 1].tier > tier) {
        out[k] = out[k - 1];
        k--;
    }
    memset(&out[k], 0, sizeof(out[k]));
    out[k].id = c->id;
    out[k].tier = (uint8_t) tier;
    out[k].length = bay % 2 ? 20 : 40;
    out[k].mass_kg = bol_container_mass_kg(c);
    (*n)++;
    return 0;
}

static int w_yard_stack(void *ctx, const char *terminal, const char *block, uint16_t bay20,
                        uint8_t row, struct bol_view_box *out, unsigned max, unsigned *n)
{
    unsigned i;
    int r;

    (void) ctx;
    if (W.stack_err)
        return W.stack_err;
    *n = 0;
    for (i = 0; i < W.nbox; i++) {
        const struct bol_container *c = &W.box[i];
        const struct bol_yard_addr *a = &c->place.yard;

        if (c->place.kind != BOL_PLACE_YARD || strcmp(a->terminal, terminal) ||
            strcmp(a->block, block) || a->row != row || !covers(a->bay, bay20))
            continue;
        r = push_box(out, max, n, c, a->tier, a->bay);
        if (r < 0)
            return r;
    }
    return 0;
}

static int w_yard_dg(void *ctx, const char *terminal, const char *block, struct bol_view_dg *out,
                     unsigned max, unsigned *n)
{
    unsigned i, j, k;

    (void) ctx;
    W.dg_calls++;
    if (W.dg_err)
        return W.dg_err;
    *n = 0;
    for (i = 0; i < W.nbox; i++) {
        const struct bol_container *c = &W.box[i];
        const struct bol_yard_addr *a = &c->place.yard;
        unsigned bay20[2], npos = 0;

        if (c->place.kind != BOL_PLACE_YARD || !c->ndg || strcmp(a->terminal, terminal) ||
            strcmp(a->block, block))
            continue;
        if (a->bay % 2) {
            bay20[npos++] = a->bay;
        } else {
            bay20[npos++] = a->bay - 1u;
            bay20[npos++] = a->bay + 1u;
        }
        for (j = 0; j < npos; j++) {
            struct bol_view_dg *e;

            if (*n == max)
                return BOL_E_TOOBIG;
            e = &out[(*n)++];
            memset(e, 0, sizeof(*e));
            e->id = c->id;
            e->bay20 = (uint16_t) bay20[j];
            e->row = a->row;
            e->tier = a->tier;
            e->ncls = c->ndg;
            for (k = 0; k < c->ndg; k++)
                e->cls[k] = c->dg[k].cls;
        }
    }
    return 0;
}

static int w_vessel_stack(void *ctx, const char *visit, uint16_t bay20, uint8_t row, bool deck,
                          uint8_t deck_tier_min, struct bol_view_box *out, unsigned max,
                          unsigned *n)
{
    unsigned i;
    int r;

    (void) ctx;
    if (W.stack_err)
        return W.stack_err;
    *n = 0;
    for (i = 0; i < W.nbox; i++) {
        const struct bol_container *c = &W.box[i];
        const struct bol_cell *cell = &c->place.cell;

        if (c->place.kind != BOL_PLACE_VESSEL || strcmp(c->place.visit, visit) ||
            cell->row != row || !covers(cell->bay, bay20) ||
            bol_cell_on_deck(cell, deck_tier_min) != deck)
            continue;
        r = push_box(out, max, n, c, cell->tier, cell->bay);
        if (r < 0)
            return r;
    }
    return 0;
}

static const struct bol_view V = {
    .ctx = NULL,
    .exists = w_exists,
    .container = w_container,
    .block = w_block,
    .yard_stack = w_yard_stack,
    .yard_dg = w_yard_dg,
    .vessel = w_vessel,
    .visit = w_visit,
    .vessel_stack = w_vessel_stack,
};

static struct bol_block *add_block(const char *code, enum bol_block_kind kind, unsigned bays,
                                   unsigned rows, unsigned tiers, uint32_t max_kg, unsigned sizes)
{
    struct bol_block *b = &W.block[W.nblock++];

    assert_true(W.nblock <= MAX_BLOCKS);
    memset(b, 0, sizeof(*b));
    snprintf(b->terminal, sizeof(b->terminal), "NCT1");
    snprintf(b->code, sizeof(b->code), "%s", code);
    b->kind = kind;
    b->bays = (uint16_t) bays;
    b->rows = (uint8_t) rows;
    b->tiers = (uint8_t) tiers;
    b->max_stack_kg = max_kg;
    b->sizes = sizes;
    return b;
}

static void add_zone(struct bol_block *b, unsigned bay_from, unsigned bay_to, unsigned row_from,
                     unsigned row_to, bool reefer, bool dg, uint32_t max_kg)
{
    struct bol_zone *z = &b->zones[b->nzones++];

    z->bay_from = (uint16_t) bay_from;
    z->bay_to = (uint16_t) bay_to;
    z->row_from = (uint8_t) row_from;
    z->row_to = (uint8_t) row_to;
    z->reefer = reefer;
    z->dg = dg;
    z->max_stack_kg = max_kg;
}

/* An ISO 6346 id with its check digit computed: owner "MSCU", serial 123456. */
static struct bol_container_id mkid(const char *owner, unsigned serial)
{
    struct bol_container_id id;
    char code[24];
    int cd;

    snprintf(code, sizeof(code), "%s%06u", owner, serial % 1000000u);
    assert_int_equal(strlen(code), 10);
    cd = bol_iso6346_check_digit(code);
    assert_true(cd >= 0 && cd <= 9);
    code[10] = (char) ('0' + cd);
    code[11] = '\0';
    assert_int_equal(bol_container_id_parse(S(code), &id, NULL), 0);
    return id;
}

/* A box in the table, not yet anywhere.  mass_kg is its VGM (0: none, then tare counts). */
static struct bol_container *box(const char *owner, unsigned serial, const char *sizetype,
                                 bool full, uint32_t mass_kg)
{
    struct bol_container *c = &W.box[W.nbox++];

    assert_true(W.nbox <= MAX_BOXES);
    memset(c, 0, sizeof(*c));
    c->id = mkid(owner, serial);
    c->check_digit_ok = true;
    snprintf(c->sizetype, sizeof(c->sizetype), "%s", sizetype);
    c->category = full ? BOL_CAT_EXPORT : BOL_CAT_EMPTY;
    c->full = full;
    c->tare_kg = 2200;
    c->vgm_kg = mass_kg;
    c->vgm_method = mass_kg ? BOL_VGM_SM1 : BOL_VGM_UNKNOWN;
    return c;
}

static struct bol_container *box20(unsigned serial, uint32_t mass_kg)
{
    return box("MSCU", serial, "22G1", true, mass_kg);
}

static struct bol_container *box40(unsigned serial, uint32_t mass_kg)
{
    return box("TGHU", serial, "45G1", true, mass_kg);
}

static void add_dg(struct bol_container *c, unsigned cls, unsigned division, char compat)
{
    struct bol_dg_line *l = &c->dg[c->ndg++];

    assert_true(c->ndg <= BOL_DG_MAX);
    l->un = 1203;
    l->cls.cls = (uint8_t) cls;
    l->cls.division = (uint8_t) division;
    l->cls.compat = compat;
}

static struct bol_yard_addr slot(const char *block, unsigned bay, unsigned row, unsigned tier)
{
    struct bol_yard_addr a;

    memset(&a, 0, sizeof(a));
    snprintf(a.terminal, sizeof(a.terminal), "NCT1");
    snprintf(a.block, sizeof(a.block), "%s", block);
    a.bay = (uint16_t) bay;
    a.row = (uint8_t) row;
    a.tier = (uint8_t) tier;
    a.level = BOL_YARD_SLOT;
    return a;
}

static struct bol_container *at_yard(struct bol_container *c, const char *block, unsigned bay,
                                     unsigned row, unsigned tier)
{
    memset(&c->place, 0, sizeof(c->place));
    c->place.kind = BOL_PLACE_YARD;
    snprintf(c->place.terminal, sizeof(c->place.terminal), "NCT1");
    c->place.yard = slot(block, bay, row, tier);
    return c;
}

static struct bol_cell cell(unsigned bay, unsigned row, unsigned tier)
{
    struct bol_cell x = { (uint16_t) bay, (uint8_t) row, (uint8_t) tier };

    return x;
}

static struct bol_container *at_vessel(struct bol_container *c, const char *visit, unsigned bay,
                                       unsigned row, unsigned tier)
{
    memset(&c->place, 0, sizeof(c->place));
    c->place.kind = BOL_PLACE_VESSEL;
    snprintf(c->place.terminal, sizeof(c->place.terminal), "NCT1");
    snprintf(c->place.visit, sizeof(c->place.visit), "%s", visit);
    c->place.cell = cell(bay, row, tier);
    return c;
}

/* Vessel V1: even tiers, hold 02..18, deck 82..92, reefer plugs on deck in bays 01..20. */
static struct bol_vessel vessel_even(void)
{
    struct bol_vessel v;

    memset(&v, 0, sizeof(v));
    snprintf(v.imo, sizeof(v.imo), "9321483");
    snprintf(v.name, sizeof(v.name), "EVEN TIER");
    v.profile.frame = (struct bol_cell_frame){ 40, 6, 6, true, 18, 82, 92, false };
    v.profile.max_stack_kg_hold = 100000;
    v.profile.max_stack_kg_deck = 60000;
    v.profile.nreefer = 1;
    v.profile.reefer[0].bay_from = 1;
    v.profile.reefer[0].bay_to = 20;
    v.profile.reefer[0].tier_from = 82;
    v.profile.reefer[0].tier_to = 92;
    return v;
}

/* Vessel V2: odd and even tiers, hold 01..09, deck 71..79. */
static struct bol_vessel vessel_odd(void)
{
    struct bol_vessel v;

    memset(&v, 0, sizeof(v));
    snprintf(v.imo, sizeof(v.imo), "9074729");
    snprintf(v.name, sizeof(v.name), "ODD TIER");
    v.profile.frame = (struct bol_cell_frame){ 20, 4, 4, true, 9, 71, 79, true };
    v.profile.max_stack_kg_hold = 100000;
    v.profile.max_stack_kg_deck = 60000;
    return v;
}

static struct bol_visit visit_of(const char *id)
{
    struct bol_visit v;

    memset(&v, 0, sizeof(v));
    snprintf(v.id, sizeof(v.id), "%s", id);
    snprintf(v.terminal, sizeof(v.terminal), "NCT1");
    v.phase = BOL_PHASE_WORKING;
    return v;
}

/*
 * The standard scene:
 *   3C  RTG, 10 bays (20 ft bays 1..19), 6 rows, 4 tiers, 100 t, 20 and 40 ft;
 *       reefer plugs in bays 17..19, DG allowed at bays 1..3 row 1,
 *       50 t limit at bay 13 row 6
 *   T1  20 ft only; R1 reefer block, 40 ft only; E1 empties only
 *   D1, D2  DG blocks, 20 bays (1..39), 8 rows, 3 tiers
 */
static int setup(void **state)
{
    struct bol_block *b;

    (void) state;
    memset(&W, 0, sizeof(W));
    b = add_block("3C", BOL_BLOCK_RTG, 10, 6, 4, 100000, BOL_SIZE_20 | BOL_SIZE_40);
    add_zone(b, 17, 19, 1, 6, true, false, 0);
    add_zone(b, 1, 3, 1, 1, false, true, 0);
    add_zone(b, 13, 13, 6, 6, false, false, 50000);
    add_block("T1", BOL_BLOCK_RTG, 5, 4, 4, 100000, BOL_SIZE_20);
    add_block("R1", BOL_BLOCK_REEFER, 5, 4, 3, 100000, BOL_SIZE_40);
    add_block("E1", BOL_BLOCK_EMPTY, 5, 4, 6, 100000, BOL_SIZE_20 | BOL_SIZE_40);
    add_block("D1", BOL_BLOCK_DG, 20, 8, 3, 100000, BOL_SIZE_20 | BOL_SIZE_40);
    add_block("D2", BOL_BLOCK_DG, 20, 8, 3, 100000, BOL_SIZE_20 | BOL_SIZE_40);
    test_mem_fail_after(-1);
    return 0;
}

/* ---- checking results ---- */

static void check_(int line, int got, const struct bol_diag *d, int code, const char *field,
                   const char *msg)
{
    if (got != code)
        fail_msg("line %d: got %s (%s: %s), expected %s", line, bol_errname(got), d->field, d->msg,
                 bol_errname(code));
    if (!code)
        return;
    if (d->code != code)
        fail_msg("line %d: diag code %s, expected %s", line, bol_errname(d->code),
                 bol_errname(code));
    if (strcmp(d->field, field))
        fail_msg("line %d: field '%s', expected '%s' (%s)", line, d->field, field, d->msg);
    if (!d->msg[0])
        fail_msg("line %d: no message", line);
    if (msg && strcmp(d->msg, msg))
        fail_msg("line %d: message\n  '%s'\nexpected\n  '%s'", line, d->msg, msg);
}

#define YPUT(c, to, code, field, msg)                                                              \
    do {                                                                                           \
        struct bol_diag d_;                                                                        \
        struct bol_yard_addr to_ = (to);                                                           \
        bol_diag_init(&d_);                                                                        \
        check_(__LINE__, bol_rules_yard_put(&V, (c), &to_, &d_), &d_, (code), (field), (msg));     \
    } while (0)

#define YTAKE(c, code, field, msg)                                                                 \
    do {                                                                                           \
        struct bol_diag d_;                                                                        \
        bol_diag_init(&d_);                                                                        \
        check_(__LINE__, bol_rules_yard_take(&V, (c), &d_), &d_, (code), (field), (msg));          \
    } while (0)

#define VPUT(c, visit, vessel, cl, code, field, msg)                                               \
    do {                                                                                           \
        struct bol_diag d_;                                                                        \
        struct bol_visit vi_ = visit_of(visit);                                                    \
        struct bol_cell cl_ = (cl);                                                                \
        bol_diag_init(&d_);                                                                        \
        check_(__LINE__, bol_rules_vessel_put(&V, (c), &vi_, (vessel), &cl_, &d_), &d_, (code),    \
               (field), (msg));                                                                    \
    } while (0)

#define VTAKE(c, vessel, code, field, msg)                                                         \
    do {                                                                                           \
        struct bol_diag d_;                                                                        \
        bol_diag_init(&d_);                                                                        \
        check_(__LINE__, bol_rules_vessel_take(&V, (c), (vessel), &d_), &d_, (code), (field),      \
               (msg));                                                                             \
    } while (0)

#define OK 0

/* ---- IMDG segregation ---- */

/* IMDG Code 7.2.4, as published, rows and columns in the same order. */
static const char *const imdg_table[] = {
    "1.1  *  *  *  4 2 2 4 4 4 4 4 4 2 4 2 4 X", "1.3  *  *  *  4 2 2 4 3 3 4 4 4 2 4 2 2 X",
    "1.4  *  *  *  2 1 1 2 2 2 2 2 2 X 4 2 2 X", "2.1  4  4  2  X X X 2 1 2 2 2 2 X 4 2 1 X",
    "2.2  2  2  1  X X X 1 X 1 X X 1 X 2 1 X X", "2.3  2  2  1  X X X 2 X 2 X X 2 X 2 1 X X",
    "3    4  4  2  2 1 2 X X 2 2 2 2 X 3 2 X X", "4.1  4  3  2  1 X X X X 1 X 1 2 X 3 2 1 X",
    "4.2  4  3  2  2 1 2 2 1 X 1 2 2 1 3 2 1 X", "4.3  4  4  2  2 X X 2 X 1 X 2 2 X 2 2 1 X",
    "5.1  4  4  2  2 X X 2 1 2 2 X 2 1 3 1 2 X", "5.2  4  4  2  2 1 2 2 2 2 2 2 X 1 3 2 2 X",
    "6.1  2  2  X  X X X X X 1 X 1 1 X 1 X X X", "6.2  4  4  4  4 2 2 3 3 3 2 3 3 1 X 3 3 X",
    "7    2  2  2  2 1 1 2 2 2 2 1 2 X 3 X 2 X", "8    4  2  2  1 X X X 1 1 1 2 2 X 3 2 X X",
    "9    X  X  X  X X X X X X X X X X X X X X",
};

#define NGROUPS 17

static void parse_imdg_table(int out[NGROUPS][NGROUPS])
{
    unsigned i, j;

    assert_int_equal(BOL_ARRAY_SIZE(imdg_table), NGROUPS);
    for (i = 0; i < NGROUPS; i++) {
        const char *p = strchr(imdg_table[i], ' ');

        assert_non_null(p);
        for (j = 0; j < NGROUPS; j++) {
            while (*p == ' ')
                p++;
            if (*p == 'X')
                out[i][j] = 0;
            else if (*p == '*')
                out[i][j] = -1;
            else if (*p >= '1' && *p <= '4')
                out[i][j] = *p - '0';
            else
                fail_msg("bad table cell '%c' in row %u", *p, i);
            p++;
        }
        while (*p == ' ')
            p++;
        assert_int_equal(*p, '\0');
    }
}

/* Every class and division the Code has, with its table group. */
static const struct {
    struct bol_imdg_class k;
    unsigned group;
} imdg_classes[] = {
    { { 1, 1, 'A' }, 0 }, { { 1, 2, 'B' }, 0 }, { { 1, 5, 'D' }, 0 }, { { 1, 3, 'C' }, 1 },
    { { 1, 6, 'N' }, 1 }, { { 1, 4, 'S' }, 2 }, { { 1, 4, 0 }, 2 },   { { 2, 1, 0 }, 3 },
    { { 2, 2, 0 }, 4 },   { { 2, 3, 0 }, 5 },   { { 3, 0, 0 }, 6 },   { { 4, 1, 0 }, 7 },
    { { 4, 2, 0 }, 8 },   { { 4, 3, 0 }, 9 },   { { 5, 1, 0 }, 10 },  { { 5, 2, 0 }, 11 },
    { { 6, 1, 0 }, 12 },  { { 6, 2, 0 }, 13 },  { { 7, 0, 0 }, 14 },  { { 8, 0, 0 }, 15 },
    { { 9, 0, 0 }, 16 },
};

static void test_segregation_matches_table(void **state)
{
    int t[NGROUPS][NGROUPS];
    unsigned i, j;

    (void) state;
    parse_imdg_table(t);
    for (i = 0; i < BOL_ARRAY_SIZE(imdg_classes); i++) {
        for (j = 0; j < BOL_ARRAY_SIZE(imdg_classes); j++) {
            int want = t[imdg_classes[i].group][imdg_classes[j].group];
            int got = bol_imdg_segregation(&imdg_classes[i].k, &imdg_classes[j].k);

            if (got != want)
                fail_msg("classes %u.%u and %u.%u: got %d, expected %d", imdg_classes[i].k.cls,
                         imdg_classes[i].k.division, imdg_classes[j].k.cls,
                         imdg_classes[j].k.division, got, want);
        }
    }
}

static void test_segregation_symmetric(void **state)
{
    unsigned a, ad, b, bd;

    (void) state;
    /* All pairs, including combinations the Code does not have. */
    for (a = 0; a <= 10; a++) {
        for (ad = 0; ad <= 7; ad++) {
            for (b = 0; b <= 10; b++) {
                for (bd = 0; bd <= 7; bd++) {
                    struct bol_imdg_class x = { (uint8_t) a, (uint8_t) ad, 0 };
                    struct bol_imdg_class y = { (uint8_t) b, (uint8_t) bd, 0 };
                    int s = bol_imdg_segregation(&x, &y);

                    assert_int_equal(s, bol_imdg_segregation(&y, &x));
                    assert_true(s >= -1 && s <= 4);
                }
            }
        }
    }
}

static int seg(unsigned a, unsigned ad, unsigned b, unsigned bd)
{
    struct bol_imdg_class x = { (uint8_t) a, (uint8_t) ad, 0 };
    struct bol_imdg_class y = { (uint8_t) b, (uint8_t) bd, 0 };

    return bol_imdg_segregation(&x, &y);
}

static void test_segregation_spot_values(void **state)
{
    struct bol_imdg_class k14s = { 1, 4, 'S' }, k3 = { 3, 0, 0 };

    (void) state;
    assert_int_equal(seg(3, 0, 5, 1), 2); /* flammable liquid / oxidizer: separated from */
    assert_int_equal(seg(5, 1, 3, 0), 2);
    assert_int_equal(seg(1, 1, 3, 0), 4); /* explosives / flammable liquid */
    assert_int_equal(seg(4, 1, 6, 2), 3); /* flammable solid / infectious */
    assert_int_equal(seg(3, 0, 2, 2), 1); /* flammable liquid / non-flammable gas */
    assert_int_equal(seg(3, 0, 3, 0), 0);
    assert_int_equal(seg(1, 4, 1, 1), -1); /* class 1 with class 1 */
    assert_int_equal(seg(1, 6, 1, 5), -1);
    assert_int_equal(seg(1, 3, 4, 1), 3);
    assert_int_equal(seg(1, 1, 4, 1), 4);
    assert_int_equal(seg(1, 4, 6, 1), 0);
    assert_int_equal(seg(1, 4, 6, 2), 4);
    assert_int_equal(seg(1, 2, 8, 0), 4);
    assert_int_equal(seg(1, 6, 8, 0), 2);
    assert_int_equal(seg(6, 1, 4, 2), 1);
    assert_int_equal(seg(6, 1, 6, 1), 0);
    assert_int_equal(seg(6, 2, 6, 2), 0);
    assert_int_equal(seg(7, 0, 6, 2), 3);
    assert_int_equal(seg(7, 0, 5, 1), 1);
    assert_int_equal(seg(8, 0, 2, 1), 1);
    assert_int_equal(seg(4, 3, 5, 2), 2);
    assert_int_equal(seg(9, 0, 1, 1), 0);
    assert_int_equal(seg(9, 0, 6, 2), 0);
    /* The compatibility group does not change the table value. */
    assert_int_equal(bol_imdg_segregation(&k14s, &k3), 2);
    /* Unknown combinations: no segregation. */
    assert_int_equal(seg(2, 0, 1, 1), 0); /* class 2 without a division */
    assert_int_equal(seg(4, 0, 5, 1), 0);
    assert_int_equal(seg(5, 0, 3, 0), 0);
    assert_int_equal(seg(6, 0, 1, 1), 0);
    assert_int_equal(seg(3, 1, 5, 1), 0); /* class 3 has no divisions */
    assert_int_equal(seg(1, 7, 3, 0), 0);
    assert_int_equal(seg(1, 0, 3, 0), 0);
    assert_int_equal(seg(2, 4, 3, 0), 0);
    assert_int_equal(seg(0, 0, 3, 0), 0);
    assert_int_equal(seg(10, 0, 1, 1), 0);
}

/* ---- yard positions ---- */

static void test_yard_positions(void **state)
{
    uint16_t b[2] = { 77, 77 };
    unsigned n = 9;
    struct bol_diag d;

    (void) state;
    assert_int_equal(bol_yard_positions(1, 20, b, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(b[0], 1);
    assert_int_equal(bol_yard_positions(13, 20, b, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(b[0], 13);
    assert_int_equal(bol_yard_positions(2, 40, b, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_int_equal(b[0], 1);
    assert_int_equal(b[1], 3);
    assert_int_equal(bol_yard_positions(998, 40, b, &n, NULL), 0);
    assert_int_equal(b[0], 997);
    assert_int_equal(b[1], 999);

    b[0] = b[1] = 77;
    n = 9;
    bol_diag_init(&d);
    assert_int_equal(bol_yard_positions(2, 20, b, &n, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "bay");
    assert_string_equal(d.msg, "a 20 ft box needs an odd bay, got 002");
    bol_diag_init(&d);
    assert_int_equal(bol_yard_positions(0, 20, b, &n, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "bay");
    bol_diag_init(&d);
    assert_int_equal(bol_yard_positions(3, 40, b, &n, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "bay");
    assert_string_equal(d.msg, "a 40 ft box needs an even bay, got 003");
    bol_diag_init(&d);
    assert_int_equal(bol_yard_positions(0, 40, b, &n, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "bay");
    bol_diag_init(&d);
    assert_int_equal(bol_yard_positions(2, 45, b, &n, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "bay");
    assert_int_equal(bol_yard_positions(1, 0, b, &n, NULL), BOL_E_INVAL);
    /* Outputs untouched on failure. */
    assert_int_equal(b[0], 77);
    assert_int_equal(b[1], 77);
    assert_int_equal(n, 9);
}

/* ---- yard put ---- */

static void test_yard_put_block(void **state)
{
    struct bol_container *c = box20(123456, 20000);

    (void) state;
    YPUT(c, slot("3C", 1, 1, 1), OK, NULL, NULL);
    YPUT(c, slot("ZZ", 1, 1, 1), BOL_E_INVAL, "to", "no block ZZ in terminal NCT1");
    YPUT(c, slot("3C", 1, 1, 1), OK, NULL, NULL);
    {
        struct bol_yard_addr to = slot("3C", 1, 1, 1);

        snprintf(to.terminal, sizeof(to.terminal), "XYZ");
        YPUT(c, to, BOL_E_INVAL, "to", "no block 3C in terminal XYZ");
    }
    /* Other view errors pass through unchanged. */
    W.block_err = BOL_E_STORE_BUSY;
    YPUT(c, slot("3C", 1, 1, 1), BOL_E_STORE_BUSY, "to", NULL);
    W.block_err = BOL_E_IO;
    YPUT(c, slot("3C", 1, 1, 1), BOL_E_IO, "to", NULL);
    W.block_err = 0;
    W.stack_err = BOL_E_STORE_BUSY;
    YPUT(c, slot("3C", 1, 1, 1), BOL_E_STORE_BUSY, "to", NULL);
    /* A view that does not know a stack: empty. */
    W.stack_err = BOL_E_NOTFOUND;
    YPUT(c, slot("3C", 1, 1, 1), OK, NULL, NULL);
    YPUT(c, slot("3C", 1, 1, 2), BOL_E_INVAL, "to", NULL);
}

static void test_yard_put_length_and_bay(void **state)
{
    struct bol_container *c20 = box20(100001, 20000);
    struct bol_container *c40 = box40(100002, 30000);
    struct bol_container *c45 = box("CMAU", 100003, "L5G1", true, 30000);
    struct bol_container *c53 = box("CMAU", 100004, "P5G1", true, 30000);
    struct bol_container *cxx = box("CMAU", 100005, "Q9Z9", true, 30000);

    (void) state;
    YPUT(c53, slot("3C", 2, 1, 1), BOL_E_INVAL, "to", NULL);
    YPUT(c53, slot("3C", 1, 1, 1), BOL_E_INVAL, "to", NULL);
    YPUT(cxx, slot("3C", 1, 1, 1), BOL_E_INVAL, "to", NULL);
    YPUT(c20, slot("3C", 2, 1, 1), BOL_E_INVAL, "to", NULL);
    YPUT(c20, slot("3C", 0, 1, 1), BOL_E_INVAL, "to", NULL);
    YPUT(c40, slot("3C", 3, 1, 1), BOL_E_INVAL, "to", NULL);
    YPUT(c40, slot("3C", 0, 1, 1), BOL_E_INVAL, "to", NULL);
    YPUT(c20, slot("3C", 1, 1, 1), OK, NULL, NULL);
    YPUT(c40, slot("3C", 2, 1, 1), OK, NULL, NULL);
    YPUT(c45, slot("3C", 2, 1, 1), OK, NULL, NULL); /* 45 ft takes a 40 ft bay */
    YPUT(c45, slot("3C", 3, 1, 1), BOL_E_INVAL, "to", NULL);
}

static void test_yard_put_bounds(void **state)
{
    struct bol_container *c20 = box20(100001, 20000);
    struct bol_container *c40 = box40(100002, 30000);

    (void) state;
    /* 3C: 20 ft bays 1..19, rows 1..6, tiers 1..4 */
    YPUT(c20, slot("3C", 19, 1, 1), OK, NULL, NULL);
    YPUT(c20, slot("3C", 21, 1, 1), BOL_E_INVAL, "to",
         "bay 021 is outside block 3C (20 ft bays 001..019)");
    YPUT(c40, slot("3C", 18, 1, 1), OK, NULL, NULL);
    YPUT(c40, slot("3C", 20, 1, 1), BOL_E_INVAL, "to",
         "bay 021 is outside block 3C (20 ft bays 001..019)");
    YPUT(c20, slot("3C", 5, 6, 1), OK, NULL, NULL);
    YPUT(c20, slot("3C", 5, 0, 1), BOL_E_INVAL, "to", NULL);
    YPUT(c20, slot("3C", 5, 7, 1), BOL_E_INVAL, "to", "row 07 is outside block 3C (rows 01..06)");
    YPUT(c20, slot("3C", 5, 1, 0), BOL_E_INVAL, "to", NULL);
    YPUT(c20, slot("3C", 5, 1, 5), BOL_E_INVAL, "to", "tier 5 is outside block 3C (tiers 1..4)");
    at_yard(box20(1, 10000), "3C", 5, 1, 1);
    at_yard(box20(2, 10000), "3C", 5, 1, 2);
    at_yard(box20(3, 10000), "3C", 5, 1, 3);
    YPUT(c20, slot("3C", 5, 1, 4), OK, NULL, NULL);
}

static void test_yard_put_sizes(void **state)
{
    struct bol_container *c20 = box20(100001, 20000);
    struct bol_container *c40 = box40(100002, 30000);

    (void) state;
    YPUT(c20, slot("T1", 1, 1, 1), OK, NULL, NULL);
    YPUT(c40, slot("T1", 2, 1, 1), BOL_E_INVAL, "to", "stack NCT1/T1/001/01 takes no 40 ft boxes");
    YPUT(c40, slot("R1", 2, 1, 1), OK, NULL, NULL);
    YPUT(c20, slot("R1", 1, 1, 1), BOL_E_INVAL, "to", "stack NCT1/R1/001/01 takes no 20 ft boxes");
}

static void test_yard_put_empties_only(void **state)
{
    struct bol_container *full = box20(100001, 20000);
    struct bol_container *empty = box("MSCU", 100002, "22G1", false, 0);
    struct bol_container *empty40 = box("TGHU", 100003, "45R1", false, 0);

    (void) state;
    YPUT(full, slot("E1", 1, 1, 1), BOL_E_INVAL, "to", NULL);
    YPUT(empty, slot("E1", 1, 1, 1), OK, NULL, NULL);
    YPUT(empty40, slot("E1", 2, 1, 1), OK, NULL, NULL);
    /* Empties go elsewhere too. */
    YPUT(empty, slot("3C", 1, 1, 1), OK, NULL, NULL);
}

static void test_yard_put_reefer(void **state)
{
    struct bol_container *r20 = box("MSCU", 100001, "22R1", true, 20000);
    struct bol_container *r40 = box("TGHU", 100002, "45R1", true, 28000);
    struct bol_container *off = box("MSCU", 100003, "22R1", true, 20000);
    struct bol_container *empty = box("MSCU", 100004, "22R1", false, 0);
    char msg[200];

    (void) state;
    r20->reefer_on = true;
    r40->reefer_on = true;
    empty->reefer_on = true;
    snprintf(msg, sizeof(msg), "%s is a running reefer and stack NCT1/3C/001/01 has no reefer plug",
             r20->id.s);
    YPUT(r20, slot("3C", 1, 1, 1), BOL_E_INVAL, "to", msg);
    YPUT(r20, slot("3C", 17, 1, 1), OK, NULL, NULL);
    YPUT(r20, slot("3C", 19, 6, 1), OK, NULL, NULL);
    YPUT(r20, slot("3C", 15, 6, 1), BOL_E_INVAL, "to", NULL);
    /* A 40 ft reefer needs plugs on both positions. */
    YPUT(r40, slot("3C", 18, 2, 1), OK, NULL, NULL);
    YPUT(r40, slot("3C", 16, 2, 1), BOL_E_INVAL, "to", NULL);
    YPUT(r40, slot("R1", 2, 1, 1), OK, NULL, NULL);
    /* Not running, or not full: no plug needed. */
    YPUT(off, slot("3C", 1, 1, 1), OK, NULL, NULL);
    YPUT(empty, slot("3C", 1, 1, 1), OK, NULL, NULL);
}

static void test_yard_put_dg_zone(void **state)
{
    struct bol_container *d20 = box20(100001, 20000);
    struct bol_container *d40 = box40(100002, 30000);
    struct bol_container *plain = box20(100003, 20000);
    char msg[200];

    (void) state;
    add_dg(d20, 3, 0, 0);
    add_dg(d40, 8, 0, 0);
    /* 3C allows DG at bays 1..3 row 1 only. */
    YPUT(d20, slot("3C", 1, 1, 1), OK, NULL, NULL);
    YPUT(d20, slot("3C", 3, 1, 1), OK, NULL, NULL);
    snprintf(msg, sizeof(msg),
             "%s carries dangerous goods and stack NCT1/3C/005/01 is not in a DG zone", d20->id.s);
    YPUT(d20, slot("3C", 5, 1, 1), BOL_E_INVAL, "to", msg);
    YPUT(d20, slot("3C", 1, 2, 1), BOL_E_INVAL, "to", NULL);
    YPUT(d40, slot("3C", 2, 1, 1), OK, NULL, NULL);
    YPUT(d40, slot("3C", 4, 1, 1), BOL_E_INVAL, "to", NULL);
    YPUT(d20, slot("D1", 1, 1, 1), OK, NULL, NULL);
    YPUT(d20, slot("T1", 1, 1, 1), BOL_E_INVAL, "to", NULL);
    YPUT(plain, slot("3C", 1, 1, 1), OK, NULL, NULL);
    YPUT(plain, slot("D1", 1, 1, 1), OK, NULL, NULL);
}

static void test_yard_put_taken(void **state)
{
    struct bol_container *a = at_yard(box20(1, 20000), "3C", 1, 1, 1);
    struct bol_container *a2 = at_yard(box20(2, 20000), "3C", 1, 1, 2);
    struct bol_container *g = at_yard(box20(3, 20000), "3C", 5, 1, 2); /* a gap below */
    struct bol_container *c = box20(100001, 20000);
    struct bol_container *c40 = box40(100002, 30000);
    char msg[200];

    (void) state;
    snprintf(msg, sizeof(msg), "slot NCT1/3C/001/01/1 is taken by %s", a->id.s);
    YPUT(c, slot("3C", 1, 1, 1), BOL_E_CONFLICT, "to", msg);
    snprintf(msg, sizeof(msg), "slot NCT1/3C/001/01/2 is taken by %s", a2->id.s);
    YPUT(c, slot("3C", 1, 1, 2), BOL_E_CONFLICT, "to", msg);
    YPUT(c, slot("3C", 1, 1, 3), OK, NULL, NULL);
    YPUT(c, slot("3C", 1, 2, 1), OK, NULL, NULL);
    YPUT(c, slot("3C", 3, 1, 1), OK, NULL, NULL);
    snprintf(msg, sizeof(msg), "slot NCT1/3C/005/01/1 is under %s at tier 2", g->id.s);
    YPUT(c, slot("3C", 5, 1, 1), BOL_E_CONFLICT, "to", msg);
    /* A 40 ft box is refused when either position is taken. */
    snprintf(msg, sizeof(msg), "slot NCT1/3C/002/01/1 is taken by %s", a->id.s);
    YPUT(c40, slot("3C", 2, 1, 1), BOL_E_CONFLICT, "to", msg);
    YPUT(c40, slot("3C", 4, 1, 1), BOL_E_CONFLICT, "to", NULL);
    YPUT(c40, slot("3C", 6, 1, 1), BOL_E_CONFLICT, "to", NULL);
    YPUT(c40, slot("3C", 8, 1, 1), OK, NULL, NULL);
    /* Taken is reported before floating. */
    YPUT(c40, slot("3C", 4, 1, 2), BOL_E_CONFLICT, "to", NULL);
}

static void test_yard_put_floating(void **state)
{
    struct bol_container *c = box20(100001, 20000);
    struct bol_container *c40 = box40(100002, 30000);
    struct bol_container *l40 = at_yard(box40(1, 30000), "3C", 8, 1, 1);
    struct bol_container *a = at_yard(box20(2, 20000), "3C", 11, 1, 1);
    struct bol_container *b = at_yard(box20(3, 20000), "3C", 13, 1, 1);
    struct bol_container *l4 = at_yard(box40(4, 30000), "3C", 4, 2, 1);
    struct bol_container *l8 = at_yard(box40(5, 30000), "3C", 8, 2, 1);
    char msg[200];

    (void) state;
    (void) b;
    YPUT(c, slot("3C", 7, 3, 2), BOL_E_INVAL, "to",
         "tier 2 would float: the stack at NCT1/3C/007/03 is 0 high");
    YPUT(c, slot("3C", 11, 1, 3), BOL_E_INVAL, "to",
         "tier 3 would float: the stack at NCT1/3C/011/01 is 1 high");
    YPUT(c, slot("3C", 11, 1, 2), OK, NULL, NULL);
    /* 20 on 40, and 40 on two 20s, are refused. */
    snprintf(msg, sizeof(msg), "%s is 20 ft and cannot stand on %s (40 ft) in stack NCT1/3C/007/01",
             c->id.s, l40->id.s);
    YPUT(c, slot("3C", 7, 1, 2), BOL_E_INVAL, "to", msg);
    snprintf(msg, sizeof(msg), "%s is 40 ft and cannot stand on %s (20 ft) in stack NCT1/3C/011/01",
             c40->id.s, a->id.s);
    YPUT(c40, slot("3C", 12, 1, 2), BOL_E_INVAL, "to", msg);
    /* 40 on 40. */
    YPUT(c40, slot("3C", 8, 1, 2), OK, NULL, NULL);
    YPUT(c40, slot("3C", 8, 1, 3), BOL_E_INVAL, "to", NULL);
    /* 40 ft held up by a 40 on one side and a 20 on the other. */
    snprintf(msg, sizeof(msg), "%s is 40 ft and cannot stand on %s (20 ft) in stack NCT1/3C/011/01",
             c40->id.s, a->id.s);
    YPUT(c40, slot("3C", 10, 1, 2), BOL_E_INVAL, "to", msg);
    /* 40 ft with only one side held up, either side. */
    YPUT(c40, slot("3C", 6, 1, 2), BOL_E_INVAL, "to",
         "tier 2 would float: the stack at NCT1/3C/005/01 is 0 high");
    at_yard(box40(6, 30000), "3C", 4, 3, 1);
    YPUT(c40, slot("3C", 6, 3, 2), BOL_E_INVAL, "to",
         "tier 2 would float: the stack at NCT1/3C/007/03 is 0 high");
    /* 40 ft across two 40 ft boxes: both positions held up, but not by one box. */
    snprintf(msg, sizeof(msg), "%s would straddle %s and %s at NCT1/3C/006/02/2", c40->id.s,
             l4->id.s, l8->id.s);
    YPUT(c40, slot("3C", 6, 2, 2), BOL_E_INVAL, "to", msg);
    YPUT(c40, slot("3C", 4, 2, 2), OK, NULL, NULL);
    YPUT(c40, slot("3C", 8, 2, 2), OK, NULL, NULL);
}

static void test_yard_put_ignores_itself(void **state)
{
    struct bol_container *a = at_yard(box20(1, 20000), "3C", 1, 1, 1);
    struct bol_container *c = at_yard(box20(100001, 30000), "3C", 1, 1, 2);
    struct bol_container *u = at_yard(box20(100002, 30000), "3C", 3, 1, 1);
    struct bol_container *over = at_yard(box20(2, 20000), "3C", 3, 1, 2);
    struct bol_container *h = at_yard(box40(100003, 60000), "3C", 10, 2, 1);
    char msg[200];

    (void) state;
    (void) a;
    /* Put back where it is: fine. */
    YPUT(c, slot("3C", 1, 1, 2), OK, NULL, NULL);
    /* One higher in its own stack: it is lifted first, so tier 3 floats. */
    YPUT(c, slot("3C", 1, 1, 3), BOL_E_INVAL, "to",
         "tier 3 would float: the stack at NCT1/3C/001/01 is 1 high");
    /* Down to the ground of another stack. */
    YPUT(c, slot("3C", 5, 1, 1), OK, NULL, NULL);
    /* A box under another cannot be put back under it. */
    snprintf(msg, sizeof(msg), "slot NCT1/3C/003/01/1 is under %s at tier 2", over->id.s);
    YPUT(u, slot("3C", 3, 1, 1), BOL_E_CONFLICT, "to", msg);
    /* Its own mass is not counted twice: half of it on each position, 100 t limit. */
    h->vgm_kg = 100000;
    YPUT(h, slot("3C", 10, 2, 1), OK, NULL, NULL);
    h->vgm_kg = 200000;
    YPUT(h, slot("3C", 10, 2, 1), OK, NULL, NULL);
    h->vgm_kg = 200002;
    YPUT(h, slot("3C", 10, 2, 1), BOL_E_INVAL, "to",
         "stack NCT1/3C/009/02 would weigh 100001 kg, limit 100000");
}

static void test_yard_put_weight(void **state)
{
    struct bol_container *c = box20(100001, 25000);
    struct bol_container *c40 = box40(100002, 50000);
    struct bol_container *g = box20(100003, 0);
    unsigned t;

    (void) state;
    for (t = 1; t <= 3; t++) {
        at_yard(box20(t, 25000), "3C", 9, 3, t);
        at_yard(box40(10 + t, 50000), "3C", 10, 4, t);
    }
    /* 3 x 25 t + c */
    YPUT(c, slot("3C", 9, 3, 4), OK, NULL, NULL);
    c->vgm_kg = 25001;
    YPUT(c, slot("3C", 9, 3, 4), BOL_E_INVAL, "to",
         "stack NCT1/3C/009/03 would weigh 100001 kg, limit 100000");
    /* VGM unknown: gross counts, then tare. */
    g->gross_kg = 25000;
    YPUT(g, slot("3C", 9, 3, 4), OK, NULL, NULL);
    g->gross_kg = 25001;
    YPUT(g, slot("3C", 9, 3, 4), BOL_E_INVAL, "to", NULL);
    g->gross_kg = 0;
    YPUT(g, slot("3C", 9, 3, 4), OK, NULL, NULL);
    /* 40 ft: 3 x 25 t on each position, plus half of c40. */
    YPUT(c40, slot("3C", 10, 4, 4), OK, NULL, NULL);
    c40->vgm_kg = 50001; /* 100000.5 kg: over */
    YPUT(c40, slot("3C", 10, 4, 4), BOL_E_INVAL, "to",
         "stack NCT1/3C/009/04 would weigh 100001 kg, limit 100000");
    c40->vgm_kg = 50002;
    YPUT(c40, slot("3C", 10, 4, 4), BOL_E_INVAL, "to", NULL);
    /* A zone's own limit: 50 t at bay 13 row 6. */
    c->vgm_kg = 50000;
    YPUT(c, slot("3C", 13, 6, 1), OK, NULL, NULL);
    c->vgm_kg = 50001;
    YPUT(c, slot("3C", 13, 6, 1), BOL_E_INVAL, "to",
         "stack NCT1/3C/013/06 would weigh 50001 kg, limit 50000");
    YPUT(c, slot("3C", 11, 6, 1), OK, NULL, NULL);
    /* A 40 ft box half in that zone. */
    c40->vgm_kg = 100000;
    YPUT(c40, slot("3C", 12, 6, 1), OK, NULL, NULL);
    YPUT(c40, slot("3C", 14, 6, 1), OK, NULL, NULL);
    c40->vgm_kg = 100002;
    YPUT(c40, slot("3C", 12, 6, 1), BOL_E_INVAL, "to",
         "stack NCT1/3C/013/06 would weigh 50001 kg, limit 50000");
    YPUT(c40, slot("3C", 14, 6, 1), BOL_E_INVAL, "to", NULL);
    YPUT(c40, slot("3C", 10, 6, 1), OK, NULL, NULL);
}

/* A DG box placed in a block. */
static struct bol_container *dg_at(const char *owner, unsigned serial, const char *sizetype,
                                   const char *block, unsigned bay, unsigned row, unsigned tier,
                                   unsigned cls, unsigned division)
{
    struct bol_container *c = box(owner, serial, sizetype, true, 20000);

    add_dg(c, cls, division, cls == 1 ? 'D' : 0);
    return at_yard(c, block, bay, row, tier);
}

static void test_yard_dg_none_and_class1(void **state)
{
    struct bol_container *c = box20(100001, 20000);
    struct bol_container *e = box20(100002, 20000);

    (void) state;
    dg_at("TGHU", 1, "22G1", "D1", 1, 1, 1, 3, 0);
    dg_at("TGHU", 2, "22G1", "D2", 5, 1, 1, 1, 1);
    add_dg(c, 3, 0, 0);
    add_dg(e, 1, 4, 'S');
    /* X: even in the same stack. */
    YPUT(c, slot("D1", 1, 1, 2), OK, NULL, NULL);
    /* *: class 1 with class 1. */
    YPUT(e, slot("D2", 5, 1, 2), OK, NULL, NULL);
    /* But class 3 and 1.1 may not share a block. */
    YPUT(c, slot("D2", 39, 8, 1), BOL_E_INVAL, "to", NULL);
    /* A box without DG is not checked against anything. */
    W.dg_calls = 0;
    YPUT(box20(100003, 20000), slot("D2", 5, 1, 2), OK, NULL, NULL);
    assert_int_equal(W.dg_calls, 0);
}

static void test_yard_dg_away_from(void **state)
{
    struct bol_container *o = dg_at("TGHU", 1, "22G1", "D1", 11, 2, 1, 2, 2);
    struct bol_container *c = box20(123456, 20000);
    char msg[256];

    (void) state;
    add_dg(c, 3, 0, 0); /* 3 / 2.2: away from */
    snprintf(msg, sizeof(msg),
             "%s (class 3) must be 'away from' %s (class 2.2) at NCT1/D1/011/02/1: keep one free "
             "stack position between them",
             c->id.s, o->id.s);
    YPUT(c, slot("D1", 11, 2, 2), BOL_E_INVAL, "to", msg);
    YPUT(c, slot("D1", 13, 2, 1), BOL_E_INVAL, "to", msg); /* dp 1 */
    YPUT(c, slot("D1", 9, 2, 1), BOL_E_INVAL, "to", msg);
    YPUT(c, slot("D1", 15, 2, 1), OK, NULL, NULL); /* dp 2 */
    YPUT(c, slot("D1", 7, 2, 1), OK, NULL, NULL);
    YPUT(c, slot("D1", 11, 3, 1), BOL_E_INVAL, "to", msg); /* dr 1 */
    YPUT(c, slot("D1", 11, 1, 1), BOL_E_INVAL, "to", msg);
    YPUT(c, slot("D1", 11, 4, 1), OK, NULL, NULL);         /* dr 2 */
    YPUT(c, slot("D1", 13, 3, 1), BOL_E_INVAL, "to", msg); /* diagonal */
    YPUT(c, slot("D1", 15, 3, 1), OK, NULL, NULL);
    YPUT(c, slot("D2", 11, 2, 1), OK, NULL, NULL);
}

static void test_yard_dg_separated_from(void **state)
{
    struct bol_container *o = dg_at("TGHU", 1, "22G1", "D1", 11, 2, 1, 5, 1);
    struct bol_container *c = box("MSCU", 123456, "22G1", true, 20000);
    char msg[256];

    (void) state;
    add_dg(c, 3, 0, 0); /* 3 / 5.1: separated from */
    snprintf(msg, sizeof(msg),
             "%s (class 3) must be 'separated from' %s (class 5.1) at NCT1/D1/011/02/1: keep one "
             "free 20 ft bay or two free rows between them",
             c->id.s, o->id.s);
    YPUT(c, slot("D1", 13, 2, 1), BOL_E_INVAL, "to", msg); /* dp 1 */
    YPUT(c, slot("D1", 15, 2, 1), OK, NULL, NULL);         /* dp 2 */
    YPUT(c, slot("D1", 7, 2, 1), OK, NULL, NULL);
    YPUT(c, slot("D1", 11, 4, 1), BOL_E_INVAL, "to", msg); /* dr 2 */
    YPUT(c, slot("D1", 11, 5, 1), OK, NULL, NULL);         /* dr 3 */
    YPUT(c, slot("D1", 13, 5, 1), OK, NULL, NULL);
    YPUT(c, slot("D1", 13, 4, 1), BOL_E_INVAL, "to", msg);
    YPUT(c, slot("D1", 15, 4, 1), OK, NULL, NULL);
    YPUT(c, slot("D1", 11, 2, 2), BOL_E_INVAL, "to", msg);
}

static void test_yard_dg_compartment(void **state)
{
    struct bol_container *o62 = dg_at("TGHU", 1, "22G1", "D1", 1, 1, 1, 6, 2);
    struct bol_container *c = box20(123456, 20000);
    char msg[256];

    (void) state;
    add_dg(c, 4, 1, 0); /* 4.1 / 6.2: separated by a complete compartment or hold */
    snprintf(msg, sizeof(msg),
             "%s (class 4.1) must be 'separated by a complete compartment or hold' from %s "
             "(class 6.2) at NCT1/D1/001/01/1: they may not share a block",
             c->id.s, o62->id.s);
    YPUT(c, slot("D1", 39, 8, 1), BOL_E_INVAL, "to", msg);
    YPUT(c, slot("D1", 21, 5, 1), BOL_E_INVAL, "to", msg);
    YPUT(c, slot("D2", 1, 1, 1), OK, NULL, NULL);
}

static void test_yard_dg_longitudinal(void **state)
{
    struct bol_container *o11 = dg_at("TGHU", 1, "22G1", "D1", 1, 1, 1, 1, 1);
    struct bol_container *c = box20(123456, 20000);
    char msg[256];

    (void) state;
    add_dg(c, 3, 0, 0); /* 3 / 1.1: longitudinally by an intervening compartment */
    snprintf(msg, sizeof(msg),
             "%s (class 3) must be 'separated longitudinally by an intervening complete "
             "compartment or hold' from %s (class 1.1D) at NCT1/D1/001/01/1: they may not share "
             "a block",
             c->id.s, o11->id.s);
    /* The message is cut to fit diag; compare what fits. */
    msg[BOL_DIAG_MSG_MAX - 1] = '\0';
    YPUT(c, slot("D1", 39, 8, 1), BOL_E_INVAL, "to", msg);
    YPUT(c, slot("D2", 1, 1, 1), OK, NULL, NULL);
}

static void test_yard_dg_worst_and_lines(void **state)
{
    struct bol_container *o22 = dg_at("TGHU", 1, "22G1", "D1", 11, 2, 1, 2, 2);
    struct bol_container *o62 = dg_at("TGHU", 2, "22G1", "D1", 39, 8, 1, 6, 2);
    struct bol_container *c = box20(123456, 20000);
    struct bol_container *m = box20(123457, 20000);
    struct bol_container *x = box20(123458, 20000);
    char msg[256];

    (void) state;
    add_dg(c, 3, 0, 0);
    /* Both 2.2 (away from, too close) and 6.2 (compartment) fail: the stronger is named. */
    snprintf(msg, sizeof(msg),
             "%s (class 3) must be 'separated by a complete compartment or hold' from %s "
             "(class 6.2) at NCT1/D1/039/08/1: they may not share a block",
             c->id.s, o62->id.s);
    YPUT(c, slot("D1", 13, 2, 1), BOL_E_INVAL, "to", msg);
    /* The highest value over all pairs of DG lines counts, and its classes are named. */
    add_dg(m, 9, 0, 0);
    add_dg(m, 3, 0, 0);
    o62->place.kind = BOL_PLACE_NONE; /* take the 6.2 away */
    snprintf(msg, sizeof(msg),
             "%s (class 3) must be 'away from' %s (class 2.2) at NCT1/D1/011/02/1: keep one "
             "free stack position between them",
             m->id.s, o22->id.s);
    YPUT(m, slot("D1", 13, 2, 1), BOL_E_INVAL, "to", msg);
    add_dg(x, 9, 0, 0);
    YPUT(x, slot("D1", 13, 2, 1), OK, NULL, NULL);
    add_dg(x, 8, 0, 0); /* 8 / 2.2: X */
    YPUT(x, slot("D1", 13, 2, 1), OK, NULL, NULL);
    add_dg(x, 3, 0, 0); /* 3 / 2.2: away from */
    YPUT(x, slot("D1", 13, 2, 1), BOL_E_INVAL, "to", NULL);
    YPUT(x, slot("D1", 15, 2, 1), OK, NULL, NULL);
    /* And on the other box's side: its lines {9, 5.1} against class 3. */
    {
        struct bol_container *o = dg_at("TGHU", 3, "22G1", "D2", 11, 2, 1, 9, 0);
        struct bol_container *y = box20(123459, 20000);

        add_dg(o, 5, 1, 0);
        add_dg(y, 3, 0, 0);
        snprintf(msg, sizeof(msg),
                 "%s (class 3) must be 'separated from' %s (class 5.1) at NCT1/D2/011/02/1: keep "
                 "one free 20 ft bay or two free rows between them",
                 y->id.s, o->id.s);
        YPUT(y, slot("D2", 11, 4, 1), BOL_E_INVAL, "to", msg);
        YPUT(y, slot("D2", 11, 5, 1), OK, NULL, NULL);
    }
}

static void test_yard_dg_40ft(void **state)
{
    struct bol_container *o = dg_at("TGHU", 1, "22G1", "D1", 11, 2, 1, 5, 1);   /* p 5 */
    struct bol_container *o40 = dg_at("TGHU", 2, "45G1", "D1", 14, 5, 1, 5, 1); /* p 6, 7 */
    struct bol_container *c40 = box40(123456, 30000);
    struct bol_container *c20 = box20(123457, 20000);
    char msg[256];

    (void) state;
    add_dg(c40, 3, 0, 0);
    add_dg(c20, 3, 0, 0);
    /* 40 ft candidate against a 20 ft box (separated from: dp >= 2). */
    YPUT(c40, slot("D1", 6, 2, 1), OK, NULL, NULL);           /* p 2, 3 */
    YPUT(c40, slot("D1", 8, 2, 1), BOL_E_INVAL, "to", NULL);  /* p 3, 4 */
    YPUT(c40, slot("D1", 14, 2, 1), BOL_E_INVAL, "to", NULL); /* p 6, 7 */
    YPUT(c40, slot("D1", 16, 2, 1), OK, NULL, NULL);          /* p 7, 8 */
    YPUT(c40, slot("D1", 18, 2, 1), OK, NULL, NULL);          /* p 8, 9 */
    /* 20 ft candidate against a 40 ft box, one entry per position. */
    YPUT(c20, slot("D1", 9, 5, 1), OK, NULL, NULL); /* p 4 */
    snprintf(msg, sizeof(msg),
             "%s (class 3) must be 'separated from' %s (class 5.1) at NCT1/D1/013/05/1: keep one "
             "free 20 ft bay or two free rows between them",
             c20->id.s, o40->id.s);
    YPUT(c20, slot("D1", 11, 5, 1), BOL_E_INVAL, "to", msg);  /* p 5 */
    YPUT(c20, slot("D1", 17, 5, 1), BOL_E_INVAL, "to", NULL); /* p 8 */
    YPUT(c20, slot("D1", 19, 5, 1), OK, NULL, NULL);          /* p 9 */
    /* 40 against 40. */
    YPUT(c40, slot("D1", 10, 5, 1), BOL_E_INVAL, "to", NULL); /* p 4, 5 */
    YPUT(c40, slot("D1", 8, 6, 1), OK, NULL, NULL);           /* p 3, 4 */
    YPUT(c40, slot("D1", 14, 8, 1), OK, NULL, NULL);          /* dr 3 */
    YPUT(c40, slot("D1", 14, 7, 1), BOL_E_INVAL, "to", NULL); /* dr 2 */
    (void) o;
}

static void test_yard_dg_ignores_itself(void **state)
{
    /* Two lines that must be separated from each other: only ever in one box. */
    struct bol_container *c = dg_at("MSCU", 123456, "22G1", "D1", 11, 2, 1, 3, 0);

    (void) state;
    add_dg(c, 5, 1, 0);
    YPUT(c, slot("D1", 11, 2, 1), OK, NULL, NULL);
    YPUT(c, slot("D1", 13, 2, 1), OK, NULL, NULL);
}

static void test_yard_dg_view_errors(void **state)
{
    struct bol_container *c = box20(123456, 20000);

    (void) state;
    add_dg(c, 3, 0, 0);
    W.dg_err = BOL_E_STORE_BUSY;
    YPUT(c, slot("D1", 11, 2, 1), BOL_E_STORE_BUSY, "to", NULL);
    W.dg_err = BOL_E_NOTFOUND;
    YPUT(c, slot("D1", 11, 2, 1), OK, NULL, NULL);
    W.dg_err = 0;
    test_mem_fail_after(0);
    YPUT(c, slot("D1", 11, 2, 1), BOL_E_NOMEM, "to", NULL);
    test_mem_fail_after(-1);
    YPUT(c, slot("D1", 11, 2, 1), OK, NULL, NULL);
}

/* ---- yard take ---- */

static void test_yard_take(void **state)
{
    struct bol_container *c = at_yard(box20(123456, 20000), "3C", 1, 1, 1);
    struct bol_container *a = box20(1, 20000);
    struct bol_container *b = box20(2, 20000);
    struct bol_container *l = at_yard(box40(3, 30000), "3C", 6, 2, 1);
    struct bol_container *l2 = box40(4, 30000);
    struct bol_container *n = box20(5, 20000);
    char msg[200];

    (void) state;
    YTAKE(c, OK, NULL, NULL);
    at_yard(a, "3C", 1, 1, 2);
    snprintf(msg, sizeof(msg), "%s (tier 2) is on top of %s at NCT1/3C/001/01/1", a->id.s, c->id.s);
    YTAKE(c, BOL_E_CONFLICT, "id", msg);
    YTAKE(a, OK, NULL, NULL);
    at_yard(b, "3C", 1, 1, 3);
    snprintf(msg, sizeof(msg), "%s (tier 3) is on top of %s at NCT1/3C/001/01/1", b->id.s, c->id.s);
    YTAKE(c, BOL_E_CONFLICT, "id", msg);
    YTAKE(a, BOL_E_CONFLICT, "id", NULL);
    YTAKE(b, OK, NULL, NULL);
    /* Neighbouring stacks do not block. */
    at_yard(n, "3C", 3, 1, 2);
    YTAKE(b, OK, NULL, NULL);
    /* 40 ft: either position blocks. */
    YTAKE(l, OK, NULL, NULL);
    at_yard(l2, "3C", 6, 2, 2);
    snprintf(msg, sizeof(msg), "%s (tier 2) is on top of %s at NCT1/3C/006/02/1", l2->id.s,
             l->id.s);
    YTAKE(l, BOL_E_CONFLICT, "id", msg);
    at_yard(l2, "3C", 7, 2, 2);
    YTAKE(l, BOL_E_CONFLICT, "id", NULL);
    at_yard(l2, "3C", 5, 2, 2);
    YTAKE(l, BOL_E_CONFLICT, "id", NULL);
    at_yard(l2, "3C", 9, 2, 2);
    YTAKE(l, OK, NULL, NULL);
    /* Not in the yard. */
    n->place.kind = BOL_PLACE_NONE;
    YTAKE(n, BOL_E_INVAL, "id", NULL);
    at_vessel(n, "V1", 1, 1, 2);
    YTAKE(n, BOL_E_INVAL, "id", NULL);
    /* View errors pass through. */
    W.stack_err = BOL_E_IO;
    YTAKE(c, BOL_E_IO, "id", NULL);
}

/* ---- vessel put ---- */

static void test_vessel_put_hold(void **state)
{
    struct bol_vessel ves = vessel_even();
    struct bol_container *c = box20(123456, 20000);
    struct bol_container *c40 = box40(123457, 30000);
    struct bol_container *a = at_vessel(box20(1, 20000), "V1", 1, 1, 2);
    struct bol_container *l = at_vessel(box40(2, 30000), "V1", 6, 1, 2);
    char msg[200];

    (void) state;
    VPUT(c, "V1", &ves, cell(1, 2, 2), OK, NULL, NULL);
    VPUT(c, "V1", &ves, cell(1, 2, 4), BOL_E_INVAL, "cell",
         "tier 04 would float: the hold stack at bay 001 row 02 is empty and starts at tier 02");
    VPUT(c, "V1", &ves, cell(1, 1, 4), OK, NULL, NULL);
    snprintf(msg, sizeof(msg), "cell 0010102 is taken by %s", a->id.s);
    VPUT(c, "V1", &ves, cell(1, 1, 2), BOL_E_CONFLICT, "cell", msg);
    VPUT(c, "V1", &ves, cell(1, 1, 6), BOL_E_INVAL, "cell",
         "tier 06 would float: the hold stack at bay 001 row 01 ends at tier 02");
    /* Another visit's stack is another vessel. */
    VPUT(c, "V9", &ves, cell(1, 1, 2), OK, NULL, NULL);
    /* 20 on 40 and 40 on 20 refused; 40 on 40 fine. */
    snprintf(msg, sizeof(msg), "%s is 20 ft and cannot stand on %s (40 ft) at 0060102", c->id.s,
             l->id.s);
    VPUT(c, "V1", &ves, cell(5, 1, 4), BOL_E_INVAL, "cell", msg);
    VPUT(c40, "V1", &ves, cell(2, 1, 4), BOL_E_INVAL, "cell", NULL);
    VPUT(c40, "V1", &ves, cell(6, 1, 4), OK, NULL, NULL);
    VPUT(c40, "V1", &ves, cell(2, 3, 2), OK, NULL, NULL);
    VPUT(c40, "V1", &ves, cell(2, 1, 2), BOL_E_CONFLICT, "cell", NULL);
    /* 40 ft with one side held up only. */
    VPUT(c40, "V1", &ves, cell(2, 1, 4), BOL_E_INVAL, "cell", NULL);
    at_vessel(box20(3, 20000), "V1", 3, 1, 2);
    VPUT(c40, "V1", &ves, cell(2, 1, 4), BOL_E_INVAL, "cell", NULL); /* on two 20s */
    /* Above a box: taken. */
    at_vessel(box20(4, 20000), "V1", 9, 1, 4); /* a gap below */
    VPUT(c, "V1", &ves, cell(9, 1, 2), BOL_E_CONFLICT, "cell", NULL);
    /* Moving within the same stack: the box itself does not count. */
    at_vessel(c, "V1", 11, 1, 2);
    VPUT(c, "V1", &ves, cell(11, 1, 2), OK, NULL, NULL);
    VPUT(c, "V1", &ves, cell(11, 1, 4), BOL_E_INVAL, "cell", NULL);
}

static void test_vessel_put_frame(void **state)
{
    struct bol_vessel ves = vessel_even();
    struct bol_container *c = box20(123456, 20000);
    struct bol_container *c40 = box40(123457, 30000);
    struct bol_container *c53 = box("CMAU", 100004, "P5G1", true, 30000);

    (void) state;
    VPUT(c, "V1", &ves, cell(41, 1, 2), BOL_E_INVAL, "cell", "cell 0410102: bay 41 outside 01..40");
    VPUT(c, "V1", &ves, cell(1, 1, 3), BOL_E_INVAL, "cell", NULL);
    VPUT(c, "V1", &ves, cell(1, 13, 2), BOL_E_INVAL, "cell", NULL);
    VPUT(c, "V1", &ves, cell(1, 1, 20), BOL_E_INVAL, "cell", NULL);
    VPUT(c, "V1", &ves, cell(2, 1, 2), BOL_E_INVAL, "cell", NULL);
    VPUT(c40, "V1", &ves, cell(1, 1, 2), BOL_E_INVAL, "cell", NULL);
    VPUT(c40, "V1", &ves, cell(38, 1, 2), OK, NULL, NULL);
    VPUT(c40, "V1", &ves, cell(40, 1, 2), BOL_E_INVAL, "cell",
         "bay 040 needs 20 ft bays 039 and 041; the vessel ends at bay 040");
    VPUT(c, "V1", &ves, cell(39, 1, 2), OK, NULL, NULL);
    VPUT(c53, "V1", &ves, cell(2, 1, 2), BOL_E_INVAL, "cell", NULL);
}

static void test_vessel_put_vgm_and_reefer(void **state)
{
    struct bol_vessel ves = vessel_even();
    struct bol_container *c = box20(123456, 0);
    struct bol_container *e = box("MSCU", 123457, "22G1", false, 0);
    struct bol_container *r = box("MSCU", 123458, "22R1", true, 24000);
    char msg[200];

    (void) state;
    c->gross_kg = 20000;
    snprintf(msg, sizeof(msg), "%s has no verified gross mass (SOLAS VI/2) and may not be loaded",
             c->id.s);
    VPUT(c, "V1", &ves, cell(1, 1, 2), BOL_E_INVAL, "vgm_kg", msg);
    c->vgm_kg = 20000;
    VPUT(c, "V1", &ves, cell(1, 1, 2), OK, NULL, NULL);
    /* Empties need no VGM. */
    VPUT(e, "V1", &ves, cell(1, 1, 2), OK, NULL, NULL);
    /* A running reefer needs a reefer cell: deck, bays 01..20. */
    r->reefer_on = true;
    VPUT(r, "V1", &ves, cell(1, 1, 82), OK, NULL, NULL);
    VPUT(r, "V1", &ves, cell(19, 1, 82), OK, NULL, NULL);
    snprintf(msg, sizeof(msg), "%s is a running reefer and cell 0210182 has no reefer plug",
             r->id.s);
    VPUT(r, "V1", &ves, cell(21, 1, 82), BOL_E_INVAL, "cell", msg);
    VPUT(r, "V1", &ves, cell(1, 1, 2), BOL_E_INVAL, "cell", NULL);
    r->reefer_on = false;
    VPUT(r, "V1", &ves, cell(21, 1, 82), OK, NULL, NULL);
    r->reefer_on = true;
    r->full = false;
    VPUT(r, "V1", &ves, cell(21, 1, 82), OK, NULL, NULL);
    /* VGM is checked before the reefer cell. */
    r->full = true;
    r->vgm_kg = 0;
    VPUT(r, "V1", &ves, cell(21, 1, 82), BOL_E_INVAL, "vgm_kg", NULL);
}

static void test_vessel_put_deck(void **state)
{
    struct bol_vessel ves = vessel_even();
    struct bol_container *c = box20(123456, 30000);
    struct bol_container *c40 = box40(123457, 60000);
    unsigned t;

    (void) state;
    /* A full hold below does not hold up deck tier 84. */
    for (t = 2; t <= 18; t += 2)
        at_vessel(box20(t, 5000), "V1", 1, 1, t);
    VPUT(c, "V1", &ves, cell(1, 1, 82), OK, NULL, NULL);
    VPUT(c, "V1", &ves, cell(1, 1, 84), BOL_E_INVAL, "cell",
         "tier 84 would float: the deck stack at bay 001 row 01 is empty and starts at tier 82");
    at_vessel(box20(100, 30000), "V1", 1, 1, 82);
    VPUT(c, "V1", &ves, cell(1, 1, 84), OK, NULL, NULL);
    VPUT(c, "V1", &ves, cell(1, 1, 86), BOL_E_INVAL, "cell", NULL);
    VPUT(c, "V1", &ves, cell(1, 1, 82), BOL_E_CONFLICT, "cell", NULL);
    /* Deck limit 60 t: 30 t + 30 t fits, 1 kg more does not. */
    c->vgm_kg = 30001;
    VPUT(c, "V1", &ves, cell(1, 1, 84), BOL_E_INVAL, "cell",
         "the deck stack at bay 001 row 01 would weigh 60001 kg, limit 60000");
    /* The hold is full up to tier 18. */
    VPUT(c, "V1", &ves, cell(1, 1, 2), BOL_E_CONFLICT, "cell", NULL);
    VPUT(c, "V1", &ves, cell(1, 1, 18), BOL_E_CONFLICT, "cell", NULL);
    /* 40 ft on deck: half on each 20 ft position. */
    at_vessel(box40(200, 60000), "V1", 6, 2, 82);
    VPUT(c40, "V1", &ves, cell(6, 2, 84), OK, NULL, NULL);
    c40->vgm_kg = 60001;
    VPUT(c40, "V1", &ves, cell(6, 2, 84), BOL_E_INVAL, "cell",
         "the deck stack at bay 005 row 02 would weigh 60001 kg, limit 60000");
    c40->vgm_kg = 120000;
    VPUT(c40, "V1", &ves, cell(10, 2, 82), OK, NULL, NULL);
    c40->vgm_kg = 120002;
    VPUT(c40, "V1", &ves, cell(10, 2, 82), BOL_E_INVAL, "cell", NULL);
}

static void test_vessel_put_hold_weight(void **state)
{
    struct bol_vessel ves = vessel_even();
    struct bol_container *c = box20(123456, 50000);

    (void) state;
    at_vessel(box20(1, 50000), "V1", 3, 1, 2);
    VPUT(c, "V1", &ves, cell(3, 1, 4), OK, NULL, NULL);
    c->vgm_kg = 50001;
    VPUT(c, "V1", &ves, cell(3, 1, 4), BOL_E_INVAL, "cell",
         "the hold stack at bay 003 row 01 would weigh 100001 kg, limit 100000");
}

static void test_vessel_put_odd_tiers(void **state)
{
    struct bol_vessel ves = vessel_odd();
    struct bol_container *c = box20(123456, 20000);

    (void) state;
    VPUT(c, "V2", &ves, cell(1, 1, 1), OK, NULL, NULL);
    VPUT(c, "V2", &ves, cell(1, 1, 2), BOL_E_INVAL, "cell",
         "tier 02 would float: the hold stack at bay 001 row 01 is empty and starts at tier 01");
    at_vessel(box20(1, 20000), "V2", 1, 1, 1);
    VPUT(c, "V2", &ves, cell(1, 1, 2), OK, NULL, NULL);
    VPUT(c, "V2", &ves, cell(1, 1, 3), BOL_E_INVAL, "cell",
         "tier 03 would float: the hold stack at bay 001 row 01 ends at tier 01");
    VPUT(c, "V2", &ves, cell(1, 1, 71), OK, NULL, NULL);
    VPUT(c, "V2", &ves, cell(1, 1, 72), BOL_E_INVAL, "cell", NULL);
    at_vessel(box20(2, 20000), "V2", 1, 1, 71);
    VPUT(c, "V2", &ves, cell(1, 1, 72), OK, NULL, NULL);
    VPUT(c, "V2", &ves, cell(1, 1, 73), BOL_E_INVAL, "cell", NULL);
    VPUT(c, "V2", &ves, cell(1, 1, 80), BOL_E_INVAL, "cell", NULL); /* above deck_tier_max */
}

static void test_vessel_put_view_errors(void **state)
{
    struct bol_vessel ves = vessel_even();
    struct bol_container *c = box20(123456, 20000);

    (void) state;
    W.stack_err = BOL_E_STORE_BUSY;
    VPUT(c, "V1", &ves, cell(1, 1, 2), BOL_E_STORE_BUSY, "cell", NULL);
    W.stack_err = BOL_E_NOTFOUND;
    VPUT(c, "V1", &ves, cell(1, 1, 2), OK, NULL, NULL);
}

/* ---- vessel take ---- */

static void test_vessel_take(void **state)
{
    struct bol_vessel ves = vessel_even();
    struct bol_container *c = at_vessel(box20(123456, 20000), "V1", 1, 1, 82);
    struct bol_container *h = at_vessel(box20(123457, 20000), "V1", 1, 1, 2);
    struct bol_container *l = at_vessel(box40(123458, 30000), "V1", 6, 2, 82);
    struct bol_container *a = box20(1, 20000);
    struct bol_container *b = box20(2, 20000);
    struct bol_container *l2 = box40(3, 30000);
    char msg[200];

    (void) state;
    VTAKE(c, &ves, OK, NULL, NULL);
    /* Deck boxes do not block the hold below. */
    VTAKE(h, &ves, OK, NULL, NULL);
    /* Another row does not block. */
    at_vessel(box20(4, 20000), "V1", 1, 3, 84);
    VTAKE(c, &ves, OK, NULL, NULL);
    at_vessel(a, "V1", 1, 1, 84);
    at_vessel(b, "V1", 1, 1, 86);
    snprintf(msg, sizeof(msg), "%s at 0010186 is on top of %s", b->id.s, c->id.s);
    VTAKE(c, &ves, BOL_E_CONFLICT, "id", msg);
    snprintf(msg, sizeof(msg), "%s at 0010186 is on top of %s", b->id.s, a->id.s);
    VTAKE(a, &ves, BOL_E_CONFLICT, "id", msg);
    VTAKE(b, &ves, OK, NULL, NULL);
    VTAKE(h, &ves, OK, NULL, NULL);
    /* 40 ft. */
    VTAKE(l, &ves, OK, NULL, NULL);
    at_vessel(l2, "V1", 6, 2, 84);
    snprintf(msg, sizeof(msg), "%s at 0060284 is on top of %s", l2->id.s, l->id.s);
    VTAKE(l, &ves, BOL_E_CONFLICT, "id", msg);
    VTAKE(l2, &ves, OK, NULL, NULL);
    /* A 20 ft box on one side of a 40 ft bay also blocks it. */
    at_vessel(l2, "V1", 7, 2, 84);
    VTAKE(l, &ves, BOL_E_CONFLICT, "id", NULL);
    /* Not on a vessel. */
    at_yard(a, "3C", 1, 1, 1);
    VTAKE(a, &ves, BOL_E_INVAL, "id", NULL);
    a->place.kind = BOL_PLACE_QUAY;
    VTAKE(a, &ves, BOL_E_INVAL, "id", NULL);
    /* View errors pass through. */
    W.stack_err = BOL_E_IO;
    VTAKE(c, &ves, BOL_E_IO, "id", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segregation_matches_table),
        cmocka_unit_test(test_segregation_symmetric),
        cmocka_unit_test(test_segregation_spot_values),
        cmocka_unit_test(test_yard_positions),
        cmocka_unit_test_setup(test_yard_put_block, setup),
        cmocka_unit_test_setup(test_yard_put_length_and_bay, setup),
        cmocka_unit_test_setup(test_yard_put_bounds, setup),
        cmocka_unit_test_setup(test_yard_put_sizes, setup),
        cmocka_unit_test_setup(test_yard_put_empties_only, setup),
        cmocka_unit_test_setup(test_yard_put_reefer, setup),
        cmocka_unit_test_setup(test_yard_put_dg_zone, setup),
        cmocka_unit_test_setup(test_yard_put_taken, setup),
        cmocka_unit_test_setup(test_yard_put_floating, setup),
        cmocka_unit_test_setup(test_yard_put_ignores_itself, setup),
        cmocka_unit_test_setup(test_yard_put_weight, setup),
        cmocka_unit_test_setup(test_yard_dg_none_and_class1, setup),
        cmocka_unit_test_setup(test_yard_dg_away_from, setup),
        cmocka_unit_test_setup(test_yard_dg_separated_from, setup),
        cmocka_unit_test_setup(test_yard_dg_compartment, setup),
        cmocka_unit_test_setup(test_yard_dg_longitudinal, setup),
        cmocka_unit_test_setup(test_yard_dg_worst_and_lines, setup),
        cmocka_unit_test_setup(test_yard_dg_40ft, setup),
        cmocka_unit_test_setup(test_yard_dg_ignores_itself, setup),
        cmocka_unit_test_setup(test_yard_dg_view_errors, setup),
        cmocka_unit_test_setup(test_yard_take, setup),
        cmocka_unit_test_setup(test_vessel_put_hold, setup),
        cmocka_unit_test_setup(test_vessel_put_frame, setup),
        cmocka_unit_test_setup(test_vessel_put_vgm_and_reefer, setup),
        cmocka_unit_test_setup(test_vessel_put_deck, setup),
        cmocka_unit_test_setup(test_vessel_put_hold_weight, setup),
        cmocka_unit_test_setup(test_vessel_put_odd_tiers, setup),
        cmocka_unit_test_setup(test_vessel_put_view_errors, setup),
        cmocka_unit_test_setup(test_vessel_take, setup),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
