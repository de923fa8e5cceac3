/* SPDX-License-Identifier: Apache-2.0 */
/*
 * alertsink.c - delivering alerts to syslog and a signed webhook (alertsink.h)
 */
#include "compat.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "errors.h"
#include "jsonv.h"
#include "alertsink.h"
#include "mem.h"
#include "syslog_fwd.h"
#include "utctime.h"

struct delivery {
    struct delivery *next;
    uint64_t seq;
    char id[BOL_DELIVERY_ID_MAX]; /* X-Bollard-Delivery */
    char event[32];
    unsigned attempts;
    int64_t due_us; /* monotonic */
    size_t len;
    char body[];
};

struct bol_alertsink {
    struct bol_alert_policy p;
    char version[64];
    char host[256];
    struct bol_syslog_fwd *fwd;
    uint8_t key[256];
    size_t keylen;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t worker;
    bool running, stopping;
    int64_t stop_by_us;
    struct delivery *head; /* in order of arrival */
    unsigned queued;
    struct bol_alertsink_stats st;
};

void bol_webhook_sign(const uint8_t *key, size_t keylen, const char *timestamp, const char *body,
                      size_t len, char out[72])
{
    crypto_auth_hmacsha256_state h;
    uint8_t mac[crypto_auth_hmacsha256_BYTES];

    crypto_auth_hmacsha256_init(&h, key, keylen);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *) timestamp, strlen(timestamp));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *) ".", 1);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *) body, len);
    crypto_auth_hmacsha256_final(&h, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, 65, mac, sizeof(mac));
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void) p;
    (void) ctx;
    return size * n;
}

/* One POST; true when the receiver answered 2xx. */
static bool post(struct bol_alertsink *s, const struct delivery *d)
{
    char ts[32], sig[72], h1[64], h2[32 + BOL_DELIVERY_ID_MAX], h3[64], h4[96];
    struct curl_slist *hl = NULL;
    long status = 0;
    CURL *c = curl_easy_init();
    CURLcode cr;

    if (!c)
        return false;
    snprintf(ts, sizeof(ts), "%lld", (long long) (bol_time_now_us() / 1000000));
    bol_webhook_sign(s->key, s->keylen, ts, d->body, d->len, sig);
    snprintf(h1, sizeof(h1), "X-Bollard-Event: %s", d->event);
    snprintf(h2, sizeof(h2), "X-Bollard-Delivery: %s", d->id);
    snprintf(h3, sizeof(h3), "X-Bollard-Timestamp: %s", ts);
    snprintf(h4, sizeof(h4), "X-Bollard-Signature: %s", sig);
    hl = curl_slist_append(hl, "Content-Type: application/json");
    hl = curl_slist_append(hl, h1);
    hl = curl_slist_append(hl, h2);
    hl = curl_slist_append(hl, h3);
    hl = curl_slist_append(hl, h4);
    curl_easy_setopt(c, CURLOPT_URL, s->p.webhook_url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *) &d->body[0]);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long) d->len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    cr = curl_easy_perform(c);
    if (cr == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    return cr == CURLE_OK && status >= 200 && status < 300;
}

int64_t bol_webhook_backoff_us(unsigned attempts, unsigned max_s)
{
    int64_t sec = (int64_t) 1 << BOL_MIN(attempts ? attempts - 1 : 0, 20u);

    if (sec > (int64_t) max_s)
        sec = max_s;
    return sec * 1000000;
}

