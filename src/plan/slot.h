/* SPDX-License-Identifier: Apache-2.0 */
/*
 * slot.h - yard slot allocation for gate-in and discharge
 *
 * Given a snapshot of the yard and one box to place, choose the slots that
 * will cost the least later: the fewest expected relocations, boxes of one
 * departure kept together, a short drive, low stacks with room left to dig,
 * 20 ft and 40 ft kept apart.  Pure: the caller (ops) fills the snapshot;
 * nothing here reads a clock, a store or a file, and the same snapshot and
 * request always give the same answer.
 *
 * The model.  A block is the core's struct bol_block: `bays` 20 ft ground
 * positions along it, `rows` across, `tiers` high, with the stack attributes
 * of bol_block_stack_attr (reefer plugs, DG zones, empties only, weight
 * limit, sizes).  As in the core (domain.h, rules.h) 20 ft boxes stand in the
 * odd bays 1, 3 .. 2N-1 and a 40/45 ft box in the even bay between two of
 * them (bay 2 covers 1 and 3), taking both positions at the same tier; a box
 * stands on one of its own length, and a 40 ft box on one 40 ft box, never
 * across two.  The demo terminal keeps its 40 ft boxes on the bay-pair grid
 * 4k+2 (bays 4k+1 and 4k+3); other even bays are allowed but scored worse.
 *
 * Each box in the snapshot carries what the score needs: its length, mass,
 * full or empty, running reefer, DG classes, the departure it leaves with
 * (a vessel visit, numbered by the caller, or 0: by truck or rail), its port
 * of discharge (numbered by the caller), a weight class and its expected
 * departure time (the vessel's loading window, or arrival plus the expected
 * dwell for a box that leaves by truck).
 *
 * Geometry: each block has an origin (the ground position of bay 1, row 1)
 * and a step vector per 20 ft bay and per row, in decimetres of one yard
 * plane; the request says where the box comes from (a quay crane's
 * position along the berth, a gate lane) as a point in the same plane, in
 * metres.  Travel is the Manhattan distance to the stack: trucks drive on
 * orthogonal lanes.
 *
 * Hard constraints filter; they are never score terms.  In the order they
 * are tried (a stack ruled out is counted once, under the first that failed):
 *   closed    the caller closed the stack (maintenance, reserved);
 *   size      the stack takes no boxes of this length;
 *   empties   empties-only stack and the box is full;
 *   reefer    a running reefer and the stack has no plug;
 *   dg        dangerous goods and the stack is not in a DG zone;
 *   tiers     the stack is at the block's height;
 *   shape     20 ft on a 40 ft box, or for 40 ft: the two 20 ft positions
 *             differ in height, or are not topped by one 40 ft box;
 *   weight    the ground position would carry more than its limit (a
 *             40 ft box weighs half on each);
 *   segregation  IMDG segregation from the DG boxes in the block, with the
 *             distances the core's rules use.
 * A 40 ft box's candidate stacks are even bays x rows, both positions
 * checked.
 *
 * Score terms, in points (lower is better; the default weights make one point
 * about one metre of driving), each also in the explanation:
 *   reloc    expected relocations the box causes: every box below it that
 *            leaves earlier will have it on top.  A box of the same vessel
 *            leaves in the same window and counts 0; otherwise one leaving
 *            more than slack_min earlier counts half a relocation, rising to
 *            a whole one when it leaves ramp_min later than that; when either
 *            time is unknown it counts unknown_pm per mille.  Weight: reloc
 *            points per relocation.
 *   group    keep departures together: a bonus when the stack holds only
 *            the box's vessel, for the same POD and the same weight class as
 *            the box on top, and when the box's vessel is already in the bay;
 *            a penalty when the stack mixes departure groups (another vessel,
 *            or by truck with by vessel).
 *   travel   metres from the origin to the stack, times travel_per_m.
 *   height   points per tier above the ground, and a penalty when the bay
 *            (all rows of the 20 ft bay) would be left with fewer than
 *            tiers - 1 free slots: the room a crane needs to dig out its
 *            lowest box within the bay.
 *   mix      a 20 ft box in a bay holding 40 ft boxes, or a 40 ft box over a
 *            bay holding 20 ft ones (each makes the other length's ground
 *            positions unusable); a 40 ft box off the 4k+2 pair grid.
 *   reserve  using a reefer plug for a box that needs none, or a DG zone for
 *            a box without dangerous goods.
 * Ties go to the lowest block (in the order added), bay, row.
 *
 * Cost: one pass over the candidate stacks and the boxes in them, nothing
 * allocated; on the demo terminal's 40-block yard at 65 % fill a decision
 * takes about 0.2 ms (bench/bench_slot.c).
 */
