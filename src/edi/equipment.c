/* SPDX-License-Identifier: Apache-2.0 */
/*
 * equipment.c - the container groups of equipment messages (equipment.h)
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "equipment.h"
#include "mem.h"

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

static int warn(struct bol_edi_interchange *ic, size_t msg, const struct bol_edi_seg *seg,
                const char *value, const char *why)
{
    char text[BOL_DIAG_MSG_MAX];

    snprintf(text, sizeof(text), "container number '%.40s': %.160s", value, why);
    return bol_edi_note(ic, (int) msg, false, seg, 2, text);
}

int bol_edi_dgs_class(struct bol_edi_interchange *ic, size_t msg, const struct bol_edi_seg *seg,
                      const char *text, struct bol_imdg_class *ret, struct bol_diag *diag)
{
    struct bol_diag d;
    int rc;

    bol_diag_init(&d);
    if (bol_imdg_class_parse(bol_str_from(text), ret, &d) == 0)
        return 0;
    if (!strcmp(text, "3.1") || !strcmp(text, "3.2") || !strcmp(text, "3.3")) {
        char note[128];

        *ret = (struct bol_imdg_class){ 3, 0, 0 };
        snprintf(note, sizeof(note),
                 "IMDG class %s is an old subdivision of class 3, read as class 3", text);
        rc = bol_edi_note(ic, (int) msg, false, seg, 2, note);
        return rc;
    }
    return refuse(diag, 2, "IMDG class", text, d.msg);
}

static int begin(void *ctx, struct bol_edi_interchange *ic, size_t msg)
{
    struct bol_edi_equipment *e = ctx;

    (void) ic;
    if (msg >= e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 4;
        struct bol_edi_boxes *a = bol_realloc(e->msgs, cap * sizeof(*a));

        if (!a)
            return BOL_E_NOMEM;
        e->msgs = a;
        e->cap = cap;
    }
    memset(&e->msgs[msg], 0, sizeof(e->msgs[msg]));
    e->msgs[msg].msg = msg;
    return 0;
}

static int new_box(struct bol_edi_interchange *ic, size_t msg, struct bol_edi_boxes *b,
                   const struct bol_edi_seg *seg)
{
    struct bol_edi_box *x;
    struct bol_diag d;

    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        struct bol_edi_box *a = bol_realloc(b->v, cap * sizeof(*a));

        if (!a)
            return BOL_E_NOMEM;
        b->v = a;
        b->cap = cap;
    }
    x = &b->v[b->n++];
    memset(x, 0, sizeof(*x));
    x->offset = seg->offset;
    x->segment = seg->number;
    txt(ic, seg, 2, 1, x->id_text, sizeof(x->id_text));
    txt(ic, seg, 3, 1, x->sizetype_text, sizeof(x->sizetype_text));
    txt(ic, seg, 5, 1, x->category, sizeof(x->category));
    txt(ic, seg, 6, 1, x->status, sizeof(x->status));
    if (x->sizetype_text[0])
        x->st_ok = bol_sizetype_parse(bol_str_from(x->sizetype_text), &x->st, NULL) == 0;
    if (!x->id_text[0])
        return 0;
    bol_diag_init(&d);
    x->id_ok = bol_container_id_normalize(bol_str_from(x->id_text), &x->id, &d) == 0;
    if (!x->id_ok) {
        b->not_container_number++;
        return warn(ic, msg, seg, x->id_text, d.msg);
    }
    bol_diag_init(&d);
    x->check_ok = bol_container_id_verify(&x->id, &d) == 0;
    if (!x->check_ok) {
        b->check_digit_wrong++;
        return warn(ic, msg, seg, x->id_text, d.msg);
    }
    return 0;
}

/* What the message says before its first box: its kind, the vessel, the port. */
static void header(const struct bol_edi_interchange *ic, struct bol_edi_boxes *b,
                   const struct bol_edi_seg *seg, const char *q)
{
    const char *t = seg->tag;

    if (!strcmp(t, "BGM")) {
        txt(ic, seg, 1, 1, b->doc, sizeof(b->doc));
        txt(ic, seg, 2, 1, b->doc_no, sizeof(b->doc_no));
        txt(ic, seg, 3, 1, b->func, sizeof(b->func));
        b->doc_offset = seg->offset;
        b->doc_segment = seg->number;
    } else if (!strcmp(t, "TDT") && !strcmp(q, "20")) {
        txt(ic, seg, 2, 1, b->voyage, sizeof(b->voyage));
        txt(ic, seg, 5, 1, b->carrier, sizeof(b->carrier));
        txt(ic, seg, 8, 1, b->vessel_id, sizeof(b->vessel_id));
        txt(ic, seg, 8, 4, b->vessel, sizeof(b->vessel));
    } else if (!strcmp(t, "LOC") && (!strcmp(q, "9") || !strcmp(q, "11") || !strcmp(q, "165")) &&
               !b->port[0]) {
        txt(ic, seg, 2, 1, b->port, sizeof(b->port));
    }
}

