/* SPDX-License-Identifier: Apache-2.0 */
/*
 * movins.c - stowage instructions in and out (movins.h)
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "cell.h"
#include "edifact_write.h"
#include "errors.h"
#include "locode.h"
#include "mem.h"
#include "movins.h"
#include "order.h"
#include "sizetype.h"
#include "utctime.h"

/* ---- in ---- */

static const char *txt(const struct bol_edi_interchange *ic, const struct bol_edi_seg *seg,
                       unsigned e, unsigned c, char *out, size_t size)
{
    if (bol_edi_text(&ic->syn, bol_edi_get(seg, e, c), out, size) < 0)
        out[0] = '\0';
    return out;
}

static int refuse(struct bol_diag *diag, unsigned element, const char *what, const char *value,
                  const char *why)
{
    int rc = bol_diag_fail(diag, BOL_E_INVAL, what, "%s '%.40s': %.160s", what, value, why);

    diag->element = element;
    return rc;
}

static int begin(void *ctx, struct bol_edi_interchange *ic, size_t msg)
{
    struct bol_movins_set *s = ctx;

    (void) ic;
    if (msg >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        struct bol_movins *a = bol_realloc(s->msgs, cap * sizeof(*a));

        if (!a)
            return BOL_E_NOMEM;
        s->msgs = a;
        s->cap = cap;
    }
    memset(&s->msgs[msg], 0, sizeof(s->msgs[msg]));
    s->msgs[msg].msg = msg;
    return 0;
}

static int new_rule(struct bol_movins *m, const struct bol_edi_interchange *ic,
                    const struct bol_edi_seg *seg, const char *han)
{
    struct bol_movins_rule *x;

    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct bol_movins_rule *a = bol_realloc(m->v, cap * sizeof(*a));

        if (!a)
            return BOL_E_NOMEM;
        m->v = a;
        m->cap = cap;
    }
    x = &m->v[m->n++];
    memset(x, 0, sizeof(*x));
    txt(ic, seg, 2, 1, x->cell, sizeof(x->cell));
    x->offset = seg->offset;
    x->segment = seg->number;
    snprintf(x->handling, sizeof(x->handling), "%s", han);
    return 0;
}

static int segment(void *ctx, struct bol_edi_interchange *ic, size_t msg,
                   const struct bol_edi_seg *seg, struct bol_diag *diag)
{
    struct bol_movins_set *st = ctx;
    struct bol_movins *m = &st->msgs[msg];
    struct bol_movins_rule *x = m->n ? &m->v[m->n - 1] : NULL;
    const char *t = seg->tag;
    char q[8], q2[8], v[40], u[8];
    struct bol_diag d;

    txt(ic, seg, 1, 1, q, sizeof(q));
    if (!strcmp(t, "BGM")) {
        txt(ic, seg, 2, 1, m->doc_no, sizeof(m->doc_no));
        m->doc_offset = seg->offset;
        m->doc_segment = seg->number;
        return 0;
    }
    if (!strcmp(t, "TDT") && !strcmp(q, "20") && !m->n) {
        txt(ic, seg, 2, 1, m->voyage, sizeof(m->voyage));
        txt(ic, seg, 5, 1, m->carrier, sizeof(m->carrier));
        txt(ic, seg, 8, 1, m->vessel_id, sizeof(m->vessel_id));
        txt(ic, seg, 8, 4, m->vessel, sizeof(m->vessel));
        return 0;
    }
    if (!strcmp(t, "HAN")) { /* the rules up to the next HAN are under it */
        snprintf(m->han, sizeof(m->han), "%s", q);
        return 0;
    }
    if (!strcmp(t, "LOC") && !strcmp(q, "147"))
        return new_rule(m, ic, seg, m->han);
    if (!x) { /* the header */
        if (!strcmp(t, "LOC") && (!strcmp(q, "5") || !strcmp(q, "9")) && !m->port[0])
            txt(ic, seg, 2, 1, m->port, sizeof(m->port));
        return 0;
    }
    bol_diag_init(&d);
    if (!strcmp(t, "LOC")) {
        if (!strcmp(q, "9"))
            txt(ic, seg, 2, 1, x->pol, sizeof(x->pol));
        else if (!strcmp(q, "11"))
            txt(ic, seg, 2, 1, x->pod, sizeof(x->pod));
    } else if (!strcmp(t, "EQD")) {
        m->eqd++;
        txt(ic, seg, 2, 1, x->id_text, sizeof(x->id_text));
        txt(ic, seg, 3, 1, x->sizetype_text, sizeof(x->sizetype_text));
    } else if (!strcmp(t, "MEA")) {
        txt(ic, seg, 2, 1, q2, sizeof(q2));
        txt(ic, seg, 3, 1, u, sizeof(u));
        txt(ic, seg, 3, 2, v, sizeof(v));
        if (v[0] && bol_mass_parse(bol_str_from(v), bol_str_from(u), ',', &x->max_kg, &d) < 0)
            return refuse(diag, 3, "weight limit", v, d.msg);
        if (x->max_kg > BOL_ORDER_KG_MAX) /* the bound the core holds a stowage rule to */
            return refuse(diag, 3, "weight limit", v, "above 200,000 kg for one cell");
    } else if (!strcmp(t, "TMP")) {
        m->reefers++;
        txt(ic, seg, 2, 1, v, sizeof(v));
        txt(ic, seg, 2, 2, u, sizeof(u));
        if (bol_temp_parse(bol_str_from(v), bol_str_from(u), ',', &x->temp_c10, &d) < 0)
            return refuse(diag, 2, "temperature", v, d.msg);
        x->reefer = true;
    } else if (!strcmp(t, "DGS")) {
        struct bol_imdg_class cls;
        uint16_t un = 0;

        m->dg_lines++;
        txt(ic, seg, 2, 1, v, sizeof(v));
        if (bol_edi_dgs_class(ic, msg, seg, v, &cls, diag) < 0)
            return BOL_E_INVAL;
        txt(ic, seg, 3, 1, v, sizeof(v));
        if (v[0] && bol_un_number_parse(bol_str_from(v), &un, &d) < 0)
            return refuse(diag, 3, "UN number", v, d.msg);
        if (x->ndg < BOL_ARRAY_SIZE(x->dg)) {
            x->dg[x->ndg].cls = cls;
            x->dg[x->ndg].un = un;
        }
        x->ndg++;
    }
    return 0;
}

