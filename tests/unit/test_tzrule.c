/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_tzrule.c - POSIX TZ rules and the TZif footer
 *
 * Offsets are compared with the C library's own reading of the same TZ
 * string (setenv("TZ") + tzset + localtime_r's tm_gmtoff) every hour from
 * 2020 to 2035, and to the second on both sides of each transition found.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "errors.h"
#include "tzrule.h"
#include "utctime.h"

#define US ((int64_t) 1000000)

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    return ((bol_days_from_civil(y, mo, d) * 86400) + h * 3600 + mi * 60 + s) * US;
}

static struct bol_tz parse_ok(const char *rule)
{
    struct bol_tz tz;
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_tz_parse(S(rule), &tz, &d) != 0)
        fail_msg("'%s' refused: %s", rule, d.msg);
    return tz;
}

/* The parse fails with BOL_E_PARSE at byte off, and the message says so. */
static void parse_bad(const char *rule, int64_t off)
{
    struct bol_tz tz;
    struct bol_diag d;
    char at[32];

    bol_diag_init(&d);
    assert_int_equal(bol_tz_parse(S(rule), &tz, &d), BOL_E_PARSE);
    assert_string_equal(d.field, "tz");
    if (d.offset != off)
        fail_msg("'%s': offset %lld, want %lld (%s)", rule, (long long) d.offset, (long long) off,
                 d.msg);
    snprintf(at, sizeof(at), "at byte %lld", (long long) off);
    assert_non_null(strstr(d.msg, at));
}

static void test_parse_valid(void **state)
{
    struct bol_tz tz, us;

    (void) state;
    tz = parse_ok("JST-9");
    assert_int_equal(tz.std_east_s, 9 * 3600);
    assert_false(tz.has_dst);
    tz = parse_ok("UTC0");
    assert_int_equal(tz.std_east_s, 0);
    tz = parse_ok("<+0530>-5:30");
    assert_int_equal(tz.std_east_s, 5 * 3600 + 1800);
    tz = parse_ok("<-03>3");
    assert_int_equal(tz.std_east_s, -3 * 3600);
    tz = parse_ok("ABC+1:02:03");
    assert_int_equal(tz.std_east_s, -3723);

    tz = parse_ok("CET-1CEST,M3.5.0,M10.5.0/3");
    assert_true(tz.has_dst);
    assert_int_equal(tz.std_east_s, 3600);
    assert_int_equal(tz.dst_east_s, 7200);
    assert_int_equal(tz.start.kind, 'M');
    assert_int_equal(tz.start.a, 3);
    assert_int_equal(tz.start.b, 5);
    assert_int_equal(tz.start.c, 0);
    assert_int_equal(tz.start.time_s, 7200);
    assert_int_equal(tz.end.a, 10);
    assert_int_equal(tz.end.time_s, 3 * 3600);

    /* An explicit summer offset, J and n forms, times past a day or negative. */
    tz = parse_ok("XST3XDT1,J60/1:30,300/-2");
    assert_int_equal(tz.dst_east_s, -3600);
    assert_int_equal(tz.start.kind, 'J');
    assert_int_equal(tz.start.a, 60);
    assert_int_equal(tz.start.time_s, 5400);
    assert_int_equal(tz.end.kind, 'n');
    assert_int_equal(tz.end.a, 300);
    assert_int_equal(tz.end.time_s, -7200);
    tz = parse_ok("IST-2IDT,M3.4.4/26,M10.5.0");
    assert_int_equal(tz.start.time_s, 26 * 3600);
    tz = parse_ok("XST3XDT,J1/167,0/-167");
    assert_int_equal(tz.start.time_s, 167 * 3600);
    assert_int_equal(tz.end.time_s, -167 * 3600);

    /* A summer name without a rule takes the US rule. */
    tz = parse_ok("XST5XDT");
    us = parse_ok("XST5XDT,M3.2.0,M11.1.0");
    assert_true(tz.has_dst);
    assert_int_equal(tz.dst_east_s, -4 * 3600);
    assert_memory_equal(&tz.start, &us.start, sizeof(tz.start));
    assert_memory_equal(&tz.end, &us.end, sizeof(tz.end));
}

