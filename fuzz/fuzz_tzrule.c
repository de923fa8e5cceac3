/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_tzrule.c - POSIX TZ rules and TZif footers (tzrule.h)
 *
 * The input is tried as a rule and as a TZif file.  A rule that parses gives,
 * at any instant, either its standard or its summer offset, each within a
 * day or so; a footer that is found is the input's last line, short and
 * printable, and is itself tried as a rule.
 */
#include "compat.h"

#include <string.h>

#include "errors.h"
#include "fuzz.h"
#include "tzrule.h"
#include "utctime.h"

/* Offsets are hh up to 24 with minutes and seconds; summer time defaults to one hour more. */
#define STD_MAX_S (25 * 3600)
#define DST_MAX_S (26 * 3600)

static void rule(struct bol_str in)
{
    static const int64_t at_s[] = {
        -62135596800, -1, 0, 951782400, 1780272000, 1792800000, 4102444800, 253402300799,
    };
    struct bol_diag d;
    struct bol_tz tz;
    int r;

    bol_diag_init(&d);
    r = bol_tz_parse(in, &tz, &d);
    FUZZ_ASSERT(r == 0 || r == BOL_E_PARSE);
    if (r != 0) {
        FUZZ_ASSERT(d.offset >= 0 && (size_t) d.offset <= in.len);
        return;
    }
    FUZZ_ASSERT(in.len > 0 && in.len < BOL_TZ_RULE_MAX);
    FUZZ_ASSERT(tz.std_east_s > -STD_MAX_S && tz.std_east_s < STD_MAX_S);
    FUZZ_ASSERT(tz.dst_east_s > -DST_MAX_S && tz.dst_east_s < DST_MAX_S);
    for (size_t i = 0; i < BOL_ARRAY_SIZE(at_s); i++) {
        /* Every hour of a year around each instant, and the instant itself. */
        for (int64_t h = -12; h <= 12; h++) {
            int64_t t = at_s[i] + h * 730 * 3600;
            int32_t off;

            if (t < -62135596800 || t > 253402300799)
                continue;
            off = bol_tz_offset(&tz, t * BOL_US_PER_SEC);
            FUZZ_ASSERT(off == tz.std_east_s || (tz.has_dst && off == tz.dst_east_s));
        }
    }
}

static void tzif(const uint8_t *data, size_t size)
{
    char out[BOL_TZ_RULE_MAX];
    size_t len;
    int r = bol_tz_from_tzif(data, size, out, NULL);

    FUZZ_ASSERT(r == 0 || r == BOL_E_PARSE);
    if (r != 0)
        return;
    len = strlen(out);
    FUZZ_ASSERT(size >= 44 && !memcmp(data, "TZif", 4));
    FUZZ_ASSERT(len > 0 && len < BOL_TZ_RULE_MAX);
    for (size_t i = 0; i < len; i++)
        FUZZ_ASSERT(out[i] >= ' ' && out[i] <= '~');
    FUZZ_ASSERT(len + 2 <= size && data[size - 1] == '\n' && data[size - len - 2] == '\n');
    FUZZ_ASSERT(!memcmp(out, data + size - len - 1, len));
    rule(bol_str_make(out, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rule(bol_str_make((const char *) data, size));
    tzif(data, size);
    return 0;
}
