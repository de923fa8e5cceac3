/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yard_plan.c - dig-outs planned by the block relocation solver
 */
#include "yard_plan.h"

#include <stdio.h>
#include <string.h>

#include "cpmp.h"
#include "mem.h"
#include "query.h"
#include "rules.h"
#include "storeview.h"

/* Expected departure classes, earliest first (yard_plan.h). */
enum leaves { LEAVES_NOW = 0, LEAVES_QUEUED, LEAVES_VESSEL, LEAVES_UNKNOWN };

static int stack_of(struct bol_store_view *sv, const struct bol_yard_addr *at,
                    const uint16_t *bay20, unsigned npos, uint8_t row, struct bol_view_box *boxes,
                    unsigned *n, struct bol_diag *diag)
{
    struct bol_view_box other[BOL_BAY_TIERS_MAX + 1];
    unsigned m;
    int rc = sv->view.yard_stack(sv->view.ctx, at->terminal, at->block, bay20[0], row, boxes,
                                 BOL_BAY_TIERS_MAX + 1, n);
    if (rc < 0)
        return rc;
    for (unsigned i = 0; i < *n; i++) {
        if (boxes[i].tier != i + 1)
            return bol_diag_fail(diag, BOL_E_CORRUPT, "id",
                                 "row %u of the bay has a gap at tier %u", (unsigned) row, i + 1);
        if (boxes[i].length != (npos == 2 ? 40u : 20u))
            return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "id",
                                 "row %u of the bay holds a %u ft box among %u ft ones: dig-outs "
                                 "are planned in bays of one length",
                                 (unsigned) row, boxes[i].length, npos == 2 ? 40u : 20u);
    }
    if (npos == 2) {
        rc = sv->view.yard_stack(sv->view.ctx, at->terminal, at->block, bay20[1], row, other,
                                 BOL_BAY_TIERS_MAX + 1, &m);
        if (rc < 0)
            return rc;
        if (m != *n)
            return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "id",
                                 "row %u: the two halves of the 40 ft bay differ", (unsigned) row);
        for (unsigned i = 0; i < m; i++)
            if (strcmp(other[i].id.s, boxes[i].id.s) != 0)
                return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "id",
                                     "row %u: the two halves of the 40 ft bay differ",
                                     (unsigned) row);
    }
    return 0;
}

/* When box id is expected to leave (yard_plan.h). */
static int leaves(struct bol_store_view *sv, const char *id, uint64_t *key)
{
    struct bol_container c;
    uint64_t wid;
    int rc = sv->view.open_wi(sv->view.ctx, id, &wid);
    if (rc == 0) {
        struct bol_wi w;
        if ((rc = sv->view.wi(sv->view.ctx, wid, &w)) < 0)
            return rc;
        if (w.kind == BOL_WI_LOAD || w.kind == BOL_WI_GTOT) {
            uint64_t q = w.queue_seq > 0 ? (uint64_t) w.queue_seq : 0;
            *key = (uint64_t) LEAVES_QUEUED << 48 | (q < (1ull << 47) ? q : (1ull << 47));
            return 0;
        }
    } else if (rc != BOL_E_NOTFOUND) {
        return rc;
    }
    if ((rc = sv->view.container(sv->view.ctx, id, &c)) < 0)
        return rc;
    bool vessel = c.category == BOL_CAT_EXPORT || c.category == BOL_CAT_TRANSSHIPMENT;
    *key = (uint64_t) (vessel ? LEAVES_VESSEL : LEAVES_UNKNOWN) << 48;
    return 0;
}

static bool no_limit(void *ctx)
{
    (void) ctx;
    return false;
}

/* A node budget that answers in well under a second on a yard bay. */
static const struct bol_plan_limits default_budget = { .nodes = 200000, .expired = no_limit };

/* A bay of the live yard as the solvers see it, with the boxes' ids. */
struct live_bay {
    struct bol_bay bay;
    struct bol_yard_addr at; /* terminal, block and yard bay; row and tier unused */
    struct bol_container_id id[BOL_BAY_STACKS_MAX][BOL_BAY_TIERS_MAX];
};

/*
 * Reads the bay of 20 ft positions bay20[0..npos) (one for a 20 ft bay, both
 * halves of a 40 ft one) of block blk into lb, every box ranked by when it
 * is expected to leave; `first`, if not NULL, leaves first of all.
 */
