/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules.c - the physical rules of yard and vessel positions
 *
 * Every rule judges a move as if the box were first lifted from wherever it
 * is: the box itself is left out of every stack and DG list the view returns,
 * so moving a box within its own stack, or onto the slot it already holds, is
 * judged against the other boxes only.  Stacks are read per 20 ft position; a
 * 40 ft box takes two positions and must fit on both, and above the ground it
 * must rest on one 40 ft box, not straddle two.  A stack the view does not
 * know (BOL_E_NOTFOUND) is an empty one.
 *
 * Stack weight: a 20 ft box counts its whole mass on its position, a 40 ft box
 * exactly half of its mass on each of its two.  Sums are kept in half
 * kilograms so that an odd mass is not rounded either way.
 *
 * IMDG segregation in the yard.  The IMDG Code (7.2.4) states segregation in
 * shipboard terms; inside one yard block this terminal reads them as yard
 * distances.  A stack position is (p, row) with p = (bay20 - 1) / 2, the
 * 20 ft ground position along the block.  For two DG boxes in the same block,
 * dp is the least |p1 - p2| and dr the least |row1 - row2| over all 20 ft
 * positions each box takes (boxes in the same stack have dp = dr = 0).  For
 * segregation value s (the highest over all pairs of their DG lines):
 *   s <= 0  "X" or "*": no distance;
 *   s == 1  "away from": dp >= 2 or dr >= 2, that is at least one free stack
 *           position (about 3 m) between them;
 *   s == 2  "separated from": dp >= 2 or dr >= 3, one free 20 ft position
 *           along the block or two free rows across it;
 *   s >= 3  "separated by a complete compartment or hold" and "separated
 *           longitudinally by an intervening complete compartment or hold":
 *           never in the same block.
 * Segregation between blocks is the planner's concern, not checked here.
 */
#include "compat.h"

#include "rules.h"
#include "errors.h"
#include "mem.h"

/* ---- IMDG segregation table ---- */

#define SEG_GROUPS 17

/* 7.2.4 groups: 1.1/1.2/1.5, 1.3/1.6, 1.4, 2.1, 2.2, 2.3, 3, 4.1, 4.2, 4.3, 5.1, 5.2, 6.1, 6.2, 7, 8, 9 */
#define X 0
#define S (-1)
static const signed char seg_table[SEG_GROUPS][SEG_GROUPS] = {
    /* 1.1 */ { S, S, S, 4, 2, 2, 4, 4, 4, 4, 4, 4, 2, 4, 2, 4, X },
    /* 1.3 */ { S, S, S, 4, 2, 2, 4, 3, 3, 4, 4, 4, 2, 4, 2, 2, X },
    /* 1.4 */ { S, S, S, 2, 1, 1, 2, 2, 2, 2, 2, 2, X, 4, 2, 2, X },
    /* 2.1 */ { 4, 4, 2, X, X, X, 2, 1, 2, 2, 2, 2, X, 4, 2, 1, X },
    /* 2.2 */ { 2, 2, 1, X, X, X, 1, X, 1, X, X, 1, X, 2, 1, X, X },
    /* 2.3 */ { 2, 2, 1, X, X, X, 2, X, 2, X, X, 2, X, 2, 1, X, X },
    /* 3   */ { 4, 4, 2, 2, 1, 2, X, X, 2, 2, 2, 2, X, 3, 2, X, X },
    /* 4.1 */ { 4, 3, 2, 1, X, X, X, X, 1, X, 1, 2, X, 3, 2, 1, X },
    /* 4.2 */ { 4, 3, 2, 2, 1, 2, 2, 1, X, 1, 2, 2, 1, 3, 2, 1, X },
    /* 4.3 */ { 4, 4, 2, 2, X, X, 2, X, 1, X, 2, 2, X, 2, 2, 1, X },
    /* 5.1 */ { 4, 4, 2, 2, X, X, 2, 1, 2, 2, X, 2, 1, 3, 1, 2, X },
    /* 5.2 */ { 4, 4, 2, 2, 1, 2, 2, 2, 2, 2, 2, X, 1, 3, 2, 2, X },
    /* 6.1 */ { 2, 2, X, X, X, X, X, X, 1, X, 1, 1, X, 1, X, X, X },
    /* 6.2 */ { 4, 4, 4, 4, 2, 2, 3, 3, 3, 2, 3, 3, 1, X, 3, 3, X },
    /* 7   */ { 2, 2, 2, 2, 1, 1, 2, 2, 2, 2, 1, 2, X, 3, X, 2, X },
    /* 8   */ { 4, 2, 2, 1, X, X, X, 1, 1, 1, 2, 2, X, 3, 2, X, X },
    /* 9   */ { X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X },
};
#undef X
#undef S

