/* SPDX-License-Identifier: Apache-2.0 */
/*
 * interchange.h - UN/EDIFACT envelopes: UNB/UNZ, UNG/UNE, UNH/UNT
 *
 * bol_edi_walk reads an interchange once, segment by segment (edifact.h),
 * checks its envelopes and hands every segment inside a message to a
 * handler, so a mapper builds its result in the same pass.
 *
 * What real traffic gets:
 *
 *   - a count or reference that does not match (UNT, UNE, UNZ) is a
 *     warning on the message or the interchange, not a failure;
 *   - no UNB (a bare message) is a warning;
 *   - a syntax identifier other than UNOA..UNOY is an error for the whole
 *     interchange;
 *   - a broken segment (a bad tag, too many elements, a value too long),
 *     a missing UNT or the input ending inside a message is an error of
 *     that message alone: the walk resumes at the next segment, and the
 *     messages around it are whole;
 *   - a data segment outside any message is an error of the interchange.
 *
 * Every warning and error carries the byte offset, segment number, tag and
 * element.  Pure: no I/O; memory from mem.h, released with
 * bol_edi_interchange_release.
 */
#pragma once

#include "compat.h"
#include "edifact.h"
#include "errors.h"

#define BOL_EDI_NOTES_MAX 1000 /* warnings and errors kept; more are counted */

/* A warning or an error, where it is. */
struct bol_edi_note {
    int msg;         /* index of the message it concerns, or -1 for the interchange */
    bool error;      /* an error (the message cannot import), else a warning */
    uint64_t offset; /* byte offset */
    uint32_t segment;
    uint32_t element; /* 0 when none */
    char tag[4];
    char text[BOL_DIAG_MSG_MAX];
};

struct bol_edi_message {
    char ref[16];                                              /* UNH 0062 */
    char type[8], version[4], release[4], agency[4], assoc[8]; /* UNH S009 */
    uint64_t offset;                                           /* of its UNH */
    uint64_t end; /* just past its UNT's terminator; 0 when it has no UNT */
    uint32_t first_segment;
    uint32_t segments; /* UNH .. UNT, both counted */
    bool complete;     /* ended by its UNT */
    bool failed;       /* has an error: it must not import */
};

struct bol_edi_interchange {
    bool bom, una, unb, unz;
    struct bol_edi_syntax syn;
    char syntax[5]; /* "UNOA" .. "UNOY", "" without UNB */
    char syntax_version[3];
    char sender[36], recipient[36];
    char prepared[16]; /* UNB date:time as sent ("250402:1516") */
    char control[16];  /* UNB 0020 */
    bool failed;       /* an interchange-level error */
    uint32_t segments;
    struct bol_edi_message *msgs;
    size_t nmsgs, msgs_cap;
    struct bol_edi_note *notes;
    size_t nnotes, notes_cap;
    size_t notes_dropped;
};

/* Called for each message's segments, UNH and UNT included. */
struct bol_edi_handler {
    /* A message begins (its UNH was read). */
    int (*begin)(void *ctx, struct bol_edi_interchange *ic, size_t msg);
    /* A segment of it, the UNH and UNT included.  A negative return is an error of the message. */
    int (*segment)(void *ctx, struct bol_edi_interchange *ic, size_t msg,
                   const struct bol_edi_seg *seg, struct bol_diag *diag);
    /* It ended: whole (ic->msgs[msg].failed false) or not. */
    void (*end)(void *ctx, struct bol_edi_interchange *ic, size_t msg);
};

/*
 * Walk p[0..n).  Returns 0 when the walk reached the end (look at ->failed
 * and each message's failed for errors), BOL_E_NOMEM, or an error that
 * stops the walk (too large, bad syntax identifier) also recorded as a note.
 */
BOL_MUST_CHECK int bol_edi_walk(const char *p, size_t n, const struct bol_edi_limits *lim,
                                const struct bol_edi_handler *h, void *ctx,
                                struct bol_edi_interchange *ic);

void bol_edi_interchange_release(struct bol_edi_interchange *ic);

/*
 * Record a note (for handlers too): msg -1 for the interchange.  An error
 * marks the message (or interchange) failed.
 */
BOL_MUST_CHECK int bol_edi_note(struct bol_edi_interchange *ic, int msg, bool error,
                                const struct bol_edi_seg *seg, uint32_t element, const char *text);
