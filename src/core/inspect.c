/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inspect.c - the monthly self-inspection's checks (inspect.h)
 *
 * Each check is a row of checks[]: the id prefix, the profile area, the
 * guideline clause and the remediation.  A finding's id is the prefix, then
 * ":" and the subject when the check has one, so it stays the same from one
 * run to the next while the misconfiguration lasts.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "inspect.h"
#include "jsonv.h"
#include "mem.h"
#include "str.h"
#include "utctime.h"

const char *const bol_isev_names[] = { "low", "medium", "high", "critical", NULL };
const char *const bol_iarea_names[] = { "identity", "crypto",   "exposure", "monitoring",
                                        "recovery", "response", NULL };
const char *const bol_pw_verdict_names[] = { "unknown", "ok", "weak", "generated", NULL };

#define DAY_US ((int64_t) 86400 * BOL_US_PER_SEC)

int bol_isev_parse(const char *s, enum bol_isev *ret)
{
    unsigned i;

    for (i = 0; bol_isev_names[i]; i++) {
        if (!strcmp(s, bol_isev_names[i])) {
            *ret = (enum bol_isev) i;
            return 0;
        }
    }
    return BOL_E_INVAL;
}

enum bol_pw_verdict bol_pw_verdict_parse(const char *text, const char **ret_reason)
{
    *ret_reason = "";
    if (!text)
        return BOL_PWV_UNKNOWN;
    if (!strcmp(text, "ok"))
        return BOL_PWV_OK;
    if (!strcmp(text, "generated"))
        return BOL_PWV_GENERATED;
    if (!strncmp(text, "weak", 4) && (text[4] == '\0' || text[4] == ':')) {
        *ret_reason = text[4] == ':' ? text + 5 + (text[5] == ' ') : "";
        return BOL_PWV_WEAK;
    }
    return BOL_PWV_UNKNOWN;
}

/* ---- the policy ---- */

void bol_inspect_policy_default(struct bol_inspect_policy *p)
{
    unsigned i;

    p->dormant_days = 90;
    p->key_unused_days = 90;
    p->key_rotation_days = 180;
    p->key_max_days = 365;
    p->admins_max = 3;
    p->admins_min = 2;
    p->drill_days = 30;
    p->replica_lag_s = 600;
    p->tls_expiry_days = 30;
    p->alert_ack_days = 7;
    for (i = 0; i < BOL_IAREA_N; i++)
        p->target[i] = 3;
}

static int policy_uint(json_t *o, const char *key, int64_t min, int64_t max, unsigned *v,
                       struct bol_diag *diag)
{
    int64_t x = (int64_t) *v;
    int r = jv_int(o, key, min, max, false, &x, diag);

    if (r < 0)
        return r;
    *v = (unsigned) x;
    return 0;
}

int bol_inspect_policy_from_json(json_t *section, struct bol_inspect_policy *p,
                                 struct bol_diag *diag)
{
    static const char *const keys[] = { "dormant_days",   "key_unused_days", "key_rotation_days",
                                        "key_max_days",   "admins_max",      "admins_min",
                                        "drill_days",     "replica_lag_s",   "tls_expiry_days",
                                        "alert_ack_days", "target",          NULL };
    struct bol_inspect_policy q = *p;
    json_t *target = NULL;
    unsigned i;
    int r;

    if (!section)
        return 0;
    if (!json_is_object(section))
        return bol_diag_fail(diag, BOL_E_INVAL, "inspect", "'inspect' must be an object");
    if ((r = jv_only(section, keys, diag)) < 0 ||
        (r = policy_uint(section, "dormant_days", 1, 3650, &q.dormant_days, diag)) < 0 ||
        (r = policy_uint(section, "key_unused_days", 1, 3650, &q.key_unused_days, diag)) < 0 ||
        (r = policy_uint(section, "key_rotation_days", 1, 3650, &q.key_rotation_days, diag)) < 0 ||
        (r = policy_uint(section, "key_max_days", 1, 3650, &q.key_max_days, diag)) < 0 ||
        (r = policy_uint(section, "admins_max", 1, 1000, &q.admins_max, diag)) < 0 ||
        (r = policy_uint(section, "admins_min", 0, 1000, &q.admins_min, diag)) < 0 ||
        (r = policy_uint(section, "drill_days", 1, 3650, &q.drill_days, diag)) < 0 ||
        (r = policy_uint(section, "replica_lag_s", 1, 86400 * 30, &q.replica_lag_s, diag)) < 0 ||
        (r = policy_uint(section, "tls_expiry_days", 0, 3650, &q.tls_expiry_days, diag)) < 0 ||
        (r = policy_uint(section, "alert_ack_days", 1, 3650, &q.alert_ack_days, diag)) < 0 ||
        (r = jv_object(section, "target", false, &target, diag)) < 0)
        return r;
    if (target) {
        if ((r = jv_only(target, bol_iarea_names, diag)) < 0)
            return r;
        for (i = 0; i < BOL_IAREA_N; i++) {
            r = policy_uint(target, bol_iarea_names[i], 0, BOL_INSPECT_LEVEL_MAX, &q.target[i],
                            diag);
            if (r < 0)
                return r;
        }
    }
    if (q.admins_min > q.admins_max)
        return bol_diag_fail(diag, BOL_E_INVAL, "admins_min",
                             "'admins_min' (%u) is above 'admins_max' (%u)", q.admins_min,
                             q.admins_max);
    *p = q;
    return 0;
}

