/* SPDX-License-Identifier: Apache-2.0 */
/*
 * incident.c - incident documents, settings, the case folded from the
 * journal, and the evidence manifest's text
 *
 * Every value a document holds is checked to be in the one form its writer
 * produces (times with microseconds and "Z", lists without duplicates), so a
 * journaled payload says exactly one thing.  The manifest parser reads
 * files from disk and refuses anything the formatter would not write.
 */
#include "compat.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <string.h>

#include "entry.h"
#include "errors.h"
#include "incident.h"
#include "jsonv.h"
#include "utctime.h"

const char *const bol_incident_kinds[] = {
    "organization",    "industry", "impact",  "response", "interim",   "attack",
    "affected_system", "weakness", "malware", "address",  "technique", NULL,
};

const char *const bol_incident_severities[] = { "critical", "high", "medium", "low", NULL };

static const char *const statuses[] = { "open", "closed", NULL };
static const char *const audiences[] = { "sharing", "public", NULL };

int bol_incident_id_check(struct bol_str id, struct bol_diag *diag)
{
    size_t i;

    if (id.len == 0 || id.len > BOL_INCIDENT_ID_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "id", "an incident id is 1 to %d characters",
                             BOL_INCIDENT_ID_MAX);
    for (i = 0; i < id.len; i++) {
        char c = id.p[i];
        bool ok =
            bol_is_alpha(c) || bol_is_digit(c) || (i > 0 && (c == '.' || c == '_' || c == '-'));

        if (!ok)
            return bol_diag_fail(diag, BOL_E_INVAL, "id",
                                 "an incident id is letters, digits, '.', '_' and '-', starting "
                                 "with a letter or digit");
    }
    return 0;
}

void bol_incident_default_id(int64_t at_us, char out[BOL_INCIDENT_ID_MAX + 1])
{
    struct bol_civil c;

    if (bol_time_to_civil(at_us, 0, &c) < 0) {
        snprintf(out, BOL_INCIDENT_ID_MAX + 1, "INC-0");
        return;
    }
    snprintf(out, BOL_INCIDENT_ID_MAX + 1, "INC-%04d%02d%02d-%02d%02d%02d", c.year, c.month, c.day,
             c.hour, c.minute, c.second);
}

/* ---- field readers ---- */

/* A time in its canonical form (microseconds, "Z"), as jv_set_time writes it. */
static int time_field(json_t *o, const char *key, bool required, int64_t *ret,
                      struct bol_diag *diag)
{
    char t[BOL_TIME_TEXT_MAX];
    int64_t at = 0;
    const char *s;
    int r = jv_time(o, key, required, &at, diag);

    if (r < 0)
        return r;
    s = json_string_value(json_object_get(o, key));
    if (!s)
        return 0;
    if (!bol_time_format(at, 0, 6, t) || strcmp(t, s) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, key,
                             "'%s' must be written as YYYY-MM-DDTHH:MM:SS.ffffffZ", key);
    if (ret)
        *ret = at;
    return 0;
}

static int count_field(json_t *o, const char *key, int64_t max, int64_t *ret, struct bol_diag *diag)
{
    return jv_int(o, key, 0, max, true, ret, diag);
}

typedef int (*item_check_fn)(struct bol_str s, struct bol_diag *diag);

/* A list of unique texts, each checked. */
static int text_list(json_t *o, const char *key, size_t max_items, size_t max_len,
                     item_check_fn check, bool required, struct bol_diag *diag)
{
    json_t *a = NULL, *v, *w;
    size_t i, j;
    int r = jv_array(o, key, max_items, required, &a, diag);

    if (r < 0 || !a)
        return r;
    if (!required && json_array_size(a) == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' is left out rather than empty", key);
    json_array_foreach(a, i, v)
    {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);

        if (!s || n == 0 || n > max_len || memchr(s, '\0', n))
            return bol_diag_fail(diag, BOL_E_INVAL, key,
                                 "'%s' item %zu must be text of 1 to %zu bytes", key, i + 1,
                                 max_len);
        if (check && check(bol_str_make(s, n), diag) < 0)
            return bol_diag_wrap(diag, BOL_E_INVAL, key);
        for (j = 0; j < i; j++) {
            w = json_array_get(a, j);
            if (json_equal(v, w))
                return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' lists '%.64s' twice", key, s);
        }
    }
    return 0;
}

