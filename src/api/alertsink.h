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
 *              X-Bollard-Delivery: <seq>
 *              X-Bollard-Timestamp: <unix seconds>
 *              X-Bollard-Signature: sha256=<hex HMAC-SHA256(secret, timestamp "." body)>
 *            A 2xx answer delivers; anything else is retried after 1, 2, 4 ...
 *            seconds (at most backoff_max_s) up to `attempts` times, by one
 *            worker thread, so a slow receiver never holds up detection.  The
 *            queue holds at most BOL_ALERTSINK_QUEUE_MAX alerts; beyond that
 *            the oldest is dropped and the drop is logged.
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

/* Deliver an alert entry (bytes: its canonical form).  Never blocks on the network for the webhook. */
void bol_alertsink_deliver(struct bol_alertsink *s, const struct bol_entry *e,
                           struct bol_str bytes);

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