/* ---- host facts ---- */

static bool is_ipv4(const char *s)
{
    unsigned parts = 0, digits = 0, v = 0;

    for (;; s++) {
        if (bol_is_digit(*s)) {
            v = v * 10 + (unsigned) (*s - '0');
            if (++digits > 3 || v > 255)
                return false;
        } else if (*s == '.' || *s == '\0') {
            if (digits == 0)
                return false;
            parts++;
            digits = 0;
            v = 0;
            if (*s == '\0')
                break;
        } else {
            return false;
        }
    }
    return parts == 4;
}

static bool is_ipv6(const char *s)
{
    size_t n = strlen(s), colons = 0, i;

    if (n < 2 || n > 45)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (c == ':')
            colons++;
        else if (!bol_is_digit(c) && !((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) &&
                 c != '.')
            return false;
    }
    return colons >= 2 && colons <= 7;
}

int bol_inspect_host_from_json(json_t *o, struct bol_inspect_host *h, struct bol_diag *diag)
{
    static const char *const keys[] = { "sockets", NULL };
    static const char *const skeys[] = { "proto", "addr", "port", NULL };
    static const char *const protos[] = { "tcp", "tcp6", "udp", "udp6", NULL };
    struct bol_inspect_host *t;
    json_t *a = NULL, *v;
    size_t i;
    int r;

    if (!json_is_object(o))
        return bol_diag_fail(diag, BOL_E_INVAL, "host", "host facts must be a JSON object");
    if ((r = jv_only(o, keys, diag)) < 0 ||
        (r = jv_array(o, "sockets", BOL_INSPECT_SOCKETS_MAX, true, &a, diag)) < 0)
        return r;
    t = bol_malloc(sizeof(*t));
    if (!t)
        return bol_diag_fail(diag, BOL_E_NOMEM, "host", "out of memory");
    t->nsockets = 0;
    json_array_foreach(a, i, v)
    {
        struct bol_inspect_socket *s = &t->sockets[t->nsockets];
        unsigned proto = 0;
        int64_t port = 0;

        if (!json_is_object(v)) {
            r = bol_diag_fail(diag, BOL_E_INVAL, "sockets", "sockets[%zu] must be an object", i);
            break;
        }
        if ((r = jv_only(v, skeys, diag)) < 0 ||
            (r = jv_enum(v, "proto", protos, true, &proto, diag)) < 0 ||
            (r = jv_text_buf(v, "addr", s->addr, sizeof(s->addr), true, diag)) < 0 ||
            (r = jv_int(v, "port", 1, 65535, true, &port, diag)) < 0) {
            if (diag) {
                char field[BOL_DIAG_FIELD_MAX], msg[BOL_DIAG_MSG_MAX];

                memcpy(field, diag->field, sizeof(field));
                memcpy(msg, diag->msg, sizeof(msg));
                bol_diag_fail(diag, r, field, "sockets[%zu]: %s", i, msg);
            }
            break;
        }
        if (!is_ipv4(s->addr) && !is_ipv6(s->addr)) {
            r = bol_diag_fail(diag, BOL_E_INVAL, "addr",
                              "sockets[%zu]: 'addr' must be an IPv4 or IPv6 address", i);
            break;
        }
        snprintf(s->proto, sizeof(s->proto), "%s", protos[proto]);
        s->port = (unsigned) port;
        t->nsockets++;
    }
    if (r == 0)
        memcpy(h, t, sizeof(*t));
    bol_free(t);
    return r;
}

bool bol_inspect_is_loopback(const char *addr)
{
    if (!strncmp(addr, "127.", 4))
        return true;
    if (!strcmp(addr, "::1") || !strcmp(addr, "0:0:0:0:0:0:0:1"))
        return true;
    return !strncmp(addr, "::ffff:127.", 11);
}

/* ---- the checks ---- */

enum check_id {
    C_MFA,
    C_PW_WEAK,
    C_PW_UNJUDGED,
    C_DORMANT,
    C_ADMINS_MANY,
    C_ADMINS_FEW,
    C_KEY_LONG,
    C_KEY_UNUSED,
    C_KEY_OLD,
    C_TLS_MISSING,
    C_TLS_UNREADABLE,
    C_TLS_EXPIRED,
    C_TLS_EXPIRING,
    C_TLS_KEY,
    C_TLS_SIG,
    C_TLS_PROTO,
    C_TLS_UNREACHABLE,
    C_FILE_MODE_SECRET,
    C_FILE_MODE,
    C_FILE_OWNER,
    C_PORT,
    C_DRIFT,
    C_DRILL_UNKNOWN,
    C_DRILL_NONE,
    C_DRILL_FAILED,
    C_DRILL_STALE,
    C_REPLICA_MISSING,
    C_REPLICA_LAG,
    C_VERIFY,
    C_ALERT_SINK,
    C_ALERT_STALE,
};

struct check {
    const char *prefix;
    enum bol_iarea area;
    const char *clause;
    const char *remediation;
};

