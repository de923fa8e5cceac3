/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_export.h - what the terminal tells shipping lines: bay plans, move
 * reports and equipment events, read from the state tables
 *
 * BAPLIE: the boxes on board a visit (the departure bay plan).  COARRI: a
 * visit's discharges and loads, one message each.  CODECO: a terminal's
 * gate-ins and gate-outs, one message each.  Reports take the moves
 * journaled after a given entry, so a partner link can send each move
 * once: the last entry looked at comes back as the cursor for the next
 * call.  DCSA: the same moves as Track & Trace equipment events (JSON).
 *
 * A line (opts.line) gets its own boxes only: a line user or key never
 * sees another line's containers.  Any store handle will do (read-only is
 * fine); the time of writing comes in as now_us.
 */
#pragma once

#include <jansson.h>

#include "account.h"
#include "buf.h"
#include "compat.h"
#include "query.h"
#include "store.h"

enum bol_edi_export_type {
    BOL_EXPORT_BAPLIE = 0,
    BOL_EXPORT_COARRI,
    BOL_EXPORT_CODECO,
    BOL_EXPORT_COPRAR, /* a visit's load and discharge lists (edi_orders.h) */
    BOL_EXPORT_MOVINS, /* a visit's stowage instructions */
};
/* "baplie", "coarri", "codeco", "coprar", "movins" */
extern const char *const bol_edi_export_type_names[];

struct bol_edi_export_opts {
    enum bol_edi_export_type type;
    const char *visit;             /* BAPLIE, COARRI: the vessel visit */
    const char *terminal;          /* CODECO: the terminal */
    const char *line;              /* only this line's boxes (and it is the recipient), or NULL */
    const struct bol_scope *scope; /* terminals the caller may read, or NULL: every one */
    uint64_t after_seq;            /* COARRI, CODECO: moves journaled after this entry */
    int64_t now_us;
    bool baplie31; /* BAPLIE: SMDG 3.1 (D.13B) instead of 2.2 */
};

struct bol_edi_export_result {
    size_t boxes;  /* containers written */
    uint64_t last; /* COARRI, CODECO: the cursor for the next report */
};

/*
 * Write one interchange into out.  0, BOL_E_NOTFOUND (no such visit or
 * terminal, or one outside the scope), BOL_E_INVAL, or a store error; diag
 * says which.
 */
BOL_MUST_CHECK int bol_edi_export(struct bol_store *s, const struct bol_edi_export_opts *o,
                                  struct bol_buf *out, struct bol_edi_export_result *res,
                                  struct bol_diag *diag);

/*
 * The moves f selects as DCSA Track & Trace equipment events, in journal
 * order (a JSON array); *ret_last is the cursor for the next page.
 */
BOL_MUST_CHECK int bol_dcsa_events(struct bol_store *s, const struct bol_move_filter *f,
                                   json_t **ret, uint64_t *ret_last, struct bol_diag *diag);
