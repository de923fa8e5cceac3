/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cpmp.h - container pre-marshalling: sort a bay with as few moves as it can
 *
 * A move takes the top box of a stack onto another stack below the maximum
 * height.  The bay is sorted when no box sits above one that leaves strictly
 * earlier (lower priority value), i.e. every stack is non-increasing from the
 * bottom up.  Pure: no I/O, no clock, no state between calls; the result
 * depends only on the bay, the seed and the node budget (a wall-clock limit
 * through lim->expired makes it depend on the machine, as any deadline does).
 *
 * Method, for the next engineer:
 *
 * - Lower bound.  Every box above the sorted bottom part of its stack (its
 *   "well placed" prefix) must move at least once: that is the count of
 *   badly placed boxes.  To that we add the Bortfeldt-Forster demand/supply
 *   term: for each priority g, the badly placed boxes of value >= g must end
 *   on a stack whose untouched bottom holds only values >= g; when the free
 *   tiers above such stacks cannot take them all, some stacks with a smaller
 *   value in their well-placed prefix must be dug down, and each costs at
 *   least the moves of its well-placed boxes below g (counted with the
 *   stack-count relaxation of that covering problem).  Finally, when no
 *   badly placed box can move straight onto a sorted stack, the first move is
 *   wasted, so the bound is at least one above the count.
 *
 * - Search.  An iterated beam search over single moves.  The beam keeps,
 *   level by level, the children with the least g + lower bound (moves so
 *   far plus the bound), ties going to more boxes still badly placed (less
 *   owed to the structural part of the bound), then to more badly placed
 *   top boxes that a sorted stack could take at once.  A child that is
 *   sorted is a solution.  Duplicate bays are detected by a hash of the bay
 *   with its stacks taken as a multiset (stack order does not change the
 *   count); a box is never moved twice in a row (one move would do), and
 *   only one empty stack is ever a destination.  Children whose g + bound
 *   reaches the best solution are cut.  A greedy completion gives the
 *   first solution: badly placed boxes go onto the sorted stack they fit
 *   most tightly; when none fits, it commits to digging the stack cheapest
 *   to turn into a base for some dirty top, parking the boxes where they
 *   harm least.  It runs from the root and, while no solution is known,
 *   from every bay the beam keeps, so that a solution exists early.
 *   The width doubles (1, 2, 4, ...) until the budget runs out, the best
 *   solution meets the root bound, or BOL_CPMP_WIDTH_MAX is reached.
 *
 * - Proof.  A solution is proven optimal when its length equals the root
 *   lower bound, or when one beam pass kept every child it generated: the
 *   pass was then a complete breadth-first search with duplicate detection
 *   and sound cuts, so nothing shorter exists (up to a 64-bit hash
 *   collision).  On small bays the second happens within the budget.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bol_bay;
struct bol_bay_move;
struct bol_plan_limits;

struct bol_cpmp_result {
    struct bol_bay_move *moves; /* bol_malloc'd; bol_cpmp_result_release frees it */
    size_t n;                   /* moves: the objective */
    bool solved;                /* a sorted bay was reached */
    bool proven_optimal;        /* n is the least number of moves */
    unsigned lower_bound;       /* the best lower bound proven (== n when proven) */
    uint64_t nodes;             /* child bays evaluated */
};

/*
 * Searches for the shortest move sequence that sorts `b` (priorities ranked
 * 1..k, heights within b->max_height).  `lim` may be NULL: then the width
 * grows to a fixed cap (BOL_CPMP_WIDTH_MAX) and stops there.  Otherwise the
 * search stops when lim->nodes child bays were evaluated or lim->expired
 * says so (polled every 1024), returning the best solution so far.
 * Returns 0 and fills *out (a bay that cannot be sorted, e.g. full, gives
 * solved == false and no moves), BOL_E_INVAL for a malformed bay, or
 * BOL_E_NOMEM; on failure *out is left untouched.
 */
#define BOL_CPMP_WIDTH_MAX 16384u
int bol_cpmp_solve(const struct bol_bay *b, const struct bol_plan_limits *lim,
                   struct bol_cpmp_result *out);

/* Frees the moves; the result reads as empty afterwards.  NULL is allowed. */
void bol_cpmp_result_release(struct bol_cpmp_result *r);

/*
 * The lower bound described above, for the bay as it is; 0 for a sorted bay,
 * UINT_MAX when the bound shows the bay cannot be sorted.
 */
unsigned bol_cpmp_lower_bound(const struct bol_bay *b);
