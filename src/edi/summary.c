/* SPDX-License-Identifier: Apache-2.0 */
/*
 * summary.c - counting an interchange's messages for inspection
 */
#include "compat.h"

#include <string.h>

#include "mem.h"
#include "summary.h"

static int begin(void *ctx, struct bol_edi_interchange *ic, size_t msg)
{
    struct bol_edi_summary *s = ctx;

    if (msg >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        struct bol_edi_msg_summary *a = bol_realloc(s->msgs, cap * sizeof(*a));

        if (!a)
            return BOL_E_NOMEM;
        s->msgs = a;
        s->cap = cap;
    }
    (void) ic;
    memset(&s->msgs[msg], 0, sizeof(s->msgs[msg]));
    return 0;
}

static void text(const struct bol_edi_interchange *ic, struct bol_edi_val v, char *out, size_t size)
{
    if (bol_edi_text(&ic->syn, v, out, size) < 0)
        out[0] = '\0';
}

static int segment(void *ctx, struct bol_edi_interchange *ic, size_t msg,
                   const struct bol_edi_seg *seg, struct bol_diag *diag)
{
    struct bol_edi_summary *s = ctx;
    struct bol_edi_msg_summary *m = &s->msgs[msg];
    const char *t = seg->tag;

    (void) diag;
    if (!strcmp(t, "EQD")) {
        m->containers++;
    } else if (!strcmp(t, "TMP")) {
        m->reefers++;
    } else if (!strcmp(t, "DGS")) {
        m->dg_lines++;
    } else if (!strcmp(t, "MEA")) {
        if (bol_edi_is(&ic->syn, bol_edi_get(seg, 2, 1), "VGM") ||
            bol_edi_is(&ic->syn, bol_edi_get(seg, 1, 1), "VGM"))
            m->vgm++;
    } else if (!strcmp(t, "TDT") && !m->voyage[0] && !m->vessel[0]) {
        /* C222, the vessel: element 8 from D.93A on, element 4 in BAPLIE 1.5 (D.911) */
        unsigned e = strcmp(ic->msgs[msg].version, "1") == 0 ? 4 : 8;

        text(ic, bol_edi_get(seg, 2, 1), m->voyage, sizeof(m->voyage));
        text(ic, bol_edi_get(seg, e, 1), m->vessel_id, sizeof(m->vessel_id));
        text(ic, bol_edi_get(seg, e, 4), m->vessel, sizeof(m->vessel));
        if (!m->vessel[0])
            memcpy(m->vessel, m->vessel_id, sizeof(m->vessel_id));
    }
    return 0;
}

int bol_edi_summarize(const char *p, size_t n, const struct bol_edi_limits *lim,
                      struct bol_edi_summary *out)
{
    static const struct bol_edi_handler h = { begin, segment, NULL };

    memset(out, 0, sizeof(*out));
    return bol_edi_walk(p, n, lim, &h, out, &out->ic);
}

void bol_edi_summary_release(struct bol_edi_summary *s)
{
    bol_edi_interchange_release(&s->ic);
    bol_free(s->msgs);
    memset(s, 0, sizeof(*s));
}
