/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sizetype.c - ISO 6346 size and type codes
 *
 * Tables: length codes (first character), height/width codes (second), type
 * group and detail codes (third and fourth), and the pre-1996 numeric type
 * codes with their current equivalents.
 */
#include "compat.h"

#include "errors.h"
#include "sizetype.h"

struct length_row {
    char code;
    uint16_t mm;
    uint8_t ft;
    uint16_t teu_x100;
    const char *text;
};

/*
 * External lengths.  20 ft is ISO 668's 6058 mm (some copies of the ISO 6346
 * table print 6068).  TEU is the nominal length over 20 ft; metric-only
 * lengths use mm / 6096 rounded to hundredths.
 */
static const struct length_row lengths[] = {
    { '1', 2991, 10, 50, "10 ft" },       { '2', 6058, 20, 100, "20 ft" },
    { '3', 9125, 30, 150, "30 ft" },      { '4', 12192, 40, 200, "40 ft" },
    { 'A', 7150, 0, 117, "7.15 m" },      { 'B', 7315, 24, 120, "24 ft" },
    { 'C', 7430, 24, 122, "24 ft 6 in" }, { 'D', 7450, 0, 122, "7.45 m" },
    { 'E', 7820, 0, 128, "7.82 m" },      { 'F', 8100, 0, 133, "8.1 m" },
    { 'G', 12500, 41, 205, "41 ft" },     { 'H', 13106, 43, 215, "43 ft" },
    { 'K', 13600, 0, 223, "13.6 m" },     { 'L', 13716, 45, 225, "45 ft" },
    { 'M', 14630, 48, 240, "48 ft" },     { 'N', 14935, 49, 245, "49 ft" },
    { 'P', 16154, 53, 265, "53 ft" },
};

struct height_row {
    char code;
    uint16_t mm;
    enum bol_width_class width;
    unsigned flags; /* BOL_ST_HEIGHT_OVER / _UPTO */
    const char *text;
};

static const struct height_row heights[] = {
    { '0', 2438, BOL_WIDTH_2438, 0, "8 ft" },
    { '2', 2591, BOL_WIDTH_2438, 0, "8 ft 6 in" },
    { '4', 2743, BOL_WIDTH_2438, 0, "9 ft" },
    { '5', 2895, BOL_WIDTH_2438, 0, "9 ft 6 in" },
    { '6', 2895, BOL_WIDTH_2438, BOL_ST_HEIGHT_OVER, "more than 9 ft 6 in" },
    { '8', 1295, BOL_WIDTH_2438, 0, "4 ft 3 in" },
    { '9', 1219, BOL_WIDTH_2438, BOL_ST_HEIGHT_UPTO, "at most 4 ft" },
    { 'C', 2591, BOL_WIDTH_TO_2500, 0, "8 ft 6 in" },
    { 'D', 2743, BOL_WIDTH_TO_2500, 0, "9 ft" },
    { 'E', 2895, BOL_WIDTH_TO_2500, 0, "9 ft 6 in" },
    { 'F', 2895, BOL_WIDTH_TO_2500, BOL_ST_HEIGHT_OVER, "more than 9 ft 6 in" },
    { 'L', 2591, BOL_WIDTH_OVER_2500, 0, "8 ft 6 in" },
    { 'M', 2743, BOL_WIDTH_OVER_2500, 0, "9 ft" },
    { 'N', 2895, BOL_WIDTH_OVER_2500, 0, "9 ft 6 in" },
    { 'P', 2895, BOL_WIDTH_OVER_2500, BOL_ST_HEIGHT_OVER, "more than 9 ft 6 in" },
};

static const char *const width_texts[] = {
    [BOL_WIDTH_2438] = "8 ft",
    [BOL_WIDTH_TO_2500] = "more than 8 ft, at most 2500 mm",
    [BOL_WIDTH_OVER_2500] = "more than 2500 mm",
};

struct group_row {
    char group;
    unsigned flags;
    const char *text;
    /* Detail 0..9: ISO group code and description; NULL text = unassigned. */
    const char *codes[10];
    const char *details[10];
};

