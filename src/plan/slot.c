/* SPDX-License-Identifier: Apache-2.0 */
/*
 * slot.c - yard slot allocation: the snapshot and the decision (see slot.h)
 *
 * Layout.  Each block keeps one struct stk per 20 ft ground position
 * (position i is 20 ft bay 2i+1; index i * rows + row - 1) with its height,
 * attributes and load, and the boxes of all its positions in one array,
 * `tiers` per position, bottom first.  A 40 ft box is written at both of
 * its positions, marked as the aft (lower bay) or fore half.  Boxes are
 * 16 bytes with the departure time in minutes from the snapshot's time, so
 * a decision walks about 0.5 MB on the demo yard.
 *
 * Invariants kept by bol_slot_yard_put: a stack holds one length (the box
 * at tier 1 says which), and the 40 ft boxes of positions i and i+1 at a
 * tier are one box exactly when the lower one is an aft half at i; so a
 * 40 ft slot at tier t needs only the top boxes checked.
 */
#include "slot.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "mem.h"
#include "rules.h"

#define LEAVE_UNKNOWN INT32_MIN

enum box_flags {
    F_FULL = 1 << 0,
    F_REEFER = 1 << 1,
    F_DG = 1 << 2,
    F_AFT = 1 << 3,  /* the lower-bay half of a 40 ft box */
    F_FORE = 1 << 4, /* the upper-bay half */
};
#define F_40 (F_AFT | F_FORE)

enum stack_attr {
    A_REEFER = 1 << 0,
    A_DG = 1 << 1,
    A_EMPTIES = 1 << 2,
    A_CLOSED = 1 << 3,
    A_20 = 1 << 4,
    A_40 = 1 << 5,
};

struct cbox {
    uint32_t mass_kg;
    int32_t leave_min; /* LEAVE_UNKNOWN: not known */
    uint16_t vessel, pod;
    uint8_t weight, flags;
    uint16_t unused;
};

struct stk {
    uint8_t h, attr;
    uint32_t max_kg;
    uint32_t load_half_kg; /* the boxes' shares in half kilograms (20 ft: 2 m, 40 ft: m) */
};

/* One 20 ft position of a box with dangerous goods. */
struct dge {
    uint16_t pos;
    uint8_t row, tier;
    unsigned ncls;
    struct bol_imdg_class cls[BOL_DG_MAX];
};

struct blk {
    struct bol_block def;
    struct bol_slot_geom g;
    unsigned npos; /* bays * rows */
    struct stk *stk;
    struct cbox *box;
    struct dge *dg;
    size_t ndg, capdg;
};

struct bol_slot_yard {
    int64_t at_us;
    struct blk *blk;
    uint32_t nblk, capblk;
    size_t nbox;
};

const char *const bol_slot_term_names[] = { "reloc", "group",   "travel", "height",
                                            "mix",   "reserve", NULL };
const char *const bol_slot_rule_names[] = { "closed", "size",  "empties", "reefer",      "dg",
                                            "tiers",  "shape", "weight",  "segregation", NULL };

/* ---- the snapshot ---- */

struct bol_slot_yard *bol_slot_yard_new(int64_t at_us)
{
    struct bol_slot_yard *y = bol_calloc(1, sizeof(*y));

    if (y)
        y->at_us = at_us;
    return y;
}

void bol_slot_yard_free(struct bol_slot_yard *y)
{
    uint32_t i;

    if (!y)
        return;
    for (i = 0; i < y->nblk; i++) {
        bol_free(y->blk[i].stk);
        bol_free(y->blk[i].box);
        bol_free(y->blk[i].dg);
    }
    bol_free(y->blk);
    bol_free(y);
}

size_t bol_slot_yard_boxes(const struct bol_slot_yard *y)
{
    return y->nbox;
}

uint32_t bol_slot_yard_blocks(const struct bol_slot_yard *y)
{
    return y->nblk;
}

