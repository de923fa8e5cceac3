/* SPDX-License-Identifier: Apache-2.0 */
/* test_units.c - mass, VGM, temperature, IMDG class, UN number */
#include "testutil.h"

#include "units.h"

static void expect_mass(const char *v, const char *unit, char mark, uint32_t want)
{
    struct bol_diag d;
    uint32_t kg = 0;

    bol_diag_init(&d);
    if (bol_mass_parse(S(v), S(unit), mark, &kg, &d) != 0)
        fail_msg("'%s %s': %s", v, unit, d.msg);
    if (kg != want)
        fail_msg("'%s %s': got %u want %u", v, unit, kg, want);
}

static void test_mass(void **state)
{
    (void) state;
    expect_mass("24000", "KGM", '.', 24000);
    expect_mass("24000", "", '.', 24000);
    expect_mass("24000.4", "KGM", '.', 24000);
    expect_mass("24000.5", "KGM", '.', 24001);
    expect_mass("24000,5", "KGM", ',', 24001);
    expect_mass("24000.5", "KGM", ',', 24001); /* '.' is always a decimal mark */
    expect_mass("0.4999999", "kgm", '.', 0);
    expect_mass(".5", "KGM", '.', 1);
    expect_mass("3.", "KGM", '.', 3);
    expect_mass("24.5", "TNE", '.', 24500);
    expect_mass("0.0005", "TNE", '.', 1);
    expect_mass("0.0004", "TNE", '.', 0);
    expect_mass("1", "LBR", '.', 0);         /* 0.45359237 kg */
    expect_mass("2", "LBR", '.', 1);         /* 0.90718474 kg */
    expect_mass("52910", "LBR", '.', 24000); /* 23999.57... kg */
    expect_mass("71650", "LBR", '.', 32500); /* 32499.89 kg */
    expect_mass("1.102311", "LBR", '.', 0);  /* 0.49999994 kg */
    expect_mass("1.1023114", "LBR", '.', 1); /* 0.50000005 kg */
    expect_mass("4000000", "KGM", '.', 4000000);
    expect_mass(" 000123 ", "KGM", '.', 123);
}

static void expect_mass_error(const char *v, const char *unit, char mark, const char *field,
                              const char *msg)
{
    struct bol_diag d;
    uint32_t kg = 77;

    bol_diag_init(&d);
    assert_int_equal(bol_mass_parse(S(v), S(unit), mark, &kg, &d), BOL_E_INVAL);
    assert_int_equal(kg, 77);
    assert_string_equal(d.field, field);
    assert_string_equal(d.msg, msg);
}

static void test_mass_errors(void **state)
{
    (void) state;
    expect_mass_error("", "KGM", '.', "mass", "mass is empty");
    expect_mass_error("-5", "KGM", '.', "mass", "mass may not have a sign");
    expect_mass_error("1,5", "KGM", '.', "mass",
                      "mass must be a decimal number, got byte 0x2c at position 2");
    expect_mass_error("1.5.0", "KGM", '.', "mass",
                      "mass must be a decimal number, got byte 0x2e at position 4");
    expect_mass_error("1e3", "KGM", '.', "mass",
                      "mass must be a decimal number, got byte 0x65 at position 2");
    expect_mass_error(".", "KGM", '.', "mass", "mass has no digits");
    expect_mass_error("4000001", "KGM", '.', "mass", "mass 4000001 kg above 4000000 kg");
    expect_mass_error("99999999", "KGM", '.', "mass", "mass '99999999' is too large");
    expect_mass_error("1.0000000001", "KGM", '.', "mass", "mass has more than 9 decimal places");
    expect_mass_error("10", "GRM", '.', "unit",
                      "unknown mass unit 'GRM' (expected KGM, LBR or TNE)");
    expect_mass_error("10000", "TNE", '.', "mass", "mass 10000000 kg above 4000000 kg");
}

