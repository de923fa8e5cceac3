/* SPDX-License-Identifier: Apache-2.0 */
/*
 * events.c - the event registry: schema versions, upcasting, application
 *
 * To add an event type: write its check and apply functions, add a row to
 * events[], and declare any new state table in tables[].  To change a
 * payload's schema: raise the row's version and append an upcast function
 * that turns the previous version's payload into the new one; never edit an
 * existing upcast, since journals written with it must keep replaying.
 */
#include "compat.h"

#include <jansson.h>

#include "errors.h"
#include "events.h"
#include "locode.h"
#include "mem.h"
#include "sha256.h"
#include "yard_addr.h"

/* ---- state tables ---- */

static const struct bol_column terminal_cols[] = {
    { "code", BOL_V_TEXT, false },       { "name", BOL_V_TEXT, false },
    { "timezone", BOL_V_TEXT, false },   { "unlocode", BOL_V_TEXT, false },
    { "defined_seq", BOL_V_INT, false },
};
static const struct bol_table terminal_table = { "terminal", terminal_cols, 5, 1 };

static const struct bol_column line_cols[] = {
    { "code", BOL_V_TEXT, false },
    { "name", BOL_V_TEXT, false },
    { "scac", BOL_V_TEXT, true },
    { "defined_seq", BOL_V_INT, false },
};
static const struct bol_table line_table = { "line", line_cols, 4, 1 };

static const struct bol_table *const tables[] = { &terminal_table, &line_table };

const struct bol_table *const *bol_state_tables(size_t *ret_n)
{
    *ret_n = BOL_ARRAY_SIZE(tables);
    return tables;
}

void bol_state_fingerprint(char out[65])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t h[BOL_SHA256_LEN];
    struct bol_span parts[64];
    size_t n = 0, t, c, i;
    char types[BOL_ARRAY_SIZE(tables)][16][4];

    for (t = 0; t < BOL_ARRAY_SIZE(tables) && n + 2 < BOL_ARRAY_SIZE(parts); t++) {
        parts[n++] = (struct bol_span){ tables[t]->name, strlen(tables[t]->name) + 1 };
        for (c = 0; c < tables[t]->ncols && c < 16 && n + 2 < BOL_ARRAY_SIZE(parts); c++) {
            const struct bol_column *col = &tables[t]->cols[c];

            types[t][c][0] = (char) ('0' + col->type);
            types[t][c][1] = col->nullable ? 'n' : 'N';
            types[t][c][2] = c < tables[t]->nkey ? 'k' : '-';
            types[t][c][3] = '\0';
            parts[n++] = (struct bol_span){ col->name, strlen(col->name) + 1 };
            parts[n++] = (struct bol_span){ types[t][c], 4 };
        }
    }
    bol_sha256_parts(parts, n, h);
    for (i = 0; i < BOL_SHA256_LEN; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[64] = '\0';
}

/* ---- payload helpers ---- */

static int text_field(json_t *o, const char *key, size_t max, bool required, struct bol_str *ret,
                      struct bol_diag *diag)
{
    json_t *v = json_object_get(o, key);
    const char *s;
    size_t n;

    if (!v) {
        if (!required) {
            *ret = bol_str_make(NULL, 0);
            return 0;
        }
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' is required", key);
    }
    if (!json_is_string(v))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be a string", key);
    s = json_string_value(v);
    n = json_string_length(v);
    if (!n || n > max || memchr(s, '\0', n))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be 1 to %zu bytes of text", key,
                             max);
    *ret = bol_str_make(s, n);
    return 0;
}

/* Every key of o must be in the NULL-terminated list. */
static int only_keys(json_t *o, const char *const *keys, struct bol_diag *diag)
{
    const char *k;
    json_t *v;

    json_object_foreach(o, k, v)
    {
        size_t i;
        bool known = false;

        (void) v;
        for (i = 0; keys[i]; i++)
            known = known || !strcmp(k, keys[i]);
        if (!known)
            return bol_diag_fail(diag, BOL_E_INVAL, k, "unknown field '%s'", k);
    }
    return 0;
}

/* ---- journal.genesis: the first entry of every journal ---- */