int bol_slot_yard_add_block(struct bol_slot_yard *y, const struct bol_block *b,
                            const struct bol_slot_geom *g, uint32_t *ret_index)
{
    struct blk *k;
    unsigned i, row;

    if (!b->bays || b->bays > (BOL_YARD_BAY_MAX + 1) / 2 || !b->rows ||
        b->rows > BOL_YARD_ROW_MAX || !b->tiers || b->tiers > BOL_YARD_TIER_MAX ||
        !(b->sizes & (BOL_SIZE_20 | BOL_SIZE_40)))
        return BOL_E_INVAL;
    if (y->nblk == UINT32_MAX)
        return BOL_E_TOOBIG;
    if (y->nblk == y->capblk) {
        uint32_t cap = y->capblk ? 2 * y->capblk : 16;
        struct blk *n = bol_realloc(y->blk, (size_t) cap * sizeof(*n));

        if (!n)
            return BOL_E_NOMEM;
        y->blk = n;
        y->capblk = cap;
    }
    k = &y->blk[y->nblk];
    memset(k, 0, sizeof(*k));
    k->def = *b;
    k->g = *g;
    k->npos = (unsigned) b->bays * b->rows;
    k->stk = bol_calloc(k->npos, sizeof(*k->stk));
    k->box = bol_calloc((size_t) k->npos * b->tiers, sizeof(*k->box));
    if (!k->stk || !k->box) {
        bol_free(k->stk);
        bol_free(k->box);
        return BOL_E_NOMEM;
    }
    for (i = 0; i < b->bays; i++) {
        for (row = 1; row <= b->rows; row++) {
            struct stk *s = &k->stk[i * b->rows + row - 1];
            struct bol_stack_attr a;

            bol_block_stack_attr(b, (uint16_t) (2 * i + 1), (uint8_t) row, &a);
            s->max_kg = a.max_stack_kg;
            s->attr =
                (uint8_t) ((a.reefer ? A_REEFER : 0) | (a.dg ? A_DG : 0) |
                           (a.empties_only ? A_EMPTIES : 0) | (a.sizes & BOL_SIZE_20 ? A_20 : 0) |
                           (a.sizes & BOL_SIZE_40 ? A_40 : 0));
        }
    }
    if (ret_index)
        *ret_index = y->nblk;
    y->nblk++;
    return 0;
}

uint8_t bol_slot_weight_class(bool full, uint32_t mass_kg)
{
    if (!full)
        return 0;
    if (mass_kg <= 10000)
        return 1;
    if (mass_kg <= 18000)
        return 2;
    if (mass_kg <= 25000)
        return 3;
    return 4;
}

void bol_slot_box_from_container(const struct bol_container *c, struct bol_slot_box *out)
{
    unsigned i;

    memset(out, 0, sizeof(*out));
    out->length = bol_container_length_class(c);
    out->full = c->full;
    out->reefer = c->full && c->reefer_on;
    out->mass_kg = bol_container_mass_kg(c);
    out->weight = bol_slot_weight_class(c->full, out->mass_kg);
    out->ndg = BOL_MIN(c->ndg, (unsigned) BOL_DG_MAX);
    for (i = 0; i < out->ndg; i++)
        out->dg[i] = c->dg[i].cls;
}

/* Minutes from the snapshot's time, clamped; LEAVE_UNKNOWN when not known. */
static int32_t leave_min(const struct bol_slot_yard *y, int64_t at_us)
{
    int64_t m;

    if (!at_us)
        return LEAVE_UNKNOWN;
    m = (at_us - y->at_us) / (60 * 1000000LL);
    if (m <= INT32_MIN)
        return INT32_MIN + 1;
    if (m > INT32_MAX)
        return INT32_MAX;
    return (int32_t) m;
}

static void compact(const struct bol_slot_yard *y, const struct bol_slot_box *b, struct cbox *out)
{
    memset(out, 0, sizeof(*out));
    out->mass_kg = b->mass_kg;
    out->leave_min = leave_min(y, b->leave_at_us);
    out->vessel = b->vessel;
    out->pod = b->pod;
    out->weight = b->weight ? b->weight : bol_slot_weight_class(b->full, b->mass_kg);
    out->flags = (uint8_t) ((b->full ? F_FULL : 0) | (b->full && b->reefer ? F_REEFER : 0) |
                            (b->ndg ? F_DG : 0));
}

/* The 20 ft positions a box of `length` at `bay` takes: 1 or 2, 0 when the bay does not fit. */
static unsigned positions(const struct bol_block *b, uint16_t bay, unsigned length, unsigned *pos)
{
    if (length == 20 && bay % 2 == 1 && bay <= 2u * b->bays - 1) {
        *pos = (bay - 1u) / 2;
        return 1;
    }
    if (length == 40 && bay % 2 == 0 && bay >= 2 && bay <= 2u * b->bays - 2) {
        *pos = bay / 2u - 1;
        return 2;
    }
    return 0;
}

