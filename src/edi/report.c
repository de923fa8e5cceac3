/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.c - COARRI and CODECO move reports, out and in (report.h)
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "edifact_write.h"
#include "errors.h"
#include "mem.h"
#include "report.h"
#include "str.h"
#include "utctime.h"

const char *const bol_report_kind_names[] = { "discharge", "load", "gate-in", "gate-out", NULL };

/* BGM 1001 of each kind as written, and the codes read as it. */
static const char *const doc_written[] = { "98", "270", "34", "36" };
static const struct {
    const char *code;
    enum bol_report_kind kind;
} doc_read[] = {
    { "98", BOL_REPORT_DISCHARGE }, { "119", BOL_REPORT_DISCHARGE }, { "270", BOL_REPORT_LOAD },
    { "122", BOL_REPORT_LOAD },     { "34", BOL_REPORT_GATE_IN },    { "36", BOL_REPORT_GATE_OUT },
};

/*
 * The category of a box as EQD 8249 (equipment status): 2 export, 3 import,
 * 4 remain on board, 6 transshipment.  Storage and empty boxes have no code:
 * the status element (full or empty) tells them apart when read back.
 */
static const char *const status_code[BOL_CAT_COUNT] = {
    [BOL_CAT_IMPORT] = "3", [BOL_CAT_EXPORT] = "2", [BOL_CAT_TRANSSHIPMENT] = "6",
    [BOL_CAT_STORAGE] = "", [BOL_CAT_EMPTY] = "",   [BOL_CAT_THROUGH] = "4",
};

static bool is_coarri(enum bol_report_kind k)
{
    return k == BOL_REPORT_DISCHARGE || k == BOL_REPORT_LOAD;
}

/* ---- out ---- */

static bool box_texts(const struct bol_container *c, bool (*test)(const char *))
{
    return test(c->id.s) && test(c->sizetype) && test(c->line) && test(c->seals) && test(c->pol) &&
           test(c->pod) && test(c->booking) && test(c->bl);
}

static bool all_texts(const struct bol_report *r, size_t n, const struct bol_report_envelope *env,
                      bool (*test)(const char *))
{
    size_t i, k;
    bool ok = test(env->sender) && test(env->recipient) && test(env->control);

    for (i = 0; ok && i < n; i++) {
        ok = test(r[i].ref) && test(r[i].port) && test(r[i].vessel) && test(r[i].vessel_id) &&
             test(r[i].voyage) && test(r[i].carrier);
        for (k = 0; ok && k < r[i].n; k++)
            ok = box_texts(&r[i].boxes[k].c, test) && test(r[i].boxes[k].plate);
    }
    return ok;
}

/* CCYYMMDDHHMM, UTC. */
static int stamp(int64_t at_us, char out[16])
{
    struct bol_civil c;

    if (bol_time_to_civil(at_us, 0, &c) < 0)
        return BOL_E_INVAL;
    snprintf(out, 16, "%04d%02d%02d%02d%02d", c.year, c.month, c.day, c.hour, c.minute);
    return 0;
}

/* Each seal of a "A, B" list as one SEL segment. */
static void write_seals(struct bol_edi_writer *w, const char *seals)
{
    struct bol_str rest = bol_str_from(seals), one;
    char text[BOL_SEALS_MAX + 1];

    while (bol_str_next_token(&rest, ',', &one)) {
        one = bol_str_trim(one);
        if (!one.len)
            continue;
        snprintf(text, sizeof(text), "%.*s", (int) one.len, one.p);
        (void) bol_edi_put(w, "SEL+%s+CA", text);
    }
}