static void *work(void *arg)
{
    struct bol_alertsink *s = arg;

    pthread_mutex_lock(&s->lock);
    for (;;) {
        struct delivery **pp, *d = NULL;
        int64_t now = bol_time_mono_us(), next = INT64_MAX;

        if (s->stopping && (!s->head || now >= s->stop_by_us))
            break;
        for (pp = &s->head; *pp; pp = &(*pp)->next) {
            if ((*pp)->due_us <= now) {
                d = *pp;
                *pp = d->next;
                s->queued--;
                break;
            }
            if ((*pp)->due_us < next)
                next = (*pp)->due_us;
        }
        if (!d) {
            struct timespec until;
            int64_t wait = next == INT64_MAX ? 1000000 : next - now;

            if (s->stopping && now + wait > s->stop_by_us)
                wait = BOL_MAX(s->stop_by_us - now, (int64_t) 1000);
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += (time_t) (wait / 1000000);
            until.tv_nsec += (long) (wait % 1000000) * 1000;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&s->cond, &s->lock, &until);
            continue;
        }
        pthread_mutex_unlock(&s->lock);
        d->attempts++;
        if (post(s, d)) {
            pthread_mutex_lock(&s->lock);
            s->st.webhook_sent++;
            bol_free(d);
            continue;
        }
        pthread_mutex_lock(&s->lock);
        if (d->attempts >= s->p.webhook_attempts) {
            s->st.webhook_dropped++;
            syslog(LOG_AUTH | LOG_ERR,
                   "bollard: alert webhook gave up on delivery %s after %u attempts", d->id,
                   d->attempts);
            bol_free(d);
            continue;
        }
        s->st.webhook_retries++;
        d->due_us =
            bol_time_mono_us() + bol_webhook_backoff_us(d->attempts, s->p.webhook_backoff_max_s);
        d->next = NULL;
        for (pp = &s->head; *pp; pp = &(*pp)->next)
            ;
        *pp = d;
        s->queued++;
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int bol_alertsink_open(const struct bol_alert_policy *p, const uint8_t *key, size_t keylen,
                       const char *version, struct bol_alertsink **ret, struct bol_diag *diag)
{
    struct bol_alertsink *s;
    int r;

    *ret = NULL;
    if (p->webhook_url[0] && (keylen < BOL_WEBHOOK_KEY_MIN || keylen > 256))
        return bol_diag_fail(diag, BOL_E_INVAL, "alerts.webhook.secret_file",
                             "the webhook secret must be %d to 256 bytes", BOL_WEBHOOK_KEY_MIN);
    s = bol_calloc(1, sizeof(*s));
    if (!s)
        return BOL_E_NOMEM;
    s->p = *p;
    snprintf(s->version, sizeof(s->version), "%s", version);
    if (p->hostname[0])
        snprintf(s->host, sizeof(s->host), "%s", p->hostname);
    else if (gethostname(s->host, sizeof(s->host) - 1) != 0)
        snprintf(s->host, sizeof(s->host), "-");
    if (key && keylen)
        memcpy(s->key, key, keylen);
    s->keylen = keylen;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    if (p->syslog_url[0] && (r = bol_syslog_fwd_open(p->syslog_url, &s->fwd, diag)) < 0) {
        bol_alertsink_close(s, 0);
        return r;
    }
    if (p->webhook_url[0]) {
        if (pthread_create(&s->worker, NULL, work, s) != 0) {
            bol_alertsink_close(s, 0);
            return bol_diag_fail(diag, BOL_E_NOMEM, "webhook", "cannot start the webhook worker");
        }
        s->running = true;
    }
    *ret = s;
    return 0;
}

static void to_syslog(struct bol_alertsink *s, const struct bol_entry *e, struct bol_str bytes,
                      json_t *alert)
{
    struct bol_buf m = BOL_BUF_INIT(1u << 20);
    struct bol_diag d;
    int r;

    syslog(LOG_AUTH | (bol_str_eq_cstr(e->type, "alert.raised") ? LOG_ERR : LOG_NOTICE),
           "bollard: %.*s %s [%s] %s", (int) e->type.len, e->type.p,
           json_string_value(json_object_get(alert, "id")),
           json_string_value(json_object_get(alert, "severity")),
           json_string_value(json_object_get(alert, "message")));
    if (!s->fwd)
        return;
    bol_diag_init(&d);
    r = bol_audit_syslog(e, bytes, s->p.facility, s->host, s->version, &m, &d);
    if (r == 0)
        r = bol_syslog_fwd_send(s->fwd, m.buf, m.len, &d);
    pthread_mutex_lock(&s->lock);
    if (r == 0)
        s->st.syslog_sent++;
    else
        s->st.syslog_failed++;
    pthread_mutex_unlock(&s->lock);
    if (r < 0)
        syslog(LOG_AUTH | LOG_ERR, "bollard: alert not sent to the syslog collector: %s", d.msg);
    bol_buf_release(&m);
}

void bol_alertsink_deliver(struct bol_alertsink *s, const struct bol_entry *e, struct bol_str bytes)
{
    char id[BOL_DELIVERY_ID_MAX];

    snprintf(id, sizeof(id), "%" PRIu64, e->seq);
    bol_alertsink_deliver_as(s, e, bytes, id);
}

void bol_alertsink_deliver_as(struct bol_alertsink *s, const struct bol_entry *e,
                              struct bol_str bytes, const char *delivery_id)
{
    json_t *p, *body;
    struct delivery *d;
    struct bol_buf b = BOL_BUF_INIT(1u << 20);

    if (!s)
        return;
    p = json_loadb(e->payload.p, e->payload.len, 0, NULL);
    if (!json_is_object(json_object_get(p, "alert"))) {
        json_decref(p);
        return;
    }
    to_syslog(s, e, bytes, json_object_get(p, "alert"));
    if (!s->running) {
        json_decref(p);
        return;
    }
    body = json_pack("{s:s%,s:I,s:O}", "event", e->type.p, e->type.len, "seq", (json_int_t) e->seq,
                     "alert", json_object_get(p, "alert"));
    json_decref(p);
    if (!body)
        return;
    if (jv_dump(body, &b) < 0) {
        json_decref(body);
        bol_buf_release(&b);
        return;
    }
    json_decref(body);
    d = bol_malloc(sizeof(*d) + b.len + 1);
    if (!d) {
        bol_buf_release(&b);
        return;
    }
    memset(d, 0, sizeof(*d));
    d->seq = e->seq;
    snprintf(d->id, sizeof(d->id), "%s", delivery_id);
    snprintf(d->event, sizeof(d->event), "%.*s", (int) e->type.len, e->type.p);
    d->len = b.len;
    memcpy(d->body, b.buf, b.len);
    d->body[b.len] = '\0';
    bol_buf_release(&b);
    d->due_us = bol_time_mono_us();
    pthread_mutex_lock(&s->lock);
    if (s->queued >= BOL_ALERTSINK_QUEUE_MAX && s->head) {
        struct delivery *old = s->head;

        s->head = old->next;
        s->queued--;
        s->st.webhook_dropped++;
        syslog(LOG_AUTH | LOG_ERR, "bollard: alert webhook queue full: delivery %s dropped",
               old->id);
        bol_free(old);
    }
    {
        struct delivery **pp;

        for (pp = &s->head; *pp; pp = &(*pp)->next)
            ;
        *pp = d;
    }
    s->queued++;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

void bol_alertsink_stats(struct bol_alertsink *s, struct bol_alertsink_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    *out = s->st;
    pthread_mutex_unlock(&s->lock);
}

void bol_alertsink_close(struct bol_alertsink *s, unsigned wait_ms)
{
    if (!s)
        return;
    if (s->running) {
        pthread_mutex_lock(&s->lock);
        s->stopping = true;
        s->stop_by_us = bol_time_mono_us() + (int64_t) wait_ms * 1000;
        pthread_cond_signal(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->worker, NULL);
    }
    while (s->head) {
        struct delivery *d = s->head;

        s->head = d->next;
        bol_free(d);
    }
    bol_syslog_fwd_close(s->fwd);
    sodium_memzero(s->key, sizeof(s->key));
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    bol_free(s);
}
