/* SPDX-License-Identifier: Apache-2.0 */
/* test_container_id.c - ISO 6346 container numbers */
#include "testutil.h"

#include "container_id.h"

/*
 * A second, independent check digit: letter values by counting up from 10
 * and stepping over every multiple of 11, weights by doubling.
 */
static int ref_letter(char c)
{
    int v = 9;
    char l;

    for (l = 'A'; l <= c; l++) {
        v++;
        if (v % 11 == 0)
            v++;
    }
    return v;
}

static int ref_check_digit(const char *s)
{
    long sum = 0;
    long w = 1;
    int i;

    for (i = 0; i < 10; i++, w *= 2)
        sum += w * (i < 4 ? ref_letter(s[i]) : s[i] - '0');
    return (int) (sum % 11 % 10);
}

static void test_letter_values(void **state)
{
    static const struct {
        char c;
        int v;
    } known[] = { { 'A', 10 }, { 'B', 12 }, { 'K', 21 }, { 'L', 23 },
                  { 'U', 32 }, { 'V', 34 }, { 'Z', 38 } };
    char c;
    size_t i;

    (void) state;
    for (c = 'A'; c <= 'Z'; c++) {
        assert_int_equal(bol_iso6346_letter_value(c), ref_letter(c));
        assert_true(bol_iso6346_letter_value(c) % 11 != 0);
    }
    for (i = 0; i < BOL_ARRAY_SIZE(known); i++)
        assert_int_equal(bol_iso6346_letter_value(known[i].c), known[i].v);
    assert_int_equal(bol_iso6346_letter_value('a'), -1);
    assert_int_equal(bol_iso6346_letter_value('0'), -1);
    assert_int_equal(bol_iso6346_letter_value('@'), -1);
    assert_int_equal(bol_iso6346_letter_value('['), -1);
}

static void test_known_numbers(void **state)
{
    /* Published examples and numbers seen in real EDI traffic. */
    static const char *const valid[] = {
        "CSQU3054383", "MSCU1234566", "MWCU5602541", "TEMU9545645", "EXFU5201538",
        "INBU5407723", "PONU0712633", "MSKU9429352", "POCU0621885",
    };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(valid); i++) {
        struct bol_container_id id;
        struct bol_diag d;

        bol_diag_init(&d);
        if (bol_container_id_parse(S(valid[i]), &id, &d) != 0)
            fail_msg("%s: %s", valid[i], d.msg);
        assert_string_equal(id.s, valid[i]);
    }
}

static void test_all_serials_one_owner(void **state)
{
    char s[11];
    int n;

    (void) state;
    memcpy(s, "CSQU", 4);
    for (n = 0; n < 1000000; n++) {
        int i, v = n;

        for (i = 9; i >= 4; i--, v /= 10)
            s[i] = (char) ('0' + v % 10);
        assert_int_equal(bol_iso6346_check_digit(s), ref_check_digit(s));
    }
}

static void test_all_owner_codes(void **state)
{
    static const char cats[] = "UJZ";
    char s[11] = "AAAU123456";
    int a, b, c, k;

    (void) state;
    for (a = 0; a < 26; a++) {
        for (b = 0; b < 26; b++) {
            for (c = 0; c < 26; c++) {
                for (k = 0; k < 3; k++) {
                    s[0] = (char) ('A' + a);
                    s[1] = (char) ('A' + b);
                    s[2] = (char) ('A' + c);
                    s[3] = cats[k];
                    assert_int_equal(bol_iso6346_check_digit(s), ref_check_digit(s));
                }
            }
        }
    }
}

static void test_check_digit_rejects_malformed(void **state)
{
    (void) state;
    assert_int_equal(bol_iso6346_check_digit("MSCX123456"), BOL_E_INVAL);
    assert_int_equal(bol_iso6346_check_digit("MS1U123456"), BOL_E_INVAL);
    assert_int_equal(bol_iso6346_check_digit("MSCU12345A"), BOL_E_INVAL);
    assert_int_equal(bol_iso6346_check_digit("mscu123456"), BOL_E_INVAL);
}

