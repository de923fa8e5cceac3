/* SPDX-License-Identifier: Apache-2.0 */
/*
 * arena.c - region allocator with a hard byte cap
 *
 * Blocks form a singly linked list, newest first.  Small requests are carved
 * from the newest block; a request larger than a quarter of the normal block
 * size gets a block of its own, linked behind the current one so the current
 * block's free space is not wasted.  Block sizes double from 1 KiB up to
 * 64 KiB, bounded by what is left under the cap.
 */
#include "compat.h"

#include "arena.h"
#include "errors.h"
#include "mem.h"

#define BLOCK_MIN ((size_t) 1024)
#define BLOCK_MAX ((size_t) 64 * 1024)

struct block {
    struct block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    /* data follows, aligned to BOL_ARENA_ALIGN */
};

#define HDR_SIZE ((sizeof(struct block) + BOL_ARENA_ALIGN - 1) & ~((size_t) BOL_ARENA_ALIGN - 1))

struct cleanup {
    struct cleanup *next;
    void (*fn)(void *data);
    void *data;
};

struct bol_arena {
    struct block *head; /* newest small-allocation block */
    struct cleanup *cleanups;
    size_t cap;
    size_t held;      /* heap bytes of all blocks plus this struct */
    size_t used;      /* bytes handed out since the last reset */
    size_t next_size; /* size of the next normal block */
    bool over_cap;
};

static unsigned char *block_data(struct block *b)
{
    return (unsigned char *) b + HDR_SIZE;
}

static size_t align_up(size_t n)
{
    return (n + BOL_ARENA_ALIGN - 1) & ~((size_t) BOL_ARENA_ALIGN - 1);
}

struct bol_arena *bol_arena_new(size_t cap_bytes)
{
    struct bol_arena *a;

    if (cap_bytes < sizeof(*a))
        return NULL;
    a = bol_calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->cap = cap_bytes;
    a->held = sizeof(*a);
    a->next_size = BLOCK_MIN;
    return a;
}

/* A new block with room for at least need bytes, or NULL. */
static struct block *block_new(struct bol_arena *a, size_t need)
{
    struct block *b;
    size_t size = need;
    size_t total;

    if (need <= BLOCK_MAX / 4) {
        size = BOL_MAX(a->next_size, need);
        /* Do not let growth alone push us over the cap. */
        if (a->held + HDR_SIZE + size > a->cap && a->held + HDR_SIZE + need <= a->cap)
            size = a->cap - a->held - HDR_SIZE;
    }
    if (size > SIZE_MAX - HDR_SIZE)
        return NULL;
    total = HDR_SIZE + size;
    if (total > a->cap - a->held) {
        a->over_cap = true;
        return NULL;
    }
    b = bol_malloc(total);
    if (!b)
        return NULL;
    b->next = NULL;
    b->size = size;
    b->used = 0;
    a->held += total;
    if (need <= BLOCK_MAX / 4 && a->next_size < BLOCK_MAX)
        a->next_size *= 2;
    return b;
}

void *bol_arena_alloc(struct bol_arena *a, size_t n)
{
    struct block *b = a->head;
    size_t need;
    void *p;

    if (n > SIZE_MAX - BOL_ARENA_ALIGN)
        return NULL;
    need = align_up(n ? n : 1);
    if (b && b->size - b->used >= need) {
        p = block_data(b) + b->used;
        b->used += need;
        a->used += need;
        return p;
    }
    b = block_new(a, need);
    if (!b)
        return NULL;
    b->used = need;
    if (need > BLOCK_MAX / 4 && a->head) {
        /* A large block of its own: keep carving from the current head. */
        b->next = a->head->next;
        a->head->next = b;
    } else {
        b->next = a->head;
        a->head = b;
    }
    a->used += need;
    return block_data(b);
}

void *bol_arena_calloc(struct bol_arena *a, size_t nmemb, size_t size)
{
    void *p;

    if (size && nmemb > SIZE_MAX / size)
        return NULL;
    p = bol_arena_alloc(a, nmemb * size);
    if (p)
        memset(p, 0, nmemb * size);
    return p;
}

void *bol_arena_memdup(struct bol_arena *a, const void *src, size_t n)
{
    void *p = bol_arena_alloc(a, n);

    if (p && n)
        memcpy(p, src, n);
    return p;
}

char *bol_arena_strndup(struct bol_arena *a, const char *s, size_t n)
{
    char *p;

    if (n == SIZE_MAX)
        return NULL;
    p = bol_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *bol_arena_strdup(struct bol_arena *a, const char *s)
{
    return bol_arena_strndup(a, s, strlen(s));
}

char *bol_arena_printf(struct bol_arena *a, const char *fmt, ...)
{
    va_list ap;
    int len;
    char *p;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0)
        return NULL;
    p = bol_arena_alloc(a, (size_t) len + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t) len + 1, fmt, ap);
    va_end(ap);
    return p;
}

int bol_arena_on_reset(struct bol_arena *a, void (*fn)(void *data), void *data)
{
    struct cleanup *c = bol_arena_alloc(a, sizeof(*c));

    if (!c)
        return BOL_E_NOMEM;
    c->fn = fn;
    c->data = data;
    c->next = a->cleanups;
    a->cleanups = c;
    return 0;
}

static void run_cleanups(struct bol_arena *a)
{
    /* A cleanup may register another; keep going until none is left. */
    while (a->cleanups) {
        struct cleanup *c = a->cleanups;

        a->cleanups = c->next;
        c->fn(c->data);
    }
}

static void block_release(struct bol_arena *a, struct block *b)
{
    a->held -= HDR_SIZE + b->size;
#ifndef NDEBUG
    memset(block_data(b), 0xaa, b->size);
#endif
    bol_free(b);
}

void bol_arena_reset(struct bol_arena *a)
{
    struct block *b;
    struct block *keep = NULL;

    if (!a)
        return;
    run_cleanups(a);
    /* Keep the oldest normal block (the smallest) for reuse. */
    b = a->head;
    while (b) {
        struct block *next = b->next;

        if (!next && b->size <= BLOCK_MAX) {
            keep = b;
        } else {
            block_release(a, b);
        }
        b = next;
    }
    if (keep) {
#ifndef NDEBUG
        memset(block_data(keep), 0xaa, keep->size);
#endif
        keep->used = 0;
        keep->next = NULL;
    }
    a->head = keep;
    a->used = 0;
    a->over_cap = false;
}

void bol_arena_free(struct bol_arena *a)
{
    struct block *b;

    if (!a)
        return;
    run_cleanups(a);
    b = a->head;
    while (b) {
        struct block *next = b->next;

        block_release(a, b);
        b = next;
    }
    bol_free(a);
}

size_t bol_arena_used(const struct bol_arena *a)
{
    return a->used;
}

size_t bol_arena_held(const struct bol_arena *a)
{
    return a->held;
}

bool bol_arena_over_cap(const struct bol_arena *a)
{
    return a->over_cap;
}
