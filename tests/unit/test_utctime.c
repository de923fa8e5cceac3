/* SPDX-License-Identifier: Apache-2.0 */
/* test_utctime.c - calendar arithmetic and ISO 8601 text */
#include "testutil.h"

#include "utctime.h"

#define SEC(x) ((int64_t) (x) *BOL_US_PER_SEC)

static void test_every_day_round_trips(void **state)
{
    int64_t first = bol_days_from_civil(1, 1, 1);
    int64_t last = bol_days_from_civil(9999, 12, 31);
    int64_t day;
    int y = 1, m = 1, d = 1;

    (void) state;
    assert_int_equal(bol_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(first, -719162);
    /* Walk every date from 0001-01-01 to 9999-12-31 by hand and compare. */
    for (day = first; day <= last; day++) {
        struct bol_civil c;

        assert_int_equal(bol_days_from_civil(y, m, d), day);
        assert_int_equal(bol_time_to_civil(day * SEC(86400), 0, &c), 0);
        if (c.year != y || c.month != m || c.day != d)
            fail_msg("day %" PRId64 ": got %d-%d-%d want %d-%d-%d", day, c.year, c.month, c.day, y,
                     m, d);
        if (++d > bol_days_in_month(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}

static void test_days_in_month(void **state)
{
    (void) state;
    assert_int_equal(bol_days_in_month(2000, 2), 29);
    assert_int_equal(bol_days_in_month(1900, 2), 28);
    assert_int_equal(bol_days_in_month(2024, 2), 29);
    assert_int_equal(bol_days_in_month(2023, 2), 28);
    assert_int_equal(bol_days_in_month(2023, 4), 30);
    assert_int_equal(bol_days_in_month(2023, 12), 31);
    assert_int_equal(bol_days_in_month(2023, 0), 0);
    assert_int_equal(bol_days_in_month(2023, 13), 0);
}

static void check_format(int64_t at, int off, unsigned frac, const char *want)
{
    char out[BOL_TIME_TEXT_MAX];
    const char *got = bol_time_format(at, off, frac, out);

    assert_non_null(got);
    assert_string_equal(got, want);
}

static void test_format(void **state)
{
    char out[BOL_TIME_TEXT_MAX];

    (void) state;
    check_format(0, 0, 0, "1970-01-01T00:00:00Z");
    check_format(-1, 0, 6, "1969-12-31T23:59:59.999999Z");
    check_format(-1, 0, 3, "1969-12-31T23:59:59.999Z");
    check_format(SEC(1795279200) + 123456, 0, 3, "2026-11-21T16:40:00.123Z");
    check_format(SEC(1795279200) + 123456, 540, 6, "2026-11-22T01:40:00.123456+09:00");
    check_format(SEC(1795279200), -330, 0, "2026-11-21T11:10:00-05:30");
    check_format(BOL_TIME_MIN_US, 0, 0, "0001-01-01T00:00:00Z");
    check_format(BOL_TIME_MAX_US, 0, 6, "9999-12-31T23:59:59.999999Z");
    assert_null(bol_time_format(BOL_TIME_MAX_US + 1, 0, 0, out));
    assert_null(bol_time_format(BOL_TIME_MIN_US - 1, 0, 0, out));
    assert_null(bol_time_format(0, 0, 2, out));
    /* The shift must stay in range too. */
    assert_null(bol_time_format(BOL_TIME_MAX_US, 60, 0, out));
}

static void check_parse(const char *s, int64_t want)
{
    struct bol_diag d;
    int64_t got = 0;
    int r;

    bol_diag_init(&d);
    r = bol_time_parse(S(s), &got, &d);
    if (r != 0)
        fail_msg("'%s': %s", s, d.msg);
    if (got != want)
        fail_msg("'%s': got %" PRId64 " want %" PRId64, s, got, want);
}

static void test_parse_valid(void **state)
{
    (void) state;
    check_parse("2026-11-21T16:40:00Z", SEC(1795279200));
    check_parse("2026-11-21t16:40:00z", SEC(1795279200));
    check_parse("2026-11-21 16:40:00Z", SEC(1795279200));
    check_parse("2026-11-21T16:40Z", SEC(1795279200));
    check_parse("2026-11-22T01:40:00+09:00", SEC(1795279200));
    check_parse("2026-11-22T01:40:00+0900", SEC(1795279200));
    check_parse("2026-11-22T01:40:00+09", SEC(1795279200));
    check_parse("2026-11-21T16:40:00-00:00", SEC(1795279200));
    check_parse("20261121T164000Z", SEC(1795279200));
    check_parse("20261122T014000+0900", SEC(1795279200));
    check_parse("2026-11-21T16:40:00.5Z", SEC(1795279200) + 500000);
    check_parse("2026-11-21T16:40:00,25Z", SEC(1795279200) + 250000);
    check_parse("2026-11-21T16:40:00.123456789Z", SEC(1795279200) + 123456);
    check_parse("2000-02-29T12:00:00Z", SEC(951825600));
    check_parse("2023-07-04T06:30:00+09:00", SEC(1688419800));
    check_parse("1900-03-01T00:00:00Z", SEC(-2203891200));
    check_parse("0001-01-01T00:00:00Z", BOL_TIME_MIN_US);
    check_parse("9999-12-31T23:59:59.999999Z", BOL_TIME_MAX_US);
    check_parse("2026-11-21", SEC(1795219200));
    check_parse("1969-12-31T23:59:59.999999Z", -1);
}

static void check_bad(const char *s, int64_t offset, const char *msg_part)
{
    struct bol_diag d;
    int64_t got = 99;

    bol_diag_init(&d);
    assert_int_equal(bol_time_parse(S(s), &got, &d), BOL_E_PARSE);
    assert_int_equal(got, 99);
    if (!strstr(d.msg, msg_part))
        fail_msg("'%s': message '%s' lacks '%s'", s, d.msg, msg_part);
    if (d.offset != offset)
        fail_msg("'%s': offset %" PRId64 " want %" PRId64, s, d.offset, offset);
}

static void test_parse_invalid(void **state)
{
    (void) state;
    check_bad("", 0, "year");
    check_bad("26-11-21", 2, "year");
    check_bad("2026-13-01T00:00:00Z", 5, "month out of range");
    check_bad("2026-00-01T00:00:00Z", 5, "month out of range");
    check_bad("2026-02-29T00:00:00Z", 8, "day out of range");
    check_bad("1900-02-29", 8, "day out of range");
    check_bad("2026-11-21T24:00:00Z", 11, "hour out of range");
    check_bad("2026-11-21T23:60:00Z", 14, "minute out of range");
    check_bad("2026-12-31T23:59:60Z", 17, "leap second");
    check_bad("2026-11-21T16:40:00", 19, "missing time zone");
    check_bad("2026-11-21T16:40:00X", 19, "expected time zone");
    check_bad("2026-11-21T16:40:00+24:00", 20, "zone offset out of range");
    check_bad("2026-11-21T16:40:00Zjunk", 20, "unexpected text");
    check_bad("2026-11-21T16:40:00.Z", 20, "fraction digits");
    check_bad("2026-11-21T16:40:00.1234567890Z", 29, "more than 9");
    check_bad("2026-11-21X16:40:00Z", 10, "expected 'T'");
    check_bad("2026-1121", 7, "'-' before day");
    check_bad("0000-01-01", 0, "year out of range");
    check_bad("0001-01-01T00:00:00+01:00", 0, "instant out of range");
    check_bad("2026-11-21T16.40:00Z", 13, "':' after hour");
}

static void test_round_trip(void **state)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    int i;

    (void) state;
    for (i = 0; i < 20000; i++) {
        char out[BOL_TIME_TEXT_MAX];
        int64_t at, back = 0;
        int off;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        at = BOL_TIME_MIN_US + 86400 * BOL_US_PER_SEC +
             (int64_t) (x % (uint64_t) (BOL_TIME_MAX_US - BOL_TIME_MIN_US -
                                        2 * 86400 * BOL_US_PER_SEC));
        off = (int) (x >> 40) % (14 * 60);
        assert_non_null(bol_time_format(at, off, 6, out));
        assert_int_equal(bol_time_parse(S(out), &back, NULL), 0);
        assert_true(back == at);
    }
}

static void test_clocks(void **state)
{
    int64_t a = bol_time_mono_us();
    int64_t b = bol_time_mono_us();
    int64_t now = bol_time_now_us();

    (void) state;
    assert_true(b >= a);
    /* After 2024-01-01 and before 2100: the wall clock is in microseconds. */
    assert_true(now > SEC(1704067200) && now < SEC(4102444800));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_day_round_trips),
        cmocka_unit_test(test_days_in_month),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_clocks),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