/* Clauses of the port guideline (2024): see docs/internals/inspect.md. */
static const struct check checks[] = {
    [C_MFA] = { "mfa.missing", BOL_IAREA_IDENTITY, "5.4.2",
                "have the user enrol an authenticator (POST /api/v1/me/mfa/enroll), or lock the "
                "account" },
    [C_PW_WEAK] = { "password.weak", BOL_IAREA_IDENTITY, "5.4.6",
                    "give the account a new one-time password (bollard user reset-password) so a "
                    "stronger one is chosen" },
    [C_PW_UNJUDGED] = { "password.unjudged", BOL_IAREA_IDENTITY, "5.4.6",
                        "reset the password (bollard user reset-password): it was set before "
                        "strength verdicts were recorded" },
    [C_DORMANT] = { "account.dormant", BOL_IAREA_IDENTITY, "5.4.2",
                    "lock the account (bollard user lock) unless it is still needed" },
    [C_ADMINS_MANY] = { "admins.too_many", BOL_IAREA_IDENTITY, "5.4.6",
                        "take the admin role from accounts that do not need it" },
    [C_ADMINS_FEW] = { "admins.too_few", BOL_IAREA_IDENTITY, "3.4.3",
                       "name a second administrator, so every approval has a second person" },
    [C_KEY_LONG] = { "apikey.long_expiry", BOL_IAREA_IDENTITY, "5.4.2",
                     "rotate the key with a shorter life (bollard key rotate --days N)" },
    [C_KEY_UNUSED] = { "apikey.unused", BOL_IAREA_IDENTITY, "5.4.2",
                       "revoke the key if nothing uses it (bollard key revoke)" },
    [C_KEY_OLD] = { "apikey.old", BOL_IAREA_IDENTITY, "5.4.2",
                    "rotate the key (bollard key rotate)" },
    [C_TLS_MISSING] = { "tls.cert_missing", BOL_IAREA_CRYPTO, "5.4.4",
                        "serve HTTPS only: run bollard init's certificate or put nginx with a "
                        "real certificate in front" },
    [C_TLS_UNREADABLE] = { "tls.cert_unreadable", BOL_IAREA_CRYPTO, "5.4.4",
                           "replace DATA/tls.crt with a PEM certificate" },
    [C_TLS_EXPIRED] = { "tls.cert_expired", BOL_IAREA_CRYPTO, "5.4.4",
                        "renew the certificate now" },
    [C_TLS_EXPIRING] = { "tls.cert_expiring", BOL_IAREA_CRYPTO, "5.4.4",
                         "renew the certificate before it expires" },
    [C_TLS_KEY] = { "tls.key_weak", BOL_IAREA_CRYPTO, "5.4.3",
                    "use an ECDSA P-256 (or larger) or RSA 2048-bit (or larger) key" },
    [C_TLS_SIG] = { "tls.signature_weak", BOL_IAREA_CRYPTO, "5.4.3",
                    "reissue the certificate signed with SHA-256 or better" },
    [C_TLS_PROTO] = { "tls.protocol_old", BOL_IAREA_CRYPTO, "5.4.4",
                      "allow TLS 1.2 and 1.3 only (nginx: ssl_protocols TLSv1.2 TLSv1.3)" },
    [C_TLS_UNREACHABLE] = { "tls.endpoint_unreachable", BOL_IAREA_MONITORING, "5.1.3",
                            "check that the endpoint is up and speaks TLS, or correct --endpoint" },
    [C_FILE_MODE_SECRET] = { "file.mode", BOL_IAREA_CRYPTO, "5.4.3",
                             "chmod 600 the key file and rotate the key if others could read it" },
    [C_FILE_MODE] = { "file.mode", BOL_IAREA_EXPOSURE, "5.4.2",
                      "chmod the file (data directory 700, databases 600, public files 644)" },
    [C_FILE_OWNER] = { "file.owner", BOL_IAREA_EXPOSURE, "5.4.2",
                       "chown the file to the service user (bollard)" },
    [C_PORT] = { "port.exposed", BOL_IAREA_EXPOSURE, "5.4.2",
                 "stop the service or bind it to loopback; reach it through a VPN or bastion" },
    [C_DRIFT] = { "drift", BOL_IAREA_MONITORING, "5.1.3",
                  "confirm the change was intended; if not, restore it and investigate" },
    [C_DRILL_UNKNOWN] = { "drill.unknown", BOL_IAREA_RECOVERY, "4.5.3",
                          "run bollard drill --from REPLICA monthly and inspect with --replica "
                          "REPLICA" },
    [C_DRILL_NONE] = { "drill.none", BOL_IAREA_RECOVERY, "4.5.3",
                       "run a restore drill (bollard drill --from REPLICA)" },
    [C_DRILL_FAILED] = { "drill.failed", BOL_IAREA_RECOVERY, "4.5.3",
                         "find why the last restore drill failed and run it again" },
    [C_DRILL_STALE] = { "drill.stale", BOL_IAREA_RECOVERY, "4.5.3",
                        "run a restore drill (bollard drill --from REPLICA)" },
    [C_REPLICA_MISSING] = { "replica.missing", BOL_IAREA_RECOVERY, "5.1.3",
                            "set up a replica on a separate host (bollard replica init)" },
    [C_REPLICA_LAG] = { "replica.lag", BOL_IAREA_RECOVERY, "5.1.3",
                        "check that bollard replica run is running and reaches the primary" },
    [C_VERIFY] = { "journal.verify_failed", BOL_IAREA_MONITORING, "3.6",
                   "stop and investigate (bollard journal verify); restore from the replica" },
    [C_ALERT_SINK] = { "alerts.no_delivery", BOL_IAREA_RESPONSE, "4.9.1",
                       "name a syslog collector or a webhook in security.json (\"alerts\") so "
                       "alerts reach the people on duty, not only the journal" },
    [C_ALERT_STALE] = { "alerts.unacknowledged", BOL_IAREA_RESPONSE, "4.7.2",
                        "review the open alerts and acknowledge each with a note (bollard alert "
                        "ack), or open an incident (bollard incident open)" },
};

