/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_import.h - EDI messages into the journal
 *
 * bol_edi_import reads an interchange and imports each message on its own,
 * all or nothing (a command of several steps, ops.h): a message with an
 * error changes nothing and is reported with positions; a good message in
 * the same interchange still imports.  Each message's request id is made
 * of the visit and a hash of the message's bytes, so importing the same
 * message again is reported as already imported and changes nothing.
 *
 * Bay plans (BAPLIE) go on board the visit given, or (create_visit) a visit
 * made from the plan's vessel (found by IMO number or call sign among the
 * defined vessels) and voyage: id CALLSIGN-VOYAGE.  Move reports (COARRI,
 * CODECO) record the moves they report into the visit given (or the one of
 * the report's vessel and voyage) or at the gate of the terminal given (or
 * the one at the report's port, or the only one).
 */
#pragma once

#include <jansson.h>

#include "account.h"
#include "compat.h"
#include "ops.h"

struct bol_edi_import_opts {
    const char *visit;             /* put bay plans on board this visit, or NULL */
    bool create_visit;             /* or make the visit from the plan */
    const char *terminal;          /* create_visit, CODECO: the terminal (NULL: the only one) */
    const struct bol_scope *scope; /* terminals the actor may change (NULL: every one) */
};

/*
 * Import p[0..n).  The report is {"interchange": {...notes}, "messages": [{
 * "index", "ref", "type", "version", "visit", "outcome" ("imported",
 * "already imported", "failed"), "containers", "registered", "reserved",
 * "unidentified", "already_on_board", "flagged", "reefers", "dg_lines",
 * "vgm", move reports (COARRI, CODECO; edi_import-int.h): "terminal" (CODECO),
 * "recorded", "already_recorded"; "seq", "notes": [{"level", "offset",
 * "segment", "message"}]}]}.
 * Returns 0 when every message imported (or was imported before),
 * BOL_E_INVAL when any failed (the report says which and why), or another
 * error with nothing reported.
 */
BOL_MUST_CHECK int bol_edi_import(struct bol_ops *ops, const struct bol_actor *actor, const char *p,
                                  size_t n, const struct bol_edi_import_opts *o, json_t **report,
                                  struct bol_diag *diag);
