/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yard_plan.h - the yard planners on the terminal's real yard: dig-outs and
 * pre-marshalling
 *
 * A box that must leave the yard (to a truck, to a vessel) often has others
 * on it.  bol_ops_digout reads the bay it stands in - the 20 ft bay line of
 * its block, or the 40 ft bay of a 40 ft box, with the block's rows as the
 * stacks and its tiers as the height - ranks every box by when it is
 * expected to leave, and asks the block relocation solver (plan/brp.h,
 * restricted: only the boxes above this one move) where each blocker should
 * go so that it is in the way of as few later departures as possible.
 *
 * Expected departure, earliest first: the box itself; boxes with an open
 * work instruction that takes them out of the yard (load, gate-out), in
 * their queue order; export and transshipment boxes (they leave with a
 * vessel); then every other box (imports, storage, empties: when a truck
 * comes is not known), all alike.
 *
 * The result is a preview: the relocations in order, each a box, its slot
 * and the slot it goes to, and the rehandle work instructions (wi.plan,
 * kind rhdl, queued in that order) that carry them out, as one command of
 * several steps for bol_ops_run: either every instruction is planned or
 * none is.  Reads only; the caller decides whether to commit.
 */
#pragma once

#include <jansson.h>

#include "brp.h"
#include "slot.h"
#include "container_id.h"
#include "compat.h"
#include "errors.h"
#include "store.h"
#include "yard_addr.h"

struct bol_digout_move {
    struct bol_container_id id;
    struct bol_yard_addr from, to;
};

struct bol_digout {
    struct bol_container_id target;
    struct bol_yard_addr at;       /* where the target is */
    unsigned stacks, tiers;        /* the bay as planned: rows x tiers */
    unsigned boxes;                /* in the bay */
    struct bol_digout_move *moves; /* the relocations before the target is free */
    size_t n;
    unsigned bay_relocations; /* the solver's relocations to empty the whole bay in order */
    unsigned lower_bound;     /* and its proven lower bound */
    bool proven_optimal;
};

/*
 * Plans the dig-out of container id from the state s shows (a read-only
 * store will do).  lim bounds the search (NULL: a node budget that answers
 * in well under a second).  0, or: BOL_E_NOTFOUND (no such box), BOL_E_STATE
 * (not in the yard), BOL_E_UNSUPPORTED (its bay mixes 20 and 40 ft boxes),
 * BOL_E_CONFLICT (a box to move already has an open work instruction), with
 * the reason in diag.
 */
BOL_MUST_CHECK int bol_ops_digout(struct bol_store *s, const char *id,
                                  const struct bol_plan_limits *lim, struct bol_digout *out,
                                  struct bol_diag *diag);

void bol_digout_release(struct bol_digout *d);

/* The preview as JSON: target, slot, bay, moves [{id, from, to}], figures. */
json_t *bol_digout_json(const struct bol_digout *d);

/* The steps that carry it out: [{"cmd": "wi.plan", "kind": "rhdl", ...}, ...]
 * (NULL when out of memory).  Empty when nothing is on the box. */
json_t *bol_digout_commands(const struct bol_digout *d, int64_t priority);

/*
 * Pre-marshalling a block before a vessel comes: every bay of the block (a
 * 20 ft bay line, or a 40 ft bay whose two lines hold the same 40 ft boxes)
 * reordered with the fewest moves (plan/cpmp.h) so that no box sits above
 * one expected to leave before it (the same ranking as a dig-out).  Bays
 * that mix 20 and 40 ft boxes are skipped, saying so.  The work
 * instructions (wi.plan, kind shft) cover, per bay, the moves up to the
 * first box that would move a second time or already has an open work
 * instruction ("now"); plan again when they are done for the rest.
 */
struct bol_premarshal_bay {
    uint16_t bay; /* yard bay: odd 20 ft, even 40 ft */
    unsigned boxes;
    unsigned moves;       /* the plan's moves in this bay (0: already in order) */
    unsigned lower_bound; /* no plan has fewer */
    bool solved, proven_optimal;
    size_t first, n;     /* its moves in the plan's list */
    size_t now;          /* how many of them can be instructed at once */
    const char *skipped; /* NULL, or why the bay was not planned */
};

struct bol_premarshal {
    struct bol_yard_addr block;
    struct bol_premarshal_bay *bays;
    size_t nbays;
    struct bol_digout_move *moves;
    size_t n;
};

/* Plans block TERMINAL/BLOCK, or only its bay `bay` (0: all).  lim applies
 * to each bay (NULL: a node budget).  0, or BOL_E_NOTFOUND (no such block
 * or bay), with the reason in diag. */
BOL_MUST_CHECK int bol_ops_premarshal(struct bol_store *s, const char *terminal, const char *block,
                                      uint16_t bay, const struct bol_plan_limits *lim,
                                      struct bol_premarshal *out, struct bol_diag *diag);

void bol_premarshal_release(struct bol_premarshal *p);

json_t *bol_premarshal_json(const struct bol_premarshal *p);

/* The steps for the moves that can be instructed now, in order. */
json_t *bol_premarshal_commands(const struct bol_premarshal *p, int64_t priority);

/*
 * Where a box arriving at the yard should go (gate-in, discharge): the
 * terminal's yard as the slot planner's snapshot (plan/slot.h) - every
 * block, every box with its length, mass, reefer, DG classes, port of
 * discharge and, when an open load instruction names it, its vessel and
 * that vessel's departure (estimated, or actual) - and
 * the best `top` slots for the box with each score term explained.  Block
 * positions are not reference data yet, so travel is not scored (every
 * block at one point).  The box must be registered and not in the yard.
 */
#define BOL_SLOT_LINE_MAX 320

struct bol_slot_suggestion {
    struct bol_container_id id;
    char terminal[BOL_TERMINAL_CODE_MAX + 1];
    struct bol_slot_result res;
    struct bol_yard_addr slot[BOL_SLOT_TOP_MAX];   /* per candidate */
    char why[BOL_SLOT_TOP_MAX][BOL_SLOT_LINE_MAX]; /* per candidate */
    char rules[BOL_SLOT_LINE_MAX];                 /* what the hard constraints ruled out */
    size_t boxes;                                  /* in the snapshot */
};

/* 0, BOL_E_NOTFOUND (no such box, or no slot fits: then rules says why),
 * BOL_E_STATE (already in the yard, or no terminal to place it in). */
BOL_MUST_CHECK int bol_ops_slot_suggest(struct bol_store *s, const char *id, unsigned top,
                                        int64_t now_us, struct bol_slot_suggestion *out,
                                        struct bol_diag *diag);

json_t *bol_slot_suggestion_json(const struct bol_slot_suggestion *g);
