/* SPDX-License-Identifier: Apache-2.0 */
/* test_sizetype.c - ISO 6346 size-type codes, current and pre-1996 */
#include "testutil.h"

#include "sizetype.h"

static struct bol_sizetype parse_ok(const char *code)
{
    struct bol_sizetype st;
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_sizetype_parse(S(code), &st, &d) != 0)
        fail_msg("'%s': %s", code, d.msg);
    return st;
}

static void test_common_codes(void **state)
{
    static const struct {
        const char *in, *code;
        unsigned length_mm, height_mm, teu_x100;
        char group;
        const char *group_code;
        unsigned flags;
    } rows[] = {
        { "22G1", "22G1", 6058, 2591, 100, 'G', "GP", 0 },
        { "42G1", "42G1", 12192, 2591, 200, 'G', "GP", 0 },
        { "45G1", "45G1", 12192, 2895, 200, 'G', "GP", BOL_ST_HIGH_CUBE },
        { "45R1", "45R1", 12192, 2895, 200, 'R', "RT", BOL_ST_HIGH_CUBE | BOL_ST_REEFER },
        { "22R1", "22R1", 6058, 2591, 100, 'R', "RT", BOL_ST_REEFER },
        { "22T6", "22T6", 6058, 2591, 100, 'T', "TD", BOL_ST_TANK },
        { "22T0", "22T0", 6058, 2591, 100, 'T', "TN", BOL_ST_TANK },
        { "L5G1", "L5G1", 13716, 2895, 225, 'G', "GP", BOL_ST_HIGH_CUBE },
        { "42U1", "42U1", 12192, 2591, 200, 'U', "UT", BOL_ST_OPEN_TOP },
        { "45P3", "45P3", 12192, 2895, 200, 'P', "PC", BOL_ST_HIGH_CUBE | BOL_ST_PLATFORM },
        { "20G1", "20G1", 6058, 2438, 100, 'G', "GP", 0 },
        { "12G1", "12G1", 2991, 2591, 50, 'G', "GP", 0 },
        { "LEG1", "LEG1", 13716, 2895, 225, 'G', "GP", BOL_ST_HIGH_CUBE },
        { "25B0", "25B0", 6058, 2895, 100, 'B', "BU", BOL_ST_HIGH_CUBE },
        { "22H5", "22H5", 6058, 2591, 100, 'H', "HI", BOL_ST_THERMAL },
        { "22V0", "22V0", 6058, 2591, 100, 'V', "VH", 0 },
        { "22S1", "22S1", 6058, 2591, 100, 'S', "SN", 0 },
        { "2EA0", "2EA0", 6058, 2895, 100, 'A', "AS", BOL_ST_HIGH_CUBE },
        { "22g1", "22G1", 6058, 2591, 100, 'G', "GP", 0 },
        { " 45g1 ", "45G1", 12192, 2895, 200, 'G', "GP", BOL_ST_HIGH_CUBE },
        { "P5G1", "P5G1", 16154, 2895, 265, 'G', "GP", BOL_ST_HIGH_CUBE },
    };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        struct bol_sizetype st = parse_ok(rows[i].in);

        assert_string_equal(st.code, rows[i].code);
        assert_string_equal(st.legacy, "");
        assert_int_equal(st.length_mm, rows[i].length_mm);
        assert_int_equal(st.height_mm, rows[i].height_mm);
        assert_int_equal(st.teu_x100, rows[i].teu_x100);
        assert_int_equal(st.group, rows[i].group);
        assert_string_equal(st.group_code, rows[i].group_code);
        if (st.flags != rows[i].flags)
            fail_msg("%s: flags %#x want %#x", rows[i].in, st.flags, rows[i].flags);
        assert_non_null(st.detail_text);
        assert_non_null(st.group_text);
        assert_non_null(st.length_text);
        assert_non_null(st.height_text);
        assert_non_null(st.width_text);
    }
}

