/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit.h - the journal as an audit trail: which entries a search selects,
 * how serious each is, and each as an RFC 5424 syslog message
 *
 * Every write, login, lockout, MFA change, key use and refused request is a
 * journal entry (entry.h), so an audit search is a filter over entries and
 * an export is the entries themselves: a JSON line is an entry's canonical
 * bytes, which anyone holding the tree can check against a checkpoint.
 *
 * Security events are those of access itself: auth.*, account.*, apikey.*,
 * access.*, approval.*, request.*, journal.* (genesis, epochs), and those of
 * detection: alert.*, canary.*, data.* (large exports) and service.* (the
 * server starting, alive, stopping).
 * Failures are logins that did not succeed, lockouts and refused requests.
 *
 * Pure: no I/O, no clock.
 */
#pragma once

#include "buf.h"
#include "compat.h"
#include "entry.h"
#include "str.h"

struct bol_diag;

/* A search: every condition given must hold; NULL / 0 / false leave it open. */
struct bol_audit_filter {
    int64_t since_us, until_us; /* since <= at < until */
    const char *actor;          /* exact, or a prefix ending in '*' ("key:*") */
    const char *user;           /* the actor user:NAME, or the account the entry is about */
    const char *addr;           /* source address, exact */
    const char *type;           /* event type, exact, or a prefix ending in '*' ("account.*") */
    const char *terminal;       /* terminal code, exact */
    bool security;              /* security events only */
    bool failures;              /* failed logins, lockouts and refused requests only */
};

/* RFC 5424 severities used. */
enum bol_audit_severity {
    BOL_SEV_CRIT = 2,
    BOL_SEV_ERR = 3,
    BOL_SEV_WARNING = 4,
    BOL_SEV_NOTICE = 5,
    BOL_SEV_INFO = 6,
};

bool bol_audit_is_security(struct bol_str type);
bool bol_audit_is_failure(const struct bol_entry *e);

/* Whether e passes f. */
bool bol_audit_match(const struct bol_audit_filter *f, const struct bol_entry *e);

/*
 * Alerts by their severity (critical 2, high 3, medium 4, low 5) and a
 * tripped canary 3; failures are warnings, other security events notices,
 * the rest informational.
 */
enum bol_audit_severity bol_audit_severity(const struct bol_entry *e);

/*
 * The entry as one RFC 5424 message, appended to out (no framing, no
 * newline): <PRI>1 TIME HOST bollard - MSGID [origin software="bollard"
 * swVersion="V"] BOM ENTRY, where PRI is facility * 8 + severity, TIME the
 * entry's own time, MSGID its event type (at most 32 characters) and the
 * message the entry's canonical bytes.  host: printable ASCII, at most 255
 * bytes ("-" if empty).  0, BOL_E_INVAL (facility > 23, bad host) or NOMEM/TOOBIG.
 */
BOL_MUST_CHECK int bol_audit_syslog(const struct bol_entry *e, struct bol_str bytes,
                                    unsigned facility, const char *host, const char *version,
                                    struct bol_buf *out, struct bol_diag *diag);
