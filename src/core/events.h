/* SPDX-License-Identifier: Apache-2.0 */
/*
 * events.h - the event types, their schema versions, and how they apply to state
 *
 * Every event type has a current payload schema version.  Entries written by
 * older versions are upcast one version at a time before they are applied, so
 * a newer bollard replays every journal an older one wrote.  An entry whose
 * type is unknown or whose version is newer than this build's is refused: it
 * was written by a newer bollard and cannot be replayed here.
 *
 * Applying is pure: the payload alone (events carry the values they set, not
 * deltas that need reads) determines the row changes.
 */
#pragma once

#include "compat.h"
#include "entry.h"
#include "state.h"

struct bol_diag;

/* Current schema version of a known type, or 0 when unknown. */
uint32_t bol_event_version(struct bol_str type);

/*
 * Check a payload a command is about to journal: known type at its current
 * version, valid fields, canonical JSON.  0 or BOL_E_INVAL naming the field.
 */
BOL_MUST_CHECK int bol_event_check(struct bol_str type, uint32_t ver, struct bol_str payload,
                                   struct bol_diag *diag);

/*
 * A payload checked ahead of time (parsed, canonical, valid for its schema),
 * so the thread that holds the journal's write lock only applies it.  Prepare
 * on the caller's thread; pass the result with the event; free it after the
 * command completed.
 */
struct bol_event_prep;

BOL_MUST_CHECK int bol_event_prepare(struct bol_str type, uint32_t ver, struct bol_str payload,
                                     struct bol_event_prep **ret, struct bol_diag *diag);

/*
 * Prepare a payload a command built in memory (payload is stolen): check it
 * against the type's current schema and write its canonical text, which the
 * prep owns.  Journal it with bol_event_prep_type / _version / _payload.
 */
struct json_t;
BOL_MUST_CHECK int bol_event_prepare_built(const char *type, struct json_t *payload,
                                           struct bol_event_prep **ret, struct bol_diag *diag);
struct bol_str bol_event_prep_type(const struct bol_event_prep *p);
uint32_t bol_event_prep_version(const struct bol_event_prep *p);
struct bol_str bol_event_prep_payload(const struct bol_event_prep *p);

/* True when p was prepared from this type and version and from these very payload bytes. */
bool bol_event_prep_matches(const struct bol_event_prep *p, struct bol_str type, uint32_t ver,
                            struct bol_str payload);

/* Apply a prepared payload for entry e. */
BOL_MUST_CHECK int bol_event_apply_prepared(const struct bol_event_prep *p,
                                            const struct bol_entry *e,
                                            const struct bol_mutation_sink *sink,
                                            struct bol_diag *diag);

/* NULL is allowed. */
void bol_event_prep_free(struct bol_event_prep *p);

/*
 * For a new entry: check it as bol_event_check does and apply it, parsing the
 * payload once.  0, BOL_E_INVAL naming the field, or the sink's error.
 */
BOL_MUST_CHECK int bol_event_check_apply(const struct bol_entry *e,
                                         const struct bol_mutation_sink *sink,
                                         struct bol_diag *diag);

/*
 * Apply a journal entry's event to state through sink: parse the payload,
 * upcast it to the current version and emit its row changes.  0,
 * BOL_E_UNSUPPORTED (unknown type or newer version), BOL_E_CORRUPT (payload
 * does not match its schema), or whatever the sink returns.
 */
BOL_MUST_CHECK int bol_event_apply(const struct bol_entry *e, const struct bol_mutation_sink *sink,
                                   struct bol_diag *diag);
