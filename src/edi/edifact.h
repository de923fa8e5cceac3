/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edifact.h - the UN/EDIFACT syntax (ISO 9735): segments, elements and
 * components out of an interchange's bytes
 *
 * A streaming tokenizer over bytes in memory.  It honours:
 *
 *   - a leading UTF-8 byte-order mark;
 *   - UNA, the service string advice: component, element, decimal mark,
 *     release character, repetition separator and segment terminator (the
 *     defaults are ":+.? '");
 *   - the release character: "?'" is a literal quote inside a value;
 *   - line breaks anywhere outside a released character (files are wrapped,
 *     or break after each segment, in CRLF or LF): they are not data.
 *
 * Values are slices of the input.  A slice that holds release characters
 * or line breaks is marked `raw`; bol_edi_text writes the value itself.  A
 * decimal mark may be a comma or a full stop whatever UNA says (ISO 9735
 * allows both in data): bol_edi_decimal reads either.
 *
 * Hard limits (bol_edi_limits) bound the interchange size, the number of
 * segments, elements per segment, components per element and the length
 * of a value.  Every error names the byte offset, the segment number and
 * tag, and the element and component (1-based) in the diag.
 *
 * Pure: no I/O.
 */
#pragma once

#include "compat.h"

struct bol_diag;

#define BOL_EDI_ELEMS_MAX 40 /* data elements in a segment after its tag */
#define BOL_EDI_COMPS_MAX 12 /* components in an element */

struct bol_edi_limits {
    size_t bytes_max;      /* the interchange; 0: 64 MiB */
    uint32_t segments_max; /* 0: 2,000,000 */
    uint32_t value_max;    /* bytes in one value (released characters count once); 0: 512 */
};

/* The service characters in force. */
struct bol_edi_syntax {
    char comp, elem, dec, rel, rep, term; /* rel/rep '\0' when none */
};

/* One value: a slice of the input. */
struct bol_edi_val {
    const char *p;
    uint32_t len;
    bool raw; /* holds release characters or line breaks: read it with bol_edi_text */
};

struct bol_edi_seg {
    char tag[4];
    uint64_t offset; /* of the tag's first byte */
    uint32_t number; /* 1-based, counting from the first segment after UNA */
    uint32_t nelem;  /* data elements after the tag */
    uint8_t ncomp[BOL_EDI_ELEMS_MAX];
    struct bol_edi_val v[BOL_EDI_ELEMS_MAX][BOL_EDI_COMPS_MAX];
};

struct bol_edi_reader {
    const char *p;
    size_t n, pos;
    size_t seg_start; /* where the last segment read began */
    struct bol_edi_syntax syn;
    struct bol_edi_limits lim;
    uint32_t segno;
    bool una;     /* the interchange began with UNA */
    bool bom;     /* ... and before it, a byte-order mark */
    bool started; /* past BOM and UNA */
    bool fatal;   /* a limit was passed or UNA is bad: nothing more is read */
};

void bol_edi_reader_init(struct bol_edi_reader *r, const char *p, size_t n,
                         const struct bol_edi_limits *lim);

/* The next segment: 1, 0 at the end of the input, or BOL_E_PARSE / BOL_E_TOOBIG. */
BOL_MUST_CHECK int bol_edi_next(struct bol_edi_reader *r, struct bol_edi_seg *seg,
                                struct bol_diag *diag);

/*
 * After an error in a segment (a bad tag, too many elements, a value too
 * long), skip to the byte after its terminator: 1, or 0 when none follows
 * or the error stops reading (a size or segment limit, a bad UNA).
 */
int bol_edi_resync(struct bol_edi_reader *r);

/* Value e:c (1-based element after the tag, 1-based component); empty when absent. */
struct bol_edi_val bol_edi_get(const struct bol_edi_seg *seg, unsigned e, unsigned c);

/*
 * The value's text into out (NUL-terminated, release characters and line
 * breaks removed).  Bytes that are not UTF-8 are read as ISO 8859-1, so the
 * result is always UTF-8.  Returns its length, or BOL_E_TOOBIG when it does
 * not fit (out then holds what fitted).
 */
BOL_MUST_CHECK int bol_edi_text(const struct bol_edi_syntax *syn, struct bol_edi_val v, char *out,
                                size_t size);

/* Whether v's text equals s. */
bool bol_edi_is(const struct bol_edi_syntax *syn, struct bol_edi_val v, const char *s);

/*
 * A decimal number (sign, digits, one decimal mark: comma or full stop) as
 * an integer scaled by 10^scale, rounding half away from zero: "16733.08"
 * with scale 3 is 16733080.  0, or BOL_E_INVAL (not a number, empty, too large).
 */
BOL_MUST_CHECK int bol_edi_decimal(const struct bol_edi_syntax *syn, struct bol_edi_val v,
                                   unsigned scale, int64_t *ret);