static int segment(void *ctx, struct bol_edi_interchange *ic, size_t msg,
                   const struct bol_edi_seg *seg, struct bol_diag *diag)
{
    struct bol_edi_equipment *e = ctx;
    struct bol_edi_boxes *b = &e->msgs[msg];
    struct bol_edi_box *x;
    const char *t = seg->tag;
    char q[8], q2[8], v[40], u[8];
    struct bol_diag d;

    if (!strcmp(t, "EQD"))
        return new_box(ic, msg, b, seg);
    txt(ic, seg, 1, 1, q, sizeof(q));
    if (!b->n) { /* the message's header */
        header(ic, b, seg, q);
        return 0;
    }
    x = &b->v[b->n - 1];
    bol_diag_init(&d);
    if (!strcmp(t, "RFF")) {
        if (!strcmp(q, "BN"))
            txt(ic, seg, 1, 2, x->booking, sizeof(x->booking));
        else if (!strcmp(q, "BM"))
            txt(ic, seg, 1, 2, x->bl, sizeof(x->bl));
    } else if (!strcmp(t, "LOC")) {
        if (!strcmp(q, "9"))
            txt(ic, seg, 2, 1, x->pol, sizeof(x->pol));
        else if (!strcmp(q, "11"))
            txt(ic, seg, 2, 1, x->pod, sizeof(x->pod));
        else if (!strcmp(q, "147")) {
            txt(ic, seg, 2, 1, x->cell, sizeof(x->cell));
            x->cell_offset = seg->offset;
            x->cell_segment = seg->number;
        }
    } else if (!strcmp(t, "TDT")) {
        if (!strcmp(q, "1"))
            txt(ic, seg, 8, 1, x->truck, sizeof(x->truck));
    } else if (!strcmp(t, "DTM")) {
        if ((!strcmp(q, "203") || !strcmp(q, "7")) && !x->at[0]) {
            txt(ic, seg, 1, 2, x->at, sizeof(x->at));
            txt(ic, seg, 1, 3, x->at_format, sizeof(x->at_format));
        }
    } else if (!strcmp(t, "MEA")) {
        txt(ic, seg, 2, 1, q2, sizeof(q2));
        if ((!strcmp(q, "WT") || !strcmp(q, "AAE")) && (!strcmp(q2, "G") || !q2[0])) {
            txt(ic, seg, 3, 1, u, sizeof(u));
            txt(ic, seg, 3, 2, v, sizeof(v));
            if (bol_mass_parse(bol_str_from(v), bol_str_from(u), ',', &x->gross_kg, &d) < 0)
                return refuse(diag, 3, "gross mass", v, d.msg);
            return 0;
        }
        if (strcmp(q, "VGM") != 0 && strcmp(q2, "VGM") != 0)
            return 0;
        b->vgm++;
        txt(ic, seg, 3, 1, u, sizeof(u));
        txt(ic, seg, 3, 2, v, sizeof(v));
        if (bol_mass_parse(bol_str_from(v), bol_str_from(u), ',', &x->vgm_kg, &d) < 0)
            return refuse(diag, 3, "VGM", v, d.msg);
    } else if (!strcmp(t, "TMP")) {
        b->reefers++;
        txt(ic, seg, 2, 1, v, sizeof(v));
        txt(ic, seg, 2, 2, u, sizeof(u));
        if (bol_temp_parse(bol_str_from(v), bol_str_from(u), ',', &x->temp_c10, &d) < 0)
            return refuse(diag, 2, "temperature", v, d.msg);
        x->reefer = true;
    } else if (!strcmp(t, "DGS")) {
        struct bol_imdg_class cls;
        uint16_t un = 0;

        b->dg_lines++;
        txt(ic, seg, 2, 1, v, sizeof(v));
        if (bol_edi_dgs_class(ic, msg, seg, v, &cls, diag) < 0)
            return BOL_E_INVAL;
        txt(ic, seg, 3, 1, v, sizeof(v));
        if (v[0] && bol_un_number_parse(bol_str_from(v), &un, &d) < 0)
            return refuse(diag, 3, "UN number", v, d.msg);
        if (x->ndg == 0) {
            x->dg_class = cls;
            x->dg_un = un;
        }
        if (x->ndg < BOL_ARRAY_SIZE(x->dg)) {
            x->dg[x->ndg].cls = cls;
            x->dg[x->ndg].un = un;
        }
        x->ndg++;
    } else if (!strcmp(t, "DOC")) {
        if (!strcmp(q, "SM1") || !strcmp(q, "SM2"))
            snprintf(x->vgm_method, sizeof(x->vgm_method), "%s", q);
    } else if (!strcmp(t, "SEL")) {
        size_t len = strlen(x->seal_text);

        txt(ic, seg, 1, 1, v, sizeof(v));
        if (v[0] && len + strlen(v) + 2 < sizeof(x->seal_text))
            snprintf(x->seal_text + len, sizeof(x->seal_text) - len, "%s%s", len ? ", " : "", v);
        x->seals++;
    } else if (!strcmp(t, "NAD") && (!strcmp(q, "CF") || !strcmp(q, "CA"))) {
        txt(ic, seg, 2, 1, x->line, sizeof(x->line));
    }
    return 0;
}

int bol_edi_equipment_read(const char *p, size_t n, const struct bol_edi_limits *lim,
                           struct bol_edi_equipment *out)
{
    static const struct bol_edi_handler h = { begin, segment, NULL };

    memset(out, 0, sizeof(*out));
    return bol_edi_walk(p, n, lim, &h, out, &out->ic);
}

void bol_edi_equipment_release(struct bol_edi_equipment *e)
{
    size_t i;

    for (i = 0; i < e->ic.nmsgs && i < e->cap; i++)
        bol_free(e->msgs[i].v);
    bol_free(e->msgs);
    bol_edi_interchange_release(&e->ic);
    memset(e, 0, sizeof(*e));
}