/* The table row of a class and division, or -1 for a combination the Code does not have. */
static int seg_group(const struct bol_imdg_class *k)
{
    switch (k->cls) {
    case 1:
        switch (k->division) {
        case 1:
        case 2:
        case 5:
            return 0;
        case 3:
        case 6:
            return 1;
        case 4:
            return 2;
        default:
            return -1;
        }
    case 2:
        return k->division >= 1 && k->division <= 3 ? 2 + k->division : -1;
    case 3:
        return k->division == 0 ? 6 : -1;
    case 4:
        return k->division >= 1 && k->division <= 3 ? 6 + k->division : -1;
    case 5:
        return k->division >= 1 && k->division <= 2 ? 9 + k->division : -1;
    case 6:
        return k->division >= 1 && k->division <= 2 ? 11 + k->division : -1;
    case 7:
        return k->division == 0 ? 14 : -1;
    case 8:
        return k->division == 0 ? 15 : -1;
    case 9:
        return k->division == 0 ? 16 : -1;
    default:
        return -1;
    }
}

int bol_imdg_segregation(const struct bol_imdg_class *a, const struct bol_imdg_class *b)
{
    int ga = seg_group(a);
    int gb = seg_group(b);

    if (ga < 0 || gb < 0)
        return 0;
    return seg_table[ga][gb];
}

static const char *seg_term(int s)
{
    switch (s) {
    case 1:
        return "'away from'";
    case 2:
        return "'separated from'";
    case 3:
        return "'separated by a complete compartment or hold' from";
    default:
        return "'separated longitudinally by an intervening complete compartment or hold' from";
    }
}

static const char *seg_yard_rule(int s)
{
    switch (s) {
    case 1:
        return "keep one free stack position between them";
    case 2:
        return "keep one free 20 ft bay or two free rows between them";
    default:
        return "they may not share a block";
    }
}

bool bol_imdg_apart(int s, unsigned dp, unsigned dr)
{
    if (s <= 0)
        return true;
    if (s == 1)
        return dp >= 2 || dr >= 2;
    if (s == 2)
        return dp >= 2 || dr >= 3;
    return false;
}

/* ---- positions ---- */

int bol_yard_positions(uint16_t bay, unsigned length, uint16_t bay20[2], unsigned *n,
                       struct bol_diag *diag)
{
    if (length == 20) {
        if (bay % 2 != 1)
            return bol_diag_fail(diag, BOL_E_INVAL, "bay", "a 20 ft box needs an odd bay, got %03u",
                                 (unsigned) bay);
        bay20[0] = bay;
        *n = 1;
        return 0;
    }
    if (length == 40) {
        if (bay < 2 || bay % 2 != 0)
            return bol_diag_fail(diag, BOL_E_INVAL, "bay",
                                 "a 40 ft box needs an even bay, got %03u", (unsigned) bay);
        bay20[0] = (uint16_t) (bay - 1);
        bay20[1] = (uint16_t) (bay + 1);
        *n = 2;
        return 0;
    }
    return bol_diag_fail(diag, BOL_E_INVAL, "bay", "no bay takes a box of length %u", length);
}

/* The 20 ft positions under a bay as recorded: odd one, even the two beside it. */
static unsigned positions_of_bay(uint16_t bay, uint16_t bay20[2])
{
    if (bay % 2) {
        bay20[0] = bay;
        return 1;
    }
    if (bay < 2)
        return 0;
    bay20[0] = (uint16_t) (bay - 1);
    bay20[1] = (uint16_t) (bay + 1);
    return 2;
}

/* ---- reading stacks ---- */

