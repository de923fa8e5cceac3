/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coprar_map.h - loading and discharge orders (COPRAR) in and out
 *
 * A COPRAR names a vessel call (TDT+20, LOC) and, per box, what the line
 * wants loaded (BGM 45, 240) or discharged (BGM 43): the container groups
 * read by equipment.h.  bol_coprar_map turns one message into the order
 * commands of core (order.h) for a visit, as one command of several steps:
 *
 *   BGM 1225 9 (or none)  original: every box is a line added to the list
 *   BGM 1225 5            replacement: order.clear, then the lines
 *   BGM 1225 1            cancellation: order.clear (there must be a list)
 *
 * A list is the visit's lines of one kind from one sender (UNB).  A box
 * without a number is a booking-level line; a number with a wrong check
 * digit, or text that is not a number, is kept as sent and flagged with a
 * warning; a port that is not a UN/LOCODE or a cell that is not a cell is
 * left out with a warning; a size-type nobody defines fails the message at
 * its box.  bol_coprar_write writes a visit's list back as COPRAR D.95B
 * (SMDG 1.6).  Pure.
 */
#pragma once

#include <jansson.h>

#include "baplie_map.h"
#include "buf.h"
#include "equipment.h"
#include "report.h"

struct bol_coprar_ctx {
    const char *visit;  /* the visit the orders are for */
    const char *sender; /* the interchange's sender: whose list */
};

/*
 * The kind of list a message's BGM document code gives: "load" (45, 240),
 * "discharge" (43), or NULL when it is not an order.
 */
const char *bol_coprar_kind(const char *doc);

/*
 * One message's container groups as order commands into out (initialised
 * here; release with bol_edi_mapped_release).  out->slot[i] is the box of
 * command i, or SIZE_MAX for order.clear.  Errors (a BGM that is not an
 * order, an unknown message function, a size-type nobody defines) are notes
 * with out->failed set.  0 or BOL_E_NOMEM.
 */
BOL_MUST_CHECK int bol_coprar_map(const struct bol_edi_boxes *b, const struct bol_coprar_ctx *ctx,
                                  struct bol_edi_mapped *out);

/* One message's boxes as order lines (the "box" objects of order.add), for comparing. */
BOL_MUST_CHECK int bol_coprar_lines(const struct bol_edi_boxes *b, json_t **ret);

struct bol_coprar_out {
    const char *kind;                                  /* "load" or "discharge" */
    const char *doc_no;                                /* BGM 1004 */
    const char *voyage, *carrier, *vessel_id, *vessel; /* TDT+20 */
    const char *port;                                  /* the terminal's UN/LOCODE, or "" */
    json_t *boxes;                                     /* order lines' box objects (order.h) */
};

/*
 * COPRAR messages o[0..n) (originals) as one interchange into out, in the
 * narrowest repertoire that holds every text.  0, BOL_E_INVAL (a time out
 * of range) or BOL_E_NOMEM / BOL_E_TOOBIG (out's cap).
 */
BOL_MUST_CHECK int bol_coprar_write(const struct bol_coprar_out *o, size_t n,
                                    const struct bol_report_envelope *env, struct bol_buf *out);
