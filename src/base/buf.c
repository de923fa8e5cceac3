/* SPDX-License-Identifier: Apache-2.0 */
/*
 * buf.c - growable byte buffer with a size cap
 */
#include "compat.h"

#include "arena.h"
#include "buf.h"
#include "errors.h"
#include "mem.h"

char bol_buf_empty[1];

void bol_buf_init(struct bol_buf *b, struct bol_arena *arena, size_t max_len)
{
    b->buf = bol_buf_empty;
    b->len = 0;
    b->alloc = 0;
    b->max = max_len;
    b->arena = arena;
}

void bol_buf_release(struct bol_buf *b)
{
    if (b->alloc && !b->arena)
        bol_free(b->buf);
    b->buf = bol_buf_empty;
    b->len = 0;
    b->alloc = 0;
}

void bol_buf_release_wipe(struct bol_buf *b)
{
    if (b->alloc)
        bol_wipe(b->buf, b->alloc);
    bol_buf_release(b);
}

void bol_buf_reset(struct bol_buf *b)
{
    b->len = 0;
    if (b->alloc)
        b->buf[0] = '\0';
}

int bol_buf_grow(struct bol_buf *b, size_t extra)
{
    size_t need;
    size_t want;
    char *p;

    if (extra > b->max || b->len > b->max - extra)
        return BOL_E_TOOBIG;
    if (b->len + extra == SIZE_MAX) /* no room left for the NUL */
        return BOL_E_TOOBIG;
    need = b->len + extra + 1;
    if (need <= b->alloc)
        return 0;
    /* Grow by half again (at least 64 bytes), but not past max + 1. */
    want = b->alloc + b->alloc / 2;
    if (want < need)
        want = need;
    if (want < 64)
        want = 64;
    if (b->max < SIZE_MAX && want > b->max + 1)
        want = b->max + 1;
    if (b->arena) {
        p = bol_arena_alloc(b->arena, want);
        if (!p)
            return BOL_E_NOMEM;
        memcpy(p, b->buf, b->len + 1);
    } else {
        p = bol_realloc(b->alloc ? b->buf : NULL, want);
        if (!p)
            return BOL_E_NOMEM;
        if (!b->alloc)
            p[0] = '\0';
    }
    b->buf = p;
    b->alloc = want;
    return 0;
}

int bol_buf_add(struct bol_buf *b, const void *p, size_t n)
{
    int r;

    if (!n)
        return 0;
    r = bol_buf_grow(b, n);
    if (r < 0)
        return r;
    memcpy(b->buf + b->len, p, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return 0;
}

int bol_buf_adds(struct bol_buf *b, const char *s)
{
    return bol_buf_add(b, s, strlen(s));
}

int bol_buf_addstr(struct bol_buf *b, struct bol_str s)
{
    return bol_buf_add(b, s.p, s.len);
}

int bol_buf_addch(struct bol_buf *b, char c)
{
    return bol_buf_add(b, &c, 1);
}

int bol_buf_vaddf(struct bol_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;
    int r;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return BOL_E_INVAL;
    r = bol_buf_grow(b, (size_t) n);
    if (r < 0)
        return r;
    vsnprintf(b->buf + b->len, (size_t) n + 1, fmt, ap);
    b->len += (size_t) n;
    return 0;
}

int bol_buf_addf(struct bol_buf *b, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = bol_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return r;
}

void bol_buf_truncate(struct bol_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->buf[len] = '\0';
}

struct bol_str bol_buf_str(const struct bol_buf *b)
{
    return bol_str_make(b->buf, b->len);
}
