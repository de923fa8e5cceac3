/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baplie_map.h - a bay plan as the commands that put its boxes on board a
 * visit, and a container announcement as the commands that announce its boxes
 *
 * bol_baplie_map turns one BAPLIE message (baplie.h) into container.register
 * commands (commands.h) for a vessel visit, to be run as one command of
 * several steps (ops.h): every box goes on board or none does.  Pure: what
 * the terminal knows comes in through the context.  Outcomes per slot:
 *
 *   a box with a container number           a command; a wrong check digit is
 *                                            flagged on the box, with a warning
 *   an EQD without a number                 a reserved or empty slot: counted
 *   text that is not a container number     counted as taken by an unidentified
 *                                            box, with a warning; nothing registered
 *   a box already on board here, same cell  nothing (a plan sent again, revised)
 *   a box with an unreadable cell or size   an error: the message does not import
 *
 * A port of discharge that is the terminal's port makes a full box an import
 * (empty: empty); one for another port stays on board (category through).
 * A shipping line or UN/LOCODE bollard does not know is left out of the box
 * with a warning, once per distinct value.
 */
#pragma once

#include <jansson.h>

#include "baplie.h"
#include "equipment.h"

struct bol_edi_map_ctx {
    const char *visit; /* the visit the boxes go on board */
    const char *port;  /* the terminal's UN/LOCODE, "" when it has none */
    /* 1 when the shipping line is defined, 0 when not, < 0 on error */
    int (*line_known)(void *u, const char *code);
    /* 1 with its cell ("BBBRRTT") when the box is on board this visit, 0 when not, < 0 on error */
    int (*on_board)(void *u, const char *id, char cell[8]);
    /* 1 when bollard has a record of the box (anywhere), 0 when not, < 0 on error (COPARN) */
    int (*known)(void *u, const char *id);
    void *u;
};

#define BOL_EDI_MAP_NOTES_MAX 1000

struct bol_edi_mapped {
    json_t *cmds;   /* the commands, in the plan's order */
    size_t *slot;   /* per command: the index of its slot in the plan */
    json_t *notes;  /* [{"level": "warning"|"error", "offset", "segment", "message"}] */
    size_t dropped; /* notes past BOL_EDI_MAP_NOTES_MAX, counted only */
    bool failed;    /* an error: the message must not import */
    uint32_t boxes, reserved, unidentified, already, flagged;
};

/* 0 (out->failed says whether the message may import), or BOL_E_NOMEM and the like. */
BOL_MUST_CHECK int bol_baplie_map(const struct bol_baplie *b, const struct bol_edi_map_ctx *ctx,
                                  struct bol_edi_mapped *out);

/*
 * A container announcement (COPARN, BGM 126) as the commands that register
 * its boxes as announced: known to the terminal, coming by road.  The same
 * master data as a bay plan's, plus booking, bill of lading, seals and VGM
 * method; the category from the EQD status (3 import, 6 transshipment,
 * otherwise export; an empty box: empty).  Outcomes per box: a box bollard
 * already has a record of: nothing (counted as already); no container
 * number, or text that is not one: counted as unidentified, warning (a
 * booking-level order names no box); no size-type or an unreadable one:
 * an error.  Another COPARN function (a release order, BGM 12 ...) is an
 * error: not imported yet.  ctx->visit and ctx->on_board are not used.
 */
BOL_MUST_CHECK int bol_coparn_map(const struct bol_edi_boxes *b, const struct bol_edi_map_ctx *ctx,
                                  struct bol_edi_mapped *out);

/*
 * The plan's cells without a box as one slot.mark command (slot_mark.h) for
 * the visit, ref the message reference: reserved (an EQD without a number,
 * or a location without equipment) and blocked (3.1).  A cell named twice
 * is marked once, blocked before reserved; cells that are not cells are
 * left out (the reader warned).  The command has an empty list when the plan
 * marks nothing: run it only if the visit has marks to clear.  0 or
 * BOL_E_NOMEM.
 */
BOL_MUST_CHECK int bol_baplie_marks(const struct bol_baplie *b, const char *visit, const char *ref,
                                    json_t **ret_cmd, uint32_t *reserved, uint32_t *blocked);

/* An empty result with room for n commands.  0 or BOL_E_NOMEM. */
BOL_MUST_CHECK int bol_edi_mapped_init(struct bol_edi_mapped *m, size_t n);

void bol_edi_mapped_release(struct bol_edi_mapped *m);

/* Add a note to m (also for callers that find more about the message). */
BOL_MUST_CHECK int bol_edi_mapped_note(struct bol_edi_mapped *m, bool error, uint64_t offset,
                                       uint32_t segment, const char *text);