#pragma once

#include "compat.h"
#include "domain.h"
#include "units.h"

#define BOL_SLOT_TOP_MAX 16 /* candidates one decision returns at most */

/* A box in the yard, or the box to place. */
struct bol_slot_box {
    unsigned length; /* 20 or 40 (45 ft boxes are 40) */
    bool full;
    bool reefer;         /* a running reefer: needs a plug */
    uint32_t mass_kg;    /* the whole box */
    uint8_t weight;      /* weight class 1..255; 0: from mass_kg (bol_slot_weight_class) */
    uint16_t vessel;     /* departure visit, numbered by the caller from 1; 0: by truck or rail */
    uint16_t pod;        /* port of discharge, numbered by the caller from 1; 0: not known */
    int64_t leave_at_us; /* expected departure; 0: not known */
    unsigned ndg;
    struct bol_imdg_class dg[BOL_DG_MAX];
};

/*
 * Where a block lies.  The ground position of 20 ft bay b (odd), row r is
 * (x_m, y_m) + (b - 1) / 2 * bay_step + (r - 1) * row_step, steps in
 * decimetres; a 40 ft slot lies midway between its two positions.
 */
struct bol_slot_geom {
    int32_t x_m, y_m;
    int32_t bay_dx_dm, bay_dy_dm;
    int32_t row_dx_dm, row_dy_dm;
};

/* The snapshot: blocks, their stacks and the boxes in them.  Opaque. */
struct bol_slot_yard;

/*
 * A new, empty snapshot taken at at_us (departure times are read relative
 * to it).  NULL when out of memory.  Free with bol_slot_yard_free.
 */
struct bol_slot_yard *bol_slot_yard_new(int64_t at_us);
void bol_slot_yard_free(struct bol_slot_yard *y); /* NULL: no-op */

/*
 * Adds a block with every stack empty and open; stack attributes come from
 * bol_block_stack_attr.  *ret_index (may be NULL) is its index for the
 * calls below; blocks are numbered 0, 1 .. in the order added.  0,
 * BOL_E_INVAL (no bays, rows or tiers, more than BOL_YARD_TIER_MAX tiers,
 * no sizes) or BOL_E_NOMEM.
 */
BOL_MUST_CHECK int bol_slot_yard_add_block(struct bol_slot_yard *y, const struct bol_block *b,
                                           const struct bol_slot_geom *g, uint32_t *ret_index);

/*
 * Puts a box on top of the stack at bay (odd for 20 ft, even for 40 ft) and
 * row of block `block`.  The snapshot records the yard as it is, so block
 * attributes (reefer, DG, weight, sizes) are not checked here; what the
 * model needs is: the bay and row in the block, room under the block's
 * tiers, a box of the same length below, and for 40 ft both positions at
 * the same height under one 40 ft box.  0, BOL_E_INVAL (the bay, row or
 * length does not fit), BOL_E_CONFLICT (no room, or the box would float or
 * straddle) or BOL_E_NOMEM (a DG box's entry).
 */