static int write_box(struct bol_edi_writer *w, enum bol_report_kind kind,
                     const struct bol_report_box *b)
{
    const struct bol_container *c = &b->c;
    char at[16], t[8], cls[5];
    unsigned k;

    if (stamp(b->at_us, at) < 0)
        return BOL_E_INVAL;
    (void) bol_edi_put(w, "EQD+CN+%s+%s:102:5++%s+%s", c->id.s, c->sizetype,
                       status_code[c->category], c->full ? "5" : "4");
    if (c->booking[0])
        (void) bol_edi_put(w, "RFF+BN:%s", c->booking);
    if (c->bl[0])
        (void) bol_edi_put(w, "RFF+BM:%s", c->bl);
    (void) bol_edi_put(w, is_coarri(kind) ? "DTM+203:%s:203" : "DTM+7:%s:203", at);
    if (c->pol[0])
        (void) bol_edi_put(w, "LOC+9+%s:139:6", c->pol);
    if (c->pod[0])
        (void) bol_edi_put(w, "LOC+11+%s:139:6", c->pod);
    if (b->cell[0])
        (void) bol_edi_put(w, "LOC+147+%s::5", b->cell);
    if (c->gross_kg)
        (void) bol_edi_put(w, "MEA+AAE+G+KGM:%u", c->gross_kg);
    if (c->vgm_kg)
        (void) bol_edi_put(w, "MEA+AAE+VGM+KGM:%u", c->vgm_kg);
    if (bol_container_is_reefer(c) && c->reefer_on) {
        bol_temp_format(c->setpoint_c10, t);
        (void) bol_edi_put(w, "TMP+2+%s:CEL", t);
    }
    write_seals(w, c->seals);
    for (k = 0; k < c->ndg && k < BOL_DG_MAX; k++) {
        char un[8] = "";

        bol_imdg_class_format(&c->dg[k].cls, cls);
        if (c->dg[k].un)
            snprintf(un, sizeof(un), "%04u", c->dg[k].un);
        (void) bol_edi_put(w, "DGS+IMD+%s+%s", cls, un);
    }
    if (c->line[0])
        (void) bol_edi_put(w, "NAD+CF+%s:160:20", c->line);
    if (!is_coarri(kind) && b->plate[0])
        (void) bol_edi_put(w, "TDT+1++3+31++++%s", b->plate);
    else if (!is_coarri(kind))
        (void) bol_edi_put(w, "TDT+1++3+31");
    return 0;
}

static int write_message(struct bol_edi_writer *w, const struct bol_report *r, const char *ref,
                         const char *now)
{
    bool imo = strlen(r->vessel_id) == 7 && strspn(r->vessel_id, "0123456789") == 7;
    size_t i;
    int rc;

    bol_edi_count_reset(w);
    if (is_coarri(r->kind))
        (void) bol_edi_put(w, "UNH+%s+COARRI:D:95B:UN:ITG12", ref);
    else
        (void) bol_edi_put(w, "UNH+%s+CODECO:D:95B:UN", ref);
    (void) bol_edi_put(w, "BGM+%s+%s+9", doc_written[r->kind], r->ref);
    (void) bol_edi_put(w, "DTM+137:%s:203", now);
    if (is_coarri(r->kind)) {
        (void) bol_edi_put(w, "TDT+20+%s+1++%s:172:20+++%s:%s::%s", r->voyage, r->carrier,
                           r->vessel_id, imo ? "146" : "103", r->vessel);
        if (r->port[0])
            (void) bol_edi_put(
                w, r->kind == BOL_REPORT_DISCHARGE ? "LOC+11+%s:139:6" : "LOC+9+%s:139:6", r->port);
        if (r->carrier[0])
            (void) bol_edi_put(w, "NAD+CA+%s:160:20", r->carrier);
    } else if (r->port[0]) {
        (void) bol_edi_put(w, "LOC+165+%s:139:6", r->port);
    }
    for (i = 0; i < r->n; i++)
        if ((rc = write_box(w, r->kind, &r->boxes[i])) < 0)
            return rc;
    (void) bol_edi_put(w, "CNT+16:%u", (unsigned) r->n);
    (void) bol_edi_put(w, "UNT+%u+%s", w->segments + 1, ref);
    return 0;
}

int bol_report_write(const struct bol_report *r, size_t n, const struct bol_report_envelope *env,
                     struct bol_buf *out)
{
    struct bol_edi_writer w;
    char now[16], ref[32];
    size_t i;
    bool unoa = all_texts(r, n, env, bol_edi_unoa);
    int rc;

