/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coparn.c - COPARN release orders in and out, announcements out (coparn.h)
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "coparn.h"
#include "edifact_write.h"
#include "errors.h"
#include "mem.h"
#include "utctime.h"

/* ---- in ---- */

static void txt(const struct bol_edi_interchange *ic, const struct bol_edi_seg *seg, unsigned e,
                unsigned c, char *out, size_t size)
{
    if (bol_edi_text(&ic->syn, bol_edi_get(seg, e, c), out, size) < 0)
        out[0] = '\0';
}

static int begin(void *ctx, struct bol_edi_interchange *ic, size_t msg)
{
    struct bol_coparn_set *s = ctx;

    (void) ic;
    if (msg >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        struct bol_coparn_msg *a = bol_realloc(s->msgs, cap * sizeof(*a));

        if (!a)
            return BOL_E_NOMEM;
        s->msgs = a;
        s->cap = cap;
    }
    memset(&s->msgs[msg], 0, sizeof(s->msgs[msg]));
    return 0;
}

static int new_group(struct bol_edi_interchange *ic, struct bol_coparn_msg *m,
                     const struct bol_edi_seg *seg)
{
    struct bol_coparn_group *g;

    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8;
        struct bol_coparn_group *a = bol_realloc(m->v, cap * sizeof(*a));

        if (!a)
            return BOL_E_NOMEM;
        m->v = a;
        m->cap = cap;
    }
    g = &m->v[m->n++];
    memset(g, 0, sizeof(*g));
    g->offset = seg->offset;
    g->segment = seg->number;
    g->qty = 1;
    g->qty_ok = true;
    txt(ic, seg, 2, 1, g->id_text, sizeof(g->id_text));
    txt(ic, seg, 3, 1, g->sizetype_text, sizeof(g->sizetype_text));
    txt(ic, seg, 6, 1, g->status, sizeof(g->status));
    if (g->sizetype_text[0])
        g->st_ok = bol_sizetype_parse(bol_str_from(g->sizetype_text), &g->st, NULL) == 0;
    if (g->id_text[0])
        g->id_ok = bol_container_id_normalize(bol_str_from(g->id_text), &g->id, NULL) == 0;
    return 0;
}

static int segment(void *ctx, struct bol_edi_interchange *ic, size_t msg,
                   const struct bol_edi_seg *seg, struct bol_diag *diag)
{
    struct bol_coparn_msg *m = &((struct bol_coparn_set *) ctx)->msgs[msg];
    const char *t = seg->tag;
    char q[8], v[40];

    (void) diag;
    if (!strcmp(t, "EQD"))
        return new_group(ic, m, seg);
    txt(ic, seg, 1, 1, q, sizeof(q));
    if (!strcmp(t, "BGM")) {
        txt(ic, seg, 1, 1, m->doc, sizeof(m->doc));
        txt(ic, seg, 2, 1, m->doc_no, sizeof(m->doc_no));
        txt(ic, seg, 3, 1, m->function, sizeof(m->function));
        m->offset = seg->offset;
        m->segment = seg->number;
    } else if (!strcmp(t, "RFF") && !strcmp(q, "BN") && !m->booking[0]) {
        txt(ic, seg, 1, 2, m->booking, sizeof(m->booking));
    } else if (!strcmp(t, "RFF") && !strcmp(q, "RE") && !m->ref[0]) {
        txt(ic, seg, 1, 2, m->ref, sizeof(m->ref));
    } else if (!strcmp(t, "NAD") && (!strcmp(q, "CA") || !strcmp(q, "CF")) && !m->line[0]) {
        txt(ic, seg, 2, 1, m->line, sizeof(m->line));
    } else if (!strcmp(t, "DTM") && !strcmp(q, "36") && !m->valid[0]) {
        txt(ic, seg, 1, 2, m->valid, sizeof(m->valid));
        txt(ic, seg, 1, 3, m->valid_format, sizeof(m->valid_format));
        m->valid_offset = seg->offset;
        m->valid_segment = seg->number;
    } else if (!strcmp(t, "EQN") && m->n) {
        struct bol_coparn_group *g = &m->v[m->n - 1];
        size_t len;

        txt(ic, seg, 1, 1, v, sizeof(v));
        len = strlen(v);
        g->qty_ok = len >= 1 && len <= 4 && strspn(v, "0123456789") == len;
        g->qty = g->qty_ok ? (uint32_t) strtoul(v, NULL, 10) : 0;
    }
    return 0;
}

int bol_coparn_read(const char *p, size_t n, const struct bol_edi_limits *lim,
                    struct bol_coparn_set *out)
{
    static const struct bol_edi_handler h = { begin, segment, NULL };

    memset(out, 0, sizeof(*out));
    return bol_edi_walk(p, n, lim, &h, out, &out->ic);
}