static const struct group_row groups[] = {
    { 'G',
      0,
      "general purpose container without ventilation",
      { "GP", "GP", "GP", "GP", "GP", "GP", "GP", "GP", "GP", "GP" },
      { "opening(s) at one or both ends", "passive vents at upper part of cargo space",
        "opening(s) at one or both ends plus full opening(s) on one or both sides",
        "opening(s) at one or both ends plus partial opening(s) on one or both sides", NULL, NULL,
        NULL, NULL, NULL, NULL } },
    { 'V',
      0,
      "general purpose container with ventilation",
      { "VH", "VH", "VH", "VH", "VH", "VH", "VH", "VH", "VH", "VH" },
      { "non-mechanical system, vents at lower and upper parts of cargo space", NULL,
        "mechanical ventilation system located internally", NULL,
        "mechanical ventilation system located externally", NULL, NULL, NULL, NULL, NULL } },
    { 'B',
      0,
      "dry bulk container",
      { "BU", "BU", "BK", "BK", "BK", "BK", "BK", "BK", "BK", "BK" },
      { "non-pressurised, box type, closed", "non-pressurised, box type, airtight", NULL,
        "pressurised, horizontal discharge, test pressure 150 kPa",
        "pressurised, horizontal discharge, test pressure 265 kPa",
        "pressurised, tipping discharge, test pressure 150 kPa",
        "pressurised, tipping discharge, test pressure 265 kPa", NULL, NULL, NULL } },
    { 'S',
      0,
      "named cargo container",
      { "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN" },
      { "livestock carrier", "automobile carrier", "live fish carrier", NULL, NULL, NULL, NULL,
        NULL, NULL, NULL } },
    { 'R',
      BOL_ST_REEFER,
      "thermal container, integral refrigeration",
      { "RE", "RT", "RS", "RS", "RE", "RE", "RE", "RE", "RE", "RE" },
      { "mechanically refrigerated", "mechanically refrigerated and heated",
        "self-powered mechanically refrigerated",
        "self-powered mechanically refrigerated and heated", NULL, NULL, NULL, NULL, NULL, NULL } },
    { 'H',
      BOL_ST_THERMAL,
      "thermal container, removable equipment or insulated",
      { "HR", "HR", "HR", "HR", "HR", "HI", "HI", "HI", "HI", "HI" },
      { "refrigerated and/or heated, removable equipment located externally, "
        "K = 0.4 W/(m2.K)",
        "refrigerated and/or heated, removable equipment located internally",
        "refrigerated and/or heated, removable equipment located externally, "
        "K = 0.7 W/(m2.K)",
        NULL, NULL, "insulated, K = 0.4 W/(m2.K)", "insulated, K = 0.7 W/(m2.K)", NULL, NULL,
        NULL } },
    { 'U',
      BOL_ST_OPEN_TOP,
      "open-top container",
      { "UT", "UT", "UT", "UT", "UT", "UT", "UT", "UT", "UT", "UT" },
      { "opening(s) at one or both ends",
        "opening(s) at one or both ends plus removable top member(s) in end frames",
        "opening(s) at one or both ends plus opening(s) on one or both sides",
        "opening(s) at one or both ends and sides plus removable top member(s) in end frames",
        "opening(s) at one or both ends plus partial opening on one side and full opening on "
        "the other",
        "complete, fixed side and end walls (no doors)", NULL, NULL, NULL, NULL } },
    { 'P',
      BOL_ST_PLATFORM,
      "platform or platform-based container",
      { "PL", "PF", "PF", "PC", "PC", "PS", "PL", "PL", "PL", "PL" },
      { "platform", "two complete and fixed ends",
        "fixed posts, free-standing or with removable top member", "folding complete end structure",
        "folding posts, free-standing or with removable top member",
        "open top, open ends (skeletal)", NULL, NULL, NULL, NULL } },
    { 'T',
      BOL_ST_TANK,
      "tank container",
      { "TN", "TN", "TN", "TD", "TD", "TD", "TD", "TG", "TG", "TG" },
      { "non-dangerous liquids, minimum test pressure 45 kPa",
        "non-dangerous liquids, minimum test pressure 150 kPa",
        "non-dangerous liquids, minimum test pressure 265 kPa",
        "dangerous liquids, minimum test pressure 150 kPa",
        "dangerous liquids, minimum test pressure 265 kPa",
        "dangerous liquids, minimum test pressure 400 kPa",
        "dangerous liquids, minimum test pressure 600 kPa", "gases, minimum test pressure 910 kPa",
        "gases, minimum test pressure 2200 kPa", "gases, minimum test pressure to be decided" } },
    { 'A',
      0,
      "air/surface container",
      { "AS", "AS", "AS", "AS", "AS", "AS", "AS", "AS", "AS", "AS" },
      { "air/surface container", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL } },
};

