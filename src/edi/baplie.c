/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baplie.c - BAPLIE in (SMDG 1.5, 2.0, 2.1, 2.2, 3.1) and out (2.2, 3.1)
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "baplie.h"
#include "edifact_write.h"
#include "equipment.h"
#include "mem.h"
#include "utctime.h"

struct reader {
    struct bol_baplie_set *set;
    int cur;       /* plan of the open message, or -1 */
    bool v15;      /* SMDG 1.5: directory 1:911 */
    bool in_slots; /* past the first LOC+147 */
    bool v31;      /* SMDG 3.x: D.13B */
    bool in_dgs;   /* past a DGS of the open slot: its MEA, ATT and FTX are the DG line's */
};

/* A value's text into out; "" when it does not fit. */
static const char *txt(const struct bol_edi_interchange *ic, const struct bol_edi_seg *seg,
                       unsigned e, unsigned c, char *out, size_t size)
{
    if (bol_edi_text(&ic->syn, bol_edi_get(seg, e, c), out, size) < 0)
        out[0] = '\0';
    return out;
}

static int fail(struct bol_diag *diag, unsigned element, const char *field, const char *why,
                const char *value)
{
    int rc = bol_diag_fail(diag, BOL_E_INVAL, field, "%s '%.40s': %s", field, value, why);

    diag->element = element;
    return rc;
}

static int begin(void *ctx, struct bol_edi_interchange *ic, size_t msg)
{
    struct reader *r = ctx;
    struct bol_baplie_set *s = r->set;
    struct bol_baplie *b;

    r->cur = -1;
    r->in_slots = false;
    if (strcmp(ic->msgs[msg].type, "BAPLIE") != 0)
        return 0;
    if (s->nplans == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 2;
        struct bol_baplie *a = bol_realloc(s->plans, cap * sizeof(*a));

        if (!a)
            return BOL_E_NOMEM;
        s->plans = a;
        s->cap = cap;
    }
    b = &s->plans[s->nplans];
    memset(b, 0, sizeof(*b));
    b->msg = msg;
    snprintf(b->smdg, sizeof(b->smdg), "%s", ic->msgs[msg].assoc);
    r->v15 = strcmp(ic->msgs[msg].version, "1") == 0;
    r->v31 = !strcmp(ic->msgs[msg].release, "13B") || !strncmp(ic->msgs[msg].assoc, "SMDG3", 5);
    b->v31 = r->v31;
    r->cur = (int) s->nplans++;
    return 0;
}

static struct bol_baplie_slot *new_slot(struct bol_baplie *b, const struct bol_edi_seg *seg)
{
    struct bol_baplie_slot *sl;

    if (b->nslots == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        struct bol_baplie_slot *a = bol_realloc(b->slots, cap * sizeof(*a));

        if (!a)
            return NULL;
        b->slots = a;
        b->cap = cap;
    }
    sl = &b->slots[b->nslots++];
    memset(sl, 0, sizeof(*sl));
    sl->offset = seg->offset;
    sl->segment = seg->number;
    return sl;
}

static int warn(struct bol_edi_interchange *ic, size_t msg, const struct bol_edi_seg *seg,
                unsigned element, const char *what, const char *value, const char *why)
{
    char text[BOL_DIAG_MSG_MAX];

    snprintf(text, sizeof(text), "%s '%.40s': %.160s", what, value, why);
    return bol_edi_note(ic, (int) msg, false, seg, element, text);
}

/* The last slot is complete: a cell without a box is reserved, or blocked (3.1). */
static void close_slot(struct bol_baplie *b)
{
    struct bol_baplie_slot *sl = b->nslots ? &b->slots[b->nslots - 1] : NULL;

    if (!sl || sl->has_box)
        return;
    sl->blocked = b->v31 && sl->remark && !sl->eqd;
    if (sl->blocked)
        b->blocked++;
    else
        b->reserved++;
}

