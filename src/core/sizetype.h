/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sizetype.h - ISO 6346 size and type codes, current and pre-1996
 *
 * The current (1995) code has four characters: length, height/width, type
 * group letter and detail: "45G1" is 40 ft long, 9 ft 6 in high, general
 * purpose with passive vents.  A letter in the fourth position (GA, GB, GD ...)
 * marks a reduced-strength variant of the same detail (ISO 6346 Amendment 3).
 *
 * Files still carry the numeric codes used before 1996 ("2200", "4310",
 * "4532"): first digit length, second height (odd values: with a gooseneck
 * tunnel), last two the type.  They are decoded and mapped to the current code
 * where a current equivalent exists; the original is kept in .legacy.  A
 * legacy type with no current equivalent is refused rather than guessed.
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

enum bol_sizetype_flags {
    BOL_ST_REEFER = 1 << 0,           /* integral reefer (group R): needs power */
    BOL_ST_THERMAL = 1 << 1,          /* insulated or removable-equipment thermal (group H) */
    BOL_ST_TANK = 1 << 2,             /* group T */
    BOL_ST_OPEN_TOP = 1 << 3,         /* group U */
    BOL_ST_PLATFORM = 1 << 4,         /* group P: flats, flat racks, platforms */
    BOL_ST_HIGH_CUBE = 1 << 5,        /* taller than 2591 mm (8 ft 6 in) */
    BOL_ST_LEGACY = 1 << 6,           /* decoded from a pre-1996 numeric code */
    BOL_ST_GOOSENECK = 1 << 7,        /* legacy code says: gooseneck tunnel */
    BOL_ST_SPARE_DETAIL = 1 << 8,     /* detail code not assigned in the standard */
    BOL_ST_REDUCED_STRENGTH = 1 << 9, /* letter in the fourth position */
    BOL_ST_HEIGHT_OVER = 1 << 10,     /* height is more than height_mm */
    BOL_ST_HEIGHT_UPTO = 1 << 11,     /* height is at most height_mm */
};

enum bol_width_class {
    BOL_WIDTH_2438 = 0,    /* 2438 mm (8 ft) */
    BOL_WIDTH_TO_2500 = 1, /* more than 2438, at most 2500 mm ("pallet-wide") */
    BOL_WIDTH_OVER_2500 = 2,
};

struct bol_sizetype {
    char code[5];       /* current code, e.g. "45G1" */
    char legacy[5];     /* the pre-1996 code it was decoded from, or "" */
    uint16_t length_mm; /* 6058 for 20 ft, 12192 for 40 ft ... */
    uint8_t length_ft;  /* nominal feet, 0 for the metric-only lengths */
    uint16_t height_mm; /* see BOL_ST_HEIGHT_OVER / _UPTO */
    enum bol_width_class width;
    uint16_t teu_x100;       /* twenty-foot equivalents x 100: 20 ft = 100, 45 ft = 225 */
    const char *length_text; /* "40 ft", "7.15 m" */
    const char *height_text; /* "9 ft 6 in", "more than 9 ft 6 in" */
    const char *width_text;  /* "8 ft", "2438 to 2500 mm", "more than 2500 mm" */
    char group;              /* type letter: G V B S R H U P T A */
    char detail;             /* fourth character as written: '0'..'9' or a letter */
    uint8_t detail_digit;    /* detail as 0..9 (letters mapped) */
    char group_code[3];      /* ISO group code: "GP", "RE", "TN" ... */
    const char *group_text;  /* "general purpose container" */
    const char *detail_text; /* "passive vents at upper part of cargo space" */
    unsigned flags;          /* enum bol_sizetype_flags */
};

/*
 * Decode a current or pre-1996 code (case-insensitive, surrounding spaces
 * ignored).  0 or BOL_E_INVAL with the offending character named in diag;
 * *ret untouched on failure.
 */
BOL_MUST_CHECK int bol_sizetype_parse(struct bol_str in, struct bol_sizetype *ret,
                                      struct bol_diag *diag);
