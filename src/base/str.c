/* SPDX-License-Identifier: Apache-2.0 */
/*
 * str.c - non-owning string slices
 */
#include "compat.h"

#include "errors.h"
#include "str.h"

struct bol_str bol_str_from(const char *s)
{
    struct bol_str r = { "", 0 };

    if (s) {
        r.p = s;
        r.len = strlen(s);
    }
    return r;
}

struct bol_str bol_str_make(const char *p, size_t n)
{
    struct bol_str r = { p ? p : "", p ? n : 0 };

    return r;
}

bool bol_str_eq(struct bol_str a, struct bol_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool bol_str_eq_cstr(struct bol_str a, const char *s)
{
    return bol_str_eq(a, bol_str_from(s));
}

bool bol_str_eq_nocase(struct bol_str a, const char *s)
{
    size_t n = strlen(s);
    size_t i;

    if (a.len != n)
        return false;
    for (i = 0; i < n; i++) {
        if (bol_to_upper(a.p[i]) != bol_to_upper(s[i]))
            return false;
    }
    return true;
}

bool bol_str_starts_with(struct bol_str s, const char *prefix)
{
    size_t n = strlen(prefix);

    return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

struct bol_str bol_str_trim(struct bol_str s)
{
    while (s.len && bol_is_space((unsigned char) s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && bol_is_space((unsigned char) s.p[s.len - 1]))
        s.len--;
    return s;
}

bool bol_str_next_token(struct bol_str *cursor, char delim, struct bol_str *out)
{
    const char *d;

    if (!cursor->len)
        return false;
    d = memchr(cursor->p, delim, cursor->len);
    if (!d) {
        *out = *cursor;
        cursor->p += cursor->len;
        cursor->len = 0;
        return true;
    }
    out->p = cursor->p;
    out->len = (size_t) (d - cursor->p);
    cursor->len -= out->len + 1;
    cursor->p = d + 1;
    return true;
}

int bol_str_to_u64(struct bol_str s, uint64_t *ret)
{
    uint64_t v = 0;
    size_t i;

    if (!s.len)
        return BOL_E_INVAL;
    for (i = 0; i < s.len; i++) {
        unsigned d;

        if (!bol_is_digit((unsigned char) s.p[i]))
            return BOL_E_INVAL;
        d = (unsigned) (s.p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return BOL_E_INVAL;
        v = v * 10 + d;
    }
    *ret = v;
    return 0;
}

int bol_str_to_i64(struct bol_str s, int64_t *ret)
{
    bool neg = false;
    uint64_t v;
    int r;

    if (s.len && (s.p[0] == '-' || s.p[0] == '+')) {
        neg = s.p[0] == '-';
        s.p++;
        s.len--;
    }
    r = bol_str_to_u64(s, &v);
    if (r < 0)
        return r;
    if (neg) {
        if (v > (uint64_t) INT64_MAX + 1)
            return BOL_E_INVAL;
        *ret = v == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) v;
    } else {
        if (v > (uint64_t) INT64_MAX)
            return BOL_E_INVAL;
        *ret = (int64_t) v;
    }
    return 0;
}

int bol_str_copy(struct bol_str s, char *out, size_t out_size)
{
    if (!out_size)
        return BOL_E_TOOBIG;
    if (s.len >= out_size) {
        out[0] = '\0';
        return BOL_E_TOOBIG;
    }
    if (s.len)
        memcpy(out, s.p, s.len);
    out[s.len] = '\0';
    return 0;
}