static int view_error(struct bol_diag *diag, int r, const char *field, const char *what)
{
    return bol_diag_fail(diag, r, field, "cannot read %s: %s", what, bol_strerror(r));
}

/* Keep the boxes that are not skip (the box being judged), in order. */
static unsigned drop_box(struct bol_view_box *box, unsigned n, const struct bol_container_id *skip)
{
    unsigned i, k = 0;

    for (i = 0; i < n; i++) {
        if (strcmp(box[i].id.s, skip->s) == 0)
            continue;
        if (k != i)
            box[k] = box[i];
        k++;
    }
    return k;
}

/* A stack at one yard position, without c; an unknown stack is an empty one. */
static int read_yard_stack(const struct bol_view *v, const char *terminal, const char *block,
                           uint16_t bay20, uint8_t row, const struct bol_container *c,
                           struct bol_view_box *out, unsigned *ret_n, const char *field,
                           struct bol_diag *diag)
{
    unsigned n = 0;
    int r = v->yard_stack(v->ctx, terminal, block, bay20, row, out, BOL_VIEW_STACK_MAX, &n);

    if (r == BOL_E_NOTFOUND) {
        n = 0;
        r = 0;
    }
    if (r < 0)
        return view_error(diag, r, field, "a yard stack");
    if (BOL_NEVER(n > BOL_VIEW_STACK_MAX))
        return bol_diag_fail(diag, BOL_E_INTERNAL, field, "yard stack of %u boxes", n);
    *ret_n = drop_box(out, n, &c->id);
    return 0;
}

/* A stack at one vessel position and section, without c; unknown is empty. */
static int read_vessel_stack(const struct bol_view *v, const char *visit, uint16_t bay20,
                             uint8_t row, bool deck, uint8_t deck_tier_min,
                             const struct bol_container *c, struct bol_view_box *out,
                             unsigned *ret_n, const char *field, struct bol_diag *diag)
{
    unsigned n = 0;
    int r = v->vessel_stack(v->ctx, visit, bay20, row, deck, deck_tier_min, out, BOL_VIEW_STACK_MAX,
                            &n);

    if (r == BOL_E_NOTFOUND) {
        n = 0;
        r = 0;
    }
    if (r < 0)
        return view_error(diag, r, field, "a vessel stack");
    if (BOL_NEVER(n > BOL_VIEW_STACK_MAX))
        return bol_diag_fail(diag, BOL_E_INTERNAL, field, "vessel stack of %u boxes", n);
    *ret_n = drop_box(out, n, &c->id);
    return 0;
}

/* The box at exactly this tier, or NULL. */
static const struct bol_view_box *box_at(const struct bol_view_box *box, unsigned n, unsigned tier)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        if (box[i].tier == tier)
            return &box[i];
    }
    return NULL;
}

/* The lowest box at or above this tier, or NULL. */
static const struct bol_view_box *box_from(const struct bol_view_box *box, unsigned n,
                                           unsigned tier)
{
    const struct bol_view_box *best = NULL;
    unsigned i;

    for (i = 0; i < n; i++) {
        if (box[i].tier >= tier && (!best || box[i].tier < best->tier))
            best = &box[i];
    }
    return best;
}

/* The highest box, or NULL for an empty stack. */
static const struct bol_view_box *box_top(const struct bol_view_box *box, unsigned n)
{
    const struct bol_view_box *best = NULL;
    unsigned i;

    for (i = 0; i < n; i++) {
        if (!best || box[i].tier > best->tier)
            best = &box[i];
    }
    return best;
}

/* A box's load on one 20 ft position, in half kilograms. */
static uint64_t share_half_kg(unsigned length, uint32_t mass_kg)
{
    return length == 40 ? (uint64_t) mass_kg : 2 * (uint64_t) mass_kg;
}

/* The stack's load with c added, in half kilograms. */
static uint64_t stack_half_kg(const struct bol_view_box *box, unsigned n, unsigned length,
                              uint32_t mass_kg)
{
    uint64_t sum = share_half_kg(length, mass_kg);
    unsigned i;

    for (i = 0; i < n; i++)
        sum += share_half_kg(box[i].length, box[i].mass_kg);
    return sum;
}

