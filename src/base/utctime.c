/* SPDX-License-Identifier: Apache-2.0 */
/*
 * utctime.c - UTC instants and ISO 8601 text
 *
 * Calendar arithmetic uses the era-based days-from-civil method: shift the
 * year to start in March so the leap day is the last day of the year, split
 * it into 400-year eras of 146097 days, and count days within the era.  It is
 * exact for every proleptic Gregorian date in range and needs no tables.
 */
#include "compat.h"

#include "errors.h"
#include "utctime.h"

int64_t bol_time_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * BOL_US_PER_SEC + ts.tv_nsec / 1000;
}

int64_t bol_time_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * BOL_US_PER_SEC + ts.tv_nsec / 1000;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int bol_days_in_month(int year, int month)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && is_leap(year))
        return 29;
    return mdays[month - 1];
}

int64_t bol_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t) year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                            /* 0..399 */
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                    /* 0..146096 */

    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *ret_y, int *ret_m, int *ret_d)
{
    int64_t era, doe, yoe, y, doy, mp, d, m;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    *ret_y = (int) (y + (m <= 2));
    *ret_m = (int) m;
    *ret_d = (int) d;
}

int bol_time_to_civil(int64_t at_us, int offset_min, struct bol_civil *ret)
{
    int64_t secs, days, rem, usec;

    if (at_us < BOL_TIME_MIN_US || at_us > BOL_TIME_MAX_US)
        return BOL_E_INVAL;
    if (offset_min < -24 * 60 || offset_min > 24 * 60)
        return BOL_E_INVAL;
    at_us += (int64_t) offset_min * 60 * BOL_US_PER_SEC;
    /* Floor division so instants before 1970 split correctly. */
    secs = at_us / BOL_US_PER_SEC;
    usec = at_us % BOL_US_PER_SEC;
    if (usec < 0) {
        usec += BOL_US_PER_SEC;
        secs--;
    }
    days = secs / 86400;
    rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    civil_from_days(days, &ret->year, &ret->month, &ret->day);
    if (ret->year < 1 || ret->year > 9999)
        return BOL_E_INVAL;
    ret->hour = (int) (rem / 3600);
    ret->minute = (int) (rem / 60 % 60);
    ret->second = (int) (rem % 60);
    ret->usec = (int) usec;
    return 0;
}

static const char *format_general(int64_t at_us, int offset_min, unsigned frac_digits,
                                  char out[BOL_TIME_TEXT_MAX]);