static int add_dg(struct blk *k, unsigned pos, uint8_t row, uint8_t tier,
                  const struct bol_slot_box *box)
{
    struct dge *e;

    if (k->ndg == k->capdg) {
        size_t cap = k->capdg ? 2 * k->capdg : 16;
        struct dge *n = bol_realloc(k->dg, cap * sizeof(*n));

        if (!n)
            return BOL_E_NOMEM;
        k->dg = n;
        k->capdg = cap;
    }
    e = &k->dg[k->ndg++];
    memset(e, 0, sizeof(*e));
    e->pos = (uint16_t) pos;
    e->row = row;
    e->tier = tier;
    e->ncls = BOL_MIN(box->ndg, (unsigned) BOL_DG_MAX);
    memcpy(e->cls, box->dg, e->ncls * sizeof(e->cls[0]));
    return 0;
}

int bol_slot_yard_put(struct bol_slot_yard *y, uint32_t block, uint16_t bay, uint8_t row,
                      const struct bol_slot_box *box)
{
    struct blk *k;
    struct stk *s[2];
    struct cbox cb;
    unsigned pos, n, i, tiers;
    size_t ndg;

    if (block >= y->nblk)
        return BOL_E_INVAL;
    k = &y->blk[block];
    tiers = k->def.tiers;
    n = positions(&k->def, bay, box->length, &pos);
    if (!n || row < 1 || row > k->def.rows)
        return BOL_E_INVAL;
    for (i = 0; i < n; i++)
        s[i] = &k->stk[(pos + i) * k->def.rows + row - 1u];
    if (s[0]->h >= tiers || (n == 2 && s[1]->h != s[0]->h))
        return BOL_E_CONFLICT;
    for (i = 0; i < n && s[0]->h; i++) {
        const struct cbox *top =
            &k->box[((pos + i) * k->def.rows + row - 1u) * tiers + s[i]->h - 1];
        unsigned want = n == 1 ? 0 : (i == 0 ? F_AFT : F_FORE);

        if ((top->flags & F_40) != want)
            return BOL_E_CONFLICT;
    }
    compact(y, box, &cb);
    ndg = k->ndg;
    for (i = 0; i < n && box->ndg; i++) {
        if (add_dg(k, pos + i, row, (uint8_t) (s[0]->h + 1), box) < 0) {
            k->ndg = ndg;
            return BOL_E_NOMEM;
        }
    }
    for (i = 0; i < n; i++) {
        struct cbox *at = &k->box[((pos + i) * k->def.rows + row - 1u) * tiers + s[i]->h];

        *at = cb;
        if (n == 2)
            at->flags = (uint8_t) (at->flags | (i == 0 ? F_AFT : F_FORE));
        s[i]->h++;
        uint64_t load = s[i]->load_half_kg + (n == 2 ? 1u : 2u) * (uint64_t) box->mass_kg;

        s[i]->load_half_kg = (uint32_t) BOL_MIN(load, (uint64_t) UINT32_MAX);
    }
    y->nbox++;
    return 0;
}

int bol_slot_yard_close(struct bol_slot_yard *y, uint32_t block, uint16_t bay20, uint8_t row,
                        bool closed)
{
    struct blk *k;
    struct stk *s;

    if (block >= y->nblk)
        return BOL_E_INVAL;
    k = &y->blk[block];
    if (bay20 % 2 != 1 || bay20 > 2u * k->def.bays - 1 || row < 1 || row > k->def.rows)
        return BOL_E_INVAL;
    s = &k->stk[(bay20 - 1u) / 2 * k->def.rows + row - 1u];
    s->attr = (uint8_t) (closed ? s->attr | A_CLOSED : s->attr & ~A_CLOSED);
    return 0;
}

/* ---- the decision ---- */

void bol_slot_weights_default(struct bol_slot_weights *w)
{
    w->reloc = 400;
    w->slack_min = 60;
    w->ramp_min = 1440;
    w->unknown_pm = 250;
    w->mix_groups = 150;
    w->same_stack = 100;
    w->same_pod = 30;
    w->same_weight = 20;
    w->same_bay = 50;
    w->travel_per_m = 1;
    w->tier = 25;
    w->headroom = 300;
    w->mix_length = 80;
    w->off_grid = 40;
    w->reserve_plug = 250;
    w->reserve_dg = 150;
}

