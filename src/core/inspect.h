/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inspect.h - the monthly self-inspection: facts in, findings out
 *
 * The port guideline asks operators to look for misconfiguration about once
 * a month (weak passwords, accounts without MFA, unneeded open ports such as
 * RDP, SSH and SMB), to know their current security profile (4.1.4) and to
 * set a target one (4.2.3).  `bollard inspect` gathers facts from the store,
 * the data directory and the host (cli/cmd_inspect.c); this module judges
 * them.  Every finding has a stable id ("mfa.missing:carol"), a severity, the
 * guideline clause it answers to and a one-line remediation, so two runs can
 * be compared: a finding is new, still open, or (absent now) fixed.
 *
 * The maturity profile rates five areas 0..4 from the worst finding in each
 * (4: none, 3: low, 2: medium, 1: high, 0: critical) beside the target the
 * policy sets (default 3 each).
 *
 * Pure: no I/O, no clock; the time is an argument.
 */
#pragma once

#include <jansson.h>

#include "account.h"
#include "compat.h"

struct bol_diag;

enum bol_isev { BOL_ISEV_LOW = 0, BOL_ISEV_MEDIUM, BOL_ISEV_HIGH, BOL_ISEV_CRITICAL, BOL_ISEV_N };

/* "low", "medium", "high", "critical", NULL: the alert severities, in enum order. */
extern const char *const bol_isev_names[];

BOL_MUST_CHECK int bol_isev_parse(const char *s, enum bol_isev *ret);

enum bol_iarea {
    BOL_IAREA_IDENTITY = 0, /* accounts, passwords, MFA, keys (5.4.2) */
    BOL_IAREA_CRYPTO,       /* TLS and key files (5.4.3, 5.4.4) */
    BOL_IAREA_EXPOSURE,     /* listening ports, file permissions (5.4.2, 5.4.6) */
    BOL_IAREA_MONITORING,   /* journal verification, configuration drift (3.6, 5.1.3) */
    BOL_IAREA_RECOVERY,     /* restore drills, replica lag (4.5.3, backups) */
    BOL_IAREA_RESPONSE,     /* alerts reach people and are dealt with (4.7.2, 4.9.1) */
    BOL_IAREA_N
};

/* "identity", "crypto", "exposure", "monitoring", "recovery", "response", NULL. */
extern const char *const bol_iarea_names[];

#define BOL_INSPECT_LEVEL_MAX 4

/* Thresholds and the target profile: DATA/security.json, section "inspect". */
struct bol_inspect_policy {
    unsigned dormant_days;        /* no login for this long: dormant (90) */
    unsigned key_unused_days;     /* a key unused this long (90) */
    unsigned key_rotation_days;   /* a key older than this (180) */
    unsigned key_max_days;        /* a key valid for longer than this from its creation (365) */
    unsigned admins_max;          /* more active admins than this (3) */
    unsigned admins_min;          /* fewer than this: no second person to approve (2) */
    unsigned drill_days;          /* last successful restore drill older than this (30) */
    unsigned replica_lag_s;       /* the replica further behind than this (600) */
    unsigned tls_expiry_days;     /* certificate expiring within this (30) */
    unsigned alert_ack_days;      /* an alert open, unacknowledged, for longer than this (7) */
    unsigned target[BOL_IAREA_N]; /* 0..4 each (3) */
};

void bol_inspect_policy_default(struct bol_inspect_policy *p);

/*
 * Read the "inspect" section (a JSON object; NULL leaves the defaults):
 * {"dormant_days": N, "key_unused_days": N, "key_rotation_days": N,
 *  "key_max_days": N, "admins_max": N, "admins_min": N, "drill_days": N,
 *  "replica_lag_s": N, "tls_expiry_days": N, "alert_ack_days": N,
 *  "target": {"identity": 0..4, ...}}.
 * Every member is optional; anything else is refused, naming the member.
 * *p is changed only on success.
 */
BOL_MUST_CHECK int bol_inspect_policy_from_json(json_t *section, struct bol_inspect_policy *p,
                                                struct bol_diag *diag);

