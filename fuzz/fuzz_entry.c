/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_entry.c - journal entry decoding and payload canonical checks */
#include "compat.h"

#include "buf.h"
#include "entry.h"
#include "errors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str in = bol_str_make((const char *) data, size);
    struct bol_entry e;
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = bol_entry_decode(in, &e, &d);
    FUZZ_ASSERT(r == 0 || r == BOL_E_CORRUPT);
    if (r == 0) {
        struct bol_buf b = BOL_BUF_INIT(BOL_ENTRY_MAX);

        /* Decoding accepts only what encoding writes: the round trip is exact. */
        FUZZ_ASSERT(bol_entry_encode(&e, &b, NULL) == 0);
        FUZZ_ASSERT(b.len == size && memcmp(b.buf, data, size) == 0);
        bol_buf_release(&b);
        (void) bol_payload_is_canonical(e.payload);
    } else {
        FUZZ_ASSERT(d.offset >= -1 && d.offset <= (int64_t) size);
    }
    (void) bol_payload_is_canonical(in);
    return 0;
}
