/* SPDX-License-Identifier: Apache-2.0 */
/* test_arena.c - the capped region allocator */
#include "testutil.h"

#include "arena.h"

static void test_alloc_alignment_and_use(void **state)
{
    struct bol_arena *a = bol_arena_new(1 << 20);
    size_t i;

    (void) state;
    assert_non_null(a);
    for (i = 0; i < 1000; i++) {
        unsigned char *p = bol_arena_alloc(a, i % 37 + 1);

        assert_non_null(p);
        assert_int_equal((uintptr_t) p % BOL_ARENA_ALIGN, 0);
        memset(p, 0x5a, i % 37 + 1);
    }
    assert_true(bol_arena_used(a) >= 1000);
    assert_true(bol_arena_held(a) <= 1 << 20);
    bol_arena_free(a);
}

static void test_zero_size_is_unique(void **state)
{
    struct bol_arena *a = bol_arena_new(4096);
    void *p, *q;

    (void) state;
    assert_non_null(a);
    p = bol_arena_alloc(a, 0);
    q = bol_arena_alloc(a, 0);
    assert_non_null(p);
    assert_non_null(q);
    assert_ptr_not_equal(p, q);
    bol_arena_free(a);
}

static void test_cap_is_hard(void **state)
{
    struct bol_arena *a = bol_arena_new(8192);
    size_t total = 0;

    (void) state;
    assert_non_null(a);
    for (;;) {
        void *p = bol_arena_alloc(a, 100);

        if (!p)
            break;
        total += 100;
        assert_true(total < 8192);
    }
    assert_true(bol_arena_over_cap(a));
    assert_true(bol_arena_held(a) <= 8192);
    /* A single request larger than the cap fails without side effects. */
    assert_null(bol_arena_alloc(a, 1 << 20));
    bol_arena_reset(a);
    assert_false(bol_arena_over_cap(a));
    assert_non_null(bol_arena_alloc(a, 100));
    bol_arena_free(a);
}

static void test_cap_too_small_for_arena(void **state)
{
    (void) state;
    assert_null(bol_arena_new(8));
}

static void test_large_allocations(void **state)
{
    struct bol_arena *a = bol_arena_new(4 << 20);
    char *small1, *big, *small2;

    (void) state;
    assert_non_null(a);
    small1 = bol_arena_alloc(a, 10);
    big = bol_arena_alloc(a, 1 << 20);
    small2 = bol_arena_alloc(a, 10);
    assert_non_null(small1);
    assert_non_null(big);
    assert_non_null(small2);
    memset(big, 1, 1 << 20);
    /* The small allocations share the first block. */
    assert_true(small2 > small1 && small2 - small1 < 1024);
    bol_arena_free(a);
}

static void test_overflowing_sizes(void **state)
{
    struct bol_arena *a = bol_arena_new(1 << 20);

    (void) state;
    assert_non_null(a);
    assert_null(bol_arena_alloc(a, SIZE_MAX));
    assert_null(bol_arena_alloc(a, SIZE_MAX - 8));
    assert_null(bol_arena_calloc(a, SIZE_MAX / 2, 3));
    assert_null(bol_arena_strndup(a, "x", SIZE_MAX));
    bol_arena_free(a);
}

static void test_strings(void **state)
{
    struct bol_arena *a = bol_arena_new(1 << 16);
    char *s;
    unsigned char *z;
    size_t i;

    (void) state;
    assert_non_null(a);
    s = bol_arena_strdup(a, "MSCU1234566");
    assert_string_equal(s, "MSCU1234566");
    s = bol_arena_strndup(a, "abcdef", 3);
    assert_string_equal(s, "abc");
    s = bol_arena_printf(a, "%s-%03d", "bay", 7);
    assert_string_equal(s, "bay-007");
    s = bol_arena_memdup(a, "\0\1\2", 3);
    assert_memory_equal(s, "\0\1\2", 3);
    z = bol_arena_calloc(a, 10, 10);
    assert_non_null(z);
    for (i = 0; i < 100; i++)
        assert_int_equal(z[i], 0);
    bol_arena_free(a);
}

static int cleanup_calls;
static int cleanup_order[4];

static void cleanup_fn(void *data)
{
    cleanup_order[cleanup_calls++] = *(int *) data;
}

static void test_cleanups_run_newest_first(void **state)
{
    struct bol_arena *a = bol_arena_new(1 << 16);
    static int one = 1, two = 2, three = 3;

    (void) state;
    assert_non_null(a);
    cleanup_calls = 0;
    assert_int_equal(bol_arena_on_reset(a, cleanup_fn, &one), 0);
    assert_int_equal(bol_arena_on_reset(a, cleanup_fn, &two), 0);
    bol_arena_reset(a);
    assert_int_equal(cleanup_calls, 2);
    assert_int_equal(cleanup_order[0], 2);
    assert_int_equal(cleanup_order[1], 1);
    /* After a reset, registered cleanups run on free. */
    assert_int_equal(bol_arena_on_reset(a, cleanup_fn, &three), 0);
    bol_arena_free(a);
    assert_int_equal(cleanup_calls, 3);
    assert_int_equal(cleanup_order[2], 3);
}

static void test_reset_reuses_memory(void **state)
{
    struct bol_arena *a = bol_arena_new(1 << 20);
    size_t held;
    int round;

    (void) state;
    assert_non_null(a);
    for (round = 0; round < 5; round++) {
        int i;

        for (i = 0; i < 2000; i++)
            assert_non_null(bol_arena_alloc(a, 64));
        bol_arena_reset(a);
        assert_int_equal(bol_arena_used(a), 0);
    }
    held = bol_arena_held(a);
    assert_true(held < 4096); /* only the first block is kept */
    bol_arena_free(a);
}

static void test_out_of_memory(void **state)
{
    struct bol_arena *a;

    (void) state;
    test_mem_fail_after(0);
    assert_null(bol_arena_new(1 << 16));
    test_mem_fail_after(1);
    a = bol_arena_new(1 << 16);
    assert_non_null(a);
    assert_null(bol_arena_alloc(a, 10));
    assert_false(bol_arena_over_cap(a)); /* heap failure, not the cap */
    test_mem_fail_after(-1);
    assert_non_null(bol_arena_alloc(a, 10));
    bol_arena_free(a);
}

static void test_free_null(void **state)
{
    (void) state;
    bol_arena_free(NULL);
    bol_arena_reset(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_alignment_and_use),
        cmocka_unit_test(test_zero_size_is_unique),
        cmocka_unit_test(test_cap_is_hard),
        cmocka_unit_test(test_cap_too_small_for_arena),
        cmocka_unit_test(test_large_allocations),
        cmocka_unit_test(test_overflowing_sizes),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_cleanups_run_newest_first),
        cmocka_unit_test(test_reset_reuses_memory),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_free_null),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
