/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edifact_write.h - writing UN/EDIFACT segments
 *
 * bol_edi_put writes one segment from a pattern in the default service
 * characters: '+' separates elements, ':' components, and %s inserts a
 * value with every service character in it released ("?'", "?+", "?:",
 * "??").  The segment terminator is added, followed by a line break when
 * the writer is set to break lines (readers ignore them).  The writer
 * counts segments for UNT.  Pure: appends to a bol_buf.
 */
#pragma once

#include "buf.h"
#include "compat.h"

struct bol_edi_writer {
    struct bol_buf *out;
    uint32_t segments; /* since the last bol_edi_count_reset */
    bool newline;      /* a line break after each segment */
    bool latin1;       /* %s values are UTF-8 written as ISO 8859-1 (UNOC) */
    int err;           /* the first error; later puts do nothing */
};

void bol_edi_writer_init(struct bol_edi_writer *w, struct bol_buf *out, bool newline);

/* One segment: pattern of literal text, '+', ':' and %s / %u / %d arguments. */
int bol_edi_put(struct bol_edi_writer *w, const char *pattern, ...);

/*
 * UNB in the narrowest character repertoire that holds every text of the
 * interchange: UNOA:2 when unoa (every text passes bol_edi_unoa), else
 * UNOC:3 when latin1 (every text passes bol_edi_latin1; later %s values are
 * then written as ISO 8859-1), else UNOW:4 (UTF-8).  The date and time are
 * prepared_us in UTC.  BOL_E_INVAL when it is out of range.
 */
int bol_edi_put_unb(struct bol_edi_writer *w, bool unoa, bool latin1, const char *sender,
                    const char *recipient, int64_t prepared_us, const char *control);

/* Start counting afresh (at UNH). */
void bol_edi_count_reset(struct bol_edi_writer *w);

/* Whether UTF-8 text can be written in ISO 8859-1 (UNOC). */
bool bol_edi_latin1(const char *text);

/* Whether text holds only UNOA characters (upper-case letters, digits, space, .,-()/=!"%&*;<>). */
bool bol_edi_unoa(const char *text);
