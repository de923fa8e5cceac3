/* SPDX-License-Identifier: Apache-2.0 */
/*
 * query.h - what clerks, planners and supervisors ask of current state
 *
 * Each query reads the state tables (never the journal) and answers with a
 * JSON object, the same for the CLI, the API and the UI.  Times are ISO 8601
 * UTC text; masses kg; temperatures as set-point text in degrees C.  Any
 * store handle will do, typically one opened read-only per thread.  0,
 * BOL_E_NOTFOUND when the thing asked about does not exist, or a store error.
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "store.h"
#include "account.h"
#include "view.h"

struct bol_diag;

/*
 * A container: master data, current place, holds (active and lifted), the
 * delivery release, its work instructions and its full history.
 */
BOL_MUST_CHECK int bol_query_container(struct bol_store *s, const char *id, int64_t now_us,
                                       json_t **ret, struct bol_diag *diag);

/*
 * A yard block as stacks: every bay (or just bay20 when not 0: a 20 ft bay
 * number, or a 40 ft one for both of its 20 ft bays), every row, the boxes
 * from the ground up.
 */
BOL_MUST_CHECK int bol_query_yard(struct bol_store *s, const char *terminal, const char *block,
                                  unsigned bay, json_t **ret, struct bol_diag *diag);

/* Per block: boxes, TEU, full/empty, reefers, DG and capacity; and boxes on quay and trucks. */
BOL_MUST_CHECK int bol_query_inventory(struct bol_store *s, const char *terminal, json_t **ret,
                                       struct bol_diag *diag);

/* A vessel visit and its progress: discharge and load moves per crane, planned and done. */
BOL_MUST_CHECK int bol_query_visit(struct bol_store *s, const char *visit, json_t **ret,
                                   struct bol_diag *diag);

/* Open work of a piece of equipment in the order it is to be done ("" for unassigned work). */
BOL_MUST_CHECK int bol_query_queue(struct bol_store *s, const char *terminal, const char *equipment,
                                   json_t **ret, struct bol_diag *diag);

/* Boxes in the yard, longest stay first, with the summary per category (at most limit rows). */
BOL_MUST_CHECK int bol_query_dwell(struct bol_store *s, const char *terminal, int64_t now_us,
                                   unsigned limit, json_t **ret, struct bol_diag *diag);

/* Running reefers in the terminal: where, set point, and whether their slot has a plug. */
BOL_MUST_CHECK int bol_query_reefers(struct bol_store *s, const char *terminal, json_t **ret,
                                     struct bol_diag *diag);

/* Active holds on boxes in (or expected at) the terminal; all terminals when terminal is NULL. */
BOL_MUST_CHECK int bol_query_holds(struct bol_store *s, const char *terminal, json_t **ret,
                                   struct bol_diag *diag);

/*
 * Every document of a kind (accounts, API keys, maintenance windows,
 * approvals; view.h) as a JSON array in key order; windows of one user when
 * user is not NULL.
 */
BOL_MUST_CHECK int bol_query_docs(struct bol_store *s, enum bol_view_doc what, const char *user,
                                  json_t **ret, struct bol_diag *diag);

/* Every terminal: code, name, timezone, unlocode. */
BOL_MUST_CHECK int bol_query_terminals(struct bol_store *s, json_t **ret, struct bol_diag *diag);

/* Every vessel's definition as codec.h writes it, by IMO number. */
BOL_MUST_CHECK int bol_query_vessels(struct bol_store *s, json_t **ret, struct bol_diag *diag);

/* The boxes on board a visit, by cell: [{"cell": "BBBRRTT", "container": {master data}}]. */
BOL_MUST_CHECK int bol_query_on_board(struct bol_store *s, const char *visit, json_t **ret,
                                      struct bol_diag *diag);

