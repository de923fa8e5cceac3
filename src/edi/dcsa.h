/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dcsa.h - DCSA Track & Trace 2.2 equipment events from container moves
 *
 * The same moves the EDIFACT reports are made from (a discharge, a load, a
 * gate-in, a gate-out) as the JSON equipment events of the DCSA Track &
 * Trace standard (events of the DCSA event domain 2.0, served on
 * GET /v2/events): an actual (ACT) event, DISC, LOAD, GTIN or GTOT, with
 * the box, whether it is laden, where it happened and the transport call
 * (the vessel visit, or the truck visit at the gate).  Seals are left out:
 * the standard requires each seal's type, which bollard does not record.
 * Pure: the caller gives every value.
 */
#pragma once

#include <jansson.h>

#include "domain.h"

struct bol_dcsa_where {
    const char *unlocode;      /* the terminal's UN/LOCODE ("" when unknown) */
    const char *terminal_name; /* the terminal's name */
    const char *origin;        /* the installation's journal origin (names event ids) */
};

struct bol_dcsa_call {
    bool vessel;    /* a vessel visit, else a truck visit */
    const char *id; /* the visit id, or the truck visit's number */
    const char *voyage_in, *voyage_out;
    const struct bol_vessel *ves; /* the vessel (vessel calls), or NULL */
};

/*
 * One equipment event: the move journaled at seq (kind discharge, load,
 * gate-in or gate-out) of box c at at_us.  The event id is a UUID derived
 * from the origin and seq, so the same move always has the same id.  0,
 * BOL_E_INVAL (another kind of move, or a time out of range) or
 * BOL_E_NOMEM.
 */
BOL_MUST_CHECK int bol_dcsa_equipment_event(const struct bol_container *c, enum bol_move kind,
                                            uint64_t seq, int64_t at_us,
                                            const struct bol_dcsa_where *where,
                                            const struct bol_dcsa_call *call, json_t **ret);

/* The event code of a move kind ("DISC", "LOAD", "GTIN", "GTOT"), or NULL. */
const char *bol_dcsa_event_code(enum bol_move kind);
