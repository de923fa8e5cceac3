/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mem.h - heap allocation, constant-time compare, secure wipe
 *
 * All heap memory in bollard goes through these functions (banned.h bans the
 * raw libc calls), so tests can install hooks that count allocations and fail
 * the Nth one.  Two families:
 *   bol_malloc & co.   return NULL on failure: library code, which returns
 *                      BOL_E_NOMEM;
 *   bol_xmalloc & co.  never return NULL: they log one line and abort, for
 *                      long-lived objects where running on without memory is
 *                      worse than a restart (git xmalloc, Redis zmalloc).
 * bol_free(NULL) is a no-op.  Per-request memory comes from an arena
 * (arena.h), not from here.
 */
#pragma once

#include "compat.h"

BOL_MALLOC BOL_MUST_CHECK void *bol_malloc(size_t n);
BOL_MALLOC BOL_MUST_CHECK void *bol_calloc(size_t nmemb, size_t size);
BOL_MUST_CHECK void *bol_realloc(void *p, size_t n);
void bol_free(void *p);

/* Copies of a NUL-terminated string, or of the first n bytes (plus a NUL). */
BOL_MALLOC BOL_MUST_CHECK char *bol_strdup(const char *s);
BOL_MALLOC BOL_MUST_CHECK char *bol_strndup(const char *s, size_t n);

/* As above, but abort the process on failure. */
BOL_MALLOC void *bol_xmalloc(size_t n);
BOL_MALLOC void *bol_xcalloc(size_t nmemb, size_t size);
void *bol_xrealloc(void *p, size_t n);
BOL_MALLOC char *bol_xstrdup(const char *s);

/*
 * Allocation hooks, for tests only: route every bol_* allocation through
 * other functions (e.g. cmocka's test_malloc, or one that fails the Nth call).
 * NULL restores libc.  Not thread-safe: set before threads start.
 */
struct bol_mem_hooks {
    void *(*malloc_fn)(size_t n);
    void *(*realloc_fn)(void *p, size_t n);
    void (*free_fn)(void *p);
};
void bol_mem_set_hooks(const struct bol_mem_hooks *hooks);

/*
 * Compare n bytes in time that depends only on n, not on where they differ
 * (libsodium's sodium_memcmp loop).  For tokens, MACs and hashes.  Returns
 * true when equal.  Not an ordering.
 */
BOL_MUST_CHECK bool bol_mem_eq(const void *a, const void *b, size_t n);

/* Overwrite n bytes with zeros in a way the compiler cannot remove. */
void bol_wipe(void *p, size_t n);

/* bol_wipe(p, n) then bol_free(p); NULL is allowed. */
void bol_free_wipe(void *p, size_t n);