static int stowage(struct bol_edi_interchange *ic, size_t msg, struct bol_baplie *b,
                   const struct bol_edi_seg *seg)
{
    struct bol_baplie_slot *sl;
    struct bol_diag d;

    close_slot(b);
    sl = new_slot(b, seg);

    if (!sl)
        return BOL_E_NOMEM;
    txt(ic, seg, 2, 1, sl->cell_text, sizeof(sl->cell_text));
    bol_diag_init(&d);
    sl->cell_ok = bol_cell_parse(bol_str_from(sl->cell_text), &sl->cell, &d) == 0;
    if (!sl->cell_ok)
        return warn(ic, msg, seg, 2, "stowage cell", sl->cell_text, d.msg);
    return 0;
}

static int mass(struct bol_edi_interchange *ic, const struct bol_edi_seg *seg,
                struct bol_baplie_slot *sl, struct bol_diag *diag)
{
    char q1[8], q2[8], unit[8], value[32];
    uint32_t kg;
    struct bol_diag d;
    bool vgm;

    txt(ic, seg, 1, 1, q1, sizeof(q1));
    txt(ic, seg, 2, 1, q2, sizeof(q2));
    vgm = !strcmp(q1, "VGM") || !strcmp(q2, "VGM");
    if (!vgm && strcmp(q1, "WT") != 0 && strcmp(q2, "G") != 0 && strcmp(q2, "AET") != 0 &&
        strcmp(q2, "WT") != 0) /* 3.1 writes AAE+AET, some senders AAE+WT */
        return 0;              /* a dimension or another measure: not a mass */
    txt(ic, seg, 3, 1, unit, sizeof(unit));
    txt(ic, seg, 3, 2, value, sizeof(value));
    bol_diag_init(&d);
    if (bol_mass_parse(bol_str_from(value), bol_str_from(unit), ',', &kg, &d) < 0)
        return fail(diag, 3, vgm ? "VGM" : "gross mass", d.msg, value);
    if (vgm)
        sl->vgm_kg = kg;
    else
        sl->gross_kg = kg;
    return 0;
}

static int equipment(struct bol_edi_interchange *ic, size_t msg, struct bol_baplie *b,
                     const struct bol_edi_seg *seg, struct bol_baplie_slot *sl)
{
    char st[8], status[4];
    struct bol_diag d;
    int rc;

    if (sl->eqd) {
        /* Another box in the same cell (a bundle, two on a flat): a slot of its own. */
        struct bol_baplie_slot *more;

        close_slot(b); /* the slot before is complete: counted if it holds no box */
        more = new_slot(b, seg);

        if (!more)
            return BOL_E_NOMEM;
        sl = &b->slots[b->nslots - 2]; /* new_slot may have moved the array */
        memcpy(more->cell_text, sl->cell_text, sizeof(more->cell_text));
        more->cell = sl->cell;
        more->cell_ok = sl->cell_ok;
        memcpy(more->pol, sl->pol, sizeof(more->pol));
        memcpy(more->pod, sl->pod, sizeof(more->pod));
        memcpy(more->final_pod, sl->final_pod, sizeof(more->final_pod));
        sl = more;
    }
    sl->eqd = true;
    b->containers++;
    txt(ic, seg, 2, 1, sl->id_text, sizeof(sl->id_text));
    txt(ic, seg, 3, 1, st, sizeof(st));
    snprintf(sl->st_text, sizeof(sl->st_text), "%.11s", st);
    txt(ic, seg, 6, 1, status, sizeof(status));
    sl->full = strcmp(status, "4") != 0;
    if (st[0]) {
        bol_diag_init(&d);
        sl->st_ok = bol_sizetype_parse(bol_str_from(st), &sl->st, &d) == 0;
        if (!sl->st_ok && (rc = warn(ic, msg, seg, 3, "size-type", st, d.msg)) < 0)
            return rc;
    }
    if (!sl->id_text[0]) /* a reserved or empty slot */
        return 0;
    sl->has_box = true;
    bol_diag_init(&d);
    sl->id_ok = bol_container_id_normalize(bol_str_from(sl->id_text), &sl->id, &d) == 0;
    if (!sl->id_ok) {
        b->not_container_number++;
        return warn(ic, msg, seg, 2, "container number", sl->id_text, d.msg);
    }
    bol_diag_init(&d);
    sl->check_ok = bol_container_id_verify(&sl->id, &d) == 0;
    if (!sl->check_ok) {
        b->check_digit_wrong++;
        return warn(ic, msg, seg, 2, "container number", sl->id_text, d.msg);
    }
    return 0;
}