static int read_bay(struct bol_store_view *sv, const struct bol_block *blk, uint16_t yard_bay,
                    const uint16_t *bay20, unsigned npos, const char *first, struct live_bay *lb,
                    struct bol_diag *diag)
{
    uint64_t keys[BOL_BAY_STACKS_MAX][BOL_BAY_TIERS_MAX], seen[BOL_BAY_BOXES_MAX];
    unsigned nseen = 0;
    int rc;

    if (blk->rows > BOL_BAY_STACKS_MAX || blk->tiers > BOL_BAY_TIERS_MAX)
        return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "block",
                             "block %s has %u rows of %u tiers: bays are planned up to %u x %u",
                             blk->code, blk->rows, blk->tiers, BOL_BAY_STACKS_MAX,
                             BOL_BAY_TIERS_MAX);
    memset(lb, 0, sizeof(*lb));
    snprintf(lb->at.terminal, sizeof(lb->at.terminal), "%s", blk->terminal);
    snprintf(lb->at.block, sizeof(lb->at.block), "%s", blk->code);
    lb->at.bay = yard_bay;
    lb->at.level = BOL_YARD_SLOT;
    lb->bay.stacks = blk->rows;
    lb->bay.max_height = blk->tiers;
    for (unsigned row = 1; row <= blk->rows; row++) {
        struct bol_view_box vb[BOL_BAY_TIERS_MAX + 1];
        unsigned n;
        if ((rc = stack_of(sv, &lb->at, bay20, npos, (uint8_t) row, vb, &n, diag)) < 0)
            return rc;
        if (n > blk->tiers || lb->bay.n + n > BOL_BAY_BOXES_MAX)
            return bol_diag_fail(diag, BOL_E_CORRUPT, "block", "row %u holds %u boxes", row, n);
        for (unsigned t = 0; t < n; t++) {
            uint64_t *k = &keys[row - 1][t];
            lb->id[row - 1][t] = vb[t].id;
            if (first && !strcmp(vb[t].id.s, first))
                *k = (uint64_t) LEAVES_NOW << 48;
            else if ((rc = leaves(sv, vb[t].id.s, k)) < 0)
                return rc;
            unsigned i = 0;
            while (i < nseen && seen[i] < *k)
                i++;
            if (i == nseen || seen[i] != *k) {
                memmove(&seen[i + 1], &seen[i], (nseen - i) * sizeof(seen[0]));
                seen[i] = *k;
                nseen++;
            }
        }
        lb->bay.height[row - 1] = (uint8_t) n;
        lb->bay.n += n;
    }
    /* a box's priority: 1 + how many departure keys come before its own */
    for (unsigned row = 0; row < lb->bay.stacks; row++)
        for (unsigned t = 0; t < lb->bay.height[row]; t++) {
            unsigned i = 0;
            while (seen[i] != keys[row][t])
                i++;
            lb->bay.prio[row][t] = (uint8_t) (i + 1);
        }
    return 0;
}

/*
 * Turns k stack-to-stack moves of the solver into slot-to-slot moves of
 * named boxes (out), replaying them on lb (which they change).
 */
static void name_moves(struct live_bay *lb, const struct bol_bay_move *m, size_t k,
                       struct bol_digout_move *out)
{
    for (size_t i = 0; i < k; i++) {
        unsigned a = m[i].from, b = m[i].to;
        uint8_t *h = lb->bay.height;
        out[i].id = lb->id[a][h[a] - 1];
        out[i].from = lb->at;
        out[i].from.row = (uint8_t) (a + 1);
        out[i].from.tier = h[a];
        out[i].to = lb->at;
        out[i].to.row = (uint8_t) (b + 1);
        out[i].to.tier = (uint8_t) (h[b] + 1);
        lb->id[b][h[b]] = lb->id[a][h[a] - 1];
        lb->bay.prio[b][h[b]] = lb->bay.prio[a][h[a] - 1];
        h[a]--;
        h[b]++;
    }
}

/* The container id, or BOL_E_NOTFOUND saying so. */
static int get_box(struct bol_store_view *sv, const char *id, struct bol_container *c,
                   struct bol_diag *diag)
{
    int rc = sv->view.container(sv->view.ctx, id, c);
    if (rc == BOL_E_NOTFOUND)
        return bol_diag_fail(diag, rc, "id", "no container %s", id);
    return rc;
}

