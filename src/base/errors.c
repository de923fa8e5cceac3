/* SPDX-License-Identifier: Apache-2.0 */
/*
 * errors.c - error code names and texts, diagnostics
 */
#include "compat.h"

#include "errors.h"

struct err_entry {
    int code;
    const char *name;
    const char *text;
};

/* One row per code; the order follows enum bol_err. */
static const struct err_entry err_table[] = {
    { BOL_OK, "ok", "success" },
    { BOL_E_NOMEM, "nomem", "out of memory" },
    { BOL_E_INVAL, "inval", "invalid value" },
    { BOL_E_NOTFOUND, "notfound", "not found" },
    { BOL_E_CONFLICT, "conflict", "conflicts with current state" },
    { BOL_E_TOOBIG, "toobig", "over the size limit" },
    { BOL_E_PARSE, "parse", "cannot parse input" },
    { BOL_E_STORE_BUSY, "store_busy", "store busy, try again" },
    { BOL_E_STORE_CONSTRAINT, "store_constraint", "store constraint violated" },
    { BOL_E_IO, "io", "input/output error" },
    { BOL_E_INTERNAL, "internal", "internal error" },
    { BOL_E_PERM, "perm", "permission denied" },
    { BOL_E_AUTH, "auth", "authentication required" },
    { BOL_E_CORRUPT, "corrupt", "integrity check failed" },
    { BOL_E_STATE, "state", "not allowed in the current state" },
    { BOL_E_UNSUPPORTED, "unsupported", "not supported" },
    { BOL_E_TIMEOUT, "timeout", "deadline passed" },
    { BOL_E_NOSPACE, "nospace", "no space left on device" },
};

_Static_assert(BOL_ARRAY_SIZE(err_table) == (size_t) (1 - BOL__E_LAST),
               "err_table must have one row per code");

static const struct err_entry *err_lookup(int r)
{
    if (r > 0 || r < BOL__E_LAST)
        return NULL;
    return &err_table[-r];
}

const char *bol_strerror(int r)
{
    const struct err_entry *e = err_lookup(r);

    return e ? e->text : "unknown error";
}

const char *bol_errname(int r)
{
    const struct err_entry *e = err_lookup(r);

    return e ? e->name : "unknown";
}

int bol_err_from_errno(int errnum)
{
    switch (errnum) {
    case 0:
        return BOL_OK;
    case ENOMEM:
        return BOL_E_NOMEM;
    case ENOSPC:
    case EDQUOT:
        return BOL_E_NOSPACE;
    case ENOENT:
        return BOL_E_NOTFOUND;
    case EEXIST:
        return BOL_E_CONFLICT;
    case EACCES:
    case EPERM:
    case EROFS:
        return BOL_E_PERM;
    case EINVAL:
        return BOL_E_INVAL;
    case EFBIG:
    case E2BIG:
    case ENAMETOOLONG:
        return BOL_E_TOOBIG;
    case ETIMEDOUT:
        return BOL_E_TIMEOUT;
    default:
        return BOL_E_IO;
    }
}

void bol_diag_init(struct bol_diag *d)
{
    if (!d)
        return;
    memset(d, 0, sizeof(*d));
    d->offset = -1;
}

int bol_diag_fail(struct bol_diag *d, int code, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (!d)
        return code;
    d->code = code;
    if (field)
        snprintf(d->field, sizeof(d->field), "%s", field);
    else
        d->field[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    va_end(ap);
    return code;
}

int bol_diag_wrap(struct bol_diag *d, int code, const char *field)
{
    char old[BOL_DIAG_MSG_MAX];

    if (!d)
        return code;
    memcpy(old, d->msg, sizeof(old));
    return bol_diag_fail(d, code, field, "'%s': %s", field, old);
}

const char *bol_diag_text(const struct bol_diag *d, char *out, size_t out_size)
{
    if (!out_size)
        return out;
    if (!d || (!d->msg[0] && !d->field[0])) {
        snprintf(out, out_size, "%s", d ? bol_strerror(d->code) : "no detail");
        return out;
    }
    if (d->field[0] && d->msg[0])
        snprintf(out, out_size, "%s: %s", d->field, d->msg);
    else
        snprintf(out, out_size, "%s", d->msg[0] ? d->msg : d->field);
    return out;
}