static void test_parse_invalid(void **state)
{
    char big[BOL_TZ_RULE_MAX + 1];

    (void) state;
    parse_bad("", 0);
    parse_bad("JS-9", 2);
    parse_bad("JST", 3);
    parse_bad("JST-", 4);
    parse_bad("JST-9X", 6);
    parse_bad("JST-25", 5);
    parse_bad("JST-9:60", 7);
    parse_bad("JST-9:", 6);
    parse_bad("-9", 0);
    parse_bad("<+0530", 6);
    parse_bad("<+05 30>-5", 4);
    parse_bad("<+5>-5", 4);
    parse_bad("CET-1CEST,", 10);
    parse_bad("CET-1CEST;M3.5.0,M10.5.0", 9);
    parse_bad("CET-1CEST,M13.5.0,M10.5.0/3", 12);
    parse_bad("CET-1CEST,M0.5.0,M10.5.0/3", 12);
    parse_bad("CET-1CEST,M3.0.0,M10.5.0/3", 14);
    parse_bad("CET-1CEST,M3.6.0,M10.5.0/3", 13);
    parse_bad("CET-1CEST,M3.5.7,M10.5.0/3", 15);
    parse_bad("CET-1CEST,M3-5.0,M10.5.0/3", 12);
    parse_bad("CET-1CEST,M3.5.0", 16);
    parse_bad("CET-1CEST,M3.5.0,M10.5.0/3x", 26);
    parse_bad("CET-1CEST,M3.5.0,M10.5.0/168", 27);
    parse_bad("CET-1CEST,J0,J300", 12);
    parse_bad("CET-1CEST,J366,J300", 13);
    parse_bad("CET-1CEST,366,300", 12);
    parse_bad("CET-1CEST,x,300", 10);
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[BOL_TZ_RULE_MAX - 2] = '0';
    big[BOL_TZ_RULE_MAX - 1] = '\0'; /* 63 bytes: still fits */
    (void) parse_ok(big);
    big[BOL_TZ_RULE_MAX - 1] = '0'; /* 64 bytes: too long */
    big[BOL_TZ_RULE_MAX] = '\0';
    parse_bad(big, 0);
}

/* The C library's offset for the TZ already set, east of UTC. */
static int32_t ref_offset(int64_t t)
{
    time_t tt = (time_t) t;
    struct tm tm;

    assert_non_null(localtime_r(&tt, &tm));
    return (int32_t) tm.tm_gmtoff;
}

static void set_tz(const char *rule)
{
    assert_int_equal(setenv("TZ", rule, 1), 0);
    tzset();
}

/*
 * Compare every hour of 2020..2035 and both sides of each transition with the
 * C library.  Returns the number of transitions found.
 */
static unsigned compare_with_libc(const struct bol_tz *tz, const char *libc_tz)
{
    const int64_t from = utc(2020, 1, 1, 0, 0, 0) / US, to = utc(2036, 1, 1, 0, 0, 0) / US;
    unsigned transitions = 0;
    int32_t prev;
    int64_t t;

    set_tz(libc_tz);
    prev = ref_offset(from);
    for (t = from; t < to; t += 3600) {
        int32_t ref = ref_offset(t), got = bol_tz_offset(tz, t * US);

        if (got != ref)
            fail_msg("%s at %lld: %d, libc %d", libc_tz, (long long) t, got, ref);
        if (ref != prev) {
            int64_t lo = t - 3600, hi = t; /* ref(lo) == prev, ref(hi) != prev */

            while (hi - lo > 1) {
                int64_t mid = lo + (hi - lo) / 2;

                if (ref_offset(mid) == prev)
                    lo = mid;
                else
                    hi = mid;
            }
            /* hi is the first second of the new offset; also the last microsecond before. */
            assert_int_equal(bol_tz_offset(tz, hi * US), ref_offset(hi));
            assert_int_equal(bol_tz_offset(tz, lo * US), prev);
            assert_int_equal(bol_tz_offset(tz, hi * US - 1), prev);
            transitions++;
            prev = ref;
        }
    }
    unsetenv("TZ");
    tzset();
    return transitions;
}

static unsigned compare_rule(const char *rule)
{
    struct bol_tz tz = parse_ok(rule);

    return compare_with_libc(&tz, rule);
}

