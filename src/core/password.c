/* SPDX-License-Identifier: Apache-2.0 */
/*
 * password.c - password rules (NIST SP 800-63B)
 *
 * Nothing here puts the password into a message, and the working copies on
 * the stack are wiped before returning.
 */
#include "compat.h"

#include <stdio.h>

#include "errors.h"
#include "jsonw.h"
#include "mem.h"
#include "password.h"

#define FIELD "password"

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/* Decode the code point at s[*i] of valid UTF-8 and advance *i. */
static uint32_t utf8_next(const char *str, size_t *i)
{
    const unsigned char *s = (const unsigned char *) str + *i;
    uint32_t cp;
    size_t len, k;

    if (s[0] < 0x80) {
        *i += 1;
        return s[0];
    }
    if (s[0] < 0xe0) {
        len = 2;
        cp = s[0] & 0x1fu;
    } else if (s[0] < 0xf0) {
        len = 3;
        cp = s[0] & 0x0fu;
    } else {
        len = 4;
        cp = s[0] & 0x07u;
    }
    for (k = 1; k < len; k++)
        cp = (cp << 6) | (s[k] & 0x3fu);
    *i += len;
    return cp;
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

static uint32_t cp_lower(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') ? cp - 'A' + 'a' : cp;
}

/* The next character of a straight run: digits wrap 9 to 0, letters z to a. */
static uint32_t succ(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return cp == '9' ? '0' : cp + 1;
    if (cp >= 'a' && cp <= 'z')
        return cp == 'z' ? 'a' : cp + 1;
    return cp + 1;
}

static uint32_t pred(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return cp == '0' ? '9' : cp - 1;
    if (cp >= 'a' && cp <= 'z')
        return cp == 'a' ? 'z' : cp - 1;
    return cp - 1;
}

/* cps holds n >= 2 lower-cased code points. */
static bool is_repeated(const uint32_t *cps, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (cps[i] != cps[0])
            return false;
    }
    return true;
}

static bool is_run(const uint32_t *cps, size_t n, uint32_t (*next)(uint32_t))
{
    for (size_t i = 1; i < n; i++) {
        if (cps[i] != next(cps[i - 1]))
            return false;
    }
    return true;
}

/* Bytewise order of a slice against a C string, as strcmp orders two C strings. */
static int cmp_entry(struct bol_str s, const char *e)
{
    size_t n = strlen(e);
    size_t m = BOL_MIN(s.len, n);
    int c = m ? memcmp(s.p, e, m) : 0;

    if (c)
        return c;
    return s.len < n ? -1 : (s.len > n ? 1 : 0);
}

static bool in_list(struct bol_str lower)
{
    size_t lo = 0, hi = bol_common_passwords_n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_entry(lower, bol_common_passwords[mid]);

        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

bool bol_password_is_common(struct bol_str s)
{
    char low[BOL_PASSWORD_MAX_BYTES];
    bool r;

    /* No list entry is anywhere near this long. */
    if (s.len > sizeof(low))
        return false;
    for (size_t i = 0; i < s.len; i++)
        low[i] = ascii_lower(s.p[i]);
    r = in_list(bol_str_make(low, s.len));
    bol_wipe(low, sizeof(low));
    return r;
}

/* Does low (lower-cased password) contain user, ASCII case-insensitively? */
static bool contains_user(const char *low, size_t len, struct bol_str user)
{
    size_t chars = 0;

    for (size_t i = 0; i < user.len; i++) {
        if (((unsigned char) user.p[i] & 0xc0) != 0x80)
            chars++;
    }
    if (chars < BOL_PASSWORD_USER_MIN_CHARS || user.len > len)
        return false;
    for (size_t at = 0; at + user.len <= len; at++) {
        size_t k = 0;

        while (k < user.len && low[at + k] == ascii_lower(user.p[k]))
            k++;
        if (k == user.len)
            return true;
    }
    return false;
}

static int check(struct bol_str pw, struct bol_str user, char *low, uint32_t *cps,
                 struct bol_diag *diag)
{
    size_t n = 0;

    if (pw.len > BOL_PASSWORD_MAX_BYTES)
        return bol_diag_fail(diag, BOL_E_INVAL, FIELD, "password must be at most %d bytes",
                             BOL_PASSWORD_MAX_BYTES);
    if (!bol_utf8_valid(pw.p, pw.len))
        return bol_diag_fail(diag, BOL_E_INVAL, FIELD, "password must be valid UTF-8 text");
    for (size_t i = 0; i < pw.len;) {
        uint32_t cp = utf8_next(pw.p, &i);

        if (is_control(cp))
            return bol_diag_fail(diag, BOL_E_INVAL, FIELD,
                                 "password must not contain control characters");
        cps[n++] = cp_lower(cp);
    }
    if (n < BOL_PASSWORD_MIN_CHARS)
        return bol_diag_fail(diag, BOL_E_INVAL, FIELD, "password must be at least %d characters",
                             BOL_PASSWORD_MIN_CHARS);
    if (n > BOL_PASSWORD_MAX_CHARS)
        return bol_diag_fail(diag, BOL_E_INVAL, FIELD, "password must be at most %d characters",
                             BOL_PASSWORD_MAX_CHARS);
    if (is_repeated(cps, n))
        return bol_diag_fail(diag, BOL_E_INVAL, FIELD,
                             "password must not be one character repeated");
    if (is_run(cps, n, succ) || is_run(cps, n, pred))
        return bol_diag_fail(diag, BOL_E_INVAL, FIELD,
                             "password must not be a straight sequence such as 'abcd' or '4321'");
    for (size_t i = 0; i < pw.len; i++)
        low[i] = ascii_lower(pw.p[i]);
    if (contains_user(low, pw.len, user))
        return bol_diag_fail(diag, BOL_E_INVAL, FIELD, "password must not contain the user name");
    if (in_list(bol_str_make(low, pw.len)))
        return bol_diag_fail(diag, BOL_E_INVAL, FIELD,
                             "password is on a list of commonly used passwords");
    return 0;
}

int bol_password_check(struct bol_str pw, struct bol_str user, struct bol_diag *diag)
{
    char low[BOL_PASSWORD_MAX_BYTES];
    uint32_t cps[BOL_PASSWORD_MAX_BYTES];
    int r;

    r = check(pw, user, low, cps, diag);
    bol_wipe(low, sizeof(low));
    bol_wipe(cps, sizeof(cps));
    return r;
}

int bol_password_weakness(struct bol_str pw, char *why, size_t n)
{
    char low[BOL_PASSWORD_MAX_BYTES];
    size_t i, len = BOL_MIN(pw.len, sizeof(low)), end, start, distinct = 0;
    bool seen[256] = { false };
    int weak = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) ascii_lower(pw.p[i]);

        low[i] = (char) c;
        if (!seen[c]) {
            seen[c] = true;
            distinct++;
        }
    }
    /* A common password with digits or symbols around it: "sunshine2024!", "#dragon99". */
    for (end = len; end > 0 && !bol_is_alpha(low[end - 1]); end--)
        ;
    for (start = 0; start < end && !bol_is_alpha(low[start]); start++)
        ;
    if (end > start && (start > 0 || end < len) &&
        in_list(bol_str_make(low + start, end - start))) {
        snprintf(why, n, "a common password with digits or symbols added");
        weak = 1;
    } else if (distinct < 6) {
        snprintf(why, n, "only %zu different characters", distinct);
        weak = 1;
    }
    bol_wipe(low, sizeof(low));
    return weak;
}