struct run {
    struct bol_inspect_report *r;
    size_t cap;
    int err;
};

static void add(struct run *x, enum check_id c, const char *subject, enum bol_isev sev,
                const char *fmt, ...) BOL_PRINTF(5, 6);

static void add(struct run *x, enum check_id c, const char *subject, enum bol_isev sev,
                const char *fmt, ...)
{
    struct bol_inspect_report *r = x->r;
    struct bol_inspect_finding *f;
    va_list ap;

    if (x->err)
        return;
    if (r->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 32;
        struct bol_inspect_finding *g = bol_realloc(r->f, cap * sizeof(*g));

        if (!g) {
            x->err = BOL_E_NOMEM;
            return;
        }
        r->f = g;
        x->cap = cap;
    }
    f = &r->f[r->n++];
    memset(f, 0, sizeof(*f));
    if (subject)
        snprintf(f->id, sizeof(f->id), "%s:%s", checks[c].prefix, subject);
    else
        snprintf(f->id, sizeof(f->id), "%s", checks[c].prefix);
    f->sev = sev;
    f->area = checks[c].area;
    f->clause = checks[c].clause;
    f->remediation = checks[c].remediation;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
    va_end(ap);
}

static int64_t days_between(int64_t from_us, int64_t to_us)
{
    return (to_us - from_us) / DAY_US;
}

/* Counted as a live account: not disabled, not locked until an admin unlocks it. */
static bool account_live(const struct bol_account *a)
{
    if (a->status == BOL_ACCOUNT_DISABLED)
        return false;
    return !(a->status == BOL_ACCOUNT_LOCKED && a->locked_until_us == 0);
}

static void check_accounts(struct run *x, const struct bol_inspect_facts *f,
                           const struct bol_inspect_policy *p, int64_t now)
{
    unsigned admins = 0;
    size_t i;

    for (i = 0; i < f->naccounts; i++) {
        const struct bol_inspect_account *ia = &f->accounts[i];
        const struct bol_account *a = &ia->a;
        bool priv = (a->roles & BOL_ROLES_PRIVILEGED) != 0 || a->kind == BOL_ACCOUNT_VENDOR;
        int64_t since;

        if (!account_live(a))
            continue;
        if (a->roles & BOL_ROLE_BIT(BOL_ROLE_ADMIN))
            admins++;
        if (!a->mfa)
            add(x, C_MFA, a->user, priv ? BOL_ISEV_HIGH : BOL_ISEV_MEDIUM,
                "%s account '%s' has no authenticator enrolled%s",
                a->kind == BOL_ACCOUNT_VENDOR ? "vendor"
                : priv                        ? "privileged"
                                              : "the",
                a->user, a->mfa_required ? " (MFA is required at its next login)" : "");
        if (ia->has_password && ia->verdict == BOL_PWV_WEAK && !a->must_change)
            add(x, C_PW_WEAK, a->user, priv ? BOL_ISEV_HIGH : BOL_ISEV_MEDIUM,
                "the password '%s' chose was judged weak when set: %s", a->user,
                ia->verdict_why[0] ? ia->verdict_why : "dictionary check");
        else if (ia->has_password && ia->verdict == BOL_PWV_UNKNOWN && !a->must_change)
            add(x, C_PW_UNJUDGED, a->user, BOL_ISEV_LOW,
                "the password of '%s' was set before strength verdicts were recorded", a->user);
        since = ia->last_login_us > 0 ? ia->last_login_us : ia->password_set_us;
        if (since > 0 && now - since > (int64_t) p->dormant_days * DAY_US)
            add(x, C_DORMANT, a->user, priv ? BOL_ISEV_HIGH : BOL_ISEV_MEDIUM,
                "'%s' has not logged in for %" PRId64 " days%s (policy: %u)", a->user,
                days_between(since, now), ia->last_login_us > 0 ? "" : " (never since set up)",
                p->dormant_days);
    }
    if (admins > p->admins_max)
        add(x, C_ADMINS_MANY, NULL, BOL_ISEV_MEDIUM,
            "%u active admin accounts (policy: at most %u)", admins, p->admins_max);
    if (admins < p->admins_min)
        add(x, C_ADMINS_FEW, NULL, BOL_ISEV_MEDIUM,
            "%u active admin account%s (policy: at least %u)", admins, admins == 1 ? "" : "s",
            p->admins_min);
}

