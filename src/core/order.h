/* SPDX-License-Identifier: Apache-2.0 */
/*
 * order.h - a visit's orders from its line: load and discharge lists
 * (COPRAR) and stowage instructions (MOVINS)
 *
 * An order line is one box a line wants loaded onto or discharged from a
 * visit, as the line sent it: the container number (or none: a
 * booking-level line), size-type, full or empty, ports, planned cell,
 * masses, reefer set point and DG lines.  A stowage rule says what may go
 * into one cell of the visit.  Both are kept as one canonical JSON object
 * each (the "box" of order.added, the "rule" of stowage.added); these
 * checks say whether an object is one.  Pure.
 */
#pragma once

#include <jansson.h>

#include "compat.h"

struct bol_diag;

#define BOL_ORDER_LINES_MAX  20000  /* lines in one visit's list from one sender */
#define BOL_ORDER_SENDER_MAX 35     /* UNB sender identification (an..35) */
#define BOL_ORDER_KG_MAX     200000 /* a mass on an order line or stowage rule */

/* "load", "discharge"; NULL-terminated. */
extern const char *const bol_order_kind_names[];
/* "load", "discharge", "restow"; NULL-terminated. */
extern const char *const bol_stowage_handling_names[];

/*
 * An order line's box: {"container"?, "flagged"?, "sizetype"?, "full"?,
 * "pol"?, "pod"?, "cell"?, "booking"?, "line"?, "gross_kg"?, "vgm_kg"?,
 * "setpoint_c10"?, "dg"?: [{"class", "un"?}]}.  0, or BOL_E_INVAL naming
 * the field in diag.
 */
BOL_MUST_CHECK int bol_order_box_check(json_t *box, struct bol_diag *diag);

/*
 * A stowage rule: {"cell", "handling"?, "container"?, "sizetype"?, "pol"?,
 * "pod"?, "max_kg"?, "setpoint_c10"?, "dg"?: [{"class", "un"?}]}.  0, or
 * BOL_E_INVAL naming the field in diag.
 */
BOL_MUST_CHECK int bol_stowage_rule_check(json_t *rule, struct bol_diag *diag);