void bol_coparn_set_release(struct bol_coparn_set *s)
{
    size_t i;

    for (i = 0; i < s->ic.nmsgs && i < s->cap; i++)
        bol_free(s->msgs[i].v);
    bol_free(s->msgs);
    bol_edi_interchange_release(&s->ic);
    memset(s, 0, sizeof(*s));
}

/* ---- the release ---- */

static int fail(struct bol_edi_mapped *out, uint64_t offset, uint32_t segment, const char *fmt, ...)
    BOL_PRINTF(4, 5);

static int fail(struct bol_edi_mapped *out, uint64_t offset, uint32_t segment, const char *fmt, ...)
{
    char text[BOL_DIAG_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    return bol_edi_mapped_note(out, true, offset, segment, text);
}

/* DTM format 203 (CCYYMMDDHHMM) or 102 (CCYYMMDD: to the end of that day), UTC. */
static bool read_valid(const char *v, const char *format, int64_t *ret)
{
    int y, mo, d, h = 23, mi = 59, s = 59;
    size_t len = strlen(v);
    bool f203 = !strcmp(format, "203") && len == 12, f102 = !strcmp(format, "102") && len == 8;

    if ((!f203 && !f102) || strspn(v, "0123456789") != len ||
        sscanf(v, "%4d%2d%2d", &y, &mo, &d) != 3 ||
        (f203 && sscanf(v + 8, "%2d%2d", &h, &mi) != 2) || y < 1 || mo < 1 || mo > 12 || d < 1 ||
        d > bol_days_in_month(y, mo) || h > 23 || mi > 59)
        return false;
    if (f203)
        s = 0;
    *ret = (((bol_days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + s) * BOL_US_PER_SEC;
    return true;
}

static int build(const struct bol_coparn_msg *m, const struct bol_coparn_ctx *ctx,
                 struct bol_booking_release *b, struct bol_edi_mapped *out)
{
    bool named = false;
    size_t i;
    unsigned k;
    int r;

    memset(b, 0, sizeof(*b));
    if (!m->booking[0])
        return fail(out, m->offset, m->segment, "release order without a booking number (RFF+BN)");
    if (strlen(m->booking) > BOL_REF_MAX || strlen(m->ref) > BOL_REF_MAX)
        return fail(out, m->offset, m->segment, "booking or release number over 35 characters");
    snprintf(b->booking, sizeof(b->booking), "%s", m->booking);
    snprintf(b->ref, sizeof(b->ref), "%s", m->ref[0] ? m->ref : m->booking);
    snprintf(b->message, sizeof(b->message), "%.35s", m->doc_no);
    if (!m->line[0] || strlen(m->line) > BOL_LINE_MAX)
        return fail(out, m->offset, m->segment,
                    "release order without the line's code (NAD+CA or NAD+CF): '%s'", m->line);
    r = ctx->line_known(ctx->u, m->line);
    if (r < 0)
        return r;
    if (r == 0)
        return fail(out, m->offset, m->segment,
                    "line '%s' is not defined: a release is for a line's boxes", m->line);
    snprintf(b->line, sizeof(b->line), "%s", m->line);
    if (m->valid[0] && !read_valid(m->valid, m->valid_format, &b->valid_until_us))
        return fail(out, m->valid_offset, m->valid_segment,
                    "DTM+36 '%.16s' (format '%.3s') is not CCYYMMDDHHMM (203) or CCYYMMDD (102)",
                    m->valid, m->valid_format);
    if (!m->n)
        return fail(out, m->offset, m->segment, "release order without equipment (EQD)");
    b->full = !strcmp(m->v[0].status, "5");
    for (i = 0; i < m->n; i++) {
        const struct bol_coparn_group *g = &m->v[i];
        uint32_t q = g->id_text[0] ? 1 : g->qty;

        if (!g->st_ok)
            return fail(out, g->offset, g->segment, "EQD: size-type '%.8s' is not known",
                        g->sizetype_text);
        if (!strcmp(g->status, "5") != b->full)
            return fail(out, g->offset, g->segment, "EQD: full and empty boxes in one release");
        if (!g->qty_ok || !q)
            return fail(out, g->offset, g->segment, "EQN: the number of boxes is not 1..9999");
        if (i && named != (g->id_text[0] != '\0'))
            return fail(out, g->offset, g->segment,
                        "EQD: a release names its boxes or counts them, not both");
        named = g->id_text[0] != '\0';
        if (named && !g->id_ok)
            return fail(out, g->offset, g->segment, "EQD: '%.24s' is not a container number",
                        g->id_text);
        if (b->quantity + q > BOL_RELEASE_QTY_MAX)
            return fail(out, g->offset, g->segment, "EQN: more than %u boxes in one release",
                        BOL_RELEASE_QTY_MAX);
        b->quantity += q;
        if (named) {
            if (b->nboxes == BOL_RELEASE_BOXES_MAX)
                return fail(out, g->offset, g->segment, "more than %u boxes named",
                            BOL_RELEASE_BOXES_MAX);
            b->boxes[b->nboxes++] = g->id;
        }
        for (k = 0; k < b->nsizetypes && strcmp(b->sizetypes[k], g->st.code) != 0; k++)
            ;
        if (k < b->nsizetypes)
            continue;
        if (b->nsizetypes == BOL_RELEASE_SIZETYPES_MAX)
            return fail(out, g->offset, g->segment, "more than %u size-types in one release",
                        BOL_RELEASE_SIZETYPES_MAX);
        memcpy(b->sizetypes[b->nsizetypes++], g->st.code, 5);
    }
    return 0;
}

int bol_coparn_release_map(const struct bol_coparn_msg *m, const struct bol_coparn_ctx *ctx,
                           struct bol_booking_release *rel, struct bol_edi_mapped *out)
{
    json_t *doc = NULL, *cmd = NULL;
    const char *fn = m->function;
    int r;

    if (bol_edi_mapped_init(out, 1) < 0)
        return BOL_E_NOMEM;
    r = build(m, ctx, rel, out);
    if (r < 0 || out->failed)
        goto done;
    if (!strcmp(fn, "1")) {
        cmd = json_pack("{s:s, s:s, s:s}", "cmd", "booking.release_cancel", "ref", rel->ref,
                        "reason", ctx->reason);
    } else if (!fn[0] || !strcmp(fn, "9") || !strcmp(fn, "5")) {
        if (bol_booking_release_to_json(rel, &doc) < 0) {
            r = BOL_E_NOMEM;
            goto done;
        }
        json_object_del(doc, "used");
        json_object_del(doc, "status");
        cmd = json_pack("{s:s, s:o}", "cmd",
                        !strcmp(fn, "5") ? "booking.release_replace" : "booking.release_order",
                        "release", doc);
    } else {
        r = fail(out, m->offset, m->segment,
                 "BGM function '%.3s': bollard reads 9 (original), 5 (replacement) and 1 "
                 "(cancellation)",
                 fn);
        goto done;
    }
    if (!cmd || json_array_append_new(out->cmds, cmd) != 0) {
        r = BOL_E_NOMEM;
        goto done;
    }
    out->slot[0] = 0;
    out->boxes = 1;
done:
    if (r < 0)
        bol_edi_mapped_release(out);
    return r < 0 ? r : 0;
}

/* ---- out ---- */

static int stamp(int64_t at_us, char out[16])
{
    struct bol_civil c;

    if (bol_time_to_civil(at_us, 0, &c) < 0)
        return BOL_E_INVAL;
    snprintf(out, 16, "%04d%02d%02d%02d%02d", c.year, c.month, c.day, c.hour, c.minute);
    return 0;
}

static bool release_texts(const struct bol_booking_release *r, size_t n,
                          const struct bol_coparn_envelope *env, bool (*test)(const char *))
{
    size_t i;
    bool ok = test(env->sender) && test(env->recipient) && test(env->control);

    for (i = 0; ok && i < n; i++)
        ok = test(r[i].ref) && test(r[i].booking) && test(r[i].line) && test(r[i].message);
    return ok;
}

static int put_unb(struct bol_edi_writer *w, bool unoa, bool latin1,
                   const struct bol_coparn_envelope *env, char now[16])
{
    if (stamp(env->prepared_us, now) < 0 ||
        bol_edi_put_unb(w, unoa, latin1, env->sender, env->recipient, env->prepared_us,
                        env->control) < 0)
        return BOL_E_INVAL;
    return 0;
}

int bol_coparn_write_releases(const struct bol_booking_release *r, size_t n,
                              const struct bol_coparn_envelope *env, struct bol_buf *out)
{
    struct bol_edi_writer w;
    bool unoa = release_texts(r, n, env, bol_edi_unoa);
    char now[16], ref[32], until[16];
    size_t i;
    unsigned k;

    bol_edi_writer_init(&w, out, true);
    if (put_unb(&w, unoa, !unoa && release_texts(r, n, env, bol_edi_latin1), env, now) < 0)
        return BOL_E_INVAL;
    for (i = 0; i < n; i++) {
        const struct bol_booking_release *b = &r[i];

        snprintf(ref, sizeof(ref), "%.10s-%u", env->control, (unsigned) (i + 1));
        bol_edi_count_reset(&w);
        (void) bol_edi_put(&w, "UNH+%s+COPARN:D:95B:UN", ref);
        (void) bol_edi_put(&w, "BGM+12+%s+%s", b->message[0] ? b->message : b->ref,
                           b->cancelled ? "1" : "9");
        (void) bol_edi_put(&w, "DTM+137:%s:203", now);
        (void) bol_edi_put(&w, "RFF+BN:%s", b->booking);
        if (strcmp(b->ref, b->booking) != 0)
            (void) bol_edi_put(&w, "RFF+RE:%s", b->ref);
        if (b->valid_until_us) {
            if (stamp(b->valid_until_us, until) < 0)
                return BOL_E_INVAL;
            (void) bol_edi_put(&w, "DTM+36:%s:203", until);
        }
        (void) bol_edi_put(&w, "NAD+CA+%s:160:20", b->line);
        if (b->nboxes) {
            for (k = 0; k < b->nboxes; k++)
                (void) bol_edi_put(&w, "EQD+CN+%s+%s:102:5+++%s", b->boxes[k].s,
                                   b->sizetypes[k < b->nsizetypes ? k : b->nsizetypes - 1],
                                   b->full ? "5" : "4");
        } else {
            /* One group per size-type, one box on each but the first: the same total. */
            unsigned nst = b->quantity >= b->nsizetypes ? b->nsizetypes : 1;

            for (k = 0; k < nst; k++) {
                (void) bol_edi_put(&w, "EQD+CN++%s:102:5+++%s", b->sizetypes[k],
                                   b->full ? "5" : "4");
                (void) bol_edi_put(&w, "EQN+%u", k ? 1u : b->quantity - (nst - 1));
            }
        }
        (void) bol_edi_put(&w, "CNT+16:%u", b->nboxes ? b->nboxes : b->quantity);
        (void) bol_edi_put(&w, "UNT+%u+%s", w.segments + 1, ref);
    }
    (void) bol_edi_put(&w, "UNZ+%u+%s", (unsigned) n, env->control);
    return w.err;
}

static bool box_texts(const struct bol_container *c, size_t n,
                      const struct bol_coparn_envelope *env, bool (*test)(const char *))
{
    size_t i;
    bool ok = test(env->sender) && test(env->recipient) && test(env->control);

    for (i = 0; ok && i < n; i++)
        ok = test(c[i].id.s) && test(c[i].sizetype) && test(c[i].line) && test(c[i].booking) &&
             test(c[i].bl) && test(c[i].pol) && test(c[i].pod);
    return ok;
}

int bol_coparn_write_announcement(const struct bol_container *c, size_t n,
                                  const struct bol_coparn_envelope *env, struct bol_buf *out)
{
    static const char *const status[BOL_CAT_COUNT] = {
        [BOL_CAT_IMPORT] = "3",  [BOL_CAT_EXPORT] = "2", [BOL_CAT_TRANSSHIPMENT] = "6",
        [BOL_CAT_STORAGE] = "2", [BOL_CAT_EMPTY] = "2",  [BOL_CAT_THROUGH] = "2",
    };
    struct bol_edi_writer w;
    bool unoa = box_texts(c, n, env, bol_edi_unoa);
    char now[16], ref[32];
    size_t i;

    bol_edi_writer_init(&w, out, true);
    if (put_unb(&w, unoa, !unoa && box_texts(c, n, env, bol_edi_latin1), env, now) < 0)
        return BOL_E_INVAL;
    snprintf(ref, sizeof(ref), "%.10s-1", env->control);
    bol_edi_count_reset(&w);
    (void) bol_edi_put(&w, "UNH+%s+COPARN:D:95B:UN", ref);
    (void) bol_edi_put(&w, "BGM+126+%s+9", env->control);
    (void) bol_edi_put(&w, "DTM+137:%s:203", now);
    for (i = 0; i < n; i++) {
        (void) bol_edi_put(&w, "EQD+CN+%s+%s:102:5++%s+%s", c[i].id.s, c[i].sizetype,
                           status[c[i].category], c[i].full ? "5" : "4");
        if (c[i].booking[0])
            (void) bol_edi_put(&w, "RFF+BN:%s", c[i].booking);
        if (c[i].bl[0])
            (void) bol_edi_put(&w, "RFF+BM:%s", c[i].bl);
        if (c[i].pol[0])
            (void) bol_edi_put(&w, "LOC+9+%s:139:6", c[i].pol);
        if (c[i].pod[0])
            (void) bol_edi_put(&w, "LOC+11+%s:139:6", c[i].pod);
        if (c[i].vgm_kg)
            (void) bol_edi_put(&w, "MEA+AAE+VGM+KGM:%u", c[i].vgm_kg);
        if (c[i].line[0])
            (void) bol_edi_put(&w, "NAD+CF+%s:160:20", c[i].line);
    }
    (void) bol_edi_put(&w, "CNT+16:%u", (unsigned) n);
    (void) bol_edi_put(&w, "UNT+%u+%s", w.segments + 1, ref);
    (void) bol_edi_put(&w, "UNZ+1+%s", env->control);
    return w.err;
}
