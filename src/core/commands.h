/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commands.h - the terminal's operations as commands: validate, then emit events
 *
 * A command is a JSON object {"cmd": "discharge", ...fields}.  Running it
 * reads current state through a view (view.h), checks the command's fields
 * and the physical rules (rules.h), and yields the events to journal, already
 * prepared (events.h), or an error naming the field:
 *
 *   BOL_E_INVAL     a field is missing, malformed or wrong for this box/place
 *   BOL_E_NOTFOUND  a container, block, visit, truck ... named does not exist
 *   BOL_E_CONFLICT  the place is taken, the id is in use, work is already open
 *   BOL_E_STATE     not now: a hold is active, no release, wrong phase or status
 *
 * A command that fails yields nothing, so it changes nothing.  Running is
 * pure apart from the view: the same state and command give the same events.
 * docs/internals/operations.md describes every command and its fields.
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "view.h"
#include "yard_addr.h"

struct bol_diag;
struct bol_event_prep;

#define BOL_CMD_EVENTS_MAX 8

struct bol_cmd_out {
    unsigned n;
    struct bol_event_prep *ev[BOL_CMD_EVENTS_MAX];
    char terminal[BOL_CMD_EVENTS_MAX][BOL_TERMINAL_CODE_MAX + 1]; /* "" installation-wide */
    /* The command created something whose id is the sequence number of ev[id_event]; -1 if not. */
    int id_event;
    const char *id_name; /* "wi" or "truck" */
};

/* Every command name, NULL-terminated, in alphabetical order. */
extern const char *const bol_cmd_names[];

/*
 * Run cmd against the state v shows at time now_us (UTC microseconds: fills
 * actual times a command leaves out).  On success out holds the events
 * (release them with bol_cmd_out_release); on failure out is empty.
 */
BOL_MUST_CHECK int bol_cmd_run(const struct bol_view *v, json_t *cmd, int64_t now_us,
                               struct bol_cmd_out *out, struct bol_diag *diag);

void bol_cmd_out_release(struct bol_cmd_out *out);

/* The command's name ("cmd"), or NULL when it has none. */
const char *bol_cmd_name(json_t *cmd);
