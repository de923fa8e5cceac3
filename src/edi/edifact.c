/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edifact.c - the UN/EDIFACT tokenizer
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "edifact.h"
#include "errors.h"

#define DEFAULT_BYTES_MAX    ((size_t) 64 << 20)
#define DEFAULT_SEGMENTS_MAX 2000000u
#define DEFAULT_VALUE_MAX    512u

void bol_edi_reader_init(struct bol_edi_reader *r, const char *p, size_t n,
                         const struct bol_edi_limits *lim)
{
    memset(r, 0, sizeof(*r));
    r->p = p;
    r->n = n;
    r->syn = (struct bol_edi_syntax){ ':', '+', '.', '?', '\0', '\'' };
    if (lim)
        r->lim = *lim;
    if (!r->lim.bytes_max)
        r->lim.bytes_max = DEFAULT_BYTES_MAX;
    if (!r->lim.segments_max)
        r->lim.segments_max = DEFAULT_SEGMENTS_MAX;
    if (!r->lim.value_max)
        r->lim.value_max = DEFAULT_VALUE_MAX;
}

static int fail_at(struct bol_diag *diag, int code, size_t offset, uint32_t segno, const char *what,
                   const char *msg)
{
    int rc = bol_diag_fail(diag, code, what, "%s", msg);

    if (diag) {
        diag->offset = (int64_t) offset;
        diag->segment = segno;
    }
    return rc;
}

static bool is_newline(char c)
{
    return c == '\r' || c == '\n';
}

