/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api-int.h - what the API server's files share: the server, a request,
 * the caller (principal), responses and the route table
 *
 *   server.c    libmicrohttpd plumbing, limits, headers, dispatch, metrics
 *   route.c     the route table (every route x role decision) and handlers
 *               for operations, queries and the journal
 *   login.c     passwords, TOTP, lockout, sessions and API keys: who calls
 *   admin.c     accounts, keys, maintenance windows, approvals
 */
#pragma once

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#include "account.h"
#include "api.h"
#include "buf.h"
#include "compat.h"
#include "errors.h"
#include "ops.h"
#include "reqbody.h"
#include "store.h"
#include "token.h"
#include "view.h"

struct MHD_Connection;
struct MHD_Daemon;

#define API_READERS_MAX  64
#define API_ROUTE_PARAMS 3
#define API_LAT_BUCKETS  12
#define API_ADDR_MAX     64

/* Per-route counters for /metrics. */
struct api_route_stats {
    atomic_uint_fast64_t n[6]; /* by status class: 1xx..5xx, index 1..5 */
};

struct bol_api {
    struct bol_api_config cfg;
    char data_dir[512];
    struct MHD_Daemon *d;
    unsigned port;
    struct bol_ops *ops;
    char origin[128];
    struct bol_detector *detector;

    /* Read-only stores, one per request in flight. */
    pthread_mutex_t rlock;
    struct bol_store *free_readers[API_READERS_MAX];
    unsigned nfree;

    /* Password hashing slots (Argon2 is bounded so a flood cannot starve the API). */
    pthread_mutex_t hlock;
    pthread_cond_t hcond;
    unsigned hash_busy;

    char *tls_cert, *tls_key; /* PEM text */

    /* metrics */
    struct api_route_stats *route_stats;
    atomic_uint_fast64_t unrouted[6];
    atomic_uint_fast64_t lat[API_LAT_BUCKETS + 1];
    atomic_uint_fast64_t lat_sum_us, lat_count;
    atomic_uint_fast64_t logins_ok, logins_failed, lockouts, hash_busy_refused;
    atomic_size_t bodies_held; /* bytes of request bodies held now */
};

enum api_who { WHO_NONE = 0, WHO_SESSION, WHO_KEY };

struct principal {
    enum api_who who;
    char actor[96]; /* "user:NAME" or "key:ID" */
    char user[BOL_USER_MAX + 1];
    char key_id[BOL_KEY_ID_LEN + 1];
    uint32_t roles;
    struct bol_scope scope;
    char line[BOL_LINE_MAX + 1];
    bool limited; /* a session that must change its password or enrol MFA first */
    bool watched; /* every request journaled: a vendor in a maintenance window */
    uint8_t session_hash[BOL_TOKEN_HASH_LEN];
    uint8_t csrf[BOL_TOKEN_HASH_LEN];
};

struct route;

struct req {
    struct bol_api *api;
    struct MHD_Connection *c;
    const struct route *route;
    const char *method;
    const char *url;
    char params[API_ROUTE_PARAMS][128];
    unsigned nparams;
    char addr[API_ADDR_MAX];
    struct principal who;
    int64_t now;
    /* body */
    char *body;
    size_t body_len, body_cap;
    size_t body_max;   /* this route's limit */
    bool body_too_big; /* over body_max */
    bool body_busy;    /* over the budget of every request's bodies together */
    json_t *json;      /* the body parsed, for routes that take one */
    /* response */
    unsigned status;
    json_t *out; /* JSON body, or NULL */
    char *text;  /* or a text body (metrics) */
    size_t text_len;
    const char *ctype; /* for text */
    char set_cookie[256];
    char next_page[512];      /* a Next-Page header (paged answers), or "" */
    const char *api_version;  /* an API-Version header (standard APIs), or NULL */
    const char *problem_code; /* set by api_problem */
    int64_t start_us;
};

typedef int (*api_handler)(struct req *r);

enum route_flags {
    R_PUBLIC = 1 << 0,  /* no authentication */
    R_WRITE = 1 << 1,   /* changes state: journaled; CSRF for sessions */
    R_LIMITED = 1 << 2, /* allowed for a limited session (password change, MFA enrolment) */
    R_RAW = 1 << 3,     /* takes a body that is not JSON (an EDI interchange) */
};

struct route {
    const char *method;
    const char *path;
    api_handler fn;
    uint32_t roles;
    unsigned flags;
    const char *cmd; /* the operation a command route runs */
    const char *summary;
    const struct bol_body_spec *body; /* the JSON body it takes (reqbody.h), or NULL for none */
};

extern const struct route bol_api_routes[];
extern const size_t bol_api_nroutes;

int64_t api_now(const struct bol_api *api);

/* Set a problem+json response; returns 0 so handlers can `return api_problem(...)`. */
int api_problem(struct req *r, unsigned status, const char *code, const char *fmt, ...)
    BOL_PRINTF(4, 5);
