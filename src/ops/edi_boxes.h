/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_boxes.h - release orders in, COPARN and VERMAS out
 *
 * bol_edi_release_map reads one COPARN release order (BGM 12) of an
 * interchange and maps it (coparn.h) for bol_edi_import, which runs its
 * command like every message's: all or nothing, once.  The exports read
 * the store: a booking's release orders and announced boxes as COPARN,
 * the VGMs of a booking's or a visit's boxes as VERMAS.
 */
#pragma once

#include <jansson.h>

#include "baplie_map.h"
#include "buf.h"
#include "compat.h"
#include "errors.h"
#include "store.h"

/*
 * Message msg of p[0..n) as a release order's command into out (notes with
 * positions; out->failed when it must not import).  line_known as in
 * bol_edi_map_ctx; sender names the partner in a cancellation's reason.
 * 0 or BOL_E_NOMEM.
 */
BOL_MUST_CHECK int bol_edi_release_map(const char *p, size_t n, size_t msg, const char *sender,
                                       int (*line_known)(void *u, const char *code), void *u,
                                       struct bol_edi_mapped *out);

struct bol_edi_boxes_export {
    const char *booking; /* COPARN: this booking's releases and boxes; VERMAS: its boxes */
    const char *visit;   /* VERMAS: the boxes on board this visit */
    const char *sender, *recipient;
    int64_t now_us;
};

/* COPARN: the booking's release orders (BGM 12), then its announced boxes (BGM 126). */
BOL_MUST_CHECK int bol_edi_export_coparn(struct bol_store *s, const struct bol_edi_boxes_export *o,
                                         struct bol_buf *out, struct bol_diag *diag);

/* VERMAS: every box of the booking (or on board the visit) that has a VGM. */
BOL_MUST_CHECK int bol_edi_export_vermas(struct bol_store *s, const struct bol_edi_boxes_export *o,
                                         struct bol_buf *out, struct bol_diag *diag);
