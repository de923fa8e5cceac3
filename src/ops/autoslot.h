/* SPDX-License-Identifier: Apache-2.0 */
/*
 * autoslot.h - the slot planner's choice where a work instruction asks for it
 *
 * A discharge or gate-in work instruction may name its destination as
 * "auto": `{"cmd": "wi.plan", "kind": "dsch"|"gtin", "id": ..., "to": "auto"}`.
 * bol_ops_autoslot asks the slot planner (yard_plan.h) for the best slot of
 * the box's terminal and writes it into the command before it is run, so
 * the core checks it like any slot a planner typed, and hands back the
 * choice with its score terms for the person who asked.
 *
 * The choice is made on a read-only view outside the writer (reading the
 * yard takes longer than a command may hold the journal), so another
 * command may take the slot first; the core then refuses the instruction
 * (the slot is taken) and the caller may ask again.  Callers keep the
 * command as sent in bol_ops_call.asked, so a repeated request id stands
 * for "auto", not for whichever slot was chosen the first time.
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "errors.h"
#include "store.h"

/* Whether cmd asks for the planner's choice ("to": "auto"). */
bool bol_ops_autoslot_wanted(json_t *cmd);

/*
 * If cmd asks for it, set its "to" to the chosen slot, *asked to a copy of
 * cmd as it was sent (for bol_ops_call.asked) and *why to the suggestion
 * (yard_plan.h: bol_slot_suggestion_json); otherwise leave cmd alone and
 * both NULL.  0, or the planner's error (BOL_E_NOTFOUND: no such box or no
 * slot fits, the diag says what ruled them out; BOL_E_STATE: not arriving
 * at the yard), or BOL_E_INVAL for "auto" on another kind of instruction.
 */
BOL_MUST_CHECK int bol_ops_autoslot(struct bol_store *s, json_t *cmd, int64_t now_us,
                                    json_t **asked, json_t **why, struct bol_diag *diag);
