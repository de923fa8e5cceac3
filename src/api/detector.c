/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detector.c - the server's detection loop: journal in, alerts out
 *
 * One thread reads the entries the journal gained since its cursor (every
 * quarter second), feeds them to the rules (detect.h), journals each alert
 * they raise as alert.raised (by "system", with the request id "alert:ID",
 * so raising the same alert twice is harmless), and hands every alert entry
 * it reads to the sinks (alertsink.h): delivery follows the journal, so an
 * alert journaled by anyone (the replica's refusals, a failed verification)
 * goes out the same way, and one journaled just before a crash goes out
 * after the restart.
 *
 * The cursor (the last entry evaluated) is kept in the store's metadata.
 * On start the rules are primed, without raising, with the accounts as they
 * are and the PRIME_ENTRIES entries up to the cursor; entries after it,
 * written while the server was down, are evaluated as if live.  A first
 * start evaluates nothing older than itself.
 *
 * The thread also writes service.started, a service.heartbeat whenever the
 * journal has been quiet for a third of the logging-gap window (so a quiet
 * journal is told from a stopped one) and, on a clean stop, service.stopped;
 * and a second thread verifies the whole journal every verify_every_s.
 */
#include "compat.h"

#include <stdatomic.h>
#include <syslog.h>
#include <time.h>

#include "account.h"
#include "alertsink.h"
#include "api-int.h"
#include "buf.h"
#include "detect.h"
#include "detector.h"
#include "entry.h"
#include "jsonv.h"
#include "mem.h"
#include "query.h"
#include "store.h"
#include "utctime.h"

#define PRIME_ENTRIES 50000
#define READ_BATCH    10000
#define PENDING_MAX   256
#define TICK_US       250000

struct bol_detector {
    struct bol_api *api;
    struct bol_detect *eng;
    struct bol_alertsink *sink;
    struct bol_detect_policy policy;
    char version[64];
    unsigned verify_every_s;

    pthread_t t, vt;
    bool t_running, vt_running;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;

    uint64_t cursor, saved_cursor;
    int64_t last_entry_at; /* time of the newest entry seen */
    int64_t heartbeat_us;
    int64_t saved_at_mono;

    struct bol_alert pending[PENDING_MAX];
    unsigned npending;
    atomic_uint_fast64_t raised; /* both threads raise */
    uint64_t lost;
};

static void collect(void *ctx, const struct bol_alert *a)
{
    struct bol_detector *d = ctx;

    if (d->npending < PENDING_MAX)
        d->pending[d->npending++] = *a;
    else
        d->lost++;
}

static int run_system(struct bol_detector *d, json_t *cmd, const char *req, struct bol_diag *diag)
{
    struct bol_actor actor = { bol_str_from("system"), bol_str_from("") };
    int r;

    if (!cmd)
        return BOL_E_NOMEM;
    r = bol_ops_run(d->api->ops, &actor, bol_str_from(req ? req : ""), cmd, NULL, diag);
    json_decref(cmd);
    return r;
}

/* Journal an alert; when the journal refuses, at least the local syslog hears of it. */
static void raise_alert(struct bol_detector *d, const struct bol_alert *a)
{
    struct bol_diag diag;
    json_t *o = NULL;
    char req[BOL_ALERT_ID_MAX + 8];
    int r;

    bol_diag_init(&diag);
    snprintf(req, sizeof(req), "alert:%s", a->id);
    r = bol_alert_to_json(a, &o);
    if (r == 0)
        r = run_system(d, json_pack("{s:s,s:o}", "cmd", "alert.raise", "alert", o), req, &diag);
    if (r == 0)
        d->raised++;
    else if (r != BOL_E_CONFLICT)
        syslog(LOG_AUTH | LOG_CRIT, "bollard: alert %s (%s) could not be journaled: %s: %s", a->id,
               bol_alert_severity_names[a->severity], a->message, diag.msg);
}

static void raise_pending(struct bol_detector *d)
{
    unsigned i;

    for (i = 0; i < d->npending; i++)
        raise_alert(d, &d->pending[i]);
    if (d->lost)
        syslog(LOG_AUTH | LOG_CRIT, "bollard: %" PRIu64 " alerts raised at once were not journaled",
               d->lost);
    d->npending = 0;
    d->lost = 0;
}

/* ---- reading the journal ---- */

struct feed {
    struct bol_detector *d;
    bool live;
    uint64_t last;
};

static int feed_one(void *ctx, uint64_t seq, struct bol_str bytes, const struct bol_hash *leaf)
{
    struct feed *f = ctx;
    struct bol_detector *d = f->d;
    struct bol_entry e;
    struct bol_diag diag;

    (void) leaf;
    f->last = seq;
    bol_diag_init(&diag);
    if (bol_entry_decode(bytes, &e, &diag) < 0)
        return 0; /* verification reports it */
    if (bol_detect_feed(d->eng, &e, f->live ? collect : NULL, d) < 0)
        return BOL_E_NOMEM;
    if (f->live &&
        (bol_str_eq_cstr(e.type, "alert.raised") || bol_str_eq_cstr(e.type, "alert.acknowledged")))
        bol_alertsink_deliver(d->sink, &e, bytes);
    d->last_entry_at = e.at_us;
    return 0;
}

static int read_from(struct bol_detector *d, struct bol_store *s, uint64_t from, uint64_t limit,
                     bool live, uint64_t *last, struct bol_diag *diag)
{
    struct feed f = { d, live, 0 };
    int r = bol_store_read(s, from, limit, feed_one, &f, diag);

    *last = f.last;
    return r;
}

/* Accounts and keys as they are, so an admin's off-hours work is known before their next change. */
static int prime_accounts(struct bol_detector *d, struct bol_store *s, struct bol_diag *diag)
{
    json_t *list = NULL, *v;
    size_t i;
    int r = bol_query_docs(s, BOL_DOC_ACCOUNT, NULL, &list, diag);

    json_array_foreach(list, i, v)
    {
        struct bol_account a;

        if (r == 0 && bol_account_from_json(v, &a, NULL) == 0)
            r = bol_detect_account(d->eng, bol_str_from(a.user), a.roles, a.mfa, a.mfa_required);
    }
    json_decref(list);
    if (r < 0)
        return r;
    /* and keys, so an admin or security key at work outside hours is known */
    list = NULL;
    r = bol_query_docs(s, BOL_DOC_APIKEY, NULL, &list, diag);
    json_array_foreach(list, i, v)
    {
        struct bol_apikey_info k;

        if (r == 0 && bol_apikey_from_json(v, &k, NULL) == 0)
            r = bol_detect_key(d->eng, bol_str_from(k.id), BOL_ROLE_BIT(k.role));
    }
    json_decref(list);
    return r;
}

static int cursor_save(struct bol_store *s, void *ctx, struct bol_diag *diag)
{
    char v[32];

    snprintf(v, sizeof(v), "%" PRIu64, *(uint64_t *) ctx);
    return bol_store_meta_set(s, "detect.cursor", v, diag);
}

static int start_reading(struct bol_detector *d, struct bol_diag *diag)
{
    struct bol_store *s = NULL;
    struct bol_buf v = BOL_BUF_INIT(64);
    uint64_t size = 0, last;
    int r = api_reader_get(d->api, &s, diag);

    if (r == 0)
        r = bol_store_size(s, &size, diag);
    if (r == 0) {
        r = bol_store_meta_get(s, "detect.cursor", &v, diag);
        if (r == 0 && bol_buf_addch(&v, '\0') == 0)
            d->cursor = strtoull(v.buf, NULL, 10);
        else if (r == BOL_E_NOTFOUND)
            d->cursor = size, r = 0;
        if (d->cursor > size)
            d->cursor = size; /* a store restored to an earlier point */
    }
    bol_buf_release(&v);
    if (r == 0)
        r = prime_accounts(d, s, diag);
    if (r == 0 && d->cursor > 0)
        r = read_from(d, s, d->cursor > PRIME_ENTRIES ? d->cursor - PRIME_ENTRIES + 1 : 1,
                      d->cursor > PRIME_ENTRIES ? PRIME_ENTRIES : d->cursor, false, &last, diag);
    api_reader_put(d->api, s);
    d->saved_cursor = d->cursor;
    return r;
}

static void pass(struct bol_detector *d)
{
    struct bol_store *s = NULL;
    struct bol_diag diag;
    uint64_t last = 0;
    int r;

    bol_diag_init(&diag);
    if (api_reader_get(d->api, &s, &diag) < 0)
        return;
    do {
        last = 0;
        r = read_from(d, s, d->cursor + 1, READ_BATCH, true, &last, &diag);
        if (last)
            d->cursor = last;
        if (d->npending)
            break; /* journal these before reading on, so their entries follow soon */
    } while (r == 0 && last && !d->stop);
    api_reader_put(d->api, s);
    if (r < 0)
        syslog(LOG_AUTH | LOG_ERR, "bollard: detection cannot read the journal: %s", diag.msg);
    raise_pending(d);
}

/*
 * A heartbeat when the journal has been quiet; when it cannot be written,
 * the rules are told the service runs without journaling (logging_gap).
 */
static void heartbeat(struct bol_detector *d, int64_t now)
{
    struct bol_diag diag;

    if (!d->heartbeat_us || now - d->last_entry_at < d->heartbeat_us)
        return;
    bol_diag_init(&diag);
    if (run_system(d, json_pack("{s:s}", "cmd", "service.heartbeat"), NULL, &diag) == 0) {
        d->last_entry_at = now;
        return;
    }
    syslog(LOG_AUTH | LOG_ERR, "bollard: cannot journal a heartbeat: %s", diag.msg);
    bol_detect_idle(d->eng, now, collect, d);
}

static void save_cursor(struct bol_detector *d, bool now)
{
    struct bol_diag diag;
    int64_t mono = bol_time_mono_us();

    if (d->cursor == d->saved_cursor || (!now && mono - d->saved_at_mono < 1000000))
        return;
    bol_diag_init(&diag);
    if (bol_ops_run_tx(d->api->ops, cursor_save, &d->cursor, &diag) == 0) {
        d->saved_cursor = d->cursor;
        d->saved_at_mono = mono;
    }
}

static void *loop(void *arg)
{
    struct bol_detector *d = arg;

    pthread_mutex_lock(&d->lock);
    while (!d->stop) {
        struct timespec until;

        pthread_mutex_unlock(&d->lock);
        pass(d);
        heartbeat(d, api_now(d->api));
        raise_pending(d);
        save_cursor(d, false);
        pthread_mutex_lock(&d->lock);
        if (d->stop)
            break;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += TICK_US * 1000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&d->cond, &d->lock, &until);
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

/* ---- verification ---- */

static void verify_once(struct bol_detector *d)
{
    struct bol_store *s = NULL;
    struct bol_verify_report rep;
    struct bol_diag diag;
    struct bol_alert a;
    char key[64];
    int r;

    bol_diag_init(&diag);
    memset(&rep, 0, sizeof(rep));
    if (api_reader_get(d->api, &s, &diag) < 0)
        return;
    r = bol_store_verify(s, NULL, 0, &rep, &diag);
    api_reader_put(d->api, s);
    if (r != BOL_E_CORRUPT)
        return;
    if (rep.bad_seq)
        snprintf(key, sizeof(key), "entry-%" PRIu64, rep.bad_seq);
    else
        snprintf(key, sizeof(key), "checkpoint-%" PRIu64, rep.bad_checkpoint);
    bol_alert_make(&a, "journal_verify_failed", BOL_ALERT_CRITICAL, key, api_now(d->api),
                   "journal verification failed: %s", rep.what[0] ? rep.what : diag.msg);
    if (rep.bad_seq) {
        a.evidence[0] = rep.bad_seq;
        a.nevidence = 1;
    }
    a.count = 1;
    raise_alert(d, &a);
}

static void *verify_loop(void *arg)
{
    struct bol_detector *d = arg;

    pthread_mutex_lock(&d->lock);
    while (!d->stop) {
        struct timespec until;

        pthread_mutex_unlock(&d->lock);
        verify_once(d);
        pthread_mutex_lock(&d->lock);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += (time_t) d->verify_every_s;
        while (!d->stop && pthread_cond_timedwait(&d->cond, &d->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

/* ---- start and stop ---- */

int bol_detector_start(struct bol_api *api, const struct bol_detector_config *cfg,
                       struct bol_detector **ret, struct bol_diag *diag)
{
    struct bol_detector *d;
    const struct bol_rule_limit *gap;
    int64_t hb;
    int r;

    *ret = NULL;
    d = bol_calloc(1, sizeof(*d));
    if (!d)
        return BOL_E_NOMEM;
    d->api = api;
    d->policy = cfg->policy->detect;
    d->verify_every_s = cfg->verify_every_s;
    snprintf(d->version, sizeof(d->version), "%s", cfg->version);
    gap = &d->policy.rule[BOL_RULE_LOGGING_GAP];
    hb = gap->window_us / 3;
    d->heartbeat_us =
        gap->off ? 0 : BOL_MAX(BOL_MIN(hb, (int64_t) 300 * 1000000), (int64_t) 1000000);
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->cond, NULL);
    r = bol_detect_new(&d->policy, &d->eng);
    if (r == 0)
        r = bol_alertsink_open(&cfg->policy->alerts, cfg->webhook_key, cfg->webhook_key_len,
                               cfg->version, &d->sink, diag);
    if (r == 0)
        r = start_reading(d, diag);
    if (r == 0)
        r = run_system(d,
                       json_pack("{s:s,s:s,s:I}", "cmd", "service.start", "version", d->version,
                                 "heartbeat_s", (json_int_t) (d->heartbeat_us / 1000000)),
                       NULL, diag);
    if (r == 0) {
        if (pthread_create(&d->t, NULL, loop, d) != 0)
            r = bol_diag_fail(diag, BOL_E_NOMEM, "detect", "cannot start the detection thread");
        else
            d->t_running = true;
    }
    if (r == 0 && d->verify_every_s) {
        if (pthread_create(&d->vt, NULL, verify_loop, d) != 0)
            r = bol_diag_fail(diag, BOL_E_NOMEM, "detect", "cannot start the verification thread");
        else
            d->vt_running = true;
    }
    if (r < 0) {
        bol_detector_stop(d, false);
        return r;
    }
    *ret = d;
    return 0;
}

void bol_detector_stats(struct bol_detector *d, struct bol_detector_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!d)
        return;
    out->cursor = d->cursor;
    out->raised = atomic_load(&d->raised);
    bol_alertsink_stats(d->sink, &out->sink);
}

void bol_detector_stop(struct bol_detector *d, bool clean)
{
    struct bol_diag diag;

    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->stop = true;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    if (d->t_running)
        pthread_join(d->t, NULL);
    if (d->vt_running)
        pthread_join(d->vt, NULL);
    if (clean && d->t_running) {
        d->stop = false;
        pass(d); /* what came in since the last pass, delivered before stopping */
        save_cursor(d, true);
        bol_diag_init(&diag);
        if (run_system(d, json_pack("{s:s}", "cmd", "service.stop"), NULL, &diag) < 0)
            syslog(LOG_AUTH | LOG_ERR, "bollard: cannot journal the stop: %s", diag.msg);
    }
    bol_alertsink_close(d->sink, clean ? 3000 : 0);
    bol_detect_free(d->eng);
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->cond);
    bol_free(d);
}