static void check_keys(struct run *x, const struct bol_inspect_facts *f,
                       const struct bol_inspect_policy *p, int64_t now)
{
    size_t i;

    for (i = 0; i < f->nkeys; i++) {
        const struct bol_apikey_info *k = &f->keys[i].k;
        int64_t used = f->keys[i].last_used_us;

        if (!bol_apikey_usable(k, now))
            continue;
        if (k->expires_us - k->created_us > (int64_t) p->key_max_days * DAY_US)
            add(x, C_KEY_LONG, k->id, BOL_ISEV_MEDIUM,
                "key %s (%s, role %s) is valid for %" PRId64 " days (policy: at most %u)", k->id,
                k->name, bol_role_names[k->role], days_between(k->created_us, k->expires_us),
                p->key_max_days);
        if (now - (used > 0 ? used : k->created_us) > (int64_t) p->key_unused_days * DAY_US)
            add(x, C_KEY_UNUSED, k->id, BOL_ISEV_MEDIUM,
                "key %s (%s) has not been used for %" PRId64 " days%s (policy: %u)", k->id, k->name,
                days_between(used > 0 ? used : k->created_us, now),
                used > 0 ? "" : ", never since created", p->key_unused_days);
        if (now - k->created_us > (int64_t) p->key_rotation_days * DAY_US)
            add(x, C_KEY_OLD, k->id, BOL_ISEV_MEDIUM,
                "key %s (%s) was created %" PRId64 " days ago (rotation period: %u)", k->id,
                k->name, days_between(k->created_us, now), p->key_rotation_days);
    }
}

static void check_tls(struct run *x, const struct bol_inspect_tls *t,
                      const struct bol_inspect_policy *p, int64_t now)
{
    if (!t->cert_present) {
        add(x, C_TLS_MISSING, NULL, BOL_ISEV_MEDIUM, "no certificate at DATA/tls.crt");
    } else if (!t->cert_parsed) {
        add(x, C_TLS_UNREADABLE, NULL, BOL_ISEV_HIGH, "DATA/tls.crt is not a PEM certificate");
    } else {
        char until[BOL_TIME_TEXT_MAX];

        if (!bol_time_format(t->not_after_us, 0, 0, until))
            snprintf(until, sizeof(until), "?");
        if (t->not_after_us <= now)
            add(x, C_TLS_EXPIRED, NULL, BOL_ISEV_CRITICAL, "the certificate expired at %s", until);
        else if (t->not_after_us - now < (int64_t) p->tls_expiry_days * DAY_US)
            add(x, C_TLS_EXPIRING, NULL, BOL_ISEV_HIGH,
                "the certificate expires at %s, in %" PRId64 " days", until,
                days_between(now, t->not_after_us));
        if ((!strcmp(t->key_alg, "RSA") && t->key_bits < 2048) ||
            (!strcmp(t->key_alg, "EC") && t->key_bits < 256) || !strcmp(t->key_alg, "DSA"))
            add(x, C_TLS_KEY, NULL, BOL_ISEV_HIGH, "the certificate's key is %s of %u bits",
                t->key_alg, t->key_bits);
        if (strstr(t->sig_alg, "SHA1") || strstr(t->sig_alg, "MD5") || strstr(t->sig_alg, "MD2"))
            add(x, C_TLS_SIG, NULL, BOL_ISEV_HIGH, "the certificate is signed with %s", t->sig_alg);
    }
}

static void check_endpoints(struct run *x, const struct bol_inspect_facts *f)
{
    size_t i;

    for (i = 0; i < f->nendpoints; i++) {
        const struct bol_inspect_endpoint *e = &f->endpoints[i];

        if (!e->reached)
            add(x, C_TLS_UNREACHABLE, e->name, BOL_ISEV_MEDIUM, "%s could not be probed: %s",
                e->name, e->error);
        else if (e->old[0])
            add(x, C_TLS_PROTO, e->name, BOL_ISEV_HIGH, "%s accepts %s", e->name, e->old);
    }
}

static void check_files(struct run *x, const struct bol_inspect_facts *f)
{
    size_t i;

    for (i = 0; i < f->nfiles; i++) {
        const struct bol_inspect_file *fi = &f->files[i];
        uint32_t m = fi->mode & 07777;

        switch (fi->kind) {
        case BOL_IFILE_DIR:
            if (m & 077)
                add(x, C_FILE_MODE, fi->name, BOL_ISEV_HIGH,
                    "the data directory is mode %04o (want 0700)", (unsigned) m);
            break;
        case BOL_IFILE_SECRET:
            if (m & 077)
                add(x, C_FILE_MODE_SECRET, fi->name, (m & 044) ? BOL_ISEV_CRITICAL : BOL_ISEV_HIGH,
                    "private key %s is mode %04o (want 0600)", fi->name, (unsigned) m);
            break;
        case BOL_IFILE_DATA:
            if (m & 077)
                add(x, C_FILE_MODE, fi->name, BOL_ISEV_HIGH,
                    "database file %s is mode %04o (want 0600)", fi->name, (unsigned) m);
            break;
        case BOL_IFILE_PUBLIC:
            if (m & 022)
                add(x, C_FILE_MODE, fi->name, BOL_ISEV_MEDIUM,
                    "%s is writable by others: mode %04o (want 0644)", fi->name, (unsigned) m);
            break;
        }
        if (f->service_uid >= 0 && fi->uid != f->service_uid)
            add(x, C_FILE_OWNER, fi->name, BOL_ISEV_HIGH,
                "%s belongs to uid %" PRId64 ", not the service user's %" PRId64, fi->name, fi->uid,
                f->service_uid);
    }
}