/* Fourth-position letters of the reduced-strength variants, for details 0..9. */
static const char reduced_letters[10] = { 'A', 'B', 'D', 'G', 'J', 'M', 'V', 'W', 'X', 'Y' };

/*
 * Pre-1996 type codes (last two digits) that have a current equivalent.  The
 * old table changed between 1972 and 1995; only codes whose meaning is the
 * same in every edition are mapped.  30 (refrigerated with expendable
 * refrigerant) has no current code and is mapped to R0, the nearest integral
 * reefer, because terminals handle both the same way (power, set point).
 */
struct legacy_type_row {
    uint8_t old;
    char group;
    char detail;
};

static const struct legacy_type_row legacy_types[] = {
    { 0, 'G', '0' },  { 1, 'G', '2' },  { 2, 'G', '3' },  { 10, 'G', '1' }, { 11, 'G', '1' },
    { 13, 'V', '0' }, { 15, 'V', '2' }, { 17, 'V', '4' }, { 30, 'R', '0' }, { 31, 'R', '0' },
    { 32, 'R', '1' }, { 50, 'U', '0' }, { 51, 'U', '1' }, { 52, 'U', '2' }, { 53, 'U', '3' },
    { 54, 'U', '4' }, { 55, 'U', '5' }, { 60, 'P', '0' }, { 61, 'P', '1' }, { 62, 'P', '2' },
    { 63, 'P', '3' }, { 64, 'P', '4' }, { 65, 'P', '5' }, { 70, 'T', '0' }, { 71, 'T', '1' },
    { 72, 'T', '2' }, { 73, 'T', '3' }, { 74, 'T', '4' }, { 75, 'T', '5' }, { 76, 'T', '6' },
    { 77, 'T', '7' }, { 78, 'T', '8' }, { 90, 'A', '0' },
};

/* Legacy second digit: current height code, and whether a gooseneck tunnel is present. */
struct legacy_height_row {
    char old;
    char code;
    bool gooseneck;
};

static const struct legacy_height_row legacy_heights[] = {
    { '0', '0', false }, { '1', '0', true },  { '2', '2', false },
    { '3', '2', true },  { '4', '5', false }, { '5', '5', true },
};

static const struct length_row *find_length(char c)
{
    size_t i;

    for (i = 0; i < BOL_ARRAY_SIZE(lengths); i++) {
        if (lengths[i].code == c)
            return &lengths[i];
    }
    return NULL;
}

static const struct height_row *find_height(char c)
{
    size_t i;

    for (i = 0; i < BOL_ARRAY_SIZE(heights); i++) {
        if (heights[i].code == c)
            return &heights[i];
    }
    return NULL;
}

static const struct group_row *find_group(char c)
{
    size_t i;

    for (i = 0; i < BOL_ARRAY_SIZE(groups); i++) {
        if (groups[i].group == c)
            return &groups[i];
    }
    return NULL;
}

