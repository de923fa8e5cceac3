/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container_id.h - ISO 6346 container identification
 *
 * A container number is an owner code (3 letters), an equipment category
 * identifier (U freight container, J detachable equipment, Z trailer or
 * chassis), a 6-digit serial number and a check digit: "MSCU1234565".
 *
 * The check digit (ISO 6346 Annex A): each letter has a value starting at 10
 * for A and skipping multiples of 11 (A=10, B=12 ... K=21, L=23 ... U=32,
 * V=34 ... Z=38), digits keep their value; the value in position i (0..9) is
 * multiplied by 2^i, the products are summed, and the check digit is the sum
 * modulo 11, with a remainder of 10 written as 0.
 *
 * Input is normalised before it is judged: ASCII letters are upper-cased and
 * spaces are removed, because real EDI files carry "MWCU 5602541".
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

#define BOL_CONTAINER_ID_LEN 11

/* Longest input accepted before normalisation (spaces included). */
#define BOL_CONTAINER_ID_INPUT_MAX 32

struct bol_container_id {
    char s[BOL_CONTAINER_ID_LEN + 1]; /* normalised, NUL-terminated */
};

/* Value of an upper-case letter in the check digit calculation, or -1. */
int bol_iso6346_letter_value(char c);

/*
 * Check digit of the first 10 characters (owner code, category, serial),
 * upper case.  Returns 0..9, or BOL_E_INVAL when they do not have the
 * 3 letters + U/J/Z + 6 digits form.
 */
BOL_MUST_CHECK int bol_iso6346_check_digit(const char code10[10]);

/*
 * Normalise and check the form (letters, category, digits) but not the check
 * digit.  0 or BOL_E_INVAL with the reason and the offending part ("owner_code",
 * "category", "serial", "check_digit", "container_id") in diag.  *ret is
 * untouched on failure.  Used where a wrong check digit is a warning, not an
 * error (EDI import).
 */
BOL_MUST_CHECK int bol_container_id_normalize(struct bol_str in, struct bol_container_id *ret,
                                              struct bol_diag *diag);

/* Check the check digit of a normalised id: 0, or BOL_E_INVAL "expected check digit N". */
BOL_MUST_CHECK int bol_container_id_verify(const struct bol_container_id *id,
                                           struct bol_diag *diag);

/* Normalise and verify: the strict form for everything a person types. */
BOL_MUST_CHECK int bol_container_id_parse(struct bol_str in, struct bol_container_id *ret,
                                          struct bol_diag *diag);
