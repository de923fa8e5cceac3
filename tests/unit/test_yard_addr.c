/* SPDX-License-Identifier: Apache-2.0 */
/* test_yard_addr.c - yard addresses */
#include "testutil.h"

#include "yard_addr.h"

static struct bol_yard_addr parse_ok(const char *in, enum bol_yard_level min)
{
    struct bol_yard_addr a;
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_yard_addr_parse(S(in), min, &a, &d) != 0)
        fail_msg("'%s': %s", in, d.msg);
    return a;
}

static void test_levels_and_format(void **state)
{
    static const struct {
        const char *in, *out;
        enum bol_yard_level level;
    } rows[] = {
        { "NCT1/3C", "NCT1/3C", BOL_YARD_BLOCK },
        { "nct1/3c/12", "NCT1/3C/012", BOL_YARD_BAY },
        { "NCT1/3C/012/4", "NCT1/3C/012/04", BOL_YARD_STACK },
        { "NCT1/3C/012/04/2", "NCT1/3C/012/04/2", BOL_YARD_SLOT },
        { " T/A/999/99/15 ", "T/A/999/99/15", BOL_YARD_SLOT },
        { "TERMINAL/ABCD/1/1/1", "TERMINAL/ABCD/001/01/1", BOL_YARD_SLOT },
        { "T/A/0012/04/2", "T/A/012/04/2", BOL_YARD_SLOT },
    };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(rows); i++) {
        struct bol_yard_addr a = parse_ok(rows[i].in, BOL_YARD_BLOCK);
        char out[BOL_YARD_ADDR_TEXT_MAX];
        struct bol_yard_addr back;

        assert_int_equal(a.level, rows[i].level);
        bol_yard_addr_format(&a, out);
        assert_string_equal(out, rows[i].out);
        back = parse_ok(out, rows[i].level);
        assert_memory_equal(&a, &back, sizeof(a));
    }
}

static void test_fields(void **state)
{
    struct bol_yard_addr a = parse_ok("NCT1/3C/012/04/2", BOL_YARD_SLOT);

    (void) state;
    assert_string_equal(a.terminal, "NCT1");
    assert_string_equal(a.block, "3C");
    assert_int_equal(a.bay, 12);
    assert_int_equal(a.row, 4);
    assert_int_equal(a.tier, 2);
}

static void expect_error(const char *in, enum bol_yard_level min, const char *field,
                         const char *msg)
{
    struct bol_yard_addr a;
    struct bol_diag d;

    bol_diag_init(&d);
    memset(&a, 0x11, sizeof(a));
    assert_int_equal(bol_yard_addr_parse(S(in), min, &a, &d), BOL_E_INVAL);
    assert_int_equal(a.bay, 0x1111);
    assert_string_equal(d.field, field);
    assert_string_equal(d.msg, msg);
}

static void test_errors(void **state)
{
    (void) state;
    expect_error("", BOL_YARD_BLOCK, "terminal",
                 "incomplete yard address: expected TERMINAL/BLOCK");
    expect_error("NCT1", BOL_YARD_BLOCK, "block",
                 "incomplete yard address: expected TERMINAL/BLOCK");
    expect_error("NCT1/3C", BOL_YARD_SLOT, "bay",
                 "incomplete yard address: expected TERMINAL/BLOCK/BAY/ROW/TIER");
    expect_error("NCT1/3C/1/2", BOL_YARD_SLOT, "tier",
                 "incomplete yard address: expected TERMINAL/BLOCK/BAY/ROW/TIER");
    expect_error("NCT1/3C/1/2/3/4", BOL_YARD_BLOCK, "yard_address",
                 "too many parts: expected TERMINAL/BLOCK/BAY/ROW/TIER");
    expect_error("NCT1//1", BOL_YARD_BLOCK, "block", "block code is empty");
    expect_error("/A", BOL_YARD_BLOCK, "terminal", "terminal code is empty");
    expect_error("TERMINAL9/A", BOL_YARD_BLOCK, "terminal",
                 "terminal code longer than 8 characters");
    expect_error("T/ABCDE", BOL_YARD_BLOCK, "block", "block code longer than 4 characters");
    expect_error("T-1/A", BOL_YARD_BLOCK, "terminal",
                 "terminal code may hold only letters and digits, got byte 0x2d");
    expect_error("T/A/0", BOL_YARD_BLOCK, "bay", "bay 0 outside 1..999");
    expect_error("T/A/1000", BOL_YARD_BLOCK, "bay", "bay 1000 outside 1..999");
    expect_error("T/A/1/100", BOL_YARD_BLOCK, "row", "row 100 outside 1..99");
    expect_error("T/A/1/1/16", BOL_YARD_BLOCK, "tier", "tier 16 outside 1..15");
    expect_error("T/A/x", BOL_YARD_BLOCK, "bay", "bay must be a number 1..999");
    expect_error("T/A/-1", BOL_YARD_BLOCK, "bay", "bay must be a number 1..999");
    expect_error("T/A/00001", BOL_YARD_BLOCK, "bay", "bay must be a number 1..999");
    expect_error("T/A/", BOL_YARD_BLOCK, "bay", "address ends with '/'");
    expect_error("T/A/1/1/1/", BOL_YARD_BLOCK, "tier", "address ends with '/'");
}

static void test_code_checks(void **state)
{
    (void) state;
    assert_int_equal(bol_terminal_code_check(S("TCB"), NULL), 0);
    assert_int_equal(bol_terminal_code_check(S(""), NULL), BOL_E_INVAL);
    assert_int_equal(bol_block_code_check(S("3c"), NULL), 0);
    assert_int_equal(bol_block_code_check(S("3 c"), NULL), BOL_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_and_format),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_code_checks),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
