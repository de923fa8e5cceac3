/* SPDX-License-Identifier: Apache-2.0 */
/*
 * locode.h - UN/LOCODE port and place codes
 *
 * Five characters: an ISO 3166-1 alpha-2 country code and three characters for
 * the place, letters or the digits 2..9 (used once a country's letter
 * combinations run out): "JPNGO" Nagoya, "NLRTM" Rotterdam.  "XZ" is the
 * UN/LOCODE code for installations in international waters.  Input may be
 * lower case and may have one space after the country ("JP NGO").
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

struct bol_locode {
    char s[6]; /* normalised, NUL-terminated */
};

/* True when cc (2 upper-case letters) is an assigned ISO 3166-1 alpha-2 code or XZ. */
bool bol_country_code_valid(const char cc[2]);

/* 0 or BOL_E_INVAL with "country" or "location" named in diag. */
BOL_MUST_CHECK int bol_locode_parse(struct bol_str in, struct bol_locode *ret,
                                    struct bol_diag *diag);
