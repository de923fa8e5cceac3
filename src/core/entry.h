/* SPDX-License-Identifier: Apache-2.0 */
/*
 * entry.h - journal entries: the canonical bytes every hash is taken over
 *
 * An entry is one event, as committed.  Its bytes are canonical JSON with the
 * keys in this fixed order (docs/internals/journal.md):
 *
 *   {"v":1,"seq":42,"at":"2026-11-21T07:40:00.123456Z","actor":"user:tanaka",
 *    "addr":"192.0.2.10","terminal":"NCT1","type":"container.discharged",
 *    "ver":1,"req":"c0ffee-17","payload":{...}}
 *
 *   v         entry format version (1)
 *   seq       position in the journal, from 1; leaf index is seq - 1
 *   at        when the command that caused it was accepted, UTC, microseconds
 *   actor     who: "user:NAME", "key:ID", "system" ...
 *   addr      source address of the request, or ""
 *   terminal  terminal code the event concerns, or "" for installation-wide events
 *   type      event type, and ver its payload schema version
 *   req       the client's request id (idempotency key), or ""
 *   payload   the event's canonical JSON object
 *
 * Every field but the payload is restricted to characters that JSON never
 * escapes, so a value's bytes in the entry are the value itself: encoding is
 * one formatted write and decoding is a scan that returns slices of the input,
 * with no allocation.  The payload is checked for canonical form on demand
 * (bol_payload_is_canonical), not on every read.
 */
#pragma once

#include "buf.h"
#include "compat.h"
#include "str.h"

struct bol_diag;

#define BOL_ENTRY_FORMAT   1
#define BOL_ENTRY_MAX      (1u << 20) /* bytes, payload included */
#define BOL_ACTOR_MAX      128
#define BOL_ADDR_MAX       64
#define BOL_EVENT_TYPE_MAX 64
#define BOL_REQ_ID_MAX     128

struct bol_entry {
    uint64_t seq;
    int64_t at_us;
    struct bol_str actor;
    struct bol_str addr;
    struct bol_str terminal;
    struct bol_str type;
    uint32_t ver;
    struct bol_str req;
    struct bol_str payload;
};

/* Field checks, also used by callers before they build an entry.  0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_entry_check_actor(struct bol_str s, struct bol_diag *diag);
BOL_MUST_CHECK int bol_entry_check_addr(struct bol_str s, struct bol_diag *diag);
BOL_MUST_CHECK int bol_entry_check_terminal(struct bol_str s, struct bol_diag *diag);
BOL_MUST_CHECK int bol_entry_check_type(struct bol_str s, struct bol_diag *diag);
BOL_MUST_CHECK int bol_entry_check_req(struct bol_str s, struct bol_diag *diag);

/*
 * Append the canonical bytes of e to out.  Every field is checked; the payload
 * must be a JSON object's text ("{...}"; its canonical form is the producer's
 * duty).  0, BOL_E_INVAL naming the field, or BOL_E_TOOBIG past BOL_ENTRY_MAX.
 */
BOL_MUST_CHECK int bol_entry_encode(const struct bol_entry *e, struct bol_buf *out,
                                    struct bol_diag *diag);

/*
 * Parse entry bytes.  The slices in *out point into bytes.  Succeeds only for
 * bytes bol_entry_encode could have produced (same field order, no spaces,
 * canonical numbers), except that the payload is only checked to be
 * "{...}".  0 or BOL_E_CORRUPT with the offending field and offset in diag.
 */
BOL_MUST_CHECK int bol_entry_decode(struct bol_str bytes, struct bol_entry *out,
                                    struct bol_diag *diag);

/*
 * True when payload is a JSON object in canonical form: parses strictly (no
 * duplicate keys), has no real numbers, and re-encodes to the same bytes with
 * sorted keys and compact separators.
 */
bool bol_payload_is_canonical(struct bol_str payload);

/* The same check for a payload already parsed into j (a jansson json_t *). */
bool bol_json_is_canonical(const void *j, struct bol_str payload);