/* Write v as exactly n decimal digits. */
static char *digits_out(char *p, unsigned v, int n)
{
    int i;

    for (i = n - 1; i >= 0; i--) {
        p[i] = (char) ('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

const char *bol_time_format(int64_t at_us, int offset_min, unsigned frac_digits,
                            char out[BOL_TIME_TEXT_MAX])
{
    /* The common case, UTC: digit by digit, as it runs for every journal entry. */
    if (offset_min == 0 && (frac_digits == 0 || frac_digits == 3 || frac_digits == 6)) {
        struct bol_civil c;
        char *p = out;

        if (bol_time_to_civil(at_us, 0, &c) < 0)
            return NULL;
        p = digits_out(p, (unsigned) c.year, 4);
        *p++ = '-';
        p = digits_out(p, (unsigned) c.month, 2);
        *p++ = '-';
        p = digits_out(p, (unsigned) c.day, 2);
        *p++ = 'T';
        p = digits_out(p, (unsigned) c.hour, 2);
        *p++ = ':';
        p = digits_out(p, (unsigned) c.minute, 2);
        *p++ = ':';
        p = digits_out(p, (unsigned) c.second, 2);
        if (frac_digits) {
            *p++ = '.';
            p = digits_out(p, (unsigned) c.usec / (frac_digits == 3 ? 1000u : 1u),
                           (int) frac_digits);
        }
        *p++ = 'Z';
        *p = '\0';
        return out;
    }
    return format_general(at_us, offset_min, frac_digits, out);
}

static const char *format_general(int64_t at_us, int offset_min, unsigned frac_digits,
                                  char out[BOL_TIME_TEXT_MAX])
{
    struct bol_civil c;
    char frac[8] = "";
    char zone[8] = "Z";
    int n;

    if (bol_time_to_civil(at_us, offset_min, &c) < 0)
        return NULL;
    if (frac_digits == 3)
        snprintf(frac, sizeof(frac), ".%03u", (unsigned) c.usec / 1000u % 1000u);
    else if (frac_digits == 6)
        snprintf(frac, sizeof(frac), ".%06u", (unsigned) c.usec % 1000000u);
    else if (frac_digits != 0)
        return NULL;
    if (offset_min) {
        unsigned a = (unsigned) (offset_min < 0 ? -offset_min : offset_min);

        snprintf(zone, sizeof(zone), "%c%02u:%02u", offset_min < 0 ? '-' : '+', a / 60 % 100,
                 a % 60);
    }
    n = snprintf(out, BOL_TIME_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d%s%s", c.year, c.month,
                 c.day, c.hour, c.minute, c.second, frac, zone);
    if (n < 0 || n >= BOL_TIME_TEXT_MAX)
        return NULL;
    return out;
}

/* ---- parsing ---- */

struct tparse {
    struct bol_str s;
    size_t pos;
    struct bol_diag *diag;
};

static int tfail(struct tparse *t, const char *what)
{
    if (t->diag)
        t->diag->offset = (int64_t) t->pos;
    return bol_diag_fail(t->diag, BOL_E_PARSE, "time", "%s at offset %zu", what, t->pos);
}

static int peek(const struct tparse *t)
{
    return t->pos < t->s.len ? (unsigned char) t->s.p[t->pos] : -1;
}

/* Exactly n digits. */
static int digits(struct tparse *t, int n, int *ret, const char *what)
{
    int v = 0;
    int i;

    for (i = 0; i < n; i++) {
        int c = peek(t);

        if (!bol_is_digit(c))
            return tfail(t, what);
        v = v * 10 + (c - '0');
        t->pos++;
    }
    *ret = v;
    return 0;
}

static bool accept(struct tparse *t, char c)
{
    if (peek(t) == (unsigned char) c) {
        t->pos++;
        return true;
    }
    return false;
}

static int parse_zone(struct tparse *t, int *ret_offset_min)
{
    int c = peek(t);
    int hh = 0, mm = 0;
    size_t start;
    int sign;
    int r;

    if (c == 'Z' || c == 'z') {
        t->pos++;
        *ret_offset_min = 0;
        return 0;
    }
    if (c != '+' && c != '-')
        return tfail(t, c < 0 ? "missing time zone (Z or +HH:MM)"
                              : "expected time zone (Z or +HH:MM)");
    sign = c == '-' ? -1 : 1;
    t->pos++;
    start = t->pos;
    r = digits(t, 2, &hh, "expected zone hours");
    if (r < 0)
        return r;
    if (accept(t, ':')) {
        r = digits(t, 2, &mm, "expected zone minutes");
        if (r < 0)
            return r;
    } else if (bol_is_digit(peek(t))) {
        r = digits(t, 2, &mm, "expected zone minutes");
        if (r < 0)
            return r;
    }
    if (hh > 23 || mm > 59) {
        t->pos = start;
        return tfail(t, "zone offset out of range");
    }
    *ret_offset_min = sign * (hh * 60 + mm);
    return 0;
}

int bol_time_parse(struct bol_str s, int64_t *ret_at_us, struct bol_diag *diag)
{
    struct tparse t = { s, 0, diag };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    int64_t usec = 0;
    int offset_min = 0;
    bool extended;
    size_t date_end, hour_pos, minute_pos, second_pos, zone_pos;
    int64_t at;
    int r, c;

    r = digits(&t, 4, &year, "expected 4-digit year");
    if (r < 0)
        return r;
    extended = accept(&t, '-');
    r = digits(&t, 2, &month, "expected 2-digit month");
    if (r < 0)
        return r;
    if (extended && !accept(&t, '-'))
        return tfail(&t, "expected '-' before day");
    r = digits(&t, 2, &day, "expected 2-digit day");
    if (r < 0)
        return r;
    date_end = t.pos;
    if (year < 1) {
        t.pos = 0;
        return tfail(&t, "year out of range 0001..9999");
    }
    if (month < 1 || month > 12) {
        t.pos = extended ? 5 : 4;
        return tfail(&t, "month out of range 01..12");
    }
    if (day < 1 || day > bol_days_in_month(year, month)) {
        t.pos = date_end - 2;
        return tfail(&t, "day out of range for the month");
    }
    c = peek(&t);
    if (c < 0) {
        /* Date only: midnight UTC. */
        *ret_at_us = bol_days_from_civil(year, month, day) * 86400 * BOL_US_PER_SEC;
        return 0;
    }
    if (c != 'T' && c != 't' && !(extended && c == ' '))
        return tfail(&t, "expected 'T' between date and time");
    t.pos++;
    hour_pos = t.pos;
    r = digits(&t, 2, &hour, "expected 2-digit hour");
    if (r < 0)
        return r;
    if (extended && !accept(&t, ':'))
        return tfail(&t, "expected ':' after hour");
    minute_pos = t.pos;
    r = digits(&t, 2, &minute, "expected 2-digit minute");
    if (r < 0)
        return r;
    second_pos = t.pos;
    if (extended ? accept(&t, ':') : bol_is_digit(peek(&t))) {
        second_pos = t.pos;
        r = digits(&t, 2, &second, "expected 2-digit second");
        if (r < 0)
            return r;
        if (peek(&t) == '.' || peek(&t) == ',') {
            int64_t scale = 100000;
            int n = 0;

            t.pos++;
            while (bol_is_digit(peek(&t))) {
                if (n == 9)
                    return tfail(&t, "more than 9 fraction digits");
                if (scale) {
                    usec += (peek(&t) - '0') * scale;
                    scale /= 10;
                }
                n++;
                t.pos++;
            }
            if (!n)
                return tfail(&t, "expected fraction digits");
        }
    }
    zone_pos = t.pos;
    if (hour > 23) {
        t.pos = hour_pos;
        return tfail(&t, "hour out of range 00..23");
    }
    if (minute > 59) {
        t.pos = minute_pos;
        return tfail(&t, "minute out of range 00..59");
    }
    if (second > 59) {
        t.pos = second_pos;
        return tfail(&t, second == 60 ? "leap second (:60) cannot be represented"
                                      : "second out of range 00..59");
    }
    t.pos = zone_pos;
    r = parse_zone(&t, &offset_min);
    if (r < 0)
        return r;
    if (t.pos != s.len)
        return tfail(&t, "unexpected text after the time");
    at = ((bol_days_from_civil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second;
    at -= (int64_t) offset_min * 60;
    at = at * BOL_US_PER_SEC + usec;
    if (at < BOL_TIME_MIN_US || at > BOL_TIME_MAX_US) {
        t.pos = 0;
        return tfail(&t, "instant out of range 0001..9999 after applying the zone");
    }
    *ret_at_us = at;
    return 0;
}
