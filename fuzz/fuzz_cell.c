/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_cell.c - ISO 9711 stowage cells */
#include "compat.h"

#include "cell.h"
#include "errors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str in = bol_str_make((const char *) data, size);
    struct bol_cell c, back;
    char text[BOL_CELL_TEXT_MAX];
    int r;

    r = bol_cell_parse(in, &c, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
    if (r == 0) {
        struct bol_cell_frame f = { 99, 10, 10, true, 20, 80, 98, false };

        FUZZ_ASSERT(c.bay >= 1 && c.bay <= 999 && c.row <= 99 && c.tier >= 1 && c.tier <= 99);
        bol_cell_format(&c, text);
        FUZZ_ASSERT(bol_cell_parse(bol_str_from(text), &back, NULL) == 0);
        FUZZ_ASSERT(back.bay == c.bay && back.row == c.row && back.tier == c.tier);
        r = bol_cell_check(&c, &f, NULL);
        FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
        if (bol_cell_bay_is_20ft(c.bay)) {
            uint16_t fore, aft;

            FUZZ_ASSERT(bol_cell_bays_20ft(bol_cell_bay_40ft(c.bay), &fore, &aft) == 0);
            FUZZ_ASSERT(fore == c.bay || aft == c.bay);
        }
    }
    return 0;
}