struct port_rule {
    unsigned port;
    const char *what;
    enum bol_isev sev;
    bool udp; /* the service listens on UDP too (RDP's UDP transport) */
};

static const struct port_rule ports[] = {
    { 21, "FTP", BOL_ISEV_HIGH, false },
    { 22, "SSH", BOL_ISEV_MEDIUM, false },
    { 23, "Telnet", BOL_ISEV_CRITICAL, false },
    { 135, "MS RPC", BOL_ISEV_HIGH, false },
    { 139, "SMB (NetBIOS)", BOL_ISEV_HIGH, false },
    { 445, "SMB", BOL_ISEV_HIGH, false },
    { 1433, "SQL Server", BOL_ISEV_HIGH, false },
    { 1521, "Oracle", BOL_ISEV_HIGH, false },
    { 3306, "MySQL", BOL_ISEV_HIGH, false },
    { 3389, "RDP", BOL_ISEV_HIGH, true },
    { 5432, "PostgreSQL", BOL_ISEV_HIGH, false },
    { 5900, "VNC", BOL_ISEV_HIGH, false },
    { 5984, "CouchDB", BOL_ISEV_HIGH, false },
    { 6379, "Redis", BOL_ISEV_HIGH, false },
    { 9200, "Elasticsearch", BOL_ISEV_HIGH, false },
    { 11211, "memcached", BOL_ISEV_HIGH, false },
    { 27017, "MongoDB", BOL_ISEV_HIGH, false },
};

static void check_ports(struct run *x, const struct bol_inspect_host *h)
{
    size_t i, j;

    if (!h)
        return;
    for (j = 0; j < BOL_ARRAY_SIZE(ports); j++) {
        char addrs[160] = "";
        size_t used = 0;
        char subject[16];

        for (i = 0; i < h->nsockets; i++) {
            const struct bol_inspect_socket *s = &h->sockets[i];

            bool udp = !strncmp(s->proto, "udp", 3);

            if (s->port != ports[j].port || (udp && !ports[j].udp) ||
                (!udp && strncmp(s->proto, "tcp", 3)) || bol_inspect_is_loopback(s->addr))
                continue;
            if (used < sizeof(addrs)) {
                int w = snprintf(addrs + used, sizeof(addrs) - used, "%s%s%s", used ? ", " : "",
                                 s->addr, udp ? " (UDP)" : "");

                used += w > 0 ? (size_t) w : 0;
            }
        }
        if (!used)
            continue;
        snprintf(subject, sizeof(subject), "%u", ports[j].port);
        add(x, C_PORT, subject, ports[j].sev, "%s (port %u) listens beyond loopback on %s",
            ports[j].what, ports[j].port, addrs);
    }
}

static void check_response(struct run *x, const struct bol_inspect_response *rs,
                           const struct bol_inspect_policy *p, int64_t now)
{
    int64_t oldest = 0;
    size_t i, stale = 0;

    if (!rs->syslog && !rs->webhook)
        add(x, C_ALERT_SINK, NULL, BOL_ISEV_HIGH,
            "alerts go to the journal and the alerts API only: no syslog collector, no webhook");
    for (i = 0; i < rs->nopen; i++) {
        if (now - rs->open_alert_us[i] <= (int64_t) p->alert_ack_days * DAY_US)
            continue;
        if (!stale++ || rs->open_alert_us[i] < oldest)
            oldest = rs->open_alert_us[i];
    }
    if (stale) {
        char at[BOL_TIME_TEXT_MAX];

        if (!bol_time_format(oldest, 0, 0, at))
            snprintf(at, sizeof(at), "?");
        add(x, C_ALERT_STALE, NULL, BOL_ISEV_MEDIUM,
            "%zu alert(s) open for more than %u days without acknowledgement (oldest last seen "
            "%s)",
            stale, p->alert_ack_days, at);
    }
}

static void check_recovery(struct run *x, const struct bol_inspect_recovery *rc,
                           const struct bol_inspect_policy *p, int64_t now)
{
    int64_t lag_us = (int64_t) p->replica_lag_s * BOL_US_PER_SEC;

    if (!rc->replica_given) {
        add(x, C_DRILL_UNKNOWN, NULL, BOL_ISEV_MEDIUM,
            "no replica directory given (--replica): the last restore drill is unknown");
        if (!rc->replica_key)
            add(x, C_REPLICA_MISSING, NULL, BOL_ISEV_HIGH,
                "no active API key of the replica role: nothing pulls the journal");
        else if (rc->replica_key_used_us == 0)
            add(x, C_REPLICA_LAG, NULL, BOL_ISEV_HIGH,
                "the replica's key has never been used: the replica has not pulled");
        else if (now - rc->replica_key_used_us > lag_us)
            add(x, C_REPLICA_LAG, NULL, BOL_ISEV_HIGH,
                "the replica last pulled %" PRId64 " s ago (policy: %u s)",
                (now - rc->replica_key_used_us) / BOL_US_PER_SEC, p->replica_lag_s);
        return;
    }
    if (!rc->drill_known)
        add(x, C_DRILL_NONE, NULL, BOL_ISEV_HIGH, "the replica holds no restore drill record");
    else if (!rc->drill_ok)
        add(x, C_DRILL_FAILED, NULL, BOL_ISEV_HIGH, "the last restore drill failed");
    else if (now - rc->drill_at_us > (int64_t) p->drill_days * DAY_US)
        add(x, C_DRILL_STALE, NULL, BOL_ISEV_MEDIUM,
            "the last successful restore drill was %" PRId64 " days ago (policy: %u)",
            days_between(rc->drill_at_us, now), p->drill_days);
    if (rc->replica_verified < rc->journal_size &&
        (rc->replica_checkpoint_us == 0 || now - rc->replica_checkpoint_us > lag_us))
        add(x, C_REPLICA_LAG, NULL, BOL_ISEV_HIGH,
            "the replica verified %" PRIu64 " of %" PRIu64 " entries; its last checkpoint is %s",
            rc->replica_verified, rc->journal_size,
            rc->replica_checkpoint_us ? "older than the policy allows" : "missing");
}