int bol_movins_read(const char *p, size_t n, const struct bol_edi_limits *lim,
                    struct bol_movins_set *out)
{
    static const struct bol_edi_handler h = { begin, segment, NULL };

    memset(out, 0, sizeof(*out));
    return bol_edi_walk(p, n, lim, &h, out, &out->ic);
}

void bol_movins_set_release(struct bol_movins_set *s)
{
    size_t i;

    for (i = 0; i < s->ic.nmsgs && i < s->cap; i++)
        bol_free(s->msgs[i].v);
    bol_free(s->msgs);
    bol_edi_interchange_release(&s->ic);
    memset(s, 0, sizeof(*s));
}

/* ---- to commands ---- */

static const struct {
    const char *code, *name;
} handlings[] = { { "LOA", "load" }, { "DIS", "discharge" }, { "RES", "restow" } };

static int rule_note(struct bol_edi_mapped *m, bool error, const struct bol_movins_rule *x,
                     const char *what, const char *value, const char *why)
{
    char text[256];

    if (!m)
        return 0;
    snprintf(text, sizeof(text), "cell '%.12s': %s '%.40s': %.160s", x->cell, what, value, why);
    return bol_edi_mapped_note(m, error, x->offset, x->segment, text);
}

static int put_text(json_t *o, const char *key, const char *v)
{
    return !v[0] || json_object_set_new(o, key, json_string(v)) == 0 ? 0 : BOL_E_NOMEM;
}

static int put_port(json_t *o, const char *key, const struct bol_movins_rule *x, const char *v,
                    struct bol_edi_mapped *m)
{
    struct bol_locode l;
    struct bol_diag d;

    if (!v[0])
        return 0;
    bol_diag_init(&d);
    if (bol_locode_parse(bol_str_from(v), &l, &d) == 0)
        return put_text(o, key, l.s);
    return rule_note(m, false, x, key, v, "not a UN/LOCODE, left out");
}

