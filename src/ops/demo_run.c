/* SPDX-License-Identifier: Apache-2.0 */
/*
 * demo_run.c - carry a demo plan out through the command service (demo.h)
 */
#include "compat.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "demo.h"
#include "errors.h"
#include "mem.h"
#include "ops.h"
#include "query.h"

int64_t bol_demo_clock_read(void *ctx)
{
    struct bol_demo_clock *c = ctx;

    return atomic_load(&c->now_us);
}

static void clock_advance(struct bol_demo_clock *c, int64_t to)
{
    int64_t cur = atomic_load(&c->now_us);

    while (cur < to && !atomic_compare_exchange_weak(&c->now_us, &cur, to))
        ;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Report a rejection: count it and keep the first. */
static void rejected(struct bol_demo_report *rep, pthread_mutex_t *lock,
                     const struct bol_demo_stream *s, size_t i, int r, const struct bol_diag *d)
{
    char why[BOL_DIAG_MSG_MAX + BOL_DIAG_FIELD_MAX + 8];

    bol_diag_text(d, why, sizeof(why));
    if (lock)
        pthread_mutex_lock(lock);
    if (!rep->rejected++)
        snprintf(rep->first, sizeof(rep->first), "%s step %zu: %s: %s (%s)", s->name, i + 1,
                 bol_errname(r), why, bol_demo_text(s, &s->step[i]));
    if (lock)
        pthread_mutex_unlock(lock);
}

/* ---- setup: in order, a window of commands in flight ---- */

#define SETUP_WINDOW 1000

struct window {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned pending;
};

struct setup_call {
    struct bol_ops_call call;
    size_t step;
    int result;
};

static void setup_done(struct bol_ops_call *call, int result)
{
    struct setup_call *sc = (struct setup_call *) call;
    struct window *w = call->user;

    sc->result = result;
    pthread_mutex_lock(&w->lock);
    if (--w->pending == 0)
        pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

int bol_demo_run_setup(struct bol_ops *ops, struct bol_demo_clock *clk, const struct bol_demo *d,
                       struct bol_demo_report *rep, struct bol_diag *diag)
{
    const struct bol_demo_stream *s = &d->setup;
    struct setup_call *calls = bol_calloc(SETUP_WINDOW, sizeof(*calls));
    struct window w;
    double t0 = now_s();
    size_t i = 0;

    memset(rep, 0, sizeof(*rep));
    if (!calls)
        return bol_diag_fail(diag, BOL_E_NOMEM, NULL, "out of memory");
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.cond, NULL);
    while (i < s->n) {
        size_t n = 0, k;

        w.pending = 0;
        for (; i < s->n && n < SETUP_WINDOW; i++) {
            const struct bol_demo_step *st = &s->step[i];
            struct setup_call *sc = &calls[n];
            json_error_t err;
            int r;

            memset(sc, 0, sizeof(*sc));
            sc->step = i;
            sc->call.cmd = json_loadb(bol_demo_text(s, st), st->len, JSON_REJECT_DUPLICATES, &err);
            if (!sc->call.cmd) {
                struct bol_diag bad;

                bol_diag_init(&bad);
                bol_diag_fail(&bad, BOL_E_PARSE, "line", "%s", err.text);
                rejected(rep, NULL, s, i, BOL_E_PARSE, &bad);
                continue;
            }
            clock_advance(clk, st->at_us);
            sc->call.actor.id = bol_str_from(s->actor);
            sc->call.actor.addr = bol_str_make("", 0);
            sc->call.req = bol_str_from(st->req);
            sc->call.done = setup_done;
            sc->call.user = &w;
            pthread_mutex_lock(&w.lock);
            w.pending++;
            pthread_mutex_unlock(&w.lock);
            r = bol_ops_submit(ops, &sc->call);
            if (r < 0) {
                pthread_mutex_lock(&w.lock);
                w.pending--;
                pthread_mutex_unlock(&w.lock);
                sc->result = r;
                sc->call.diag.code = r;
            }
            n++;
        }
        pthread_mutex_lock(&w.lock);
        while (w.pending)
            pthread_cond_wait(&w.cond, &w.lock);
        pthread_mutex_unlock(&w.lock);
        for (k = 0; k < n; k++) {
            struct setup_call *sc = &calls[k];

            rep->cmds++;
            if (sc->result < 0)
                rejected(rep, NULL, s, sc->step, sc->result, &sc->call.diag);
            else
                rep->events += sc->call.res.events;
            json_decref(sc->call.cmd);
        }
    }
    pthread_cond_destroy(&w.cond);
    pthread_mutex_destroy(&w.lock);
    bol_free(calls);
    rep->seconds = now_s() - t0;
    return 0;
}

/* ---- the day: a thread per stream, in slices ---- */

struct day {
    struct bol_ops *ops;
    struct bol_demo_clock *clk;
    const struct bol_demo *d;
    int64_t slice_us, first_us;
    unsigned slices;
    pthread_barrier_t barrier;
    pthread_mutex_t lock;
    pthread_cond_t start; /* the clients wait until all of them exist */
    bool go, cancel;
    struct bol_demo_report *rep;
    int open_error;
    struct bol_diag open_diag;
};

struct client {
    struct day *day;
    const struct bol_demo_stream *s;
    pthread_t thread;
};

/* "A/B/C" into up to three parts. */
static unsigned split(const char *in, char parts[3][24])
{
    unsigned n = 0;
    size_t k = 0;

    memset(parts, 0, 3 * 24);
    for (; *in && n < 3; in++) {
        if (*in == '/') {
            n++;
            k = 0;
        } else if (k + 1 < 24) {
            parts[n][k++] = *in;
        }
    }
    return n + 1;
}

static int query(struct bol_store *rd, const struct bol_demo_step *st, const char *text,
                 int64_t now_us, struct bol_diag *diag)
{
    char part[3][24];
    json_t *j = NULL;
    int r;

    switch (st->kind) {
    case BOL_DEMO_Q_CONTAINER:
        r = bol_query_container(rd, text, now_us, &j, diag);
        break;
    case BOL_DEMO_Q_YARD:
        split(text, part);
        r = bol_query_yard(rd, part[0], part[1], (unsigned) strtoul(part[2], NULL, 10), &j, diag);
        break;
    case BOL_DEMO_Q_QUEUE:
        split(text, part);
        r = bol_query_queue(rd, part[0], part[1], &j, diag);
        break;
    case BOL_DEMO_Q_VISIT:
        r = bol_query_visit(rd, text, &j, diag);
        break;
    default:
        r = bol_diag_fail(diag, BOL_E_INVAL, "kind", "no query of kind %u", st->kind);
        break;
    }
    json_decref(j);
    return r;
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    struct day *day = c->day;
    const struct bol_demo_stream *s = c->s;
    struct bol_store *rd = NULL;
    struct bol_actor actor = { bol_str_from(s->actor), bol_str_make("", 0) };
    unsigned long cmds = 0, dup = 0, events = 0, queries = 0, qerr = 0;
    struct bol_diag d;
    unsigned slice;
    size_t i = 0;
    int r;

    pthread_mutex_lock(&day->lock);
    while (!day->go && !day->cancel)
        pthread_cond_wait(&day->start, &day->lock);
    pthread_mutex_unlock(&day->lock);
    if (day->cancel)
        return NULL;
    bol_diag_init(&d);
    r = bol_ops_reader(day->ops, &rd, &d);
    if (r < 0) {
        pthread_mutex_lock(&day->lock);
        if (!day->open_error) {
            day->open_error = r;
            day->open_diag = d;
        }
        pthread_mutex_unlock(&day->lock);
    }
    for (slice = 0; slice < day->slices; slice++) {
        int64_t end = day->first_us + (int64_t) (slice + 1) * day->slice_us;

        for (; rd && i < s->n && (s->step[i].at_us < end || slice + 1 == day->slices); i++) {
            const struct bol_demo_step *st = &s->step[i];
            const char *text = bol_demo_text(s, st);

            clock_advance(day->clk, st->at_us);
            bol_diag_init(&d);
            if (st->kind == BOL_DEMO_CMD) {
                struct bol_ops_result res;
                json_error_t err;
                json_t *cmd = json_loadb(text, st->len, JSON_REJECT_DUPLICATES, &err);

                cmds++;
                if (!cmd) {
                    bol_diag_fail(&d, BOL_E_PARSE, "line", "%s", err.text);
                    rejected(day->rep, &day->lock, s, i, BOL_E_PARSE, &d);
                    continue;
                }
                memset(&res, 0, sizeof(res));
                r = bol_ops_run(day->ops, &actor, bol_str_from(st->req), cmd, &res, &d);
                json_decref(cmd);
                if (r < 0)
                    rejected(day->rep, &day->lock, s, i, r, &d);
                dup += res.duplicate;
                events += res.events;
            } else {
                queries++;
                if (query(rd, st, text, bol_demo_clock_read(day->clk), &d) < 0)
                    qerr++;
            }
        }
        pthread_barrier_wait(&day->barrier);
    }
    bol_store_close(rd);
    pthread_mutex_lock(&day->lock);
    day->rep->cmds += cmds;
    day->rep->duplicates += dup;
    day->rep->events += events;
    day->rep->queries += queries;
    day->rep->query_errors += qerr;
    pthread_mutex_unlock(&day->lock);
    return NULL;
}

int bol_demo_run_day(struct bol_ops *ops, struct bol_demo_clock *clk, const struct bol_demo *d,
                     unsigned slice_min, struct bol_demo_report *rep, struct bol_diag *diag)
{
    struct day day;
    struct client *cl;
    int64_t first = INT64_MAX, last = INT64_MIN;
    double t0;
    unsigned i, started = 0;

    memset(rep, 0, sizeof(*rep));
    if (!d->nday)
        return 0;
    for (i = 0; i < d->nday; i++) {
        const struct bol_demo_stream *s = &d->day[i];

        if (s->n && s->step[0].at_us < first)
            first = s->step[0].at_us;
        if (s->n && s->step[s->n - 1].at_us > last)
            last = s->step[s->n - 1].at_us;
    }
    if (first > last)
        return 0;
    memset(&day, 0, sizeof(day));
    day.ops = ops;
    day.clk = clk;
    day.d = d;
    day.rep = rep;
    day.first_us = first;
    day.slice_us = (int64_t) (slice_min ? slice_min : 15) * 60 * 1000000;
    day.slices = (unsigned) ((last - first) / day.slice_us + 1);
    cl = bol_calloc(d->nday, sizeof(*cl));
    if (!cl)
        return bol_diag_fail(diag, BOL_E_NOMEM, NULL, "out of memory");
    pthread_mutex_init(&day.lock, NULL);
    pthread_cond_init(&day.start, NULL);
    pthread_barrier_init(&day.barrier, NULL, d->nday);
    for (i = 0; i < d->nday; i++) {
        cl[i].day = &day;
        cl[i].s = &d->day[i];
        if (pthread_create(&cl[i].thread, NULL, client_main, &cl[i]) != 0)
            break;
        started++;
    }
    /* The barrier counts every stream: without all of them it would never open. */
    t0 = now_s();
    pthread_mutex_lock(&day.lock);
    if (started == d->nday)
        day.go = true;
    else
        day.cancel = true;
    pthread_cond_broadcast(&day.start);
    pthread_mutex_unlock(&day.lock);
    for (i = 0; i < started; i++)
        pthread_join(cl[i].thread, NULL);
    rep->seconds = now_s() - t0;
    pthread_barrier_destroy(&day.barrier);
    pthread_cond_destroy(&day.start);
    pthread_mutex_destroy(&day.lock);
    bol_free(cl);
    if (day.cancel)
        return bol_diag_fail(diag, BOL_E_NOMEM, NULL, "cannot start %u client threads", d->nday);
    if (day.open_error)
        return bol_diag_fail(diag, day.open_error, NULL, "cannot open a reader: %s",
                             day.open_diag.msg);
    return 0;
}
