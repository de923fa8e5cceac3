/* SPDX-License-Identifier: Apache-2.0 */
/*
 * slot_mark.h - marks on a vessel visit's stowage cells: reserved and blocked
 *
 * A bay plan names cells that hold no box of its own: reserved (an EQD
 * without a number: a cell kept for a box to come, or reported empty) and
 * blocked (BAPLIE 3.1: a cell that may not be used, for instance because an
 * out-of-gauge box in the next cell overhangs it).  bollard keeps them per
 * visit in the state table vessel_slot_mark (ev_slot.c); the latest plan
 * imported for a visit replaces the visit's marks as a whole (slot.mark),
 * and a load or a planned move into a blocked cell is refused with the
 * mark's reason.
 */
#pragma once

#include "cell.h"
#include "compat.h"

#define BOL_SLOT_REASON_MAX 70   /* bytes */
#define BOL_SLOT_REF_MAX    35   /* the message reference that made the mark */
#define BOL_SLOT_MARKS_MAX  4096 /* per visit */

enum bol_slot_kind { BOL_SLOT_RESERVED = 0, BOL_SLOT_BLOCKED };

extern const char *const bol_slot_kind_names[]; /* "reserved", "blocked" */

struct bol_slot_mark {
    struct bol_cell cell;
    enum bol_slot_kind kind;
    char reason[BOL_SLOT_REASON_MAX + 1];
    char ref[BOL_SLOT_REF_MAX + 1];
};
