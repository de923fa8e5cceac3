/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vermas_map.h - a VGM declaration (VERMAS) as the corrections that record
 * each box's verified gross mass
 *
 * A shipper's VGM (SOLAS VI/2) reaches the terminal in a VERMAS: per
 * container, the mass (MEA+AAE+VGM), how it was found (DOC+SM1 or SM2) and
 * who declared it.  bol_vermas_map turns one message's container groups
 * (equipment.h) into container.correct commands, to be run as one command
 * of several steps (ops.h): every VGM is recorded or none is.  Pure: what
 * the terminal knows comes in through the context.  Outcomes per box:
 *
 *   a known box whose VGM or method differs  a correction, with the message
 *                                            named as its reason
 *   a known box with the same VGM and method nothing (sent again)
 *   a box bollard has no record of           a vgm.declare: kept pending until the
 *                                            box is registered (booking.h)
 *   no container number, or text that is    left out, with a warning
 *   not one
 *   no VGM in the group                      left out, with a warning
 *
 * A VGM the core refuses (more than the size-type allows, less than the
 * tare) fails the message at its box.
 */
#pragma once

#include "baplie_map.h"
#include "domain.h"
#include "equipment.h"

struct bol_vermas_ctx {
    const char *reason; /* what the corrections say, e.g. "VGM declared in VERMAS 123 from X" */
    /* 1 with the box's master data, 0 when bollard has no record of it, < 0 on error */
    int (*container)(void *u, const char *id, struct bol_container *out);
    void *u;
    const char *declarant; /* a pending VGM's declarant (the sender), or NULL */
    const char *ref;       /* and the message that declared it, or NULL */
};

struct bol_vermas_mapped {
    struct bol_edi_mapped m; /* cmds, the box of each (m.slot), notes; m.boxes = commands */
    uint32_t unknown, same, no_vgm;
    uint32_t pending; /* boxes bollard has no record of: their VGM kept pending */
};

/* 0 (out->m.failed says whether the message may import), or BOL_E_NOMEM and the like. */
BOL_MUST_CHECK int bol_vermas_map(const struct bol_edi_boxes *b, const struct bol_vermas_ctx *ctx,
                                  struct bol_vermas_mapped *out);