/* The rule as a stowage rule object: 1, 0 when it fails the message (noted), < 0. */
static int rule_json(const struct bol_movins_rule *x, struct bol_edi_mapped *m, json_t **ret)
{
    json_t *o = json_object(), *dg;
    struct bol_sizetype st;
    struct bol_cell cell;
    struct bol_diag d;
    size_t k;
    int r = o ? 0 : BOL_E_NOMEM;

    *ret = NULL;
    bol_diag_init(&d);
    if (r == 0 && ((strlen(x->cell) != 6 && strlen(x->cell) != 7) ||
                   bol_cell_parse(bol_str_from(x->cell), &cell, &d) < 0)) {
        json_decref(o);
        r = rule_note(m, true, x, "stowage cell", x->cell, d.msg[0] ? d.msg : "not 6 or 7 digits");
        return r < 0 ? r : 0;
    }
    bol_diag_init(&d);
    if (r == 0 && x->sizetype_text[0] &&
        (bol_sizetype_parse(bol_str_from(x->sizetype_text), &st, &d) < 0 || !st.code[0])) {
        json_decref(o);
        r = rule_note(m, true, x, "size-type", x->sizetype_text, "no size-type has this code");
        return r < 0 ? r : 0;
    }
    if (r == 0)
        r = put_text(o, "cell", x->cell);
    if (r == 0 && x->handling[0]) {
        for (k = 0; k < BOL_ARRAY_SIZE(handlings); k++)
            if (!strcmp(x->handling, handlings[k].code))
                break;
        r = k < BOL_ARRAY_SIZE(handlings)
                ? put_text(o, "handling", handlings[k].name)
                : rule_note(m, false, x, "handling", x->handling,
                            "not LOA, DIS or RES: the rule is kept without it");
    }
    if (r == 0 && x->id_text[0] && strlen(x->id_text) <= 24)
        r = put_text(o, "container", x->id_text);
    if (r == 0 && x->sizetype_text[0])
        r = put_text(o, "sizetype", st.code);
    if (r == 0)
        r = put_port(o, "pol", x, x->pol, m);
    if (r == 0)
        r = put_port(o, "pod", x, x->pod, m);
    if (r == 0 && x->max_kg)
        r = json_object_set_new(o, "max_kg", json_integer(x->max_kg)) == 0 ? 0 : BOL_E_NOMEM;
    if (r == 0 && x->reefer)
        r = json_object_set_new(o, "setpoint_c10", json_integer(x->temp_c10)) == 0 ? 0
                                                                                   : BOL_E_NOMEM;
    if (r == 0 && x->ndg) {
        dg = json_array();
        r = dg && json_object_set_new(o, "dg", dg) == 0 ? 0 : BOL_E_NOMEM;
        for (k = 0; r == 0 && k < x->ndg && k < BOL_ARRAY_SIZE(x->dg); k++) {
            char cls[5];
            json_t *line;

            bol_imdg_class_format(&x->dg[k].cls, cls);
            line = x->dg[k].un ? json_pack("{s:s, s:i}", "class", cls, "un", (int) x->dg[k].un)
                               : json_pack("{s:s}", "class", cls);
            r = line && json_array_append_new(dg, line) == 0 ? 0 : BOL_E_NOMEM;
        }
    }
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 1;
}

int bol_movins_rules(const struct bol_movins *mv, json_t **ret)
{
    json_t *a = json_array(), *o;
    size_t i;
    int r = a ? 0 : BOL_E_NOMEM;

    for (i = 0; r == 0 && i < mv->n; i++) {
        r = rule_json(&mv->v[i], NULL, &o);
        if (r == 1)
            r = json_array_append_new(a, o) == 0 ? 0 : BOL_E_NOMEM;
        else if (r == 0)
            r = json_array_append_new(a, json_null()) == 0 ? 0 : BOL_E_NOMEM;
    }
    if (r < 0) {
        json_decref(a);
        return r;
    }
    *ret = a;
    return 0;
}

int bol_movins_map(const struct bol_movins *mv, const struct bol_movins_ctx *ctx,
                   struct bol_edi_mapped *out)
{
    json_t *c, *rule;
    size_t i;
    int r = bol_edi_mapped_init(out, mv->n + 1);

    if (r < 0)
        return r;
    c = json_pack("{s:s, s:s, s:s, s:s}", "cmd", "stowage.clear", "visit", ctx->visit, "sender",
                  ctx->sender, "doc_no", mv->doc_no);
    if (!c || json_array_append_new(out->cmds, c) != 0) {
        r = BOL_E_NOMEM;
        goto fail;
    }
    out->slot[0] = SIZE_MAX;
    for (i = 0; i < mv->n; i++) {
        r = rule_json(&mv->v[i], out, &rule);
        if (r < 0)
            goto fail;
        if (r == 0)
            continue;
        c = json_pack("{s:s, s:s, s:s, s:o}", "cmd", "stowage.add", "visit", ctx->visit, "sender",
                      ctx->sender, "rule", rule);
        if (!c || json_array_append_new(out->cmds, c) != 0) {
            r = BOL_E_NOMEM;
            goto fail;
        }
        out->slot[json_array_size(out->cmds) - 1] = i;
        out->boxes++;
    }
    return 0;
fail:
    /* on an error the caller gets nothing to release */
    bol_edi_mapped_release(out);
    return r;
}

/* ---- out ---- */