static int dangerous(struct bol_edi_interchange *ic, struct bol_baplie *b,
                     const struct bol_edi_seg *seg, struct bol_baplie_slot *sl,
                     struct bol_diag *diag)
{
    char cls[12], un[12];
    struct bol_baplie_dg dg;
    struct bol_diag d;

    b->dg_lines++;
    memset(&dg, 0, sizeof(dg));
    txt(ic, seg, 2, 1, cls, sizeof(cls));
    txt(ic, seg, 3, 1, un, sizeof(un));
    bol_diag_init(&d);
    if (bol_edi_dgs_class(ic, b->msg, seg, cls, &dg.cls, diag) < 0)
        return BOL_E_INVAL;
    if (un[0] && bol_un_number_parse(bol_str_from(un), &dg.un, &d) < 0)
        return fail(diag, 3, "UN number", d.msg, un);
    if (sl->ndg < BOL_BAPLIE_DG_MAX)
        sl->dg[sl->ndg] = dg;
    sl->ndg++;
    return 0;
}

/* 3.1: a remark on the location (FTX text, RFF of what blocks it): the reason if it is blocked. */
static int remark(struct bol_edi_interchange *ic, const struct bol_edi_seg *seg,
                  struct bol_baplie_slot *sl)
{
    char v[72];
    size_t k = strlen(sl->reason);

    sl->remark = true;
    if (!strcmp(seg->tag, "FTX"))
        txt(ic, seg, 4, 1, v, sizeof(v));
    else {
        char q[8], id[40];

        txt(ic, seg, 1, 1, q, sizeof(q));
        txt(ic, seg, 1, 2, id, sizeof(id));
        snprintf(v, sizeof(v), "%s%s%.35s", q, id[0] ? " " : "", id);
    }
    if (v[0] && k + 3 < sizeof(sl->reason)) { /* as much as fits */
        size_t room, n;

        if (k) {
            memcpy(sl->reason + k, "; ", 2);
            k += 2;
        }
        room = sizeof(sl->reason) - 1 - k;
        n = strlen(v) < room ? strlen(v) : room;
        while (n && n < strlen(v) && ((unsigned char) v[n] & 0xC0) == 0x80)
            n--; /* not inside a UTF-8 character */
        memcpy(sl->reason + k, v, n);
        sl->reason[k + n] = '\0';
    }
    return 0;
}

/*
 * DIM: out of gauge.  Qualifier 5 front and 6 back (length), 7 right and 8
 * left (width), 9 height; the value in the component of its axis, or the
 * first one given (senders differ), in CMT (1.5: CM), MMT, MTR or INH.  Other
 * qualifiers (the box's own size) are not out-of-gauge.
 */
static int dimension(struct bol_edi_interchange *ic, const struct bol_edi_seg *seg,
                     struct bol_baplie_slot *sl, struct bol_diag *diag)
{
    static const char *const quals[] = { "5", "6", "7", "8", "9" };
    uint16_t *dst[5] = { &sl->oog_front_cm, &sl->oog_back_cm, &sl->oog_right_cm, &sl->oog_left_cm,
                         &sl->oog_top_cm };
    char q[8], unit[8], value[24];
    unsigned i, c;
    int64_t v;

    txt(ic, seg, 1, 1, q, sizeof(q));
    for (i = 0; i < 5 && strcmp(q, quals[i]) != 0; i++)
        ;
    if (i == 5)
        return 0;
    txt(ic, seg, 2, 1, unit, sizeof(unit));
    for (c = 2; c <= 4; c++) {
        if (txt(ic, seg, 2, c, value, sizeof(value))[0])
            break;
    }
    if (c > 4)
        return fail(diag, 2, "out-of-gauge dimension", "no value given", q);
    if (bol_edi_decimal(&ic->syn, bol_edi_get(seg, 2, c), 2, &v) < 0 || v < 0)
        return fail(diag, 2, "out-of-gauge dimension", "not a number", value);
    if (!strcmp(unit, "CMT") || !strcmp(unit, "CM")) /* 1.5 writes CM */
        v = v / 100;
    else if (!strcmp(unit, "MMT"))
        v = v / 1000;
    else if (!strcmp(unit, "INH"))
        v = v * 254 / 10000;
    else if (strcmp(unit, "MTR") != 0) /* metres scaled by 100 are centimetres */
        return fail(diag, 2, "out-of-gauge unit", "not CMT, MMT, MTR or INH", unit);
    if (v > 10000)
        return fail(diag, 2, "out-of-gauge dimension", "over 100 m", value);
    *dst[i] = (uint16_t) v;
    sl->oog = true;
    return 0;
}