/* ---- the previous run ---- */

static const char *prev_fingerprint(json_t *prev, const char *name)
{
    return json_string_value(json_object_get(json_object_get(prev, "fingerprints"), name));
}

static void check_drift(struct run *x, const struct bol_inspect_facts *f, json_t *prev)
{
    json_t *fps = json_object_get(prev, "fingerprints");
    const char *k;
    json_t *v;
    size_t i;

    for (i = 0; i < f->nfp; i++) {
        const char *old = prev_fingerprint(prev, f->fp[i].name);

        if (!old)
            add(x, C_DRIFT, f->fp[i].name, BOL_ISEV_MEDIUM, "%s appeared since the last run",
                f->fp[i].name);
        else if (strcmp(old, f->fp[i].sha256))
            add(x, C_DRIFT, f->fp[i].name, BOL_ISEV_MEDIUM, "%s changed since the last run",
                f->fp[i].name);
    }
    json_object_foreach(fps, k, v)
    {
        for (i = 0; i < f->nfp && strcmp(f->fp[i].name, k); i++)
            ;
        if (i == f->nfp)
            add(x, C_DRIFT, k, BOL_ISEV_MEDIUM, "%s is gone since the last run", k);
    }
}

static int prev_check(json_t *prev, struct bol_diag *diag)
{
    json_t *a = json_object_get(prev, "findings"), *fps = json_object_get(prev, "fingerprints");
    json_t *v;
    const char *k;
    size_t i;

    if (!json_is_object(prev) || !json_is_array(a) || (fps && !json_is_object(fps)))
        return bol_diag_fail(diag, BOL_E_INVAL, "previous",
                             "the previous run has no findings list");
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(json_object_get(v, "id")))
            return bol_diag_fail(diag, BOL_E_INVAL, "previous",
                                 "the previous run's finding %zu has no id", i);
    }
    json_object_foreach(fps, k, v)
    {
        if (!json_is_string(v))
            return bol_diag_fail(diag, BOL_E_INVAL, "previous",
                                 "the previous run's fingerprint '%s' is not text", k);
    }
    return 0;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct bol_inspect_finding *) a)->id,
                  ((const struct bol_inspect_finding *) b)->id);
}

static int cmp_ids(const void *a, const void *b)
{
    return strcmp((const char *) a, (const char *) b);
}

static const struct bol_inspect_finding *find_id(const struct bol_inspect_report *r, const char *id)
{
    struct bol_inspect_finding key;

    snprintf(key.id, sizeof(key.id), "%s", id);
    return bsearch(&key, r->f, r->n, sizeof(*r->f), by_id);
}

static int compare(struct bol_inspect_report *r, json_t *prev)
{
    json_t *a = json_object_get(prev, "findings"), *v;
    size_t i, n = 0;

    r->fixed = json_array_size(a) ? bol_calloc(json_array_size(a), sizeof(*r->fixed)) : NULL;
    if (json_array_size(a) && !r->fixed)
        return BOL_E_NOMEM;
    for (i = 0; i < r->n; i++)
        r->f[i].status = BOL_IFIND_NEW;
    json_array_foreach(a, i, v)
    {
        const char *id = json_string_value(json_object_get(v, "id"));
        struct bol_inspect_finding *f = (struct bol_inspect_finding *) find_id(r, id);

        if (f)
            f->status = BOL_IFIND_OPEN;
        else if (strlen(id) < BOL_INSPECT_ID_MAX)
            snprintf(r->fixed[n++], BOL_INSPECT_ID_MAX, "%s", id);
    }
    r->nfixed = n;
    if (n > 1)
        qsort(r->fixed, n, sizeof(*r->fixed), cmp_ids);
    return 0;
}

/* ---- the run ---- */

int bol_inspect_run(const struct bol_inspect_facts *facts, const struct bol_inspect_policy *p,
                    json_t *previous, int64_t now_us, struct bol_inspect_report *out,
                    struct bol_diag *diag)
{
    struct bol_inspect_report r;
    struct run x;
    size_t i;
    int rc;

