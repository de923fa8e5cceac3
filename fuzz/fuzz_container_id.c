/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_container_id.c - ISO 6346 container number parsing */
#include "compat.h"

#include "container_id.h"
#include "errors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str in = bol_str_make((const char *) data, size);
    struct bol_container_id id, again;
    struct bol_diag d;
    int norm, full;

    bol_diag_init(&d);
    norm = bol_container_id_normalize(in, &id, &d);
    full = bol_container_id_parse(in, &again, &d);
    FUZZ_ASSERT(norm == 0 || norm == BOL_E_INVAL);
    FUZZ_ASSERT(full == 0 || full == BOL_E_INVAL);
    FUZZ_ASSERT(strlen(d.msg) < sizeof(d.msg));
    if (norm == 0) {
        int cd = bol_iso6346_check_digit(id.s);

        FUZZ_ASSERT(strlen(id.s) == BOL_CONTAINER_ID_LEN);
        FUZZ_ASSERT(cd >= 0 && cd <= 9);
        /* The strict parse agrees with the check digit. */
        FUZZ_ASSERT((full == 0) == (id.s[10] - '0' == cd));
        /* A normalised number normalises to itself. */
        FUZZ_ASSERT(bol_container_id_normalize(bol_str_from(id.s), &again, NULL) == 0);
        FUZZ_ASSERT(!strcmp(again.s, id.s));
    } else {
        FUZZ_ASSERT(full != 0);
    }
    return 0;
}
