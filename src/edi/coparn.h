/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coparn.h - COPARN release orders (BGM 12) in and out, and container
 * announcements (BGM 126) out
 *
 * A release order lets a line's trucks take boxes it usually does not name:
 * "release N empty boxes of size-type T of line L for booking B".  Read per
 * the SMDG COPARN guide on D.95B: BGM 12 with its function (9 original, 5
 * replacement, 1 cancellation), RFF+BN (booking) and RFF+RE (release
 * number) in the header or a group, NAD+CA/CF (the line), DTM+36 (valid
 * until, format 203 or 102), and per group EQD (size-type, full/empty; a
 * number names the box) with EQN (how many; 1 when absent).
 *
 * bol_coparn_release_map turns one into the command that records it:
 *
 *   function 9 (or none)  booking.release_order
 *   function 5            booking.release_replace (the boxes already out stay counted)
 *   function 1            booking.release_cancel
 *
 * The release reference is RFF+RE, else the booking number: that is what
 * the driver quotes at the gate.  Errors that stop the message, each at its
 * segment: no booking, no line or a line bollard does not know, an unknown
 * size-type, full and empty boxes in one order, named and unnamed boxes in
 * one order, a quantity of 0 or above 9999, an unreadable DTM+36.  Pure.
 */
#pragma once

#include <jansson.h>

#include "baplie_map.h"
#include "booking.h"
#include "buf.h"
#include "interchange.h"
#include "sizetype.h"

struct bol_coparn_group {
    char id_text[24];
    struct bol_container_id id;
    bool id_ok;
    char sizetype_text[8];
    struct bol_sizetype st;
    bool st_ok;
    char status[4]; /* EQD 8169: 4 empty, 5 full */
    uint32_t qty;   /* EQN; 1 when absent */
    bool qty_ok;
    uint64_t offset; /* of its EQD */
    uint32_t segment;
};

struct bol_coparn_msg {
    char doc[4], function[4], doc_no[36]; /* BGM 1001, 1225, 1004 */
    uint64_t offset;                      /* where BGM is */
    uint32_t segment;
    char booking[36], ref[36], line[8];
    char valid[16], valid_format[4]; /* DTM+36 as sent */
    uint64_t valid_offset;
    uint32_t valid_segment;
    struct bol_coparn_group *v;
    size_t n, cap;
};

struct bol_coparn_set {
    struct bol_edi_interchange ic;
    struct bol_coparn_msg *msgs; /* one per message of the interchange */
    size_t cap;
};

/* Read every message's release data.  Returns as bol_edi_walk. */
BOL_MUST_CHECK int bol_coparn_read(const char *p, size_t n, const struct bol_edi_limits *lim,
                                   struct bol_coparn_set *out);
void bol_coparn_set_release(struct bol_coparn_set *s);

struct bol_coparn_ctx {
    const char *reason; /* a cancellation's reason, e.g. "cancelled by COPARN 123 from MAEU" */
    /* 1 when the shipping line is defined, 0 when not, < 0 on error */
    int (*line_known)(void *u, const char *code);
    void *u;
};

/*
 * One release order as its command (out->cmds holds one, out->slot[0] = 0),
 * with the release in *rel.  0 (out->failed says whether the message may
 * import), or BOL_E_NOMEM.
 */
BOL_MUST_CHECK int bol_coparn_release_map(const struct bol_coparn_msg *m,
                                          const struct bol_coparn_ctx *ctx,
                                          struct bol_booking_release *rel,
                                          struct bol_edi_mapped *out);

struct bol_coparn_envelope {
    const char *sender, *recipient, *control; /* message i is control-i */
    int64_t prepared_us;                      /* UTC */
};

/*
 * Release orders as COPARN BGM 12 (D.95B, function 9, or 1 when cancelled),
 * one message each, EQD+EQN per size-type or named box.
 */
BOL_MUST_CHECK int bol_coparn_write_releases(const struct bol_booking_release *r, size_t n,
                                             const struct bol_coparn_envelope *env,
                                             struct bol_buf *out);

/* Boxes announced (BGM 126), one message: per box EQD, RFF BN/BM, LOC 9/11, MEA VGM, NAD+CF. */
BOL_MUST_CHECK int bol_coparn_write_announcement(const struct bol_container *c, size_t n,
                                                 const struct bol_coparn_envelope *env,
                                                 struct bol_buf *out);
