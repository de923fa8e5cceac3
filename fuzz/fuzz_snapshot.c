/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_snapshot.c - the state snapshot loader
 *
 * The input is fed, in pieces whose sizes come from its first byte, to the
 * loader of an empty in-memory state-only store.  Nothing may crash or leak;
 * a rejected dump must leave every state table empty; an accepted one must
 * dump again, and that dump load into another store with the same digest.
 */
#include "compat.h"

#include <string.h>

#include "buf.h"
#include "errors.h"
#include "fuzz.h"
#include "store.h"

static int collect(void *ctx, const void *p, size_t n)
{
    return bol_buf_add(ctx, p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_store *s = NULL;
    struct bol_state_loader *l = NULL;
    struct bol_state_digest dg;
    struct bol_diag d;
    size_t step, off = 0, i;
    uint64_t seq = 0;
    int r;

    if (size == 0 || bol_store_open_state(NULL, &s, &d) < 0)
        return 0;
    step = (size_t) data[0] % 61 + 1;
    data++;
    size--;
    r = bol_store_state_load_begin(s, &l, &d);
    FUZZ_ASSERT(r == 0);
    while (r == 0 && off < size) {
        size_t n = size - off < step ? size - off : step;

        r = bol_store_state_load_feed(l, data + off, n, &d);
        off += n;
    }
    if (r == 0) {
        r = bol_store_state_load_end(l, &seq, &d);
    } else {
        bol_store_state_load_abort(l);
    }
    FUZZ_ASSERT(r <= 0);
    if (r == 0) {
        struct bol_buf again = BOL_BUF_INIT((size_t) 1 << 28);
        struct bol_state_digest d1, d2;
        struct bol_store *t = NULL;
        uint64_t seq2 = 0;

        FUZZ_ASSERT(bol_store_state_dump(s, collect, &again, NULL, &d) == 0);
        FUZZ_ASSERT(bol_store_open_state(NULL, &t, &d) == 0);
        FUZZ_ASSERT(bol_store_state_load_begin(t, &l, &d) == 0);
        FUZZ_ASSERT(bol_store_state_load_feed(l, again.buf, again.len, &d) == 0);
        FUZZ_ASSERT(bol_store_state_load_end(l, &seq2, &d) == 0 && seq2 == seq);
        FUZZ_ASSERT(bol_store_state_digest(s, &d1, &d) == 0);
        FUZZ_ASSERT(bol_store_state_digest(t, &d2, &d) == 0);
        FUZZ_ASSERT(d1.n == d2.n);
        for (i = 0; i < d1.n; i++)
            FUZZ_ASSERT(d1.t[i].rows == d2.t[i].rows &&
                        memcmp(d1.t[i].hash.b, d2.t[i].hash.b, sizeof(d1.t[i].hash.b)) == 0);
        bol_store_close(t);
        bol_buf_release(&again);
    } else {
        FUZZ_ASSERT(bol_store_state_digest(s, &dg, &d) == 0);
        for (i = 0; i < dg.n; i++)
            FUZZ_ASSERT(dg.t[i].rows == 0);
    }
    bol_store_close(s);
    return 0;
}
