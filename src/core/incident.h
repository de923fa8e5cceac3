/* SPDX-License-Identifier: Apache-2.0 */
/*
 * incident.h - incident documents, the evidence manifest, and an incident's
 * case folded from the journal
 *
 * An incident is one JSON document (the "incident" state table, key id):
 *
 *   {"id": "INC-20261121-0740", "title": text, "severity": "high",
 *    "status": "open"|"closed", "opened_at": ISO, "terminal": code or "",
 *    "alerts": [alert id, ...], "notes": N, "freezes": M, "closed_at"?,
 *    "summary"?}
 *
 * Who opened, noted, froze or closed it is the journal entry's actor, which
 * the command cannot forge; documents do not repeat it.
 *
 * Notes and freezes are journaled with the document after the change
 * (events incident.noted / incident.frozen) and are read back from the
 * journal, where they sit in time order with everything else: a note is
 *
 *   {"n": 1, "at": when it happened, "noted_at": when it was written,
 *    "kind": a checklist row (bol_incident_kinds), "text": text,
 *    "addrs"?: [IPv4/IPv6], "hashes"?: [hex MD5/SHA-1/SHA-256],
 *    "accounts"?: [name], "disclose"?: ["sharing", "public"]}
 *
 * and a freeze {"n", "at", "manifest_sha256", "from", "to", "files",
 * "path"}.  docs/internals/incident.md describes them.
 *
 * Pure: times come as arguments.
 */
#pragma once

#include <jansson.h>

#include "buf.h"
#include "compat.h"
#include "str.h"

struct bol_diag;
struct bol_entry;

#define BOL_INCIDENT_ID_MAX       40
#define BOL_INCIDENT_TITLE_MAX    200
#define BOL_INCIDENT_TEXT_MAX     4000
#define BOL_INCIDENT_ALERTS_MAX   64
#define BOL_INCIDENT_ALERT_ID_MAX 80
#define BOL_INCIDENT_IND_MAX      64  /* indicators of each kind in one note */
#define BOL_INCIDENT_ACCOUNT_MAX  128 /* an account name given as an indicator */
#define BOL_INCIDENT_NOTES_MAX    100000

/* Note kinds, one per checklist row that notes fill, NULL-terminated. */
extern const char *const bol_incident_kinds[];
/* Severities as the alerts have them: critical, high, medium, low. */
extern const char *const bol_incident_severities[];

/* An incident id: 1..40 of [A-Za-z0-9._-], starting with a letter or digit. */
BOL_MUST_CHECK int bol_incident_id_check(struct bol_str id, struct bol_diag *diag);

/* The default id of an incident opened at at_us: "INC-YYYYMMDD-HHMMSS" (UTC). */
void bol_incident_default_id(int64_t at_us, char out[BOL_INCIDENT_ID_MAX + 1]);

/* Check an incident document, a note, a freeze record.  0 or BOL_E_INVAL naming the field. */
BOL_MUST_CHECK int bol_incident_check(json_t *doc, struct bol_diag *diag);
BOL_MUST_CHECK int bol_incident_note_check(json_t *note, struct bol_diag *diag);
BOL_MUST_CHECK int bol_incident_freeze_check(json_t *freeze, struct bol_diag *diag);

/* An IPv4 or IPv6 address in text form; *ret_v6 says which.  0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_incident_addr_check(struct bol_str s, bool *ret_v6, struct bol_diag *diag);

/* ---- settings: the "incident" section of DATA/security.json ---- */

#define BOL_INCIDENT_POLICY_TEXT_MAX 200

struct bol_incident_policy {
    char organization[BOL_INCIDENT_POLICY_TEXT_MAX + 1]; /* who reports; "" unknown */
    char industry[BOL_INCIDENT_POLICY_TEXT_MAX + 1];
    char size[BOL_INCIDENT_POLICY_TEXT_MAX + 1];
    int64_t lookback_us; /* a freeze starts this long before the incident (default 24 h) */
};

void bol_incident_policy_init(struct bol_incident_policy *p);

/*
 * Read the section {"organization"?, "industry"?, "size"?,
 * "freeze_lookback_hours"? (1..8760)}; NULL leaves the defaults.  0 or
 * BOL_E_INVAL naming "incident.<field>"; *p is changed only on success.
 */