int bol_ops_digout(struct bol_store *s, const char *id, const struct bol_plan_limits *lim,
                   struct bol_digout *out, struct bol_diag *diag)
{
    struct bol_store_view sv;
    struct bol_container c;
    struct bol_block blk;
    struct live_bay lb;
    uint16_t bay20[2];
    unsigned npos;
    struct bol_brp_result r = { 0 };
    int rc;

    memset(out, 0, sizeof(*out));
    bol_store_view_init(&sv, s, diag);
    if ((rc = get_box(&sv, id, &c, diag)) < 0)
        return rc;
    if (c.place.kind != BOL_PLACE_YARD)
        return bol_diag_fail(diag, BOL_E_STATE, "id", "%s is not in the yard (%s)", c.id.s,
                             bol_place_kind_names[c.place.kind]);
    out->target = c.id;
    out->at = c.place.yard;
    if ((rc = sv.view.block(sv.view.ctx, c.place.yard.terminal, c.place.yard.block, &blk)) < 0 ||
        (rc = bol_yard_positions(c.place.yard.bay, bol_container_length_class(&c), bay20, &npos,
                                 diag)) < 0 ||
        (rc = read_bay(&sv, &blk, c.place.yard.bay, bay20, npos, c.id.s, &lb, diag)) < 0)
        return rc;
    out->stacks = lb.bay.stacks;
    out->tiers = lb.bay.max_height;
    out->boxes = lb.bay.n;

    rc = bol_brp_solve(&lb.bay, BOL_BRP_RESTRICTED, lim ? lim : &default_budget, &r);
    if (rc == BOL_E_INVAL)
        return bol_diag_fail(diag, BOL_E_STATE, "id",
                             "no room in the bay to put the boxes on %s (%u rows of %u tiers)",
                             c.id.s, blk.rows, blk.tiers);
    if (rc < 0)
        return bol_diag_fail(diag, rc, "id", "planning the dig-out failed");
    out->bay_relocations = r.relocations;
    out->lower_bound = r.lower_bound;
    out->proven_optimal = r.proven_optimal;

    /* the moves before the box itself leaves */
    size_t k = 0;
    while (k < r.n && r.moves[k].to != BOL_BAY_OUT)
        k++;
    out->moves = bol_calloc(k ? k : 1, sizeof(*out->moves));
    if (!out->moves) {
        bol_brp_result_release(&r);
        return bol_diag_fail(diag, BOL_E_NOMEM, "id", "out of memory");
    }
    name_moves(&lb, r.moves, k, out->moves);
    out->n = k;
    bol_brp_result_release(&r);
    for (size_t i = 0; i < k; i++) {
        uint64_t wid;
        int w = sv.view.open_wi(sv.view.ctx, out->moves[i].id.s, &wid);
        if (w == 0) {
            bol_diag_fail(diag, BOL_E_CONFLICT, "id",
                          "%s, on %s, already has open work instruction %llu", out->moves[i].id.s,
                          c.id.s, (unsigned long long) wid);
            bol_digout_release(out);
            return BOL_E_CONFLICT;
        }
        if (w != BOL_E_NOTFOUND) {
            bol_digout_release(out);
            return w;
        }
    }
    return 0;
}

/* -- pre-marshalling a block ------------------------------------------------ */

/* The bays of a block in order: 20 ft lines, or clean 40 ft bays (both
 * lines hold the same 40 ft boxes).  Returns the next bay's 20 ft
 * positions after *line (0 to start), or 0 at the end; *why says why a
 * line is not a bay that can be planned (then the bay is skipped). */
static unsigned next_bay(struct bol_store_view *sv, const struct bol_block *blk, uint16_t *line,
                         uint16_t bay20[2], uint16_t *yard_bay, const char **why)
{
    *why = NULL;
    *line = *line ? (uint16_t) (*line + 2) : 1;
    if (*line > 2 * blk->bays - 1)
        return 0;
    bay20[0] = *line;
    *yard_bay = *line;
    bool has40 = false, has20 = false;
    for (unsigned row = 1; row <= blk->rows; row++) {
        struct bol_view_box vb[BOL_BAY_TIERS_MAX + 1];
        unsigned n;
        if (sv->view.yard_stack(sv->view.ctx, blk->terminal, blk->code, *line, (uint8_t) row, vb,
                                BOL_BAY_TIERS_MAX + 1, &n) < 0) {
            *why = "the store could not be read";
            return 1;
        }
        for (unsigned i = 0; i < n; i++) {
            has40 |= vb[i].length == 40;
            has20 |= vb[i].length != 40;
        }
    }
    if (has40 && has20) {
        *why = "it mixes 20 and 40 ft boxes";
        return 1;
    }
    if (!has40)
        return 1;
    /* a 40 ft bay: this line and the next, taken together */
    if (*line + 2 > 2 * blk->bays - 1) {
        *why = "its 40 ft boxes stand across the block's end";
        return 1;
    }
    bay20[1] = (uint16_t) (*line + 2);
    *yard_bay = (uint16_t) (*line + 1);
    *line = (uint16_t) (*line + 2);
    return 2;
}