static void test_texts(void **state)
{
    struct bol_sizetype st = parse_ok("45G1");

    (void) state;
    assert_string_equal(st.length_text, "40 ft");
    assert_string_equal(st.height_text, "9 ft 6 in");
    assert_string_equal(st.width_text, "8 ft");
    assert_string_equal(st.detail_text, "passive vents at upper part of cargo space");
    st = parse_ok("L2G0");
    assert_string_equal(st.length_text, "45 ft");
    assert_string_equal(st.detail_text, "opening(s) at one or both ends");
    st = parse_ok("4CG1");
    assert_int_equal(st.width, BOL_WIDTH_TO_2500);
    st = parse_ok("4PG1");
    assert_int_equal(st.width, BOL_WIDTH_OVER_2500);
    assert_true(st.flags & BOL_ST_HEIGHT_OVER);
    st = parse_ok("2260");
    assert_true(st.flags & BOL_ST_LEGACY);
}

static void test_widths_and_heights(void **state)
{
    static const struct {
        char c;
        unsigned mm;
        enum bol_width_class w;
    } rows[] = {
        { '0', 2438, BOL_WIDTH_2438 },      { '2', 2591, BOL_WIDTH_2438 },
        { '4', 2743, BOL_WIDTH_2438 },      { '5', 2895, BOL_WIDTH_2438 },
        { '6', 2895, BOL_WIDTH_2438 },      { '8', 1295, BOL_WIDTH_2438 },
        { '9', 1219, BOL_WIDTH_2438 },      { 'C', 2591, BOL_WIDTH_TO_2500 },
        { 'D', 2743, BOL_WIDTH_TO_2500 },   { 'E', 2895, BOL_WIDTH_TO_2500 },
        { 'F', 2895, BOL_WIDTH_TO_2500 },   { 'L', 2591, BOL_WIDTH_OVER_2500 },
        { 'M', 2743, BOL_WIDTH_OVER_2500 }, { 'N', 2895, BOL_WIDTH_OVER_2500 },
        { 'P', 2895, BOL_WIDTH_OVER_2500 },
    };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        char code[5] = { '4', rows[i].c, 'G', '1', 0 };
        struct bol_sizetype st = parse_ok(code);

        assert_int_equal(st.height_mm, rows[i].mm);
        assert_int_equal(st.width, rows[i].w);
    }
}

static void test_every_length_code(void **state)
{
    static const struct {
        char c;
        unsigned mm, ft, teu_x100;
    } rows[] = {
        { '1', 2991, 10, 50 },   { '2', 6058, 20, 100 },  { '3', 9125, 30, 150 },
        { '4', 12192, 40, 200 }, { 'A', 7150, 0, 117 },   { 'B', 7315, 24, 120 },
        { 'C', 7430, 24, 122 },  { 'D', 7450, 0, 122 },   { 'E', 7820, 0, 128 },
        { 'F', 8100, 0, 133 },   { 'G', 12500, 41, 205 }, { 'H', 13106, 43, 215 },
        { 'K', 13600, 0, 223 },  { 'L', 13716, 45, 225 }, { 'M', 14630, 48, 240 },
        { 'N', 14935, 49, 245 }, { 'P', 16154, 53, 265 },
    };
    const char *all = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    size_t i, known = 0;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        char code[5] = { rows[i].c, '2', 'G', '1', 0 };
        struct bol_sizetype st = parse_ok(code);

        assert_int_equal(st.length_mm, rows[i].mm);
        assert_int_equal(st.length_ft, rows[i].ft);
        assert_int_equal(st.teu_x100, rows[i].teu_x100);
    }
    /* Every other first character is refused. */
    for (i = 0; all[i]; i++) {
        char code[5] = { all[i], '2', 'G', '1', 0 };
        struct bol_sizetype st;

        if (bol_sizetype_parse(S(code), &st, NULL) == 0)
            known++;
    }
    assert_int_equal(known, BOL_ARRAY_SIZE(rows));
}

static void test_every_group_and_detail(void **state)
{
    const char *groups = "GVBSRHUPTA";
    const char *all = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    size_t g, k;
    unsigned assigned = 0, spare = 0, reduced = 0;

    (void) state;
    for (g = 0; groups[g]; g++) {
        for (k = 0; all[k]; k++) {
            char code[5] = { '2', '2', groups[g], all[k], 0 };
            struct bol_sizetype st;

            if (bol_sizetype_parse(S(code), &st, NULL) != 0)
                continue;
            assert_int_equal(st.group, groups[g]);
            assert_true(st.detail_digit <= 9);
            assert_int_equal(strlen(st.group_code), 2);
            if (st.flags & BOL_ST_REDUCED_STRENGTH)
                reduced++;
            else if (st.flags & BOL_ST_SPARE_DETAIL)
                spare++;
            else
                assigned++;
        }
    }
    /*
     * Assigned details: G 4, V 3, B 6, S 3, R 4, H 5, U 6, P 6, T 10, A 1 = 48;
     * every other digit is spare.
     */
    assert_int_equal(assigned, 48);
    assert_int_equal(spare, 100 - 48);
    /* Ten reduced-strength letters per group. */
    assert_int_equal(reduced, 100);
}

