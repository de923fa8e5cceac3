/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_pii.c - opening sealed personal data */
#include "compat.h"

#include "buf.h"
#include "errors.h"
#include "fuzz.h"
#include "pii.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t key[BOL_PII_KEY_LEN] = { 1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                                  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                                  23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
    struct bol_str in = bol_str_make((const char *) data, size);
    struct bol_buf out = BOL_BUF_INIT(4096);
    struct bol_str person;
    int r;

    r = bol_pii_person(in, &person, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_PARSE);
    if (r == 0)
        FUZZ_ASSERT(person.len >= 1 && person.len <= BOL_PII_PERSON_MAX);
    r = bol_pii_open(key, BOL_STR("name"), in, &out, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_PARSE || r == BOL_E_CORRUPT || r == BOL_E_INVAL);
    if (r == 0)
        FUZZ_ASSERT(out.len <= BOL_PII_VALUE_MAX);
    bol_buf_release(&out);
    return 0;
}