static int add_bay(struct bol_premarshal *p, const struct bol_premarshal_bay *b)
{
    struct bol_premarshal_bay *nb = bol_realloc(p->bays, (p->nbays + 1) * sizeof(*nb));
    if (!nb)
        return BOL_E_NOMEM;
    p->bays = nb;
    nb[p->nbays++] = *b;
    return 0;
}

static int add_moves(struct bol_premarshal *p, struct live_bay *lb, const struct bol_bay_move *m,
                     size_t k)
{
    struct bol_digout_move *nm = bol_realloc(p->moves, (p->n + k + 1) * sizeof(*nm));
    if (!nm)
        return BOL_E_NOMEM;
    p->moves = nm;
    name_moves(lb, m, k, nm + p->n);
    p->n += k;
    return 0;
}

int bol_ops_premarshal(struct bol_store *s, const char *terminal, const char *block,
                       uint16_t only_bay, const struct bol_plan_limits *lim,
                       struct bol_premarshal *out, struct bol_diag *diag)
{
    struct bol_store_view sv;
    struct bol_block blk;
    uint16_t line = 0, bay20[2], yard_bay;
    unsigned npos;
    const char *why;
    int rc;

    memset(out, 0, sizeof(*out));
    bol_store_view_init(&sv, s, diag);
    rc = sv.view.block(sv.view.ctx, terminal, block, &blk);
    if (rc == BOL_E_NOTFOUND)
        return bol_diag_fail(diag, rc, "block", "no block %s/%s", terminal, block);
    if (rc < 0)
        return rc;
    snprintf(out->block.terminal, sizeof(out->block.terminal), "%s", blk.terminal);
    snprintf(out->block.block, sizeof(out->block.block), "%s", blk.code);
    out->block.level = BOL_YARD_BLOCK;
    while ((npos = next_bay(&sv, &blk, &line, bay20, &yard_bay, &why)) != 0) {
        struct bol_premarshal_bay pb = { .bay = yard_bay, .first = out->n, .skipped = why };
        struct live_bay lb;
        struct bol_cpmp_result r;

        if (only_bay && only_bay != yard_bay && only_bay != bay20[0] && only_bay != bay20[npos - 1])
            continue;
        if (!why && (rc = read_bay(&sv, &blk, yard_bay, bay20, npos, NULL, &lb, diag)) < 0) {
            if (rc != BOL_E_UNSUPPORTED)
                goto fail;
            pb.skipped = "its rows are not of one length";
        }
        if (pb.skipped) {
            if ((rc = add_bay(out, &pb)) < 0)
                goto fail;
            continue;
        }
        pb.boxes = lb.bay.n;
        if ((rc = bol_cpmp_solve(&lb.bay, lim ? lim : &default_budget, &r)) < 0)
            goto fail;
        pb.solved = r.solved;
        pb.lower_bound = r.lower_bound;
        pb.proven_optimal = r.proven_optimal;
        if (!r.solved) {
            pb.skipped = "no plan found within the budget (too full to sort?)";
        } else {
            /* the moves that can be instructed now: up to a box moved twice,
             * or one that already has an open work instruction */
            size_t now = 0;
            bool moved[BOL_BAY_STACKS_MAX][BOL_BAY_TIERS_MAX] = { { false } };
            struct bol_bay probe = lb.bay;
            uint8_t *h = probe.height;
            for (; now < r.n; now++) {
                unsigned a = r.moves[now].from, b = r.moves[now].to;
                uint64_t wid;
                if (moved[a][h[a] - 1])
                    break;
                rc = sv.view.open_wi(sv.view.ctx, lb.id[a][h[a] - 1].s, &wid);
                if (rc == 0)
                    break;
                if (rc != BOL_E_NOTFOUND) {
                    bol_cpmp_result_release(&r);
                    goto fail;
                }
                moved[b][h[b]] = true;
                moved[a][h[a] - 1] = false;
                h[a]--;
                h[b]++;
            }
            pb.moves = (unsigned) r.n;
            pb.now = now;
            pb.n = r.n;
            rc = add_moves(out, &lb, r.moves, r.n);
        }
        bol_cpmp_result_release(&r);
        if (rc < 0 || (rc = add_bay(out, &pb)) < 0)
            goto fail;
    }
    if (only_bay && out->nbays == 0) {
        rc = bol_diag_fail(diag, BOL_E_NOTFOUND, "bay", "block %s has no bay %u", blk.code,
                           (unsigned) only_bay);
        goto fail;
    }
    return 0;
fail:
    if (rc == BOL_E_NOMEM)
        bol_diag_fail(diag, rc, "block", "out of memory");
    bol_premarshal_release(out);
    return rc;
}