    if (stamp(env->prepared_us, now) < 0)
        return BOL_E_INVAL;
    bol_edi_writer_init(&w, out, true);
    if (bol_edi_put_unb(&w, unoa, !unoa && all_texts(r, n, env, bol_edi_latin1), env->sender,
                        env->recipient, env->prepared_us, env->control) < 0)
        return BOL_E_INVAL;
    for (i = 0; i < n; i++) {
        snprintf(ref, sizeof(ref), "%.10s-%u", env->control, (unsigned) (i + 1));
        if ((rc = write_message(&w, &r[i], ref, now)) < 0)
            return rc;
    }
    (void) bol_edi_put(&w, "UNZ+%u+%s", (unsigned) n, env->control);
    return w.err;
}

/* ---- in ---- */

static int fail_at(struct bol_diag *diag, const struct bol_edi_box *x, unsigned element,
                   const char *what, const char *fmt, ...) BOL_PRINTF(5, 6);

static int fail_at(struct bol_diag *diag, const struct bol_edi_box *x, unsigned element,
                   const char *what, const char *fmt, ...)
{
    char msg[BOL_DIAG_MSG_MAX];
    va_list ap;
    int rc;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rc = bol_diag_fail(diag, BOL_E_INVAL, what, "%s", msg);

    diag->offset = (int64_t) x->offset;
    diag->segment = x->segment;
    diag->element = element;
    return rc;
}

/* A DTM value in format 203 (CCYYMMDDHHMM) or 102 (CCYYMMDD), read as UTC. */
static int read_time(const struct bol_edi_box *x, int64_t *ret, struct bol_diag *diag)
{
    int y, mo, d, h = 0, mi = 0;
    size_t len = strlen(x->at);
    bool f203 = !strcmp(x->at_format, "203") && len == 12;
    bool f102 = !strcmp(x->at_format, "102") && len == 8;
    int64_t days;

    if (!x->at[0])
        return fail_at(diag, x, 1, "DTM", "container %s has no time of its move (DTM 203 or 7)",
                       x->id_text);
    if ((!f203 && !f102) || strspn(x->at, "0123456789") != len ||
        sscanf(x->at, "%4d%2d%2d", &y, &mo, &d) != 3 ||
        (f203 && sscanf(x->at + 8, "%2d%2d", &h, &mi) != 2) || y < 1 || mo < 1 || mo > 12 ||
        d < 1 || d > bol_days_in_month(y, mo) || h > 23 || mi > 59)
        return fail_at(diag, x, 1, "DTM", "time '%.20s' is not CCYYMMDDHHMM (format 203)", x->at);
    days = bol_days_from_civil(y, mo, d);
    *ret = ((days * 24 + h) * 60 + mi) * 60 * BOL_US_PER_SEC;
    return 0;
}

static enum bol_category category_of(const struct bol_edi_box *x, bool full)
{
    unsigned k;

    for (k = 0; k < BOL_CAT_COUNT; k++)
        if (status_code[k][0] && !strcmp(status_code[k], x->category))
            return (enum bol_category) k;
    return full ? BOL_CAT_STORAGE : BOL_CAT_EMPTY;
}

static int box_from(struct bol_edi_interchange *ic, size_t msg, const struct bol_edi_box *x,
                    enum bol_report_kind kind, struct bol_report_box *out, struct bol_diag *diag)
{
    struct bol_container *c = &out->c;
    struct bol_diag d;
    unsigned k;
    int rc;

