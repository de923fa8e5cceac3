/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testutil.h - shared helpers for the cmocka unit tests
 *
 * bollard allocates only through base/mem.h; test_mem_hooks_install() routes
 * those allocations to cmocka's test_malloc family, so a test that leaks a
 * block fails with the block's origin.  test_mem_fail_after(n) makes the
 * (n+1)-th allocation from now return NULL, for out-of-memory paths.
 */
#pragma once

#include "compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "errors.h"
#include "mem.h"
#include "str.h"

static long test_fail_countdown = -1;

static void *test_hook_malloc(size_t n)
{
    if (test_fail_countdown == 0)
        return NULL;
    if (test_fail_countdown > 0)
        test_fail_countdown--;
    return _test_malloc(n, __FILE__, __LINE__);
}

static void *test_hook_realloc(void *p, size_t n)
{
    if (test_fail_countdown == 0)
        return NULL;
    if (test_fail_countdown > 0)
        test_fail_countdown--;
    return _test_realloc(p, n, __FILE__, __LINE__);
}

static void test_hook_free(void *p)
{
    _test_free(p, __FILE__, __LINE__);
}

BOL_UNUSED static void test_mem_hooks_install(void)
{
    static const struct bol_mem_hooks h = { test_hook_malloc, test_hook_realloc, test_hook_free };

    bol_mem_set_hooks(&h);
}

/* -1 disables; n lets n more allocations succeed. */
BOL_UNUSED static void test_mem_fail_after(long n)
{
    test_fail_countdown = n;
}

/* Group setup that installs the hooks: pass to cmocka_run_group_tests. */
BOL_UNUSED static int test_group_setup(void **state)
{
    (void) state;
    test_mem_hooks_install();
    return 0;
}

/* A slice of a C string, for short test calls. */
BOL_UNUSED static struct bol_str S(const char *s) {
    return bol_str_from(s);
}