void bol_premarshal_release(struct bol_premarshal *p)
{
    bol_free(p->bays);
    bol_free(p->moves);
    memset(p, 0, sizeof(*p));
}

json_t *bol_premarshal_json(const struct bol_premarshal *p)
{
    char from[BOL_YARD_ADDR_TEXT_MAX], to[BOL_YARD_ADDR_TEXT_MAX];
    json_t *bays = json_array();
    for (size_t i = 0; bays && i < p->nbays; i++) {
        const struct bol_premarshal_bay *b = &p->bays[i];
        json_t *o, *moves = json_array();
        for (size_t j = 0; moves && j < b->n; j++) {
            const struct bol_digout_move *m = &p->moves[b->first + j];
            bol_yard_addr_format(&m->from, from);
            bol_yard_addr_format(&m->to, to);
            if (json_array_append_new(
                    moves, json_pack("{s:s,s:s,s:s}", "id", m->id.s, "from", from, "to", to)) < 0) {
                json_decref(moves);
                moves = NULL;
            }
        }
        o = json_pack("{s:I,s:I,s:o*}", "bay", (json_int_t) b->bay, "boxes", (json_int_t) b->boxes,
                      "moves", moves);
        if (o && b->skipped)
            json_object_set_new(o, "skipped", json_string(b->skipped));
        else if (o)
            json_object_update_new(o, json_pack("{s:I,s:b,s:I}", "lower_bound",
                                                (json_int_t) b->lower_bound, "proven_optimal",
                                                b->proven_optimal, "now", (json_int_t) b->now));
        if (!o || json_array_append_new(bays, o) < 0) {
            json_decref(bays);
            return NULL;
        }
    }
    return json_pack("{s:s,s:s,s:o}", "terminal", p->block.terminal, "block", p->block.block,
                     "bays", bays);
}

json_t *bol_premarshal_commands(const struct bol_premarshal *p, int64_t priority)
{
    char to[BOL_YARD_ADDR_TEXT_MAX];
    json_t *a = json_array();
    json_int_t seq = 0;
    for (size_t i = 0; a && i < p->nbays; i++)
        for (size_t j = 0; j < p->bays[i].now; j++) {
            const struct bol_digout_move *m = &p->moves[p->bays[i].first + j];
            bol_yard_addr_format(&m->to, to);
            if (json_array_append_new(a,
                                      json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "cmd", "wi.plan",
                                                "kind", "shft", "id", m->id.s, "to", to, "priority",
                                                (json_int_t) priority, "queue_seq", ++seq)) < 0) {
                json_decref(a);
                return NULL;
            }
        }
    return a;
}

void bol_digout_release(struct bol_digout *d)
{
    bol_free(d->moves);
    d->moves = NULL;
    d->n = 0;
}

json_t *bol_digout_json(const struct bol_digout *d)
{
    char at[BOL_YARD_ADDR_TEXT_MAX], from[BOL_YARD_ADDR_TEXT_MAX], to[BOL_YARD_ADDR_TEXT_MAX];
    json_t *moves = json_array();
    bol_yard_addr_format(&d->at, at);
    for (size_t i = 0; moves && i < d->n; i++) {
        bol_yard_addr_format(&d->moves[i].from, from);
        bol_yard_addr_format(&d->moves[i].to, to);
        if (json_array_append_new(moves, json_pack("{s:s,s:s,s:s}", "id", d->moves[i].id.s, "from",
                                                   from, "to", to)) < 0) {
            json_decref(moves);
            return NULL;
        }
    }
    return json_pack("{s:s,s:s,s:{s:I,s:I,s:I},s:o,s:I,s:I,s:b}", "id", d->target.s, "slot", at,
                     "bay", "rows", (json_int_t) d->stacks, "tiers", (json_int_t) d->tiers, "boxes",
                     (json_int_t) d->boxes, "moves", moves, "bay_relocations",
                     (json_int_t) d->bay_relocations, "lower_bound", (json_int_t) d->lower_bound,
                     "proven_optimal", d->proven_optimal);
}