/* What the decision needs of one 20 ft bay across its rows. */
struct bayinfo {
    int32_t free;    /* free slots in the open stacks */
    uint16_t vessel; /* boxes of the request's vessel */
    uint8_t has20, has40;
};

/* A DG box the request must be kept apart from, and how far. */
struct conflict {
    uint16_t pos;
    uint8_t row;
    int8_t seg;
};
#define CONFLICTS_MAX 512

/* What a decision holds for the request. */
struct req {
    struct cbox b;
    bool reefer, dg;
    const struct bol_slot_box *box;
    int64_t fx_dm, fy_dm;
};

/* IMDG segregation the request needs from one DG entry (the worst over their classes). */
static int seg_need(const struct req *rq, const struct dge *e)
{
    unsigned i, j;
    int s = 0;

    for (i = 0; i < rq->box->ndg && i < BOL_DG_MAX; i++) {
        for (j = 0; j < e->ncls; j++) {
            int t = bol_imdg_segregation(&rq->box->dg[i], &e->cls[j]);

            if (t > s)
                s = t;
        }
    }
    return s;
}

static unsigned udiff(unsigned a, unsigned b)
{
    return a > b ? a - b : b - a;
}

/* Expected relocations the request causes above box x, per mille, and minutes earlier. */
static int32_t reloc_pm(const struct req *rq, const struct bol_slot_weights *w,
                        const struct cbox *x, int64_t *earlier_min)
{
    int64_t d, p;

    *earlier_min = 0;
    if (rq->b.vessel && x->vessel == rq->b.vessel)
        return 0; /* one loading window */
    if (rq->b.leave_min == LEAVE_UNKNOWN || x->leave_min == LEAVE_UNKNOWN)
        return BOL_MAX(0, BOL_MIN(w->unknown_pm, 1000));
    d = (int64_t) rq->b.leave_min - x->leave_min;
    if (d <= w->slack_min)
        return 0;
    *earlier_min = d;
    p = 500 + 500 * (d - w->slack_min) / BOL_MAX(w->ramp_min, 1);
    return (int32_t) BOL_MIN(p, 1000);
}

static int32_t clamp32(int64_t v)
{
    if (v > INT32_MAX / 2)
        return INT32_MAX / 2;
    if (v < INT32_MIN / 2)
        return INT32_MIN / 2;
    return (int32_t) v;
}

/* Keep c among the top best, ties to the earlier (lower block, bay, row). */
static void offer(struct bol_slot_result *r, unsigned top, const struct bol_slot_cand *c)
{
    unsigned at = r->n;

    while (at > 0 && r->cand[at - 1].score > c->score)
        at--;
    if (at >= top)
        return;
    if (r->n < top)
        r->n++;
    memmove(&r->cand[at + 1], &r->cand[at], (r->n - 1 - at) * sizeof(r->cand[0]));
    r->cand[at] = *c;
}

/* The worst score that still gets in. */
static int32_t bar(const struct bol_slot_result *r, unsigned top)
{
    return r->n < top ? INT32_MAX : r->cand[r->n - 1].score;
}

static void bays_of(const struct blk *k, const struct req *rq, struct bayinfo *bi)
{
    unsigned i, row, t, rows = k->def.rows, tiers = k->def.tiers;

    for (i = 0; i < k->def.bays; i++) {
        struct bayinfo *b = &bi[i];

        memset(b, 0, sizeof(*b));
        for (row = 0; row < rows; row++) {
            const struct stk *s = &k->stk[i * rows + row];
            const struct cbox *box = &k->box[(i * rows + row) * tiers];

            if (!(s->attr & A_CLOSED))
                b->free += (int32_t) (tiers - s->h);
            if (!s->h)
                continue;
            if (box[0].flags & F_40)
                b->has40 = 1;
            else
                b->has20 = 1;
            if (rq->b.vessel) {
                for (t = 0; t < s->h; t++)
                    b->vessel = (uint16_t) (b->vessel + (box[t].vessel == rq->b.vessel));
            }
        }
    }
}

