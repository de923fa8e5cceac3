/* SPDX-License-Identifier: Apache-2.0 */
/*
 * events-int.h - how the files that define event types hand them to the registry
 *
 * events.c keeps the registry (versions, upcasting, checking, applying);
 * ev_ref.c defines the reference-data events (terminals, lines, berths,
 * blocks, equipment, vessels, visits) and ev_ops.c the operations events
 * (containers, moves, holds, releases, trucks, work instructions), ev_auth.c
 * the access events (accounts, keys, windows, approvals, logins), ev_sec.c
 * those of detection (alerts, canaries, exports, the service's life),
 * ev_incident.c the incident events and ev_inspect.c the self-inspection's
 * results.  Each
 * file owns the state tables its events write.
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "entry.h"
#include "state.h"

struct bol_diag;

typedef int (*bol_upcast_fn)(json_t *payload, struct bol_diag *diag);

struct bol_event_def {
    const char *type;
    uint32_t version;
    const bol_upcast_fn *upcasts; /* upcasts[v - 1] turns version v into v + 1 */
    /* Check a payload at the current version (fields, ranges, canonical values). */
    int (*check)(json_t *payload, struct bol_diag *diag);
    /* Check and apply: emit the row changes of entry e through sink. */
    int (*apply)(const struct bol_entry *e, json_t *payload, const struct bol_mutation_sink *sink,
                 struct bol_diag *diag);
};

extern const struct bol_event_def bol_ref_events[];
extern const size_t bol_ref_nevents;
extern const struct bol_event_def bol_ops_events[];
extern const size_t bol_ops_nevents;
extern const struct bol_event_def bol_auth_events[];
extern const size_t bol_auth_nevents;
extern const struct bol_event_def bol_sec_events[];
extern const size_t bol_sec_nevents;
extern const struct bol_event_def bol_incident_events[];
extern const size_t bol_incident_nevents;
extern const struct bol_event_def bol_inspect_events[];
extern const size_t bol_inspect_nevents;
extern const struct bol_event_def bol_slot_events[]; /* ev_slot.c: reserved and blocked cells */
extern const size_t bol_slot_nevents;
extern const struct bol_event_def bol_order_events[];
extern const size_t bol_order_nevents;
extern const struct bol_event_def bol_booking_events[];
extern const size_t bol_booking_nevents;

/* State tables, listed in bol_state_tables (events.c). */
extern const struct bol_table bol_t_terminal, bol_t_line, bol_t_berth, bol_t_block, bol_t_equipment,
    bol_t_vessel, bol_t_visit, bol_t_journal_epoch;
extern const struct bol_table bol_t_container, bol_t_yard_slot, bol_t_vessel_slot, bol_t_hold,
    bol_t_release, bol_t_truck_visit, bol_t_wi, bol_t_history, bol_t_move;
extern const struct bol_table bol_t_account, bol_t_apikey, bol_t_grant, bol_t_approval;
extern const struct bol_table bol_t_alert, bol_t_canary, bol_t_incident, bol_t_inspect_run;
extern const struct bol_table bol_t_vessel_slot_mark;

/* Check a slot.marked payload (ev_slot.c); slot.mark's command writes one. */
BOL_MUST_CHECK int bol_slot_marks_check(json_t *p, struct bol_diag *diag);
extern const struct bol_table bol_t_visit_order, bol_t_stowage_rule; /* ev_order.c */
extern const struct bol_table bol_t_booking_release, bol_t_vgm_pending;

/*
 * Check that a payload decoded into a struct says exactly what the struct's
 * writer would: decoded is the writer's output (stolen).  A journaled
 * payload carries each value in one canonical form only.
 */
BOL_MUST_CHECK int bol_ev_same(json_t *payload, json_t *decoded, const char *what,
                               struct bol_diag *diag);

/* The entry's actor as a value, for rows that record who did something. */
struct bol_value bol_ev_actor(const struct bol_entry *e);