static void header(struct bol_edi_interchange *ic, struct reader *r, struct bol_baplie *b,
                   const struct bol_edi_seg *seg)
{
    char q[8];

    if (!strcmp(seg->tag, "TDT") && !b->voyage[0]) {
        unsigned e = r->v15 ? 4 : 8; /* C222: element 4 in D.911, 8 from D.93A */

        txt(ic, seg, 2, 1, b->voyage, sizeof(b->voyage));
        txt(ic, seg, e, 1, b->vessel_id, sizeof(b->vessel_id));
        txt(ic, seg, e, 4, b->vessel, sizeof(b->vessel));
        txt(ic, seg, r->v15 ? 6 : 5, 1, b->carrier, sizeof(b->carrier));
    } else if (!strcmp(seg->tag, "NAD") && !b->carrier[0] &&
               bol_edi_is(&ic->syn, bol_edi_get(seg, 1, 1), "CA")) {
        txt(ic, seg, 2, 1, b->carrier, sizeof(b->carrier)); /* 3.1: the operator */
    } else if (!strcmp(seg->tag, "LOC")) {
        txt(ic, seg, 1, 1, q, sizeof(q));
        if (!strcmp(q, "5"))
            txt(ic, seg, 2, 1, b->departure, sizeof(b->departure));
        else if (!strcmp(q, "61"))
            txt(ic, seg, 2, 1, b->next_port, sizeof(b->next_port));
    }
}

static int segment(void *ctx, struct bol_edi_interchange *ic, size_t msg,
                   const struct bol_edi_seg *seg, struct bol_diag *diag)
{
    struct reader *r = ctx;
    struct bol_baplie *b;
    struct bol_baplie_slot *sl;
    const char *t = seg->tag;
    char q[8];
    struct bol_diag d;

    if (r->cur >= 0 && (!strcmp(t, "UNT") || !strcmp(t, "CNT")))
        close_slot(&r->set->plans[r->cur]);
    if (r->cur < 0) {
        char text[64];

        snprintf(text, sizeof(text), "a %s message, not a BAPLIE", ic->msgs[msg].type);
        return bol_diag_fail(diag, BOL_E_INVAL, "UNH", "%s", text);
    }
    b = &r->set->plans[r->cur];
    if (!strcmp(t, "LOC") && bol_edi_is(&ic->syn, bol_edi_get(seg, 1, 1), "147")) {
        r->in_slots = true;
        r->in_dgs = false;
        return stowage(ic, msg, b, seg);
    }
    if (!r->in_slots || !strcmp(t, "UNT") || !strcmp(t, "CNT")) {
        header(ic, r, b, seg);
        return 0;
    }
    sl = &b->slots[b->nslots - 1];
    if (!strcmp(t, "EQD")) {
        r->in_dgs = false;
        return equipment(ic, msg, b, seg, sl);
    }
    if (r->in_dgs && (!strcmp(t, "MEA") || !strcmp(t, "FTX") || !strcmp(t, "ATT")))
        return 0; /* 3.1: the DG line's own measures and texts */
    if ((!strcmp(t, "FTX") || !strcmp(t, "RFF")) && r->v31 && !sl->eqd)
        return remark(ic, seg, sl);
    if (!strcmp(t, "MEA")) {
        int rc = mass(ic, seg, sl, diag);

        if (rc == 0 && (bol_edi_is(&ic->syn, bol_edi_get(seg, 1, 1), "VGM") ||
                        bol_edi_is(&ic->syn, bol_edi_get(seg, 2, 1), "VGM")))
            b->vgm++;
        return rc;
    }
    if (!strcmp(t, "TMP")) {
        char value[16], unit[8];

        b->reefers++;
        txt(ic, seg, 2, 1, value, sizeof(value));
        txt(ic, seg, 2, 2, unit, sizeof(unit));
        bol_diag_init(&d);
        if (bol_temp_parse(bol_str_from(value), bol_str_from(unit), ',', &sl->temp_c10, &d) < 0)
            return fail(diag, 2, "temperature", d.msg, value);
        sl->reefer = true;
        return 0;
    }
    if (!strcmp(t, "DGS")) {
        r->in_dgs = true;
        return dangerous(ic, b, seg, sl, diag);
    }
    if (!strcmp(t, "DIM"))
        return dimension(ic, seg, sl, diag);
    if (!strcmp(t, "NAD")) {
        txt(ic, seg, 1, 1, q, sizeof(q));
        if (!strcmp(q, "CA") || (r->v31 && !strcmp(q, "CF")))
            txt(ic, seg, 2, 1, sl->line, sizeof(sl->line));
        return 0;
    }
    if (!strcmp(t, "LOC")) {
        txt(ic, seg, 1, 1, q, sizeof(q));
        if (!strcmp(q, "9") || (r->v15 && !strcmp(q, "6")))
            txt(ic, seg, 2, 1, sl->pol, sizeof(sl->pol));
        else if (!strcmp(q, "11") || (r->v15 && !strcmp(q, "12")))
            txt(ic, seg, 2, 1, sl->pod, sizeof(sl->pod));
        else if (!strcmp(q, "83"))
            txt(ic, seg, 2, 1, sl->final_pod, sizeof(sl->final_pod));
    }
    return 0;
}

