/* SPDX-License-Identifier: Apache-2.0 */
/*
 * units.c - mass, temperature and dangerous goods codes
 */
#include "compat.h"

#include "errors.h"
#include "units.h"

/*
 * A decimal number as mantissa / 10^frac_digits.  The integer part is capped
 * (int_max) so the arithmetic below cannot overflow; callers check the
 * converted value against their own range.
 */
struct decimal {
    bool neg;
    uint64_t mantissa;
    unsigned frac_digits;
};

#define FRAC_MAX 9

static const uint64_t pow10_table[] = {
    1ull,           10ull,           100ull,           1000ull,      10000ull,
    100000ull,      1000000ull,      10000000ull,      100000000ull, 1000000000ull,
    10000000000ull, 100000000000ull, 1000000000000ull,
};

static int parse_decimal(struct bol_str s, char mark, bool allow_sign, uint64_t int_max,
                         const char *field, struct decimal *ret, struct bol_diag *diag)
{
    struct decimal d = { false, 0, 0 };
    uint64_t ip = 0;
    bool seen_mark = false;
    bool any_digit = false;
    size_t i = 0;

    s = bol_str_trim(s);
    if (!s.len)
        return bol_diag_fail(diag, BOL_E_INVAL, field, "%s is empty", field);
    if (s.len > 32)
        return bol_diag_fail(diag, BOL_E_INVAL, field, "%s longer than 32 characters", field);
    if (s.p[0] == '-' || s.p[0] == '+') {
        if (!allow_sign)
            return bol_diag_fail(diag, BOL_E_INVAL, field, "%s may not have a sign", field);
        d.neg = s.p[0] == '-';
        i = 1;
    }
    for (; i < s.len; i++) {
        char c = s.p[i];

        if (bol_is_digit(c)) {
            unsigned v = (unsigned) (c - '0');

            any_digit = true;
            if (!seen_mark) {
                ip = ip * 10 + v;
                if (ip > int_max)
                    return bol_diag_fail(diag, BOL_E_INVAL, field, "%s '%.*s' is too large", field,
                                         (int) s.len, s.p);
            } else {
                if (d.frac_digits == FRAC_MAX)
                    return bol_diag_fail(diag, BOL_E_INVAL, field,
                                         "%s has more than %d decimal places", field, FRAC_MAX);
                d.mantissa = d.mantissa * 10 + v;
                d.frac_digits++;
            }
        } else if ((c == mark || c == '.') && !seen_mark) {
            seen_mark = true;
        } else {
            return bol_diag_fail(diag, BOL_E_INVAL, field,
                                 "%s must be a decimal number, got byte 0x%02x at position %zu",
                                 field, (unsigned char) c, i + 1);
        }
    }
    if (!any_digit)
        return bol_diag_fail(diag, BOL_E_INVAL, field, "%s has no digits", field);
    /* int_max <= 10^7 keeps ip * 10^9 + frac below 2^63. */
    d.mantissa += ip * pow10_table[d.frac_digits];
    *ret = d;
    return 0;
}

/* n / den rounded half away from zero (den > 0). */
static int64_t div_round(int64_t n, int64_t den)
{
    if (n >= 0)
        return (n + den / 2) / den;
    return -((-n + den / 2) / den);
}

int bol_mass_parse(struct bol_str value, struct bol_str unit, char decimal_mark, uint32_t *ret_kg,
                   struct bol_diag *diag)
{
    struct decimal d;
    uint64_t kg;
    uint64_t scale;
    int r;

