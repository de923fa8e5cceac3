/* SPDX-License-Identifier: Apache-2.0 */
/*
 * str.h - non-owning string slices and cursor parsing
 *
 * struct bol_str is a pointer and a length (nginx ngx_str_t, h2o_iovec_t): it
 * owns nothing, need not be NUL-terminated and may contain NUL bytes.  Parsers
 * take a struct bol_str *cursor and advance it past what they consumed
 * (curl's strparse), so they never need to copy or terminate input.
 */
#pragma once

#include "compat.h"

struct bol_str {
    const char *p;
    size_t len;
};

/* A slice of a string literal. */
#define BOL_STR(lit) ((struct bol_str){ .p = "" lit, .len = sizeof(lit) - 1 })

/* Slice of a NUL-terminated string (NULL gives the empty slice). */
struct bol_str bol_str_from(const char *s);

/* Slice of n bytes at p. */
struct bol_str bol_str_make(const char *p, size_t n);

bool bol_str_eq(struct bol_str a, struct bol_str b);
bool bol_str_eq_cstr(struct bol_str a, const char *s);
/* ASCII case-insensitive equality. */
bool bol_str_eq_nocase(struct bol_str a, const char *s);
bool bol_str_starts_with(struct bol_str s, const char *prefix);

/* Without leading and trailing ASCII whitespace (space, \t, \r, \n, \v, \f). */
struct bol_str bol_str_trim(struct bol_str s);

/*
 * Split at the first delim: *out gets what comes before it and the cursor moves
 * past it.  Without a delim, *out gets the rest and the cursor becomes empty.
 * Returns false only when the cursor was already empty.
 */
bool bol_str_next_token(struct bol_str *cursor, char delim, struct bol_str *out);

/*
 * Strict decimal integers: optional sign (for the signed form only), at least
 * one digit, nothing else, no overflow.  0 or BOL_E_INVAL; *ret untouched on
 * failure.
 */
BOL_MUST_CHECK int bol_str_to_u64(struct bol_str s, uint64_t *ret);
BOL_MUST_CHECK int bol_str_to_i64(struct bol_str s, int64_t *ret);

/*
 * Copy into a fixed buffer as a NUL-terminated string.  Returns 0, or
 * BOL_E_TOOBIG when it does not fit (out then holds "").
 */
BOL_MUST_CHECK int bol_str_copy(struct bol_str s, char *out, size_t out_size);

/* ASCII classification that ignores the locale. */
static inline bool bol_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline bool bol_is_upper(int c)
{
    return c >= 'A' && c <= 'Z';
}

static inline bool bol_is_alpha(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static inline bool bol_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline char bol_to_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char) (c - 'a' + 'A') : c;
}
