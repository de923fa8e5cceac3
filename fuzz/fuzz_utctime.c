/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_utctime.c - ISO 8601 date-time parsing */
#include "compat.h"

#include "errors.h"
#include "fuzz.h"
#include "utctime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str in = bol_str_make((const char *) data, size);
    struct bol_diag d;
    int64_t at = 0, back = 0;
    int r;

    bol_diag_init(&d);
    r = bol_time_parse(in, &at, &d);
    FUZZ_ASSERT(r == 0 || r == BOL_E_PARSE);
    if (r == 0) {
        char text[BOL_TIME_TEXT_MAX];

        FUZZ_ASSERT(at >= BOL_TIME_MIN_US && at <= BOL_TIME_MAX_US);
        FUZZ_ASSERT(bol_time_format(at, 0, 6, text) != NULL);
        FUZZ_ASSERT(bol_time_parse(bol_str_from(text), &back, NULL) == 0);
        FUZZ_ASSERT(back == at);
    } else {
        FUZZ_ASSERT(d.offset >= 0 && (size_t) d.offset <= size);
    }
    return 0;
}
