/* SPDX-License-Identifier: Apache-2.0 */
/* test_bay.c - the bay model: instance files and the independent replay */
#include "testutil.h"

#include <string.h>

#include "bay.h"

static int parse(const char *text, const char *name, struct bol_bay *b, struct bol_bay_error *e)
{
    return bol_bay_parse(text, strlen(text), name, b, e);
}

static void test_caserta(void **state)
{
    struct bol_bay b;
    struct bol_bay_error e;

    (void) state;
    assert_int_equal(parse("3 6\n2 3 1\n2 6 4\n2 2 5\n", "data2-3-1.dat", &b, &e), 0);
    assert_int_equal(b.stacks, 3);
    assert_int_equal(b.n, 6);
    assert_int_equal(b.max_height, 4); /* T + 2 */
    assert_int_equal(b.height[1], 2);
    assert_int_equal(b.prio[1][0], 6);
    assert_int_equal(b.prio[1][1], 4);
    assert_int_equal(bol_bay_blocking(&b), 1); /* 5 above 2 */
    assert_false(bol_bay_sorted(&b));
    /* CRLF, a byte-order mark and blank lines read the same */
    struct bol_bay c;
    assert_int_equal(parse("\xef\xbb\xbf"
                           "3 6\r\n\r\n2 3 1\r\n2 6 4\r\n2 2 5\r\n",
                           "x", &c, &e),
                     0);
    assert_memory_equal(&b.prio, &c.prio, sizeof(b.prio));
}

static void test_ranks_and_heights(void **state)
{
    struct bol_bay b;
    struct bol_bay_error e;

    (void) state;
    /* duplicate values, values from 0 and sparse ones are ranked densely */
    assert_int_equal(parse("2 4\n2 0 70\n2 70 9\n", "x", &b, &e), 0);
    assert_int_equal(b.prio[0][0], 1);
    assert_int_equal(b.prio[0][1], 3);
    assert_int_equal(b.prio[1][1], 2);
    /* a Bortfeldt-Forster name gives the height */
    assert_int_equal(parse("2 3\n2 1 2\n1 3\n", "BF1/cpmp_2_5_3_3_1_7.bay", &b, &e), 0);
    assert_int_equal(b.max_height, 5);
}

static void test_tierney(void **state)
{
    struct bol_bay b;
    struct bol_bay_error e;

    (void) state;
    const char *t = "Name: x\nDescription: y\n\nTiers: 4\nStacks: 3\nContainers: 6\n"
                    "Stack 0: 2    4    \nStack 1: 0\nStack 2: 1 1 3\n";
    assert_int_equal(parse(t, "emm_s3_t4.bay", &b, &e), 0);
    assert_int_equal(b.stacks, 3);
    assert_int_equal(b.max_height, 6);
    assert_int_equal(b.height[2], 3);
    assert_int_equal(b.prio[1][0], 1);
    assert_int_equal(b.prio[0][1], 5);
}

static void check_error(const char *text, unsigned line, const char *why)
{
    struct bol_bay b;
    struct bol_bay_error e;

    assert_int_equal(parse(text, "x", &b, &e), -1);
    assert_int_equal(e.line, line);
    assert_string_equal(e.why, why);
}

static void test_errors(void **state)
{
    (void) state;
    check_error("", 0, "empty file");
    check_error("2 3\n1 1\n", 3, "stack 2 of 2 missing");
    check_error("2 3\n1 1\n1 2\n", 0, "the stacks hold 2 boxes, the header says 3");
    check_error("1 1\n1 x\n", 2, "stack 1 box 1 is not a number");
    check_error("1 2\n1 1 2\n", 2, "unexpected text after the stack's boxes");
    check_error("40 1\n", 1, "stack count above 32");
    check_error("1 2\n2 1 2\n9\n", 3, "text after the last of 1 stacks");
    check_error("1 1\n1 99999\n", 2, "stack 1 box 1 above 65535");
    check_error("Tiers: 2\nStacks: 1\nContainers: 1\nStack 1: 1\n", 4,
                "stack 1 where stack 0 of 1 was expected");
    check_error("Stacks: 1\nfoo\n", 2, "not a line of the Tiers/Stacks/Containers format");
}