/* ---- facts ---- */

/* How a password was judged when it was set (the store keeps the verdict, never the password). */
enum bol_pw_verdict {
    BOL_PWV_UNKNOWN = 0, /* set before verdicts were recorded */
    BOL_PWV_OK,
    BOL_PWV_WEAK,      /* allowed by the rules, but a dictionary or pattern check found it weak */
    BOL_PWV_GENERATED, /* a one-time password bollard generated */
};

/* "unknown", "ok", "weak", "generated", NULL. */
extern const char *const bol_pw_verdict_names[];

/* "weak: REASON" -> WEAK and REASON; "ok", "generated"; anything else UNKNOWN. */
enum bol_pw_verdict bol_pw_verdict_parse(const char *text, const char **ret_reason);

struct bol_inspect_account {
    struct bol_account a;
    bool has_password;
    int64_t password_set_us;
    enum bol_pw_verdict verdict;
    char verdict_why[128];
    int64_t last_login_us; /* 0: never */
};

struct bol_inspect_key {
    struct bol_apikey_info k;
    int64_t last_used_us; /* 0: never */
};

enum bol_ifile_kind {
    BOL_IFILE_DIR = 0, /* the data directory: 0700 */
    BOL_IFILE_SECRET,  /* private keys: 0600 */
    BOL_IFILE_DATA,    /* databases: not group or world readable */
    BOL_IFILE_PUBLIC,  /* certificates, public keys: not group or world writable */
};

struct bol_inspect_file {
    char name[64]; /* relative to the data directory; "." for itself */
    enum bol_ifile_kind kind;
    uint32_t mode; /* permission bits */
    int64_t uid;
};

struct bol_inspect_socket {
    char proto[8]; /* "tcp", "tcp6", "udp", "udp6" */
    char addr[64]; /* listening address as text */
    unsigned port;
};

#define BOL_INSPECT_SOCKETS_MAX 1024

/* The host's facts: listening sockets.  Gathered from /proc, or a fixture. */
struct bol_inspect_host {
    size_t nsockets;
    struct bol_inspect_socket sockets[BOL_INSPECT_SOCKETS_MAX];
};

/*
 * Read host facts from JSON: {"sockets": [{"proto": "tcp", "addr":
 * "0.0.0.0", "port": 22}, ...]} (at most BOL_INSPECT_SOCKETS_MAX; proto one
 * of tcp, tcp6, udp, udp6; addr an IPv4 or IPv6 address; port 1..65535).
 * *h is changed only on success.
 */
BOL_MUST_CHECK int bol_inspect_host_from_json(json_t *o, struct bol_inspect_host *h,
                                              struct bol_diag *diag);

struct bol_inspect_tls {
    bool cert_present;
    bool cert_parsed;
    int64_t not_after_us;
    char key_alg[16]; /* "RSA", "EC", "EdDSA", ... */
    unsigned key_bits;
    char sig_alg[48]; /* "ECDSA-SHA256", "RSA-SHA1", ... */
};

#define BOL_INSPECT_ENDPOINTS_MAX 8

/*
 * A TLS endpoint the inspection probed (inspect --endpoint): the address
 * users and partners reach, bollard serve itself or the front end before it.
 */
struct bol_inspect_endpoint {
    char name[96];   /* "host:port" as given */
    bool reached;    /* it answered a TLS handshake of some version */
    char error[128]; /* why not, when !reached */
    char old[32];    /* versions before TLS 1.2 it accepted, space-separated: "TLS1.0 TLS1.1" */
};

struct bol_inspect_fingerprint {
    char name[32]; /* "security.json", "tls.crt", "journal.pub", "accounts", "keys", "units" */
    char sha256[65];
};

#define BOL_INSPECT_FP_MAX 8

struct bol_inspect_recovery {
    bool replica_given; /* --replica: the facts below come from its directory */
    uint64_t journal_size;
    uint64_t replica_entries, replica_verified;
    int64_t replica_checkpoint_us; /* time of the replica's last verified checkpoint, 0: none */
    bool replica_key;              /* the primary has an active key of the replica role */
    int64_t replica_key_used_us;   /* its last use (the replica's last pull), 0: never */
    bool drill_known;
    bool drill_ok;
    int64_t drill_at_us;
};

