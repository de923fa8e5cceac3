/* SPDX-License-Identifier: Apache-2.0 */
/* test_cell.c - ISO 9711-1 stowage cells */
#include "testutil.h"

#include "cell.h"

static void test_parse_every_seven_digit_cell(void **state)
{
    unsigned bay, row, tier;

    (void) state;
    /* Every bay 1..999 with a sample of rows and tiers, written and read back. */
    for (bay = 1; bay <= 999; bay++) {
        for (row = 0; row <= 99; row += 11) {
            for (tier = 1; tier <= 99; tier += 7) {
                struct bol_cell c = { (uint16_t) bay, (uint8_t) row, (uint8_t) tier };
                struct bol_cell back;
                char text[BOL_CELL_TEXT_MAX];

                bol_cell_format(&c, text);
                assert_int_equal(strlen(text), 7);
                assert_int_equal(bol_cell_parse(S(text), &back, NULL), 0);
                assert_int_equal(back.bay, bay);
                assert_int_equal(back.row, row);
                assert_int_equal(back.tier, tier);
            }
        }
    }
}

static void test_six_and_seven_digits_agree(void **state)
{
    struct bol_cell a, b;

    (void) state;
    assert_int_equal(bol_cell_parse(S("120382"), &a, NULL), 0);
    assert_int_equal(bol_cell_parse(S("0120382"), &b, NULL), 0);
    assert_int_equal(a.bay, 12);
    assert_int_equal(a.row, 3);
    assert_int_equal(a.tier, 82);
    assert_memory_equal(&a, &b, sizeof(a));
    assert_int_equal(bol_cell_parse(S(" 1010008 "), &a, NULL), 0);
    assert_int_equal(a.bay, 101);
    assert_int_equal(a.row, 0);
    assert_int_equal(a.tier, 8);
}

static void expect_error(const char *in, const char *field, const char *msg)
{
    struct bol_cell c = { 7, 7, 7 };
    struct bol_diag d;

    bol_diag_init(&d);
    assert_int_equal(bol_cell_parse(S(in), &c, &d), BOL_E_INVAL);
    assert_int_equal(c.bay, 7);
    assert_string_equal(d.field, field);
    assert_string_equal(d.msg, msg);
}

static void test_parse_errors(void **state)
{
    (void) state;
    expect_error("", "cell",
                 "stowage cell must be 6 or 7 digits (bay, row, tier), got 0 characters");
    expect_error("12038", "cell",
                 "stowage cell must be 6 or 7 digits (bay, row, tier), got 5 characters");
    expect_error("04217000", "cell",
                 "stowage cell must be 6 or 7 digits (bay, row, tier), got 8 characters");
    expect_error("12O382", "cell", "stowage cell must be digits only, got byte 0x4f at position 3");
    expect_error("000382", "bay", "bay 0 does not exist (bays start at 01)");
    expect_error("0120300", "tier", "tier 00 does not exist");
    expect_error("12 0382", "cell",
                 "stowage cell must be digits only, got byte 0x20 at position 3");
}

static void test_bays(void **state)
{
    uint16_t fore, aft, b;

    (void) state;
    assert_true(bol_cell_bay_is_20ft(1));
    assert_false(bol_cell_bay_is_20ft(2));
    assert_int_equal(bol_cell_bay_40ft(1), 2);
    assert_int_equal(bol_cell_bay_40ft(3), 2);
    assert_int_equal(bol_cell_bay_40ft(5), 6);
    assert_int_equal(bol_cell_bay_40ft(7), 6);
    assert_int_equal(bol_cell_bay_40ft(97), 98);
    assert_int_equal(bol_cell_bay_40ft(99), 98);
    assert_int_equal(bol_cell_bay_40ft(6), 6);
    for (b = 2; b <= 998; b = (uint16_t) (b + 4)) {
        assert_int_equal(bol_cell_bays_20ft(b, &fore, &aft), 0);
        assert_int_equal(fore, b - 1);
        assert_int_equal(aft, b + 1);
        assert_int_equal(bol_cell_bay_40ft(fore), b);
        assert_int_equal(bol_cell_bay_40ft(aft), b);
    }
    assert_int_equal(bol_cell_bays_20ft(3, &fore, &aft), BOL_E_INVAL);
    assert_int_equal(bol_cell_bays_20ft(0, &fore, &aft), BOL_E_INVAL);
}

