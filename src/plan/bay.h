/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bay.h - one bay of container stacks as the yard planners see it
 *
 * A bay is a row of stacks side by side, each a pile of boxes that a yard
 * crane can only take from the top.  Each box has a priority: the lower,
 * the sooner it leaves (1 first; equal priorities leave in any order).
 * The block relocation solver (brp.h) retrieves the boxes in that order
 * with as few relocations as it can; the pre-marshalling solver (cpmp.h)
 * reorders the bay so that no box sits above one that leaves earlier.
 *
 * Also here: the reader of the benchmark instance files of the literature
 * (Caserta, Bortfeldt-Forster converted, DLTS, EMM), and the replay that
 * checks any move sequence on its own, independently of the solver that
 * produced it.  Pure: no I/O, no clock.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOL_BAY_STACKS_MAX 32
#define BOL_BAY_TIERS_MAX  16
#define BOL_BAY_BOXES_MAX  255 /* priorities fit a byte after ranking */

struct bol_bay {
    unsigned stacks;     /* 1 .. BOL_BAY_STACKS_MAX */
    unsigned max_height; /* tiers a stack may reach, 1 .. BOL_BAY_TIERS_MAX */
    unsigned n;          /* boxes */
    uint8_t height[BOL_BAY_STACKS_MAX];
    /* box priorities, bottom (tier 0) first; ranked 1..k, dense */
    uint8_t prio[BOL_BAY_STACKS_MAX][BOL_BAY_TIERS_MAX];
};

/* A crane move: from the top of stack `from` to the top of stack `to`, or,
 * with to == BOL_BAY_OUT, out of the bay (a retrieval). */
#define BOL_BAY_OUT 0xff
struct bol_bay_move {
    uint8_t from, to;
};

/* Which moves a relocation may be (block relocation only). */
enum bol_brp_variant {
    BOL_BRP_RESTRICTED = 0, /* only the boxes above the next one to leave */
    BOL_BRP_UNRESTRICTED,   /* any top box, to any stack */
};

/* -- instance files ------------------------------------------------------ *
 * Two formats: Caserta-style "S N", then per stack "h p1 .. ph" (also the
 * converted Bortfeldt-Forster and the DLTS files), and Tierney-style
 * "Tiers: T" "Stacks: S" "Containers: N" "Stack i: p .." (EMM). */

struct bol_bay_error {
    unsigned line; /* 1-based; 0: the instance as a whole */
    char why[160];
};

/*
 * Reads an instance from text.  `name` is the file's name or path; a
 * Bortfeldt-Forster name (cpmp_S_H_N_G_X_i) gives the maximum height H,
 * otherwise it is the highest initial stack (Caserta style) or the file's
 * "Tiers:" (Tierney style) plus two, the convention of those sets.
 * Priorities are ranked densely 1..k keeping their order (EMM values start
 * at 0).  Checks: the counts agree, every number is in range, no stack is
 * above the maximum height, and the boxes fit.  0, or -1 with err set.
 */
int bol_bay_parse(const char *text, size_t len, const char *name, struct bol_bay *out,
                  struct bol_bay_error *err);

/* Ranks the priorities densely 1..k in their order; returns k. */
unsigned bol_bay_rank(struct bol_bay *b);

/* -- facts of a bay ------------------------------------------------------ */

/* The lowest priority in stack s (255 when empty). */
uint8_t bol_bay_stack_min(const struct bol_bay *b, unsigned s);

/* Boxes that sit above a box leaving earlier than they do (strictly). */
unsigned bol_bay_blocking(const struct bol_bay *b);

/* Whether no box sits above one leaving strictly earlier. */
bool bol_bay_sorted(const struct bol_bay *b);

/* -- replay -------------------------------------------------------------- */

enum bol_bay_mode {
    BOL_BAY_MODE_BRP_RESTRICTED = 0,
    BOL_BAY_MODE_BRP_UNRESTRICTED,
    BOL_BAY_MODE_CPMP,
};

struct bol_bay_replay {
    unsigned relocations; /* moves between stacks */
    unsigned retrievals;  /* moves out of the bay */
    size_t bad_move;      /* index of the first bad move (== n when none) */
    char why[160];
};

/*
 * Replays moves on a copy of the bay, checking each: a move takes the top
 * box of a non-empty stack and puts it on another stack below the maximum
 * height; a retrieval takes a box of the lowest remaining priority; in the
 * restricted variant a relocation comes from the stack of a box of that
 * priority.  At the end a BRP bay must be empty, a CPMP bay sorted (CPMP
 * has no retrievals).  0 when all hold, else -1 with r->bad_move and
 * r->why set.
 */
int bol_bay_replay(const struct bol_bay *b, enum bol_bay_mode mode,
                   const struct bol_bay_move *moves, size_t n, struct bol_bay_replay *r);

/* -- search limits ------------------------------------------------------- */

/*
 * How long a solver may search.  The solvers are deterministic given the
 * seed and the node budget; wall-clock limits are the caller's business,
 * asked through `expired` (polled every few thousand nodes).  A solver that
 * stops early returns the best it has, saying it is not proven.
 */
struct bol_plan_limits {
    uint64_t nodes;             /* node budget; 0: none */
    bool (*expired)(void *ctx); /* NULL: never */
    void *ctx;
    uint64_t seed;
};
