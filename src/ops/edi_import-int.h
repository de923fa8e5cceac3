/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_import-int.h - what the importers of each message type share
 * (edi_import.c runs the interchange and dispatches each message)
 */
#pragma once

#include <jansson.h>

#include "baplie.h"
#include "compat.h"
#include "edi_import.h"
#include "equipment.h"
#include "storeview.h"

struct imp {
    struct bol_ops *ops;
    const struct bol_actor *actor;
    const struct bol_edi_import_opts *o;
    const char *p;
    size_t n;
    struct bol_store *rs; /* read-only: what the terminal knows */
    struct bol_store_view sv;
    struct bol_diag vd; /* the view's errors */
    json_t *terminals, *vessels;
    struct bol_baplie_set set;
    struct bol_edi_equipment eq;      /* the same interchange as container groups */
    char visit[BOL_VISIT_ID_MAX + 1]; /* of the message being imported */
};

/* A note {"level", "offset", "segment", "message"} into notes.  0 or BOL_E_NOMEM. */
BOL_MUST_CHECK int bol_edi_imp_note(json_t *notes, const char *level, uint64_t offset,
                                    uint32_t segment, const char *text);

/*
 * The vessel visit a message is for: the one given (--visit), else the one
 * visit listed by bol_query_visits in one of terminals whose vessel is
 * vessel_id (IMO number or call sign, among vessels) and whose voyage in or
 * out is voyage (any voyage when the message names none).  0 with it in
 * out; BOL_E_NOTFOUND (none) or BOL_E_CONFLICT (several), or the store's
 * error, with the reason in text.
 */
struct bol_edi_visit_find {
    struct bol_store *rs;
    const struct bol_view *view; /* answered from rs */
    json_t *terminals, *vessels; /* bol_query_terminals, bol_query_vessels */
    const char *given;           /* or NULL */
    const char *vessel_id, *voyage;
};
BOL_MUST_CHECK int bol_edi_imp_visit(const struct bol_edi_visit_find *f,
                                     char out[BOL_VISIT_ID_MAX + 1], char *text, size_t ntext);

/* o[k] = v.  0 or BOL_E_NOMEM. */
BOL_MUST_CHECK int bol_edi_imp_count(json_t *o, const char *k, uint64_t v);

/* The request id of message m in the bytes p: "edi-" name "-" 128 bits of its bytes' SHA-256. */
void bol_edi_msg_req(const char *p, const struct bol_edi_message *m, const char *name, char *out,
                     size_t n);
/* The same, named by im->visit (or, without a visit, the message's type). */
void bol_edi_imp_req(struct imp *im, const struct bol_edi_message *m, char *out, size_t n);

/* Run a message's commands as one command of several steps under its request id. */
BOL_MUST_CHECK int bol_edi_imp_run(struct imp *im, json_t *cmds, const char *req,
                                   struct bol_ops_call *call);

/*
 * Put the result of a message's steps into its report: "imported" with the
 * journal range, "already imported", or (returning 1) an error note at the
 * failing step's box (where, off, seg: that box, or the message when the
 * failure is not a step's) with its count key set to 0.  Else 0 or < 0.
 */
BOL_MUST_CHECK int bol_edi_imp_outcome(json_t *mr, const struct bol_ops_call *call, int r,
                                       const char *where, uint64_t off, uint32_t seg,
                                       const char *count_key);

/*
 * A move report (COARRI, CODECO; edi_moves.c): the moves it reports
 * recorded, all or none.  mr is the message's report.  0 when it imported
 * (or was imported before), 1 when it failed (the report says why), < 0.
 */
BOL_MUST_CHECK int bol_edi_import_moves(struct imp *im, size_t msg, json_t *mr);
