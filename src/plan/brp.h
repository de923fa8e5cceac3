/* SPDX-License-Identifier: Apache-2.0 */
/*
 * brp.h - block relocation: retrieve every box of a bay in priority order
 * with the fewest relocations
 *
 * When a box must leave (to a truck, to the vessel) and others sit on it,
 * the crane relocates them to other stacks of the bay first.  Each such
 * rehandle costs crane time; a bad choice of where to put a blocker makes
 * it block again later.  The solver returns the whole sequence: relocations
 * and retrievals, retrievals made as soon as the next box is on top.
 *
 * Two variants (bay.h): restricted - only the boxes above the next box to
 * leave may be relocated; unrestricted - any top box may go anywhere.
 *
 * The method, anytime and exact when the budget allows:
 *
 *  - Lower bound.  Every box above an earlier leaver must move at least
 *    once.  Restricted: the bay is then relaxed - the boxes relocated so far
 *    are taken out instead of placed - and, target by target, a blocker
 *    larger than the lowest box of every other stack that has room must
 *    move a second time: wherever it goes it blocks again (the relaxation
 *    only ever raises the stacks' minima, so this stays a bound).
 *    Unrestricted: a stack's minimum only rises when a box that blocks
 *    nothing moves, which costs a move no other term counts; so if any
 *    blocker of the next box is above every other minimum, one more move.
 *  - Beam search, ranked by the restricted bound, with identical bays
 *    (stacks in any order) merged; widths grow while time remains.  Its
 *    best sequence is the answer when the exact search cannot finish.
 *  - Iterative deepening on the bound (IDA*) with a transposition table
 *    over bays with their stacks in any order, which keeps for each bay
 *    searched to the end the bound it learnt there (the least f met beyond
 *    the iteration's bound), so later iterations skip refuted bays; a
 *    finished iteration proves that no sequence shorter than its bound
 *    exists.  It runs while the best sequence is within a few relocations
 *    of the bound (on large bays the time goes to wider beams).  The result
 *    is proven optimal when the best sequence is as short as the bound.
 *
 * Pure and deterministic for a given node budget; a wall-clock limit comes
 * in through the limits' callback.
 */
#pragma once

#include "bay.h"

struct bol_brp_result {
    struct bol_bay_move *moves; /* relocations and retrievals, in order */
    size_t n;
    unsigned relocations; /* the objective */
    unsigned lower_bound; /* the best bound proven */
    bool proven_optimal;  /* relocations == lower_bound */
    uint64_t nodes;       /* search nodes expanded */
};

/*
 * Solves b (with its max_height) in the given variant within the limits.
 * Always returns a sequence when the bay can be emptied at all; 0, or
 * BOL_E_NOMEM, or BOL_E_INVAL when the bay cannot be emptied (a stack
 * too high, or no room anywhere to put a blocker).
 */
int bol_brp_solve(const struct bol_bay *b, enum bol_brp_variant variant,
                  const struct bol_plan_limits *lim, struct bol_brp_result *out);

void bol_brp_result_release(struct bol_brp_result *r);

/* The lower bound at the start, as above. */
unsigned bol_brp_lower_bound(const struct bol_bay *b, enum bol_brp_variant variant);
