/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edifact_write.c - UN/EDIFACT segments out
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "edifact_write.h"
#include "errors.h"
#include "utctime.h"

void bol_edi_writer_init(struct bol_edi_writer *w, struct bol_buf *out, bool newline)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
    w->newline = newline;
}

void bol_edi_count_reset(struct bol_edi_writer *w)
{
    w->segments = 0;
}

/* The code point of the UTF-8 sequence at s and its length, or 0 for a stray byte. */
static uint32_t utf8_next(const unsigned char *s, size_t *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
        *len = 2;
        return ((uint32_t) (s[0] & 0x1f) << 6) | (s[1] & 0x3f);
    }
    *len = 1;
    return 0x100; /* not Latin-1 */
}

static int add_released(struct bol_edi_writer *w, const char *text)
{
    const unsigned char *s = (const unsigned char *) text;
    int rc = 0;

    while (*s && rc == 0) {
        size_t len = 1;
        uint32_t cp = w->latin1 ? utf8_next(s, &len) : *s;

        if (cp == '?' || cp == '\'' || cp == '+' || cp == ':')
            rc = bol_buf_addch(w->out, '?');
        if (rc == 0)
            rc = bol_buf_addch(w->out, cp > 0xff ? '?' : (char) (unsigned char) cp);
        s += len;
    }
    return rc;
}

bool bol_edi_latin1(const char *text)
{
    const unsigned char *s = (const unsigned char *) text;

    while (*s) {
        size_t len;

        if (utf8_next(s, &len) > 0xff)
            return false;
        s += len;
    }
    return true;
}

int bol_edi_put(struct bol_edi_writer *w, const char *pattern, ...)
{
    const char *p;
    va_list ap;
    int rc = 0;

    if (w->err)
        return w->err;
    va_start(ap, pattern);
    for (p = pattern; *p && rc == 0; p++) {
        char num[24];

        if (*p != '%') {
            rc = bol_buf_addch(w->out, *p);
            continue;
        }
        switch (*++p) {
        case 's':
            rc = add_released(w, va_arg(ap, const char *));
            break;
        case 'u':
            snprintf(num, sizeof(num), "%u", va_arg(ap, unsigned));
            rc = bol_buf_adds(w->out, num);
            break;
        case 'd':
            snprintf(num, sizeof(num), "%d", va_arg(ap, int));
            rc = bol_buf_adds(w->out, num);
            break;
        default:
            rc = BOL_E_INTERNAL;
            break;
        }
    }
    va_end(ap);
    if (rc == 0)
        rc = bol_buf_adds(w->out, w->newline ? "'\n" : "'");
    if (rc < 0)
        w->err = rc;
    else
        w->segments++;
    return rc;
}

bool bol_edi_unoa(const char *t)
{
    for (; *t; t++) {
        char c = *t;

        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr(" .,-()/=!\"%&*;<>?'+:", c)))
            return false;
    }
    return true;
}

int bol_edi_put_unb(struct bol_edi_writer *w, bool unoa, bool latin1, const char *sender,
                    const char *recipient, int64_t prepared_us, const char *control)
{
    struct bol_civil c;
    char date[8], time[8];
    const char *id = "UNOW", *version = "4";

    if (bol_time_to_civil(prepared_us, 0, &c) < 0)
        return BOL_E_INVAL;
    snprintf(date, sizeof(date), "%02d%02d%02d", c.year % 100, c.month, c.day);
    snprintf(time, sizeof(time), "%02d%02d", c.hour, c.minute);
    if (unoa) {
        id = "UNOA";
        version = "2";
    } else if (latin1) {
        id = "UNOC";
        version = "3";
        w->latin1 = true;
    }
    return bol_edi_put(w, "UNB+%s:%s+%s+%s+%s:%s+%s", id, version, sender, recipient, date, time,
                       control);
}
