/* SPDX-License-Identifier: Apache-2.0 */
/*
 * units.h - mass, verified gross mass, temperature, dangerous goods codes
 *
 * Quantities are integers with the unit in the name: mass in kilograms
 * (uint32_t *_kg), temperature in tenths of a degree Celsius (int16_t *_c10,
 * -18.5 degC is -185).  Decimal text is parsed exactly, without floating
 * point, and rounded half away from zero to the stored precision.  EDIFACT
 * units are accepted: KGM, LBR (pound, exactly 0.45359237 kg), TNE (tonne);
 * CEL, FAH.  The decimal mark is '.' or the one the interchange declares
 * (UNA), usually ','.
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

/* Largest mass text parse accepts: far above any container, well inside uint32_t. */
#define BOL_MASS_MAX_KG 4000000u

/* ISO 668 maximum gross mass rating of series 1 containers (all sizes since 2020). */
#define BOL_ISO668_MAX_GROSS_KG 36000u

/* Reefer set points accepted, in tenths of a degree Celsius. */
#define BOL_TEMP_MIN_C10 (-700)
#define BOL_TEMP_MAX_C10 500

/*
 * Parse a mass: digits with at most one decimal mark (value), in unit (KGM,
 * LBR, TNE; empty means KGM).  decimal_mark is '.' or ','; '.' is always
 * accepted as well.  0 or BOL_E_INVAL.
 */
BOL_MUST_CHECK int bol_mass_parse(struct bol_str value, struct bol_str unit, char decimal_mark,
                                  uint32_t *ret_kg, struct bol_diag *diag);

/* SOLAS VGM methods: weigh the packed container, or add up contents and tare. */
enum bol_vgm_method {
    BOL_VGM_UNKNOWN = 0,
    BOL_VGM_SM1 = 1,
    BOL_VGM_SM2 = 2,
};

/* "SM1" / "SM2" (case-insensitive).  0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_vgm_method_parse(struct bol_str s, enum bol_vgm_method *ret,
                                        struct bol_diag *diag);

/*
 * Is vgm_kg a plausible verified gross mass for a container with this tare
 * and maximum gross mass (0 = unknown; then BOL_ISO668_MAX_GROSS_KG applies)?
 * It must be positive, at least the tare, and not above the rating.
 * 0 or BOL_E_INVAL.
 */
BOL_MUST_CHECK int bol_vgm_check(uint32_t vgm_kg, uint32_t tare_kg, uint32_t max_gross_kg,
                                 struct bol_diag *diag);

/*
 * Parse a temperature with optional sign (value) in unit CEL or FAH (empty
 * means CEL), to tenths of a degree Celsius.  Must lie within
 * BOL_TEMP_MIN_C10..BOL_TEMP_MAX_C10 after conversion.  0 or BOL_E_INVAL.
 */
BOL_MUST_CHECK int bol_temp_parse(struct bol_str value, struct bol_str unit, char decimal_mark,
                                  int16_t *ret_c10, struct bol_diag *diag);

/* "-18.5" style text for tenths of a degree; out must hold 8 bytes. */
void bol_temp_format(int16_t c10, char out[8]);

/*
 * IMDG hazard class and division, with the compatibility group for class 1:
 * "3" {3,0,0}; "2.1" {2,1,0}; "1.4S" {1,4,'S'}.
 */
struct bol_imdg_class {
    uint8_t cls;      /* 1..9 */
    uint8_t division; /* 0 when the class has none */
    char compat;      /* class 1 compatibility group letter, or 0 */
};

/*
 * Parse an IMDG class.  Class 1 must name a division and may name a
 * compatibility group, checked against the groups that division allows.
 * 0 or BOL_E_INVAL.
 */
BOL_MUST_CHECK int bol_imdg_class_parse(struct bol_str s, struct bol_imdg_class *ret,
                                        struct bol_diag *diag);

/* "1.4S", "3", "6.1"; out must hold 5 bytes. */
void bol_imdg_class_format(const struct bol_imdg_class *c, char out[5]);

/*
 * UN number: four digits, optionally after "UN" (and a space): "UN1203",
 * "1203".  0000 is refused.  0 or BOL_E_INVAL.
 */
BOL_MUST_CHECK int bol_un_number_parse(struct bol_str s, uint16_t *ret, struct bol_diag *diag);
