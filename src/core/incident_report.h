/* SPDX-License-Identifier: Apache-2.0 */
/*
 * incident_report.h - the information-sharing and public-disclosure reports
 * of an incident, and its STIX 2.1 bundle of indicators
 *
 * Both reports follow the rows of the guideline's checklist
 * "情報共有と被害公表における情報の種類のチェックリスト" in its order.  Each
 * row carries the checklist's mark for the report's audience:
 *
 *   ○ main content     everything known for the row is written
 *   △ case by case     only notes released for this audience
 *                      (note "disclose") or rows released for this report
 *                      (include); the rest is counted as withheld
 *   — out of scope     the row is named, nothing is written
 *
 * so a public-disclosure report leaves out the malicious addresses, malware
 * and attack techniques, which the checklist keeps to information sharing,
 * and an information-sharing report leaves out the victim's name, damage
 * and response.  Linked alerts are described by their rule, severity,
 * count and times in the rows public may see; their addresses, accounts,
 * actors and ids go only to the rows kept to sharing, and a decoy is never
 * named.  Journal entries that did not decode are named in the attack's
 * timeline, released to sharing.  Note texts are written as their authors
 * wrote them; everything else is in Japanese or English.
 *
 * Pure: the case (incident.h, bol_incident_case_new) and the time of the
 * report come as arguments.
 */
#pragma once

#include <jansson.h>

#include "buf.h"
#include "compat.h"
#include "incident.h"

struct bol_diag;

enum bol_incident_audience {
    BOL_INCIDENT_SHARING = 0, /* information sharing (ISAC, ministry) */
    BOL_INCIDENT_PUBLIC = 1,  /* public disclosure */
};

enum bol_incident_lang {
    BOL_INCIDENT_JA = 0,
    BOL_INCIDENT_EN = 1,
};

enum bol_incident_format {
    BOL_INCIDENT_MD = 0,
    BOL_INCIDENT_HTML = 1,
};

/* The checklist's rows: key (a note kind or a group), in the checklist's order, NULL-terminated. */
extern const char *const bol_incident_rows[];

/* Index of a row key in bol_incident_rows, or -1. */
int bol_incident_row(const char *key);

struct bol_incident_report_opts {
    enum bol_incident_audience audience;
    enum bol_incident_lang lang;
    enum bol_incident_format format;
    int64_t now_us;   /* when the report is made */
    uint32_t include; /* △ rows released whole: 1 << bol_incident_row(key) */
    const struct bol_incident_policy *policy;
};

/*
 * Write the report of case c (a case with its incident) to out.  0,
 * BOL_E_NOTFOUND when the case has no incident, BOL_E_CORRUPT when a
 * document in it does not check, or a buffer error.
 */
BOL_MUST_CHECK int bol_incident_report(json_t *c, const struct bol_incident_report_opts *o,
                                       struct bol_buf *out, struct bol_diag *diag);

/*
 * The STIX 2.1 bundle of case c: an identity for the reporter, the
 * incident, one indicator per address, file hash and account in the notes
 * and in the linked alerts' subjects (never a decoy account's name), and an
 * "indicates" relationship from each indicator to the incident.  The
 * checklist keeps the victim's name (被害組織名) out of sharing, so the
 * identity is "reporting organisation (name withheld)" with an id of the
 * incident's own, unless name_organization: then the policy's organization,
 * else origin, with an id from that name.  Ids are name-based (a SHA-256 of
 * the incident id, the object's type and value, shaped as a version 5
 * UUID), so a second bundle names the same indicators the same; the
 * bundle's own id also covers now_us.  *ret is a new object.  0,
 * BOL_E_NOTFOUND, BOL_E_CORRUPT or BOL_E_NOMEM.
 */
BOL_MUST_CHECK int bol_incident_stix(json_t *c, const char *origin,
                                     const struct bol_incident_policy *policy,
                                     bool name_organization, int64_t now_us, json_t **ret,
                                     struct bol_diag *diag);
