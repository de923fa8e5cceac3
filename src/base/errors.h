/* SPDX-License-Identifier: Apache-2.0 */
/*
 * errors.h - error codes and diagnostics
 *
 * Functions that can fail return int: 0 on success or a negative BOL_E_* code.
 * Codes are stable: their names (bol_errname) appear in API problem bodies and
 * logs, so a code is never renumbered or reused.  Detail for a person goes in
 * an optional struct bol_diag: what was wrong, where (field, offset, line) and
 * why, in git's message style: lower-case, no full stop, subject first.
 */
#pragma once

#include "compat.h"

enum bol_err {
    BOL_OK = 0,
    BOL_E_NOMEM = -1,            /* out of memory or over an arena cap */
    BOL_E_INVAL = -2,            /* invalid argument or input value */
    BOL_E_NOTFOUND = -3,         /* no such object */
    BOL_E_CONFLICT = -4,         /* conflicts with current state (duplicate, occupied) */
    BOL_E_TOOBIG = -5,           /* over a configured size or count limit */
    BOL_E_PARSE = -6,            /* malformed input text */
    BOL_E_STORE_BUSY = -7,       /* store busy or serialization failure: retry */
    BOL_E_STORE_CONSTRAINT = -8, /* store constraint violated */
    BOL_E_IO = -9,               /* operating system I/O error */
    BOL_E_INTERNAL = -10,        /* a bug: should not happen */
    BOL_E_PERM = -11,            /* not allowed for this actor */
    BOL_E_AUTH = -12,            /* not authenticated */
    BOL_E_CORRUPT = -13,         /* integrity check failed (hash, signature, format) */
    BOL_E_STATE = -14,           /* not allowed in the object's current state */
    BOL_E_UNSUPPORTED = -15,     /* valid but not supported by this build or version */
    BOL_E_TIMEOUT = -16,         /* a deadline passed */
    BOL_E_NOSPACE = -17,         /* disk full */
    BOL__E_LAST = -17
};

/* Text for a code, lower-case, no full stop; never NULL (unknown codes too). */
const char *bol_strerror(int r);

/* Stable machine name of a code ("inval", "notfound"); never NULL. */
const char *bol_errname(int r);

/* Map an errno value to a BOL_E_* code (ENOMEM, ENOSPC, ENOENT ...; the rest is IO). */
int bol_err_from_errno(int errnum);

/*
 * Where and why an operation failed.  Every field is optional: a position that
 * does not apply is 0 (line, column, segment, element) or -1 (offset).
 */
#define BOL_DIAG_MSG_MAX   256
#define BOL_DIAG_FIELD_MAX 64

struct bol_diag {
    int code;                       /* the BOL_E_* code that was returned */
    char msg[BOL_DIAG_MSG_MAX];     /* why, e.g. "expected check digit 5" */
    char field[BOL_DIAG_FIELD_MAX]; /* what, e.g. "check_digit", "EQD/C237" */
    int64_t offset;                 /* byte offset in the input, -1 if none */
    uint32_t line;                  /* 1-based line, 0 if none */
    uint32_t column;                /* 1-based column, 0 if none */
    uint32_t segment;               /* 1-based segment number (EDI), 0 if none */
    uint32_t element;               /* 1-based element position (EDI), 0 if none */
    char sqlstate[6];               /* PostgreSQL SQLSTATE, "" if none */
};

/* Reset to "no error".  NULL is allowed. */
void bol_diag_init(struct bol_diag *d);

/*
 * Record an error and return its code, so callers can write
 *     return bol_diag_fail(d, BOL_E_INVAL, "serial", "must be 6 digits");
 * d may be NULL (the code is still returned); field may be NULL.  The message
 * is truncated to fit.  Position fields are left as they are.
 */
int bol_diag_fail(struct bol_diag *d, int code, const char *field, const char *fmt, ...)
    BOL_PRINTF(4, 5);

/*
 * Put a field name in front of the message already recorded: the message
 * becomes "'field': <old message>" and the field is set.  Returns code.
 * For a caller that checked a value with a lower-level parser.
 */
int bol_diag_wrap(struct bol_diag *d, int code, const char *field);

/*
 * Format "field: message" (or just the message) into out, for a person.
 * Returns out.  Does not include positions; callers add what fits their input.
 */
const char *bol_diag_text(const struct bol_diag *d, char *out, size_t out_size);