/* The first hard constraint that rules out the stack at positions pos (and pos+1 for 40 ft). */
static int rule_out(const struct blk *k, const struct req *rq, unsigned pos, unsigned row,
                    unsigned n, const struct conflict *cf, size_t ncf, bool cf_all)
{
    const struct stk *s0 = &k->stk[pos * k->def.rows + row];
    const struct stk *s1 = n == 2 ? s0 + k->def.rows : s0;
    unsigned attr = n == 2 ? (unsigned) (s0->attr | s1->attr) : s0->attr;
    unsigned both = n == 2 ? (unsigned) (s0->attr & s1->attr) : s0->attr;
    unsigned tiers = k->def.tiers;
    uint64_t add = n == 2 ? rq->b.mass_kg : 2 * (uint64_t) rq->b.mass_kg;
    size_t i;

    if (attr & A_CLOSED)
        return BOL_SLOT_R_CLOSED;
    if (!(both & (n == 2 ? A_40 : A_20)))
        return BOL_SLOT_R_SIZE;
    if ((attr & A_EMPTIES) && (rq->b.flags & F_FULL))
        return BOL_SLOT_R_EMPTIES;
    if (rq->reefer && !(both & A_REEFER))
        return BOL_SLOT_R_REEFER;
    if (rq->dg && !(both & A_DG))
        return BOL_SLOT_R_DG;
    if (s0->h >= tiers || (n == 2 && s1->h >= tiers))
        return BOL_SLOT_R_TIERS;
    if (n == 1) {
        if (s0->h && (k->box[(pos * k->def.rows + row) * tiers + s0->h - 1].flags & F_40))
            return BOL_SLOT_R_SHAPE;
    } else {
        if (s0->h != s1->h)
            return BOL_SLOT_R_SHAPE;
        if (s0->h &&
            ((k->box[(pos * k->def.rows + row) * tiers + s0->h - 1].flags & F_40) != F_AFT ||
             (k->box[((pos + 1) * k->def.rows + row) * tiers + s1->h - 1].flags & F_40) != F_FORE))
            return BOL_SLOT_R_SHAPE;
    }
    if (s0->load_half_kg + add > 2 * (uint64_t) s0->max_kg ||
        (n == 2 && s1->load_half_kg + add > 2 * (uint64_t) s1->max_kg))
        return BOL_SLOT_R_WEIGHT;
    if (rq->dg) {
        for (i = 0; i < (cf_all ? k->ndg : ncf); i++) {
            unsigned p, dp = UINT_MAX;
            unsigned epos = cf_all ? k->dg[i].pos : cf[i].pos;
            unsigned erow = cf_all ? k->dg[i].row : cf[i].row;
            int s = cf_all ? seg_need(rq, &k->dg[i]) : cf[i].seg;

            for (p = pos; p < pos + n; p++)
                dp = BOL_MIN(dp, udiff(p, epos));
            if (!bol_imdg_apart(s, dp, udiff(row + 1, erow)))
                return BOL_SLOT_R_SEGREGATION;
        }
    }
    return -1;
}

/* Scores the stack at pos (and pos+1 for 40 ft), row (0-based), into c. */
static void score(const struct blk *k, const struct req *rq, const struct bol_slot_weights *w,
                  const struct bayinfo *bi, unsigned pos, unsigned row, unsigned n,
                  struct bol_slot_cand *c)
{
    const struct stk *s0 = &k->stk[pos * k->def.rows + row];
    const struct cbox *box = &k->box[(pos * k->def.rows + row) * k->def.tiers];
    unsigned tiers = k->def.tiers, h = s0->h, t, i;
    int64_t pm = 0, early = 0, x2, y2, dist_dm, g = 0;
    unsigned same = 0, other = 0, facts = 0, earlier = 0;
    unsigned attr = n == 2 ? (unsigned) (s0->attr | s0[k->def.rows].attr) : s0->attr;

