/* SPDX-License-Identifier: Apache-2.0 */
/*
 * booking.h - booking-level release orders and VGMs declared before their box
 *
 * A release order (COPARN BGM 12) lets a line's trucks take boxes the order
 * does not name: "release N empty boxes of size-type T of line L for booking
 * B".  Each is one JSON document in the "booking_release" state table, key
 * ref (the release reference the driver quotes; the booking number when the
 * order has none):
 *
 *   {"ref", "booking", "line", "sizetypes": ["45G1", ...], "quantity": N,
 *    "full": false, "valid_until"?: ISO, "boxes"?: [container id, ...],
 *    "used": M, "status": "open"|"cancelled", "message"?: text}
 *
 * A gate delivery that quotes the reference takes one unit: the box must be
 * of the line, of a size-type equal in length, height, width and type group
 * to one of the order's (a 45G0 serves a 45G1 order), full or empty as the
 * order says, one of the boxes if the order names any; the order must be
 * open, not past valid_until, and have a unit left (used < quantity).
 *
 * A VGM declared for a box bollard has no record of yet is one document in
 * "vgm_pending", key id:
 *
 *   {"id", "vgm_kg", "method"?: "SM1"|"SM2", "declarant"?: text,
 *    "ref"?: the message that declared it}
 *
 * When the box is registered its pending VGM goes into the registration and
 * the row is removed in the same command.  Pure.
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "domain.h"

struct bol_diag;

#define BOL_RELEASE_SIZETYPES_MAX 8
#define BOL_RELEASE_BOXES_MAX     100
#define BOL_RELEASE_QTY_MAX       9999
#define BOL_DECLARANT_MAX         70

struct bol_booking_release {
    char ref[BOL_REF_MAX + 1], booking[BOL_REF_MAX + 1];
    char line[BOL_LINE_MAX + 1];
    char sizetypes[BOL_RELEASE_SIZETYPES_MAX][5];
    unsigned nsizetypes;
    uint32_t quantity, used;
    bool full;
    int64_t valid_until_us; /* 0: no end */
    struct bol_container_id boxes[BOL_RELEASE_BOXES_MAX];
    unsigned nboxes;
    bool cancelled;
    char message[BOL_REF_MAX + 1];
};

struct bol_vgm_pending {
    struct bol_container_id id;
    uint32_t vgm_kg;
    enum bol_vgm_method method;
    char declarant[BOL_DECLARANT_MAX + 1];
    char ref[BOL_REF_MAX + 1];
};

/* A release document: every field checked, unknown ones refused. */
BOL_MUST_CHECK int bol_booking_release_from_json(json_t *o, struct bol_booking_release *out,
                                                 struct bol_diag *diag);
BOL_MUST_CHECK int bol_booking_release_to_json(const struct bol_booking_release *b, json_t **ret);

/*
 * May box c leave on release b at now_us?  0, or BOL_E_STATE (cancelled,
 * expired, used up) or BOL_E_INVAL (the box does not match) with the reason.
 */
BOL_MUST_CHECK int bol_booking_release_fits(const struct bol_booking_release *b,
                                            const struct bol_container *c, int64_t now_us,
                                            struct bol_diag *diag);

BOL_MUST_CHECK int bol_vgm_pending_from_json(json_t *o, struct bol_vgm_pending *out,
                                             struct bol_diag *diag);
BOL_MUST_CHECK int bol_vgm_pending_to_json(const struct bol_vgm_pending *v, json_t **ret);
