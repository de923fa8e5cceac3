/* SPDX-License-Identifier: Apache-2.0 */
/*
 * secpolicy.c - the security policy file (secpolicy.h)
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "secpolicy.h"

#define bad(diag, path, ...) bol_diag_fail(diag, BOL_E_INVAL, path, __VA_ARGS__)

static int only(json_t *o, const char *const *keys, const char *path, struct bol_diag *diag)
{
    const char *k;
    json_t *v;

    if (!json_is_object(o))
        return bad(diag, path, "'%s' must be an object", path);
    json_object_foreach(o, k, v)
    {
        unsigned i;

        for (i = 0; keys[i] && strcmp(keys[i], k); i++)
            ;
        if (!keys[i]) {
            char at[160];

            snprintf(at, sizeof(at), "%s%s%s", path, path[0] ? "." : "", k);
            return bad(diag, at, "unknown setting '%s'", at);
        }
    }
    return 0;
}

static int uint_in(json_t *o, const char *key, unsigned lo, unsigned hi, unsigned *out,
                   const char *path, struct bol_diag *diag)
{
    json_t *v = json_object_get(o, key);
    char at[160];

    if (!v)
        return 0;
    snprintf(at, sizeof(at), "%s.%s", path, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return bol_diag_fail(diag, BOL_E_INVAL, at, "'%s' must be an integer %u..%u", at, lo, hi);
    *out = (unsigned) json_integer_value(v);
    return 0;
}

static int text(json_t *o, const char *key, char *out, size_t n, const char *path,
                struct bol_diag *diag)
{
    json_t *v = json_object_get(o, key);
    char at[160];

    if (!v)
        return 0;
    snprintf(at, sizeof(at), "%s.%s", path, key);
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= n ||
        strlen(json_string_value(v)) != json_string_length(v))
        return bol_diag_fail(diag, BOL_E_INVAL, at, "'%s' must be text of 1..%zu bytes", at, n - 1);
    snprintf(out, n, "%s", json_string_value(v));
    return 0;
}

/* ---- detect ---- */

static int detect_section(json_t *o, struct bol_detect_policy *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "off", "n", "window_s", NULL };
    const char *k;
    json_t *v;
    int r;

    if (!json_is_object(o))
        return bad(diag, "detect", "'%s' must be an object", "detect");
    json_object_foreach(o, k, v)
    {
        char path[96];
        unsigned i, n, w;
        json_t *off;

        for (i = 0; i < BOL_RULE_N && strcmp(bol_detect_rule_names[i], k); i++)
            ;
        snprintf(path, sizeof(path), "detect.%s", k);
        if (i == BOL_RULE_N)
            return bad(diag, path, "'%s' is not a detection rule", path);
        if ((r = only(v, keys, path, diag)) < 0)
            return r;
        off = json_object_get(v, "off");
        if (off && !json_is_boolean(off)) {
            char at[128];

            snprintf(at, sizeof(at), "%s.off", path);
            return bad(diag, at, "'%s' must be true or false", at);
        }
        p->rule[i].off = json_is_true(off);
        n = p->rule[i].n;
        w = (unsigned) (p->rule[i].window_us / 1000000);
        if ((r = uint_in(v, "n", 1, 1000000, &n, path, diag)) < 0 ||
            (r = uint_in(v, "window_s", 1, 7 * 86400, &w, path, diag)) < 0)
            return r;
        p->rule[i].n = n;
        p->rule[i].window_us = (int64_t) w * 1000000;
    }
    return 0;
}

/* ---- terminals ---- */

static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };

static int day_index(const char *s, size_t n)
{
    int i;

    for (i = 0; day_names[i]; i++)
        if (n == 3 && !memcmp(s, day_names[i], 3))
            return i;
    return -1;
}

/* "mon-fri", "sat,sun", "mon,wed-fri", "*". */
static int days(const char *s, uint8_t *out)
{
    uint8_t m = 0;

    if (!strcmp(s, "*")) {
        *out = 0x7f;
        return 0;
    }
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t) (comma - s) : strlen(s);
        int a, b;

        if (len == 7 && s[3] == '-') {
            a = day_index(s, 3);
            b = day_index(s + 4, 3);
        } else {
            a = b = day_index(s, len);
        }
        if (a < 0 || b < 0)
            return -1;
        for (;;) {
            m = (uint8_t) (m | 1u << a);
            if (a == b)
                break;
            a = (a + 1) % 7;
        }
        s += len;
        if (*s == ',' && *++s == '\0')
            return -1;
    }
    *out = m;
    return m ? 0 : -1;
}