/* Decode a current code s (4 upper-case characters). */
static int decode_current(const char s[4], struct bol_sizetype *st, struct bol_diag *diag)
{
    const struct length_row *len = find_length(s[0]);
    const struct height_row *h = find_height(s[1]);
    const struct group_row *g = find_group(s[2]);
    int detail = -1;
    unsigned i;

    if (!len)
        return bol_diag_fail(diag, BOL_E_INVAL, "length", "unknown length code '%c'", s[0]);
    if (!h)
        return bol_diag_fail(diag, BOL_E_INVAL, "height", "unknown height/width code '%c'", s[1]);
    if (!g)
        return bol_diag_fail(diag, BOL_E_INVAL, "type", "unknown type group '%c'", s[2]);
    if (bol_is_digit(s[3])) {
        detail = s[3] - '0';
    } else {
        for (i = 0; i < BOL_ARRAY_SIZE(reduced_letters); i++) {
            if (reduced_letters[i] == s[3]) {
                detail = (int) i;
                st->flags |= BOL_ST_REDUCED_STRENGTH;
            }
        }
    }
    if (detail < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "type",
                             "unknown type detail '%c' (expected a digit or A B D G J M V W X Y)",
                             s[3]);
    memcpy(st->code, s, 4);
    st->code[4] = '\0';
    st->length_mm = len->mm;
    st->length_ft = len->ft;
    st->teu_x100 = len->teu_x100;
    st->length_text = len->text;
    st->height_mm = h->mm;
    st->height_text = h->text;
    st->width = h->width;
    st->width_text = width_texts[h->width];
    st->flags |= h->flags | g->flags;
    if (h->mm > 2591)
        st->flags |= BOL_ST_HIGH_CUBE;
    st->group = s[2];
    st->detail = s[3];
    st->detail_digit = (uint8_t) detail;
    memcpy(st->group_code, g->codes[detail], 3);
    st->group_text = g->text;
    st->detail_text = g->details[detail];
    if (!st->detail_text) {
        st->detail_text = "unassigned detail code";
        st->flags |= BOL_ST_SPARE_DETAIL;
    }
    return 0;
}

/* Map a pre-1996 numeric code to its current form in out[4]. */
static int map_legacy(const char s[4], char out[4], unsigned *flags, struct bol_diag *diag)
{
    unsigned old_type = (unsigned) ((s[2] - '0') * 10 + (s[3] - '0'));
    size_t i;

    if (s[0] < '1' || s[0] > '4')
        return bol_diag_fail(diag, BOL_E_INVAL, "length",
                             "unknown pre-1996 length code '%c' (expected 1 to 4)", s[0]);
    out[0] = s[0];
    out[1] = 0;
    for (i = 0; i < BOL_ARRAY_SIZE(legacy_heights); i++) {
        if (legacy_heights[i].old == s[1]) {
            out[1] = legacy_heights[i].code;
            if (legacy_heights[i].gooseneck)
                *flags |= BOL_ST_GOOSENECK;
        }
    }
    if (!out[1])
        return bol_diag_fail(diag, BOL_E_INVAL, "height",
                             "unknown pre-1996 height code '%c' (expected 0 to 5)", s[1]);
    for (i = 0; i < BOL_ARRAY_SIZE(legacy_types); i++) {
        if (legacy_types[i].old == old_type) {
            out[2] = legacy_types[i].group;
            out[3] = legacy_types[i].detail;
            *flags |= BOL_ST_LEGACY;
            return 0;
        }
    }
    return bol_diag_fail(diag, BOL_E_INVAL, "type",
                         "pre-1996 type code '%c%c' has no current ISO 6346 equivalent", s[2],
                         s[3]);
}

int bol_sizetype_parse(struct bol_str in, struct bol_sizetype *ret, struct bol_diag *diag)
{
    struct bol_sizetype st;
    struct bol_str t = bol_str_trim(in);
    char s[4];
    char cur[4] = { 0, 0, 0, 0 };
    bool numeric = true;
    size_t i;
    int r;

    if (t.len != 4)
        return bol_diag_fail(diag, BOL_E_INVAL, "sizetype",
                             "size-type code must be 4 characters, got %zu", t.len);
    for (i = 0; i < 4; i++) {
        char c = bol_to_upper(t.p[i]);

        if (!bol_is_upper(c) && !bol_is_digit(c))
            return bol_diag_fail(diag, BOL_E_INVAL, "sizetype",
                                 "unexpected byte 0x%02x at position %zu in size-type code",
                                 (unsigned char) t.p[i], i + 1);
        s[i] = c;
        numeric = numeric && bol_is_digit(c);
    }
    memset(&st, 0, sizeof(st));
    if (numeric) {
        r = map_legacy(s, cur, &st.flags, diag);
        if (r < 0)
            return r;
        memcpy(st.legacy, s, 4);
        st.legacy[4] = '\0';
    } else {
        memcpy(cur, s, 4);
    }
    r = decode_current(cur, &st, diag);
    if (r < 0)
        return r;
    *ret = st;
    return 0;
}
