/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-int.h - what the files that define commands share
 *
 * commands.c holds the table and the terminal's operations; cmd_auth.c the
 * access commands (accounts, keys, windows, approvals, logins);
 * cmd_incident.c the incident commands.  Each command
 * is int fn(struct run *): read its fields, check them against the view,
 * emit events.
 */
#pragma once

#include <jansson.h>

#include "commands.h"
#include "errors.h"

struct run {
    const struct bol_view *v;
    json_t *cmd;
    int64_t now;
    struct bol_cmd_out *out;
    struct bol_diag *diag;
};

#define FAIL(r, code, field, ...) bol_diag_fail((r)->diag, code, field, __VA_ARGS__)

/* Prepare an event (payload stolen) and add it to the command's output. */
BOL_MUST_CHECK int bol_cmd_emit(struct run *r, const char *type, const char *terminal,
                                json_t *payload);

/*
 * A fact: the command's fields (those in keys, which it must keep to) as the
 * payload of one event of type, installation-wide.
 */
BOL_MUST_CHECK int bol_cmd_fact(struct run *r, const char *const *keys, const char *type);

/* Fail unless every field of the command is "cmd" or in the NULL-terminated list. */
BOL_MUST_CHECK int bol_cmd_keys(struct run *r, const char *const *keys);

/* Access commands (cmd_auth.c). */
int bol_c_user_add(struct run *r);
int bol_c_user_update(struct run *r);
int bol_c_user_lock(struct run *r);
int bol_c_user_unlock(struct run *r);
int bol_c_user_lockout(struct run *r);
int bol_c_user_password(struct run *r);
int bol_c_user_mfa_enroll(struct run *r);
int bol_c_user_mfa_reset(struct run *r);
int bol_c_key_create(struct run *r);
int bol_c_key_revoke(struct run *r);
int bol_c_access_grant(struct run *r);
int bol_c_access_revoke(struct run *r);
int bol_c_approval_request(struct run *r);
int bol_c_approval_decide(struct run *r);
int bol_c_auth_login(struct run *r);
int bol_c_key_used(struct run *r);
int bol_c_request_logged(struct run *r);
int bol_c_request_refused(struct run *r);

/* Detection commands (cmd_sec.c). */
int bol_c_alert_ack(struct run *r);
int bol_c_alert_raise(struct run *r);
int bol_c_canary_create(struct run *r);
int bol_c_canary_trip(struct run *r);
int bol_c_data_export(struct run *r);
int bol_c_service_heartbeat(struct run *r);
int bol_c_service_start(struct run *r);
int bol_c_service_stop(struct run *r);

/* Incident commands (cmd_incident.c). */
int bol_c_incident_close(struct run *r);
int bol_c_incident_freeze(struct run *r);
int bol_c_incident_note(struct run *r);
int bol_c_incident_open(struct run *r);

/* Slot marks (cmd_slot.c): slot.mark, and the check a load or a planned move runs. */
int bol_c_slot_mark(struct run *r);
BOL_MUST_CHECK int bol_cmd_cell_open(struct run *r, const char *visit, const struct bol_cell *cell,
                                     unsigned length, const char *field);
/* Order commands (cmd_order.c): order.add, order.clear, stowage.add, stowage.clear. */
int bol_c_order(struct run *r);
/* Booking releases and pending VGMs (cmd_booking.c). */
int bol_c_booking_release_cancel(struct run *r);
int bol_c_booking_release_order(struct run *r);
int bol_c_booking_release_replace(struct run *r);
int bol_c_vgm_declare(struct run *r);
/* gate.deliver quoting "release": check the box against it and take one unit. */
BOL_MUST_CHECK int bol_c_booking_deliver(struct run *r, const struct bol_container *c);
/*
 * A box being registered: its pending VGM, if any, into *c, and the event
 * that removes it (*type, *payload; *payload NULL when there is none).
 */
BOL_MUST_CHECK int bol_c_vgm_take(struct run *r, struct bol_container *c, const char **type,
                                  json_t **payload);
