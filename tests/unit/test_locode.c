/* SPDX-License-Identifier: Apache-2.0 */
/* test_locode.c - UN/LOCODE */
#include "testutil.h"

#include "locode.h"

static void test_valid(void **state)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        { "JPNGO", "JPNGO" },   { "jpngo", "JPNGO" }, { "JP NGO", "JPNGO" },
        { " NLRTM ", "NLRTM" }, { "USLAX", "USLAX" }, { "CNSHA", "CNSHA" },
        { "DEHAM", "DEHAM" },   { "CR2M9", "CR2M9" }, { "XZAAA", "XZAAA" },
    };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        struct bol_locode l;
        struct bol_diag d;

        bol_diag_init(&d);
        if (bol_locode_parse(S(rows[i].in), &l, &d) != 0)
            fail_msg("'%s': %s", rows[i].in, d.msg);
        assert_string_equal(l.s, rows[i].out);
    }
}

static void test_country_table(void **state)
{
    char cc[2];
    unsigned n = 0;

    (void) state;
    for (cc[0] = 'A'; cc[0] <= 'Z'; cc[0]++) {
        for (cc[1] = 'A'; cc[1] <= 'Z'; cc[1]++) {
            if (bol_country_code_valid(cc))
                n++;
        }
    }
    /* 249 ISO 3166-1 codes plus XZ. */
    assert_int_equal(n, 250);
    assert_true(bol_country_code_valid("JP"));
    assert_true(bol_country_code_valid("AD"));
    assert_true(bol_country_code_valid("ZW"));
    assert_false(bol_country_code_valid("UK"));
    assert_false(bol_country_code_valid("XX"));
    assert_false(bol_country_code_valid("EU"));
}

static void expect_error(const char *in, const char *field, const char *msg)
{
    struct bol_locode l = { "XXXXX" };
    struct bol_diag d;

    bol_diag_init(&d);
    assert_int_equal(bol_locode_parse(S(in), &l, &d), BOL_E_INVAL);
    assert_string_equal(l.s, "XXXXX");
    assert_string_equal(d.field, field);
    assert_string_equal(d.msg, msg);
}

static void test_errors(void **state)
{
    (void) state;
    expect_error("", "locode", "UN/LOCODE must be 5 characters (country and place), got 0");
    expect_error("JPNG", "locode", "UN/LOCODE must be 5 characters (country and place), got 4");
    expect_error("JP  NGO", "locode", "UN/LOCODE must be 5 characters (country and place), got 7");
    expect_error("UKLON", "country", "'UK' is not an ISO 3166-1 country code");
    expect_error("1PNGO", "country", "country code must be 2 letters, got byte 0x31");
    expect_error("JPNG1", "location",
                 "place code must be letters or digits 2-9, got byte 0x31 at position 5");
    expect_error("JPNG0", "location",
                 "place code must be letters or digits 2-9, got byte 0x30 at position 5");
    expect_error("JPN-O", "location",
                 "place code must be letters or digits 2-9, got byte 0x2d at position 4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_country_table),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
