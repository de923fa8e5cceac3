/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_password.c - password rules */
#include "compat.h"

#include "errors.h"
#include "fuzz.h"
#include "jsonw.h"
#include "password.h"

static void check(struct bol_str pw, struct bol_str user)
{
    struct bol_diag d;
    int r = bol_password_check(pw, user, &d);

    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
    FUZZ_ASSERT(bol_password_check(pw, user, NULL) == r);
    if (r != 0) {
        FUZZ_ASSERT(d.code == BOL_E_INVAL && !strcmp(d.field, "password"));
        return;
    }
    FUZZ_ASSERT(pw.len >= BOL_PASSWORD_MIN_CHARS && pw.len <= BOL_PASSWORD_MAX_BYTES);
    FUZZ_ASSERT(bol_utf8_valid(pw.p, pw.len));
    FUZZ_ASSERT(!bol_password_is_common(pw));
    FUZZ_ASSERT(!memchr(pw.p, '\0', pw.len) && !memchr(pw.p, '\n', pw.len));
}

/*
 * The whole input as a password without a user name; then the first byte's
 * low 4 bits give the length of a user name taken from what follows, and the
 * rest is the password.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *) data;
    size_t ulen;

    check(bol_str_make(p, size), bol_str_make(p, 0));
    if (!size)
        return 0;
    ulen = BOL_MIN((size_t) (data[0] & 15u), size - 1);
    check(bol_str_make(p + 1 + ulen, size - 1 - ulen), bol_str_make(p + 1, ulen));
    return 0;
}