    /* reloc and group: the boxes below */
    for (t = 0; t < h; t++) {
        const struct cbox *x = &box[t];
        int64_t e;
        int32_t p = reloc_pm(rq, w, x, &e);

        if (p) {
            pm += p;
            earlier++;
            early = BOL_MAX(early, e);
        }
        if (rq->b.vessel && x->vessel == rq->b.vessel)
            same++;
        else if (x->vessel != rq->b.vessel)
            other++;
    }
    if (other)
        g += w->mix_groups;
    else if (same)
        g -= w->same_stack;
    if (h && rq->b.pod && box[h - 1].pod == rq->b.pod) {
        g -= w->same_pod;
        facts |= BOL_SLOT_X_SAME_POD;
    }
    if (h && rq->b.weight && box[h - 1].weight == rq->b.weight) {
        g -= w->same_weight;
        facts |= BOL_SLOT_X_SAME_WEIGHT;
    }
    for (i = 0; i < n && rq->b.vessel; i++) {
        if (bi[pos + i].vessel > same) {
            g -= w->same_bay;
            facts |= BOL_SLOT_X_SAME_BAY;
            break;
        }
    }

    /* travel: twice the coordinates, so a 40 ft slot's midpoint stays whole */
    x2 = 20 * (int64_t) k->g.x_m + (int64_t) (2 * pos + n - 1) * k->g.bay_dx_dm +
         2 * (int64_t) row * k->g.row_dx_dm;
    y2 = 20 * (int64_t) k->g.y_m + (int64_t) (2 * pos + n - 1) * k->g.bay_dy_dm +
         2 * (int64_t) row * k->g.row_dy_dm;
    x2 -= 2 * rq->fx_dm;
    y2 -= 2 * rq->fy_dm;
    dist_dm = ((x2 < 0 ? -x2 : x2) + (y2 < 0 ? -y2 : y2)) / 2;

    /* height, mix, reserve */
    for (i = 0; i < n; i++) {
        if (bi[pos + i].free - 1 < (int32_t) tiers - 1)
            facts |= BOL_SLOT_X_HEADROOM;
        if (n == 1 ? bi[pos].has40 : bi[pos + i].has20)
            facts |= BOL_SLOT_X_MIX_LENGTH;
    }
    if (n == 2 && (2 * pos + 2) % 4 != 2)
        facts |= BOL_SLOT_X_OFF_GRID;
    if ((attr & A_REEFER) && !rq->reefer)
        facts |= BOL_SLOT_X_PLUG;
    if ((attr & A_DG) && !rq->dg)
        facts |= BOL_SLOT_X_DG_ZONE;

    c->tier = (uint8_t) (h + 1);
    c->tiers = (uint8_t) tiers;
    c->earlier = (uint8_t) earlier;
    c->earlier_h = (uint16_t) BOL_MIN((early + 59) / 60, (int64_t) UINT16_MAX);
    c->reloc_pm = (uint16_t) BOL_MIN(pm, (int64_t) UINT16_MAX);
    c->same_vessel = (uint8_t) same;
    c->other_groups = (uint8_t) other;
    c->travel_m = (uint32_t) BOL_MIN((dist_dm + 5) / 10, (int64_t) UINT32_MAX);
    c->facts = facts;
    c->term[BOL_SLOT_T_RELOC] = clamp32((int64_t) w->reloc * pm / 1000);
    c->term[BOL_SLOT_T_GROUP] = clamp32(g);
    c->term[BOL_SLOT_T_TRAVEL] = clamp32((int64_t) w->travel_per_m * c->travel_m);
    c->term[BOL_SLOT_T_HEIGHT] =
        clamp32((int64_t) w->tier * h + (facts & BOL_SLOT_X_HEADROOM ? w->headroom : 0));
    c->term[BOL_SLOT_T_MIX] =
        clamp32((facts & BOL_SLOT_X_MIX_LENGTH ? (int64_t) w->mix_length : 0) +
                (facts & BOL_SLOT_X_OFF_GRID ? w->off_grid : 0));
    c->term[BOL_SLOT_T_RESERVE] =
        clamp32((facts & BOL_SLOT_X_PLUG ? (int64_t) w->reserve_plug : 0) +
                (facts & BOL_SLOT_X_DG_ZONE ? w->reserve_dg : 0));
    for (i = 0, g = 0; i < BOL_SLOT_TERMS; i++)
        g += c->term[i];
    c->score = (int32_t) BOL_MAX(BOL_MIN(g, (int64_t) INT32_MAX - 1), (int64_t) INT32_MIN);
}

