/* SPDX-License-Identifier: Apache-2.0 */
/*
 * codec.h - the terminal's things to and from JSON
 *
 * Commands and event payloads carry these objects.  Readers check every field
 * (and refuse unknown ones), so a struct that came out of a reader is valid;
 * writers produce the canonical form events are journaled in (no reals:
 * masses in kg, temperatures in tenths of a degree, times as ISO 8601 text).
 * docs/internals/operations.md lists every field.
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "domain.h"

struct bol_diag;

BOL_MUST_CHECK int bol_block_from_json(json_t *o, struct bol_block *out, struct bol_diag *diag);
BOL_MUST_CHECK int bol_block_to_json(const struct bol_block *b, json_t **ret);

BOL_MUST_CHECK int bol_berth_from_json(json_t *o, struct bol_berth *out, struct bol_diag *diag);
BOL_MUST_CHECK int bol_berth_to_json(const struct bol_berth *b, json_t **ret);

BOL_MUST_CHECK int bol_equipment_from_json(json_t *o, struct bol_equipment *out,
                                           struct bol_diag *diag);
BOL_MUST_CHECK int bol_equipment_to_json(const struct bol_equipment *e, json_t **ret);

BOL_MUST_CHECK int bol_vessel_from_json(json_t *o, struct bol_vessel *out, struct bol_diag *diag);
BOL_MUST_CHECK int bol_vessel_to_json(const struct bol_vessel *v, json_t **ret);

/* Times as ISO 8601 text; phase by name. */
BOL_MUST_CHECK int bol_visit_from_json(json_t *o, struct bol_visit *out, struct bol_diag *diag);
BOL_MUST_CHECK int bol_visit_to_json(const struct bol_visit *v, json_t **ret);

/*
 * Container master data (not its place).  A wrong check digit is refused
 * unless the object says "check_digit_ok": false, which records the box as
 * flagged (EDI import keeps such boxes: they exist).  Temperatures may be
 * given as "setpoint": "-18.5" (degrees C, text) or "setpoint_c10": -185.
 */
BOL_MUST_CHECK int bol_container_from_json(json_t *o, struct bol_container *out,
                                           struct bol_diag *diag);
BOL_MUST_CHECK int bol_container_to_json(const struct bol_container *c, json_t **ret);

/* The master-data keys bol_container_from_json reads (NULL-terminated). */
extern const char *const bol_container_keys[];

/*
 * A place: an object {"kind": "yard", "slot": "NCT1/3C/012/04/2"},
 * {"kind": "vessel", "visit": "V1", "cell": "0120382"}, {"kind": "quay",
 * "visit": "V1"}, {"kind": "truck", "truck": 4711}, {"kind": "gone"}; or, in
 * commands, a string: a yard slot address.
 */
BOL_MUST_CHECK int bol_place_from_json(json_t *v, const char *field, struct bol_place *out,
                                       struct bol_diag *diag);
BOL_MUST_CHECK int bol_place_to_json(const struct bol_place *p, json_t **ret);