int bol_incident_addr_check(struct bol_str s, bool *ret_v6, struct bol_diag *diag)
{
    char t[64];
    unsigned char bin[16];

    if (s.len == 0 || s.len >= sizeof(t))
        return bol_diag_fail(diag, BOL_E_INVAL, "addr", "not an IPv4 or IPv6 address");
    memcpy(t, s.p, s.len);
    t[s.len] = '\0';
    if (inet_pton(AF_INET, t, bin) == 1) {
        if (ret_v6)
            *ret_v6 = false;
        return 0;
    }
    if (inet_pton(AF_INET6, t, bin) == 1) {
        if (ret_v6)
            *ret_v6 = true;
        return 0;
    }
    return bol_diag_fail(diag, BOL_E_INVAL, "addr", "'%.64s' is not an IPv4 or IPv6 address", t);
}

static int addr_item(struct bol_str s, struct bol_diag *diag)
{
    return bol_incident_addr_check(s, NULL, diag);
}

/* Lower-case hex of an MD5, SHA-1 or SHA-256 digest. */
static int hash_item(struct bol_str s, struct bol_diag *diag)
{
    size_t i;

    if (s.len != 32 && s.len != 40 && s.len != 64)
        return bol_diag_fail(diag, BOL_E_INVAL, "hash",
                             "a hash is the hex of an MD5, SHA-1 or SHA-256 digest");
    for (i = 0; i < s.len; i++) {
        if (!bol_is_digit(s.p[i]) && !(s.p[i] >= 'a' && s.p[i] <= 'f'))
            return bol_diag_fail(diag, BOL_E_INVAL, "hash", "a hash is written in lower-case hex");
    }
    return 0;
}

/* Printable ASCII, no quote or backslash: the name goes into STIX patterns as it is. */
static int account_item(struct bol_str s, struct bol_diag *diag)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        char c = s.p[i];

        if (c <= ' ' || c > '~' || c == '\'' || c == '"' || c == '\\')
            return bol_diag_fail(diag, BOL_E_INVAL, "account",
                                 "an account name is printable ASCII without spaces or quotes");
    }
    return 0;
}

static int alert_item(struct bol_str s, struct bol_diag *diag)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        char c = s.p[i];

        if (!bol_is_alpha(c) && !bol_is_digit(c) && c != '-' && c != '_' && c != '.' && c != ':')
            return bol_diag_fail(diag, BOL_E_INVAL, "alerts",
                                 "an alert id is letters, digits and '-', '_', '.', ':'");
    }
    return 0;
}

static int audience_item(struct bol_str s, struct bol_diag *diag)
{
    if (bol_str_eq_cstr(s, "sharing") || bol_str_eq_cstr(s, "public"))
        return 0;
    return bol_diag_fail(diag, BOL_E_INVAL, "disclose", "disclose to 'sharing' or 'public'");
}

static int terminal_item(json_t *o, struct bol_diag *diag)
{
    json_t *v = json_object_get(o, "terminal");
    const char *s = json_string_value(v);

    if (!s)
        return bol_diag_fail(diag, BOL_E_INVAL, "terminal", "'terminal' is a code or \"\"");
    if (!*s)
        return 0;
    if (bol_entry_check_terminal(bol_str_make(s, json_string_length(v)), diag) < 0)
        return bol_diag_wrap(diag, BOL_E_INVAL, "terminal");
    return 0;
}

/* ---- documents ---- */