/* The DG boxes of block k the request must keep apart from; false when there are too many. */
static bool conflicts_of(const struct blk *k, const struct req *rq, struct conflict *cf,
                         size_t *ncf)
{
    size_t i;

    *ncf = 0;
    for (i = 0; i < k->ndg; i++) {
        int s = seg_need(rq, &k->dg[i]);

        if (s <= 0)
            continue;
        if (*ncf == CONFLICTS_MAX)
            return false;
        cf[*ncf].pos = k->dg[i].pos;
        cf[*ncf].row = k->dg[i].row;
        cf[*ncf].seg = (int8_t) s;
        (*ncf)++;
    }
    return true;
}

int bol_slot_choose(const struct bol_slot_yard *y, const struct bol_slot_request *rqst,
                    const struct bol_slot_weights *w, struct bol_slot_result *ret)
{
    struct bol_slot_weights dw;
    struct bayinfo bi[(BOL_YARD_BAY_MAX + 1) / 2];
    struct conflict cf[CONFLICTS_MAX];
    struct req rq;
    unsigned top, n;
    uint32_t bk;

    if (rqst->box.length != 20 && rqst->box.length != 40)
        return BOL_E_INVAL;
    if (!w) {
        bol_slot_weights_default(&dw);
        w = &dw;
    }
    top = rqst->top ? BOL_MIN(rqst->top, (unsigned) BOL_SLOT_TOP_MAX) : 1;
    n = rqst->box.length == 40 ? 2 : 1;
    memset(&rq, 0, sizeof(rq));
    compact(y, &rqst->box, &rq.b);
    rq.reefer = rqst->box.reefer && rqst->box.full; /* as the rules: a running reefer */
    rq.dg = rqst->box.ndg > 0;
    rq.box = &rqst->box;
    rq.fx_dm = 10 * (int64_t) rqst->from_x_m;
    rq.fy_dm = 10 * (int64_t) rqst->from_y_m;
    memset(ret, 0, sizeof(*ret));

    for (bk = 0; bk < y->nblk; bk++) {
        const struct blk *k = &y->blk[bk];
        unsigned npos = k->def.bays + 1 - n, pos, row;
        size_t ncf = 0;
        bool cf_all = false;
        bool bays_done = false;

        if (rq.dg && k->ndg)
            cf_all = !conflicts_of(k, &rq, cf, &ncf);
        for (pos = 0; pos < npos; pos++) {
            for (row = 0; row < k->def.rows; row++) {
                struct bol_slot_cand c;
                int why;

                ret->stacks++;
                why = rule_out(k, &rq, pos, row, n, cf, ncf, cf_all);
                if (why >= 0) {
                    ret->ruled_out[why]++;
                    continue;
                }
                ret->fit++;
                if (!bays_done) {
                    bays_of(k, &rq, bi);
                    bays_done = true;
                }
                memset(&c, 0, sizeof(c));
                c.block = bk;
                c.bay = (uint16_t) (n == 2 ? 2 * pos + 2 : 2 * pos + 1);
                c.row = (uint8_t) (row + 1);
                score(k, &rq, w, bi, pos, row, n, &c);
                if (c.score < bar(ret, top))
                    offer(ret, top, &c);
            }
        }
    }
    return ret->n ? 0 : BOL_E_NOTFOUND;
}

/* ---- explanations ---- */

/* A line being written: what fits goes to out, need counts all of it. */
struct line {
    char *out;
    size_t size, need;
};