static bool is_alnum_upper(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* BOM, then UNA if present. */
static int start(struct bol_edi_reader *r, struct bol_diag *diag)
{
    const char *p = r->p;
    struct bol_edi_syntax s;

    r->started = true;
    if (r->n > r->lim.bytes_max) {
        r->fatal = true;
        return fail_at(diag, BOL_E_TOOBIG, r->lim.bytes_max, 0, "interchange",
                       "the interchange is larger than the limit");
    }
    if (r->n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
        r->bom = true;
        r->pos = 3;
    }
    while (r->pos < r->n && is_newline(p[r->pos]))
        r->pos++;
    if (r->n - r->pos < 3 || memcmp(p + r->pos, "UNA", 3) != 0)
        return 0;
    if (r->n - r->pos < 9)
        return fail_at(diag, BOL_E_PARSE, r->pos, 0, "UNA", "UNA needs its six service characters");
    p += r->pos + 3;
    s.comp = p[0];
    s.elem = p[1];
    s.dec = p[2];
    s.rel = p[3] == ' ' ? '\0' : p[3];
    s.rep = p[4] == ' ' ? '\0' : p[4];
    s.term = p[5];
    if (s.comp == s.elem || s.comp == s.term || s.elem == s.term ||
        (s.rel && (s.rel == s.comp || s.rel == s.elem || s.rel == s.term)) ||
        is_alnum_upper(s.comp) || is_alnum_upper(s.elem) || is_alnum_upper(s.term) ||
        is_newline(s.comp) || is_newline(s.elem) || is_newline(s.term) || s.term == ' ' ||
        s.elem == ' ' || s.comp == ' ')
        return fail_at(diag, BOL_E_PARSE, r->pos + 3, 0, "UNA",
                       "UNA's separators must be distinct and not letters, digits or spaces");
    if (s.dec != '.' && s.dec != ',')
        return fail_at(diag, BOL_E_PARSE, r->pos + 5, 0, "UNA",
                       "UNA's decimal mark must be a comma or a full stop");
    r->syn = s;
    r->una = true;
    r->pos += 9;
    return 0;
}

int bol_edi_next(struct bol_edi_reader *r, struct bol_edi_seg *seg, struct bol_diag *diag)
{
    const char *p = r->p;
    const struct bol_edi_syntax syn = r->syn;
    size_t n = r->n, i, vstart;
    uint32_t vlen = 0, e = 0, c = 0;
    bool raw = false, in_tag = true;
    int rc;

    if (r->fatal)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "interchange", "past a limit: reading stopped");
    if (!r->started && (rc = start(r, diag)) < 0) {
        r->fatal = true; /* no syntax to read the rest with */
        return rc;
    }
    while (r->pos < n && is_newline(p[r->pos]))
        r->pos++;
    if (r->pos >= n)
        return 0;
    if (r->segno >= r->lim.segments_max) {
        r->fatal = true;
        return fail_at(diag, BOL_E_TOOBIG, r->pos, r->segno + 1, "interchange",
                       "more segments than the limit");
    }
    seg->number = ++r->segno;
    seg->offset = r->pos;
    r->seg_start = r->pos;
    seg->nelem = 0;
    seg->tag[0] = '\0';
    vstart = r->pos;
    for (i = r->pos; i < n; i++) {
        char ch = p[i];

        if (ch == syn.rel && syn.rel) {
            if (i + 1 >= n)
                return fail_at(diag, BOL_E_PARSE, i, seg->number, "segment",
                               "the input ends after a release character");
            raw = true;
            i++;
            vlen++;
        } else if (is_newline(ch)) {
            raw = true;
        } else if (ch == syn.comp || ch == syn.elem || ch == syn.term) {
            /* the value [vstart, i) ends */
            if (in_tag) {
                if (c == 0) {
                    if (i - vstart != 3 || raw || !is_alnum_upper(p[vstart]) ||
                        !is_alnum_upper(p[vstart + 1]) || !is_alnum_upper(p[vstart + 2]))
                        return fail_at(diag, BOL_E_PARSE, vstart, seg->number, "tag",
                                       "a segment begins with a tag of three letters or digits");
                    memcpy(seg->tag, p + vstart, 3);
                    seg->tag[3] = '\0';
                }
            } else {
                if (vlen > r->lim.value_max) {
                    rc = bol_diag_fail(diag, BOL_E_TOOBIG, seg->tag,
                                       "element %u component %u is longer than %u bytes", e + 1,
                                       c + 1, r->lim.value_max);
                    if (diag) {
                        diag->offset = (int64_t) vstart;
                        diag->segment = seg->number;
                        diag->element = e + 1;
                    }
                    return rc;
                }
                seg->v[e][c] = (struct bol_edi_val){ p + vstart, (uint32_t) (i - vstart), raw };
                seg->ncomp[e] = (uint8_t) (c + 1);
            }
            if (ch == syn.term) {
                if (!seg->tag[0])
                    return fail_at(diag, BOL_E_PARSE, vstart, seg->number, "tag",
                                   "a segment begins with a tag of three letters or digits");
                seg->nelem = in_tag ? 0 : e + 1;
                r->pos = i + 1;
                return 1;
            }
            if (ch == syn.comp) {
                if (!in_tag && ++c >= BOL_EDI_COMPS_MAX) {
                    rc = bol_diag_fail(diag, BOL_E_TOOBIG, seg->tag,
                                       "element %u has more than %d components", e + 1,
                                       BOL_EDI_COMPS_MAX);
                    if (diag) {
                        diag->offset = (int64_t) i;
                        diag->segment = seg->number;
                        diag->element = e + 1;
                    }
                    return rc;
                }
                if (in_tag)
                    c++;
            } else {
                if (in_tag) {
                    in_tag = false;
                    e = 0;
                } else if (++e >= BOL_EDI_ELEMS_MAX) {
                    return fail_at(diag, BOL_E_TOOBIG, i, seg->number, seg->tag,
                                   "the segment has more elements than the limit");
                }
                c = 0;
            }
            vstart = i + 1;
            vlen = 0;
            raw = false;
        } else {
            vlen++;
        }
    }
    return fail_at(diag, BOL_E_PARSE, seg->offset, seg->number, seg->tag[0] ? seg->tag : "segment",
                   "the input ends inside this segment: no segment terminator");
}

int bol_edi_resync(struct bol_edi_reader *r)
{
    size_t i;

    if (r->fatal)
        return 0;
    for (i = r->seg_start; i < r->n; i++) {
        if (r->syn.rel && r->p[i] == r->syn.rel)
            i++;
        else if (r->p[i] == r->syn.term)
            break;
    }
    if (i >= r->n)
        return 0;
    r->pos = i + 1;
    return 1;
}

struct bol_edi_val bol_edi_get(const struct bol_edi_seg *seg, unsigned e, unsigned c)
{
    static const struct bol_edi_val none = { "", 0, false };

