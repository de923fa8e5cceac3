/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_locode.c - UN/LOCODE */
#include "compat.h"

#include "errors.h"
#include "fuzz.h"
#include "locode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str in = bol_str_make((const char *) data, size);
    struct bol_locode l, back;
    int r;

    r = bol_locode_parse(in, &l, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
    if (r == 0) {
        FUZZ_ASSERT(strlen(l.s) == 5);
        FUZZ_ASSERT(bol_country_code_valid(l.s));
        FUZZ_ASSERT(bol_locode_parse(bol_str_from(l.s), &back, NULL) == 0);
        FUZZ_ASSERT(!strcmp(l.s, back.s));
    }
    return 0;
}
