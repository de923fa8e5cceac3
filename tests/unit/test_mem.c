/* SPDX-License-Identifier: Apache-2.0 */
/* test_mem.c - allocation wrappers, constant-time compare, wipe */
#include "testutil.h"

static void test_alloc_family(void **state)
{
    char *p = bol_malloc(0);
    char *q;
    unsigned char *z;
    size_t i;

    (void) state;
    assert_non_null(p); /* malloc(0) gives a real block */
    p = bol_realloc(p, 16);
    assert_non_null(p);
    memcpy(p, "0123456789abcde", 16);
    q = bol_strdup(p);
    assert_string_equal(q, "0123456789abcde");
    bol_free(q);
    q = bol_strndup("abcdef", 2);
    assert_string_equal(q, "ab");
    bol_free(q);
    z = bol_calloc(7, 9);
    for (i = 0; i < 63; i++)
        assert_int_equal(z[i], 0);
    bol_free(z);
    assert_null(bol_calloc(SIZE_MAX / 2, 3));
    bol_free(p);
    bol_free(NULL);
    p = bol_realloc(NULL, 4);
    assert_non_null(p);
    bol_free_wipe(p, 4);
    bol_free_wipe(NULL, 10);
}

static void test_x_family(void **state)
{
    char *s = bol_xstrdup("vessel");
    void *p = bol_xmalloc(10);
    void *z = bol_xcalloc(2, 5);

    (void) state;
    assert_string_equal(s, "vessel");
    p = bol_xrealloc(p, 100);
    bol_free(s);
    bol_free(p);
    bol_free(z);
}

static void test_fail_injection(void **state)
{
    void *p;

    (void) state;
    test_mem_fail_after(1);
    p = bol_malloc(1);
    assert_non_null(p);
    assert_null(bol_malloc(1));
    assert_null(bol_strdup("x"));
    test_mem_fail_after(-1);
    bol_free(p);
}

static void test_mem_eq(void **state)
{
    unsigned char a[64], b[64];
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(a); i++)
        a[i] = b[i] = (unsigned char) (i * 7);
    assert_true(bol_mem_eq(a, b, sizeof(a)));
    assert_true(bol_mem_eq(a, b, 0));
    /* Every single-bit difference at every position is seen. */
    for (i = 0; i < sizeof(a) * 8; i++) {
        b[i / 8] ^= (unsigned char) (1u << (i % 8));
        assert_false(bol_mem_eq(a, b, sizeof(a)));
        b[i / 8] ^= (unsigned char) (1u << (i % 8));
    }
    assert_true(bol_mem_eq(a, b, sizeof(a)));
}

static void test_wipe(void **state)
{
    unsigned char buf[32];
    size_t i;

    (void) state;
    memset(buf, 0xff, sizeof(buf));
    bol_wipe(buf, sizeof(buf));
    for (i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0);
    bol_wipe(NULL, 5);
    bol_wipe(buf, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_family),   cmocka_unit_test(test_x_family),
        cmocka_unit_test(test_fail_injection), cmocka_unit_test(test_mem_eq),
        cmocka_unit_test(test_wipe),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