json_t *bol_digout_commands(const struct bol_digout *d, int64_t priority)
{
    char to[BOL_YARD_ADDR_TEXT_MAX];
    json_t *a = json_array();
    for (size_t i = 0; a && i < d->n; i++) {
        bol_yard_addr_format(&d->moves[i].to, to);
        if (json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "cmd", "wi.plan",
                                               "kind", "rhdl", "id", d->moves[i].id.s, "to", to,
                                               "priority", (json_int_t) priority, "queue_seq",
                                               (json_int_t) (i + 1))) < 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* -- slot suggestions --------------------------------------------------------- */

/* Small numbers for the planner's vessel and POD fields, first come first numbered. */
struct names {
    char v[256][BOL_VISIT_ID_MAX + 1];
    unsigned n;
};

static uint16_t number_of(struct names *t, const char *name)
{
    if (!name || !name[0])
        return 0;
    for (unsigned i = 0; i < t->n; i++)
        if (!strcmp(t->v[i], name))
            return (uint16_t) (i + 1);
    if (t->n == 256)
        return 0; /* more than the planner tells apart: unknown */
    snprintf(t->v[t->n], sizeof(t->v[0]), "%s", name);
    return (uint16_t) ++t->n;
}

/* What the planner knows of box c: its vessel and when it leaves, when an
 * open load instruction names the vessel. */
static int slot_box(struct bol_store_view *sv, const struct bol_container *c, struct names *ves,
                    struct names *pods, struct bol_slot_box *out)
{
    uint64_t wid;
    bol_slot_box_from_container(c, out);
    out->pod = number_of(pods, c->pod);
    int rc = sv->view.open_wi(sv->view.ctx, c->id.s, &wid);
    if (rc == 0) {
        struct bol_wi w;
        if ((rc = sv->view.wi(sv->view.ctx, wid, &w)) < 0)
            return rc;
        if (w.kind == BOL_WI_LOAD && w.to.kind == BOL_PLACE_VESSEL) {
            struct bol_visit v;
            out->vessel = number_of(ves, w.to.visit);
            /* it leaves when its vessel does */
            if ((rc = sv->view.visit(sv->view.ctx, w.to.visit, &v)) < 0)
                return rc;
            out->leave_at_us = v.atd ? v.atd : v.etd;
        }
        return 0;
    }
    return rc == BOL_E_NOTFOUND ? 0 : rc;
}

static int snapshot_block(struct bol_store_view *sv, struct bol_slot_yard *y, const char *terminal,
                          const char *code, struct names *ves, struct names *pods,
                          struct bol_diag *diag)
{
    static const struct bol_slot_geom nowhere = { 0 };
    struct bol_block blk;
    uint32_t bi;
    int rc;

    if ((rc = sv->view.block(sv->view.ctx, terminal, code, &blk)) < 0 ||
        (rc = bol_slot_yard_add_block(y, &blk, &nowhere, &bi)) < 0)
        return rc;
    for (unsigned line = 1; line <= 2u * blk.bays - 1; line += 2)
        for (unsigned row = 1; row <= blk.rows; row++) {
            struct bol_view_box vb[BOL_YARD_TIER_MAX + 1];
            unsigned n;
            if ((rc = sv->view.yard_stack(sv->view.ctx, terminal, code, (uint16_t) line,
                                          (uint8_t) row, vb, BOL_YARD_TIER_MAX + 1, &n)) < 0)
                return rc;
            for (unsigned t = 0; t < n; t++) {
                struct bol_container c;
                struct bol_slot_box box;
                if ((rc = sv->view.container(sv->view.ctx, vb[t].id.s, &c)) < 0)
                    return rc;
                /* a 40 ft box is put once, from the first of its two lines */
                if (vb[t].length == 40 && c.place.yard.bay != line + 1)
                    continue;
                if ((rc = slot_box(sv, &c, ves, pods, &box)) < 0)
                    return rc;
                box.length = vb[t].length;
                rc = bol_slot_yard_put(y, bi, c.place.yard.bay, (uint8_t) row, &box);
                if (rc < 0)
                    return bol_diag_fail(diag, BOL_E_CORRUPT, "yard",
                                         "%s at %s/%s/%03u/%02u/%u does not fit the yard model",
                                         c.id.s, terminal, code, c.place.yard.bay, row, vb[t].tier);
            }
        }
    return 0;
}

/* A slot an open work instruction will fill. */
struct dest {
    uint32_t block;
    uint16_t bay;
    uint8_t row, tier;
    struct bol_container_id id;
};

static int dest_cmp(const void *a, const void *b)
{
    const struct dest *x = a, *y = b;

    return (x->tier > y->tier) - (x->tier < y->tier);
}

/*
 * The destinations of the terminal's open work instructions count as taken:
 * each box goes onto its destination stack, lowest tier first, so a second
 * arriving box is not sent where the first one is already going.
 */
static int reserve_open_work(struct bol_store *s, struct bol_store_view *sv,
                             struct bol_slot_yard *y, const char *terminal, json_t *blocks,
                             struct names *ves, struct names *pods, struct bol_diag *diag)
{
    struct dest *d = NULL;
    json_t *work = NULL, *o;
    size_t i, n = 0;
    int rc;

    if ((rc = bol_query_open_work(s, terminal, &work, diag)) < 0)
        return rc;
    d = bol_calloc(json_array_size(work) + 1, sizeof(*d));
    if (!d) {
        json_decref(work);
        return bol_diag_fail(diag, BOL_E_NOMEM, "id", "out of memory");
    }
    json_array_foreach(work, i, o)
    {
        struct bol_wi w;
        size_t k;
        json_t *b;

        rc = sv->view.wi(sv->view.ctx, (uint64_t) json_integer_value(json_object_get(o, "wi")), &w);
        if (rc < 0)
            goto out;
        if (w.to.kind != BOL_PLACE_YARD || strcmp(w.to.yard.terminal, terminal) != 0)
            continue;
        json_array_foreach(blocks, k, b)
        {
            const char *code = json_string_value(json_object_get(b, "block"));

            if (code && !strcmp(code, w.to.yard.block))
                break;
        }
        if (k == json_array_size(blocks))
            continue;
        d[n].block = (uint32_t) k;
        d[n].bay = w.to.yard.bay;
        d[n].row = w.to.yard.row;
        d[n].tier = w.to.yard.tier;
        d[n].id = w.container;
        n++;
    }
    qsort(d, n, sizeof(*d), dest_cmp);
    rc = 0;
    for (i = 0; i < n && rc == 0; i++) {
        struct bol_container c;
        struct bol_slot_box box;

        if ((rc = sv->view.container(sv->view.ctx, d[i].id.s, &c)) < 0 ||
            (rc = slot_box(sv, &c, ves, pods, &box)) < 0)
            break;
        box.length = bol_container_length_class(&c);
        if (bol_slot_yard_put(y, d[i].block, d[i].bay, d[i].row, &box) < 0)
            continue; /* a slot the model cannot hold: the core will refuse it anyway */
    }
out:
    bol_free(d);
    json_decref(work);
    return rc;
}

static int place_terminal(struct bol_store_view *sv, const struct bol_container *c, char *out,
                          size_t size)
{
    int rc;
    if (c->place.kind == BOL_PLACE_VESSEL || c->place.kind == BOL_PLACE_QUAY) {
        struct bol_visit v;
        if ((rc = sv->view.visit(sv->view.ctx, c->place.visit, &v)) < 0)
            return rc;
        snprintf(out, size, "%s", v.terminal);
        return 0;
    }
    if (c->place.kind == BOL_PLACE_TRUCK) {
        struct bol_truck_visit t;
        if ((rc = sv->view.truck(sv->view.ctx, c->place.truck, &t)) < 0)
            return rc;
        snprintf(out, size, "%s", t.terminal);
        return 0;
    }
    return BOL_E_STATE;
}

int bol_ops_slot_suggest(struct bol_store *s, const char *id, unsigned top, int64_t now_us,
                         struct bol_slot_suggestion *out, struct bol_diag *diag)
{
    struct bol_store_view sv;
    struct bol_container c;
    struct bol_slot_yard *y = NULL;
    struct bol_slot_request rq = { .top = top };
    struct bol_slot_weights w;
    struct names *ves = NULL, *pods = NULL;
    json_t *inv = NULL, *b;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    bol_store_view_init(&sv, s, diag);
    if ((rc = get_box(&sv, id, &c, diag)) < 0)
        return rc;
    out->id = c.id;
    if (c.place.kind == BOL_PLACE_YARD)
        return bol_diag_fail(diag, BOL_E_STATE, "id", "%s is in the yard already", c.id.s);
    rc = place_terminal(&sv, &c, out->terminal, sizeof(out->terminal));
    if (rc == BOL_E_STATE)
        return bol_diag_fail(diag, rc, "id", "%s is not at a terminal (%s)", c.id.s,
                             bol_place_kind_names[c.place.kind]);
    if (rc < 0)
        return rc;
    if ((rc = bol_query_inventory(s, out->terminal, &inv, diag)) < 0)
        return rc;
    y = bol_slot_yard_new(now_us);
    ves = bol_calloc(1, sizeof(*ves));
    pods = bol_calloc(1, sizeof(*pods));
    if (!y || !ves || !pods) {
        rc = bol_diag_fail(diag, BOL_E_NOMEM, "id", "out of memory");
        goto out;
    }
    json_array_foreach(json_object_get(inv, "blocks"), i, b)
    {
        const char *code = json_string_value(json_object_get(b, "block"));
        if (code && (rc = snapshot_block(&sv, y, out->terminal, code, ves, pods, diag)) < 0)
            goto out;
    }
    if ((rc = reserve_open_work(s, &sv, y, out->terminal, json_object_get(inv, "blocks"), ves, pods,
                                diag)) < 0)
        goto out;
    out->boxes = bol_slot_yard_boxes(y);
    if ((rc = slot_box(&sv, &c, ves, pods, &rq.box)) < 0)
        goto out;
    bol_slot_weights_default(&w);
    w.travel_per_m = 0; /* block positions are not known */
    rc = bol_slot_choose(y, &rq, &w, &out->res);
    if (rc == BOL_E_INVAL) {
        rc = bol_diag_fail(diag, rc, "id", "%s: size-type %s is neither 20 nor 40 ft", c.id.s,
                           c.sizetype);
        goto out;
    }
    bol_slot_explain_rules(&out->res, out->rules, sizeof(out->rules));
    if (rc == BOL_E_NOTFOUND) {
        bol_diag_fail(diag, rc, "id", "%s", out->rules);
        goto out;
    }
    for (unsigned k = 0; k < out->res.n; k++) {
        const struct bol_slot_cand *cd = &out->res.cand[k];
        json_t *blk = json_array_get(json_object_get(inv, "blocks"), cd->block);
        struct bol_yard_addr *a = &out->slot[k];
        snprintf(a->terminal, sizeof(a->terminal), "%s", out->terminal);
        snprintf(a->block, sizeof(a->block), "%s",
                 json_string_value(json_object_get(blk, "block")));
        a->bay = cd->bay;
        a->row = cd->row;
        a->tier = cd->tier;
        a->level = BOL_YARD_SLOT;
        bol_slot_explain(y, cd, out->why[k], sizeof(out->why[k]));
    }
out:
    json_decref(inv);
    bol_slot_yard_free(y);
    bol_free(ves);
    bol_free(pods);
    return rc;
}

json_t *bol_slot_suggestion_json(const struct bol_slot_suggestion *g)
{
    char slot[BOL_YARD_ADDR_TEXT_MAX];
    json_t *cands = json_array();
    for (unsigned k = 0; cands && k < g->res.n; k++) {
        const struct bol_slot_cand *c = &g->res.cand[k];
        json_t *terms = json_object();
        for (unsigned t = 0; terms && t < BOL_SLOT_TERMS; t++)
            json_object_set_new(terms, bol_slot_term_names[t], json_integer(c->term[t]));
        bol_yard_addr_format(&g->slot[k], slot);
        if (json_array_append_new(cands, json_pack("{s:s,s:i,s:o*,s:s}", "slot", slot, "score",
                                                   (int) c->score, "terms", terms, "why",
                                                   g->why[k])) < 0) {
            json_decref(cands);
            return NULL;
        }
    }
    return json_pack("{s:s,s:s,s:I,s:o*,s:s}", "id", g->id.s, "terminal", g->terminal, "yard_boxes",
                     (json_int_t) g->boxes, "slots", cands, "constraints", g->rules);
}
