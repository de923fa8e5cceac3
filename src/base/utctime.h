/* SPDX-License-Identifier: Apache-2.0 */
/*
 * utctime.h - UTC time as microseconds since the Unix epoch, ISO 8601 text
 *
 * bollard keeps every instant as int64_t microseconds since 1970-01-01T00:00Z
 * (names end in _us).  Text is ISO 8601 / RFC 3339.  Conversions are done here
 * with the proleptic Gregorian calendar, not with gmtime/localtime, so they are
 * pure, thread-safe and independent of the process time zone.  Only the two
 * *_now_* functions read a clock; pure layers (core, plan, edi) must not call
 * them and take the time as an argument instead.
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

#define BOL_US_PER_SEC ((int64_t) 1000000)

/* Earliest and latest instants bollard accepts: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z. */
#define BOL_TIME_MIN_US ((int64_t) -62135596800 * BOL_US_PER_SEC)
#define BOL_TIME_MAX_US ((int64_t) 253402300799 * BOL_US_PER_SEC + 999999)

/* Wall clock (CLOCK_REALTIME), microseconds since the epoch. */
int64_t bol_time_now_us(void);

/* Monotonic clock, microseconds from an arbitrary start: for durations and deadlines. */
int64_t bol_time_mono_us(void);

/* A civil (calendar) date and time of day, without a zone. */
struct bol_civil {
    int year;  /* 1..9999 */
    int month; /* 1..12 */
    int day;   /* 1..31 */
    int hour, minute, second;
    int usec; /* 0..999999 */
};

/* Days since 1970-01-01 of a proleptic Gregorian date (may be negative). */
int64_t bol_days_from_civil(int year, int month, int day);

/* Days in a month of a year (1..12); 0 for an invalid month. */
int bol_days_in_month(int year, int month);

/*
 * Split an instant into its civil UTC parts, shifted by offset_min minutes
 * (e.g. +540 for Japan).  BOL_E_INVAL when outside BOL_TIME_MIN_US..MAX_US.
 */
BOL_MUST_CHECK int bol_time_to_civil(int64_t at_us, int offset_min, struct bol_civil *ret);

/* Longest text bol_time_format writes, with its NUL: "YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM". */
#define BOL_TIME_TEXT_MAX 33

/*
 * ISO 8601 extended format of an instant.  frac_digits (0, 3 or 6) selects
 * seconds, milliseconds or microseconds (truncated).  offset_min 0 writes "Z";
 * anything else writes the local time at that offset with "+HH:MM".  Returns
 * out, or NULL when the instant or offset is out of range.
 */
const char *bol_time_format(int64_t at_us, int offset_min, unsigned frac_digits,
                            char out[BOL_TIME_TEXT_MAX]);

/*
 * Parse an ISO 8601 / RFC 3339 date-time:
 *     YYYY-MM-DD[Tt ]HH:MM[:SS[.fraction]](Z|z|+HH:MM|-HH:MM|+HHMM|+HH)
 *     YYYYMMDDTHHMMSS[.fraction](Z|+HHMM|+HH)   (basic format)
 *     YYYY-MM-DD                                 (midnight UTC)
 * A zone is required whenever a time is given: an instant without one is
 * ambiguous and refused.  Fractions may have 1..9 digits; digits beyond
 * microseconds are dropped.  A leap second (:60) is refused, as Unix time
 * cannot represent it.  Returns 0 or BOL_E_PARSE with the reason in diag
 * (offset = byte position of the problem).
 */
BOL_MUST_CHECK int bol_time_parse(struct bol_str s, int64_t *ret_at_us, struct bol_diag *diag);