static void test_single_substitutions_are_caught(void **state)
{
    /*
     * Changing any one character of a valid number yields an invalid one,
     * except where the two sums differ by a multiple of 11 after the final
     * "mod 10" folds remainder 10 onto 0 -- which the reference predicts.
     */
    const char *base = "CSQU3054383";
    size_t pos;

    (void) state;
    for (pos = 0; pos < 11; pos++) {
        char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        size_t k;

        for (k = 0; alphabet[k]; k++) {
            char s[12];
            struct bol_container_id id;
            int nr, vr;

            memcpy(s, base, sizeof(s));
            if (s[pos] == alphabet[k])
                continue;
            s[pos] = alphabet[k];
            nr = bol_container_id_normalize(S(s), &id, NULL);
            if (nr < 0)
                continue; /* wrong form: caught before the check digit */
            vr = bol_container_id_verify(&id, NULL);
            assert_int_equal(vr == 0, ref_check_digit(s) == s[10] - '0');
            if (pos == 10)
                assert_int_equal(vr, BOL_E_INVAL);
        }
    }
}

static void expect_ok(const char *in, const char *want)
{
    struct bol_container_id id;
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_container_id_parse(S(in), &id, &d) != 0)
        fail_msg("'%s': %s", in, d.msg);
    assert_string_equal(id.s, want);
}

static void test_normalisation(void **state)
{
    (void) state;
    expect_ok("MWCU 5602541", "MWCU5602541");
    expect_ok("mwcu5602541", "MWCU5602541");
    expect_ok("  MwCu 560254 1 ", "MWCU5602541");
    expect_ok("M W C U 5 6 0 2 5 4 1", "MWCU5602541");
}

static void expect_error(const char *in, const char *field, const char *msg)
{
    struct bol_container_id id = { "untouched" };
    struct bol_diag d;

    bol_diag_init(&d);
    assert_int_equal(bol_container_id_parse(S(in), &id, &d), BOL_E_INVAL);
    assert_string_equal(id.s, "untouched");
    assert_string_equal(d.field, field);
    assert_string_equal(d.msg, msg);
}

static void test_errors(void **state)
{
    (void) state;
    expect_error("MSCU1234565", "check_digit", "expected check digit 6");
    expect_error("HLCU2389855", "check_digit", "expected check digit 7");
    expect_error("", "container_id", "empty container number");
    expect_error("   ", "container_id", "empty container number");
    expect_error("MSCU123456", "container_id",
                 "expected 11 characters (4 letters, 7 digits), got 10");
    expect_error("MSCU12345661", "container_id",
                 "expected 11 characters (4 letters, 7 digits), got more");
    expect_error("M1CU1234566", "owner_code", "owner code must be 3 letters, got 'M1C'");
    expect_error("MSTI6415664", "category", "equipment category must be U, J or Z, got 'I'");
    expect_error("DPKO0008837", "category", "equipment category must be U, J or Z, got 'O'");
    expect_error("MSCU12A4566", "serial", "serial number must be 6 digits, got '12A456'");
    expect_error("MSCU123456X", "check_digit", "check digit must be a digit, got 'X'");
    expect_error("MSCU\t1234566", "container_id", "unexpected byte 0x09 at position 5");
    expect_error("MSCU-123456-6", "container_id",
                 "expected 11 characters (4 letters, 7 digits), got more");
    expect_error("CONTAINER", "container_id",
                 "expected 11 characters (4 letters, 7 digits), got 9");
    expect_error("MSCU1234566\xc3\xa9", "container_id", "unexpected byte 0xc3 at position 12");
    expect_error("                                 MSCU1234566", "container_id",
                 "too long: 44 characters, at most 32");
}

static void test_normalize_keeps_bad_check_digit(void **state)
{
    struct bol_container_id id;
    struct bol_diag d;

    (void) state;
    bol_diag_init(&d);
    assert_int_equal(bol_container_id_normalize(S("hlcu 2389855"), &id, &d), 0);
    assert_string_equal(id.s, "HLCU2389855");
    assert_int_equal(bol_container_id_verify(&id, &d), BOL_E_INVAL);
    assert_string_equal(d.msg, "expected check digit 7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_letter_values),
        cmocka_unit_test(test_known_numbers),
        cmocka_unit_test(test_all_serials_one_owner),
        cmocka_unit_test(test_all_owner_codes),
        cmocka_unit_test(test_check_digit_rejects_malformed),
        cmocka_unit_test(test_single_substitutions_are_caught),
        cmocka_unit_test(test_normalisation),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_normalize_keeps_bad_check_digit),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
