/* SPDX-License-Identifier: Apache-2.0 */
/*
 * buf.h - growable byte buffer with a size cap
 *
 * Invariants (git strbuf): buf is never NULL and always NUL-terminated, so it
 * can be used as a C string at any time; len excludes the NUL.  A buffer never
 * grows past max bytes of content: an append that would returns BOL_E_TOOBIG
 * and leaves the buffer as it was (curl dynbuf's "toobig").  Memory comes from
 * the heap, or from an arena when one is given (then release only forgets it).
 *
 *     struct bol_buf b = BOL_BUF_INIT(1 << 20);
 *     r = bol_buf_addf(&b, "%s,%d\n", name, n);
 *     ...
 *     bol_buf_release(&b);
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_arena;

struct bol_buf {
    char *buf;
    size_t len;
    size_t alloc; /* bytes allocated, 0 while buf points at the shared empty string */
    size_t max;   /* largest len allowed */
    struct bol_arena *arena;
};

/* The shared empty string every unallocated buffer points at.  Never written. */
extern char bol_buf_empty[];

#define BOL_BUF_INIT(max_len)                                                                      \
    {                                                                                              \
        .buf = bol_buf_empty, .len = 0, .alloc = 0, .max = (max_len)                               \
    }

/* Initialise; arena may be NULL (heap). */
void bol_buf_init(struct bol_buf *b, struct bol_arena *arena, size_t max_len);

/* Free heap memory and return to the initial state; max and arena are kept. */
void bol_buf_release(struct bol_buf *b);

/* As release, but overwrite the contents first (for secrets). */
void bol_buf_release_wipe(struct bol_buf *b);

/* Empty the buffer, keeping its memory. */
void bol_buf_reset(struct bol_buf *b);

/* Make room for extra more bytes.  0, BOL_E_TOOBIG or BOL_E_NOMEM. */
BOL_MUST_CHECK int bol_buf_grow(struct bol_buf *b, size_t extra);

/* Append.  Each returns 0, BOL_E_TOOBIG or BOL_E_NOMEM, and on failure leaves b as it was. */
BOL_MUST_CHECK int bol_buf_add(struct bol_buf *b, const void *p, size_t n);
BOL_MUST_CHECK int bol_buf_adds(struct bol_buf *b, const char *s);
BOL_MUST_CHECK int bol_buf_addstr(struct bol_buf *b, struct bol_str s);
BOL_MUST_CHECK int bol_buf_addch(struct bol_buf *b, char c);
BOL_MUST_CHECK int bol_buf_addf(struct bol_buf *b, const char *fmt, ...) BOL_PRINTF(2, 3);
BOL_MUST_CHECK int bol_buf_vaddf(struct bol_buf *b, const char *fmt, va_list ap) BOL_PRINTF(2, 0);

/* Shorten to len bytes (no-op when len >= b->len). */
void bol_buf_truncate(struct bol_buf *b, size_t len);

/* The contents as a slice. */
struct bol_str bol_buf_str(const struct bol_buf *b);