    memset(out, 0, sizeof(*out));
    out->offset = x->offset;
    out->segment = x->segment;
    if (!x->id_ok)
        return fail_at(diag, x, 2, "EQD", "'%.40s' is not a container number", x->id_text);
    if (!x->st_ok)
        return fail_at(diag, x, 3, "EQD", "size-type '%.8s' is not known", x->sizetype_text);
    c->id = x->id;
    c->check_digit_ok = x->check_ok;
    snprintf(c->sizetype, sizeof(c->sizetype), "%s", x->st.code);
    snprintf(c->line, sizeof(c->line), "%.*s", (int) (sizeof(c->line) - 1), x->line);
    c->full = strcmp(x->status, "4") != 0;
    c->category = category_of(x, c->full);
    c->gross_kg = x->gross_kg;
    c->vgm_kg = x->vgm_kg;
    snprintf(c->seals, sizeof(c->seals), "%.*s", (int) (sizeof(c->seals) - 1), x->seal_text);
    c->reefer_on = x->reefer;
    c->setpoint_c10 = x->temp_c10;
    c->ndg = x->ndg < BOL_DG_MAX ? x->ndg : BOL_DG_MAX;
    for (k = 0; k < c->ndg; k++) {
        c->dg[k].cls = x->dg[k].cls;
        c->dg[k].un = x->dg[k].un;
    }
    snprintf(c->pol, sizeof(c->pol), "%s", x->pol);
    snprintf(c->pod, sizeof(c->pod), "%s", x->pod);
    snprintf(c->booking, sizeof(c->booking), "%s", x->booking);
    snprintf(c->bl, sizeof(c->bl), "%s", x->bl);
    if (!is_coarri(kind))
        snprintf(out->plate, sizeof(out->plate), "%s", x->truck);
    if (is_coarri(kind) && x->cell[0]) {
        struct bol_cell cell;

        bol_diag_init(&d);
        if (bol_cell_parse(bol_str_from(x->cell), &cell, &d) == 0) {
            bol_cell_format(&cell, out->cell);
        } else {
            /* Where the box was on board is not worth refusing the report for: said, not kept. */
            struct bol_edi_seg *at = bol_calloc(1, sizeof(*at));
            char note[BOL_DIAG_MSG_MAX];

            if (!at)
                return bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
            memcpy(at->tag, "LOC", 4);
            at->offset = x->cell_offset;
            at->number = x->cell_segment;
            snprintf(note, sizeof(note),
                     "container %s: stowage cell '%.12s' is not a cell, left out", x->id_text,
                     x->cell);
            rc = bol_edi_note(ic, (int) msg, false, at, 2, note);
            bol_free(at);
            if (rc < 0)
                return bol_diag_fail(diag, rc, "edi", "out of memory");
        }
    }
    rc = read_time(x, &out->at_us, diag);
    return rc;
}

int bol_report_from_boxes(struct bol_edi_interchange *ic, const struct bol_edi_boxes *b,
                          struct bol_report *out, struct bol_diag *diag)
{
    const struct bol_edi_message *m = &ic->msgs[b->msg];
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < BOL_ARRAY_SIZE(doc_read); i++)
        if (!strcmp(doc_read[i].code, b->doc))
            break;
    if (i == BOL_ARRAY_SIZE(doc_read) ||
        (strcmp(m->type, "COARRI") != 0 && strcmp(m->type, "CODECO") != 0) ||
        is_coarri(doc_read[i].kind) != !strcmp(m->type, "COARRI")) {
        rc = bol_diag_fail(diag, BOL_E_INVAL, "BGM",
                           "%s with BGM '%.4s' is not a discharge, loading, gate-in or gate-out "
                           "report",
                           m->type, b->doc);
        diag->offset = (int64_t) m->offset;
        diag->segment = m->first_segment;
        return rc;
    }
    out->kind = doc_read[i].kind;
    snprintf(out->ref, sizeof(out->ref), "%.14s", b->doc_no);
    snprintf(out->port, sizeof(out->port), "%s", b->port);
    snprintf(out->vessel, sizeof(out->vessel), "%s", b->vessel);
    snprintf(out->vessel_id, sizeof(out->vessel_id), "%s", b->vessel_id);
    snprintf(out->voyage, sizeof(out->voyage), "%s", b->voyage);
    snprintf(out->carrier, sizeof(out->carrier), "%.3s", b->carrier);
    out->boxes = bol_calloc(b->n + 1, sizeof(*out->boxes));
    if (!out->boxes)
        return bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
    for (i = 0; i < b->n; i++) {
        if ((rc = box_from(ic, b->msg, &b->v[i], out->kind, &out->boxes[i], diag)) < 0) {
            bol_report_release(out);
            return rc;
        }
        out->n++;
    }
    return 0;
}

void bol_report_release(struct bol_report *r)
{
    bol_free(r->boxes);
    r->boxes = NULL;
    r->n = 0;
}