static int hhmm(json_t *v, uint16_t *out)
{
    const char *s = json_string_value(v);
    unsigned h, m;

    if (!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' ||
        s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
        return -1;
    h = (unsigned) (s[0] - '0') * 10 + (unsigned) (s[1] - '0');
    m = (unsigned) (s[3] - '0') * 10 + (unsigned) (s[4] - '0');
    if (h > 24 || (h == 24 && m != 0))
        return -1;
    *out = (uint16_t) (h * 60 + m);
    return 0;
}

static int spans(json_t *a, const char *path, struct bol_weekspan *out, unsigned *n,
                 struct bol_diag *diag)
{
    static const char *const keys[] = { "days", "from", "to", NULL };
    size_t i;
    json_t *v;
    int r;

    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > BOL_SITE_SPANS_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, path, "'%s' must be a list of 1..%d spans", path,
                             BOL_SITE_SPANS_MAX);
    json_array_foreach(a, i, v)
    {
        char at[160], field[176];
        const char *d;

        snprintf(at, sizeof(at), "%s[%zu]", path, i);
        if ((r = only(v, keys, at, diag)) < 0)
            return r;
        d = json_string_value(json_object_get(v, "days"));
        snprintf(field, sizeof(field), "%s.days", at);
        if (!d || days(d, &out[i].days) < 0)
            return bad(diag, field, "'%s' must be days like \"mon-fri\", \"sat,sun\" or \"*\"",
                       field);
        snprintf(field, sizeof(field), "%s.from", at);
        if (hhmm(json_object_get(v, "from"), &out[i].from_min) < 0)
            return bad(diag, field, "'%s' must be a time \"HH:MM\" (00:00..24:00)", field);
        snprintf(field, sizeof(field), "%s.to", at);
        if (hhmm(json_object_get(v, "to"), &out[i].to_min) < 0)
            return bad(diag, field, "'%s' must be a time \"HH:MM\" (00:00..24:00)", field);
        if (out[i].from_min == out[i].to_min)
            return bad(diag, at, "'%s' is empty: from and to are the same time", at);
    }
    *n = (unsigned) json_array_size(a);
    return 0;
}

static int terminal_ok(const char *code)
{
    size_t i, n = strlen(code);

    if (!strcmp(code, "*"))
        return 1;
    if (n < 1 || n > 16)
        return 0;
    for (i = 0; i < n; i++)
        if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9') ||
              code[i] == '-' || code[i] == '_'))
            return 0;
    return 1;
}

static int terminals_section(json_t *o, bol_tz_resolver resolve, void *ctx,
                             struct bol_detect_policy *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "tz", "working_hours", "change_windows", NULL };
    const char *code;
    json_t *v;
    int r;

    if (!json_is_object(o))
        return bad(diag, "terminals", "'%s' must be an object", "terminals");
    if (json_object_size(o) > BOL_SITES_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "terminals", "at most %d terminals", BOL_SITES_MAX);
    json_object_foreach(o, code, v)
    {
        struct bol_site *s = &p->site[p->nsites];
        char path[96], at[128], rule[BOL_TZ_RULE_MAX];
        const char *tz;
        json_t *w;

        snprintf(path, sizeof(path), "terminals.%s", code);
        if (!terminal_ok(code))
            return bad(diag, path, "'%s' is not a terminal code or \"*\"", path);
        if ((r = only(v, keys, path, diag)) < 0)
            return r;
        memset(s, 0, sizeof(*s));
        snprintf(s->terminal, sizeof(s->terminal), "%s", code);
        tz = json_string_value(json_object_get(v, "tz"));
        snprintf(at, sizeof(at), "%s.tz", path);
        if (!tz || !tz[0] || strlen(tz) >= sizeof(s->tz_name))
            return bad(diag, at, "'%s' is required: an IANA zone such as \"Asia/Tokyo\"", at);
        snprintf(s->tz_name, sizeof(s->tz_name), "%s", tz);
        if (bol_tz_parse(bol_str_from(tz), &s->tz, NULL) < 0) {
            if (!resolve)
                return bad(diag, at, "'%s' is not a POSIX time zone rule", at);
            /* the resolver's and the rule's errors, named by the setting */
            if ((r = resolve(ctx, tz, rule, diag)) < 0)
                return bol_diag_wrap(diag, r, at);
            if (bol_tz_parse(bol_str_from(rule), &s->tz, diag) < 0)
                return bol_diag_wrap(diag, BOL_E_INVAL, at);
        }
        if ((w = json_object_get(v, "working_hours"))) {
            snprintf(at, sizeof(at), "%s.working_hours", path);
            if ((r = spans(w, at, s->work, &s->nwork, diag)) < 0)
                return r;
        }
        if ((w = json_object_get(v, "change_windows"))) {
            snprintf(at, sizeof(at), "%s.change_windows", path);
            if ((r = spans(w, at, s->change, &s->nchange, diag)) < 0)
                return r;
        }
        p->nsites++;
    }
    return 0;
}