static void yard_text(const char *terminal, const char *block, uint16_t bay, uint8_t row,
                      uint8_t tier, enum bol_yard_level level, char out[BOL_YARD_ADDR_TEXT_MAX])
{
    struct bol_yard_addr a;

    memset(&a, 0, sizeof(a));
    snprintf(a.terminal, sizeof(a.terminal), "%s", terminal);
    snprintf(a.block, sizeof(a.block), "%s", block);
    a.bay = bay;
    a.row = row;
    a.tier = tier;
    a.level = level;
    bol_yard_addr_format(&a, out);
}

/* ---- yard ---- */

/* Block kind and zones at each position c would take. */
static int yard_attr_check(const struct bol_block *b, const struct bol_container *c,
                           const struct bol_yard_addr *to, unsigned length, const uint16_t *bay20,
                           unsigned n, struct bol_diag *diag)
{
    char st[BOL_YARD_ADDR_TEXT_MAX];
    unsigned i;

    for (i = 0; i < n; i++) {
        struct bol_stack_attr attr;

        bol_block_stack_attr(b, bay20[i], to->row, &attr);
        yard_text(to->terminal, to->block, bay20[i], to->row, 0, BOL_YARD_STACK, st);
        if (!(attr.sizes & (length == 20 ? BOL_SIZE_20 : BOL_SIZE_40)))
            return bol_diag_fail(diag, BOL_E_INVAL, "to", "stack %s takes no %u ft boxes", st,
                                 length);
        if (attr.empties_only && c->full)
            return bol_diag_fail(diag, BOL_E_INVAL, "to",
                                 "stack %s is for empties only and %s is full", st, c->id.s);
        if (c->full && c->reefer_on && !attr.reefer)
            return bol_diag_fail(diag, BOL_E_INVAL, "to",
                                 "%s is a running reefer and stack %s has no reefer plug", c->id.s,
                                 st);
        if (c->ndg && !attr.dg)
            return bol_diag_fail(diag, BOL_E_INVAL, "to",
                                 "%s carries dangerous goods and stack %s is not in a DG zone",
                                 c->id.s, st);
    }
    return 0;
}

/* Segregation of c at `to` from the other DG boxes in the block. */
static int yard_dg_check(const struct bol_view *v, const struct bol_container *c,
                         const struct bol_yard_addr *to, const uint16_t *bay20, unsigned npos,
                         struct bol_diag *diag)
{
    struct bol_view_dg *dg;
    const struct bol_view_dg *worst = NULL;
    unsigned ndg = BOL_MIN(c->ndg, (unsigned) BOL_DG_MAX);
    unsigned n = 0, i, j, k, p;
    unsigned worst_a = 0, worst_b = 0;
    int worst_s = 0;
    int r;

    dg = bol_malloc(BOL_VIEW_DG_MAX * sizeof(*dg));
    if (!dg)
        return bol_diag_fail(diag, BOL_E_NOMEM, "to", "out of memory reading dangerous goods");
    r = v->yard_dg(v->ctx, to->terminal, to->block, dg, BOL_VIEW_DG_MAX, &n);
    if (r == BOL_E_NOTFOUND) {
        n = 0;
        r = 0;
    }
    if (r < 0) {
        r = view_error(diag, r, "to", "the dangerous goods in the block");
        goto out;
    }
    if (BOL_NEVER(n > BOL_VIEW_DG_MAX)) {
        r = bol_diag_fail(diag, BOL_E_INTERNAL, "to", "%u dangerous goods entries", n);
        goto out;
    }
    for (i = 0; i < n; i++) {
        const struct bol_view_dg *e = &dg[i];
        unsigned ncls = BOL_MIN(e->ncls, (unsigned) BOL_DG_MAX);
        unsigned dp = UINT_MAX, dr;
        int s = 0;
        unsigned sa = 0, sb = 0;

        if (strcmp(e->id.s, c->id.s) == 0)
            continue;
        for (j = 0; j < ndg; j++) {
            for (k = 0; k < ncls; k++) {
                int t = bol_imdg_segregation(&c->dg[j].cls, &e->cls[k]);

                if (t > s) {
                    s = t;
                    sa = j;
                    sb = k;
                }
            }
        }
        /* Each entry is one 20 ft position of the other box, so checking each
         * entry alone is checking the least distance over all of them. */
        for (p = 0; p < npos; p++) {
            int d = ((int) bay20[p] - 1) / 2 - ((int) e->bay20 - 1) / 2;
            unsigned ad = (unsigned) (d < 0 ? -d : d);

            dp = BOL_MIN(dp, ad);
        }
        dr = (unsigned) (to->row > e->row ? to->row - e->row : e->row - to->row);
        if (!bol_imdg_apart(s, dp, dr) && s > worst_s) {
            worst = e;
            worst_s = s;
            worst_a = sa;
            worst_b = sb;
        }
    }
    if (worst) {
        char ca[5], cb[5], at[BOL_YARD_ADDR_TEXT_MAX];

        bol_imdg_class_format(&c->dg[worst_a].cls, ca);
        bol_imdg_class_format(&worst->cls[worst_b], cb);
        yard_text(to->terminal, to->block, worst->bay20, worst->row, worst->tier, BOL_YARD_SLOT,
                  at);
        r = bol_diag_fail(diag, BOL_E_INVAL, "to",
                          "%s (class %s) must be %s %s (class %s) at %s: %s", c->id.s, ca,
                          seg_term(worst_s), worst->id.s, cb, at, seg_yard_rule(worst_s));
        goto out;
    }
    r = 0;
out:
    bol_free(dg);
    return r;
}