static void test_vgm(void **state)
{
    struct bol_diag d;
    enum bol_vgm_method m = BOL_VGM_UNKNOWN;

    (void) state;
    bol_diag_init(&d);
    assert_int_equal(bol_vgm_check(24000, 3800, 32500, &d), 0);
    assert_int_equal(bol_vgm_check(36000, 0, 0, &d), 0);
    assert_int_equal(bol_vgm_check(3800, 3800, 32500, &d), 0);
    assert_int_equal(bol_vgm_check(0, 0, 0, &d), BOL_E_INVAL);
    assert_string_equal(d.msg, "verified gross mass is zero");
    assert_int_equal(bol_vgm_check(3000, 3800, 32500, &d), BOL_E_INVAL);
    assert_string_equal(d.msg, "verified gross mass 3000 kg below the tare 3800 kg");
    assert_int_equal(bol_vgm_check(32501, 3800, 32500, &d), BOL_E_INVAL);
    assert_string_equal(d.msg,
                        "verified gross mass 32501 kg above the maximum gross mass 32500 kg");
    assert_int_equal(bol_vgm_check(36001, 0, 0, &d), BOL_E_INVAL);
    assert_int_equal(bol_vgm_method_parse(S("sm1"), &m, &d), 0);
    assert_int_equal(m, BOL_VGM_SM1);
    assert_int_equal(bol_vgm_method_parse(S(" SM2 "), &m, &d), 0);
    assert_int_equal(m, BOL_VGM_SM2);
    assert_int_equal(bol_vgm_method_parse(S("SM3"), &m, &d), BOL_E_INVAL);
    assert_int_equal(m, BOL_VGM_SM2);
}

static void expect_temp(const char *v, const char *unit, char mark, int want)
{
    struct bol_diag d;
    int16_t t = 0;

    bol_diag_init(&d);
    if (bol_temp_parse(S(v), S(unit), mark, &t, &d) != 0)
        fail_msg("'%s %s': %s", v, unit, d.msg);
    if (t != want)
        fail_msg("'%s %s': got %d want %d", v, unit, t, want);
}

static void test_temperature(void **state)
{
    char out[8];

    (void) state;
    expect_temp("-18.0", "CEL", '.', -180);
    expect_temp("-18", "", '.', -180);
    expect_temp("07.0", "CEL", '.', 70);
    expect_temp("000", "CEL", '.', 0);
    expect_temp("+13,6", "CEL", ',', 136);
    expect_temp("-0.04", "CEL", '.', 0);
    expect_temp("-0.05", "CEL", '.', -1);
    expect_temp("0.05", "CEL", '.', 1);
    expect_temp("32", "FAH", '.', 0);
    expect_temp("-00.4", "FAH", '.', -180); /* -17.999 degC */
    expect_temp("26.6", "FAH", '.', -30);
    expect_temp("-004", "FAH", '.', -200);
    expect_temp("-70", "CEL", '.', -700);
    expect_temp("50", "CEL", '.', 500);
    bol_temp_format(-185, out);
    assert_string_equal(out, "-18.5");
    bol_temp_format(5, out);
    assert_string_equal(out, "0.5");
    bol_temp_format(-5, out);
    assert_string_equal(out, "-0.5");
    bol_temp_format(0, out);
    assert_string_equal(out, "0.0");
}

static void expect_temp_error(const char *v, const char *unit, const char *field, const char *msg)
{
    struct bol_diag d;
    int16_t t = 99;

    bol_diag_init(&d);
    assert_int_equal(bol_temp_parse(S(v), S(unit), '.', &t, &d), BOL_E_INVAL);
    assert_int_equal(t, 99);
    assert_string_equal(d.field, field);
    assert_string_equal(d.msg, msg);
}

static void test_temperature_errors(void **state)
{
    (void) state;
    expect_temp_error("-70.1", "CEL", "temperature", "temperature -70.1 degC outside -70..50 degC");
    expect_temp_error("50.1", "CEL", "temperature", "temperature 50.1 degC outside -70..50 degC");
    expect_temp_error("200", "FAH", "temperature", "temperature 93.3 degC outside -70..50 degC");
    expect_temp_error("1001", "CEL", "temperature", "temperature '1001' is too large");
    expect_temp_error("5", "KEL", "unit", "unknown temperature unit 'KEL' (expected CEL or FAH)");
    expect_temp_error("--5", "CEL", "temperature",
                      "temperature must be a decimal number, got byte 0x2d at position 2");
    expect_temp_error("-", "CEL", "temperature", "temperature has no digits");
}

static void expect_class(const char *in, unsigned cls, unsigned div, char compat, const char *text)
{
    struct bol_imdg_class c;
    struct bol_diag d;
    char out[5];

    bol_diag_init(&d);
    if (bol_imdg_class_parse(S(in), &c, &d) != 0)
        fail_msg("'%s': %s", in, d.msg);
    assert_int_equal(c.cls, cls);
    assert_int_equal(c.division, div);
    assert_int_equal(c.compat, compat);
    bol_imdg_class_format(&c, out);
    assert_string_equal(out, text);
}

