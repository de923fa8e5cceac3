/* SPDX-License-Identifier: Apache-2.0 */
/*
 * arena.h - region allocator with a hard byte cap
 *
 * One arena per HTTP request, CLI invocation, EDI interchange parse and
 * planning run (nginx's r->pool, PostgreSQL memory contexts).  Memory comes
 * from a chain of blocks and is released all at once by bol_arena_reset or
 * bol_arena_free; nothing is freed individually.  The cap counts every byte
 * the arena takes from the heap, so a hostile input cannot make one request
 * use more than its share: past the cap, allocations return NULL and
 * bol_arena_over_cap() turns true (callers report BOL_E_TOOBIG or NOMEM).
 *
 * Cleanups registered with bol_arena_on_reset run, newest first, when the
 * arena is reset or freed: for statements, files and other non-memory
 * resources tied to the arena's lifetime.
 *
 * Debug builds (NDEBUG unset) fill released memory with 0xaa.
 * An arena is not thread-safe.
 */
#pragma once

#include "compat.h"

struct bol_arena;

/* Alignment of every allocation: suitable for any object type. */
#define BOL_ARENA_ALIGN 16

/*
 * A new arena that will hold at most cap_bytes of heap memory in total
 * (block headers included).  Returns NULL when out of memory.
 */
BOL_MUST_CHECK struct bol_arena *bol_arena_new(size_t cap_bytes);

/* Release everything and the arena itself; NULL is allowed. */
void bol_arena_free(struct bol_arena *a);

/*
 * n bytes aligned to BOL_ARENA_ALIGN, uninitialised; NULL when the cap would be
 * passed or the heap is exhausted.  n == 0 returns a valid unique pointer.
 */
BOL_MUST_CHECK void *bol_arena_alloc(struct bol_arena *a, size_t n);

/* As bol_arena_alloc, zero-filled; nmemb * size is checked for overflow. */
BOL_MUST_CHECK void *bol_arena_calloc(struct bol_arena *a, size_t nmemb, size_t size);

/* Copy of n bytes of p, or of a NUL-terminated string (with its NUL). */
BOL_MUST_CHECK void *bol_arena_memdup(struct bol_arena *a, const void *p, size_t n);
BOL_MUST_CHECK char *bol_arena_strdup(struct bol_arena *a, const char *s);
/* Copy of n bytes plus a terminating NUL. */
BOL_MUST_CHECK char *bol_arena_strndup(struct bol_arena *a, const char *s, size_t n);

/* printf into the arena.  NULL on failure. */
BOL_MUST_CHECK char *bol_arena_printf(struct bol_arena *a, const char *fmt, ...) BOL_PRINTF(2, 3);

/*
 * Run fn(data) when the arena is next reset or freed.  Returns 0 or
 * BOL_E_NOMEM (then fn is not registered and the caller must clean up).
 */
BOL_MUST_CHECK int bol_arena_on_reset(struct bol_arena *a, void (*fn)(void *data), void *data);

/*
 * Run the cleanups, then release all memory but the first block, so the arena
 * can be reused for the next request without a trip to the heap.
 */
void bol_arena_reset(struct bol_arena *a);

/* Bytes handed out since the last reset (alignment padding included). */
size_t bol_arena_used(const struct bol_arena *a);

/* Bytes currently taken from the heap. */
size_t bol_arena_held(const struct bol_arena *a);

/* True when an allocation failed because of the cap (cleared by reset). */
bool bol_arena_over_cap(const struct bol_arena *a);
