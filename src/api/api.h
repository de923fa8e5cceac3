/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api.h - the HTTPS JSON API server (`bollard serve`)
 *
 * libmicrohttpd with GnuTLS (TLS 1.2 and 1.3 only), one thread per
 * connection up to a limit, bodies up to 1 MiB (an uploaded EDI interchange up to 64 MiB,
 * within a budget for all requests together), a deadline per connection.
 * Every route is a row of one table (route.c) that says which roles may call
 * it; everything else is denied.  People log in with a password and a TOTP
 * code and get a session cookie; machines send an API key as a bearer token.
 * Writes run through the command service (ops.h) and land in the journal
 * with the caller as actor and its address; logins, lockouts, key use and
 * refused writes are journaled too.
 */
#pragma once

#include "compat.h"

struct bol_api;
struct bol_diag;
struct bol_security_policy;

struct bol_api_config {
    const char *data_dir;
    const char *listen;        /* "127.0.0.1:8443" (default), "[::1]:8443", port 0: any free */
    bool tls;                  /* default true: DATA/tls.crt and DATA/tls.key */
    const char *cert_file;     /* NULL: DATA/tls.crt */
    const char *key_file;      /* NULL: DATA/tls.key */
    const char *trust_proxy;   /* peer address whose X-Forwarded-For is believed, or NULL */
    const char *webhook;       /* URL told about lockouts (JSON POST), or NULL */
    unsigned max_connections;  /* 0: 256 */
    unsigned body_max;         /* 0: 1 MiB */
    size_t edi_body_max;       /* an EDI interchange uploaded (R_RAW routes); 0: 64 MiB */
    size_t bodies_max;         /* bytes of bodies held by all requests at once; 0: 256 MiB */
    unsigned timeout_s;        /* idle connection timeout; 0: 30 */
    unsigned lockout_failures; /* 0: 5 */
    unsigned lockout_window_s; /* 0: 900 */
    unsigned lockout_s;        /* 0: 900 */
    unsigned hash_slots;       /* password hashes at once; 0: 1 */
    unsigned hash_wait_ms;     /* how long a login waits for a slot; 0: 2000 */
    int64_t session_idle_us;   /* 0: 30 minutes */
    int64_t session_max_us;    /* 0: 12 hours */
    /* Detection (detector.h): the security policy (NULL: defaults), the webhook's secret. */
    const struct bol_security_policy *policy;
    const uint8_t *webhook_key;
    size_t webhook_key_len;
    unsigned verify_every_s; /* verify the whole journal this often; 0: never */
    const char *version;     /* reported in service.started and syslog */
    bool no_detect;          /* no detection thread (tests of other parts) */
    /* The time (UTC microseconds); NULL: the system clock.  Tests move it. */
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
};

BOL_MUST_CHECK int bol_api_start(const struct bol_api_config *cfg, struct bol_api **ret,
                                 struct bol_diag *diag);

/* The port it listens on (useful with port 0). */
unsigned bol_api_port(const struct bol_api *api);

/*
 * Housekeeping the server's owner runs about once a second: the journal's
 * time-based checkpoint when one is due.  0, or an error with diag.
 */
BOL_MUST_CHECK int bol_api_tick(struct bol_api *api, struct bol_diag *diag);

/* Stop accepting, finish requests in flight, close.  NULL is allowed. */
void bol_api_stop(struct bol_api *api);

/*
 * Drop to the service user and install the seccomp filter (sandbox.h) once
 * the server runs; `bollard serve` calls it after bol_api_start.
 */
BOL_MUST_CHECK int bol_api_harden(struct bol_api *api, const char *user, bool seccomp,
                                  struct bol_diag *diag);

/* One route of the table, for the OpenAPI and role-matrix tests. */
struct bol_api_route_info {
    const char *method;
    const char *path; /* "/api/v1/containers/{id}" */
    uint32_t roles;   /* BOL_ROLE_BIT set allowed; 0 with public */
    bool public_;     /* no authentication */
    bool write;       /* changes state (journaled, CSRF-checked for sessions) */
    const char *summary;
    char body[256]; /* its JSON body: "" none, "cmd" a command, else "name,optional?,..." */
};

/* Route i (0..), false past the end. */
bool bol_api_route(size_t i, struct bol_api_route_info *out);

/* The GnuTLS priority string the server uses (protocol versions, ciphers): for bollard inspect. */
const char *bol_api_tls_priorities(void);