int bol_incident_check(json_t *doc, struct bol_diag *diag)
{
    static const char *const keys[] = { "id",        "title",     "severity", "status",
                                        "opened_at", "terminal",  "alerts",   "notes",
                                        "freezes",   "closed_at", "summary",  NULL };
    struct bol_str id, text;
    unsigned sev, status;
    int64_t n, opened = 0, closed = 0;
    int r;

    if (!json_is_object(doc))
        return bol_diag_fail(diag, BOL_E_INVAL, "incident", "an incident is a JSON object");
    if ((r = jv_only(doc, keys, diag)) < 0 ||
        (r = jv_text(doc, "id", BOL_INCIDENT_ID_MAX, true, &id, diag)) < 0 ||
        (r = bol_incident_id_check(id, diag)) < 0 ||
        (r = jv_text(doc, "title", BOL_INCIDENT_TITLE_MAX, true, &text, diag)) < 0 ||
        (r = jv_enum(doc, "severity", bol_incident_severities, true, &sev, diag)) < 0 ||
        (r = jv_enum(doc, "status", statuses, true, &status, diag)) < 0 ||
        (r = time_field(doc, "opened_at", true, &opened, diag)) < 0 ||
        (r = terminal_item(doc, diag)) < 0 ||
        (r = text_list(doc, "alerts", BOL_INCIDENT_ALERTS_MAX, BOL_INCIDENT_ALERT_ID_MAX,
                       alert_item, true, diag)) < 0 ||
        (r = count_field(doc, "notes", BOL_INCIDENT_NOTES_MAX, &n, diag)) < 0 ||
        (r = count_field(doc, "freezes", BOL_INCIDENT_NOTES_MAX, &n, diag)) < 0 ||
        (r = time_field(doc, "closed_at", status == 1, &closed, diag)) < 0 ||
        (r = jv_text(doc, "summary", BOL_INCIDENT_TEXT_MAX, status == 1, &text, diag)) < 0)
        return r;
    if (status == 0 && (json_object_get(doc, "closed_at") || json_object_get(doc, "summary")))
        return bol_diag_fail(diag, BOL_E_INVAL, "status",
                             "an open incident has no closed_at or summary");
    if (status == 1 && closed < opened)
        return bol_diag_fail(diag, BOL_E_INVAL, "closed_at", "closed before it was opened");
    return 0;
}

int bol_incident_note_check(json_t *note, struct bol_diag *diag)
{
    static const char *const keys[] = { "n",     "at",     "noted_at", "kind",     "text",
                                        "addrs", "hashes", "accounts", "disclose", NULL };
    struct bol_str text;
    unsigned kind;
    int64_t n;
    int r;

    if (!json_is_object(note))
        return bol_diag_fail(diag, BOL_E_INVAL, "note", "a note is a JSON object");
    if ((r = jv_only(note, keys, diag)) < 0 ||
        (r = jv_int(note, "n", 1, BOL_INCIDENT_NOTES_MAX, true, &n, diag)) < 0 ||
        (r = time_field(note, "at", true, NULL, diag)) < 0 ||
        (r = time_field(note, "noted_at", true, NULL, diag)) < 0 ||
        (r = jv_enum(note, "kind", bol_incident_kinds, true, &kind, diag)) < 0 ||
        (r = jv_text(note, "text", BOL_INCIDENT_TEXT_MAX, true, &text, diag)) < 0 ||
        (r = text_list(note, "addrs", BOL_INCIDENT_IND_MAX, 45, addr_item, false, diag)) < 0 ||
        (r = text_list(note, "hashes", BOL_INCIDENT_IND_MAX, 64, hash_item, false, diag)) < 0 ||
        (r = text_list(note, "accounts", BOL_INCIDENT_IND_MAX, BOL_INCIDENT_ACCOUNT_MAX,
                       account_item, false, diag)) < 0 ||
        (r = text_list(note, "disclose", 2, 8, audience_item, false, diag)) < 0)
        return r;
    (void) audiences;
    return 0;
}