    if (previous && (rc = prev_check(previous, diag)) < 0)
        return rc;
    memset(&r, 0, sizeof(r));
    memset(&x, 0, sizeof(x));
    x.r = &r;
    r.at_us = now_us;
    check_accounts(&x, facts, p, now_us);
    check_keys(&x, facts, p, now_us);
    check_tls(&x, &facts->tls, p, now_us);
    check_endpoints(&x, facts);
    check_files(&x, facts);
    check_ports(&x, facts->host);
    check_recovery(&x, &facts->rec, p, now_us);
    check_response(&x, &facts->resp, p, now_us);
    if (!facts->verify_ok)
        add(&x, C_VERIFY, NULL, BOL_ISEV_CRITICAL, "the journal does not verify: %s",
            facts->verify_what[0] ? facts->verify_what : "unknown reason");
    if (previous)
        check_drift(&x, facts, previous);
    if (x.err) {
        bol_free(r.f);
        return bol_diag_fail(diag, x.err, "inspect", "out of memory");
    }
    if (r.n > 1)
        qsort(r.f, r.n, sizeof(*r.f), by_id);
    /* one finding per id: the first (a check never repeats a subject, but be sure) */
    for (i = 1; i < r.n;) {
        if (!strcmp(r.f[i].id, r.f[i - 1].id)) {
            memmove(&r.f[i], &r.f[i + 1], (r.n - i - 1) * sizeof(*r.f));
            r.n--;
        } else {
            i++;
        }
    }
    if (previous) {
        const char *at = json_string_value(json_object_get(previous, "at"));

        r.have_previous = true;
        if (!at || bol_time_parse(bol_str_from(at), &r.previous_at_us, NULL) < 0)
            r.previous_at_us = 0;
        if ((rc = compare(&r, previous)) < 0) {
            bol_inspect_report_release(&r);
            return bol_diag_fail(diag, rc, "inspect", "out of memory");
        }
    }
    for (i = 0; i < BOL_IAREA_N; i++) {
        r.level[i] = BOL_INSPECT_LEVEL_MAX;
        r.target[i] = p->target[i];
    }
    for (i = 0; i < r.n; i++) {
        unsigned lvl = BOL_ISEV_CRITICAL - (unsigned) r.f[i].sev;

        r.count[r.f[i].sev]++;
        if (lvl < r.level[r.f[i].area])
            r.level[r.f[i].area] = lvl;
    }
    r.nfp = BOL_MIN(facts->nfp, (size_t) BOL_INSPECT_FP_MAX);
    memcpy(r.fp, facts->fp, r.nfp * sizeof(r.fp[0]));
    *out = r;
    return 0;
}

void bol_inspect_report_release(struct bol_inspect_report *r)
{
    if (!r)
        return;
    bol_free(r->f);
    bol_free(r->fixed);
    memset(r, 0, sizeof(*r));
}

int bol_inspect_worst(const struct bol_inspect_report *r)
{
    int worst = -1;
    size_t i;

    for (i = 0; i < r->n; i++) {
        if ((int) r->f[i].sev > worst)
            worst = (int) r->f[i].sev;
    }
    return worst;
}

int bol_inspect_report_json(const struct bol_inspect_report *r, bool full, json_t **ret)
{
    json_t *o = json_object(), *counts = json_object(), *fa = json_array(), *fx = json_array(),
           *fps = json_object(), *prof = json_object();
    char at[BOL_TIME_TEXT_MAX];
    size_t i;
    int e = 0;

    if (!o || !counts || !fa || !fx || !fps || !prof || !bol_time_format(r->at_us, 0, 0, at)) {
        json_decref(o);
        json_decref(counts);
        json_decref(fa);
        json_decref(fx);
        json_decref(fps);
        json_decref(prof);
        return BOL_E_NOMEM;
    }
    e |= jv_set_str(o, "at", at);
    for (i = 0; i < BOL_ISEV_N; i++)
        e |= jv_set_int(counts, bol_isev_names[i], r->count[i]);
    for (i = 0; i < r->n; i++) {
        const struct bol_inspect_finding *f = &r->f[i];
        json_t *j = json_pack("{s:s,s:s,s:s}", "id", f->id, "severity", bol_isev_names[f->sev],
                              "status", f->status == BOL_IFIND_OPEN ? "open" : "new");

        if (j && full)
            e |= jv_set_str(j, "area", bol_iarea_names[f->area]) |
                 jv_set_str(j, "clause", f->clause) | jv_set_str(j, "remediation", f->remediation) |
                 jv_set_str(j, "detail", f->detail);
        e |= j ? json_array_append_new(fa, j) : -1;
    }
    for (i = 0; i < r->nfixed; i++)
        e |= json_array_append_new(fx, json_string(r->fixed[i]));
    for (i = 0; i < r->nfp; i++)
        e |= jv_set_str(fps, r->fp[i].name, r->fp[i].sha256);
    for (i = 0; i < BOL_IAREA_N; i++)
        e |= jv_set(
            prof, bol_iarea_names[i],
            json_pack("{s:i,s:i}", "current", (int) r->level[i], "target", (int) r->target[i]));
    e |= jv_set(o, "counts", counts) | jv_set(o, "findings", fa) | jv_set(o, "fixed", fx) |
         jv_set(o, "fingerprints", fps) | jv_set(o, "profile", prof);
    if (e) {
        json_decref(o);
        return BOL_E_NOMEM;
    }
    *ret = o;
    return 0;
}
