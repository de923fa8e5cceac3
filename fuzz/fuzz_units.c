/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_units.c - mass, temperature, VGM method, IMDG class, UN number
 *
 * Input: one selector byte, then the value, optionally "|unit".  The byte
 * picks the parser and the decimal mark.
 */
#include "compat.h"

#include "errors.h"
#include "fuzz.h"
#include "units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str value, unit = { "", 0 };
    const char *bar;
    char mark;
    int r;

    if (size < 1)
        return 0;
    mark = (data[0] & 0x80) ? ',' : '.';
    value = bol_str_make((const char *) data + 1, size - 1);
    bar = memchr(value.p, '|', value.len);
    if (bar) {
        unit = bol_str_make(bar + 1, value.len - (size_t) (bar + 1 - value.p));
        value.len = (size_t) (bar - value.p);
    }
    switch (data[0] % 5) {
    case 0: {
        uint32_t kg = 0;

        r = bol_mass_parse(value, unit, mark, &kg, NULL);
        FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
        if (r == 0) {
            FUZZ_ASSERT(kg <= BOL_MASS_MAX_KG);
            r = bol_vgm_check(kg, kg / 4, 0, NULL);
            FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
        }
        break;
    }
    case 1: {
        int16_t c10 = 0;
        char out[8];

        r = bol_temp_parse(value, unit, mark, &c10, NULL);
        FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
        if (r == 0) {
            int16_t back = 0;

            FUZZ_ASSERT(c10 >= BOL_TEMP_MIN_C10 && c10 <= BOL_TEMP_MAX_C10);
            bol_temp_format(c10, out);
            FUZZ_ASSERT(bol_temp_parse(bol_str_from(out), BOL_STR("CEL"), '.', &back, NULL) == 0);
            FUZZ_ASSERT(back == c10);
        }
        break;
    }
    case 2: {
        struct bol_imdg_class c, back;
        char out[5];

        r = bol_imdg_class_parse(value, &c, NULL);
        FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
        if (r == 0) {
            bol_imdg_class_format(&c, out);
            FUZZ_ASSERT(bol_imdg_class_parse(bol_str_from(out), &back, NULL) == 0);
            FUZZ_ASSERT(back.cls == c.cls && back.division == c.division &&
                        back.compat == c.compat);
        }
        break;
    }
    case 3: {
        uint16_t un = 0;

        r = bol_un_number_parse(value, &un, NULL);
        FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
        if (r == 0)
            FUZZ_ASSERT(un >= 1 && un <= 9999);
        break;
    }
    default: {
        enum bol_vgm_method m;

        r = bol_vgm_method_parse(value, &m, NULL);
        FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
        break;
    }
    }
    return 0;
}