/* How alerts reach people (security.json "alerts") and what became of them (the alert table). */
struct bol_inspect_response {
    bool syslog, webhook;         /* a syslog collector, a webhook configured */
    const int64_t *open_alert_us; /* when each open (unacknowledged) alert was last seen */
    size_t nopen;
};

struct bol_inspect_facts {
    const struct bol_inspect_account *accounts;
    size_t naccounts;
    const struct bol_inspect_key *keys;
    size_t nkeys;
    const struct bol_inspect_file *files;
    size_t nfiles;
    int64_t service_uid; /* the uid files should belong to; -1: not checked */
    const struct bol_inspect_host *host;
    struct bol_inspect_tls tls;
    struct bol_inspect_endpoint endpoints[BOL_INSPECT_ENDPOINTS_MAX];
    size_t nendpoints;
    struct bol_inspect_fingerprint fp[BOL_INSPECT_FP_MAX];
    size_t nfp;
    struct bol_inspect_recovery rec;
    struct bol_inspect_response resp;
    bool verify_ok;
    char verify_what[256]; /* when not ok */
};

/* ---- findings ---- */

#define BOL_INSPECT_ID_MAX     128
#define BOL_INSPECT_DETAIL_MAX 256

enum bol_ifind_status { BOL_IFIND_NEW = 0, BOL_IFIND_OPEN };

struct bol_inspect_finding {
    char id[BOL_INSPECT_ID_MAX]; /* stable: "mfa.missing:carol", "port.exposed:3389" */
    enum bol_isev sev;
    enum bol_iarea area;
    const char *clause;      /* guideline clause, "5.4.2" */
    const char *remediation; /* one line */
    char detail[BOL_INSPECT_DETAIL_MAX];
    enum bol_ifind_status status;
};

struct bol_inspect_report {
    int64_t at_us;
    struct bol_inspect_finding *f; /* sorted by id */
    size_t n;
    char (*fixed)[BOL_INSPECT_ID_MAX]; /* in the previous run, not in this one; sorted */
    size_t nfixed;
    bool have_previous;
    int64_t previous_at_us;
    unsigned level[BOL_IAREA_N];
    unsigned target[BOL_IAREA_N];
    unsigned count[BOL_ISEV_N];
    struct bol_inspect_fingerprint fp[BOL_INSPECT_FP_MAX];
    size_t nfp;
};

/*
 * Judge the facts at now_us under the policy, compare with the previous
 * run (the "run" object of its inspect.completed payload, or NULL for a
 * first run: then nothing is fixed and there is no drift), and compute the
 * profile.  *out is filled on success (release it with
 * bol_inspect_report_release); BOL_E_NOMEM, or BOL_E_INVAL when previous is
 * malformed.
 */
BOL_MUST_CHECK int bol_inspect_run(const struct bol_inspect_facts *facts,
                                   const struct bol_inspect_policy *p, json_t *previous,
                                   int64_t now_us, struct bol_inspect_report *out,
                                   struct bol_diag *diag);

void bol_inspect_report_release(struct bol_inspect_report *r);

/*
 * The run as JSON, the object journaled as inspect.completed's "run":
 * {"at", "counts": {sev: n}, "findings": [{"id", "severity", "status"}],
 *  "fixed": [id], "fingerprints": {name: hex}, "profile": {area:
 *  {"current", "target"}}}.  With full, findings also carry "area",
 * "clause", "remediation" and "detail" (for --json).
 */
BOL_MUST_CHECK int bol_inspect_report_json(const struct bol_inspect_report *r, bool full,
                                           json_t **ret);

/* Highest severity among the findings, or -1 when there are none. */
int bol_inspect_worst(const struct bol_inspect_report *r);

/* Is addr (text) a loopback address: 127.0.0.0/8, ::1, ::ffff:127.x.x.x? */
bool bol_inspect_is_loopback(const char *addr);
