/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container_id.c - ISO 6346 container identification
 */
#include "compat.h"

#include "container_id.h"
#include "errors.h"

/* ISO 6346 Annex A letter values: from 10, skipping 11, 22 and 33. */
static const uint8_t letter_values[26] = {
    10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, /* A..M */
    25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37, 38, /* N..Z */
};

int bol_iso6346_letter_value(char c)
{
    if (c < 'A' || c > 'Z')
        return -1;
    return letter_values[c - 'A'];
}

static bool is_category(char c)
{
    return c == 'U' || c == 'J' || c == 'Z';
}

int bol_iso6346_check_digit(const char code10[10])
{
    unsigned sum = 0;
    unsigned i;

    for (i = 0; i < 10; i++) {
        unsigned v;

        if (i < 4) {
            int lv = bol_iso6346_letter_value(code10[i]);

            if (lv < 0 || (i == 3 && !is_category(code10[i])))
                return BOL_E_INVAL;
            v = (unsigned) lv;
        } else {
            if (!bol_is_digit(code10[i]))
                return BOL_E_INVAL;
            v = (unsigned) (code10[i] - '0');
        }
        sum += v << i;
    }
    return (int) (sum % 11 % 10);
}

int bol_container_id_normalize(struct bol_str in, struct bol_container_id *ret,
                               struct bol_diag *diag)
{
    char s[BOL_CONTAINER_ID_LEN + 1];
    size_t n = 0;
    size_t i;

    if (in.len > BOL_CONTAINER_ID_INPUT_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "container_id",
                             "too long: %zu characters, at most %d", in.len,
                             BOL_CONTAINER_ID_INPUT_MAX);
    for (i = 0; i < in.len; i++) {
        char c = in.p[i];

        if (c == ' ')
            continue;
        if (c < 0x21 || c > 0x7e)
            return bol_diag_fail(diag, BOL_E_INVAL, "container_id",
                                 "unexpected byte 0x%02x at position %zu", (unsigned char) c,
                                 i + 1);
        if (n == BOL_CONTAINER_ID_LEN)
            return bol_diag_fail(diag, BOL_E_INVAL, "container_id",
                                 "expected 11 characters (4 letters, 7 digits), got more");
        s[n++] = bol_to_upper(c);
    }
    s[n] = '\0';
    if (n == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "container_id", "empty container number");
    if (n != BOL_CONTAINER_ID_LEN)
        return bol_diag_fail(diag, BOL_E_INVAL, "container_id",
                             "expected 11 characters (4 letters, 7 digits), got %zu", n);
    for (i = 0; i < 3; i++) {
        if (!bol_is_upper(s[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "owner_code",
                                 "owner code must be 3 letters, got '%.3s'", s);
    }
    if (!is_category(s[3]))
        return bol_diag_fail(diag, BOL_E_INVAL, "category",
                             "equipment category must be U, J or Z, got '%c'", s[3]);
    for (i = 4; i < 10; i++) {
        if (!bol_is_digit(s[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "serial",
                                 "serial number must be 6 digits, got '%.6s'", s + 4);
    }
    if (!bol_is_digit(s[10]))
        return bol_diag_fail(diag, BOL_E_INVAL, "check_digit",
                             "check digit must be a digit, got '%c'", s[10]);
    memcpy(ret->s, s, sizeof(ret->s));
    return 0;
}

int bol_container_id_verify(const struct bol_container_id *id, struct bol_diag *diag)
{
    int want = bol_iso6346_check_digit(id->s);

    if (want < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "container_id",
                             "not a normalised container number");
    if (id->s[10] - '0' != want)
        return bol_diag_fail(diag, BOL_E_INVAL, "check_digit", "expected check digit %d", want);
    return 0;
}

int bol_container_id_parse(struct bol_str in, struct bol_container_id *ret, struct bol_diag *diag)
{
    struct bol_container_id id;
    int r;

    r = bol_container_id_normalize(in, &id, diag);
    if (r < 0)
        return r;
    r = bol_container_id_verify(&id, diag);
    if (r < 0)
        return r;
    *ret = id;
    return 0;
}
