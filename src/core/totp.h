/* SPDX-License-Identifier: Apache-2.0 */
/*
 * totp.h - time-based one-time passwords (RFC 6238)
 *
 * The parameters every authenticator app supports: HMAC-SHA-1, a 30-second
 * step counted from the Unix epoch, 6 digits.  A new secret is 20 random bytes
 * (160 bits, RFC 4226's recommendation); it is shown to the person as RFC 4648
 * base32 text and as an otpauth:// URI (for a QR code), and kept in the
 * credential store.
 *
 * A code is accepted for the current step and one step either side (clock
 * drift and typing time, RFC 6238 section 5.2), and only for a step later than
 * the last one accepted for that secret: the caller stores *ret_step after a
 * success and passes it back as last_step next time, so a code seen over a
 * shoulder or in a log cannot be used again.
 *
 * Time is an argument, in whole seconds since the epoch (the unit TOTP counts
 * in); callers holding microseconds divide by 1,000,000.
 */
#pragma once

#include "buf.h"
#include "compat.h"
#include "str.h"

struct bol_diag;

#define BOL_TOTP_SECRET_LEN 20 /* bytes in a new secret */
#define BOL_TOTP_SECRET_MIN 16 /* RFC 4226: at least 128 bits */
#define BOL_TOTP_SECRET_MAX 64
#define BOL_TOTP_DIGITS     6
#define BOL_TOTP_STEP_S     30
#define BOL_TOTP_WINDOW     1 /* steps accepted either side of the current one */

/* Characters of unpadded base32 for n bytes (no NUL). */
#define BOL_BASE32_LEN(n) (((n) *8 + 4) / 5)

/* A new random secret of BOL_TOTP_SECRET_LEN bytes. */
void bol_totp_secret_make(uint8_t secret[BOL_TOTP_SECRET_LEN]);

/*
 * RFC 4648 base32 of len bytes, upper case, without '=' padding, NUL-terminated.
 * 0, or BOL_E_TOOBIG when out_size < BOL_BASE32_LEN(len) + 1 (out then holds "").
 */
BOL_MUST_CHECK int bol_base32_encode(const uint8_t *p, size_t len, char *out, size_t out_size);

/*
 * Decode base32 text: letters in either case and digits 2-7, optionally
 * followed by '=' padding; the unused low bits of the last character must be
 * zero, so each byte string has one spelling (up to case and padding).  On
 * success writes the bytes to out and their number to *ret_len.  BOL_E_INVAL
 * for text that is not base32 (the message gives a position, never the
 * text), BOL_E_TOOBIG when the bytes do not fit in out_size.
 */
BOL_MUST_CHECK int bol_base32_decode(struct bol_str text, uint8_t *out, size_t out_size,
                                     size_t *ret_len, struct bol_diag *diag);

/*
 * Append the key URI authenticator apps read from a QR code:
 *   otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
 * issuer and account are percent-encoded; each must be 1 to 128 bytes of
 * UTF-8 without control characters or ':' (the label separator).
 * BOL_E_INVAL, or BOL_E_TOOBIG/BOL_E_NOMEM from the buffer (out unchanged).
 */
BOL_MUST_CHECK int bol_totp_uri(const uint8_t *secret, size_t len, struct bol_str issuer,
                                struct bol_str account, struct bol_buf *out, struct bol_diag *diag);

/*
 * The 6-digit code for unix_seconds, NUL-terminated.  0, or BOL_E_INVAL for a
 * secret length outside BOL_TOTP_SECRET_MIN..MAX or a negative time.
 */
BOL_MUST_CHECK int bol_totp_code(const uint8_t *secret, size_t len, int64_t unix_seconds,
                                 char out[BOL_TOTP_DIGITS + 1]);

/*
 * Check code at unix_seconds.  On success writes the step (unix_seconds / 30,
 * give or take one) the code belongs to into *ret_step, to be stored and
 * passed as last_step next time (-1 when no code was accepted yet).
 *   BOL_E_INVAL  code is not exactly 6 ASCII digits (field "code"), or a bad
 *                secret length or negative time;
 *   BOL_E_AUTH   wrong code ("code is wrong or has expired"), or a code of a
 *                step at or before last_step ("code already used").
 * The codes are compared in constant time and all three steps are always
 * computed, so timing does not tell which step matched.
 */
BOL_MUST_CHECK int bol_totp_check(const uint8_t *secret, size_t len, struct bol_str code,
                                  int64_t unix_seconds, int64_t last_step, int64_t *ret_step,
                                  struct bol_diag *diag);