    unit = bol_str_trim(unit);
    r = parse_decimal(value, decimal_mark, false, 10000000u, "mass", &d, diag);
    if (r < 0)
        return r;
    scale = pow10_table[d.frac_digits];
    if (!unit.len || bol_str_eq_nocase(unit, "KGM")) {
        kg = (d.mantissa + scale / 2) / scale;
    } else if (bol_str_eq_nocase(unit, "TNE")) {
        /* mantissa <= 10^16, so * 1000 stays below 2^64. */
        kg = (d.mantissa * 1000 + scale / 2) / scale;
    } else if (bol_str_eq_nocase(unit, "LBR")) {
        /* 1 lb = 0.45359237 kg exactly; 128-bit so no precision is lost. */
        __extension__ unsigned __int128 n = (unsigned __int128) d.mantissa * 45359237u;
        __extension__ unsigned __int128 den = (unsigned __int128) scale * 100000000u;

        kg = (uint64_t) ((n + den / 2) / den);
    } else {
        return bol_diag_fail(diag, BOL_E_INVAL, "unit",
                             "unknown mass unit '%.*s' (expected KGM, LBR or TNE)",
                             (int) BOL_MIN(unit.len, 16u), unit.p);
    }
    if (kg > BOL_MASS_MAX_KG)
        return bol_diag_fail(diag, BOL_E_INVAL, "mass", "mass %" PRIu64 " kg above %u kg", kg,
                             BOL_MASS_MAX_KG);
    *ret_kg = (uint32_t) kg;
    return 0;
}

int bol_vgm_method_parse(struct bol_str s, enum bol_vgm_method *ret, struct bol_diag *diag)
{
    s = bol_str_trim(s);
    if (bol_str_eq_nocase(s, "SM1")) {
        *ret = BOL_VGM_SM1;
        return 0;
    }
    if (bol_str_eq_nocase(s, "SM2")) {
        *ret = BOL_VGM_SM2;
        return 0;
    }
    return bol_diag_fail(diag, BOL_E_INVAL, "vgm_method",
                         "VGM method must be SM1 (weighed packed) or SM2 (calculated)");
}

int bol_vgm_check(uint32_t vgm_kg, uint32_t tare_kg, uint32_t max_gross_kg, struct bol_diag *diag)
{
    uint32_t limit = max_gross_kg ? max_gross_kg : BOL_ISO668_MAX_GROSS_KG;

    if (vgm_kg == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "vgm", "verified gross mass is zero");
    if (tare_kg && vgm_kg < tare_kg)
        return bol_diag_fail(diag, BOL_E_INVAL, "vgm",
                             "verified gross mass %u kg below the tare %u kg", vgm_kg, tare_kg);
    if (vgm_kg > limit)
        return bol_diag_fail(diag, BOL_E_INVAL, "vgm",
                             "verified gross mass %u kg above the maximum gross mass %u kg", vgm_kg,
                             limit);
    return 0;
}

int bol_temp_parse(struct bol_str value, struct bol_str unit, char decimal_mark, int16_t *ret_c10,
                   struct bol_diag *diag)
{
    struct decimal d;
    int64_t n, scale, c10;
    int r;

    unit = bol_str_trim(unit);
    r = parse_decimal(value, decimal_mark, true, 1000u, "temperature", &d, diag);
    if (r < 0)
        return r;
    scale = (int64_t) pow10_table[d.frac_digits];
    n = d.neg ? -(int64_t) d.mantissa : (int64_t) d.mantissa;
    if (!unit.len || bol_str_eq_nocase(unit, "CEL")) {
        c10 = div_round(n * 10, scale);
    } else if (bol_str_eq_nocase(unit, "FAH")) {
        /* C = (F - 32) * 5 / 9, in tenths: (F - 32) * 50 / 9 */
        c10 = div_round((n - 32 * scale) * 50, 9 * scale);
    } else {
        return bol_diag_fail(diag, BOL_E_INVAL, "unit",
                             "unknown temperature unit '%.*s' (expected CEL or FAH)",
                             (int) BOL_MIN(unit.len, 16u), unit.p);
    }
    if (c10 < BOL_TEMP_MIN_C10 || c10 > BOL_TEMP_MAX_C10)
        return bol_diag_fail(diag, BOL_E_INVAL, "temperature",
                             "temperature %s%" PRId64 ".%" PRId64 " degC outside %d..%d degC",
                             c10 < 0 ? "-" : "", (c10 < 0 ? -c10 : c10) / 10,
                             (c10 < 0 ? -c10 : c10) % 10, BOL_TEMP_MIN_C10 / 10,
                             BOL_TEMP_MAX_C10 / 10);
    *ret_c10 = (int16_t) c10;
    return 0;
}

