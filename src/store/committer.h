/* SPDX-License-Identifier: Apache-2.0 */
/*
 * committer.h - group commit: many threads share one writer and one fsync
 *
 * A durable commit costs an fsync; running each command in a transaction of
 * its own caps a terminal at one command per fsync.  The committer owns the
 * store's write connection.  Threads hand it units of work; it runs whatever
 * has queued up (at most max_batch, waiting at most max_wait_us for more) in
 * one transaction, commits once, and only then tells every thread its
 * result.  A unit that fails leaves no trace; the others commit.  If the
 * commit itself fails, every unit of the batch gets that error and nothing of
 * the batch is kept.
 *
 * A unit may run more than once: when another unit of its batch fails after
 * writing, the batch is rolled back and run again without the failed one.  So
 * a unit must act only through the store it is given, and fail, when it
 * must, before writing where it can (check, then write).
 */
#pragma once

#include "compat.h"

struct bol_diag;
struct bol_store;
struct bol_committer;

struct bol_committer_opts {
    unsigned max_batch;  /* units per transaction; 0 means 100 */
    int64_t max_wait_us; /* how long a batch may wait to fill; 0 commits what is queued */
};

/* A unit of work: append (and read) through s; return 0 or a BOL_E_* code. */
typedef int (*bol_unit_fn)(struct bol_store *s, void *ctx, struct bol_diag *diag);

/* Start the committer thread; it uses s exclusively until stopped. */
BOL_MUST_CHECK int bol_committer_start(struct bol_store *s, const struct bol_committer_opts *o,
                                       struct bol_committer **ret, struct bol_diag *diag);

/*
 * Run fn(s, ctx, diag) in the next batch and wait until that batch is
 * durable.  Returns fn's result, or the commit's error.  diag belongs to the
 * caller and is written by the committer thread while the caller waits.
 */
BOL_MUST_CHECK int bol_committer_run(struct bol_committer *c, bol_unit_fn fn, void *ctx,
                                     struct bol_diag *diag);

/*
 * Asynchronous form, for servers that multiplex many clients on few threads:
 * the committer calls u->done(u, result) on its own thread once the unit's
 * batch is durable (or failed), so a whole batch costs one wake-up of the
 * server's loop rather than one per client.  The caller fills fn, ctx, diag
 * (may be NULL) and done; u must stay alive until done is called.  Returns 0,
 * or BOL_E_STATE when the committer is stopping (done is then not called).
 */
struct bol_unit {
    bol_unit_fn fn;
    void *ctx;
    struct bol_diag *diag;
    void (*done)(struct bol_unit *u, int result);
    /* private */
    int result;
    struct bol_unit *next;
};

BOL_MUST_CHECK int bol_committer_submit(struct bol_committer *c, struct bol_unit *u);

struct bol_committer_stats {
    uint64_t commits;
    uint64_t units;
    uint64_t failed_units;
    unsigned largest_batch;
};

void bol_committer_stats(struct bol_committer *c, struct bol_committer_stats *out);

/* Finish the queued work, stop the thread, free c.  NULL is allowed. */
void bol_committer_stop(struct bol_committer *c);
