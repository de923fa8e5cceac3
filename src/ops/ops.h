/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ops.h - the command service: every change to a terminal runs through here
 *
 * bol_ops owns the store's writer for a data directory (through a group
 * committer, committer.h).  A command (commands.h) runs on the writer thread
 * inside a transaction: its request id is looked up, the rules read current
 * state through the store's view, the events are journaled and applied, and
 * the batch commits; only then is the caller told.  A command that fails
 * changes nothing.  Many threads may submit at once: their commands share
 * commits but each is all-or-nothing and they are applied one after another
 * in the order they were queued.
 *
 * Queries do not go through here: open the data directory read-only
 * (bol_ops_reader) and call query.h on it, on any thread.
 */
#pragma once

#include <jansson.h>

#include "account.h"
#include "committer.h"
#include "compat.h"
#include "errors.h"
#include "sha256.h"
#include "store.h"

struct bol_ops;

struct bol_ops_opts {
    const char *data_dir;
    const char *sqlite_vfs;         /* tests: a registered SQLite VFS, or NULL */
    unsigned max_batch;             /* commands per commit; 0: 100 */
    int64_t max_wait_us;            /* how long a commit waits for company; 0: none */
    uint32_t checkpoint_every;      /* journal checkpoints; 0: the store's default */
    int64_t checkpoint_interval_us; /* 0: the store's default */
    /* The time commands are taken at (UTC microseconds); NULL: the system clock. */
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
};

BOL_MUST_CHECK int bol_ops_open(const struct bol_ops_opts *o, struct bol_ops **ret,
                                struct bol_diag *diag);

/* Finish queued commands and close.  NULL is allowed. */
void bol_ops_close(struct bol_ops *ops);

/*
 * A command of several steps (cmd a JSON array of commands, e.g. one EDI
 * message) runs in one transaction: each step sees what the ones before it
 * did, and either every step is journaled or nothing is.  One request id
 * covers the whole.
 */
#define BOL_OPS_STEPS_MAX   100000u
#define BOL_OPS_STEPS_BYTES (64u << 20) /* their canonical JSON, for the request hash */

struct bol_ops_result {
    uint64_t first_seq, last_seq; /* the journal entries written (or written the first time) */
    unsigned events;
    unsigned steps;      /* commands of a command of several steps (0 for a single command) */
    bool duplicate;      /* the request id was carried out before: nothing new */
    uint64_t id;         /* what the command created (a work instruction, a truck visit) */
    const char *id_name; /* "wi", "truck", or NULL */
};

/*
 * A command on its way.  Fill actor, req (the client's request id, may be
 * empty), cmd (kept referenced until done) and done; the rest is the
 * service's.  done runs on the writer thread once the command is durable or
 * has failed: result is 0 or a BOL_E_* code with the reason in diag.
 */
struct bol_ops_call {
    struct bol_actor actor;
    struct bol_str req;
    json_t *cmd;
    /*
     * Optional: the command as the client sent it, when the caller completed
     * cmd for it (autoplan.h: a slot chosen for "auto", a dig-out's steps).
     * The request id stands for this one, so a retry matches the first run.
     */
    json_t *asked;
    void (*done)(struct bol_ops_call *call, int result);
    void *user;
    /*
     * Optional: the terminals the actor may change (NULL: every one).  A
     * command with an event for a terminal outside it fails with BOL_E_PERM.
     */
    const struct bol_scope *scope;
    /*
     * Optional: runs on the writer thread after the events are journaled,
     * in the same transaction (credential writes that must commit or roll
     * back with them).  An error undoes the whole command.  Not run for a
     * repeated request id.
     */
    int (*tx_hook)(struct bol_store *s, struct bol_ops_call *call, struct bol_diag *diag);

    struct bol_ops_result res;
    struct bol_diag diag;
    long failed_step; /* several steps: the one that failed (-1: none, or not a step) */

    /* private */
    struct bol_ops *ops;
    struct bol_unit unit;
    uint8_t hash[BOL_SHA256_LEN];
};

/*
 * Check cmd against the state s shows at time now, as the actor limited to
 * scope (NULL: every terminal) would run it, without journaling anything:
 * 0 when it would be carried out now, else the error it would get.  For
 * requests that wait (a second person's approval), so a request that cannot
 * succeed is refused to its author.  s may be a read-only store.
 */
BOL_MUST_CHECK int bol_ops_check(struct bol_store *s, json_t *cmd, int64_t now,
                                 const struct bol_scope *scope, struct bol_diag *diag);

/* Queue a command.  0, or an error (then done is not called). */
BOL_MUST_CHECK int bol_ops_submit(struct bol_ops *ops, struct bol_ops_call *call);

/* Run a filled-in call (done is not used) and wait; the outcome is in call->res / call->diag. */
BOL_MUST_CHECK int bol_ops_run_call(struct bol_ops *ops, struct bol_ops_call *call);

/*
 * Run fn on the writer inside a transaction and wait until it is durable:
 * for credential-store writes that journal nothing (a session's last use).
 */
BOL_MUST_CHECK int bol_ops_run_tx(struct bol_ops *ops,
                                  int (*fn)(struct bol_store *s, void *ctx, struct bol_diag *diag),
                                  void *ctx, struct bol_diag *diag);

/*
 * Write the journal's time-based checkpoint if one is due (entries written
 * since the last one, and the interval passed).  A server calls this every
 * second so a quiet journal is signed within the interval; replicas pull
 * nothing newer than what a checkpoint covers as verified.
 */
BOL_MUST_CHECK int bol_ops_checkpoint_tick(struct bol_ops *ops, struct bol_diag *diag);

/* Run a command and wait until it is durable or has failed. */
BOL_MUST_CHECK int bol_ops_run(struct bol_ops *ops, const struct bol_actor *actor,
                               struct bol_str req, json_t *cmd, struct bol_ops_result *res,
                               struct bol_diag *diag);

/* Open the same data directory read-only, for queries on the calling thread. */
BOL_MUST_CHECK int bol_ops_reader(struct bol_ops *ops, struct bol_store **ret,
                                  struct bol_diag *diag);

const char *bol_ops_data_dir(const struct bol_ops *ops);

void bol_ops_stats(struct bol_ops *ops, struct bol_committer_stats *out);

/* The result as JSON: {"seq": [first, last], "events": n, "duplicate": b, "wi": id ...}. */
json_t *bol_ops_result_json(const struct bol_ops_result *res);