BOL_MUST_CHECK int bol_slot_yard_put(struct bol_slot_yard *y, uint32_t block, uint16_t bay,
                                     uint8_t row, const struct bol_slot_box *box);

/* Closes (or reopens) the stack at 20 ft bay bay20 (odd) and row: 0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_slot_yard_close(struct bol_slot_yard *y, uint32_t block, uint16_t bay20,
                                       uint8_t row, bool closed);

/* Boxes in the snapshot (a 40 ft box counts once), and its blocks. */
size_t bol_slot_yard_boxes(const struct bol_slot_yard *y);
uint32_t bol_slot_yard_blocks(const struct bol_slot_yard *y);

/*
 * The default weight classes from a box's mass: 1 up to 10 t, 2 up to 18 t,
 * 3 up to 25 t, 4 above; 0 for an empty box.
 */
uint8_t bol_slot_weight_class(bool full, uint32_t mass_kg);

/*
 * Fills what a container says of itself: length (0 when the size-type is not
 * known), full, running reefer, mass (bol_container_mass_kg), DG classes and
 * the default weight class.  vessel, pod and leave_at_us are the caller's.
 */
void bol_slot_box_from_container(const struct bol_container *c, struct bol_slot_box *out);

/* ---- the decision ---- */

/* Weights of the score terms; see the header comment for each. */
struct bol_slot_weights {
    int32_t reloc;        /* points per expected relocation (400) */
    int32_t slack_min;    /* leaving up to this much earlier counts as together (60) */
    int32_t ramp_min;     /* from half to a whole relocation over this (1440) */
    int32_t unknown_pm;   /* a departure time not known: per mille of one, 0..1000 (250) */
    int32_t mix_groups;   /* the stack holds another departure group (150) */
    int32_t same_stack;   /* bonus: the stack holds only the box's vessel (100) */
    int32_t same_pod;     /* bonus: the top box has the same POD (30) */
    int32_t same_weight;  /* bonus: the top box has the same weight class (20) */
    int32_t same_bay;     /* bonus: the box's vessel is in the bay already (50) */
    int32_t travel_per_m; /* points per metre (1) */
    int32_t tier;         /* points per tier above the ground (25) */
    int32_t headroom;     /* the bay keeps fewer than tiers - 1 free slots (300) */
    int32_t mix_length;   /* 20 ft beside 40 ft in a bay (80) */
    int32_t off_grid;     /* a 40 ft box off the 4k+2 pair grid (40) */
    int32_t reserve_plug; /* a reefer plug for a box that needs none (250) */
    int32_t reserve_dg;   /* a DG zone for a box without dangerous goods (150) */
};

void bol_slot_weights_default(struct bol_slot_weights *w);

/* The box to place and where it comes from. */
struct bol_slot_request {
    struct bol_slot_box box;
    int32_t from_x_m, from_y_m; /* a quay crane's position, a gate lane: the yard plane */
    unsigned top;               /* candidates wanted, 1..BOL_SLOT_TOP_MAX (0: 1) */
};

enum bol_slot_term {
    BOL_SLOT_T_RELOC = 0,
    BOL_SLOT_T_GROUP,
    BOL_SLOT_T_TRAVEL,
    BOL_SLOT_T_HEIGHT,
    BOL_SLOT_T_MIX,
    BOL_SLOT_T_RESERVE,
    BOL_SLOT_TERMS
};
extern const char *const bol_slot_term_names[]; /* "reloc" .. "reserve", NULL-terminated */

enum bol_slot_rule {
    BOL_SLOT_R_CLOSED = 0,
    BOL_SLOT_R_SIZE,
    BOL_SLOT_R_EMPTIES,
    BOL_SLOT_R_REEFER,
    BOL_SLOT_R_DG,
    BOL_SLOT_R_TIERS,
    BOL_SLOT_R_SHAPE,
    BOL_SLOT_R_WEIGHT,
    BOL_SLOT_R_SEGREGATION,
    BOL_SLOT_RULES
};
extern const char *const bol_slot_rule_names[]; /* "closed" .. "segregation", NULL-terminated */