int bol_baplie_read(const char *p, size_t n, const struct bol_edi_limits *lim,
                    struct bol_baplie_set *out)
{
    static const struct bol_edi_handler h = { begin, segment, NULL };
    struct reader r = { out, -1, false, false, false, false };

    memset(out, 0, sizeof(*out));
    return bol_edi_walk(p, n, lim, &h, &r, &out->ic);
}

void bol_baplie_set_release(struct bol_baplie_set *s)
{
    size_t i;

    for (i = 0; i < s->nplans; i++)
        bol_free(s->plans[i].slots);
    bol_free(s->plans);
    bol_edi_interchange_release(&s->ic);
    memset(s, 0, sizeof(*s));
}

/* ---- BAPLIE out ---- */

/* Whether every text written passes test (the character repertoire). */
static bool all_texts(const struct bol_baplie *b, const struct bol_baplie_envelope *env,
                      bool (*test)(const char *))
{
    size_t i;
    bool ok = test(env->sender) && test(env->recipient) && test(env->control) && test(b->vessel) &&
              test(b->vessel_id) && test(b->voyage) && test(b->carrier);

    for (i = 0; ok && i < b->nslots; i++) {
        const struct bol_baplie_slot *sl = &b->slots[i];

        ok = test(sl->cell_text) && test(sl->id_text) && test(sl->line) && test(sl->pol) &&
             test(sl->pod) && test(sl->final_pod) && test(sl->reason);
    }
    return ok;
}

/* DIM 5..9 for each out-of-gauge side, the value in its axis' component. */
static void write_oog(struct bol_edi_writer *w, const struct bol_baplie_slot *sl)
{
    if (sl->oog_front_cm)
        (void) bol_edi_put(w, "DIM+5+CMT:%u", sl->oog_front_cm);
    if (sl->oog_back_cm)
        (void) bol_edi_put(w, "DIM+6+CMT:%u", sl->oog_back_cm);
    if (sl->oog_right_cm)
        (void) bol_edi_put(w, "DIM+7+CMT::%u", sl->oog_right_cm);
    if (sl->oog_left_cm)
        (void) bol_edi_put(w, "DIM+8+CMT::%u", sl->oog_left_cm);
    if (sl->oog_top_cm)
        (void) bol_edi_put(w, "DIM+9+CMT:::%u", sl->oog_top_cm);
}

static void write_dgs(struct bol_edi_writer *w, const struct bol_baplie_slot *sl)
{
    char cls[5], un[8];
    unsigned k;

    for (k = 0; k < sl->ndg && k < BOL_BAPLIE_DG_MAX; k++) {
        bol_imdg_class_format(&sl->dg[k].cls, cls);
        if (sl->dg[k].un)
            snprintf(un, sizeof(un), "%04u", sl->dg[k].un);
        else
            un[0] = '\0';
        (void) bol_edi_put(w, "DGS+IMD+%s+%s", cls, un);
    }
}