static void test_offsets_fixed(void **state)
{
    struct bol_tz tz;

    (void) state;
    tz = parse_ok("JST-9");
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 7, 1, 0, 0, 0)), 9 * 3600);
    tz = parse_ok("UTC0");
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 7, 1, 0, 0, 0)), 0);
    assert_int_equal(compare_rule("JST-9"), 0);
    assert_int_equal(compare_rule("UTC0"), 0);
    assert_int_equal(compare_rule("<+0530>-5:30"), 0);
}

static void test_offsets_northern(void **state)
{
    struct bol_tz tz;

    (void) state;
    /* Two transitions a year for 16 years. */
    assert_int_equal(compare_rule("CET-1CEST,M3.5.0,M10.5.0/3"), 32);
    assert_int_equal(compare_rule("EST5EDT,M3.2.0,M11.1.0"), 32);
    /* Known instants: Berlin 2026-03-29 01:00Z and 2026-10-25 01:00Z. */
    tz = parse_ok("CET-1CEST,M3.5.0,M10.5.0/3");
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 3, 29, 1, 0, 0) - 1), 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 3, 29, 1, 0, 0)), 7200);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 10, 25, 1, 0, 0) - 1), 7200);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 10, 25, 1, 0, 0)), 3600);
    /* New York 2026-03-08 07:00Z and 2026-11-01 06:00Z. */
    tz = parse_ok("EST5EDT,M3.2.0,M11.1.0");
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 3, 8, 7, 0, 0) - 1), -5 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 3, 8, 7, 0, 0)), -4 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 11, 1, 6, 0, 0) - 1), -4 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 11, 1, 6, 0, 0)), -5 * 3600);
    /* Times past midnight and before it (Jerusalem, Nuuk). */
    assert_int_equal(compare_rule("IST-2IDT,M3.4.4/26,M10.5.0"), 32);
    assert_int_equal(compare_rule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0"), 32);
}

static void test_offsets_southern(void **state)
{
    struct bol_tz tz;

    (void) state;
    assert_int_equal(compare_rule("AEST-10AEDT,M10.1.0,M4.1.0/3"), 32);
    assert_int_equal(compare_rule("<-04>4<-03>,M9.1.6/24,M4.1.6/24"), 32);
    assert_int_equal(compare_rule("NZST-12NZDT,M9.5.0,M4.1.0/3"), 32);
    /* Sydney: summer over new year, 2026-04-04 16:00Z and 2026-10-03 16:00Z. */
    tz = parse_ok("AEST-10AEDT,M10.1.0,M4.1.0/3");
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 1, 1, 0, 0, 0)), 11 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 4, 4, 16, 0, 0) - 1), 11 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 4, 4, 16, 0, 0)), 10 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 10, 3, 16, 0, 0) - 1), 10 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 10, 3, 16, 0, 0)), 11 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2026, 12, 31, 23, 59, 59)), 11 * 3600);
}

static void test_offsets_day_forms(void **state)
{
    struct bol_tz tz;

    (void) state;
    /* Jn never counts 29 February; n does. */
    assert_int_equal(compare_rule("XST3XDT,J60/2,J300/2"), 32);
    assert_int_equal(compare_rule("XST3XDT,59/2,299/2"), 32);
    assert_int_equal(compare_rule("XST-3XDT,J1/4,J365/22"), 32);
    assert_int_equal(compare_rule("XST-3XDT,0/4,364/22"), 32);
    /* J60 is 1 March in 2028 (leap) and 2027; day 59 is 29 February 2028. */
    tz = parse_ok("XST3XDT,J60/2,J300/2");
    assert_int_equal(bol_tz_offset(&tz, utc(2028, 3, 1, 5, 0, 0) - 1), -3 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2028, 3, 1, 5, 0, 0)), -2 * 3600);
    tz = parse_ok("XST3XDT,59/2,299/2");
    assert_int_equal(bol_tz_offset(&tz, utc(2028, 2, 29, 5, 0, 0) - 1), -3 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2028, 2, 29, 5, 0, 0)), -2 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2027, 3, 1, 5, 0, 0) - 1), -3 * 3600);
    assert_int_equal(bol_tz_offset(&tz, utc(2027, 3, 1, 5, 0, 0)), -2 * 3600);
}