/* Facts behind a candidate's terms, for the explanation. */
enum bol_slot_fact_flags {
    BOL_SLOT_X_SAME_POD = 1 << 0,    /* the top box goes to the same POD */
    BOL_SLOT_X_SAME_WEIGHT = 1 << 1, /* the top box is of the same weight class */
    BOL_SLOT_X_SAME_BAY = 1 << 2,    /* the box's vessel is in the bay already */
    BOL_SLOT_X_HEADROOM = 1 << 3,    /* the bay would keep fewer than tiers - 1 free slots */
    BOL_SLOT_X_MIX_LENGTH = 1 << 4,  /* 20 ft and 40 ft in one bay */
    BOL_SLOT_X_OFF_GRID = 1 << 5,    /* a 40 ft box off the pair grid */
    BOL_SLOT_X_PLUG = 1 << 6,        /* takes a reefer plug it does not need */
    BOL_SLOT_X_DG_ZONE = 1 << 7,     /* takes a DG zone it does not need */
};

struct bol_slot_cand {
    uint32_t block;
    uint16_t bay; /* odd for 20 ft, even for 40 ft */
    uint8_t row, tier;
    int32_t score; /* the sum of the terms */
    int32_t term[BOL_SLOT_TERMS];
    /* facts */
    uint8_t tiers;        /* the block's */
    uint8_t earlier;      /* boxes below that leave earlier (counted in reloc) */
    uint16_t earlier_h;   /* the most one of them leaves earlier, hours */
    uint16_t reloc_pm;    /* expected relocations, per mille */
    uint8_t same_vessel;  /* boxes below of the box's vessel */
    uint8_t other_groups; /* boxes below of another departure group */
    uint32_t travel_m;
    unsigned facts; /* enum bol_slot_fact_flags */
};

struct bol_slot_result {
    unsigned n; /* candidates, best first */
    struct bol_slot_cand cand[BOL_SLOT_TOP_MAX];
    unsigned stacks;                    /* candidate stacks looked at */
    unsigned fit;                       /* of them, those no hard constraint ruled out */
    unsigned ruled_out[BOL_SLOT_RULES]; /* by the first constraint that failed */
};

/*
 * Chooses the rq->top best slots for rq->box; w NULL takes the defaults.
 * 0 with ret->n >= 1; BOL_E_NOTFOUND when no stack fits (ret->n == 0, the
 * counts filled: bol_slot_explain_rules says why); BOL_E_INVAL when the
 * box's length is not 20 or 40.  *ret is written in every case but
 * BOL_E_INVAL.  Allocates nothing.
 */
BOL_MUST_CHECK int bol_slot_choose(const struct bol_slot_yard *y, const struct bol_slot_request *rq,
                                   const struct bol_slot_weights *w, struct bol_slot_result *ret);

/*
 * One line for a candidate, e.g.
 *   "DCT1/1A/014/03/2 score 163: reloc 0 (none below leaves earlier),
 *    group -200 (2 of its vessel, same POD, vessel in bay), travel 318 (318 m),
 *    height 25 (tier 2 of 5), mix 0, reserve 0"
 * (on one line) into out, NUL-terminated and cut to size.  Returns the
 * length the whole line needs, like snprintf.
 */
size_t bol_slot_explain(const struct bol_slot_yard *y, const struct bol_slot_cand *c, char *out,
                        size_t size);

/*
 * One line for the hard constraints: "1920 stacks, 412 fit; ruled out:
 * 960 reefer, 548 tiers" (only those that ruled any out), or, when none fit,
 * "no slot: none of 1920 stacks fits; ruled out: ...".  As bol_slot_explain.
 */
size_t bol_slot_explain_rules(const struct bol_slot_result *r, char *out, size_t size);
