/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tzrule.h - local time from a POSIX TZ rule ("JST-9", "CET-1CEST,M3.5.0,M10.5.0/3")
 *
 * Working hours and change windows are kept in a terminal's own time zone.
 * A zone is given by its IANA name in the security policy; the edges read
 * that zone's TZif file and pass its footer, which is a POSIX TZ rule valid
 * for every instant after the file's last transition (all of them, for
 * current dates).  This file evaluates such a rule, with no I/O:
 *
 *     std offset [dst [offset] [,start[/time],end[/time]]]
 *
 * where names are three or more letters or <...> quoted, offsets are
 * [+-]hh[:mm[:ss]] west of Greenwich (so "JST-9" is nine hours east), and
 * start/end are Jn (1..365, no leap day), n (0..365) or Mm.w.d (month, week
 * 1..5 where 5 is the last, weekday 0..6 from Sunday), time [+-]h[:mm[:ss]]
 * (default 02:00, up to 167 hours either way).  A dst name without a rule
 * takes the US rule M3.2.0,M11.1.0, as glibc does.
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

#define BOL_TZ_RULE_MAX 64

struct bol_tz_date {
    char kind;   /* 'J', 'n' or 'M' */
    int a, b, c; /* J/n: a = day; M: a = month, b = week, c = weekday */
    int32_t time_s;
};

struct bol_tz {
    int32_t std_east_s; /* seconds east of UTC in standard time */
    int32_t dst_east_s;
    bool has_dst;
    struct bol_tz_date start, end;
};

/* Parse a POSIX TZ rule.  0 or BOL_E_PARSE (field "tz", offset = byte). */
BOL_MUST_CHECK int bol_tz_parse(struct bol_str rule, struct bol_tz *out, struct bol_diag *diag);

/* Seconds east of UTC in force at the instant at_us. */
int32_t bol_tz_offset(const struct bol_tz *tz, int64_t at_us);

/*
 * The POSIX rule at the end of a TZif file (version 2 and later), copied to
 * out without its newlines.  BOL_E_PARSE when the data is not TZif or has no
 * rule (version 1 files, or an empty footer).
 */
BOL_MUST_CHECK int bol_tz_from_tzif(const void *data, size_t n, char out[BOL_TZ_RULE_MAX],
                                    struct bol_diag *diag);