int bol_rules_yard_put(const struct bol_view *v, const struct bol_container *c,
                       const struct bol_yard_addr *to, struct bol_diag *diag)
{
    struct bol_block b;
    struct bol_view_box stack[2][BOL_VIEW_STACK_MAX];
    const struct bol_view_box *under[2] = { NULL, NULL };
    unsigned nbox[2] = { 0, 0 };
    uint16_t bay20[2] = { 0, 0 };
    char at[BOL_YARD_ADDR_TEXT_MAX], st[BOL_YARD_ADDR_TEXT_MAX];
    unsigned length, n, i;
    uint32_t mass_kg;
    int r;

    r = v->block(v->ctx, to->terminal, to->block, &b);
    if (r == BOL_E_NOTFOUND)
        return bol_diag_fail(diag, BOL_E_INVAL, "to", "no block %s in terminal %s", to->block,
                             to->terminal);
    if (r < 0)
        return view_error(diag, r, "to", "the block");

    length = bol_container_length_class(c);
    if (!length)
        return bol_diag_fail(diag, BOL_E_INVAL, "to",
                             "%s: size-type '%s' has no place in a yard grid", c->id.s,
                             c->sizetype);
    if (bol_yard_positions(to->bay, length, bay20, &n, NULL) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "to", "%s is %u ft and needs an %s bay, not %03u",
                             c->id.s, length, length == 20 ? "odd" : "even", (unsigned) to->bay);
    for (i = 0; i < n; i++) {
        if (bay20[i] < 1 || bay20[i] > 2u * b.bays - 1)
            return bol_diag_fail(diag, BOL_E_INVAL, "to",
                                 "bay %03u is outside block %s (20 ft bays 001..%03u)",
                                 (unsigned) bay20[i], b.code, 2u * b.bays - 1);
    }
    if (to->row < 1 || to->row > b.rows)
        return bol_diag_fail(diag, BOL_E_INVAL, "to",
                             "row %02u is outside block %s (rows 01..%02u)", (unsigned) to->row,
                             b.code, (unsigned) b.rows);
    if (to->tier < 1 || to->tier > b.tiers)
        return bol_diag_fail(diag, BOL_E_INVAL, "to", "tier %u is outside block %s (tiers 1..%u)",
                             (unsigned) to->tier, b.code, (unsigned) b.tiers);

    r = yard_attr_check(&b, c, to, length, bay20, n, diag);
    if (r < 0)
        return r;

    for (i = 0; i < n; i++) {
        r = read_yard_stack(v, to->terminal, to->block, bay20[i], to->row, c, stack[i], &nbox[i],
                            "to", diag);
        if (r < 0)
            return r;
    }

    /* Taken: any other box at the target tier or above it. */
    yard_text(to->terminal, to->block, to->bay, to->row, to->tier, BOL_YARD_SLOT, at);
    for (i = 0; i < n; i++) {
        const struct bol_view_box *x = box_from(stack[i], nbox[i], to->tier);

        if (!x)
            continue;
        if (x->tier == to->tier)
            return bol_diag_fail(diag, BOL_E_CONFLICT, "to", "slot %s is taken by %s", at, x->id.s);
        return bol_diag_fail(diag, BOL_E_CONFLICT, "to", "slot %s is under %s at tier %u", at,
                             x->id.s, (unsigned) x->tier);
    }

    /* Floating: above the ground, a box of the same length right below on every position. */
    for (i = 0; to->tier > 1 && i < n; i++) {
        const struct bol_view_box *below = box_at(stack[i], nbox[i], to->tier - 1u);
        const struct bol_view_box *top = box_top(stack[i], nbox[i]);

        yard_text(to->terminal, to->block, bay20[i], to->row, 0, BOL_YARD_STACK, st);
        if (!below)
            return bol_diag_fail(diag, BOL_E_INVAL, "to",
                                 "tier %u would float: the stack at %s is %u high",
                                 (unsigned) to->tier, st, top ? (unsigned) top->tier : 0u);
        if (below->length != length)
            return bol_diag_fail(diag, BOL_E_INVAL, "to",
                                 "%s is %u ft and cannot stand on %s (%u ft) in stack %s", c->id.s,
                                 length, below->id.s, below->length, st);
        under[i] = below;
    }
    /* A 40 ft box rests on the corners of one 40 ft box, not across two. */
    if (to->tier > 1 && n == 2 && strcmp(under[0]->id.s, under[1]->id.s) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "to", "%s would straddle %s and %s at %s", c->id.s,
                             under[0]->id.s, under[1]->id.s, at);

    /* Weight on each ground position. */
    mass_kg = bol_container_mass_kg(c);
    for (i = 0; i < n; i++) {
        struct bol_stack_attr attr;
        uint64_t half_kg = stack_half_kg(stack[i], nbox[i], length, mass_kg);

        bol_block_stack_attr(&b, bay20[i], to->row, &attr);
        if (half_kg > 2 * (uint64_t) attr.max_stack_kg) {
            yard_text(to->terminal, to->block, bay20[i], to->row, 0, BOL_YARD_STACK, st);
            return bol_diag_fail(diag, BOL_E_INVAL, "to",
                                 "stack %s would weigh %" PRIu64 " kg, limit %" PRIu32, st,
                                 (half_kg + 1) / 2, attr.max_stack_kg);
        }
    }

    if (c->ndg)
        return yard_dg_check(v, c, to, bay20, n, diag);
    return 0;
}

