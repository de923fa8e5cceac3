/* SPDX-License-Identifier: Apache-2.0 */
/*
 * secpolicy.h - the security policy file (DATA/security.json)
 *
 * One JSON object, every section optional:
 *
 *   "detect":    { "<rule>": { "off": bool, "n": count, "window_s": seconds }, ... }
 *   "terminals": { "<CODE>" | "*": { "tz": "Asia/Tokyo" | POSIX rule,
 *                                    "working_hours": [SPAN, ...],
 *                                    "change_windows": [SPAN, ...] }, ... }
 *                SPAN = { "days": "mon-fri" | "sat,sun" | ..., "from": "HH:MM", "to": "HH:MM" }
 *   "alerts":    { "syslog": { "url": "udp://HOST:PORT" | "tcp://HOST:PORT",
 *                              "facility": 0..23, "hostname": text },
 *                  "webhook": { "url": "https://...", "secret_file": path,
 *                               "attempts": 1..20, "backoff_max_s": 1..3600 } }
 *   "inspect", "incident": read by their own commands (inspect.h, incident.h).
 *
 * Anything else is refused, naming the key.  A zone name that is not a POSIX
 * rule is looked up through the caller's resolver (the edge reads TZif files).
 * Pure: no I/O.
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "detect.h"

struct bol_diag;

#define BOL_POLICY_URL_MAX  512
#define BOL_POLICY_PATH_MAX 256

struct bol_alert_policy {
    char syslog_url[BOL_POLICY_URL_MAX]; /* "" when not configured */
    unsigned facility;                   /* default 13 (log audit) */
    char hostname[256];                  /* "" = this host's name */
    char webhook_url[BOL_POLICY_URL_MAX];
    char webhook_secret_file[BOL_POLICY_PATH_MAX]; /* relative to the data directory, or absolute */
    unsigned webhook_attempts;                     /* default 8 */
    unsigned webhook_backoff_max_s;                /* default 300 */
};

struct bol_security_policy {
    struct bol_detect_policy detect;
    struct bol_alert_policy alerts;
    json_t *inspect;  /* borrowed from the root given to the parser, or NULL */
    json_t *incident; /* same */
};

/* Resolve an IANA zone name to its POSIX rule: 0, or an error in diag. */
typedef int (*bol_tz_resolver)(void *ctx, const char *name, char rule[BOL_TZ_RULE_MAX],
                               struct bol_diag *diag);

/* Defaults everywhere (what an absent file means). */
void bol_security_policy_default(struct bol_security_policy *p);

/*
 * Read the policy from root.  0, or BOL_E_INVAL with the field path
 * ("terminals.DCT1.working_hours[0].from") and the reason in diag; a
 * resolver's own error (a zone file that cannot be read) is passed on.
 */
BOL_MUST_CHECK int bol_security_policy_from_json(json_t *root, bol_tz_resolver resolve, void *ctx,
                                                 struct bol_security_policy *out,
                                                 struct bol_diag *diag);
