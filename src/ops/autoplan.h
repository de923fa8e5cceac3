/* SPDX-License-Identifier: Apache-2.0 */
/*
 * autoplan.h - the yard planners' choices where a work instruction asks
 * for them
 *
 * Two requests, each on the work instruction itself:
 *
 *  - A discharge or gate-in may name its destination as "auto":
 *    `{"cmd": "wi.plan", "kind": "dsch"|"gtin", "id": ..., "to": "auto"}`.
 *    The slot planner (yard_plan.h: bol_ops_slot_suggest) chooses the best
 *    slot of the box's terminal and it is written into the command, so the
 *    core checks it like any slot a planner typed.
 *  - A load or gate-out (delivery) may ask for the dig-out:
 *    `{"cmd": "wi.plan", "kind": "load"|"gtot", ..., "digout": true}`.
 *    The block relocation solver (bol_ops_digout) plans where each box on
 *    top goes, and the command becomes one of several steps: a rehandle
 *    instruction per blocker, in the order they must move, with the
 *    priority and equipment of the instruction asked for, then that
 *    instruction.  Either all are planned or none.  Nothing on top: the
 *    instruction alone.  The preview is GET /api/v1/containers/{id}/digout
 *    or `bollard yard digout`.
 *
 * The choice is made on a read-only view outside the writer (reading the
 * yard takes longer than a command may hold the journal), so another
 * command may take the slot or plan a blocker first; the core then refuses
 * the command and the caller may ask again.  Callers keep the command as
 * sent in bol_ops_call.asked, so a repeated request id stands for what was
 * asked, not for whichever slot or dig-out was chosen the first time.
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "errors.h"
#include "store.h"

/* Whether cmd asks a planner ("to": "auto", or a "digout" member). */
bool bol_ops_autoplan_wanted(json_t *cmd);

/*
 * If *cmd asks for it, complete it: set its "to" to the chosen slot, or
 * replace *cmd by the dig-out's steps (the reference moves into the array;
 * the old object is released).  *asked becomes a copy of the command as it
 * was sent (for bol_ops_call.asked) and *why an object to add to the answer:
 * {"slot_choice": the suggestion (bol_slot_suggestion_json)} or {"digout":
 * the plan (bol_digout_json)}.  Otherwise *cmd is left alone and both are
 * NULL.  0, or the planner's error with the reason in diag: BOL_E_NOTFOUND
 * (no such box, or no slot fits), BOL_E_STATE (not arriving at the yard),
 * BOL_E_CONFLICT (a box on top already has an open instruction),
 * BOL_E_UNSUPPORTED (its bay mixes 20 and 40 ft boxes), or BOL_E_INVAL for
 * a request on another kind of instruction.
 */
BOL_MUST_CHECK int bol_ops_autoplan(struct bol_store *s, json_t **cmd, int64_t now_us,
                                    json_t **asked, json_t **why, struct bol_diag *diag);
