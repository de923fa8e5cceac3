/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_yard_addr.c - yard addresses */
#include "compat.h"

#include "errors.h"
#include "fuzz.h"
#include "yard_addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str in = bol_str_make((const char *) data, size);
    struct bol_yard_addr a, back;
    char text[BOL_YARD_ADDR_TEXT_MAX];
    int r;

    r = bol_yard_addr_parse(in, BOL_YARD_BLOCK, &a, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
    if (r == 0) {
        FUZZ_ASSERT(a.level >= BOL_YARD_BLOCK && a.level <= BOL_YARD_SLOT);
        bol_yard_addr_format(&a, text);
        FUZZ_ASSERT(bol_yard_addr_parse(bol_str_from(text), a.level, &back, NULL) == 0);
        FUZZ_ASSERT(!memcmp(&a, &back, sizeof(a)));
        /* Asking for more parts than given fails. */
        if (a.level < BOL_YARD_SLOT)
            FUZZ_ASSERT(bol_yard_addr_parse(in, (enum bol_yard_level)(a.level + 1), &back, NULL) ==
                        BOL_E_INVAL);
    }
    return 0;
}
