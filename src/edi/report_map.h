/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_map.h - a move report from a partner's system (COARRI, CODECO) as
 * the commands that record its moves
 *
 * A stevedore's crane system reports the boxes it discharged or loaded, an
 * automated gate the boxes that came in or went out, a neighbouring
 * terminal its share of a joint operation.  bol_report_map turns one report
 * (report.h) into the commands bollard records those moves with, to be run
 * as one command of several steps (ops.h): every move is recorded or none.
 * The core checks each command against the state like any other, so a move
 * the state does not allow fails the message with the core's reason.
 *
 *   discharge (BGM 98, D.23A 119)  discharge of the box to the visit's quay
 *   load (BGM 270, D.23A 122)      load into the reported cell (LOC+147)
 *   gate-in (BGM 34)               truck.arrive, gate.receive (an unknown box
 *                                  with its master data: registered by it)
 *   gate-out (BGM 36)              truck.arrive, gate.deliver, truck.depart
 *
 * Each move command carries the reported time of the move ("reported_at",
 * DTM 203 or 7), which the journal keeps with the move.  A truck visit made
 * from a report records no driver: its person is "edi", its plate the one
 * the box's TDT gives (else "not reported"), its company the sender.
 *
 * Outcomes per box: a move bollard has already recorded is counted as
 * already recorded and asks nothing.  The n-th report of a box in a message
 * (a box loaded, restowed and loaded again) is already recorded when the
 * move table holds at least n moves of that kind for it with the visit
 * (COARRI), or at the terminal while the box is already where the move
 * took it (CODECO: inside after a gate-in, gone after a gate-out).  A box
 * bollard has no record of fails the message (except at a gate-in, whose
 * master data registers it); a discharge of a box on board another visit
 * fails it; a load without a cell fails it.  Pure: what the terminal knows
 * comes in through the context.
 */
#pragma once

#include <jansson.h>

#include "baplie_map.h"
#include "report.h"

struct bol_report_map_ctx {
    const char *visit;     /* COARRI: the vessel visit the report is about */
    const char *terminal;  /* CODECO: the terminal whose gate it is */
    const char *truck_ref; /* CODECO: prefix of the truck visits' references ("edi-HASH") */
    const char *company;   /* CODECO: the trucks' company (the sender), or "" */
    /* 1 with its record when bollard knows the box, 0 when not, < 0 on error */
    int (*box)(void *u, const char *id, struct bol_container *out);
    /*
     * How many moves of this kind the move table holds for the box (COARRI:
     * with ctx->visit; CODECO: at ctx->terminal), or < 0 on error
     */
    int (*moved)(void *u, const char *id, enum bol_report_kind kind, const char *visit,
                 const char *terminal);
    void *u;
};

/*
 * 0 (out->failed says whether the message may import; out->boxes counts the
 * moves to record, out->already those already recorded; out->slot[i] is the
 * box of command i), or BOL_E_NOMEM and the like.  Release out with
 * bol_edi_mapped_release.
 */
BOL_MUST_CHECK int bol_report_map(const struct bol_report *r, const struct bol_report_map_ctx *ctx,
                                  struct bol_edi_mapped *out);