BOL_MUST_CHECK int bol_incident_policy_from_json(json_t *section, struct bol_incident_policy *p,
                                                 struct bol_diag *diag);

/*
 * A copy of a configuration document with every value under a key that
 * names a secret (secret, password, token, hmac, private, credential, or
 * ending in "key") replaced by "[redacted]".  NULL when out of memory.
 */
json_t *bol_incident_redact(json_t *config);

/* ---- the case: an incident as the journal tells it ---- */

/*
 * A case is a JSON object built from journal entries in order:
 *   {"id", "incident": the latest document or null, "notes": [...] and
 *    "freezes": [...] each with "by" (the entry's actor) added,
 *    "timeline": [{"seq","at","type","by"}],
 *    "alerts": {alert id: the latest alert document},
 *    "undecodable": [{"seq", "why"}], "undecodable_more": N}
 * Every alert.raised / alert.acknowledged entry is kept (a case does not
 * know yet which alerts the incident links); incident entries of other
 * incidents and all other entries are ignored.  An entry that does not
 * decode (a tampered or damaged journal) is named in "undecodable" and
 * otherwise skipped, so a case can still be read, frozen and reported at
 * the moment journal verification fails.
 */
json_t *bol_incident_case_new(const char *id);

/* Fold one entry in.  0, or BOL_E_CORRUPT naming the entry when its payload does not parse. */
BOL_MUST_CHECK int bol_incident_case_add(json_t *c, const struct bol_entry *e,
                                         struct bol_diag *diag);

/* Entries named in a case's "undecodable"; more are only counted ("undecodable_more"). */
#define BOL_INCIDENT_UNDECODABLE_MAX 256

/*
 * Record entry seq as undecodable in case c, with why (the decoder's or
 * bol_incident_case_add's message; cut to 200 bytes).  Entries come in
 * journal order.  0 or BOL_E_NOMEM.
 */
BOL_MUST_CHECK int bol_incident_case_skip(json_t *c, uint64_t seq, const char *why);

/* ---- the evidence manifest ---- */

#define BOL_EVIDENCE_FILES_MAX 64
#define BOL_EVIDENCE_PATH_MAX  96

struct bol_evidence_file {
    char path[BOL_EVIDENCE_PATH_MAX + 1]; /* relative, [a-z0-9._-/], no ".." */
    int64_t at_us;                        /* when it was captured */
    uint64_t size;
    uint8_t sha256[32];
};

struct bol_evidence_manifest {
    char incident[BOL_INCIDENT_ID_MAX + 1];
    uint32_t freeze;
    char origin[129];
    int64_t taken_us;
    uint64_t from_seq, to_seq; /* the journal range copied; to_seq 0 when empty */
    unsigned nundecodable;     /* entries of the range that did not decode */
    uint64_t undecodable[BOL_INCIDENT_UNDECODABLE_MAX]; /* ascending, within the range */
    unsigned nfiles;
    struct bol_evidence_file files[BOL_EVIDENCE_FILES_MAX];
};

/* Is this a path a manifest may name?  0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_evidence_path_check(struct bol_str path, struct bol_diag *diag);

/*
 * The manifest's text (what the signed note covers), appended to out:
 *   bollard incident evidence v1
 *   incident ID / freeze N / origin O / taken ISO / range FROM TO
 *   undecodable SEQ                   (one per entry of the range that did
 *                                      not decode, ascending; none usually)
 *   file ISO SHA256HEX SIZE PATH      (one per file, in capture order)
 * Files must be in time order with valid paths.  0, BOL_E_INVAL or a buffer error.
 */
BOL_MUST_CHECK int bol_evidence_manifest_format(const struct bol_evidence_manifest *m,
                                                struct bol_buf *out, struct bol_diag *diag);

/*
 * Parse manifest text (untrusted: from disk).  Refuses anything
 * bol_evidence_manifest_format would not write: unknown lines, files out of
 * time order, duplicate paths, bad paths or hashes.  0 or BOL_E_PARSE with
 * the line in diag.
 */
BOL_MUST_CHECK int bol_evidence_manifest_parse(struct bol_str text,
                                               struct bol_evidence_manifest *out,
                                               struct bol_diag *diag);
