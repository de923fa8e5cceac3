/* SPDX-License-Identifier: Apache-2.0 */
/*
 * demo.h - a demo terminal and a day of its traffic, as commands
 *
 * bol_demo_plan builds, from a seed alone, everything `bollard demo-data`
 * and the terminal-day benchmark feed through the command service:
 *
 *   setup   reference data (terminals modelled on a large Japanese container
 *           terminal: about 1 km of quay in three berths, 8 quay cranes, 40
 *           yard blocks of RTG, reefer, DG and empty kinds, about 47,600 TEU
 *           of stacking capacity), vessels from a 1,700 TEU feeder to a
 *           23,000 TEU mainliner with their visits alongside, the bay plans of
 *           what they bring, and the yard's stock taken on at go-live; in
 *           order, one command after another;
 *   day     24 hours of work in streams that touch disjoint state, so they
 *           may run concurrently: one per quay crane (discharge and load of
 *           its vessel bays, dig-outs of the boxes it loads, with every
 *           work-instruction step) and one per gate lane (truck visits that
 *           bring exports and empties and take imports, releases, customs
 *           holds lifted, dig-outs), with the queries their clerks make.
 *
 * The planner keeps its own model of every stack so each command is valid
 * when its stream reaches it: a demo day runs with no rejection, and a
 * rejection is a bug in either the rules or the planner.  It is pure: the
 * same options give the same commands.  demo_run.c carries a plan out.
 */
#pragma once

#include "buf.h"
#include "compat.h"

struct bol_diag;

struct bol_demo_opts {
    unsigned terminals;    /* 1..9: DCT1, DCT2 ... (Nagoya's terminals share one TOS) */
    unsigned fill_pct;     /* share of yard slots stocked before the day, 0..90 */
    unsigned vessel_moves; /* discharges and loads in the day, all terminals */
    unsigned gate_visits;  /* truck visits in the day, all terminals */
    unsigned query_every;  /* a clerk's query after this many commands in a stream; 0: none */
    uint64_t seed;
    int64_t day_start_us; /* when the day begins (UTC microseconds); setup just before */
};

/* The defaults: one terminal, 60 %, 3,200 vessel moves, 3,000 truck visits, a query per 20. */
void bol_demo_opts_default(struct bol_demo_opts *o);

enum bol_demo_step_kind {
    BOL_DEMO_CMD = 0,     /* text: the command's JSON */
    BOL_DEMO_Q_CONTAINER, /* text: a container id */
    BOL_DEMO_Q_YARD,      /* text: TERMINAL/BLOCK/BAY */
    BOL_DEMO_Q_QUEUE,     /* text: TERMINAL/EQUIPMENT */
    BOL_DEMO_Q_VISIT,     /* text: a visit id */
};

struct bol_demo_step {
    int64_t at_us;
    uint32_t off; /* the text: stream->text.buf + off, NUL-terminated */
    uint32_t len;
    uint8_t kind; /* enum bol_demo_step_kind */
    char req[28]; /* the client's request id ("" for none) */
};

struct bol_demo_stream {
    char name[24];  /* "DCT1-QC01", "DCT1-GATE2", "setup" */
    char actor[40]; /* who runs it: "user:demo.qc01.dct1" */
    struct bol_demo_step *step;
    size_t n, cap;
    struct bol_buf text;
};

struct bol_demo_counts {
    unsigned terminals, blocks, visits;
    unsigned long yard_boxes, yard_teu, capacity_teu; /* stock before the day */
    unsigned long on_board;                           /* boxes in the bay plans */
    unsigned long setup_cmds, day_cmds, queries;
    /* container moves in the day, by kind */
    unsigned long discharge, load, relocate, receive, deliver;
    unsigned long trucks, holds_lifted;
};

struct bol_demo {
    struct bol_demo_stream setup;
    struct bol_demo_stream *day;
    unsigned nday;
    struct bol_demo_counts counts;
};

BOL_MUST_CHECK int bol_demo_plan(const struct bol_demo_opts *o, struct bol_demo *ret,
                                 struct bol_diag *diag);
void bol_demo_release(struct bol_demo *d);

static inline const char *bol_demo_text(const struct bol_demo_stream *s,
                                        const struct bol_demo_step *st)
{
    return s->text.buf + st->off;
}

/* ---- carrying a plan out (demo_run.c) ---- */

struct bol_ops;

/*
 * The simulated time commands are taken at: give bol_demo_clock_read and the
 * clock to bol_ops_opts.clock / clock_ctx.  It only moves forward.
 */
struct bol_demo_clock {
    _Atomic int64_t now_us;
};

int64_t bol_demo_clock_read(void *ctx);

#define BOL_DEMO_FIRST_MAX 640

struct bol_demo_report {
    unsigned long cmds, rejected, duplicates, events, queries, query_errors;
    double seconds;                 /* wall-clock time */
    char first[BOL_DEMO_FIRST_MAX]; /* the first rejection: stream, step, command and why */
};

/* Run the setup stream in order, many commands to a commit.  0 or an error opening readers. */
BOL_MUST_CHECK int bol_demo_run_setup(struct bol_ops *ops, struct bol_demo_clock *clk,
                                      const struct bol_demo *d, struct bol_demo_report *rep,
                                      struct bol_diag *diag);

/*
 * Run the day: one thread per stream, each a client waiting for each of its
 * commands, together in slices of slice_min simulated minutes (the streams
 * meet at the end of each slice, so the clock stays within one slice of
 * every stream).  Queries go to a read-only connection per thread.
 */
BOL_MUST_CHECK int bol_demo_run_day(struct bol_ops *ops, struct bol_demo_clock *clk,
                                    const struct bol_demo *d, unsigned slice_min,
                                    struct bol_demo_report *rep, struct bol_diag *diag);
