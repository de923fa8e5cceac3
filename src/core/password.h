/* SPDX-License-Identifier: Apache-2.0 */
/*
 * password.h - password rules (NIST SP 800-63B)
 *
 * A password is checked for length and against what attackers try first, not
 * for composition: no "one digit, one capital" rules, and any Unicode text
 * without control characters is allowed (spaces too, so passphrases work).
 *
 *   - valid UTF-8, at most BOL_PASSWORD_MAX_BYTES bytes;
 *   - BOL_PASSWORD_MIN_CHARS to BOL_PASSWORD_MAX_CHARS characters (code points);
 *   - no control characters (U+0000-U+001F, U+007F-U+009F);
 *   - not in the common-password list (ASCII letters compared lower-cased);
 *   - not containing the user name (ASCII case-insensitive), when the user
 *     name has at least BOL_PASSWORD_USER_MIN_CHARS characters;
 *   - not one character repeated ("aaaaaaaaaaaa") and not a straight run up
 *     or down ("123456789012", "lkjihgfedcba"; digits wrap 9-0, letters z-a).
 *
 * Text is not Unicode-normalised here: callers that accept passwords from
 * several input methods should normalise (NFKC) before checking and hashing.
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

#define BOL_PASSWORD_MIN_CHARS      12
#define BOL_PASSWORD_MAX_CHARS      128
#define BOL_PASSWORD_MAX_BYTES      512
#define BOL_PASSWORD_USER_MIN_CHARS 4

/*
 * 0 when pw may be used by user, else BOL_E_INVAL with the reason in diag
 * (field "password").  The message never contains the password.  user may be
 * empty.
 */
BOL_MUST_CHECK int bol_password_check(struct bol_str pw, struct bol_str user,
                                      struct bol_diag *diag);

/*
 * The common-password list: zxcvbn's 30,000 most used passwords, lower-cased,
 * without duplicates, sorted bytewise (strcmp order).  Generated at build time
 * by scripts/gen-common-passwords.
 */
extern const char *const bol_common_passwords[];
extern const size_t bol_common_passwords_n;

/* True when s, with ASCII letters lower-cased, is in the common-password list. */
bool bol_password_is_common(struct bol_str s);

/*
 * For a password that passed bol_password_check: 1 when a pattern check
 * still finds it weak (a common password with digits or symbols added
 * around it, fewer than six different characters), with the reason (never
 * the password) in why (n bytes); 0 otherwise.  The API adds a dictionary
 * check (cracklib) and records the verdict beside the hash.
 */
int bol_password_weakness(struct bol_str pw, char *why, size_t n);