/* ---- alerts ---- */

static bool url_ok(const char *u, const char *const *schemes)
{
    unsigned i;

    for (i = 0; schemes[i]; i++)
        if (!strncmp(u, schemes[i], strlen(schemes[i])) && u[strlen(schemes[i])])
            break;
    if (!schemes[i])
        return false;
    for (; *u; u++)
        if ((unsigned char) *u <= ' ' || (unsigned char) *u >= 0x7f)
            return false;
    return true;
}

static int alerts_section(json_t *o, struct bol_alert_policy *a, struct bol_diag *diag)
{
    static const char *const keys[] = { "syslog", "webhook", NULL };
    static const char *const skeys[] = { "url", "facility", "hostname", NULL };
    static const char *const wkeys[] = { "url", "secret_file", "attempts", "backoff_max_s", NULL };
    static const char *const sschemes[] = { "udp://", "tcp://", NULL };
    static const char *const wschemes[] = { "https://", "http://", NULL };
    json_t *s, *w;
    int r;

    if ((r = only(o, keys, "alerts", diag)) < 0)
        return r;
    if ((s = json_object_get(o, "syslog"))) {
        if ((r = only(s, skeys, "alerts.syslog", diag)) < 0 ||
            (r = text(s, "url", a->syslog_url, sizeof(a->syslog_url), "alerts.syslog", diag)) < 0 ||
            (r = uint_in(s, "facility", 0, 23, &a->facility, "alerts.syslog", diag)) < 0 ||
            (r = text(s, "hostname", a->hostname, sizeof(a->hostname), "alerts.syslog", diag)) < 0)
            return r;
        if (!url_ok(a->syslog_url, sschemes))
            return bad(diag, "alerts.syslog.url", "'%s' must be udp://HOST:PORT or tcp://HOST:PORT",
                       "alerts.syslog.url");
    }
    if ((w = json_object_get(o, "webhook"))) {
        if ((r = only(w, wkeys, "alerts.webhook", diag)) < 0 ||
            (r = text(w, "url", a->webhook_url, sizeof(a->webhook_url), "alerts.webhook", diag)) <
                0 ||
            (r = text(w, "secret_file", a->webhook_secret_file, sizeof(a->webhook_secret_file),
                      "alerts.webhook", diag)) < 0 ||
            (r = uint_in(w, "attempts", 1, 20, &a->webhook_attempts, "alerts.webhook", diag)) < 0 ||
            (r = uint_in(w, "backoff_max_s", 1, 3600, &a->webhook_backoff_max_s, "alerts.webhook",
                         diag)) < 0)
            return r;
        if (!url_ok(a->webhook_url, wschemes))
            return bad(diag, "alerts.webhook.url", "'%s' must be an http:// or https:// URL",
                       "alerts.webhook.url");
        if (!a->webhook_secret_file[0])
            return bad(diag, "alerts.webhook.secret_file",
                       "'%s' is required: webhooks are signed (HMAC-SHA256)",
                       "alerts.webhook.secret_file");
    }
    return 0;
}

void bol_security_policy_default(struct bol_security_policy *p)
{
    memset(p, 0, sizeof(*p));
    bol_detect_policy_default(&p->detect);
    p->alerts.facility = 13;
    p->alerts.webhook_attempts = 8;
    p->alerts.webhook_backoff_max_s = 300;
}

int bol_security_policy_from_json(json_t *root, bol_tz_resolver resolve, void *ctx,
                                  struct bol_security_policy *out, struct bol_diag *diag)
{
    static const char *const keys[] = {
        "detect", "terminals", "alerts", "inspect", "incident", NULL
    };
    json_t *v;
    int r;

    bol_security_policy_default(out);
    if (!json_is_object(root))
        return bol_diag_fail(diag, BOL_E_INVAL, "", "the security policy must be a JSON object");
    if ((r = only(root, keys, "", diag)) < 0)
        return r;
    if ((v = json_object_get(root, "detect")) && (r = detect_section(v, &out->detect, diag)) < 0)
        return r;
    if ((v = json_object_get(root, "terminals")) &&
        (r = terminals_section(v, resolve, ctx, &out->detect, diag)) < 0)
        return r;
    if ((v = json_object_get(root, "alerts")) && (r = alerts_section(v, &out->alerts, diag)) < 0)
        return r;
    out->inspect = json_object_get(root, "inspect");
    out->incident = json_object_get(root, "incident");
    return 0;
}