int bol_incident_freeze_check(json_t *freeze, struct bol_diag *diag)
{
    static const char *const keys[] = { "n",    "at", "manifest_sha256", "from", "to", "files",
                                        "path", NULL };
    struct bol_str h, path;
    int64_t n, from, to;
    int r;

    if (!json_is_object(freeze))
        return bol_diag_fail(diag, BOL_E_INVAL, "freeze", "a freeze is a JSON object");
    if ((r = jv_only(freeze, keys, diag)) < 0 ||
        (r = jv_int(freeze, "n", 1, BOL_INCIDENT_NOTES_MAX, true, &n, diag)) < 0 ||
        (r = time_field(freeze, "at", true, NULL, diag)) < 0 ||
        (r = jv_text(freeze, "manifest_sha256", 64, true, &h, diag)) < 0 ||
        (r = jv_int(freeze, "from", 1, INT64_MAX, true, &from, diag)) < 0 ||
        (r = jv_int(freeze, "to", 0, INT64_MAX, true, &to, diag)) < 0 ||
        (r = jv_int(freeze, "files", 1, BOL_EVIDENCE_FILES_MAX, true, &n, diag)) < 0 ||
        (r = jv_text(freeze, "path", 200, true, &path, diag)) < 0)
        return r;
    if (h.len != 64 || hash_item(h, diag) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "manifest_sha256",
                             "'manifest_sha256' is 64 lower-case hex digits");
    if (to != 0 && to < from)
        return bol_diag_fail(diag, BOL_E_INVAL, "to", "the range ends before it starts");
    if (bol_evidence_path_check(path, diag) < 0)
        return bol_diag_wrap(diag, BOL_E_INVAL, "path");
    return 0;
}

/* ---- settings ---- */

void bol_incident_policy_init(struct bol_incident_policy *p)
{
    memset(p, 0, sizeof(*p));
    p->lookback_us = 24LL * 3600 * 1000000;
}

int bol_incident_policy_from_json(json_t *section, struct bol_incident_policy *p,
                                  struct bol_diag *diag)
{
    static const char *const keys[] = { "organization", "industry", "size", "freeze_lookback_hours",
                                        NULL };
    struct bol_incident_policy q = *p;
    int64_t hours = 0;
    int r;

    if (!section)
        return 0;
    if (!json_is_object(section))
        return bol_diag_fail(diag, BOL_E_INVAL, "incident", "'incident' is a JSON object");
    if ((r = jv_only(section, keys, diag)) < 0 ||
        (r = jv_text_buf(section, "organization", q.organization, sizeof(q.organization), false,
                         diag)) < 0 ||
        (r = jv_text_buf(section, "industry", q.industry, sizeof(q.industry), false, diag)) < 0 ||
        (r = jv_text_buf(section, "size", q.size, sizeof(q.size), false, diag)) < 0 ||
        (r = jv_int(section, "freeze_lookback_hours", 1, 8760, false, &hours, diag)) < 0) {
        char field[BOL_DIAG_FIELD_MAX + 16], msg[BOL_DIAG_MSG_MAX];

        snprintf(field, sizeof(field), "incident.%s", diag ? diag->field : "?");
        snprintf(msg, sizeof(msg), "%s", diag ? diag->msg : "invalid");
        return bol_diag_fail(diag, r, field, "%s", msg);
    }
    if (hours)
        q.lookback_us = hours * 3600 * 1000000;
    *p = q;
    return 0;
}

static bool secret_key(const char *k)
{
    static const char *const words[] = { "secret", "password", "passwd",     "token",
                                         "hmac",   "private",  "credential", NULL };
    char low[128];
    size_t i, n = strlen(k);

    if (n >= sizeof(low))
        return true; /* a key that long is not ours to judge */
    for (i = 0; i < n; i++)
        low[i] = (char) (k[i] >= 'A' && k[i] <= 'Z' ? k[i] - 'A' + 'a' : k[i]);
    low[n] = '\0';
    for (i = 0; words[i]; i++) {
        if (strstr(low, words[i]))
            return true;
    }
    return n >= 3 && !strcmp(low + n - 3, "key");
}

