/* SPDX-License-Identifier: Apache-2.0 */
/*
 * locode.c - UN/LOCODE codes
 */
#include "compat.h"

#include "errors.h"
#include "locode.h"

/*
 * ISO 3166-1 alpha-2 officially assigned codes, sorted, plus XZ (UN/LOCODE:
 * international waters).  Binary-searched.
 */
static const char countries[][3] = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "XZ", "YE", "YT", "ZA", "ZM", "ZW",
};

bool bol_country_code_valid(const char cc[2])
{
    size_t lo = 0;
    size_t hi = BOL_ARRAY_SIZE(countries);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(cc, countries[mid], 2);

        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

int bol_locode_parse(struct bol_str in, struct bol_locode *ret, struct bol_diag *diag)
{
    struct bol_str t = bol_str_trim(in);
    char s[6];
    size_t n = 0;
    size_t i;

    if (t.len == 6 && t.p[2] == ' ') {
        /* "JP NGO" */
    } else if (t.len != 5) {
        return bol_diag_fail(diag, BOL_E_INVAL, "locode",
                             "UN/LOCODE must be 5 characters (country and place), got %zu", t.len);
    }
    for (i = 0; i < t.len; i++) {
        if (t.len == 6 && i == 2)
            continue;
        s[n++] = bol_to_upper(t.p[i]);
    }
    s[5] = '\0';
    if (!bol_is_upper(s[0]) || !bol_is_upper(s[1]))
        return bol_diag_fail(diag, BOL_E_INVAL, "country",
                             "country code must be 2 letters, got byte 0x%02x",
                             (unsigned char) (bol_is_upper(s[0]) ? s[1] : s[0]));
    if (!bol_country_code_valid(s))
        return bol_diag_fail(diag, BOL_E_INVAL, "country",
                             "'%c%c' is not an ISO 3166-1 country code", s[0], s[1]);
    for (i = 2; i < 5; i++) {
        if (!bol_is_upper(s[i]) && !(s[i] >= '2' && s[i] <= '9'))
            return bol_diag_fail(diag, BOL_E_INVAL, "location",
                                 "place code must be letters or digits 2-9, got byte 0x%02x at "
                                 "position %zu",
                                 (unsigned char) s[i], i + 1);
    }
    memcpy(ret->s, s, sizeof(ret->s));
    return 0;
}