/* Map a bollard error to a response (status from the code, message from diag). */
int api_fail(struct req *r, int err, const struct bol_diag *diag);
/* Set a JSON response (value stolen). */
int api_json(struct req *r, unsigned status, json_t *v);
/* Set a text response of type ctype from b (its bytes taken; b is left empty). */
int api_text(struct req *r, unsigned status, const char *ctype, struct bol_buf *b);

/* The Prometheus text of /metrics, appended to b. */
BOL_MUST_CHECK int api_metrics_text(struct bol_api *api, struct bol_buf *b);

/* An account, key, window or approval document (view.h) read on s; NOTFOUND when none. */
BOL_MUST_CHECK int api_doc(struct bol_store *s, enum bol_view_doc what, const char *key,
                           json_t **ret, struct bol_diag *diag);

/* A request header or query argument, or NULL. */
const char *api_header(struct req *r, const char *name);
const char *api_query(struct req *r, const char *name);
const char *api_cookie(struct req *r, const char *name);

/* A reader store for the request's thread (return it with api_reader_put). */
BOL_MUST_CHECK int api_reader_get(struct bol_api *api, struct bol_store **ret,
                                  struct bol_diag *diag);
void api_reader_put(struct bol_api *api, struct bol_store *s);

/* Run a command as the caller; journaled with actor and address.  0 or an error in diag. */
BOL_MUST_CHECK int api_run(struct req *r, json_t *cmd, struct bol_ops_call *call,
                           struct bol_diag *diag);
/* Run a command as the system (logins, lockouts): actor "system" with the client's address. */
BOL_MUST_CHECK int api_run_as(struct req *r, const char *actor, json_t *cmd,
                              struct bol_ops_call *call, struct bol_diag *diag);
/* Credential-only work on the writer (no journal entry). */
BOL_MUST_CHECK int api_run_tx(struct bol_api *api,
                              int (*fn)(struct bol_store *s, void *ctx, struct bol_diag *diag),
                              void *ctx, struct bol_diag *diag);

/* login.c */
/* Who is calling: 0 (maybe nobody) or an error response already set (returns 1). */
int api_authenticate(struct req *r);
int api_csrf_ok(struct req *r);
int h_login(struct req *r);
int h_logout(struct req *r);
int h_me(struct req *r);
int h_password(struct req *r);
int h_mfa_enroll(struct req *r);
int h_mfa_confirm(struct req *r);
/* Hash a password with Argon2id inside a hashing slot (0, or BOL_E_STORE_BUSY when none came free). */
BOL_MUST_CHECK int api_password_hash(struct bol_api *api, const char *pw, size_t len, char *out,
                                     size_t out_size);
/*
 * pwverdict.c: the verdict on a password a person chose ("ok", "weak: REASON",
 * "unchecked: REASON"), written to out (n bytes); never contains the password.
 */
void api_password_verdict(const char *pw, const char *user, char *out, size_t n);
void api_notify_lockout(struct bol_api *api, const char *user, const char *addr, unsigned failures,
                        int64_t until_us);

/* edi.c */
int h_edi_export(struct req *r);
int h_edi_import(struct req *r);
int h_dcsa_events(struct req *r);

/* route.c: the container as bol_query_container gives it, when the caller
 * may see it; otherwise the response (404, or the error) is sent and NULL
 * returned. */
json_t *api_container_visible(struct req *r, const char *id);

/* plan.c */
int h_digout(struct req *r);
int h_premarshal(struct req *r);
int h_slots(struct req *r);

/* admin.c */
int h_users_list(struct req *r);
int h_user_add(struct req *r);
int h_user_step(struct req *r);
int h_user_roles(struct req *r);
int h_keys_list(struct req *r);
int h_key_create(struct req *r);
int h_key_revoke(struct req *r);
int h_key_rotate(struct req *r);
int h_access_list(struct req *r);
int h_access_grant(struct req *r);
int h_access_revoke(struct req *r);
int h_approvals_list(struct req *r);
int h_approval_decide(struct req *r);
int h_alerts_list(struct req *r);
int h_alert_get(struct req *r);
int h_alert_ack(struct req *r);

/*
 * Is this a decoy (canary.h)?  When it is, the read or use is journaled as
 * canary.tripped by the caller (or "anonymous") from its address, and true
 * is returned: the caller then answers as if the thing did not exist.
 */
bool api_canary_trip(struct req *r, const char *kind, const char *id, const char *how);

/*
 * The same for text that names a container as people type it (spaces and
 * case forgiven): false when it is not a container id or not a decoy.
 */
bool api_canary_trip_container(struct req *r, const char *text, const char *how);

/*
 * Trip every decoy container an EDIFACT interchange names (its EQD
 * segments), each once, whatever the import makes of the message.
 */
void api_canary_trip_edi(struct req *r, const char *p, size_t n);

/*
 * Journal that the caller took rows records of what in one answer
 * (data.exported): always for a bulk interface (EDI, event feeds), for
 * lists when rows is large (watch.c).
 */
void api_note_export(struct req *r, const char *what, size_t rows, bool bulk);

/* The body, decoded and checked against the route's field list by the server. */
json_t *api_body(struct req *r);