json_t *bol_incident_redact(json_t *config)
{
    json_t *out, *v, *c;
    const char *k;
    size_t i;

    if (json_is_object(config)) {
        out = json_object();
        json_object_foreach(config, k, v)
        {
            c = secret_key(k) ? json_string("[redacted]") : bol_incident_redact(v);
            if (!out || !c || json_object_set_new(out, k, c) < 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    if (json_is_array(config)) {
        out = json_array();
        json_array_foreach(config, i, v)
        {
            c = bol_incident_redact(v);
            if (!out || !c || json_array_append_new(out, c) < 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    return json_deep_copy(config);
}

/* ---- the case ---- */

json_t *bol_incident_case_new(const char *id)
{
    return json_pack("{s:s,s:n,s:[],s:[],s:[],s:{},s:[],s:i}", "id", id, "incident", "notes",
                     "freezes", "timeline", "alerts", "undecodable", "undecodable_more", 0);
}

int bol_incident_case_skip(json_t *c, uint64_t seq, const char *why)
{
    json_t *list = json_object_get(c, "undecodable"), *o;
    json_int_t more = json_integer_value(json_object_get(c, "undecodable_more"));
    char text[201];
    size_t i;

    /* the message may quote the damaged bytes: printable ASCII only */
    snprintf(text, sizeof(text), "%s", why ? why : "");
    for (i = 0; text[i]; i++) {
        if ((unsigned char) text[i] < 0x20 || (unsigned char) text[i] > 0x7e)
            text[i] = '?';
    }
    if (!json_is_array(list))
        return BOL_E_INVAL;
    if (json_array_size(list) >= BOL_INCIDENT_UNDECODABLE_MAX)
        return json_object_set_new(c, "undecodable_more", json_integer(more + 1)) < 0 ? BOL_E_NOMEM
                                                                                      : 0;
    o = json_pack("{s:I,s:s}", "seq", (json_int_t) seq, "why", text);
    if (!o || json_array_append_new(list, o) < 0)
        return BOL_E_NOMEM;
    return 0;
}

static bool type_is(const struct bol_entry *e, const char *t)
{
    return bol_str_eq_cstr(e->type, t);
}

static int corrupt(const struct bol_entry *e, struct bol_diag *diag)
{
    return bol_diag_fail(diag, BOL_E_CORRUPT, "payload", "entry %" PRIu64 ": %.*s payload %s",
                         e->seq, (int) BOL_MIN(e->type.len, 64u), e->type.p,
                         "does not have the fields this build expects");
}

static int add_alert(json_t *c, const struct bol_entry *e, json_t *p, struct bol_diag *diag)
{
    json_t *a = json_object_get(p, "alert");
    const char *id = json_string_value(json_object_get(a, "id"));

    if (!json_is_object(a) || !id)
        return corrupt(e, diag);
    if (json_object_set(json_object_get(c, "alerts"), id, a) < 0)
        return BOL_E_NOMEM;
    return 0;
}

/* A note or freeze into the case, with who wrote it (the entry's actor). */
static int add_with_actor(json_t *c, const char *list, json_t *o, const struct bol_entry *e,
                          struct bol_diag *diag)
{
    json_t *copy;

    if (!json_is_object(o))
        return corrupt(e, diag);
    copy = json_deep_copy(o);
    if (!copy || json_object_set_new(copy, "by", json_stringn(e->actor.p, e->actor.len)) < 0 ||
        json_array_append_new(json_object_get(c, list), copy) < 0) {
        json_decref(copy);
        return BOL_E_NOMEM;
    }
    return 0;
}

int bol_incident_case_add(json_t *c, const struct bol_entry *e, struct bol_diag *diag)
{
    const char *want = json_string_value(json_object_get(c, "id"));
    json_error_t je;
    json_t *p, *inc, *ev;
    char at[BOL_TIME_TEXT_MAX];
    int r = 0;

    if (!want)
        return bol_diag_fail(diag, BOL_E_INVAL, "case", "not an incident case");
    if (!bol_str_starts_with(e->type, "incident.") && !type_is(e, "alert.raised") &&
        !type_is(e, "alert.acknowledged"))
        return 0;
    p = json_loadb(e->payload.p, e->payload.len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(p)) {
        json_decref(p);
        return corrupt(e, diag);
    }
    if (!bol_str_starts_with(e->type, "incident.")) {
        r = add_alert(c, e, p, diag);
        json_decref(p);
        return r;
    }
    inc = json_object_get(p, "incident");
    if (!json_is_object(inc)) {
        json_decref(p);
        return corrupt(e, diag);
    }
    if (!json_string_value(json_object_get(inc, "id")) ||
        strcmp(json_string_value(json_object_get(inc, "id")), want) != 0) {
        json_decref(p);
        return 0;
    }
    if (json_object_set(c, "incident", inc) < 0)
        r = BOL_E_NOMEM;
    if (r == 0 && type_is(e, "incident.noted"))
        r = add_with_actor(c, "notes", json_object_get(p, "note"), e, diag);
    if (r == 0 && type_is(e, "incident.frozen"))
        r = add_with_actor(c, "freezes", json_object_get(p, "freeze"), e, diag);
    if (r == 0) {
        if (!bol_time_format(e->at_us, 0, 6, at))
            snprintf(at, sizeof(at), "?");
        ev = json_pack("{s:I,s:s,s:s%,s:s%}", "seq", (json_int_t) e->seq, "at", at, "type",
                       e->type.p, e->type.len, "by", e->actor.p, e->actor.len);
        if (!ev || json_array_append_new(json_object_get(c, "timeline"), ev) < 0)
            r = BOL_E_NOMEM;
    }
    json_decref(p);
    return r;
}

/* ---- the evidence manifest ---- */

#define MANIFEST_MAGIC "bollard incident evidence v1"

int bol_evidence_path_check(struct bol_str path, struct bol_diag *diag)
{
    size_t i;

    if (path.len == 0 || path.len > BOL_EVIDENCE_PATH_MAX || path.p[0] == '/' || path.p[0] == '.' ||
        path.p[path.len - 1] == '/')
        return bol_diag_fail(diag, BOL_E_INVAL, "path",
                             "an evidence path is 1 to %d bytes, relative, not hidden",
                             BOL_EVIDENCE_PATH_MAX);
    for (i = 0; i < path.len; i++) {
        char c = path.p[i];

        if (!(c >= 'a' && c <= 'z') && !bol_is_digit(c) && !(c >= 'A' && c <= 'Z') && c != '.' &&
            c != '_' && c != '-' && c != '/')
            return bol_diag_fail(diag, BOL_E_INVAL, "path",
                                 "an evidence path is letters, digits, '.', '_', '-' and '/'");
        if (c == '/' && (path.p[i + 1] == '/' || path.p[i + 1] == '.'))
            return bol_diag_fail(diag, BOL_E_INVAL, "path",
                                 "an evidence path has no empty or hidden parts");
    }
    return 0;
}

static void hex32(const uint8_t d[32], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < 32; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

int bol_evidence_manifest_format(const struct bol_evidence_manifest *m, struct bol_buf *out,
                                 struct bol_diag *diag)
{
    char at[BOL_TIME_TEXT_MAX], h[65];
    unsigned i, j;
    int r;

    if (bol_incident_id_check(bol_str_from(m->incident), diag) < 0 || m->freeze == 0 ||
        !m->origin[0] || strchr(m->origin, ' ') || strchr(m->origin, '\n'))
        return bol_diag_fail(diag, BOL_E_INVAL, "manifest", "incomplete manifest header");
    if (!bol_time_format(m->taken_us, 0, 6, at))
        return bol_diag_fail(diag, BOL_E_INVAL, "taken", "time out of range");
    if (m->nfiles == 0 || m->nfiles > BOL_EVIDENCE_FILES_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "files", "a manifest names 1 to %d files",
                             BOL_EVIDENCE_FILES_MAX);
    r = bol_buf_addf(out,
                     MANIFEST_MAGIC "\nincident %s\nfreeze %u\norigin %s\ntaken %s\nrange %" PRIu64
                                    " %" PRIu64 "\n",
                     m->incident, m->freeze, m->origin, at, m->from_seq, m->to_seq);
    if (m->nundecodable > BOL_INCIDENT_UNDECODABLE_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "undecodable",
                             "a manifest names at most %d undecodable entries",
                             BOL_INCIDENT_UNDECODABLE_MAX);
    for (i = 0; i < m->nundecodable && r == 0; i++) {
        uint64_t q = m->undecodable[i];

        if (q < m->from_seq || q > m->to_seq || (i > 0 && q <= m->undecodable[i - 1]))
            return bol_diag_fail(diag, BOL_E_INVAL, "undecodable",
                                 "entry %" PRIu64 " is out of order or outside the range", q);
        r = bol_buf_addf(out, "undecodable %" PRIu64 "\n", q);
    }
    for (i = 0; i < m->nfiles && r == 0; i++) {
        const struct bol_evidence_file *f = &m->files[i];

        if (bol_evidence_path_check(bol_str_from(f->path), diag) < 0)
            return bol_diag_wrap(diag, BOL_E_INVAL, "files");
        if (i > 0 && f->at_us < m->files[i - 1].at_us)
            return bol_diag_fail(diag, BOL_E_INVAL, "files", "'%s' is out of time order", f->path);
        for (j = 0; j < i; j++) {
            if (!strcmp(m->files[j].path, f->path))
                return bol_diag_fail(diag, BOL_E_INVAL, "files", "'%s' is named twice", f->path);
        }
        if (!bol_time_format(f->at_us, 0, 6, at))
            return bol_diag_fail(diag, BOL_E_INVAL, "files", "time out of range");
        hex32(f->sha256, h);
        r = bol_buf_addf(out, "file %s %s %" PRIu64 " %s\n", at, h, f->size, f->path);
    }
    return r;
}

static int line_fail(struct bol_diag *diag, uint32_t line, const char *what, const char *why)
{
    int r = bol_diag_fail(diag, BOL_E_PARSE, "manifest", "line %u: %s%s%s", line, what,
                          *what ? ": " : "", why);

    if (diag)
        diag->line = line;
    return r;
}

/* "word value": the value after the expected word and one space. */
static bool take_word(struct bol_str line, const char *word, struct bol_str *rest)
{
    size_t n = strlen(word);

    if (line.len <= n + 1 || memcmp(line.p, word, n) != 0 || line.p[n] != ' ')
        return false;
    *rest = bol_str_make(line.p + n + 1, line.len - n - 1);
    return rest->len > 0;
}

static bool parse_u64(struct bol_str s, uint64_t *ret)
{
    /* canonical: no sign, no leading zero */
    if (s.len == 0 || s.len > 20 || (s.len > 1 && s.p[0] == '0'))
        return false;
    return bol_str_to_u64(s, ret) == 0;
}

static bool parse_time(struct bol_str s, int64_t *ret)
{
    char t[BOL_TIME_TEXT_MAX];
    int64_t at;

    if (bol_time_parse(s, &at, NULL) < 0 || !bol_time_format(at, 0, 6, t) || !bol_str_eq_cstr(s, t))
        return false;
    *ret = at;
    return true;
}

static bool parse_hex32(struct bol_str s, uint8_t out[32])
{
    size_t i;

    if (s.len != 64 || hash_item(s, NULL) < 0)
        return false;
    for (i = 0; i < 32; i++) {
        int hi = bol_is_digit(s.p[2 * i]) ? s.p[2 * i] - '0' : s.p[2 * i] - 'a' + 10;
        int lo = bol_is_digit(s.p[2 * i + 1]) ? s.p[2 * i + 1] - '0' : s.p[2 * i + 1] - 'a' + 10;

        out[i] = (uint8_t) (hi * 16 + lo);
    }
    return true;
}

static int parse_file_line(struct bol_str rest, struct bol_evidence_manifest *m, uint32_t ln,
                           struct bol_diag *diag)
{
    struct bol_evidence_file *f;
    struct bol_str at, h, size, path;
    unsigned j;

    if (m->nfiles == BOL_EVIDENCE_FILES_MAX)
        return line_fail(diag, ln, "file", "more than 64 files");
    f = &m->files[m->nfiles];
    if (!bol_str_next_token(&rest, ' ', &at) || !bol_str_next_token(&rest, ' ', &h) ||
        !bol_str_next_token(&rest, ' ', &size))
        return line_fail(diag, ln, "file", "expected 'file TIME SHA256 SIZE PATH'");
    path = rest;
    if (!parse_time(at, &f->at_us))
        return line_fail(diag, ln, "file", "bad capture time");
    if (!parse_hex32(h, f->sha256))
        return line_fail(diag, ln, "file", "bad SHA-256");
    if (!parse_u64(size, &f->size))
        return line_fail(diag, ln, "file", "bad size");
    if (bol_evidence_path_check(path, NULL) < 0 || bol_str_copy(path, f->path, sizeof(f->path)) < 0)
        return line_fail(diag, ln, "file", "bad path");
    if (m->nfiles > 0 && f->at_us < m->files[m->nfiles - 1].at_us)
        return line_fail(diag, ln, "file", "out of time order");
    for (j = 0; j < m->nfiles; j++) {
        if (!strcmp(m->files[j].path, f->path))
            return line_fail(diag, ln, "file", "path named twice");
    }
    m->nfiles++;
    return 0;
}

int bol_evidence_manifest_parse(struct bol_str text, struct bol_evidence_manifest *out,
                                struct bol_diag *diag)
{
    static const char *const heads[] = { "incident", "freeze", "origin", "taken", "range" };
    struct bol_evidence_manifest *m = out;
    struct bol_str cur = text, line, rest, a;
    uint64_t u;
    uint32_t ln = 0;
    int r;

    memset(m, 0, sizeof(*m));
    if (text.len < 2 || text.p[text.len - 1] != '\n' || text.p[text.len - 2] == '\n')
        return line_fail(diag, 0, "", "the manifest does not end in one newline");
    cur.len--; /* the final newline ends the last line */
    while (bol_str_next_token(&cur, '\n', &line)) {
        ln++;
        if (ln == 1) {
            if (!bol_str_eq_cstr(line, MANIFEST_MAGIC))
                return line_fail(diag, ln, "", "not a manifest: expected '" MANIFEST_MAGIC "'");
            continue;
        }
        if (ln <= 6) {
            if (!take_word(line, heads[ln - 2], &rest))
                return line_fail(diag, ln, heads[ln - 2], "expected here");
            switch (ln) {
            case 2:
                if (bol_incident_id_check(rest, NULL) < 0 ||
                    bol_str_copy(rest, m->incident, sizeof(m->incident)) < 0)
                    return line_fail(diag, ln, "incident", "bad incident id");
                break;
            case 3:
                if (!parse_u64(rest, &u) || u == 0 || u > UINT32_MAX)
                    return line_fail(diag, ln, "freeze", "bad number");
                m->freeze = (uint32_t) u;
                break;
            case 4:
                if (memchr(rest.p, ' ', rest.len) ||
                    bol_str_copy(rest, m->origin, sizeof(m->origin)) < 0)
                    return line_fail(diag, ln, "origin", "bad origin");
                break;
            case 5:
                if (!parse_time(rest, &m->taken_us))
                    return line_fail(diag, ln, "taken", "bad time");
                break;
            default:
                if (!bol_str_next_token(&rest, ' ', &a) || !parse_u64(a, &m->from_seq) ||
                    !parse_u64(rest, &m->to_seq) || m->from_seq == 0 ||
                    (m->to_seq && m->to_seq < m->from_seq))
                    return line_fail(diag, ln, "range", "expected 'range FROM TO'");
                break;
            }
            continue;
        }
        if (m->nfiles == 0 && take_word(line, "undecodable", &rest)) {
            if (!parse_u64(rest, &u) || u < m->from_seq || u > m->to_seq ||
                (m->nundecodable > 0 && u <= m->undecodable[m->nundecodable - 1]))
                return line_fail(diag, ln, "undecodable",
                                 "expected an entry of the range, after the one before");
            if (m->nundecodable == BOL_INCIDENT_UNDECODABLE_MAX)
                return line_fail(diag, ln, "undecodable", "too many entries");
            m->undecodable[m->nundecodable++] = u;
            continue;
        }
        if (!take_word(line, "file", &rest))
            return line_fail(diag, ln, "",
                             "unexpected line; expected 'file TIME SHA256 SIZE PATH'");
        r = parse_file_line(rest, m, ln, diag);
        if (r < 0)
            return r;
    }
    if (ln < 6 || m->nfiles == 0)
        return line_fail(diag, ln, "", "the manifest ends early");
    return 0;
}
