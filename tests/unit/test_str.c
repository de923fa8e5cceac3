/* SPDX-License-Identifier: Apache-2.0 */
/* test_str.c - string slices and strict integer parsing */
#include "testutil.h"

static void test_make_and_compare(void **state)
{
    struct bol_str a = bol_str_from("EQD");
    struct bol_str n = bol_str_from(NULL);

    (void) state;
    assert_int_equal(a.len, 3);
    assert_int_equal(n.len, 0);
    assert_non_null(n.p);
    assert_true(bol_str_eq(a, BOL_STR("EQD")));
    assert_false(bol_str_eq(a, BOL_STR("EQ")));
    assert_true(bol_str_eq_cstr(a, "EQD"));
    assert_true(bol_str_eq_nocase(a, "eqd"));
    assert_false(bol_str_eq_nocase(a, "eqdx"));
    assert_true(bol_str_starts_with(a, "EQ"));
    assert_false(bol_str_starts_with(a, "EQDX"));
    assert_true(bol_str_eq(bol_str_make(NULL, 5), BOL_STR("")));
    assert_true(bol_str_eq(bol_str_make("a\0b", 3), bol_str_make("a\0b", 3)));
    assert_false(bol_str_eq(bol_str_make("a\0b", 3), bol_str_make("a\0c", 3)));
}

static void test_trim(void **state)
{
    (void) state;
    assert_true(bol_str_eq_cstr(bol_str_trim(S("  x y \r\n")), "x y"));
    assert_true(bol_str_eq_cstr(bol_str_trim(S(" \t\v\f")), ""));
    assert_true(bol_str_eq_cstr(bol_str_trim(S("")), ""));
}

static void test_tokens(void **state)
{
    struct bol_str cur = BOL_STR("a+bb++c");
    struct bol_str t;

    (void) state;
    assert_true(bol_str_next_token(&cur, '+', &t));
    assert_true(bol_str_eq_cstr(t, "a"));
    assert_true(bol_str_next_token(&cur, '+', &t));
    assert_true(bol_str_eq_cstr(t, "bb"));
    assert_true(bol_str_next_token(&cur, '+', &t));
    assert_true(bol_str_eq_cstr(t, ""));
    assert_true(bol_str_next_token(&cur, '+', &t));
    assert_true(bol_str_eq_cstr(t, "c"));
    assert_false(bol_str_next_token(&cur, '+', &t));
}

static void test_u64(void **state)
{
    uint64_t v = 42;

    (void) state;
    assert_int_equal(bol_str_to_u64(S("0"), &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(bol_str_to_u64(S("18446744073709551615"), &v), 0);
    assert_true(v == UINT64_MAX);
    v = 42;
    assert_int_equal(bol_str_to_u64(S("18446744073709551616"), &v), BOL_E_INVAL);
    assert_int_equal(bol_str_to_u64(S(""), &v), BOL_E_INVAL);
    assert_int_equal(bol_str_to_u64(S("+1"), &v), BOL_E_INVAL);
    assert_int_equal(bol_str_to_u64(S(" 1"), &v), BOL_E_INVAL);
    assert_int_equal(bol_str_to_u64(S("1x"), &v), BOL_E_INVAL);
    assert_int_equal(v, 42); /* untouched on failure */
}

static void test_i64(void **state)
{
    int64_t v = 7;

    (void) state;
    assert_int_equal(bol_str_to_i64(S("-9223372036854775808"), &v), 0);
    assert_true(v == INT64_MIN);
    assert_int_equal(bol_str_to_i64(S("9223372036854775807"), &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(bol_str_to_i64(S("+12"), &v), 0);
    assert_int_equal(v, 12);
    assert_int_equal(bol_str_to_i64(S("-0"), &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(bol_str_to_i64(S("9223372036854775808"), &v), BOL_E_INVAL);
    assert_int_equal(bol_str_to_i64(S("-9223372036854775809"), &v), BOL_E_INVAL);
    assert_int_equal(bol_str_to_i64(S("-"), &v), BOL_E_INVAL);
}

static void test_copy(void **state)
{
    char out[4];

    (void) state;
    assert_int_equal(bol_str_copy(S("abc"), out, sizeof(out)), 0);
    assert_string_equal(out, "abc");
    assert_int_equal(bol_str_copy(S("abcd"), out, sizeof(out)), BOL_E_TOOBIG);
    assert_string_equal(out, "");
    assert_int_equal(bol_str_copy(S("a"), out, 0), BOL_E_TOOBIG);
}

static void test_ascii_classes(void **state)
{
    int c;

    (void) state;
    for (c = -1; c < 256; c++) {
        assert_int_equal(bol_is_digit(c), c >= '0' && c <= '9');
        assert_int_equal(bol_is_upper(c), c >= 'A' && c <= 'Z');
        assert_int_equal(bol_is_alpha(c), (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
    }
    assert_int_equal(bol_to_upper('a'), 'A');
    assert_int_equal(bol_to_upper('z'), 'Z');
    assert_int_equal(bol_to_upper('0'), '0');
    assert_int_equal(bol_to_upper((char) 0xe9), (char) 0xe9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_make_and_compare),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_i64),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_ascii_classes),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