void bol_temp_format(int16_t c10, char out[8])
{
    int v = c10;
    int a = v < 0 ? -v : v;

    snprintf(out, 8, "%s%d.%d", v < 0 ? "-" : "", a / 10, a % 10);
}

/* Compatibility groups allowed for divisions 1.1 .. 1.6. */
static const char *const class1_groups[6] = { "ABCDEFGJL", "BCDEFGHJKL", "CGHJKL",
                                              "BCDEFGS",   "D",          "N" };

/* Highest division per class (0: the class has none). */
static const uint8_t max_division[10] = { 0, 6, 3, 0, 3, 2, 2, 0, 0, 0 };

int bol_imdg_class_parse(struct bol_str s, struct bol_imdg_class *ret, struct bol_diag *diag)
{
    struct bol_imdg_class c = { 0, 0, 0 };

    s = bol_str_trim(s);
    if (!s.len || s.len > 4 || !bol_is_digit(s.p[0]) || s.p[0] == '0')
        return bol_diag_fail(diag, BOL_E_INVAL, "imdg_class",
                             "IMDG class must start with a class digit 1..9");
    c.cls = (uint8_t) (s.p[0] - '0');
    if (s.len >= 2) {
        if (s.p[1] != '.' || s.len < 3 || !bol_is_digit(s.p[2]))
            return bol_diag_fail(diag, BOL_E_INVAL, "imdg_class",
                                 "expected class.division (e.g. 2.1), got '%.*s'", (int) s.len,
                                 s.p);
        c.division = (uint8_t) (s.p[2] - '0');
    }
    if (max_division[c.cls] == 0 && c.division)
        return bol_diag_fail(diag, BOL_E_INVAL, "imdg_class", "class %u has no divisions",
                             (unsigned) c.cls);
    if (max_division[c.cls] && (c.division < 1 || c.division > max_division[c.cls]))
        return bol_diag_fail(diag, BOL_E_INVAL, "imdg_class",
                             "class %u needs a division %u.1..%u.%u", (unsigned) c.cls,
                             (unsigned) c.cls, (unsigned) c.cls, (unsigned) max_division[c.cls]);
    if (s.len == 4) {
        char g = bol_to_upper(s.p[3]);

        if (c.cls != 1)
            return bol_diag_fail(diag, BOL_E_INVAL, "imdg_class",
                                 "only class 1 has compatibility groups");
        if (!bol_is_upper(g) || !strchr(class1_groups[c.division - 1], g))
            return bol_diag_fail(diag, BOL_E_INVAL, "imdg_class",
                                 "compatibility group '%c' is not allowed in division 1.%u "
                                 "(allowed: %s)",
                                 bol_is_upper(g) ? g : '?', (unsigned) c.division,
                                 class1_groups[c.division - 1]);
        c.compat = g;
    }
    *ret = c;
    return 0;
}

void bol_imdg_class_format(const struct bol_imdg_class *c, char out[5])
{
    if (!c->division)
        snprintf(out, 5, "%u", (unsigned) c->cls % 10);
    else if (c->compat)
        snprintf(out, 5, "%u.%u%c", (unsigned) c->cls % 10, (unsigned) c->division % 10, c->compat);
    else
        snprintf(out, 5, "%u.%u", (unsigned) c->cls % 10, (unsigned) c->division % 10);
}

int bol_un_number_parse(struct bol_str s, uint16_t *ret, struct bol_diag *diag)
{
    unsigned v = 0;
    size_t i;

    s = bol_str_trim(s);
    if (s.len >= 2 && bol_to_upper(s.p[0]) == 'U' && bol_to_upper(s.p[1]) == 'N') {
        s.p += 2;
        s.len -= 2;
        if (s.len && s.p[0] == ' ') {
            s.p++;
            s.len--;
        }
    }
    if (s.len != 4)
        return bol_diag_fail(diag, BOL_E_INVAL, "un_number", "UN number must be 4 digits");
    for (i = 0; i < 4; i++) {
        if (!bol_is_digit(s.p[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "un_number", "UN number must be 4 digits");
        v = v * 10 + (unsigned) (s.p[i] - '0');
    }
    if (v == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "un_number", "UN number 0000 does not exist");
    *ret = (uint16_t) v;
    return 0;
}