    if (e < 1 || e > seg->nelem || c < 1 || c > seg->ncomp[e - 1])
        return none;
    return seg->v[e - 1][c - 1];
}

/* Length of a valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned char b = p[0];
    size_t len, k;
    uint32_t cp;

    if (b < 0x80)
        return 1;
    if (b >= 0xc2 && b <= 0xdf) {
        len = 2;
        cp = b & 0x1fu;
    } else if (b >= 0xe0 && b <= 0xef) {
        len = 3;
        cp = b & 0x0fu;
    } else if (b >= 0xf0 && b <= 0xf4) {
        len = 4;
        cp = b & 0x07u;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (k = 1; k < len; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[k] & 0x3fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

int bol_edi_text(const struct bol_edi_syntax *syn, struct bol_edi_val v, char *out, size_t size)
{
    const unsigned char *p = (const unsigned char *) v.p;
    size_t i, o = 0;

    if (size == 0)
        return BOL_E_TOOBIG;
    for (i = 0; i < v.len; i++) {
        unsigned char ch = p[i];
        size_t len;

        if (v.raw && syn->rel && ch == (unsigned char) syn->rel && i + 1 < v.len) {
            ch = p[++i];
        } else if (v.raw && (ch == '\r' || ch == '\n')) {
            continue;
        }
        if (ch < 0x80) {
            if (o + 1 >= size)
                goto full;
            out[o++] = (char) ch;
            continue;
        }
        len = utf8_len(p + i, v.len - i);
        if (len) {
            if (o + len >= size)
                goto full;
            memcpy(out + o, p + i, len);
            o += len;
            i += len - 1;
        } else { /* ISO 8859-1 */
            if (o + 2 >= size)
                goto full;
            out[o++] = (char) (0xc0 | (ch >> 6));
            out[o++] = (char) (0x80 | (ch & 0x3f));
        }
    }
    out[o] = '\0';
    return (int) o;
full:
    out[o] = '\0';
    return BOL_E_TOOBIG;
}

bool bol_edi_is(const struct bol_edi_syntax *syn, struct bol_edi_val v, const char *s)
{
    char buf[64];
    size_t n = strlen(s);

    if (!v.raw)
        return v.len == n && !memcmp(v.p, s, n);
    if (n >= sizeof(buf))
        return false;
    return bol_edi_text(syn, v, buf, sizeof(buf)) == (int) n && !memcmp(buf, s, n);
}

int bol_edi_decimal(const struct bol_edi_syntax *syn, struct bol_edi_val v, unsigned scale,
                    int64_t *ret)
{
    char buf[48];
    const char *s = buf;
    int64_t whole = 0, frac = 0;
    unsigned fdigits = 0, wdigits = 0, k;
    bool neg = false, round_up = false;
    int len = bol_edi_text(syn, v, buf, sizeof(buf));

    if (len <= 0 || scale > 9)
        return BOL_E_INVAL;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; *s >= '0' && *s <= '9'; s++, wdigits++) {
        if (whole > (INT64_MAX / 10 - 9))
            return BOL_E_INVAL;
        whole = whole * 10 + (*s - '0');
    }
    if (*s == '.' || *s == ',') {
        for (s++; *s >= '0' && *s <= '9'; s++) {
            if (fdigits < scale) {
                frac = frac * 10 + (*s - '0');
                fdigits++;
            } else if (fdigits == scale) {
                round_up = *s >= '5';
                fdigits++;
            }
        }
        if (fdigits == 0 && wdigits == 0)
            return BOL_E_INVAL;
    }
    if (*s != '\0' || (wdigits == 0 && fdigits == 0))
        return BOL_E_INVAL;
    for (k = BOL_MIN(fdigits, scale); k < scale; k++)
        frac *= 10;
    for (k = 0; k < scale; k++) {
        if (whole > INT64_MAX / 10)
            return BOL_E_INVAL;
        whole *= 10;
    }
    if (whole > INT64_MAX - frac - 1)
        return BOL_E_INVAL;
    whole += frac + (round_up ? 1 : 0);
    *ret = neg ? -whole : whole;
    return 0;
}
