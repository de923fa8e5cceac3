/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev_ref.c - reference-data events: terminals, shipping lines, berths, yard
 * blocks, equipment, vessels and vessel visits
 *
 * Each "X.defined" event carries the whole object as codec.h writes it and
 * replaces any earlier definition with the same key.  Definitions are never
 * deleted: work and history refer to them.
 */
#include "compat.h"

#include "buf.h"
#include "codec.h"
#include "errors.h"
#include "events-int.h"
#include "jsonv.h"
#include "locode.h"
#include "yard_addr.h"

/* ---- state tables ---- */

static const struct bol_column terminal_cols[] = {
    { "code", BOL_V_TEXT, false },       { "name", BOL_V_TEXT, false },
    { "timezone", BOL_V_TEXT, false },   { "unlocode", BOL_V_TEXT, false },
    { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_terminal = { "terminal", terminal_cols, 5, 1, NULL };

static const struct bol_column line_cols[] = {
    { "code", BOL_V_TEXT, false },
    { "name", BOL_V_TEXT, false },
    { "scac", BOL_V_TEXT, true },
    { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_line = { "line", line_cols, 4, 1, NULL };

static const struct bol_column berth_cols[] = {
    { "terminal", BOL_V_TEXT, false }, { "code", BOL_V_TEXT, false },
    { "from_m", BOL_V_INT, false },    { "to_m", BOL_V_INT, false },
    { "depth_dm", BOL_V_INT, false },  { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_berth = { "berth", berth_cols, 6, 2, NULL };

static const struct bol_column block_cols[] = {
    { "terminal", BOL_V_TEXT, false }, { "code", BOL_V_TEXT, false },
    { "kind", BOL_V_TEXT, false },     { "bays", BOL_V_INT, false },
    { "rows", BOL_V_INT, false },      { "tiers", BOL_V_INT, false },
    { "doc", BOL_V_TEXT, false },      { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_block = { "block", block_cols, 8, 2, NULL };

static const struct bol_column equipment_cols[] = {
    { "terminal", BOL_V_TEXT, false },   { "id", BOL_V_TEXT, false },
    { "kind", BOL_V_TEXT, false },       { "status", BOL_V_TEXT, false },
    { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_equipment = { "equipment", equipment_cols, 5, 2, NULL };

static const struct bol_column vessel_cols[] = {
    { "imo", BOL_V_TEXT, false },
    { "name", BOL_V_TEXT, false },
    { "doc", BOL_V_TEXT, false },
    { "defined_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_vessel = { "vessel", vessel_cols, 4, 1, NULL };

static const struct bol_column visit_cols[] = {
    { "id", BOL_V_TEXT, false },  { "terminal", BOL_V_TEXT, false },
    { "imo", BOL_V_TEXT, false }, { "phase", BOL_V_TEXT, false },
    { "eta", BOL_V_INT, true },   { "etd", BOL_V_INT, true },
    { "doc", BOL_V_TEXT, false }, { "defined_seq", BOL_V_INT, false },
};
static const char *const visit_indexes[] = { "terminal,phase", NULL };
const struct bol_table bol_t_visit = { "visit", visit_cols, 8, 1, visit_indexes };

/* ---- terminals and lines (their payloads predate codec.h) ---- */

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
    return sink->put(sink->ctx, &bol_t_terminal, row);
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
    return sink->put(sink->ctx, &bol_t_line, row);
}

/* ---- objects written by codec.h ---- */

/* Decode with from, re-encode with to, and insist on the same JSON. */
#define CODEC_CHECK(name, type, what)                                                              \
    static int name##_decode(json_t *p, type *out, struct bol_diag *diag)                          \
    {                                                                                              \
        json_t *again = NULL;                                                                      \
        int r = bol_##name##_from_json(p, out, diag);                                              \
                                                                                                   \
        if (r == 0)                                                                                \
            r = bol_##name##_to_json(out, &again);                                                 \
        if (r == 0)                                                                                \
            r = bol_ev_same(p, again, what, diag);                                                 \
        return r;                                                                                  \
    }                                                                                              \
    static int name##_check(json_t *p, struct bol_diag *diag)                                      \
    {                                                                                              \
        type x;                                                                                    \
                                                                                                   \
        return name##_decode(p, &x, diag);                                                         \
    }

CODEC_CHECK(berth, struct bol_berth, "berth")
CODEC_CHECK(block, struct bol_block, "block")
CODEC_CHECK(equipment, struct bol_equipment, "equipment")
CODEC_CHECK(vessel, struct bol_vessel, "vessel")
CODEC_CHECK(visit, struct bol_visit, "visit")

static int berth_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct bol_berth b;
    struct bol_value row[6];
    int r = berth_decode(p, &b, diag);

    if (r < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(b.terminal));
    row[1] = BOL_VAL_TEXT(bol_str_from(b.code));
    row[2] = BOL_VAL_INT(b.from_m);
    row[3] = BOL_VAL_INT(b.to_m);
    row[4] = BOL_VAL_INT(b.depth_dm);
    row[5] = BOL_VAL_INT(e->seq);
    return sink->put(sink->ctx, &bol_t_berth, row);
}

static int block_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct bol_block b;
    struct bol_value row[8];
    struct bol_buf doc = BOL_BUF_INIT(BOL_ENTRY_MAX);
    int r = block_decode(p, &b, diag);

    if (r < 0 || (r = jv_dump(p, &doc)) < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(b.terminal));
    row[1] = BOL_VAL_TEXT(bol_str_from(b.code));
    row[2] = BOL_VAL_TEXT(bol_str_from(bol_block_kind_names[b.kind]));
    row[3] = BOL_VAL_INT(b.bays);
    row[4] = BOL_VAL_INT(b.rows);
    row[5] = BOL_VAL_INT(b.tiers);
    row[6] = BOL_VAL_TEXT(bol_str_make(doc.buf, doc.len));
    row[7] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_block, row);
    bol_buf_release(&doc);
    return r;
}

static int equipment_apply(const struct bol_entry *e, json_t *p,
                           const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct bol_equipment q;
    struct bol_value row[5];
    int r = equipment_decode(p, &q, diag);

    if (r < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(q.terminal));
    row[1] = BOL_VAL_TEXT(bol_str_from(q.id));
    row[2] = BOL_VAL_TEXT(bol_str_from(bol_equip_kind_names[q.kind]));
    row[3] = BOL_VAL_TEXT(bol_str_from(bol_equip_status_names[q.status]));
    row[4] = BOL_VAL_INT(e->seq);
    return sink->put(sink->ctx, &bol_t_equipment, row);
}

static int vessel_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                        struct bol_diag *diag)
{
    struct bol_vessel v;
    struct bol_value row[4];
    struct bol_buf doc = BOL_BUF_INIT(BOL_ENTRY_MAX);
    int r = vessel_decode(p, &v, diag);

    if (r < 0 || (r = jv_dump(p, &doc)) < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(v.imo));
    row[1] = BOL_VAL_TEXT(bol_str_from(v.name));
    row[2] = BOL_VAL_TEXT(bol_str_make(doc.buf, doc.len));
    row[3] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_vessel, row);
    bol_buf_release(&doc);
    return r;
}

static int visit_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct bol_visit v;
    struct bol_value row[8];
    struct bol_buf doc = BOL_BUF_INIT(BOL_ENTRY_MAX);
    int r = visit_decode(p, &v, diag);

    if (r < 0 || (r = jv_dump(p, &doc)) < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(v.id));
    row[1] = BOL_VAL_TEXT(bol_str_from(v.terminal));
    row[2] = BOL_VAL_TEXT(bol_str_from(v.imo));
    row[3] = BOL_VAL_TEXT(bol_str_from(bol_phase_names[v.phase]));
    row[4] = v.eta ? BOL_VAL_INT(v.eta) : BOL_VAL_NULL;
    row[5] = v.etd ? BOL_VAL_INT(v.etd) : BOL_VAL_NULL;
    row[6] = BOL_VAL_TEXT(bol_str_make(doc.buf, doc.len));
    row[7] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_visit, row);
    bol_buf_release(&doc);
    return r;
}

static const bol_upcast_fn terminal_upcasts[] = { terminal_v1_to_v2 };

const struct bol_event_def bol_ref_events[] = {
    { "berth.defined", 1, NULL, berth_check, berth_apply },
    { "block.defined", 1, NULL, block_check, block_apply },
    { "equipment.defined", 1, NULL, equipment_check, equipment_apply },
    { "journal.genesis", 1, NULL, genesis_check, genesis_apply },
    { "line.defined", 1, NULL, line_check, line_apply },
    { "terminal.defined", 2, terminal_upcasts, terminal_check, terminal_apply },
    { "vessel.defined", 1, NULL, vessel_check, vessel_apply },
    { "visit.defined", 1, NULL, visit_check, visit_apply },
};
const size_t bol_ref_nevents = BOL_ARRAY_SIZE(bol_ref_events);
