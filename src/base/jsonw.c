/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsonw.c - canonical JSON output and UTF-8 validation
 */
#include "compat.h"

#include "errors.h"
#include "jsonw.h"

bool bol_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *) str;
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        uint32_t cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false; /* continuation byte, overlong lead (c0, c1) or above f4 */
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3fu);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

int bol_json_put_str(struct bol_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = b->len;
    size_t i, run = 0;
    int r;

    if (!bol_utf8_valid(s, n))
        return BOL_E_INVAL;
    r = bol_buf_addch(b, '"');
    for (i = 0; r == 0 && i < n; i++) {
        unsigned char c = (unsigned char) s[i];
        char esc[7];
        size_t elen = 2;

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        /* Flush the plain run before this byte, then its escape. */
        r = bol_buf_add(b, s + run, i - run);
        run = i + 1;
        esc[0] = '\\';
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            elen = 6;
            break;
        }
        if (r == 0)
            r = bol_buf_add(b, esc, elen);
    }
    if (r == 0)
        r = bol_buf_add(b, s + run, n - run);
    if (r == 0)
        r = bol_buf_addch(b, '"');
    if (r < 0)
        bol_buf_truncate(b, start);
    return r;
}

int bol_json_put_i64(struct bol_buf *b, int64_t v)
{
    return bol_buf_addf(b, "%" PRId64, v);
}