/* Which moves bol_query_moves answers with. */
struct bol_move_filter {
    const char *container;         /* one box's moves, or NULL */
    const char *visit;             /* a visit's discharges and loads, or NULL */
    const char *terminal;          /* moves at one terminal, or NULL */
    const char *line;              /* only boxes of this shipping line, or NULL */
    const struct bol_scope *scope; /* only at these terminals, or NULL */
    unsigned kinds;                /* bits 1u << enum bol_move; 0: every kind kept */
    uint64_t after_seq;            /* moves journaled after this entry */
    int64_t from_us, to_us;        /* when they happened, [from, to); 0: open */
    unsigned limit;                /* at most this many; 0: all */
};

/*
 * The moves partners are told of (discharge, load, gate-in, gate-out), in
 * journal order: [{"seq", "move", "at", "at_us", "terminal", "visit",
 * "cell", "truck", "container": {master data now}}].  *ret_last (may be
 * NULL) is the last entry looked at, the cursor for the next call even when
 * the filter left that entry out.
 */
BOL_MUST_CHECK int bol_query_moves(struct bol_store *s, const struct bol_move_filter *f,
                                   json_t **ret, uint64_t *ret_last, struct bol_diag *diag);

/*
 * Every box in a terminal's yard, on its quay or on a truck inside its gate,
 * yard first by block, bay, row and tier, then quay and trucks:
 * [{"container": {master data}, "place": "yard DCT1/3C/012/04/2", "kind":
 * "yard", "block", "bay", "row", "tier" (yard), "visit" (quay), "truck"
 * (truck), "mass_kg": the mass that counts on a stack}].
 */
BOL_MUST_CHECK int bol_query_boxes(struct bol_store *s, const char *terminal, json_t **ret,
                                   struct bol_diag *diag);

/*
 * Every open work instruction of a terminal (planned, dispatched, in
 * progress), by equipment ("" first: unassigned), then in queue order:
 * [{"wi", "kind", "id" (container), "status", "equipment", "priority",
 * "queue_seq", "to", "visit", "planned_at", "from": place text}].
 */
BOL_MUST_CHECK int bol_query_open_work(struct bol_store *s, const char *terminal, json_t **ret,
                                       struct bol_diag *diag);

/*
 * The vessel visits of a terminal that have not departed, by ETA (visits
 * without one last), then id: [{"visit": {visit doc}, "vessel": name or
 * absent, "on_board": boxes on board}].
 */
BOL_MUST_CHECK int bol_query_visits(struct bol_store *s, const char *terminal, json_t **ret,
                                    struct bol_diag *diag);

/*
 * A read transaction: queries between begin and end see one state, however
 * writers change it meanwhile (SQLite: one snapshot; PostgreSQL: BEGIN READ
 * ONLY ISOLATION LEVEL REPEATABLE READ).  Not inside another transaction.
 * end (after a successful begin) ends it; it writes nothing.
 */
BOL_MUST_CHECK int bol_query_snapshot_begin(struct bol_store *s, struct bol_diag *diag);
void bol_query_snapshot_end(struct bol_store *s);

/*
 * The newest self-inspection run (inspect.completed's "run", from the state
 * table inspect_run), or BOL_E_NOTFOUND when inspect never ran.
 */
BOL_MUST_CHECK int bol_query_inspect_last(struct bol_store *s, json_t **ret, struct bol_diag *diag);

/*
 * A visit's order lines (ev_order.c), of kind "load" or "discharge" or both
 * (kind NULL), load first, by sender and line: [{"kind", "sender", "n",
 * "doc_no", "box", "seq"}].
 */
BOL_MUST_CHECK int bol_query_orders(struct bol_store *s, const char *visit, const char *kind,
                                    json_t **ret, struct bol_diag *diag);

/* A visit's stowage rules in their order: [{"n", "sender", "rule", "seq"}]. */
BOL_MUST_CHECK int bol_query_stowage(struct bol_store *s, const char *visit, json_t **ret,
                                     struct bol_diag *diag);
