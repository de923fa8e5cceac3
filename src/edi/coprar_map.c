/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coprar_map.c - loading and discharge orders in and out (coprar_map.h)
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "cell.h"
#include "coprar_map.h"
#include "edifact_write.h"
#include "errors.h"
#include "locode.h"
#include "order.h"
#include "utctime.h"

const char *bol_coprar_kind(const char *doc)
{
    if (!strcmp(doc, "45") || !strcmp(doc, "240"))
        return "load";
    if (!strcmp(doc, "43"))
        return "discharge";
    return NULL;
}

static int note(struct bol_edi_mapped *m, bool error, const struct bol_edi_box *x, const char *what,
                const char *value, const char *why)
{
    char text[256];

    snprintf(text, sizeof(text), "%s%s%s '%.40s': %.160s", x->id_text[0] ? x->id_text : "",
             x->id_text[0] ? ": " : "", what, value, why);
    return bol_edi_mapped_note(m, error, x->offset, x->segment, text);
}

static int set_text(json_t *o, const char *key, const char *v)
{
    return !v[0] || json_object_set_new(o, key, json_string(v)) == 0 ? 0 : BOL_E_NOMEM;
}

static int set_int(json_t *o, const char *key, json_int_t v)
{
    return json_object_set_new(o, key, json_integer(v)) == 0 ? 0 : BOL_E_NOMEM;
}

/* A port when it is a UN/LOCODE, else a warning (m may be NULL: no notes). */
static int port(json_t *o, const char *key, const char *v, const struct bol_edi_box *x,
                struct bol_edi_mapped *m)
{
    struct bol_locode l;
    struct bol_diag d;

    if (!v[0])
        return 0;
    bol_diag_init(&d);
    if (bol_locode_parse(bol_str_from(v), &l, &d) == 0)
        return set_text(o, key, l.s);
    return m ? note(m, false, x, key, v, "not a UN/LOCODE, left out") : 0;
}

/*
 * The box as an order line: 1 when done, 0 when it must fail the message
 * (noted), < 0 on error.
 */
static int box_line(const struct bol_edi_box *x, struct bol_edi_mapped *m, json_t **ret)
{
    json_t *o = json_object(), *dg;
    struct bol_cell cell;
    struct bol_diag d;
    unsigned k;
    int r = 0;

    *ret = NULL;
    if (!o)
        return BOL_E_NOMEM;
    if (x->id_text[0]) {
        r = set_text(o, "container", x->id_ok ? x->id.s : x->id_text);
        if (r == 0 && !(x->id_ok && x->check_ok))
            r = json_object_set_new(o, "flagged", json_true()) == 0 ? 0 : BOL_E_NOMEM;
    }
    if (r == 0 && x->sizetype_text[0]) {
        if (!x->st_ok || !x->st.code[0]) {
            json_decref(o);
            r = m ? note(m, true, x, "size-type", x->sizetype_text,
                         "no size-type has this code: the line cannot be kept")
                  : 0;
            return r < 0 ? r : 0;
        }
        r = set_text(o, "sizetype", x->st.code);
    }
    if (r == 0 && (!strcmp(x->status, "5") || !strcmp(x->status, "4")))
        r = json_object_set_new(o, "full", json_boolean(!strcmp(x->status, "5"))) == 0
                ? 0
                : BOL_E_NOMEM;
    if (r == 0)
        r = port(o, "pol", x->pol, x, m);
    if (r == 0)
        r = port(o, "pod", x->pod, x, m);
    if (r == 0 && x->cell[0]) {
        bol_diag_init(&d);
        if ((strlen(x->cell) == 6 || strlen(x->cell) == 7) &&
            bol_cell_parse(bol_str_from(x->cell), &cell, &d) == 0)
            r = set_text(o, "cell", x->cell);
        else if (m)
            r = note(m, false, x, "cell", x->cell, "not a stowage cell, left out");
    }
    if (r == 0)
        r = set_text(o, "booking", x->booking);
    if (r == 0 && strlen(x->line) <= 3)
        r = set_text(o, "line", x->line);
    if (r == 0 && (x->gross_kg > BOL_ORDER_KG_MAX || x->vgm_kg > BOL_ORDER_KG_MAX)) {
        char kg[16];

        snprintf(kg, sizeof(kg), "%u kg", x->gross_kg > x->vgm_kg ? x->gross_kg : x->vgm_kg);
        json_decref(o);
        r = m ? note(m, true, x, "mass", kg,
                     "above 200,000 kg for one box: the line cannot be kept")
              : 0;
        return r < 0 ? r : 0;
    }
    if (r == 0 && x->gross_kg)
        r = set_int(o, "gross_kg", x->gross_kg);
    if (r == 0 && x->vgm_kg)
        r = set_int(o, "vgm_kg", x->vgm_kg);
    if (r == 0 && x->reefer)
        r = set_int(o, "setpoint_c10", x->temp_c10);
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
        if (r == 0 && x->ndg > BOL_ARRAY_SIZE(x->dg) && m)
            r = note(m, false, x, "DGS", "", "more than four DG lines: the first four kept");
    }
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 1;
}