static void test_imdg_classes(void **state)
{
    static const char *const valid[] = { "1.1A", "1.1L", "1.2H", "1.2K", "1.3C", "1.3L", "1.4S",
                                         "1.4B", "1.5D", "1.6N", "1.4",  "2.1",  "2.2",  "2.3",
                                         "3",    "4.1",  "4.2",  "4.3",  "5.1",  "5.2",  "6.1",
                                         "6.2",  "7",    "8",    "9" };
    size_t i;
    char div, grp;
    unsigned class1_ok = 0;

    (void) state;
    expect_class("3", 3, 0, 0, "3");
    expect_class("1.4s", 1, 4, 'S', "1.4S");
    expect_class(" 2.1 ", 2, 1, 0, "2.1");
    for (i = 0; i < BOL_ARRAY_SIZE(valid); i++) {
        struct bol_imdg_class c;
        char out[5];

        assert_int_equal(bol_imdg_class_parse(S(valid[i]), &c, NULL), 0);
        bol_imdg_class_format(&c, out);
        assert_string_equal(out, valid[i]);
    }
    /* Division and group combinations of class 1 allowed by the UN Model Regulations: 35. */
    for (div = '1'; div <= '6'; div++) {
        for (grp = 'A'; grp <= 'Z'; grp++) {
            char s[5] = { '1', '.', div, grp, 0 };
            struct bol_imdg_class c;

            if (bol_imdg_class_parse(S(s), &c, NULL) == 0)
                class1_ok++;
        }
    }
    assert_int_equal(class1_ok, 9 + 10 + 6 + 7 + 1 + 1);
}

static void expect_class_error(const char *in, const char *msg)
{
    struct bol_imdg_class c = { 42, 42, 'Q' };
    struct bol_diag d;

    bol_diag_init(&d);
    assert_int_equal(bol_imdg_class_parse(S(in), &c, &d), BOL_E_INVAL);
    assert_int_equal(c.cls, 42);
    assert_string_equal(d.msg, msg);
}

static void test_imdg_errors(void **state)
{
    (void) state;
    expect_class_error("", "IMDG class must start with a class digit 1..9");
    expect_class_error("0", "IMDG class must start with a class digit 1..9");
    expect_class_error("10", "expected class.division (e.g. 2.1), got '10'");
    expect_class_error("3.1", "class 3 has no divisions");
    expect_class_error("2", "class 2 needs a division 2.1..2.3");
    expect_class_error("2.4", "class 2 needs a division 2.1..2.3");
    expect_class_error("1", "class 1 needs a division 1.1..1.6");
    expect_class_error("1.4A",
                       "compatibility group 'A' is not allowed in division 1.4 (allowed: BCDEFGS)");
    expect_class_error("2.1A", "only class 1 has compatibility groups");
    expect_class_error("1.4?",
                       "compatibility group '?' is not allowed in division 1.4 (allowed: BCDEFGS)");
    expect_class_error("1.41S", "IMDG class must start with a class digit 1..9");
}

static void test_un_numbers(void **state)
{
    uint16_t un = 0;
    struct bol_diag d;

    (void) state;
    bol_diag_init(&d);
    assert_int_equal(bol_un_number_parse(S("1203"), &un, &d), 0);
    assert_int_equal(un, 1203);
    assert_int_equal(bol_un_number_parse(S("UN1203"), &un, &d), 0);
    assert_int_equal(bol_un_number_parse(S("un 0336"), &un, &d), 0);
    assert_int_equal(un, 336);
    assert_int_equal(bol_un_number_parse(S("0000"), &un, &d), BOL_E_INVAL);
    assert_string_equal(d.msg, "UN number 0000 does not exist");
    assert_int_equal(bol_un_number_parse(S("123"), &un, &d), BOL_E_INVAL);
    assert_int_equal(bol_un_number_parse(S("12345"), &un, &d), BOL_E_INVAL);
    assert_int_equal(bol_un_number_parse(S("12a4"), &un, &d), BOL_E_INVAL);
    assert_int_equal(bol_un_number_parse(S("UN"), &un, &d), BOL_E_INVAL);
    assert_int_equal(un, 336);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mass),
        cmocka_unit_test(test_mass_errors),
        cmocka_unit_test(test_vgm),
        cmocka_unit_test(test_temperature),
        cmocka_unit_test(test_temperature_errors),
        cmocka_unit_test(test_imdg_classes),
        cmocka_unit_test(test_imdg_errors),
        cmocka_unit_test(test_un_numbers),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
