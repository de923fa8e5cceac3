/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect.h - detection rules over the journal
 *
 * The journal already records every login, lockout, MFA change, key
 * creation, write and refused request with its actor, address and time, so
 * detection is a pass over entries as they arrive: each rule keeps a window
 * of recent matching entries per subject (an account, an address, an actor)
 * and raises an alert when its threshold is crossed, naming the entries that
 * crossed it.  The time is the entries' own, so the same entries always give
 * the same alerts, live or when a stretch of journal is scanned again.
 *
 *   brute_force             >= N failed logins on one account in W (attempts on a
 *                           locked account count)                       10 / 10 min
 *   spraying                failed logins on >= N accounts from one address in W
 *                           (an unknown name counts once: by its keyed hash,
 *                           the auth.login entry's name_tag)            10 / 30 min
 *   success_after_failures  a login that succeeds after >= N failures on the
 *                           account in W                                 5 / 30 min
 *   mfa_reset               MFA reset, or turned off for an account
 *   privilege_escalation    an account created with, or given, a role it did not
 *                           have (admin and security: high; others: medium)
 *   key_outside_window      an API key created outside the change windows of the
 *                           terminals it is for (only where configured)
 *   mass_change             > N changes to existing containers, holds, releases and
 *                           people by one actor in W (new boxes do not count)
 *                                                                      500 / 5 min
 *   bulk_export             >= N records exported (data.exported) by one actor in W
 *                                                                    5000 / 10 min
 *   off_hours_admin         an entry by an admin or security account or API key, or
 *                           a successful login to such an account, outside the
 *                           terminal's working hours (where configured)
 *   logging_gap             no entry for longer than G while the service was running
 *                           (it writes a heartbeat when quiet; a clean stop says so)
 *   canary                  a decoy container, account or key was read or used
 *
 * journal_verify_failed and replica_refused are raised by the callers that
 * verify (bol_alert_make).  After a rule raises for a subject it stays quiet
 * for that subject until its window has passed without a new raise, so a
 * running attack gives one alert per window, not one per entry.
 *
 * Pure: no I/O, no clock; memory is bounded by the number of subjects seen in
 * the longest window (at most BOL_DETECT_SUBJECTS_MAX, oldest dropped first).
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "entry.h"
#include "tzrule.h"

struct bol_diag;

enum bol_alert_severity {
    BOL_ALERT_LOW = 0,
    BOL_ALERT_MEDIUM,
    BOL_ALERT_HIGH,
    BOL_ALERT_CRITICAL,
};

/* "low", "medium", "high", "critical", NULL. */
extern const char *const bol_alert_severity_names[];

#define BOL_ALERT_ID_MAX        80
#define BOL_ALERT_RULE_MAX      32
#define BOL_ALERT_MSG_MAX       256
#define BOL_ALERT_SUBJECT_MAX   96
#define BOL_ALERT_EVIDENCE_MAX  64
#define BOL_ALERT_NOTE_MAX      1000
#define BOL_DETECT_SUBJECTS_MAX 65536

struct bol_alert_subject {
    char user[BOL_ALERT_SUBJECT_MAX];
    char addr[BOL_ALERT_SUBJECT_MAX];
    char actor[BOL_ALERT_SUBJECT_MAX];
    char key[BOL_ALERT_SUBJECT_MAX];
    char container[BOL_ALERT_SUBJECT_MAX];
    char terminal[BOL_ALERT_SUBJECT_MAX];
};

struct bol_alert {
    char id[BOL_ALERT_ID_MAX];     /* rule-SEQ: the rule and the entry that raised it */
    char rule[BOL_ALERT_RULE_MAX]; /* brute_force, spraying, ... */
    enum bol_alert_severity severity;
    char message[BOL_ALERT_MSG_MAX];
    struct bol_alert_subject subject;
    uint64_t evidence[BOL_ALERT_EVIDENCE_MAX]; /* ascending; the newest when more matched */
    unsigned nevidence;
    uint64_t count; /* entries that matched (may exceed nevidence) */
    int64_t first_us, last_us;
    bool acknowledged;
    char note[BOL_ALERT_NOTE_MAX + 1];
    char acked_by[BOL_ALERT_SUBJECT_MAX];
    int64_t acked_us;
};

/* The alert in its one JSON form (the "alert" of alert.raised / alert.acknowledged). */
BOL_MUST_CHECK int bol_alert_to_json(const struct bol_alert *a, json_t **ret);
/* Exactly that form and nothing else. */
BOL_MUST_CHECK int bol_alert_from_json(json_t *o, struct bol_alert *out, struct bol_diag *diag);

/* An alert raised outside the rules (verification, the replica): id is rule-key. */
void bol_alert_make(struct bol_alert *a, const char *rule, enum bol_alert_severity sev,
                    const char *key, int64_t at_us, const char *fmt, ...) BOL_PRINTF(6, 7);

/* ---- configuration ---- */

/* A weekly span of local time: days (bit 0 Monday .. bit 6 Sunday), minutes of the day. */
struct bol_weekspan {
    uint8_t days;
    uint16_t from_min, to_min; /* to < from: runs past midnight into the next day */
};

#define BOL_SITE_SPANS_MAX 16
#define BOL_SITES_MAX      32

/* Local rules of one terminal, or of the installation ("*") for entries without one. */
struct bol_site {
    char terminal[BOL_ALERT_SUBJECT_MAX];
    char tz_name[BOL_ALERT_SUBJECT_MAX];
    struct bol_tz tz;
    unsigned nwork, nchange; /* 0: not configured */
    struct bol_weekspan work[BOL_SITE_SPANS_MAX];
    struct bol_weekspan change[BOL_SITE_SPANS_MAX];
};

struct bol_rule_limit {
    bool off;
    unsigned n;
    int64_t window_us;
};

enum bol_detect_rule {
    BOL_RULE_BRUTE_FORCE = 0,
    BOL_RULE_SPRAYING,
    BOL_RULE_SUCCESS_AFTER_FAILURES,
    BOL_RULE_MFA_RESET,
    BOL_RULE_PRIVILEGE_ESCALATION,
    BOL_RULE_KEY_OUTSIDE_WINDOW,
    BOL_RULE_MASS_CHANGE,
    BOL_RULE_BULK_EXPORT,
    BOL_RULE_OFF_HOURS_ADMIN,
    BOL_RULE_LOGGING_GAP,
    BOL_RULE_CANARY,
    BOL_RULE_N
};

/* Rule names in enum order, then "journal_verify_failed", "replica_refused", NULL. */
extern const char *const bol_detect_rule_names[];

struct bol_detect_policy {
    struct bol_rule_limit rule[BOL_RULE_N]; /* n and window where the rule has them */
    unsigned nsites;
    struct bol_site site[BOL_SITES_MAX];
};

/* The defaults in the table above; no sites. */
void bol_detect_policy_default(struct bol_detect_policy *p);

/* The site for a terminal: its own, else "*", else NULL. */
const struct bol_site *bol_detect_site(const struct bol_detect_policy *p, struct bol_str terminal);

/*
 * Is an entry at terminal (or "" for an installation-wide one) at at_us
 * outside the working hours (change false) or change windows (change true)?
 * 1 outside, 0 inside, -1 not judged (no such spans configured).  The site
 * is bol_detect_site's; an installation-wide entry where the policy has no
 * "*" and names only terminals is judged by every named terminal that has
 * such spans: inside if inside any of them.  *which: the site that decided
 * (for an entry outside, the first named terminal), NULL when not judged.
 */
int bol_detect_judge(const struct bol_detect_policy *p, struct bol_str terminal, bool change,
                     int64_t at_us, const struct bol_site **which);

/* Is at_us inside one of the spans (local time of the site)? */
bool bol_site_within(const struct bol_site *s, const struct bol_weekspan *spans, unsigned n,
                     int64_t at_us);

/* ---- the engine ---- */

struct bol_detect;

typedef void (*bol_alert_fn)(void *ctx, const struct bol_alert *a);

BOL_MUST_CHECK int bol_detect_new(const struct bol_detect_policy *p, struct bol_detect **ret);
void bol_detect_free(struct bol_detect *d);

/*
 * Tell the engine an account's roles before feeding entries that follow it
 * (roles as BOL_ROLE_BIT; account.* entries keep this up to date by themselves).
 */
BOL_MUST_CHECK int bol_detect_account(struct bol_detect *d, struct bol_str user, uint32_t roles,
                                      bool mfa, bool mfa_required);

/*
 * Tell the engine an API key's role (BOL_ROLE_BIT) before feeding entries
 * that follow it; apikey.* entries keep this up to date by themselves.
 */
BOL_MUST_CHECK int bol_detect_key(struct bol_detect *d, struct bol_str id, uint32_t roles);

/*
 * Feed the next entry (in journal order).  Alerts crossed by it go to fn;
 * fn may be NULL to fill the windows without raising (priming after a
 * restart with entries already evaluated).  0, or BOL_E_NOMEM.  An entry
 * whose payload cannot be read is skipped: verification is not this file's
 * job.
 */
BOL_MUST_CHECK int bol_detect_feed(struct bol_detect *d, const struct bol_entry *e, bol_alert_fn fn,
                                   void *ctx);

/*
 * Without a new entry: the service is running at now_us.  Raises
 * logging_gap when the last entry is older than the gap while the service
 * said it was running (a writer that cannot append any more).
 */
void bol_detect_idle(struct bol_detect *d, int64_t now_us, bol_alert_fn fn, void *ctx);
