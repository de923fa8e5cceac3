/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_edi_coparn.c - COPARN release orders (coparn.h)
 *
 * The input is an interchange.  Every group lies inside the input; each
 * message is mapped as a release order against a terminal that knows every
 * line: a release that maps is a document the core accepts, and written
 * out and read back it maps to the same release.  `make fuzz` seeds it
 * from ../shared/edi as well.
 */
#include "compat.h"

#include "booking.h"
#include "coparn.h"
#include "errors.h"
#include "fuzz.h"

static int any_line(void *u, const char *code)
{
    (void) u;
    (void) code;
    return 1;
}

static void same(const struct bol_booking_release *a, const struct bol_booking_release *b)
{
    unsigned k;

    FUZZ_ASSERT(!strcmp(a->ref, b->ref) && !strcmp(a->booking, b->booking));
    FUZZ_ASSERT(!strcmp(a->line, b->line) && a->full == b->full);
    FUZZ_ASSERT(a->quantity == b->quantity && a->nboxes == b->nboxes);
    FUZZ_ASSERT(a->valid_until_us / 60000000 == b->valid_until_us / 60000000);
    for (k = 0; k < a->nboxes; k++)
        FUZZ_ASSERT(!strcmp(a->boxes[k].s, b->boxes[k].s));
}

static void round_trip(const struct bol_booking_release *rel)
{
    struct bol_coparn_envelope env = { "A", "B", "1", 0 };
    struct bol_coparn_ctx ctx = { "fuzz", any_line, NULL };
    struct bol_buf out = BOL_BUF_INIT(1u << 20);
    struct bol_coparn_set s;
    struct bol_booking_release back;
    struct bol_edi_mapped m;

    if (bol_coparn_write_releases(rel, 1, &env, &out) < 0) {
        bol_buf_release(&out);
        return;
    }
    FUZZ_ASSERT(bol_coparn_read(out.buf, out.len, NULL, &s) == 0);
    FUZZ_ASSERT(s.ic.nmsgs == 1 && !s.ic.msgs[0].failed);
    FUZZ_ASSERT(bol_coparn_release_map(&s.msgs[0], &ctx, &back, &m) == 0);
    FUZZ_ASSERT(!m.failed);
    same(rel, &back);
    bol_edi_mapped_release(&m);
    bol_coparn_set_release(&s);
    bol_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_edi_limits lim = { 0, 20000, 128 };
    struct bol_coparn_ctx ctx = { "fuzz", any_line, NULL };
    struct bol_coparn_set s;
    size_t i, k;
    int rc = bol_coparn_read((const char *) data, size, &lim, &s);

    FUZZ_ASSERT(rc == 0 || rc == BOL_E_TOOBIG || rc == BOL_E_UNSUPPORTED || rc == BOL_E_NOMEM);
    for (i = 0; rc == 0 && i < s.ic.nmsgs; i++) {
        const struct bol_coparn_msg *m = &s.msgs[i];
        struct bol_booking_release rel;
        struct bol_edi_mapped mp;

        for (k = 0; k < m->n; k++)
            FUZZ_ASSERT(m->v[k].offset < size);
        if (s.ic.msgs[i].failed || bol_coparn_release_map(m, &ctx, &rel, &mp) < 0)
            continue;
        if (!mp.failed) {
            json_t *doc = NULL;
            struct bol_booking_release again;

            FUZZ_ASSERT(json_array_size(mp.cmds) == 1);
            FUZZ_ASSERT(bol_booking_release_to_json(&rel, &doc) == 0);
            FUZZ_ASSERT(bol_booking_release_from_json(doc, &again, NULL) == 0);
            json_decref(doc);
            if (!rel.cancelled)
                round_trip(&rel);
        }
        bol_edi_mapped_release(&mp);
    }
    bol_coparn_set_release(&s);
    return 0;
}