static const char *text_of(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static void write_rule(struct bol_edi_writer *w, json_t *o)
{
    json_t *dg = json_object_get(o, "dg"), *l;
    size_t k;
    char t[8];

    (void) bol_edi_put(w, "LOC+147+%s::5", text_of(o, "cell"));
    if (json_object_get(o, "max_kg"))
        (void) bol_edi_put(w, "MEA+WT++KGM:%u",
                           (unsigned) json_integer_value(json_object_get(o, "max_kg")));
    if (json_object_get(o, "setpoint_c10")) {
        bol_temp_format((int16_t) json_integer_value(json_object_get(o, "setpoint_c10")), t);
        (void) bol_edi_put(w, "TMP+2+%s:CEL", t);
    }
    json_array_foreach(dg, k, l)
    {
        char un[8] = "";

        if (json_object_get(l, "un"))
            snprintf(un, sizeof(un), "%04u",
                     (unsigned) json_integer_value(json_object_get(l, "un")));
        (void) bol_edi_put(w, "DGS+IMD+%s+%s", text_of(l, "class"), un);
    }
    if (text_of(o, "pol")[0])
        (void) bol_edi_put(w, "LOC+9+%s:139:6", text_of(o, "pol"));
    if (text_of(o, "pod")[0])
        (void) bol_edi_put(w, "LOC+11+%s:139:6", text_of(o, "pod"));
    if (text_of(o, "sizetype")[0])
        (void) bol_edi_put(w, "EQD+CN+%s+%s:102:5", text_of(o, "container"),
                           text_of(o, "sizetype"));
    else if (text_of(o, "container")[0])
        (void) bol_edi_put(w, "EQD+CN+%s", text_of(o, "container"));
}

int bol_movins_write(const struct bol_movins_out *o, const struct bol_report_envelope *env,
                     struct bol_buf *out)
{
    const char *hdr[] = { o->doc_no, o->voyage,   o->carrier,     o->vessel_id, o->vessel,
                          o->port,   env->sender, env->recipient, env->control, NULL };
    bool imo = strlen(o->vessel_id) == 7 && strspn(o->vessel_id, "0123456789") == 7;
    bool unoa = true, latin1 = true;
    struct bol_edi_writer w;
    struct bol_civil c;
    const char *han = NULL;
    char now[16], ref[16];
    unsigned pass;
    size_t i, k;
    json_t *x;

    for (k = 0; hdr[k]; k++) {
        unoa = unoa && bol_edi_unoa(hdr[k]);
        latin1 = latin1 && bol_edi_latin1(hdr[k]);
    }
    json_array_foreach(o->rules, i, x)
    {
        unoa = unoa && bol_edi_unoa(text_of(x, "container"));
        latin1 = latin1 && bol_edi_latin1(text_of(x, "container"));
    }
    if (bol_time_to_civil(env->prepared_us, 0, &c) < 0)
        return BOL_E_INVAL;
    snprintf(now, sizeof(now), "%04d%02d%02d%02d%02d", c.year, c.month, c.day, c.hour, c.minute);
    snprintf(ref, sizeof(ref), "%.10s-1", env->control);
    bol_edi_writer_init(&w, out, true);
    if (bol_edi_put_unb(&w, unoa, !unoa && latin1, env->sender, env->recipient, env->prepared_us,
                        env->control) < 0)
        return BOL_E_INVAL;
    bol_edi_count_reset(&w);
    (void) bol_edi_put(&w, "UNH+%s+MOVINS:D:95B:UN:SMDG20", ref);
    (void) bol_edi_put(&w, "BGM++%s+9", o->doc_no);
    (void) bol_edi_put(&w, "DTM+137:%s:203", now);
    (void) bol_edi_put(&w, "TDT+20+%s+1++%s:172:20+++%s:%s::%s", o->voyage, o->carrier,
                       o->vessel_id, imo ? "146" : "103", o->vessel);
    if (o->port[0])
        (void) bol_edi_put(&w, "LOC+5+%s:139:6", o->port);
    /* Rules without a handling first (before any HAN), then each HAN group in order. */
    for (pass = 0; pass < 2; pass++) {
        json_array_foreach(o->rules, i, x)
        {
            const char *h = text_of(x, "handling");

            if ((pass == 0) != !h[0])
                continue;
            if (pass == 1 && (!han || strcmp(han, h) != 0)) {
                for (k = 0; k < BOL_ARRAY_SIZE(handlings); k++)
                    if (!strcmp(h, handlings[k].name))
                        (void) bol_edi_put(&w, "HAN+%s", handlings[k].code);
                han = h;
            }
            write_rule(&w, x);
        }
    }
    (void) bol_edi_put(&w, "UNT+%u+%s", w.segments + 1, ref);
    (void) bol_edi_put(&w, "UNZ+1+%s", env->control);
    return w.err;
}
