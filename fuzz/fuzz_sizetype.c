/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sizetype.c - ISO 6346 size-type codes */
#include "compat.h"

#include "errors.h"
#include "fuzz.h"
#include "sizetype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str in = bol_str_make((const char *) data, size);
    struct bol_sizetype st, again;
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = bol_sizetype_parse(in, &st, &d);
    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
    if (r == 0) {
        FUZZ_ASSERT(strlen(st.code) == 4);
        FUZZ_ASSERT(st.length_mm > 0 && st.height_mm > 0 && st.teu_x100 > 0);
        FUZZ_ASSERT(st.detail_digit <= 9);
        FUZZ_ASSERT(st.group_text && st.detail_text && st.length_text && st.height_text &&
                    st.width_text);
        /* The current code decodes to the same thing, without the legacy marks. */
        FUZZ_ASSERT(bol_sizetype_parse(bol_str_from(st.code), &again, NULL) == 0);
        FUZZ_ASSERT(!strcmp(again.code, st.code));
        FUZZ_ASSERT(again.length_mm == st.length_mm && again.height_mm == st.height_mm);
    }
    return 0;
}
