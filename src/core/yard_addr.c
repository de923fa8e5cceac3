/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yard_addr.c - yard addresses
 */
#include "compat.h"

#include "errors.h"
#include "yard_addr.h"

static int code_check(struct bol_str code, size_t max, const char *what, struct bol_diag *diag)
{
    size_t i;

    if (!code.len)
        return bol_diag_fail(diag, BOL_E_INVAL, what, "%s code is empty", what);
    if (code.len > max)
        return bol_diag_fail(diag, BOL_E_INVAL, what, "%s code longer than %zu characters", what,
                             max);
    for (i = 0; i < code.len; i++) {
        char c = bol_to_upper(code.p[i]);

        if (!bol_is_upper(c) && !bol_is_digit(c))
            return bol_diag_fail(diag, BOL_E_INVAL, what,
                                 "%s code may hold only letters and digits, got byte 0x%02x", what,
                                 (unsigned char) code.p[i]);
    }
    return 0;
}

int bol_terminal_code_check(struct bol_str code, struct bol_diag *diag)
{
    return code_check(code, BOL_TERMINAL_CODE_MAX, "terminal", diag);
}

int bol_block_code_check(struct bol_str code, struct bol_diag *diag)
{
    return code_check(code, BOL_BLOCK_CODE_MAX, "block", diag);
}

static void copy_upper(char *out, struct bol_str s)
{
    size_t i;

    for (i = 0; i < s.len; i++)
        out[i] = bol_to_upper(s.p[i]);
    out[s.len] = '\0';
}

static int number(struct bol_str s, unsigned max, const char *what, unsigned *ret,
                  struct bol_diag *diag)
{
    uint64_t v;

    if (!s.len || s.len > 4 || bol_str_to_u64(s, &v) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, what, "%s must be a number 1..%u", what, max);
    if (v < 1 || v > max)
        return bol_diag_fail(diag, BOL_E_INVAL, what, "%s %" PRIu64 " outside 1..%u", what, v, max);
    *ret = (unsigned) v;
    return 0;
}

int bol_yard_addr_parse(struct bol_str in, enum bol_yard_level min_level, struct bol_yard_addr *ret,
                        struct bol_diag *diag)
{
    static const char *const names[] = { "terminal", "block", "bay", "row", "tier" };
    static const unsigned maxima[] = { 0, 0, BOL_YARD_BAY_MAX, BOL_YARD_ROW_MAX,
                                       BOL_YARD_TIER_MAX };
    struct bol_yard_addr a;
    struct bol_str cur = bol_str_trim(in);
    struct bol_str part;
    unsigned n = 0;
    int r;

    memset(&a, 0, sizeof(a));
    if (cur.len > 64)
        return bol_diag_fail(diag, BOL_E_INVAL, "yard_address", "yard address too long");
    while (bol_str_next_token(&cur, '/', &part)) {
        unsigned v = 0;

        if (n == 5)
            return bol_diag_fail(diag, BOL_E_INVAL, "yard_address",
                                 "too many parts: expected TERMINAL/BLOCK/BAY/ROW/TIER");
        if (n == 0) {
            r = bol_terminal_code_check(part, diag);
            if (r < 0)
                return r;
            copy_upper(a.terminal, part);
        } else if (n == 1) {
            r = bol_block_code_check(part, diag);
            if (r < 0)
                return r;
            copy_upper(a.block, part);
        } else {
            r = number(part, maxima[n], names[n], &v, diag);
            if (r < 0)
                return r;
            if (n == 2)
                a.bay = (uint16_t) v;
            else if (n == 3)
                a.row = (uint8_t) v;
            else
                a.tier = (uint8_t) v;
        }
        n++;
        /* A trailing '/' leaves an empty last part: refuse it. */
        if (!cur.len && part.p + part.len < in.p + in.len && part.p[part.len] == '/')
            return bol_diag_fail(diag, BOL_E_INVAL, names[BOL_MIN(n, 4u)], "address ends with '/'");
    }
    if (n < (unsigned) min_level) {
        static const char *const want[] = { "",
                                            "",
                                            "TERMINAL/BLOCK",
                                            "TERMINAL/BLOCK/BAY",
                                            "TERMINAL/BLOCK/BAY/ROW",
                                            "TERMINAL/BLOCK/BAY/ROW/TIER" };

        return bol_diag_fail(diag, BOL_E_INVAL, n < 5 ? names[n] : "yard_address",
                             "incomplete yard address: expected %s", want[min_level]);
    }
    a.level = (enum bol_yard_level) n;
    *ret = a;
    return 0;
}

void bol_yard_addr_format(const struct bol_yard_addr *a, char out[BOL_YARD_ADDR_TEXT_MAX])
{
    int n = snprintf(out, BOL_YARD_ADDR_TEXT_MAX, "%s/%s", a->terminal, a->block);

    if (a->level >= BOL_YARD_BAY && n > 0)
        n += snprintf(out + n, BOL_YARD_ADDR_TEXT_MAX - (size_t) n, "/%03u", (unsigned) a->bay);
    if (a->level >= BOL_YARD_STACK && n > 0)
        n += snprintf(out + n, BOL_YARD_ADDR_TEXT_MAX - (size_t) n, "/%02u", (unsigned) a->row);
    if (a->level >= BOL_YARD_SLOT && n > 0)
        snprintf(out + n, BOL_YARD_ADDR_TEXT_MAX - (size_t) n, "/%u", (unsigned) a->tier);
}