static void test_sides(void **state)
{
    (void) state;
    assert_int_equal(bol_cell_side(0), BOL_SIDE_CENTRE);
    assert_int_equal(bol_cell_side(1), BOL_SIDE_STARBOARD);
    assert_int_equal(bol_cell_side(11), BOL_SIDE_STARBOARD);
    assert_int_equal(bol_cell_side(2), BOL_SIDE_PORT);
    assert_int_equal(bol_cell_side(12), BOL_SIDE_PORT);
}

static void test_deck_threshold_from_profile(void **state)
{
    struct bol_cell c = { 10, 1, 72 };

    (void) state;
    /* The same tier number is on deck for one vessel and in the hold of another. */
    assert_true(bol_cell_on_deck(&c, 72));
    assert_false(bol_cell_on_deck(&c, 80));
    c.tier = 80;
    assert_true(bol_cell_on_deck(&c, 80));
    assert_false(bol_cell_on_deck(&c, 82));
}

static void check_cell(struct bol_cell c, const struct bol_cell_frame *f, const char *field,
                       const char *msg)
{
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = bol_cell_check(&c, f, &d);
    if (!field) {
        if (r != 0)
            fail_msg("%u/%u/%u: %s", c.bay, c.row, c.tier, d.msg);
        return;
    }
    assert_int_equal(r, BOL_E_INVAL);
    assert_string_equal(d.field, field);
    assert_string_equal(d.msg, msg);
}

static void test_check_against_frame(void **state)
{
    /* 13 rows across (centre + 6 a side), hold 02..18, deck 82..92. */
    const struct bol_cell_frame f = { 40, 6, 6, true, 18, 82, 92, false };
    const struct bol_cell_frame even = { 40, 5, 5, false, 18, 82, 92, false };
    const struct bol_cell_frame deck_only = { 40, 5, 5, false, 0, 72, 78, true };
    const struct bol_cell_frame broken = { 40, 5, 5, false, 18, 0, 92, false };

    (void) state;
    check_cell((struct bol_cell){ 1, 0, 2 }, &f, NULL, NULL);
    check_cell((struct bol_cell){ 40, 11, 18 }, &f, NULL, NULL);
    check_cell((struct bol_cell){ 40, 12, 92 }, &f, NULL, NULL);
    check_cell((struct bol_cell){ 41, 1, 2 }, &f, "bay", "bay 41 outside 01..40");
    check_cell((struct bol_cell){ 1, 13, 2 }, &f, "row",
               "starboard row 13 beyond the vessel's 6 starboard rows");
    check_cell((struct bol_cell){ 1, 14, 2 }, &f, "row",
               "port row 14 beyond the vessel's 6 port rows");
    check_cell((struct bol_cell){ 1, 0, 2 }, &even, "row",
               "row 00 does not exist: the vessel has no centre row");
    check_cell((struct bol_cell){ 1, 1, 3 }, &f, "tier",
               "tier 03 is odd: this vessel numbers tiers 02, 04 ...");
    check_cell((struct bol_cell){ 1, 1, 20 }, &f, "tier",
               "tier 20 is neither in the hold (up to 18) nor on deck (from 82)");
    check_cell((struct bol_cell){ 1, 1, 94 }, &f, "tier", "deck tier 94 above the top tier 92");
    check_cell((struct bol_cell){ 1, 1, 73 }, &deck_only, NULL, NULL);
    check_cell((struct bol_cell){ 1, 1, 2 }, &deck_only, "tier",
               "tier 02 is neither in the hold (up to 00) nor on deck (from 72)");
    check_cell((struct bol_cell){ 1, 1, 2 }, &broken, "frame", "vessel frame has no deck tier");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_every_seven_digit_cell),
        cmocka_unit_test(test_six_and_seven_digits_agree),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_bays),
        cmocka_unit_test(test_sides),
        cmocka_unit_test(test_deck_threshold_from_profile),
        cmocka_unit_test(test_check_against_frame),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