int bol_coprar_lines(const struct bol_edi_boxes *b, json_t **ret)
{
    json_t *a = json_array(), *o;
    size_t i;
    int r = a ? 0 : BOL_E_NOMEM;

    for (i = 0; r == 0 && i < b->n; i++) {
        r = box_line(&b->v[i], NULL, &o);
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

static int at_bgm(struct bol_edi_mapped *m, const struct bol_edi_boxes *b, const char *what,
                  const char *v, const char *takes)
{
    char text[200];

    snprintf(text, sizeof(text), "BGM %s '%.3s': bollard takes %s", what, v, takes);
    return bol_edi_mapped_note(m, true, b->doc_offset, b->doc_segment, text);
}

int bol_coprar_map(const struct bol_edi_boxes *b, const struct bol_coprar_ctx *ctx,
                   struct bol_edi_mapped *out)
{
    const char *kind = bol_coprar_kind(b->doc), *f = b->func;
    bool cancel = !strcmp(f, "1"), replace = !strcmp(f, "5");
    json_t *c, *box;
    size_t i;
    int r = bol_edi_mapped_init(out, b->n + 1);

    if (r < 0)
        return r;
    if (!kind)
        return at_bgm(out, b, "document", b->doc,
                      "loading orders (45, 240) and discharge orders (43)");
    if (!cancel && !replace && f[0] && strcmp(f, "9") != 0)
        return at_bgm(out, b, "message function", f,
                      "9 (original), 5 (replacement) and 1 (cancellation)");
    if (cancel || replace) {
        c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "cmd", "order.clear", "visit", ctx->visit,
                      "kind", kind, "sender", ctx->sender, "doc_no", b->doc_no, "cancel", cancel);
        if (!c || json_array_append_new(out->cmds, c) != 0) {
            r = BOL_E_NOMEM;
            goto fail;
        }
        out->slot[0] = SIZE_MAX;
    }
    if (cancel)
        return 0;
    for (i = 0; i < b->n; i++) {
        const struct bol_edi_box *x = &b->v[i];

        r = box_line(x, out, &box);
        if (r < 0)
            goto fail;
        if (r == 0)
            continue;
        if (!x->id_text[0])
            out->unidentified++;
        else if (!(x->id_ok && x->check_ok))
            out->flagged++;
        c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "cmd", "order.add", "visit", ctx->visit,
                      "kind", kind, "sender", ctx->sender, "doc_no", b->doc_no, "box", box);
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

static void write_line(struct bol_edi_writer *w, json_t *o)
{
    json_t *full = json_object_get(o, "full"), *dg, *l;
    const char *booking = text_of(o, "booking");
    size_t k;
    char t[8];

    if (text_of(o, "sizetype")[0])
        (void) bol_edi_put(w, "EQD+CN+%s+%s:102:5+++%s", text_of(o, "container"),
                           text_of(o, "sizetype"),
                           !full                ? ""
                           : json_is_true(full) ? "5"
                                                : "4");
    else
        (void) bol_edi_put(w, "EQD+CN+%s++++%s", text_of(o, "container"),
                           !full                ? ""
                           : json_is_true(full) ? "5"
                                                : "4");
    if (booking[0])
        (void) bol_edi_put(w, "RFF+BN:%s", booking);
    if (text_of(o, "pol")[0])
        (void) bol_edi_put(w, "LOC+9+%s:139:6", text_of(o, "pol"));
    if (text_of(o, "pod")[0])
        (void) bol_edi_put(w, "LOC+11+%s:139:6", text_of(o, "pod"));
    if (text_of(o, "cell")[0])
        (void) bol_edi_put(w, "LOC+147+%s::5", text_of(o, "cell"));
    if (json_object_get(o, "gross_kg"))
        (void) bol_edi_put(w, "MEA+AAE+G+KGM:%u",
                           (unsigned) json_integer_value(json_object_get(o, "gross_kg")));
    if (json_object_get(o, "vgm_kg"))
        (void) bol_edi_put(w, "MEA+AAE+VGM+KGM:%u",
                           (unsigned) json_integer_value(json_object_get(o, "vgm_kg")));
    if (json_object_get(o, "setpoint_c10")) {
        bol_temp_format((int16_t) json_integer_value(json_object_get(o, "setpoint_c10")), t);
        (void) bol_edi_put(w, "TMP+2+%s:CEL", t);
    }
    dg = json_object_get(o, "dg");
    json_array_foreach(dg, k, l)
    {
        char un[8] = "";

        if (json_object_get(l, "un"))
            snprintf(un, sizeof(un), "%04u",
                     (unsigned) json_integer_value(json_object_get(l, "un")));
        (void) bol_edi_put(w, "DGS+IMD+%s+%s", text_of(l, "class"), un);
    }
    if (text_of(o, "line")[0])
        (void) bol_edi_put(w, "NAD+CF+%s:160:20", text_of(o, "line"));
}

static bool texts_pass(const struct bol_coprar_out *o, size_t n,
                       const struct bol_report_envelope *env, bool (*test)(const char *))
{
    const char *env_texts[] = { env->sender, env->recipient, env->control, NULL };
    size_t i, k, m;
    json_t *b;

    for (k = 0; env_texts[k]; k++)
        if (!test(env_texts[k]))
            return false;
    for (m = 0; m < n; m++) {
        const char *hdr[] = { o[m].doc_no, o[m].voyage, o[m].carrier, o[m].vessel_id,
                              o[m].vessel, o[m].port,   NULL };

        for (k = 0; hdr[k]; k++)
            if (!test(hdr[k]))
                return false;
        json_array_foreach(o[m].boxes, i, b)
        {
            const char *keys[] = { "container", "booking", "line", NULL };

            for (k = 0; keys[k]; k++)
                if (!test(text_of(b, keys[k])))
                    return false;
        }
    }
    return true;
}

static void write_message(struct bol_edi_writer *w, const struct bol_coprar_out *o, const char *ref,
                          const char *now)
{
    bool imo = strlen(o->vessel_id) == 7 && strspn(o->vessel_id, "0123456789") == 7;
    bool load = !strcmp(o->kind, "load");
    size_t i;
    json_t *b;

    bol_edi_count_reset(w);
    (void) bol_edi_put(w, "UNH+%s+COPRAR:D:95B:UN:SMDG16", ref);
    (void) bol_edi_put(w, "BGM+%s+%s+9", load ? "45" : "43", o->doc_no);
    (void) bol_edi_put(w, "DTM+137:%s:203", now);
    (void) bol_edi_put(w, "TDT+20+%s+1++%s:172:20+++%s:%s::%s", o->voyage, o->carrier, o->vessel_id,
                       imo ? "146" : "103", o->vessel);
    if (o->port[0])
        (void) bol_edi_put(w, load ? "LOC+9+%s:139:6" : "LOC+11+%s:139:6", o->port);
    if (o->carrier[0])
        (void) bol_edi_put(w, "NAD+CA+%s:160:20", o->carrier);
    json_array_foreach(o->boxes, i, b) write_line(w, b);
    (void) bol_edi_put(w, "CNT+16:%u", (unsigned) json_array_size(o->boxes));
    (void) bol_edi_put(w, "UNT+%u+%s", w->segments + 1, ref);
}

int bol_coprar_write(const struct bol_coprar_out *o, size_t n,
                     const struct bol_report_envelope *env, struct bol_buf *out)
{
    struct bol_edi_writer w;
    struct bol_civil c;
    bool unoa = texts_pass(o, n, env, bol_edi_unoa);
    char now[16], ref[16];
    size_t i;

    if (bol_time_to_civil(env->prepared_us, 0, &c) < 0)
        return BOL_E_INVAL;
    snprintf(now, sizeof(now), "%04d%02d%02d%02d%02d", c.year, c.month, c.day, c.hour, c.minute);
    bol_edi_writer_init(&w, out, true);
    if (bol_edi_put_unb(&w, unoa, !unoa && texts_pass(o, n, env, bol_edi_latin1), env->sender,
                        env->recipient, env->prepared_us, env->control) < 0)
        return BOL_E_INVAL;
    for (i = 0; i < n; i++) {
        snprintf(ref, sizeof(ref), "%.10s-%u", env->control, (unsigned) (i + 1));
        write_message(&w, &o[i], ref, now);
    }
    (void) bol_edi_put(&w, "UNZ+%u+%s", (unsigned) n, env->control);
    return w.err;
}
