/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_edifact.c - UN/EDIFACT interchanges (edifact.h, interchange.h, summary.h)
 *
 * The input is an interchange.  Tokenized segment by segment, every value
 * reads as UTF-8 text no longer than the limit allows, and as a number or
 * not; walked with its envelopes, every warning and error lies inside the
 * input and each message's counts add up.  Nothing crashes, leaks or reads
 * outside the input.  `make fuzz` seeds it from ../shared/edi as well.
 */
#include "compat.h"

#include "edifact.h"
#include "errors.h"
#include "fuzz.h"
#include "jsonw.h"
#include "mem.h"
#include "summary.h"

static void tokens(const char *p, size_t n)
{
    static struct bol_edi_seg seg;
    struct bol_edi_limits lim = { 0, 5000, 64 };
    struct bol_edi_reader r;
    struct bol_diag d;
    char text[4 * 64 + 1];
    int rc;

    bol_edi_reader_init(&r, p, n, &lim);
    for (;;) {
        unsigned e, c;

        bol_diag_init(&d);
        rc = bol_edi_next(&r, &seg, &d);
        if (rc == 0)
            break;
        if (rc < 0) {
            FUZZ_ASSERT(rc == BOL_E_PARSE || rc == BOL_E_TOOBIG);
            FUZZ_ASSERT(d.msg[0] && d.offset >= 0 && (size_t) d.offset <= n);
            if (!bol_edi_resync(&r))
                break;
            continue;
        }
        FUZZ_ASSERT(seg.offset < n && seg.nelem <= BOL_EDI_ELEMS_MAX && seg.tag[3] == '\0');
        for (e = 1; e <= seg.nelem; e++) {
            FUZZ_ASSERT(seg.ncomp[e - 1] >= 1 && seg.ncomp[e - 1] <= BOL_EDI_COMPS_MAX);
            for (c = 1; c <= seg.ncomp[e - 1]; c++) {
                struct bol_edi_val v = bol_edi_get(&seg, e, c);
                int64_t num;
                int len = bol_edi_text(&r.syn, v, text, sizeof(text));

                FUZZ_ASSERT(v.p >= p && v.p + v.len <= p + n);
                FUZZ_ASSERT(len >= 0); /* 64 bytes at most, 4 bytes each at most */
                FUZZ_ASSERT(bol_utf8_valid(text, (size_t) len));
                if (bol_edi_decimal(&r.syn, v, 3, &num) == 0)
                    FUZZ_ASSERT(len > 0);
            }
        }
    }
}

static void walk(const char *p, size_t n)
{
    struct bol_edi_limits lim = { 0, 5000, 64 };
    struct bol_edi_summary s;
    size_t i;
    int rc = bol_edi_summarize(p, n, &lim, &s);

    FUZZ_ASSERT(rc == 0 || rc == BOL_E_TOOBIG || rc == BOL_E_UNSUPPORTED || rc == BOL_E_NOMEM);
    for (i = 0; i < s.ic.nnotes; i++) {
        const struct bol_edi_note *nt = &s.ic.notes[i];

        FUZZ_ASSERT(nt->offset <= n && nt->text[0]);
        FUZZ_ASSERT(nt->msg >= -1 && (nt->msg < 0 || (size_t) nt->msg < s.ic.nmsgs));
        FUZZ_ASSERT(!nt->error || (nt->msg >= 0 ? s.ic.msgs[nt->msg].failed : s.ic.failed));
    }
    for (i = 0; rc == 0 && i < s.ic.nmsgs; i++) {
        const struct bol_edi_msg_summary *m = &s.msgs[i];

        FUZZ_ASSERT(s.ic.msgs[i].offset < n && s.ic.msgs[i].segments >= 1);
        FUZZ_ASSERT(m->containers + m->reefers + m->dg_lines + m->vgm <= s.ic.msgs[i].segments);
    }
    bol_edi_summary_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tokens((const char *) data, size);
    walk((const char *) data, size);
    return 0;
}
