/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mem.c - the one place that calls the libc allocator
 */
#define BOL_MEM_IMPL 1
#include "compat.h"

#include "mem.h"

static void *libc_malloc(size_t n)
{
    return malloc(n);
}

static void *libc_realloc(void *p, size_t n)
{
    return realloc(p, n);
}

static void libc_free(void *p)
{
    free(p);
}

static struct bol_mem_hooks hooks = { libc_malloc, libc_realloc, libc_free };

void bol_mem_set_hooks(const struct bol_mem_hooks *h)
{
    if (h) {
        hooks = *h;
    } else {
        hooks.malloc_fn = libc_malloc;
        hooks.realloc_fn = libc_realloc;
        hooks.free_fn = libc_free;
    }
}

void *bol_malloc(size_t n)
{
    /* malloc(0) may return NULL, which callers would read as failure. */
    return hooks.malloc_fn(n ? n : 1);
}

void *bol_calloc(size_t nmemb, size_t size)
{
    void *p;

    if (size && nmemb > SIZE_MAX / size)
        return NULL;
    p = bol_malloc(nmemb * size);
    if (p)
        memset(p, 0, nmemb * size);
    return p;
}

void *bol_realloc(void *p, size_t n)
{
    if (!p)
        return bol_malloc(n);
    return hooks.realloc_fn(p, n ? n : 1);
}

void bol_free(void *p)
{
    if (p)
        hooks.free_fn(p);
}

char *bol_strndup(const char *s, size_t n)
{
    char *d;

    if (n == SIZE_MAX)
        return NULL;
    d = bol_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *bol_strdup(const char *s)
{
    return bol_strndup(s, strlen(s));
}

static BOL_NORETURN void oom(size_t n)
{
    /* No allocation here: write what we can and stop. */
    fprintf(stderr, "bollard: out of memory allocating %zu bytes\n", n);
    abort();
}

void *bol_xmalloc(size_t n)
{
    void *p = bol_malloc(n);

    if (!p)
        oom(n);
    return p;
}

void *bol_xcalloc(size_t nmemb, size_t size)
{
    void *p = bol_calloc(nmemb, size);

    if (!p)
        oom(size && nmemb > SIZE_MAX / size ? SIZE_MAX : nmemb * size);
    return p;
}

void *bol_xrealloc(void *p, size_t n)
{
    void *q = bol_realloc(p, n);

    if (!q)
        oom(n);
    return q;
}

char *bol_xstrdup(const char *s)
{
    char *d = bol_strdup(s);

    if (!d)
        oom(strlen(s) + 1);
    return d;
}

bool bol_mem_eq(const void *a, const void *b, size_t n)
{
    const volatile unsigned char *x = a;
    const volatile unsigned char *y = b;
    volatile unsigned char acc = 0;
    size_t i;

    for (i = 0; i < n; i++)
        acc |= (unsigned char) (x[i] ^ y[i]);
    /* (acc - 1) >> 8 is all ones only when acc was 0: no branch on the data. */
    return (((unsigned) acc - 1U) >> 8) & 1U;
}

void bol_wipe(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

void bol_free_wipe(void *p, size_t n)
{
    if (!p)
        return;
    bol_wipe(p, n);
    bol_free(p);
}
