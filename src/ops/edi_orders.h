/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_orders.h - a visit's orders from EDI into the journal, and back out:
 * loading and discharge orders (COPRAR) and stowage instructions (MOVINS)
 *
 * Called by bol_edi_import (edi_import.c) for each COPRAR and MOVINS
 * message, and by bol_edi_export for the coprar and movins types.
 */
#pragma once

#include <jansson.h>

#include "account.h"
#include "buf.h"
#include "compat.h"
#include "equipment.h"
#include "ops.h"
#include "store.h"

struct bol_view;

/* What the importer knows that an order message needs. */
struct bol_edi_orders_in {
    struct bol_ops *ops;
    const struct bol_actor *actor;
    const struct bol_scope *scope;
    struct bol_store *rs;        /* read-only: what the terminal knows */
    const struct bol_view *view; /* answered from rs */
    const char *visit;           /* --visit, or NULL: found by vessel and voyage */
    const char *p;               /* the interchange's bytes */
    size_t n;
    json_t *terminals, *vessels; /* bol_query_terminals, bol_query_vessels */
    const char *sender;          /* UNB sender: whose lists */
};

/*
 * Import message msg (a COPRAR read by bol_edi_equipment_read into eq, or a
 * MOVINS) all or nothing, its outcome and counts into the report object mr
 * (which has "notes").  1 when it failed (noted), 0 when not, < 0 when the
 * store or memory failed.
 */
BOL_MUST_CHECK int bol_edi_import_coprar(const struct bol_edi_orders_in *in,
                                         const struct bol_edi_equipment *eq, size_t msg,
                                         json_t *mr);
BOL_MUST_CHECK int bol_edi_import_movins(const struct bol_edi_orders_in *in, size_t msg,
                                         json_t *mr);

/*
 * A visit's load and discharge lists (kind "coprar") as COPRAR messages
 * (one per kind that has lines), or its stowage instructions as one MOVINS (kind "movins"), into
 * out.  *boxes is the number of lines written.  The visit must be in scope
 * (NULL: every terminal) and, when line is not NULL, be that line's call.
 * 0, or an error in diag.
 */
BOL_MUST_CHECK int bol_edi_export_orders(struct bol_store *s, const char *visit, const char *kind,
                                         const struct bol_scope *scope, const char *line,
                                         int64_t now_us, struct bol_buf *out, size_t *boxes,
                                         struct bol_diag *diag);
