/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit.c - audit search over journal entries, severities, RFC 5424 messages
 */
#include "compat.h"

#include <jansson.h>
#include <string.h>

#include "audit.h"
#include "errors.h"
#include "utctime.h"

static const char *const security_prefixes[] = {
    "auth.",    "account.", "apikey.", "access.", "approval.", "request.",
    "journal.", "alert.",   "canary.", "data.",   "service.",  NULL,
};

static bool has_prefix(struct bol_str s, const char *prefix)
{
    size_t n = strlen(prefix);

    return s.len >= n && !memcmp(s.p, prefix, n);
}

static bool str_is(struct bol_str s, const char *text)
{
    return s.len == strlen(text) && !memcmp(s.p, text, s.len);
}

/* exact, or a prefix when pattern ends in '*' */
static bool pattern_match(struct bol_str s, const char *pattern)
{
    size_t n = strlen(pattern);

    if (n && pattern[n - 1] == '*')
        return s.len >= n - 1 && !memcmp(s.p, pattern, n - 1);
    return str_is(s, pattern);
}

bool bol_audit_is_security(struct bol_str type)
{
    size_t i;

    for (i = 0; security_prefixes[i]; i++)
        if (has_prefix(type, security_prefixes[i]))
            return true;
    return false;
}

/* A string member of the payload's top level, or NULL; *o holds the parse. */
static const char *payload_string(const struct bol_entry *e, const char *name, json_t **o)
{
    if (!*o)
        *o = json_loadb(e->payload.p, e->payload.len, 0, NULL);
    return json_string_value(json_object_get(*o, name));
}

static bool is_failure(const struct bol_entry *e, json_t **o)
{
    const char *result;

    if (str_is(e->type, "request.refused") || str_is(e->type, "account.lockout"))
        return true;
    if (!str_is(e->type, "auth.login"))
        return false;
    result = payload_string(e, "result", o);
    return !result || strcmp(result, "ok") != 0;
}

bool bol_audit_is_failure(const struct bol_entry *e)
{
    json_t *o = NULL;
    bool yes = is_failure(e, &o);

    json_decref(o);
    return yes;
}

static bool user_match(const struct bol_entry *e, const char *user, json_t **o)
{
    const char *in_payload;

    if (has_prefix(e->actor, "user:") && e->actor.len - 5 == strlen(user) &&
        !memcmp(e->actor.p + 5, user, e->actor.len - 5))
        return true;
    /* {"user":...} in facts, {"account":{"user":...}} and {"grant":{"user":...}} in state events */
    in_payload = payload_string(e, "user", o);
    if (!in_payload)
        in_payload = json_string_value(json_object_get(json_object_get(*o, "account"), "user"));
    if (!in_payload)
        in_payload = json_string_value(json_object_get(json_object_get(*o, "grant"), "user"));
    return in_payload && !strcmp(in_payload, user);
}

bool bol_audit_match(const struct bol_audit_filter *f, const struct bol_entry *e)
{
    json_t *o = NULL;
    bool ok = true;

    if (f->since_us && e->at_us < f->since_us)
        return false;
    if (f->until_us && e->at_us >= f->until_us)
        return false;
    if (f->actor && !pattern_match(e->actor, f->actor))
        return false;
    if (f->addr && !str_is(e->addr, f->addr))
        return false;
    if (f->type && !pattern_match(e->type, f->type))
        return false;
    if (f->terminal && !str_is(e->terminal, f->terminal))
        return false;
    if (f->security && !bol_audit_is_security(e->type))
        return false;
    if (f->failures && !is_failure(e, &o))
        ok = false;
    if (ok && f->user && !user_match(e, f->user, &o))
        ok = false;
    json_decref(o);
    return ok;
}

enum bol_audit_severity bol_audit_severity(const struct bol_entry *e)
{
    if (bol_str_eq_cstr(e->type, "alert.raised") || bol_str_eq_cstr(e->type, "canary.tripped")) {
        json_t *o = NULL;
        const char *sev;
        enum bol_audit_severity r = BOL_SEV_ERR;

        if (!payload_string(e, "kind", &o)) {
            sev = json_string_value(json_object_get(json_object_get(o, "alert"), "severity"));
            if (sev && !strcmp(sev, "critical"))
                r = BOL_SEV_CRIT;
            else if (sev && !strcmp(sev, "medium"))
                r = BOL_SEV_WARNING;
            else if (sev && !strcmp(sev, "low"))
                r = BOL_SEV_NOTICE;
        }
        json_decref(o);
        return r;
    }
    if (bol_audit_is_failure(e))
        return BOL_SEV_WARNING;
    if (bol_audit_is_security(e->type))
        return BOL_SEV_NOTICE;
    return BOL_SEV_INFO;
}

/* PRINTUSASCII (33..126), as RFC 5424 asks of HOSTNAME, APP-NAME and MSGID. */
static bool printusascii(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char) s[i] < 33 || (unsigned char) s[i] > 126)
            return false;
    return true;
}

/* A PARAM-VALUE: '"', '\' and ']' are escaped with '\'. */
static int add_param(struct bol_buf *out, const char *v)
{
    int rc = 0;

    for (; *v && rc == 0; v++) {
        if (*v == '"' || *v == '\\' || *v == ']')
            rc = bol_buf_addch(out, '\\');
        if (rc == 0)
            rc = bol_buf_addch(out, *v);
    }
    return rc;
}

int bol_audit_syslog(const struct bol_entry *e, struct bol_str bytes, unsigned facility,
                     const char *host, const char *version, struct bol_buf *out,
                     struct bol_diag *diag)
{
    char at[BOL_TIME_TEXT_MAX];
    size_t msgid_len = BOL_MIN(e->type.len, (size_t) 32);
    unsigned pri;
    int rc;

    if (facility > 23)
        return bol_diag_fail(diag, BOL_E_INVAL, "facility", "a syslog facility is 0 to 23");
    if (!host || !host[0])
        host = "-";
    if (strlen(host) > 255 || !printusascii(host, strlen(host)))
        return bol_diag_fail(diag, BOL_E_INVAL, "host",
                             "a syslog host name is 1 to 255 printable ASCII characters");
    if (!printusascii(e->type.p, msgid_len))
        return bol_diag_fail(diag, BOL_E_INVAL, "type", "event type is not printable ASCII");
    if (!bol_time_format(e->at_us, 0, 6, at))
        return bol_diag_fail(diag, BOL_E_INVAL, "at", "entry time out of range");
    pri = facility * 8 + (unsigned) bol_audit_severity(e);
    rc = bol_buf_addf(out, "<%u>1 %s %s bollard - %.*s [origin software=\"bollard\" swVersion=\"",
                      pri, at, host, (int) msgid_len, e->type.p);
    if (rc == 0)
        rc = add_param(out, version ? version : "");
    if (rc == 0)
        rc = bol_buf_adds(out, "\"] \xef\xbb\xbf");
    if (rc == 0)
        rc = bol_buf_addstr(out, bytes);
    return rc < 0 ? bol_diag_fail(diag, rc, "entry", "message too large") : 0;
}
