/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yard_plan.c - dig-outs planned by the block relocation solver
 */
#include "yard_plan.h"

#include <string.h>

#include "mem.h"
#include "rules.h"
#include "storeview.h"

/* Expected departure classes, earliest first (yard_plan.h). */
enum leaves { LEAVES_NOW = 0, LEAVES_QUEUED, LEAVES_VESSEL, LEAVES_UNKNOWN };

/* A box of the bay while it is being read: its sort key and its id. */
struct slot_box {
    struct bol_container_id id;
    uint64_t key; /* class << 48 | queue order */
};

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

int bol_ops_digout(struct bol_store *s, const char *id, const struct bol_plan_limits *lim,
                   struct bol_digout *out, struct bol_diag *diag)
{
    static const struct bol_plan_limits budget = { .nodes = 200000, .expired = no_limit };
    struct bol_store_view sv;
    struct bol_container c;
    struct bol_block blk;
    struct bol_bay bay;
    struct slot_box boxes[BOL_BAY_STACKS_MAX][BOL_BAY_TIERS_MAX];
    uint16_t bay20[2];
    unsigned npos;
    struct bol_brp_result r = { 0 };
    int rc;

    memset(out, 0, sizeof(*out));
    bol_store_view_init(&sv, s, diag);
    rc = sv.view.container(sv.view.ctx, id, &c);
    if (rc == BOL_E_NOTFOUND)
        return bol_diag_fail(diag, rc, "id", "no container %s", id);
    if (rc < 0)
        return rc;
    if (c.place.kind != BOL_PLACE_YARD)
        return bol_diag_fail(diag, BOL_E_STATE, "id", "%s is not in the yard (%s)", c.id.s,
                             bol_place_kind_names[c.place.kind]);
    out->target = c.id;
    out->at = c.place.yard;
    if ((rc = sv.view.block(sv.view.ctx, c.place.yard.terminal, c.place.yard.block, &blk)) < 0)
        return rc;
    if ((rc = bol_yard_positions(c.place.yard.bay, bol_container_length_class(&c), bay20, &npos,
                                 diag)) < 0)
        return rc;
    if (blk.rows > BOL_BAY_STACKS_MAX || blk.tiers > BOL_BAY_TIERS_MAX)
        return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "id",
                             "block %s has %u rows of %u tiers: dig-outs are planned up to %u x %u",
                             blk.code, blk.rows, blk.tiers, BOL_BAY_STACKS_MAX, BOL_BAY_TIERS_MAX);

    /* the bay, every box ranked by when it leaves */
    memset(&bay, 0, sizeof(bay));
    bay.stacks = blk.rows;
    bay.max_height = blk.tiers;
    uint64_t keys[BOL_BAY_BOXES_MAX];
    unsigned nkeys = 0;
    for (unsigned row = 1; row <= blk.rows; row++) {
        struct bol_view_box vb[BOL_BAY_TIERS_MAX + 1];
        unsigned n;
        if ((rc = stack_of(&sv, &c.place.yard, bay20, npos, (uint8_t) row, vb, &n, diag)) < 0)
            return rc;
        if (n > blk.tiers || bay.n + n > BOL_BAY_BOXES_MAX)
            return bol_diag_fail(diag, BOL_E_CORRUPT, "id", "row %u holds %u boxes", row, n);
        for (unsigned t = 0; t < n; t++) {
            struct slot_box *b = &boxes[row - 1][t];
            b->id = vb[t].id;
            if (!strcmp(vb[t].id.s, c.id.s))
                b->key = (uint64_t) LEAVES_NOW << 48;
            else if ((rc = leaves(&sv, vb[t].id.s, &b->key)) < 0)
                return rc;
            keys[nkeys++] = b->key;
        }
        bay.height[row - 1] = (uint8_t) n;
        bay.n += n;
    }
    out->stacks = bay.stacks;
    out->tiers = bay.max_height;
    out->boxes = bay.n;
    /* rank: the priority of a box is 1 + how many distinct keys are lower */
    for (unsigned row = 0; row < bay.stacks; row++)
        for (unsigned t = 0; t < bay.height[row]; t++) {
            unsigned below = 0;
            for (unsigned k = 0; k < nkeys; k++) {
                bool seen = false;
                for (unsigned j = 0; j < k && !seen; j++)
                    seen = keys[j] == keys[k];
                if (!seen && keys[k] < boxes[row][t].key)
                    below++;
            }
            bay.prio[row][t] = (uint8_t) (below + 1);
        }

    rc = bol_brp_solve(&bay, BOL_BRP_RESTRICTED, lim ? lim : &budget, &r);
    if (rc == BOL_E_INVAL)
        return bol_diag_fail(diag, BOL_E_STATE, "id",
                             "no room in the bay to put the boxes on %s (%u rows of %u tiers)",
                             c.id.s, blk.rows, blk.tiers);
    if (rc < 0)
        return bol_diag_fail(diag, rc, "id", "planning the dig-out failed");
    out->bay_relocations = r.relocations;
    out->lower_bound = r.lower_bound;
    out->proven_optimal = r.proven_optimal;

    /* the moves before the box itself leaves, replayed to name boxes and tiers */
    size_t k = 0;
    while (k < r.n && r.moves[k].to != BOL_BAY_OUT)
        k++;
    out->moves = bol_calloc(k ? k : 1, sizeof(*out->moves));
    if (!out->moves) {
        bol_brp_result_release(&r);
        return bol_diag_fail(diag, BOL_E_NOMEM, "id", "out of memory");
    }
    uint8_t h[BOL_BAY_STACKS_MAX];
    memcpy(h, bay.height, sizeof(h));
    for (size_t i = 0; i < k; i++) {
        unsigned a = r.moves[i].from, b = r.moves[i].to;
        struct bol_digout_move *m = &out->moves[i];
        m->id = boxes[a][h[a] - 1].id;
        m->from = c.place.yard;
        m->from.row = (uint8_t) (a + 1);
        m->from.tier = h[a];
        m->to = c.place.yard;
        m->to.row = (uint8_t) (b + 1);
        m->to.tier = (uint8_t) (h[b] + 1);
        boxes[b][h[b]] = boxes[a][h[a] - 1];
        h[a]--;
        h[b]++;
        uint64_t wid;
        int w = sv.view.open_wi(sv.view.ctx, m->id.s, &wid);
        if (w == 0) {
            bol_diag_fail(diag, BOL_E_CONFLICT, "id",
                          "%s, on %s, already has open work instruction %llu", m->id.s, c.id.s,
                          (unsigned long long) wid);
            bol_brp_result_release(&r);
            bol_digout_release(out);
            return BOL_E_CONFLICT;
        }
        if (w != BOL_E_NOTFOUND) {
            bol_brp_result_release(&r);
            bol_digout_release(out);
            return w;
        }
    }
    out->n = k;
    bol_brp_result_release(&r);
    return 0;
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
