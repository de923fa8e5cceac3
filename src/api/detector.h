/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detector.h - the server's detection loop (detector.c): reads the journal as
 * it grows, raises alerts, delivers them, writes heartbeats, verifies
 */
#pragma once

#include "alertsink.h"
#include "compat.h"
#include "secpolicy.h"

struct bol_api;
struct bol_diag;
struct bol_detector;

struct bol_detector_config {
    const struct bol_security_policy *policy;
    const uint8_t *webhook_key;
    size_t webhook_key_len;
    const char *version;
    unsigned verify_every_s; /* 0: never */
};

BOL_MUST_CHECK int bol_detector_start(struct bol_api *api, const struct bol_detector_config *cfg,
                                      struct bol_detector **ret, struct bol_diag *diag);

struct bol_detector_stats {
    uint64_t cursor, raised;
    struct bol_alertsink_stats sink;
};

void bol_detector_stats(struct bol_detector *d, struct bol_detector_stats *out);

/* Stop; clean: evaluate what is left, deliver for a moment, journal service.stopped.  NULL is allowed. */
void bol_detector_stop(struct bol_detector *d, bool clean);
