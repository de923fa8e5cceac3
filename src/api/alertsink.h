/* SPDX-License-Identifier: Apache-2.0 */
/*
 * alertsink.h - delivering alerts: syslog (RFC 5424) and a signed webhook
 *
 * Each alert.raised or alert.acknowledged journal entry is handed over once
 * it is in the journal, so what is delivered is what the journal holds.
 *
 *   syslog   the entry as an RFC 5424 message (audit.h: PRI from the alert's
 *            severity, MSGID the event type, the entry's canonical bytes as
 *            the message) to the policy's collector, udp:// or tcp://; and a
 *            one-line summary to the local syslog (LOG_AUTH).
 *   webhook  POST of {"event", "seq", "alert"} as JSON, with headers
 *              X-Bollard-Event: alert.raised
 *              X-Bollard-Delivery: <seq> (a replica's own alerts: replica-...)
 *              X-Bollard-Timestamp: <unix seconds>
 *              X-Bollard-Signature: sha256=<hex HMAC-SHA256(secret, timestamp "." body)>
 *            A 2xx answer delivers; anything else is retried after 1, 2, 4 ...
 *            seconds (at most backoff_max_s) up to `attempts` times in all, by
 *            one worker thread, so a slow receiver never holds up detection;
 *            after the last attempt the delivery is given up (counted as
 *            dropped, logged).  The queue is in memory and holds at most
 *            BOL_ALERTSINK_QUEUE_MAX alerts; beyond that the oldest is dropped
 *            and the drop is logged.  What is queued at a stop or crash is
 *            not kept: the journal and the alerts API still have every alert.
 *            Syslog sends are not retried.
 */
#pragma once

#include "compat.h"
#include "entry.h"
#include "secpolicy.h"

struct bol_diag;
struct bol_alertsink;

#define BOL_ALERTSINK_QUEUE_MAX 1000
#define BOL_WEBHOOK_KEY_MIN     32

/*
 * Open the sinks the policy names (none is fine).  key/keylen: the webhook's
 * secret (required with a webhook, at least BOL_WEBHOOK_KEY_MIN bytes).
 */
BOL_MUST_CHECK int bol_alertsink_open(const struct bol_alert_policy *p, const uint8_t *key,
                                      size_t keylen, const char *version,
                                      struct bol_alertsink **ret, struct bol_diag *diag);

/*
 * Deliver an alert entry (bytes: its canonical form).  Never blocks on the
 * network for the webhook.  The delivery id is the entry's number.
 */
void bol_alertsink_deliver(struct bol_alertsink *s, const struct bol_entry *e,
                           struct bol_str bytes);

#define BOL_DELIVERY_ID_MAX 64

/*
 * The same with another delivery id: an alert that is not a journal entry
 * (the replica's) must not reuse an entry number ("replica-..." there).
 */
void bol_alertsink_deliver_as(struct bol_alertsink *s, const struct bol_entry *e,
                              struct bol_str bytes, const char *delivery_id);

/*
 * The wait before the next attempt after `attempts` failed ones: 1, 2, 4 ...
 * seconds, at most max_s.
 */
int64_t bol_webhook_backoff_us(unsigned attempts, unsigned max_s);

/* Counters for metrics. */
struct bol_alertsink_stats {
    uint64_t syslog_sent, syslog_failed, webhook_sent, webhook_retries, webhook_dropped;
};
void bol_alertsink_stats(struct bol_alertsink *s, struct bol_alertsink_stats *out);

/* Stop the worker after trying what is queued for up to wait_ms; NULL is allowed. */
void bol_alertsink_close(struct bol_alertsink *s, unsigned wait_ms);

/* HMAC-SHA256 signature header value of a delivery ("sha256=" + 64 hex). */
void bol_webhook_sign(const uint8_t *key, size_t keylen, const char *timestamp, const char *body,
                      size_t len, char out[72]);