static void test_reduced_strength_letters(void **state)
{
    struct bol_sizetype st = parse_ok("22GB");

    (void) state;
    assert_true(st.flags & BOL_ST_REDUCED_STRENGTH);
    assert_int_equal(st.detail, 'B');
    assert_int_equal(st.detail_digit, 1);
    assert_string_equal(st.detail_text, "passive vents at upper part of cargo space");
}

static void test_legacy_codes(void **state)
{
    static const struct {
        const char *legacy, *code;
        bool gooseneck;
    } rows[] = {
        { "2200", "22G0", false }, { "2210", "22G1", false }, { "4200", "42G0", false },
        { "4310", "42G1", true },  { "4500", "45G0", true },  { "4510", "45G1", true },
        { "4530", "45R0", true },  { "4532", "45R1", true },  { "2232", "22R1", false },
        { "2230", "22R0", false }, { "4350", "42U0", true },  { "4351", "42U1", true },
        { "2250", "22U0", false }, { "4260", "42P0", false }, { "2270", "22T0", false },
        { "2276", "22T6", false }, { "1000", "10G0", false }, { "3200", "32G0", false },
        { "4063", "40P3", false }, { "2213", "22V0", false },
    };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        struct bol_sizetype st = parse_ok(rows[i].legacy);

        if (strcmp(st.code, rows[i].code) != 0)
            fail_msg("%s: got %s want %s", rows[i].legacy, st.code, rows[i].code);
        assert_string_equal(st.legacy, rows[i].legacy);
        assert_true(st.flags & BOL_ST_LEGACY);
        if (((st.flags & BOL_ST_GOOSENECK) != 0) != rows[i].gooseneck)
            fail_msg("%s: gooseneck flag wrong", rows[i].legacy);
    }
}

static void expect_error(const char *in, const char *field, const char *msg)
{
    struct bol_sizetype st;
    struct bol_diag d;

    bol_diag_init(&d);
    memset(&st, 0x5a, sizeof(st));
    assert_int_equal(bol_sizetype_parse(S(in), &st, &d), BOL_E_INVAL);
    assert_int_equal(st.length_mm, 0x5a5a);
    assert_string_equal(d.field, field);
    assert_string_equal(d.msg, msg);
}

static void test_errors(void **state)
{
    (void) state;
    expect_error("", "sizetype", "size-type code must be 4 characters, got 0");
    expect_error("45G", "sizetype", "size-type code must be 4 characters, got 3");
    expect_error("45G12", "sizetype", "size-type code must be 4 characters, got 5");
    expect_error("45-1", "sizetype", "unexpected byte 0x2d at position 3 in size-type code");
    expect_error("Q5G1", "length", "unknown length code 'Q'");
    expect_error("5 G1", "sizetype", "unexpected byte 0x20 at position 2 in size-type code");
    expect_error("4XG1", "height", "unknown height/width code 'X'");
    expect_error("45Q1", "type", "unknown type group 'Q'");
    expect_error("45GC", "type",
                 "unknown type detail 'C' (expected a digit or A B D G J M V W X Y)");
    expect_error("5200", "length", "unknown pre-1996 length code '5' (expected 1 to 4)");
    expect_error("2600", "height", "unknown pre-1996 height code '6' (expected 0 to 5)");
    expect_error("2281", "type", "pre-1996 type code '81' has no current ISO 6346 equivalent");
    expect_error("2220", "type", "pre-1996 type code '20' has no current ISO 6346 equivalent");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common_codes),
        cmocka_unit_test(test_texts),
        cmocka_unit_test(test_widths_and_heights),
        cmocka_unit_test(test_every_length_code),
        cmocka_unit_test(test_every_group_and_detail),
        cmocka_unit_test(test_reduced_strength_letters),
        cmocka_unit_test(test_legacy_codes),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