static int genesis_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "origin", "key", NULL };
    struct bol_str s;
    int r;

    if ((r = only_keys(p, keys, diag)) < 0 ||
        (r = text_field(p, "origin", 128, true, &s, diag)) < 0 ||
        (r = text_field(p, "key", 256, true, &s, diag)) < 0)
        return r;
    return 0;
}

static int genesis_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         struct bol_diag *diag)
{
    (void) e;
    (void) sink;
    return genesis_check(p, diag);
}

/* ---- terminal.defined ---- */

static int tz_check(struct bol_str tz, struct bol_diag *diag)
{
    size_t i;

    for (i = 0; i < tz.len; i++) {
        char c = tz.p[i];

        if (!bol_is_alpha(c) && !bol_is_digit(c) && !strchr("_/+-", c))
            return bol_diag_fail(diag, BOL_E_INVAL, "timezone",
                                 "'timezone' must be an IANA zone name such as Asia/Tokyo");
    }
    return 0;
}

static int terminal_fields(json_t *p, struct bol_str *code, struct bol_str *name,
                           struct bol_str *tz, struct bol_str *loc, struct bol_diag *diag)
{
    static const char *const keys[] = { "code", "name", "timezone", "unlocode", NULL };
    struct bol_locode l;
    int r;

    if ((r = only_keys(p, keys, diag)) < 0 ||
        (r = text_field(p, "code", 8, true, code, diag)) < 0 ||
        (r = text_field(p, "name", 128, true, name, diag)) < 0 ||
        (r = text_field(p, "timezone", 64, true, tz, diag)) < 0 ||
        (r = text_field(p, "unlocode", 5, true, loc, diag)) < 0)
        return r;
    if ((r = bol_terminal_code_check(*code, diag)) < 0 || (r = tz_check(*tz, diag)) < 0)
        return r;
    if (bol_locode_parse(*loc, &l, diag) < 0 || !bol_str_eq_cstr(*loc, l.s))
        return bol_diag_fail(diag, BOL_E_INVAL, "unlocode",
                             "'unlocode' must be a normalised UN/LOCODE");
    for (size_t i = 0; i < code->len; i++) {
        if (bol_to_upper(code->p[i]) != code->p[i])
            return bol_diag_fail(diag, BOL_E_INVAL, "code", "'code' must be upper case");
    }
    return 0;
}

static int terminal_check(json_t *p, struct bol_diag *diag)
{
    struct bol_str code, name, tz, loc;

    return terminal_fields(p, &code, &name, &tz, &loc, diag);
}

/* Version 1 had no time zone: such terminals are taken as keeping UTC. */
static int terminal_v1_to_v2(json_t *p, struct bol_diag *diag)
{
    if (json_object_get(p, "timezone"))
        return bol_diag_fail(diag, BOL_E_CORRUPT, "timezone", "version 1 has no 'timezone'");
    return json_object_set_new(p, "timezone", json_string("UTC")) == 0 ? 0 : BOL_E_NOMEM;
}

static int terminal_apply(const struct bol_entry *e, json_t *p,
                          const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct bol_str code, name, tz, loc;
    struct bol_value row[5];
    int r;

    r = terminal_fields(p, &code, &name, &tz, &loc, diag);
    if (r < 0)
        return r;
    row[0] = BOL_VAL_TEXT(code);
    row[1] = BOL_VAL_TEXT(name);
    row[2] = BOL_VAL_TEXT(tz);
    row[3] = BOL_VAL_TEXT(loc);
    row[4] = BOL_VAL_INT(e->seq);
    return sink->put(sink->ctx, &terminal_table, row);
}

/* ---- line.defined: a shipping line (SMDG liner code) ---- */

static int line_fields(json_t *p, struct bol_str *code, struct bol_str *name, struct bol_str *scac,
                       struct bol_diag *diag)
{
    static const char *const keys[] = { "code", "name", "scac", NULL };
    size_t i;
    int r;