int bol_rules_yard_take(const struct bol_view *v, const struct bol_container *c,
                        struct bol_diag *diag)
{
    const struct bol_yard_addr *at = &c->place.yard;
    struct bol_view_box stack[BOL_VIEW_STACK_MAX];
    struct bol_view_box top;
    bool found = false;
    uint16_t bay20[2] = { 0, 0 };
    unsigned n, nbox, i, j;
    int r;

    if (c->place.kind != BOL_PLACE_YARD) {
        char place[BOL_PLACE_TEXT_MAX];

        bol_place_format(&c->place, place);
        return bol_diag_fail(diag, BOL_E_INVAL, "id", "%s is not in the yard (%s)", c->id.s, place);
    }
    /* The recorded bay says which positions the box takes, whatever its size-type says now. */
    n = positions_of_bay(at->bay, bay20);
    if (!n)
        return bol_diag_fail(diag, BOL_E_INVAL, "id", "%s has no yard bay", c->id.s);
    memset(&top, 0, sizeof(top));
    for (i = 0; i < n; i++) {
        r = read_yard_stack(v, at->terminal, at->block, bay20[i], at->row, c, stack, &nbox, "id",
                            diag);
        if (r < 0)
            return r;
        for (j = 0; j < nbox; j++) {
            if (stack[j].tier > at->tier && (!found || stack[j].tier > top.tier)) {
                top = stack[j];
                found = true;
            }
        }
    }
    if (found) {
        char where[BOL_YARD_ADDR_TEXT_MAX];

        /* The blocker's own bay is not known (a 40 ft box may cover either
         * side), so name the box below by its slot. */
        yard_text(at->terminal, at->block, at->bay, at->row, at->tier, BOL_YARD_SLOT, where);
        return bol_diag_fail(diag, BOL_E_CONFLICT, "id", "%s (tier %u) is on top of %s at %s",
                             top.id.s, (unsigned) top.tier, c->id.s, where);
    }
    return 0;
}

