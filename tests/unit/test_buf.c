/* SPDX-License-Identifier: Apache-2.0 */
/* test_buf.c - the capped growable buffer */
#include "testutil.h"

#include "arena.h"
#include "buf.h"

static void test_init_invariants(void **state)
{
    struct bol_buf b = BOL_BUF_INIT(100);

    (void) state;
    assert_non_null(b.buf);
    assert_string_equal(b.buf, "");
    assert_int_equal(b.len, 0);
    bol_buf_reset(&b);
    bol_buf_truncate(&b, 0);
    bol_buf_release(&b);
    assert_string_equal(b.buf, "");
}

static void test_appends(void **state)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    int i;

    (void) state;
    assert_int_equal(bol_buf_adds(&b, "bay"), 0);
    assert_int_equal(bol_buf_addch(&b, '-'), 0);
    assert_int_equal(bol_buf_addf(&b, "%03d", 12), 0);
    assert_int_equal(bol_buf_addstr(&b, BOL_STR("/x")), 0);
    assert_int_equal(bol_buf_add(&b, "", 0), 0);
    assert_string_equal(b.buf, "bay-012/x");
    assert_int_equal(b.len, 9);
    for (i = 0; i < 10000; i++)
        assert_int_equal(bol_buf_addch(&b, 'a'), 0);
    assert_int_equal(b.len, 10009);
    assert_int_equal(b.buf[b.len], '\0');
    bol_buf_truncate(&b, 3);
    assert_string_equal(b.buf, "bay");
    bol_buf_reset(&b);
    assert_string_equal(b.buf, "");
    bol_buf_release(&b);
}

static void test_cap_leaves_buffer_unchanged(void **state)
{
    struct bol_buf b = BOL_BUF_INIT(8);

    (void) state;
    assert_int_equal(bol_buf_adds(&b, "12345678"), 0);
    assert_int_equal(bol_buf_addch(&b, '9'), BOL_E_TOOBIG);
    assert_int_equal(bol_buf_addf(&b, "%d", 1), BOL_E_TOOBIG);
    assert_string_equal(b.buf, "12345678");
    assert_int_equal(b.len, 8);
    assert_true(b.alloc <= 9);
    bol_buf_release(&b);
}

static void test_huge_request(void **state)
{
    struct bol_buf b = BOL_BUF_INIT(SIZE_MAX);

    (void) state;
    assert_int_equal(bol_buf_adds(&b, "x"), 0);
    assert_int_equal(bol_buf_grow(&b, SIZE_MAX), BOL_E_TOOBIG);
    assert_int_equal(bol_buf_grow(&b, SIZE_MAX - 1), BOL_E_TOOBIG);
    assert_string_equal(b.buf, "x");
    bol_buf_release(&b);
}

static void test_out_of_memory(void **state)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 20);

    (void) state;
    assert_int_equal(bol_buf_adds(&b, "abc"), 0);
    test_mem_fail_after(0);
    assert_int_equal(bol_buf_grow(&b, 1000), BOL_E_NOMEM);
    test_mem_fail_after(-1);
    assert_string_equal(b.buf, "abc");
    bol_buf_release(&b);
}

static void test_arena_backed(void **state)
{
    struct bol_arena *a = bol_arena_new(4096);
    struct bol_buf b;
    int r = 0;
    int i;

    (void) state;
    assert_non_null(a);
    bol_buf_init(&b, a, 1 << 20);
    for (i = 0; i < 10000 && r == 0; i++)
        r = bol_buf_adds(&b, "0123456789");
    /* The arena's cap stops the buffer before its own max does. */
    assert_int_equal(r, BOL_E_NOMEM);
    assert_true(b.len > 0);
    assert_int_equal(strlen(b.buf), b.len);
    bol_buf_release(&b); /* forgets the arena memory */
    bol_arena_free(a);
}

static void test_release_wipe(void **state)
{
    struct bol_buf b = BOL_BUF_INIT(64);

    (void) state;
    assert_int_equal(bol_buf_adds(&b, "secret"), 0);
    bol_buf_release_wipe(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_invariants),
        cmocka_unit_test(test_appends),
        cmocka_unit_test(test_cap_leaves_buffer_unchanged),
        cmocka_unit_test(test_huge_request),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_arena_backed),
        cmocka_unit_test(test_release_wipe),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
