/* SPDX-License-Identifier: Apache-2.0 */
/* test_errors.c - error codes and diagnostics */
#include "testutil.h"

static void test_every_code_has_name_and_text(void **state)
{
    int r;

    (void) state;
    for (r = 0; r >= BOL__E_LAST; r--) {
        const char *name = bol_errname(r);
        const char *text = bol_strerror(r);
        int q;

        assert_non_null(name);
        assert_non_null(text);
        assert_string_not_equal(name, "unknown");
        assert_string_not_equal(text, "unknown error");
        /* Names are unique: they are the stable API codes. */
        for (q = r - 1; q >= BOL__E_LAST; q--)
            assert_string_not_equal(name, bol_errname(q));
        /* Texts follow the message style: lower-case start, no full stop. */
        assert_true(text[0] >= 'a' && text[0] <= 'z');
        assert_true(text[strlen(text) - 1] != '.');
    }
    assert_string_equal(bol_errname(BOL__E_LAST - 1), "unknown");
    assert_string_equal(bol_strerror(1), "unknown error");
    assert_string_equal(bol_errname(BOL_E_NOTFOUND), "notfound");
}

static void test_errno_mapping(void **state)
{
    (void) state;
    assert_int_equal(bol_err_from_errno(0), BOL_OK);
    assert_int_equal(bol_err_from_errno(ENOMEM), BOL_E_NOMEM);
    assert_int_equal(bol_err_from_errno(ENOSPC), BOL_E_NOSPACE);
    assert_int_equal(bol_err_from_errno(ENOENT), BOL_E_NOTFOUND);
    assert_int_equal(bol_err_from_errno(EACCES), BOL_E_PERM);
    assert_int_equal(bol_err_from_errno(EIO), BOL_E_IO);
}

static void test_diag(void **state)
{
    struct bol_diag d;
    char text[128];

    (void) state;
    bol_diag_init(&d);
    assert_int_equal(d.offset, -1);
    assert_int_equal(bol_diag_fail(&d, BOL_E_INVAL, "serial", "must be %d digits", 6), BOL_E_INVAL);
    assert_int_equal(d.code, BOL_E_INVAL);
    assert_string_equal(d.field, "serial");
    assert_string_equal(d.msg, "must be 6 digits");
    assert_string_equal(bol_diag_text(&d, text, sizeof(text)), "serial: must be 6 digits");
    assert_int_equal(bol_diag_fail(&d, BOL_E_PARSE, NULL, "bad"), BOL_E_PARSE);
    assert_string_equal(d.field, "");
    assert_string_equal(bol_diag_text(&d, text, sizeof(text)), "bad");
    /* NULL diag: the code still comes back. */
    assert_int_equal(bol_diag_fail(NULL, BOL_E_IO, "x", "y"), BOL_E_IO);
    bol_diag_init(NULL);
    bol_diag_init(&d);
    d.code = BOL_E_NOTFOUND;
    assert_string_equal(bol_diag_text(&d, text, sizeof(text)), "not found");
}

static void test_diag_truncates(void **state)
{
    struct bol_diag d;
    char big[1024];

    (void) state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    bol_diag_init(&d);
    bol_diag_fail(&d, BOL_E_INVAL, big, "%s", big);
    assert_int_equal(strlen(d.msg), BOL_DIAG_MSG_MAX - 1);
    assert_int_equal(strlen(d.field), BOL_DIAG_FIELD_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_has_name_and_text),
        cmocka_unit_test(test_errno_mapping),
        cmocka_unit_test(test_diag),
        cmocka_unit_test(test_diag_truncates),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