static void test_replay_brp(void **state)
{
    struct bol_bay b;
    struct bol_bay_error e;
    struct bol_bay_replay r;

    (void) state;
    /* stack 1: 3 1 (1 on top), stack 2: 2, stack 3: empty; heights up to 3 */
    assert_int_equal(parse("3 3\n2 3 1\n1 2\n0\n", "x", &b, &e), 0);
    b.max_height = 2;
    const struct bol_bay_move ok[] = { { 0, BOL_BAY_OUT }, { 1, BOL_BAY_OUT }, { 0, BOL_BAY_OUT } };
    assert_int_equal(bol_bay_replay(&b, BOL_BAY_MODE_BRP_RESTRICTED, ok, 3, &r), 0);
    assert_int_equal(r.relocations, 0);
    assert_int_equal(r.retrievals, 3);

    const struct bol_bay_move early[] = { { 1, BOL_BAY_OUT } };
    assert_int_equal(bol_bay_replay(&b, BOL_BAY_MODE_BRP_RESTRICTED, early, 1, &r), -1);
    assert_int_equal(r.bad_move, 0);
    assert_string_equal(r.why, "move 1: retrieves priority 2 while 1 is still in the bay");

    /* restricted: stack 2 does not hold box 1, so it may not be moved */
    const struct bol_bay_move unr[] = {
        { 1, 2 }, { 0, BOL_BAY_OUT }, { 2, BOL_BAY_OUT }, { 0, BOL_BAY_OUT }
    };
    assert_int_equal(bol_bay_replay(&b, BOL_BAY_MODE_BRP_RESTRICTED, unr, 4, &r), -1);
    assert_int_equal(r.bad_move, 0);
    assert_int_equal(bol_bay_replay(&b, BOL_BAY_MODE_BRP_UNRESTRICTED, unr, 4, &r), 0);
    assert_int_equal(r.relocations, 1);

    const struct bol_bay_move full[] = { { 1, 0 } };
    assert_int_equal(bol_bay_replay(&b, BOL_BAY_MODE_BRP_UNRESTRICTED, full, 1, &r), -1);
    assert_string_equal(r.why, "move 1: stack 1 is at the maximum height 2");

    const struct bol_bay_move left[] = { { 0, BOL_BAY_OUT } };
    assert_int_equal(bol_bay_replay(&b, BOL_BAY_MODE_BRP_RESTRICTED, left, 1, &r), -1);
    assert_string_equal(r.why, "move 1: boxes left in stack 1 after the last move");
}

static void test_replay_cpmp(void **state)
{
    struct bol_bay b;
    struct bol_bay_error e;
    struct bol_bay_replay r;

    (void) state;
    assert_int_equal(parse("2 3\n2 1 2\n1 3\n", "x", &b, &e), 0);
    const struct bol_bay_move m[] = { { 0, 1 } };
    assert_int_equal(bol_bay_replay(&b, BOL_BAY_MODE_CPMP, m, 1, &r), 0);
    assert_int_equal(r.relocations, 1);
    assert_int_equal(bol_bay_replay(&b, BOL_BAY_MODE_CPMP, m, 0, &r), -1);
    const struct bol_bay_move out[] = { { 0, BOL_BAY_OUT } };
    assert_int_equal(bol_bay_replay(&b, BOL_BAY_MODE_CPMP, out, 1, &r), -1);
    assert_string_equal(r.why, "move 1: pre-marshalling retrieves nothing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caserta),    cmocka_unit_test(test_ranks_and_heights),
        cmocka_unit_test(test_tierney),    cmocka_unit_test(test_errors),
        cmocka_unit_test(test_replay_brp), cmocka_unit_test(test_replay_cpmp),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