BOL_PRINTF(2, 3)
static void add(struct line *l, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *at = l->need < l->size ? l->out + l->need : NULL;
    size_t room = l->need < l->size ? l->size - l->need : 0;

    va_start(ap, fmt);
    n = vsnprintf(at, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->need += (size_t) n;
}

static void init_line(struct line *l, char *out, size_t size)
{
    l->out = out;
    l->size = size;
    l->need = 0;
    if (size)
        out[0] = '\0';
}

size_t bol_slot_explain(const struct bol_slot_yard *y, const struct bol_slot_cand *c, char *out,
                        size_t size)
{
    struct line l;
    struct bol_yard_addr a;
    char at[BOL_YARD_ADDR_TEXT_MAX];
    const char *sep = "";

    init_line(&l, out, size);
    memset(&a, 0, sizeof(a));
    if (c->block < y->nblk) {
        snprintf(a.terminal, sizeof(a.terminal), "%s", y->blk[c->block].def.terminal);
        snprintf(a.block, sizeof(a.block), "%s", y->blk[c->block].def.code);
    }
    a.bay = c->bay;
    a.row = c->row;
    a.tier = c->tier;
    a.level = BOL_YARD_SLOT;
    bol_yard_addr_format(&a, at);
    add(&l, "%s score %" PRId32 ": ", at, c->score);

    add(&l, "reloc %" PRId32 " (", c->term[BOL_SLOT_T_RELOC]);
    if (!c->earlier)
        add(&l, "none below leaves earlier)");
    else if (c->earlier_h)
        add(&l, "%u below may leave earlier, up to %u h: %u.%02u expected)", (unsigned) c->earlier,
            (unsigned) c->earlier_h, c->reloc_pm / 1000u, c->reloc_pm % 1000u / 10u);
    else
        add(&l, "%u below with no known time: %u.%02u expected)", (unsigned) c->earlier,
            c->reloc_pm / 1000u, c->reloc_pm % 1000u / 10u);

    add(&l, ", group %" PRId32 " (", c->term[BOL_SLOT_T_GROUP]);
    if (c->same_vessel) {
        add(&l, "%s%u of its vessel", sep, (unsigned) c->same_vessel);
        sep = ", ";
    }
    if (c->other_groups) {
        add(&l, "%s%u of other departures", sep, (unsigned) c->other_groups);
        sep = ", ";
    }
    if (c->facts & BOL_SLOT_X_SAME_POD) {
        add(&l, "%ssame POD", sep);
        sep = ", ";
    }
    if (c->facts & BOL_SLOT_X_SAME_WEIGHT) {
        add(&l, "%ssame weight class", sep);
        sep = ", ";
    }
    if (c->facts & BOL_SLOT_X_SAME_BAY) {
        add(&l, "%svessel in bay", sep);
        sep = ", ";
    }
    add(&l, "%s)", *sep ? "" : "nothing to group with");

    add(&l, ", travel %" PRId32 " (%" PRIu32 " m)", c->term[BOL_SLOT_T_TRAVEL], c->travel_m);
    add(&l, ", height %" PRId32 " (tier %u of %u%s)", c->term[BOL_SLOT_T_HEIGHT],
        (unsigned) c->tier, (unsigned) c->tiers,
        c->facts & BOL_SLOT_X_HEADROOM ? ", bay short of dig-out room" : "");

    add(&l, ", mix %" PRId32, c->term[BOL_SLOT_T_MIX]);
    if (c->facts & (BOL_SLOT_X_MIX_LENGTH | BOL_SLOT_X_OFF_GRID))
        add(&l, " (%s%s%s)", c->facts & BOL_SLOT_X_MIX_LENGTH ? "20 ft and 40 ft in a bay" : "",
            (c->facts & BOL_SLOT_X_MIX_LENGTH) && (c->facts & BOL_SLOT_X_OFF_GRID) ? ", " : "",
            c->facts & BOL_SLOT_X_OFF_GRID ? "off the 40 ft pair grid" : "");
    add(&l, ", reserve %" PRId32, c->term[BOL_SLOT_T_RESERVE]);
    if (c->facts & (BOL_SLOT_X_PLUG | BOL_SLOT_X_DG_ZONE))
        add(&l, " (%s%s%s)",
            c->facts & BOL_SLOT_X_PLUG ? "takes a reefer plug it does not need" : "",
            (c->facts & BOL_SLOT_X_PLUG) && (c->facts & BOL_SLOT_X_DG_ZONE) ? ", " : "",
            c->facts & BOL_SLOT_X_DG_ZONE ? "takes a DG zone it does not need" : "");
    return l.need;
}

size_t bol_slot_explain_rules(const struct bol_slot_result *r, char *out, size_t size)
{
    struct line l;
    const char *sep = "; ruled out: ";
    unsigned i;

    init_line(&l, out, size);
    if (!r->stacks)
        add(&l, "no slot: the yard has no stacks");
    else if (!r->fit)
        add(&l, "no slot: none of %u stacks fits", r->stacks);
    else
        add(&l, "%u stacks, %u fit", r->stacks, r->fit);
    for (i = 0; i < BOL_SLOT_RULES; i++) {
        if (!r->ruled_out[i])
            continue;
        add(&l, "%s%u %s", sep, r->ruled_out[i], bol_slot_rule_names[i]);
        sep = ", ";
    }
    return l.need;
}
