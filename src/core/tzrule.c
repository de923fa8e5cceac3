/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tzrule.c - POSIX TZ rules (tzrule.h)
 */
#include "compat.h"

#include <string.h>

#include "errors.h"
#include "tzrule.h"
#include "utctime.h"

struct cur {
    const char *p, *end, *start;
};

static int bad(struct cur *c, struct bol_diag *diag, const char *why)
{
    int r = bol_diag_fail(diag, BOL_E_PARSE, "tz", "time zone rule: %s at byte %zu", why,
                          (size_t) (c->p - c->start));

    if (diag)
        diag->offset = (int64_t) (c->p - c->start);
    return r;
}

static bool more(const struct cur *c)
{
    return c->p < c->end;
}

static bool is_alpha(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* A zone name: three or more letters, or <...> of letters, digits, + and -. */
static int name(struct cur *c, struct bol_diag *diag)
{
    size_t n = 0;

    if (more(c) && *c->p == '<') {
        c->p++;
        while (more(c) && *c->p != '>') {
            if (!is_alpha(*c->p) && !is_digit(*c->p) && *c->p != '+' && *c->p != '-')
                return bad(c, diag, "a quoted zone name holds letters, digits, '+' and '-'");
            c->p++;
            n++;
        }
        if (!more(c))
            return bad(c, diag, "'<' without '>'");
        c->p++;
    } else {
        while (more(c) && is_alpha(*c->p)) {
            c->p++;
            n++;
        }
    }
    if (n < 3)
        return bad(c, diag, "a zone name has at least three characters");
    return 0;
}

static int number(struct cur *c, int max, int *out, struct bol_diag *diag)
{
    int v = 0;

    if (!more(c) || !is_digit(*c->p))
        return bad(c, diag, "a number was expected");
    while (more(c) && is_digit(*c->p)) {
        v = v * 10 + (*c->p - '0');
        if (v > max)
            return bad(c, diag, "number out of range");
        c->p++;
    }
    *out = v;
    return 0;
}

/* [+-]hh[:mm[:ss]], hours up to max_h. */
static int hms(struct cur *c, int max_h, int32_t *out, struct bol_diag *diag)
{
    int sign = 1, h, m = 0, s = 0, r;

    if (more(c) && (*c->p == '+' || *c->p == '-'))
        sign = *c->p++ == '-' ? -1 : 1;
    if ((r = number(c, max_h, &h, diag)) < 0)
        return r;
    if (more(c) && *c->p == ':') {
        c->p++;
        if ((r = number(c, 59, &m, diag)) < 0)
            return r;
        if (more(c) && *c->p == ':') {
            c->p++;
            if ((r = number(c, 59, &s, diag)) < 0)
                return r;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return 0;
}

static int date(struct cur *c, struct bol_tz_date *d, struct bol_diag *diag)
{
    int r;

    memset(d, 0, sizeof(*d));
    d->time_s = 7200;
    if (more(c) && *c->p == 'J') {
        c->p++;
        d->kind = 'J';
        if ((r = number(c, 365, &d->a, diag)) < 0)
            return r;
        if (d->a < 1)
            return bad(c, diag, "Jn counts days from 1");
    } else if (more(c) && *c->p == 'M') {
        c->p++;
        d->kind = 'M';
        if ((r = number(c, 12, &d->a, diag)) < 0)
            return r;
        if (d->a < 1)
            return bad(c, diag, "months are 1..12");
        if (!more(c) || *c->p != '.')
            return bad(c, diag, "Mm.w.d wants '.'");
        c->p++;
        if ((r = number(c, 5, &d->b, diag)) < 0)
            return r;
        if (d->b < 1)
            return bad(c, diag, "weeks are 1..5");
        if (!more(c) || *c->p != '.')
            return bad(c, diag, "Mm.w.d wants '.'");
        c->p++;
        if ((r = number(c, 6, &d->c, diag)) < 0)
            return r;
    } else {
        d->kind = 'n';
        if ((r = number(c, 365, &d->a, diag)) < 0)
            return r;
    }
    if (more(c) && *c->p == '/') {
        c->p++;
        if ((r = hms(c, 167, &d->time_s, diag)) < 0)
            return r;
    }
    return 0;
}

int bol_tz_parse(struct bol_str rule, struct bol_tz *out, struct bol_diag *diag)
{
    struct cur c = { rule.p, rule.p + rule.len, rule.p };
    int32_t off;
    int r;

    memset(out, 0, sizeof(*out));
    if (rule.len == 0 || rule.len >= BOL_TZ_RULE_MAX)
        return bad(&c, diag, "empty or too long");
    if ((r = name(&c, diag)) < 0 || (r = hms(&c, 24, &off, diag)) < 0)
        return r;
    out->std_east_s = -off;
    if (!more(&c))
        return 0;
    if ((r = name(&c, diag)) < 0)
        return r;
    out->has_dst = true;
    out->dst_east_s = out->std_east_s + 3600;
    if (more(&c) && *c.p != ',') {
        if ((r = hms(&c, 24, &off, diag)) < 0)
            return r;
        out->dst_east_s = -off;
    }
    if (!more(&c)) {
        struct cur us = { "M3.2.0,M11.1.0", NULL, NULL };

        us.end = us.p + 14;
        us.start = us.p;
        if ((r = date(&us, &out->start, diag)) < 0)
            return r;
        us.p++;
        return date(&us, &out->end, diag);
    }
    if (*c.p != ',')
        return bad(&c, diag, "',' before the start of summer time was expected");
    c.p++;
    if ((r = date(&c, &out->start, diag)) < 0)
        return r;
    if (!more(&c) || *c.p != ',')
        return bad(&c, diag, "',' before the end of summer time was expected");
    c.p++;
    if ((r = date(&c, &out->end, diag)) < 0)
        return r;
    if (more(&c))
        return bad(&c, diag, "unexpected text after the rule");
    return 0;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local seconds since 1970-01-01 (at midnight local) of the transition day in year y, plus its time. */
static int64_t local_at(const struct bol_tz_date *d, int y)
{
    int64_t day0 = bol_days_from_civil(y, 1, 1), day;

    switch (d->kind) {
    case 'J':
        day = day0 + d->a - 1 + (leap(y) && d->a >= 60 ? 1 : 0);
        break;
    case 'n':
        day = day0 + d->a;
        break;
    default: {
        int64_t first = bol_days_from_civil(y, d->a, 1);
        int wd = (int) (((first % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
        int mday = 1 + (d->c - wd + 7) % 7 + 7 * (d->b - 1);
        int dim = bol_days_in_month(y, d->a);

        while (mday > dim)
            mday -= 7;
        day = first + mday - 1;
        break;
    }
    }
    return day * 86400 + d->time_s;
}

int32_t bol_tz_offset(const struct bol_tz *tz, int64_t at_us)
{
    int64_t t = at_us / 1000000, start, end;
    struct bol_civil cv;
    bool in;

    if (!tz->has_dst)
        return tz->std_east_s;
    if (bol_time_to_civil(at_us, tz->std_east_s / 60, &cv) < 0)
        return tz->std_east_s;
    /* Transitions in UTC: the start is given in standard time, the end in summer time. */
    start = local_at(&tz->start, cv.year) - tz->std_east_s;
    end = local_at(&tz->end, cv.year) - tz->dst_east_s;
    in = start < end ? (t >= start && t < end) : (t >= start || t < end);
    return in ? tz->dst_east_s : tz->std_east_s;
}

int bol_tz_from_tzif(const void *data, size_t n, char out[BOL_TZ_RULE_MAX], struct bol_diag *diag)
{
    const char *p = data;
    const char *nl, *prev;
    size_t len, i;

    if (n < 44 || memcmp(p, "TZif", 4) != 0)
        return bol_diag_fail(diag, BOL_E_PARSE, "tz", "not a TZif time zone file");
    if (p[4] < '2')
        return bol_diag_fail(diag, BOL_E_PARSE, "tz",
                             "a version 1 TZif file has no rule for current dates");
    if (p[n - 1] != '\n')
        return bol_diag_fail(diag, BOL_E_PARSE, "tz", "the TZif file does not end in its rule");
    nl = p + n - 1;
    for (prev = nl - 1; prev > p && *prev != '\n'; prev--)
        ;
    if (prev <= p)
        return bol_diag_fail(diag, BOL_E_PARSE, "tz", "the TZif file has no rule line");
    len = (size_t) (nl - prev - 1);
    if (len == 0 || len >= BOL_TZ_RULE_MAX)
        return bol_diag_fail(diag, BOL_E_PARSE, "tz", "the TZif file's rule is empty or too long");
    /* a NUL would cut the rule short for its callers, who take it as a C string */
    for (i = 0; i < len; i++)
        if ((unsigned char) prev[1 + i] < ' ' || (unsigned char) prev[1 + i] > '~')
            return bol_diag_fail(diag, BOL_E_PARSE, "tz",
                                 "the TZif file's rule is not printable text");
    memcpy(out, prev + 1, len);
    out[len] = '\0';
    return 0;
}
