/* SPDX-License-Identifier: Apache-2.0 */
/*
 * committer.c - group commit on one writer thread
 */
#include "compat.h"

#include <pthread.h>

#include "committer.h"
#include "errors.h"
#include "mem.h"
#include "store.h"
#include "utctime.h"

struct bol_committer {
    struct bol_store *s;
    unsigned max_batch;
    int64_t max_wait_us;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work; /* the queue got a unit, or stop was asked */
    struct bol_unit *head, *tail;
    unsigned queued;
    bool stopping;
    struct bol_committer_stats stats;
};

static void deadline_ts(int64_t mono_deadline_us, struct timespec *ts)
{
    /* The condition variable runs on CLOCK_MONOTONIC (set in start). */
    ts->tv_sec = (time_t) (mono_deadline_us / 1000000);
    ts->tv_nsec = (long) (mono_deadline_us % 1000000) * 1000;
}

/*
 * Run the units optimistically, without a savepoint each: a unit that fails
 * before writing anything (the usual way: its checks fail) simply drops out.
 * A unit that fails after writing poisons the transaction, so the batch is
 * rolled back and run again without it.  Each rerun removes one unit, so a
 * batch runs at most n + 1 times.
 */
static void run_batch(struct bol_committer *c, struct bol_unit *batch, unsigned n)
{
    struct bol_diag d;
    struct bol_unit *u;
    uint64_t failed = 0;
    bool again;
    int r;

    for (u = batch; u; u = u->next)
        u->result = 0;
    do {
        again = false;
        bol_diag_init(&d);
        r = bol_store_begin(c->s, &d);
        for (u = batch; r == 0 && u; u = u->next) {
            uint64_t w0 = bol_store_writes(c->s);
            int x;

            if (u->result < 0)
                continue;
            x = u->fn(c->s, u->ctx, u->diag);
            if (x >= 0)
                continue;
            u->result = x;
            failed++;
            if (bol_store_writes(c->s) != w0) {
                bol_store_rollback(c->s);
                again = true;
                break;
            }
        }
    } while (again);
    if (r == 0)
        r = bol_store_commit(c->s, bol_time_now_us(), &d);
    if (r < 0) {
        /* Nothing of the batch is kept: every unit learns why. */
        for (u = batch; u; u = u->next) {
            if (u->result == 0) {
                u->result = r;
                if (u->diag)
                    *u->diag = d;
            }
        }
        bol_store_rollback(c->s);
    }
    pthread_mutex_lock(&c->lock);
    c->stats.commits++;
    c->stats.units += n;
    c->stats.failed_units += failed;
    if (n > c->stats.largest_batch)
        c->stats.largest_batch = n;
    pthread_mutex_unlock(&c->lock);
}

static void *committer_main(void *arg)
{
    struct bol_committer *c = arg;

    pthread_mutex_lock(&c->lock);
    for (;;) {
        struct bol_unit *batch, *u;
        unsigned n;

        while (!c->head && !c->stopping)
            pthread_cond_wait(&c->work, &c->lock);
        if (!c->head)
            break;
        if (c->max_wait_us > 0 && c->queued < c->max_batch && !c->stopping) {
            struct timespec ts;

            deadline_ts(bol_time_mono_us() + c->max_wait_us, &ts);
            while (c->queued < c->max_batch && !c->stopping) {
                if (pthread_cond_timedwait(&c->work, &c->lock, &ts) == ETIMEDOUT)
                    break;
            }
        }
        /* Take up to max_batch units off the queue. */
        batch = c->head;
        u = batch;
        n = 1;
        while (u->next && n < c->max_batch) {
            u = u->next;
            n++;
        }
        c->head = u->next;
        if (!c->head)
            c->tail = NULL;
        u->next = NULL;
        c->queued -= n;
        pthread_mutex_unlock(&c->lock);

        run_batch(c, batch, n);
        for (u = batch; u;) {
            /* done() may free the unit: read next first. */
            struct bol_unit *next = u->next;

            u->done(u, u->result);
            u = next;
        }
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int bol_committer_start(struct bol_store *s, const struct bol_committer_opts *o,
                        struct bol_committer **ret, struct bol_diag *diag)
{
    struct bol_committer *c = bol_calloc(1, sizeof(*c));
    pthread_condattr_t ca;

    if (!c)
        return bol_diag_fail(diag, BOL_E_NOMEM, "committer", "out of memory");
    c->s = s;
    c->max_batch = o && o->max_batch ? o->max_batch : 100;
    c->max_wait_us = o ? o->max_wait_us : 0;
    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->work, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&c->thread, NULL, committer_main, c) != 0) {
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->work);
        bol_free(c);
        return bol_diag_fail(diag, BOL_E_INTERNAL, "committer", "cannot start a thread");
    }
    *ret = c;
    return 0;
}

int bol_committer_submit(struct bol_committer *c, struct bol_unit *u)
{
    u->result = 0;
    u->next = NULL;
    pthread_mutex_lock(&c->lock);
    if (c->stopping) {
        pthread_mutex_unlock(&c->lock);
        return bol_diag_fail(u->diag, BOL_E_STATE, "committer", "the committer is stopping");
    }
    if (c->tail)
        c->tail->next = u;
    else
        c->head = u;
    c->tail = u;
    c->queued++;
    pthread_cond_signal(&c->work);
    pthread_mutex_unlock(&c->lock);
    return 0;
}

/* The synchronous form: a unit on the caller's stack and a condition to wait on. */
struct sync_unit {
    struct bol_unit u;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
};

static void sync_done(struct bol_unit *u, int result)
{
    struct sync_unit *su = (struct sync_unit *) u;

    (void) result;
    pthread_mutex_lock(&su->lock);
    su->done = true;
    pthread_cond_signal(&su->cond);
    pthread_mutex_unlock(&su->lock);
}

int bol_committer_run(struct bol_committer *c, bol_unit_fn fn, void *ctx, struct bol_diag *diag)
{
    struct sync_unit su;
    int r;

    memset(&su, 0, sizeof(su));
    su.u.fn = fn;
    su.u.ctx = ctx;
    su.u.diag = diag;
    su.u.done = sync_done;
    pthread_mutex_init(&su.lock, NULL);
    pthread_cond_init(&su.cond, NULL);
    r = bol_committer_submit(c, &su.u);
    if (r == 0) {
        pthread_mutex_lock(&su.lock);
        while (!su.done)
            pthread_cond_wait(&su.cond, &su.lock);
        pthread_mutex_unlock(&su.lock);
        r = su.u.result;
    }
    pthread_cond_destroy(&su.cond);
    pthread_mutex_destroy(&su.lock);
    return r;
}

void bol_committer_stats(struct bol_committer *c, struct bol_committer_stats *out)
{
    pthread_mutex_lock(&c->lock);
    *out = c->stats;
    pthread_mutex_unlock(&c->lock);
}

void bol_committer_stop(struct bol_committer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stopping = true;
    pthread_cond_signal(&c->work);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->work);
    bol_free(c);
}