/* ---- vessel ---- */

static void vessel_cell_text(uint16_t bay20, unsigned length, uint8_t row, uint8_t tier,
                             char out[BOL_CELL_TEXT_MAX])
{
    struct bol_cell cell = { length == 40 ? bol_cell_bay_40ft(bay20) : bay20, row, tier };

    bol_cell_format(&cell, out);
}

int bol_rules_vessel_put(const struct bol_view *v, const struct bol_container *c,
                         const struct bol_visit *visit, const struct bol_vessel *vessel,
                         const struct bol_cell *cell, struct bol_diag *diag)
{
    const struct bol_vessel_profile *p = &vessel->profile;
    const struct bol_cell_frame *f = &p->frame;
    struct bol_view_box stack[2][BOL_VIEW_STACK_MAX];
    const struct bol_view_box *under[2] = { NULL, NULL };
    unsigned nbox[2] = { 0, 0 };
    uint16_t bay20[2] = { 0, 0 };
    char at[BOL_CELL_TEXT_MAX];
    unsigned length, n, i, step, lowest;
    uint32_t mass_kg, limit_kg;
    bool deck;
    int r;

    bol_cell_format(cell, at);
    {
        struct bol_diag why;

        bol_diag_init(&why);
        r = bol_cell_check(cell, f, &why);
        if (r < 0)
            return bol_diag_fail(diag, r, "cell", "cell %s: %s", at, why.msg);
    }
    length = bol_container_length_class(c);
    if (length == 20) {
        if (cell->bay % 2 != 1)
            return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                                 "%s is 20 ft and needs an odd bay, not %03u", c->id.s,
                                 (unsigned) cell->bay);
        bay20[0] = cell->bay;
        n = 1;
    } else if (length == 40) {
        if (cell->bay % 2 != 0)
            return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                                 "%s is 40 ft and needs an even bay, not %03u", c->id.s,
                                 (unsigned) cell->bay);
        if (cell->bay + 1u > f->max_bay)
            return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                                 "bay %03u needs 20 ft bays %03u and %03u; the vessel ends at "
                                 "bay %03u",
                                 (unsigned) cell->bay, cell->bay - 1u, cell->bay + 1u,
                                 (unsigned) f->max_bay);
        bay20[0] = (uint16_t) (cell->bay - 1);
        bay20[1] = (uint16_t) (cell->bay + 1);
        n = 2;
    } else {
        return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                             "%s: size-type '%s' has no place in a vessel cell", c->id.s,
                             c->sizetype);
    }
    if (c->full && c->vgm_kg == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "vgm_kg",
                             "%s has no verified gross mass (SOLAS VI/2) and may not be loaded",
                             c->id.s);
    if (c->full && c->reefer_on && !bol_vessel_reefer_cell(p, cell))
        return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                             "%s is a running reefer and cell %s has no reefer plug", c->id.s, at);

    deck = bol_cell_on_deck(cell, f->deck_tier_min);
    step = f->odd_tiers ? 1u : 2u;
    lowest = deck ? f->deck_tier_min : (f->odd_tiers ? 1u : 2u);
    for (i = 0; i < n; i++) {
        r = read_vessel_stack(v, visit->id, bay20[i], cell->row, deck, f->deck_tier_min, c,
                              stack[i], &nbox[i], "cell", diag);
        if (r < 0)
            return r;
    }

    for (i = 0; i < n; i++) {
        const struct bol_view_box *x = box_from(stack[i], nbox[i], cell->tier);

        if (!x)
            continue;
        if (x->tier == cell->tier)
            return bol_diag_fail(diag, BOL_E_CONFLICT, "cell", "cell %s is taken by %s", at,
                                 x->id.s);
        return bol_diag_fail(diag, BOL_E_CONFLICT, "cell", "cell %s is under %s at tier %02u", at,
                             x->id.s, (unsigned) x->tier);
    }

    for (i = 0; i < n; i++) {
        const struct bol_view_box *top = box_top(stack[i], nbox[i]);
        char st[BOL_CELL_TEXT_MAX];

        vessel_cell_text(bay20[i], 20, cell->row, cell->tier, st);
        if (!top) {
            if (cell->tier != lowest)
                return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                                     "tier %02u would float: the %s stack at bay %03u row %02u "
                                     "is empty and starts at tier %02u",
                                     (unsigned) cell->tier, deck ? "deck" : "hold",
                                     (unsigned) bay20[i], (unsigned) cell->row, lowest);
            continue;
        }
        if (cell->tier != top->tier + step)
            return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                                 "tier %02u would float: the %s stack at bay %03u row %02u "
                                 "ends at tier %02u",
                                 (unsigned) cell->tier, deck ? "deck" : "hold", (unsigned) bay20[i],
                                 (unsigned) cell->row, (unsigned) top->tier);
        if (top->length != length) {
            char below[BOL_CELL_TEXT_MAX];

            vessel_cell_text(bay20[i], top->length, cell->row, top->tier, below);
            return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                                 "%s is %u ft and cannot stand on %s (%u ft) at %s", c->id.s,
                                 length, top->id.s, top->length, below);
        }
        under[i] = top;
    }
    if (n == 2 && under[0] && under[1] && strcmp(under[0]->id.s, under[1]->id.s) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "cell", "%s would straddle %s and %s at %s",
                             c->id.s, under[0]->id.s, under[1]->id.s, at);

    mass_kg = bol_container_mass_kg(c);
    limit_kg = deck ? p->max_stack_kg_deck : p->max_stack_kg_hold;
    for (i = 0; i < n; i++) {
        uint64_t half_kg = stack_half_kg(stack[i], nbox[i], length, mass_kg);

        if (half_kg > 2 * (uint64_t) limit_kg)
            return bol_diag_fail(diag, BOL_E_INVAL, "cell",
                                 "the %s stack at bay %03u row %02u would weigh %" PRIu64
                                 " kg, limit %" PRIu32,
                                 deck ? "deck" : "hold", (unsigned) bay20[i], (unsigned) cell->row,
                                 (half_kg + 1) / 2, limit_kg);
    }
    return 0;
}

