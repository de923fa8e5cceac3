/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules.h - the physical rules of yard and vessel positions
 *
 * Checked before every move, against the current state read through a view:
 *   - a slot holds at most one box, and a 40 ft box takes both 20 ft positions
 *     of its even bay;
 *   - no floating boxes: above the ground, the position below is taken, by a
 *     box of the same length class (20 on 20, 40/45 on 40/45);
 *   - within the block's or vessel's bays, rows and tiers, and a bay of the
 *     box's length (odd for 20 ft, even for 40/45 ft);
 *   - the stack's weight limit (a 40 ft box weighs half on each position);
 *   - block kind and zones: stack sizes, empties-only blocks, reefer plugs for
 *     running reefers, dangerous goods only where allowed, and IMDG
 *     segregation from the dangerous goods around it;
 *   - on vessels, reefer cells for running reefers and a verified gross mass
 *     for every full box loaded (SOLAS).
 * Failures are BOL_E_CONFLICT (the place is taken, the stack is full) or
 * BOL_E_INVAL (the place is wrong for this box), with the reason.
 */
#pragma once

#include "compat.h"
#include "domain.h"
#include "view.h"

struct bol_diag;

/*
 * IMDG Code 7.2.4 segregation between two hazard classes:
 *   0 "X"  no general segregation; -1 "*" class 1 with class 1 (compatibility
 *   groups decide); 1 away from; 2 separated from; 3 separated by a complete
 *   compartment or hold; 4 separated longitudinally by an intervening
 *   compartment or hold.
 */
int bol_imdg_segregation(const struct bol_imdg_class *a, const struct bol_imdg_class *b);

/* Whether two DG boxes dp ground positions and dr rows apart are far enough
 * apart in the yard for segregation value s. */
bool bol_imdg_apart(int s, unsigned dp, unsigned dr);

/*
 * The positions a yard slot takes: 20 ft bays covered by the box (one for
 * 20 ft, two for 40 ft).  BOL_E_INVAL when the bay does not fit the length.
 */
BOL_MUST_CHECK int bol_yard_positions(uint16_t bay, unsigned length, uint16_t bay20[2], unsigned *n,
                                      struct bol_diag *diag);

/* May c be put at yard slot `to` now?  0, BOL_E_CONFLICT, BOL_E_INVAL or a view error. */
BOL_MUST_CHECK int bol_rules_yard_put(const struct bol_view *v, const struct bol_container *c,
                                      const struct bol_yard_addr *to, struct bol_diag *diag);

/* May c leave its yard slot now (nothing on top of it)? */
BOL_MUST_CHECK int bol_rules_yard_take(const struct bol_view *v, const struct bol_container *c,
                                       struct bol_diag *diag);

/* May c be stowed at cell of visit now (loading)? */
BOL_MUST_CHECK int bol_rules_vessel_put(const struct bol_view *v, const struct bol_container *c,
                                        const struct bol_visit *visit,
                                        const struct bol_vessel *vessel,
                                        const struct bol_cell *cell, struct bol_diag *diag);

/* May c leave its vessel cell now (nothing on top of it in its stack)? */
BOL_MUST_CHECK int bol_rules_vessel_take(const struct bol_view *v, const struct bol_container *c,
                                         const struct bol_vessel *vessel, struct bol_diag *diag);