    if ((r = only_keys(p, keys, diag)) < 0 ||
        (r = text_field(p, "code", 3, true, code, diag)) < 0 ||
        (r = text_field(p, "name", 128, true, name, diag)) < 0 ||
        (r = text_field(p, "scac", 4, false, scac, diag)) < 0)
        return r;
    for (i = 0; i < code->len; i++) {
        if (!bol_is_upper(code->p[i]) && !bol_is_digit(code->p[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "code",
                                 "'code' must be an SMDG liner code (A-Z, 0-9)");
    }
    if (scac->len && scac->len < 2)
        return bol_diag_fail(diag, BOL_E_INVAL, "scac", "'scac' must be 2 to 4 letters");
    for (i = 0; i < scac->len; i++) {
        if (!bol_is_upper(scac->p[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "scac", "'scac' must be 2 to 4 letters");
    }
    return 0;
}

static int line_check(json_t *p, struct bol_diag *diag)
{
    struct bol_str code, name, scac;

    return line_fields(p, &code, &name, &scac, diag);
}

static int line_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                      struct bol_diag *diag)
{
    struct bol_str code, name, scac;
    struct bol_value row[4];
    int r;

    r = line_fields(p, &code, &name, &scac, diag);
    if (r < 0)
        return r;
    row[0] = BOL_VAL_TEXT(code);
    row[1] = BOL_VAL_TEXT(name);
    row[2] = scac.len ? BOL_VAL_TEXT(scac) : BOL_VAL_NULL;
    row[3] = BOL_VAL_INT(e->seq);
    return sink->put(sink->ctx, &line_table, row);
}

/* ---- the registry ---- */

typedef int (*upcast_fn)(json_t *payload, struct bol_diag *diag);

struct event_def {
    const char *type;
    uint32_t version;
    const upcast_fn *upcasts; /* upcasts[v - 1] turns version v into v + 1 */
    int (*check)(json_t *payload, struct bol_diag *diag);
    int (*apply)(const struct bol_entry *e, json_t *payload, const struct bol_mutation_sink *sink,
                 struct bol_diag *diag);
};

static const upcast_fn terminal_upcasts[] = { terminal_v1_to_v2 };

static const struct event_def events[] = {
    { "journal.genesis", 1, NULL, genesis_check, genesis_apply },
    { "line.defined", 1, NULL, line_check, line_apply },
    { "terminal.defined", 2, terminal_upcasts, terminal_check, terminal_apply },
};

static const struct event_def *find(struct bol_str type)
{
    size_t i;

    for (i = 0; i < BOL_ARRAY_SIZE(events); i++) {
        if (bol_str_eq_cstr(type, events[i].type))
            return &events[i];
    }
    return NULL;
}

uint32_t bol_event_version(struct bol_str type)
{
    const struct event_def *d = find(type);

    return d ? d->version : 0;
}

static int load_payload(struct bol_str payload, json_t **ret, struct bol_diag *diag)
{
    json_error_t err;
    json_t *j = json_loadb(payload.p, payload.len, JSON_REJECT_DUPLICATES, &err);

    if (!j || !json_is_object(j)) {
        json_decref(j);
        return bol_diag_fail(diag, BOL_E_CORRUPT, "payload", "payload is not a JSON object: %s",
                             j ? "not an object" : err.text);
    }
    *ret = j;
    return 0;
}

/* Parse a new payload and check it against the current schema; *ret owns the JSON. */
static int check_new(const struct event_def **ret_def, struct bol_str type, uint32_t ver,
                     struct bol_str payload, json_t **ret, struct bol_diag *diag)
{
    const struct event_def *d = find(type);
    json_t *j;
    int r;

    if (!d)
        return bol_diag_fail(diag, BOL_E_INVAL, "type", "unknown event type '%.*s'",
                             (int) BOL_MIN(type.len, 64u), type.p);
    if (ver != d->version)
        return bol_diag_fail(diag, BOL_E_INVAL, "ver", "'%s' is at version %u, not %u", d->type,
                             d->version, ver);
    r = load_payload(payload, &j, diag);
    if (r < 0)
        return BOL_E_INVAL;
    if (!bol_json_is_canonical(j, payload)) {
        json_decref(j);
        return bol_diag_fail(diag, BOL_E_INVAL, "payload",
                             "payload is not canonical JSON (sorted keys, no spaces, integers "
                             "only)");
    }
    r = d->check(j, diag);
    if (r < 0) {
        json_decref(j);
        return r;
    }
    *ret_def = d;
    *ret = j;
    return 0;
}

int bol_event_check(struct bol_str type, uint32_t ver, struct bol_str payload,
                    struct bol_diag *diag)
{
    const struct event_def *d;
    json_t *j;
    int r = check_new(&d, type, ver, payload, &j, diag);

    if (r == 0)
        json_decref(j);
    return r;
}

struct bol_event_prep {
    const struct event_def *def;
    json_t *json;
    uint32_t ver;
    struct bol_str type;
    struct bol_str payload;
};

int bol_event_prepare(struct bol_str type, uint32_t ver, struct bol_str payload,
                      struct bol_event_prep **ret, struct bol_diag *diag)
{
    struct bol_event_prep *p;
    const struct event_def *d;
    json_t *j;
    int r = check_new(&d, type, ver, payload, &j, diag);

    if (r < 0)
        return r;
    p = bol_malloc(sizeof(*p));
    if (!p) {
        json_decref(j);
        return bol_diag_fail(diag, BOL_E_NOMEM, "event", "out of memory");
    }
    p->def = d;
    p->json = j;
    p->ver = ver;
    p->type = type;
    p->payload = payload;
    *ret = p;
    return 0;
}

bool bol_event_prep_matches(const struct bol_event_prep *p, struct bol_str type, uint32_t ver,
                            struct bol_str payload)
{
    /* The very same bytes: a prepared check says nothing about a copy that may differ. */
    return p && p->ver == ver && p->type.p == type.p && p->type.len == type.len &&
           p->payload.p == payload.p && p->payload.len == payload.len;
}

int bol_event_apply_prepared(const struct bol_event_prep *p, const struct bol_entry *e,
                             const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    if (!bol_event_prep_matches(p, e->type, e->ver, e->payload))
        return bol_diag_fail(diag, BOL_E_INTERNAL, "event",
                             "prepared event does not match the entry");
    return p->def->apply(e, p->json, sink, diag);
}

void bol_event_prep_free(struct bol_event_prep *p)
{
    if (!p)
        return;
    json_decref(p->json);
    bol_free(p);
}

int bol_event_check_apply(const struct bol_entry *e, const struct bol_mutation_sink *sink,
                          struct bol_diag *diag)
{
    const struct event_def *d;
    json_t *j;
    int r = check_new(&d, e->type, e->ver, e->payload, &j, diag);

    if (r < 0)
        return r;
    r = d->apply(e, j, sink, diag);
    json_decref(j);
    return r;
}

int bol_event_apply(const struct bol_entry *e, const struct bol_mutation_sink *sink,
                    struct bol_diag *diag)
{
    const struct event_def *d = find(e->type);
    json_t *j;
    uint32_t v;
    int r;

    if (!d)
        return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "type",
                             "entry %" PRIu64 ": unknown event type '%.*s' (written by a newer "
                             "bollard?)",
                             e->seq, (int) BOL_MIN(e->type.len, 64u), e->type.p);
    if (e->ver > d->version)
        return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "ver",
                             "entry %" PRIu64 ": '%s' version %u is newer than this build's %u",
                             e->seq, d->type, e->ver, d->version);
    r = load_payload(e->payload, &j, diag);
    if (r < 0)
        return r;
    for (v = e->ver; v < d->version && r == 0; v++)
        r = d->upcasts[v - 1](j, diag);
    if (r == 0)
        r = d->apply(e, j, sink, diag);
    json_decref(j);
    if (r == BOL_E_INVAL) {
        /* A journaled payload that fails its own schema is damage, not bad input. */
        char field[BOL_DIAG_FIELD_MAX] = "payload";
        char msg[BOL_DIAG_MSG_MAX] = "invalid payload";

        if (diag) {
            memcpy(field, diag->field, sizeof(field));
            memcpy(msg, diag->msg, sizeof(msg));
        }
        return bol_diag_fail(diag, BOL_E_CORRUPT, field, "entry %" PRIu64 ": %s", e->seq, msg);
    }
    return r;
}