int bol_rules_vessel_take(const struct bol_view *v, const struct bol_container *c,
                          const struct bol_vessel *vessel, struct bol_diag *diag)
{
    const struct bol_cell *cell = &c->place.cell;
    uint8_t deck_tier_min = vessel->profile.frame.deck_tier_min;
    struct bol_view_box stack[BOL_VIEW_STACK_MAX];
    struct bol_view_box top;
    bool found = false;
    uint16_t bay20[2] = { 0, 0 }, top_bay = 0;
    unsigned n, nbox, i, j;
    bool deck;
    int r;

    if (c->place.kind != BOL_PLACE_VESSEL) {
        char place[BOL_PLACE_TEXT_MAX];

        bol_place_format(&c->place, place);
        return bol_diag_fail(diag, BOL_E_INVAL, "id", "%s is not on a vessel (%s)", c->id.s, place);
    }
    n = positions_of_bay(cell->bay, bay20);
    if (!n)
        return bol_diag_fail(diag, BOL_E_INVAL, "id", "%s has no vessel bay", c->id.s);
    deck = bol_cell_on_deck(cell, deck_tier_min);
    memset(&top, 0, sizeof(top));
    for (i = 0; i < n; i++) {
        r = read_vessel_stack(v, c->place.visit, bay20[i], cell->row, deck, deck_tier_min, c, stack,
                              &nbox, "id", diag);
        if (r < 0)
            return r;
        for (j = 0; j < nbox; j++) {
            if (stack[j].tier > cell->tier && (!found || stack[j].tier > top.tier)) {
                top = stack[j];
                top_bay = bay20[i];
                found = true;
            }
        }
    }
    if (found) {
        char where[BOL_CELL_TEXT_MAX];

        vessel_cell_text(top_bay, top.length, cell->row, top.tier, where);
        return bol_diag_fail(diag, BOL_E_CONFLICT, "id", "%s at %s is on top of %s", top.id.s,
                             where, c->id.s);
    }
    return 0;
}