/* The whole file, or NULL when this host has no such zone. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    if (!f)
        return NULL;
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len > 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = test_malloc((size_t) len);
    assert_int_equal(fread(buf, 1, (size_t) len, f), (size_t) len);
    fclose(f);
    *n = (size_t) len;
    return buf;
}

static void tzif_bad(const void *data, size_t n, const char *why)
{
    char out[BOL_TZ_RULE_MAX] = "keep";
    struct bol_diag d;

    bol_diag_init(&d);
    assert_int_equal(bol_tz_from_tzif(data, n, out, &d), BOL_E_PARSE);
    assert_string_equal(d.field, "tz");
    if (!strstr(d.msg, why))
        fail_msg("'%s' does not say '%s'", d.msg, why);
}

static void test_tzif_files(void **state)
{
    static const struct {
        const char *path, *rule;
        unsigned transitions;
    } zones[] = {
        { "/usr/share/zoneinfo/Asia/Tokyo", "JST-9", 0 },
        { "/usr/share/zoneinfo/Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", 32 },
    };
    unsigned found = 0;

    (void) state;
    for (size_t i = 0; i < BOL_ARRAY_SIZE(zones); i++) {
        char out[BOL_TZ_RULE_MAX];
        struct bol_tz tz;
        size_t n;
        char *data = slurp(zones[i].path, &n);

        if (!data)
            continue;
        found++;
        assert_int_equal(bol_tz_from_tzif(data, n, out, NULL), 0);
        assert_string_equal(out, zones[i].rule);
        assert_int_equal(bol_tz_parse(S(out), &tz, NULL), 0);
        /* The footer agrees with the zone's own table for these years. */
        assert_int_equal(compare_with_libc(&tz, zones[i].path), zones[i].transitions);

        /* Truncated anywhere before its last byte: refused. */
        tzif_bad(data, n - 1, "does not end in its rule");
        tzif_bad(data, 43, "not a TZif");
        tzif_bad(data, 0, "not a TZif");
        /* Version 1: no footer to trust. */
        data[4] = '\0';
        tzif_bad(data, n, "version 1");
        test_free(data);
    }
    if (!found)
        skip();
}

static void test_tzif_garbage(void **state)
{
    char buf[200], out[BOL_TZ_RULE_MAX];

    (void) state;
    memset(buf, 'x', sizeof(buf));
    tzif_bad(buf, sizeof(buf), "not a TZif");
    memcpy(buf, "TZif2", 5);
    tzif_bad(buf, sizeof(buf), "does not end in its rule");
    buf[sizeof(buf) - 1] = '\n';
    buf[sizeof(buf) - 2] = '\n';
    tzif_bad(buf, sizeof(buf), "empty or too long");
    /* The rule line is the last one: longer than a rule may be. */
    buf[sizeof(buf) - 2] = 'x';
    buf[sizeof(buf) - 2 - BOL_TZ_RULE_MAX - 1] = '\n';
    tzif_bad(buf, sizeof(buf), "empty or too long");
    /* No newline before the rule at all. */
    memset(buf + 5, 'x', sizeof(buf) - 6);
    tzif_bad(buf, sizeof(buf), "no rule line");
    /* Just fits. */
    memcpy(buf + sizeof(buf) - 8, "\nJST-9\n", 7);
    buf[sizeof(buf) - 1] = '\0';
    tzif_bad(buf, sizeof(buf), "does not end");
    memcpy(buf + sizeof(buf) - 7, "\nJST-9\n", 7);
    assert_int_equal(bol_tz_from_tzif(buf, sizeof(buf), out, NULL), 0);
    assert_string_equal(out, "JST-9");
    /* The rule is printable text: no NUL or control byte. */
    buf[sizeof(buf) - 4] = '\0';
    tzif_bad(buf, sizeof(buf), "not printable");
    buf[sizeof(buf) - 4] = '\t';
    tzif_bad(buf, sizeof(buf), "not printable");
    buf[sizeof(buf) - 4] = 'T';
    /* A 3.x header is fine too. */
    buf[4] = '3';
    assert_int_equal(bol_tz_from_tzif(buf, sizeof(buf), out, NULL), 0);
    assert_string_equal(out, "JST-9");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),      cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_offsets_fixed),    cmocka_unit_test(test_offsets_northern),
        cmocka_unit_test(test_offsets_southern), cmocka_unit_test(test_offsets_day_forms),
        cmocka_unit_test(test_tzif_files),       cmocka_unit_test(test_tzif_garbage),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