static void cell_of(const struct bol_baplie_slot *sl, char cell[BOL_CELL_TEXT_MAX + 4])
{
    if (sl->cell_ok)
        snprintf(cell, BOL_CELL_TEXT_MAX + 4, "%03u%02u%02u", sl->cell.bay, sl->cell.row,
                 sl->cell.tier);
    else
        snprintf(cell, BOL_CELL_TEXT_MAX + 4, "%s", sl->cell_text);
}

/* SMDG 3.1: LOC+147 (FTX) EQD NAD MEA DIM TMP LOC DGS, the D.13B group order. */
static void write_slot31(struct bol_edi_writer *w, const struct bol_baplie_slot *sl)
{
    char cell[BOL_CELL_TEXT_MAX + 4], t[8];

    cell_of(sl, cell);
    (void) bol_edi_put(w, "LOC+147+%s::5", cell);
    if (sl->blocked) {
        (void) bol_edi_put(w, "FTX+AAI+++%s", sl->reason[0] ? sl->reason : "BLOCKED");
        return;
    }
    if (!sl->eqd)
        return;
    if (sl->has_box && sl->st_ok)
        (void) bol_edi_put(w, "EQD+CN+%s+%s+++%s", sl->id_ok ? sl->id.s : sl->id_text, sl->st.code,
                           sl->full ? "5" : "4");
    else if (sl->has_box)
        (void) bol_edi_put(w, "EQD+CN+%s++++%s", sl->id_ok ? sl->id.s : sl->id_text,
                           sl->full ? "5" : "4");
    else if (sl->st_ok)
        (void) bol_edi_put(w, "EQD+CN++%s+++%s", sl->st.code, sl->full ? "5" : "4");
    else
        (void) bol_edi_put(w, "EQD+CN+++++%s", sl->full ? "5" : "4");
    if (sl->line[0])
        (void) bol_edi_put(w, "NAD+CF+%s:172:20", sl->line);
    if (sl->vgm_kg)
        (void) bol_edi_put(w, "MEA+AAE+VGM+KGM:%u", sl->vgm_kg);
    if (sl->gross_kg)
        (void) bol_edi_put(w, "MEA+AAE+AET+KGM:%u", sl->gross_kg);
    write_oog(w, sl);
    if (sl->reefer) {
        bol_temp_format(sl->temp_c10, t);
        (void) bol_edi_put(w, "TMP+2+%s:CEL", t);
    }
    if (sl->pol[0])
        (void) bol_edi_put(w, "LOC+9+%s:139:6", sl->pol);
    if (sl->pod[0])
        (void) bol_edi_put(w, "LOC+11+%s:139:6", sl->pod);
    if (sl->final_pod[0])
        (void) bol_edi_put(w, "LOC+83+%s:139:6", sl->final_pod);
    write_dgs(w, sl);
}

static void write_slot(struct bol_edi_writer *w, const struct bol_baplie_slot *sl)
{
    char cell[BOL_CELL_TEXT_MAX + 4], t[8];

    if (sl->blocked)
        return; /* 2.2 cannot say so */
    cell_of(sl, cell);
    (void) bol_edi_put(w, "LOC+147+%s::5", cell);
    if (sl->gross_kg)
        (void) bol_edi_put(w, "MEA+WT++KGM:%u", sl->gross_kg);
    if (sl->vgm_kg)
        (void) bol_edi_put(w, "MEA+VGM++KGM:%u", sl->vgm_kg);
    if (sl->reefer) {
        bol_temp_format(sl->temp_c10, t);
        (void) bol_edi_put(w, "TMP+2+%s:CEL", t);
    }
    if (sl->pol[0])
        (void) bol_edi_put(w, "LOC+9+%s:139:6", sl->pol);
    if (sl->pod[0])
        (void) bol_edi_put(w, "LOC+11+%s:139:6", sl->pod);
    if (sl->final_pod[0])
        (void) bol_edi_put(w, "LOC+83+%s:139:6", sl->final_pod);
    if (!sl->eqd)
        return;
    (void) bol_edi_put(w, "RFF+BM:1");
    (void) bol_edi_put(w, "EQD+CN+%s+%s+++%s", sl->id_ok ? sl->id.s : sl->id_text,
                       sl->st_ok ? sl->st.code : "", sl->full ? "5" : "4");
    if (sl->line[0])
        (void) bol_edi_put(w, "NAD+CA+%s:172:20", sl->line);
    write_oog(w, sl);
    write_dgs(w, sl);
}

int bol_baplie_write(const struct bol_baplie *b, const struct bol_baplie_envelope *env,
                     struct bol_buf *out)
{
    return bol_baplie_write_as(b, env, BOL_BAPLIE_22, out);
}

int bol_baplie_write_as(const struct bol_baplie *b, const struct bol_baplie_envelope *env,
                        enum bol_baplie_version version, struct bol_buf *out)
{
    struct bol_edi_writer w;
    struct bol_civil c;
    char stamp[16];
    size_t i;
    bool imo = strlen(b->vessel_id) == 7 && strspn(b->vessel_id, "0123456789") == 7;
    bool unoa = all_texts(b, env, bol_edi_unoa);

    if (bol_time_to_civil(env->prepared_us, 0, &c) < 0)
        return BOL_E_INVAL;
    snprintf(stamp, sizeof(stamp), "%04d%02d%02d%02d%02d", c.year, c.month, c.day, c.hour,
             c.minute);
    bol_edi_writer_init(&w, out, true);
    if (bol_edi_put_unb(&w, unoa, !unoa && all_texts(b, env, bol_edi_latin1), env->sender,
                        env->recipient, env->prepared_us, env->control) < 0)
        return BOL_E_INVAL;
    bol_edi_count_reset(&w);
    if (version == BOL_BAPLIE_31) {
        (void) bol_edi_put(&w, "UNH+%s+BAPLIE:D:13B:UN:SMDG31", env->control);
        (void) bol_edi_put(&w, "BGM+658+%s+9", env->control);
        (void) bol_edi_put(&w, "DTM+137:%s:203", stamp);
        if (b->carrier[0])
            (void) bol_edi_put(&w, "NAD+CA+%s:172:20", b->carrier);
        (void) bol_edi_put(
            &w, imo ? "TDT+20+%s+++%s%s+++%s::11:%s" : "TDT+20+%s+++%s%s+++%s:103::%s", b->voyage,
            b->carrier, b->carrier[0] ? ":172:20" : "", b->vessel_id, b->vessel);
        if (b->voyage[0])
            (void) bol_edi_put(&w, "RFF+VON:%s", b->voyage);
        if (b->departure[0])
            (void) bol_edi_put(&w, "LOC+5+%s:139:6", b->departure);
        if (b->next_port[0])
            (void) bol_edi_put(&w, "LOC+61+%s:139:6", b->next_port);
        for (i = 0; i < b->nslots; i++)
            write_slot31(&w, &b->slots[i]);
        (void) bol_edi_put(&w, "UNT+%u+%s", w.segments + 1, env->control);
        (void) bol_edi_put(&w, "UNZ+1+%s", env->control);
        return w.err;
    }
    (void) bol_edi_put(&w, "UNH+%s+BAPLIE:D:95B:UN:SMDG22", env->control);
    (void) bol_edi_put(&w, "BGM++%s+9", env->control);
    (void) bol_edi_put(&w, "DTM+137:%s:203", stamp);
    (void) bol_edi_put(&w, "TDT+20+%s+++%s:172:20+++%s:%s::%s", b->voyage, b->carrier, b->vessel_id,
                       imo ? "146" : "103", b->vessel);
    if (b->departure[0])
        (void) bol_edi_put(&w, "LOC+5+%s:139:6", b->departure);
    if (b->next_port[0])
        (void) bol_edi_put(&w, "LOC+61+%s:139:6", b->next_port);
    for (i = 0; i < b->nslots; i++)
        write_slot(&w, &b->slots[i]);
    (void) bol_edi_put(&w, "UNT+%u+%s", w.segments + 1, env->control);
    (void) bol_edi_put(&w, "UNZ+1+%s", env->control);
    return w.err;
}
