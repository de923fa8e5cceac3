/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server.c - the HTTP(S) server: libmicrohttpd set-up, limits, security
 * headers, problem+json errors, routing, metrics and readers
 */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api-int.h"
#include "detector.h"
#include "mem.h"
#include "secpolicy.h"
#include "utctime.h"

#define BODY_MAX_DEFAULT   (1u << 20)
#define EDI_BODY_MAX       ((size_t) 64 << 20) /* the EDI engine's interchange limit */
#define BODIES_MAX_DEFAULT ((size_t) 256 << 20)
#define CONN_MAX_DEFAULT   256
#define TIMEOUT_DEFAULT    30
#define HEADER_MEMORY      (32u * 1024) /* request line + headers per connection */
#define PER_IP_CONNECTIONS 64

/* TLS 1.2 and 1.3 only, AEAD ciphers with forward secrecy. */
static const char tls_priorities[] =
    "SECURE256:+SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:"
    "+AES-128-GCM:+CHACHA20-POLY1305:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:-SHA1:%SERVER_PRECEDENCE";

const char *bol_api_tls_priorities(void)
{
    return tls_priorities;
}

static const unsigned lat_bounds_us[API_LAT_BUCKETS] = {
    500, 1000, 2500, 5000, 10000, 20000, 50000, 100000, 250000, 500000, 1000000, 2500000,
};

int64_t api_now(const struct bol_api *api)
{
    return api->cfg.clock ? api->cfg.clock(api->cfg.clock_ctx) : bol_time_now_us();
}

/* ---- responses ---- */

int api_json(struct req *r, unsigned status, json_t *v)
{
    json_decref(r->out);
    r->out = v;
    r->status = status;
    return 0;
}

int api_text(struct req *r, unsigned status, const char *ctype, struct bol_buf *b)
{
    if (b->alloc && !b->arena) { /* take the bytes as they are */
        r->text = b->buf;
        r->text_len = b->len;
        b->buf = bol_buf_empty;
        b->len = b->alloc = 0;
    } else {
        r->text = bol_malloc(b->len ? b->len : 1);
        if (!r->text) {
            bol_buf_release(b);
            return api_fail(r, BOL_E_NOMEM, NULL);
        }
        memcpy(r->text, b->buf, b->len);
        r->text_len = b->len;
        bol_buf_release(b);
    }
    r->ctype = ctype;
    r->status = status;
    return 0;
}

int api_problem(struct req *r, unsigned status, const char *code, const char *fmt, ...)
{
    char detail[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    r->problem_code = code;
    return api_json(r, status,
                    json_pack("{s:s,s:s,s:i,s:s,s:s}", "type", "about:blank", "title",
                              MHD_get_reason_phrase_for(status), "status", (int) status, "code",
                              code, "detail", detail));
}

int api_fail(struct req *r, int err, const struct bol_diag *diag)
{
    char msg[BOL_DIAG_MSG_MAX + BOL_DIAG_FIELD_MAX + 8];
    unsigned status;
    const char *code;
    json_t *o;

    bol_diag_text(diag, msg, sizeof(msg));
    switch (err) {
    case BOL_E_INVAL:
    case BOL_E_PARSE:
        status = 400, code = "invalid";
        break;
    case BOL_E_TOOBIG:
        status = 413, code = "too_big";
        break;
    case BOL_E_NOTFOUND:
        status = 404, code = "not_found";
        break;
    case BOL_E_CONFLICT:
        status = 409, code = "conflict";
        break;
    case BOL_E_STATE:
        status = 409, code = "wrong_state";
        break;
    case BOL_E_PERM:
        status = 403, code = "forbidden";
        break;
    case BOL_E_AUTH:
        status = 401, code = "unauthenticated";
        break;
    case BOL_E_STORE_BUSY:
    case BOL_E_TIMEOUT:
        status = 503, code = "busy";
        break;
    default:
        status = 500, code = "internal";
        /* Internal details stay in the server's log, not in the answer. */
        snprintf(msg, sizeof(msg), "the server could not complete the request");
        break;
    }
    api_problem(r, status, code, "%s", msg);
    if (status != 500 && diag && diag->field[0] && (o = r->out))
        json_object_set_new(o, "field", json_string(diag->field));
    return 0;
}

/* ---- request helpers ---- */

const char *api_header(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, name);
}

const char *api_query(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, name);
}

const char *api_cookie(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->c, MHD_COOKIE_KIND, name);
}

json_t *api_body(struct req *r)
{
    return r->json;
}

/* ---- readers ---- */

int api_reader_get(struct bol_api *api, struct bol_store **ret, struct bol_diag *diag)
{
    pthread_mutex_lock(&api->rlock);
    if (api->nfree) {
        *ret = api->free_readers[--api->nfree];
        pthread_mutex_unlock(&api->rlock);
        return 0;
    }
    pthread_mutex_unlock(&api->rlock);
    return bol_ops_reader(api->ops, ret, diag);
}

void api_reader_put(struct bol_api *api, struct bol_store *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&api->rlock);
    if (api->nfree < API_READERS_MAX) {
        api->free_readers[api->nfree++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&api->rlock);
    bol_store_close(s);
}

/* ---- running commands ---- */

/* Run cmd as actor; req_id makes a retry harmless ("" for none). */
static int run_as(struct req *r, const char *actor, const char *req_id, json_t *cmd,
                  struct bol_ops_call *call, struct bol_diag *diag)
{
    int rc;

    call->actor.id = bol_str_from(actor);
    call->actor.addr = bol_str_from(r->addr);
    call->req = bol_str_from(req_id);
    call->cmd = cmd;
    rc = bol_ops_run_call(r->api->ops, call);
    if (rc < 0 && diag)
        *diag = call->diag;
    return rc;
}

/*
 * The system's own records (logins, lockouts, key use) never take the
 * client's Idempotency-Key: a repeated key would make every failed login
 * after the first a "duplicate", uncounted, and lockout would never come.
 */
int api_run_as(struct req *r, const char *actor, json_t *cmd, struct bol_ops_call *call,
               struct bol_diag *diag)
{
    return run_as(r, actor, "", cmd, call, diag);
}

int api_run(struct req *r, json_t *cmd, struct bol_ops_call *call, struct bol_diag *diag)
{
    const char *req_id = api_header(r, "Idempotency-Key");

    if (!call->scope)
        call->scope = &r->who.scope;
    return run_as(r, r->who.actor, req_id ? req_id : "", cmd, call, diag);
}

int api_run_tx(struct bol_api *api,
               int (*fn)(struct bol_store *s, void *ctx, struct bol_diag *diag), void *ctx,
               struct bol_diag *diag)
{
    return bol_ops_run_tx(api->ops, fn, ctx, diag);
}

/* ---- routing ---- */

/* Match "/api/v1/containers/{id}" against a path, taking the {} parts. */
static bool path_match(const char *pat, const char *path, struct req *r)
{
    unsigned np = 0;

    while (*pat && *path) {
        if (*pat == '{') {
            const char *end = strchr(pat, '}');
            size_t n = strcspn(path, "/");

            if (!end || n == 0 || n >= sizeof(r->params[0]) || np >= API_ROUTE_PARAMS)
                return false;
            memcpy(r->params[np], path, n);
            r->params[np][n] = '\0';
            np++;
            pat = end + 1;
            path += n;
            continue;
        }
        if (*pat != *path)
            return false;
        pat++;
        path++;
    }
    if (*pat || *path)
        return false;
    r->nparams = np;
    return true;
}

/* The route for the request; *method_ok false when the path exists with another method. */
static const struct route *route_find(struct req *r, bool *path_known)
{
    size_t i;

    *path_known = false;
    for (i = 0; i < bol_api_nroutes; i++) {
        if (!path_match(bol_api_routes[i].path, r->url, r))
            continue;
        *path_known = true;
        if (!strcmp(bol_api_routes[i].method, r->method))
            return &bol_api_routes[i];
    }
    return NULL;
}

bool bol_api_route(size_t i, struct bol_api_route_info *out)
{
    const struct route *rt;

    if (i >= bol_api_nroutes)
        return false;
    rt = &bol_api_routes[i];
    out->method = rt->method;
    out->path = rt->path;
    out->roles = rt->roles;
    out->public_ = (rt->flags & R_PUBLIC) != 0;
    out->write = (rt->flags & R_WRITE) != 0;
    out->summary = rt->summary;
    out->body[0] = '\0';
    if (rt->body)
        bol_body_describe(rt->body, out->body, sizeof(out->body));
    else if (rt->flags & R_RAW)
        snprintf(out->body, sizeof(out->body), "raw");
    return true;
}

/* The path as journaled: printable ASCII (others as '?'), at most 256 bytes. */
static const char *journal_path(const struct req *r, char out[257])
{
    size_t i;

    for (i = 0; i < 256 && r->url[i]; i++)
        out[i] = (r->url[i] > 0x20 && r->url[i] < 0x7f) ? r->url[i] : '?';
    out[i] = '\0';
    return out;
}

/* Journal a fact about the request as its caller (a failure is logged, not answered). */
static void journal_request(struct req *r, json_t *cmd)
{
    struct bol_ops_call call;
    struct bol_diag d;

    if (!cmd)
        return;
    memset(&call, 0, sizeof(call));
    bol_diag_init(&d);
    if (api_run_as(r, r->who.actor, cmd, &call, &d) < 0)
        fprintf(stderr, "bollard serve: cannot journal %s %s: %s\n", r->method, r->route->path,
                d.msg);
    json_decref(cmd);
}

/* Authenticated writes refused are journaled: who tried what, and why not. */
static void journal_refusal(struct req *r)
{
    char path[257];

    if (r->who.who == WHO_NONE || !r->route || !(r->route->flags & R_WRITE) || r->status < 400 ||
        r->status >= 500 || !r->problem_code)
        return;
    journal_request(r, json_pack("{s:s,s:s,s:s,s:i,s:s}", "cmd", "request.refused", "method",
                                 r->method, "path", journal_path(r, path), "status",
                                 (int) r->status, "code", r->problem_code));
}

/*
 * A watched caller's reads are journaled too (its writes are their own
 * entries, its refused writes request.refused): every action of a vendor in
 * a maintenance window is on record.
 */
static void journal_watched(struct req *r)
{
    char path[257];

    if (!r->who.watched || !r->route || ((r->route->flags & R_WRITE) && r->status < 500))
        return;
    journal_request(r, json_pack("{s:s,s:s,s:s,s:i}", "cmd", "request.logged", "method", r->method,
                                 "path", journal_path(r, path), "status", (int) r->status));
}

static void dispatch(struct req *r)
{
    bool path_known;
    const struct route *rt = route_find(r, &path_known);

    r->route = rt;
    if (!rt) {
        if (path_known)
            api_problem(r, 405, "method_not_allowed", "%s is not allowed here", r->method);
        else
            api_problem(r, 404, "no_route", "no such resource");
        return;
    }
    if (r->body_too_big) {
        api_problem(r, 413, "too_big", "the body is larger than %zu bytes", r->body_max);
        return;
    }
    if (r->body_busy) {
        api_problem(r, 503, "busy", "too many large uploads at once; try again shortly");
        return;
    }
    if (!(rt->flags & R_PUBLIC)) {
        if (api_authenticate(r))
            return;
        if (r->who.who == WHO_NONE) {
            api_problem(r, 401, "unauthenticated", "log in or send an API key");
            return;
        }
        if (!(r->who.roles & rt->roles)) {
            api_problem(r, 403, "forbidden", "your role may not do this");
            journal_refusal(r);
            return;
        }
        if (r->who.limited && !(rt->flags & R_LIMITED)) {
            api_problem(r, 403, "setup_required",
                        "change your password and enrol MFA before anything else");
            return;
        }
        if ((rt->flags & R_WRITE) && r->who.who == WHO_SESSION && !api_csrf_ok(r)) {
            api_problem(r, 403, "csrf", "missing or wrong X-CSRF-Token header");
            journal_refusal(r);
            return;
        }
    }
    if (!rt->body && !(rt->flags & R_RAW) && r->body_len) {
        api_problem(r, 400, "invalid", "this request takes no body");
        journal_refusal(r);
        return;
    }
    if (rt->body) {
        struct bol_diag d;
        int rc;

        bol_diag_init(&d);
        rc = bol_body_decode(rt->body, r->body, r->body_len, &r->json, &d);
        if (rc < 0) {
            api_problem(r, 400, rc == BOL_E_PARSE ? "bad_json" : "invalid", "%s: %s", d.field,
                        d.msg);
            journal_refusal(r);
            return;
        }
    }
    rt->fn(r);
    if (r->status == 0)
        api_problem(r, 500, "internal", "the handler gave no answer");
    journal_refusal(r);
    journal_watched(r);
}

/* ---- libmicrohttpd callbacks ---- */

static void client_addr(struct req *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    const char *xff;

    snprintf(r->addr, sizeof(r->addr), "unknown");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *) (const void *) sa)->sin_addr, r->addr,
                  sizeof(r->addr));
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr, r->addr,
                  sizeof(r->addr));
    /* Believe X-Forwarded-For only from the configured proxy: its last hop is the client. */
    if (r->api->cfg.trust_proxy && !strcmp(r->addr, r->api->cfg.trust_proxy) &&
        (xff = api_header(r, "X-Forwarded-For"))) {
        const char *last = strrchr(xff, ',');
        char tmp[API_ADDR_MAX];
        unsigned char bin[16];

        last = last ? last + 1 : xff;
        while (*last == ' ')
            last++;
        snprintf(tmp, sizeof(tmp), "%s", last);
        tmp[strcspn(tmp, " ")] = '\0';
        if (inet_pton(AF_INET, tmp, bin) == 1 || inet_pton(AF_INET6, tmp, bin) == 1)
            snprintf(r->addr, sizeof(r->addr), "%s", tmp);
    }
}

static void add_security_headers(struct MHD_Response *resp, bool tls)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
                            "form-action 'none'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (tls)
        MHD_add_response_header(resp, "Strict-Transport-Security",
                                "max-age=31536000; includeSubDomains");
}

static unsigned status_class(unsigned status)
{
    unsigned c = status / 100;

    return c >= 1 && c <= 5 ? c : 5;
}

static enum MHD_Result respond(struct req *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    char *text = NULL;
    size_t len = 0;
    const char *ctype = "application/json";

    if (r->out) {
        len = json_dumpb(r->out, NULL, 0, JSON_COMPACT);
        text = len ? bol_malloc(len) : NULL;
        if (text && json_dumpb(r->out, text, len, JSON_COMPACT) != len)
            len = 0;
        if (r->problem_code)
            ctype = "application/problem+json";
    } else if (r->text) {
        ctype = r->ctype ? r->ctype : "text/plain; charset=utf-8";
    }
    if (r->out)
        resp =
            MHD_create_response_from_buffer(len, text ? text : (char *) "", MHD_RESPMEM_MUST_COPY);
    else
        resp = MHD_create_response_from_buffer(r->text_len, r->text ? r->text : (char *) "",
                                               MHD_RESPMEM_MUST_COPY);
    bol_free(text);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", ctype);
    add_security_headers(resp, r->api->cfg.tls);
    if (r->set_cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
    if (r->next_page[0])
        MHD_add_response_header(resp, "Next-Page", r->next_page);
    if (r->api_version)
        MHD_add_response_header(resp, "API-Version", r->api_version);
    ret = MHD_queue_response(r->c, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void record(struct req *r)
{
    struct bol_api *api = r->api;
    uint64_t us = (uint64_t) (api_now(api) - r->start_us);
    unsigned b = 0, c = status_class(r->status);

    if (r->route)
        api->route_stats[r->route - bol_api_routes].n[c]++;
    else
        api->unrouted[c]++;
    while (b < API_LAT_BUCKETS && us > lat_bounds_us[b])
        b++;
    api->lat[b]++;
    api->lat_sum_us += us;
    api->lat_count++;
}

static void req_free(struct req *r)
{
    if (!r)
        return;
    json_decref(r->json);
    json_decref(r->out);
    if (r->body_cap)
        atomic_fetch_sub(&r->api->bodies_held, r->body_cap);
    bol_free(r->body);
    bol_free(r->text);
    bol_free(r);
}

/* A route that takes an EDI interchange takes a larger body than the JSON routes. */
static size_t body_limit(struct req *r)
{
    bool path_known;
    const struct route *rt = route_find(r, &path_known);

    r->nparams = 0; /* found again, with its parameters, by dispatch */
    return rt && (rt->flags & R_RAW) ? r->api->cfg.edi_body_max : r->api->cfg.body_max;
}

/*
 * Keep n more bytes of the body.  Over the route's limit, or over the budget
 * of every request's bodies together, the rest is read and dropped and the
 * answer says why.  The buffer grows by doubling and counts against the
 * budget at its full size.  < 0 only when memory runs out.
 */
static int body_add(struct req *r, const char *p, size_t n)
{
    size_t need = r->body_len + n + 1, cap = r->body_cap;
    char *nb;

    if (r->body_len + n > r->body_max) {
        r->body_too_big = true;
        return 0;
    }
    if (need > cap) {
        cap = BOL_MAX(need, BOL_MIN(2 * cap, r->body_max + 1));
        cap = BOL_MAX(cap, (size_t) 4096);
        if (atomic_fetch_add(&r->api->bodies_held, cap - r->body_cap) + (cap - r->body_cap) >
            r->api->cfg.bodies_max) {
            atomic_fetch_sub(&r->api->bodies_held, cap - r->body_cap);
            r->body_busy = true;
            return 0;
        }
        nb = bol_realloc(r->body, cap);
        if (!nb) {
            atomic_fetch_sub(&r->api->bodies_held, cap - r->body_cap);
            return BOL_E_NOMEM;
        }
        r->body = nb;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, p, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct bol_api *api = cls;
    struct req *r = *con_cls;
    enum MHD_Result ret;

    (void) version;
    if (!r) {
        r = bol_calloc(1, sizeof(*r));
        if (!r)
            return MHD_NO;
        r->api = api;
        r->c = c;
        r->method = method;
        r->url = url;
        r->start_us = api_now(api);
        r->body_max = body_limit(r);
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->body_too_big && !r->body_busy && body_add(r, upload_data, *upload_size) < 0)
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    r->now = api_now(api);
    client_addr(r);
    dispatch(r);
    ret = respond(r);
    record(r);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void) cls;
    (void) c;
    (void) toe;
    req_free(*con_cls);
    *con_cls = NULL;
}

/* ---- metrics ---- */

int api_metrics_text(struct bol_api *api, struct bol_buf *b)
{
    static const char *const cls[] = { "", "1xx", "2xx", "3xx", "4xx", "5xx" };
    struct bol_store *s = NULL;
    struct bol_diag d;
    uint64_t size = 0, cum = 0;
    size_t i;
    unsigned c;
    int r = 0;

    r |= bol_buf_adds(b, "# HELP bollard_http_requests_total HTTP requests by route and status "
                         "class.\n# TYPE bollard_http_requests_total counter\n");
    for (i = 0; i < bol_api_nroutes; i++) {
        for (c = 1; c <= 5; c++) {
            uint64_t n = api->route_stats[i].n[c];

            if (n)
                r |= bol_buf_addf(b,
                                  "bollard_http_requests_total{method=\"%s\",route=\"%s\","
                                  "status=\"%s\"} %llu\n",
                                  bol_api_routes[i].method, bol_api_routes[i].path, cls[c],
                                  (unsigned long long) n);
        }
    }
    for (c = 1; c <= 5; c++) {
        if (api->unrouted[c])
            r |= bol_buf_addf(b, "bollard_http_requests_total{route=\"\",status=\"%s\"} %llu\n",
                              cls[c], (unsigned long long) api->unrouted[c]);
    }
    r |= bol_buf_adds(b, "# HELP bollard_http_request_duration_seconds Time to answer a request.\n"
                         "# TYPE bollard_http_request_duration_seconds histogram\n");
    for (c = 0; c < API_LAT_BUCKETS; c++) {
        cum += api->lat[c];
        r |= bol_buf_addf(b, "bollard_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                          lat_bounds_us[c] / 1e6, (unsigned long long) cum);
    }
    cum += api->lat[API_LAT_BUCKETS];
    r |= bol_buf_addf(b,
                      "bollard_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                      "bollard_http_request_duration_seconds_sum %.6f\n"
                      "bollard_http_request_duration_seconds_count %llu\n",
                      (unsigned long long) cum, (double) api->lat_sum_us / 1e6,
                      (unsigned long long) api->lat_count);
    r |= bol_buf_addf(b,
                      "# HELP bollard_logins_total Login attempts by result.\n"
                      "# TYPE bollard_logins_total counter\n"
                      "bollard_logins_total{result=\"ok\"} %llu\n"
                      "bollard_logins_total{result=\"failed\"} %llu\n"
                      "# HELP bollard_lockouts_total Accounts locked after failed logins.\n"
                      "# TYPE bollard_lockouts_total counter\n"
                      "bollard_lockouts_total %llu\n"
                      "# HELP bollard_login_busy_total Logins refused while every hashing slot "
                      "was busy.\n# TYPE bollard_login_busy_total counter\n"
                      "bollard_login_busy_total %llu\n",
                      (unsigned long long) api->logins_ok, (unsigned long long) api->logins_failed,
                      (unsigned long long) api->lockouts,
                      (unsigned long long) api->hash_busy_refused);
    if (api->detector) {
        struct bol_detector_stats ds;

        bol_detector_stats(api->detector, &ds);
        r |= bol_buf_addf(
            b,
            "# HELP bollard_alerts_raised_total Alerts the detection rules raised.\n"
            "# TYPE bollard_alerts_raised_total counter\nbollard_alerts_raised_total %llu\n"
            "# HELP bollard_detect_cursor Last journal entry the detection rules evaluated.\n"
            "# TYPE bollard_detect_cursor gauge\nbollard_detect_cursor %llu\n"
            "# HELP bollard_alert_deliveries_total Alert deliveries by channel and outcome.\n"
            "# TYPE bollard_alert_deliveries_total counter\n"
            "bollard_alert_deliveries_total{channel=\"syslog\",outcome=\"sent\"} %llu\n"
            "bollard_alert_deliveries_total{channel=\"syslog\",outcome=\"failed\"} %llu\n"
            "bollard_alert_deliveries_total{channel=\"webhook\",outcome=\"sent\"} %llu\n"
            "bollard_alert_deliveries_total{channel=\"webhook\",outcome=\"retried\"} %llu\n"
            "bollard_alert_deliveries_total{channel=\"webhook\",outcome=\"dropped\"} %llu\n",
            (unsigned long long) ds.raised, (unsigned long long) ds.cursor,
            (unsigned long long) ds.sink.syslog_sent, (unsigned long long) ds.sink.syslog_failed,
            (unsigned long long) ds.sink.webhook_sent, (unsigned long long) ds.sink.webhook_retries,
            (unsigned long long) ds.sink.webhook_dropped);
    }
    if (api_reader_get(api, &s, &d) == 0 && bol_store_size(s, &size, &d) == 0)
        r |= bol_buf_addf(b,
                          "# HELP bollard_journal_entries Entries in the journal.\n"
                          "# TYPE bollard_journal_entries gauge\nbollard_journal_entries %llu\n",
                          (unsigned long long) size);
    api_reader_put(api, s);
    return r ? BOL_E_NOMEM : 0;
}

/* ---- start and stop ---- */

static int read_file(const char *path, char **ret, struct bol_diag *diag)
{
    struct bol_buf b = BOL_BUF_INIT(1u << 20);
    char chunk[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return bol_diag_fail(diag, bol_err_from_errno(errno), "tls", "cannot read %s: %s", path,
                             strerror(errno));
    while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
        if (bol_buf_add(&b, chunk, (size_t) n) < 0) {
            close(fd);
            bol_buf_release(&b);
            return bol_diag_fail(diag, BOL_E_TOOBIG, "tls", "%s is too large", path);
        }
    }
    close(fd);
    if (n < 0 || b.len == 0) {
        bol_buf_release(&b);
        return bol_diag_fail(diag, BOL_E_IO, "tls", "cannot read %s", path);
    }
    *ret = bol_malloc(b.len + 1);
    if (!*ret) {
        bol_buf_release(&b);
        return BOL_E_NOMEM;
    }
    memcpy(*ret, b.buf, b.len);
    (*ret)[b.len] = '\0';
    bol_buf_release_wipe(&b);
    return 0;
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, struct bol_diag *diag)
{
    char host[80];
    const char *colon;
    unsigned long port;
    char *end;

    memset(ss, 0, sizeof(*ss));
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');

        if (!rb || rb[1] != ':' || (size_t) (rb - s - 1) >= sizeof(host))
            return bol_diag_fail(diag, BOL_E_INVAL, "listen", "write [v6addr]:port");
        memcpy(host, s + 1, (size_t) (rb - s - 1));
        host[rb - s - 1] = '\0';
        colon = rb + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t) (colon - s) >= sizeof(host))
            return bol_diag_fail(diag, BOL_E_INVAL, "listen", "write address:port");
        memcpy(host, s, (size_t) (colon - s));
        host[colon - s] = '\0';
    }
    errno = 0;
    port = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || port > 65535)
        return bol_diag_fail(diag, BOL_E_INVAL, "listen", "'%s' has no valid port", s);
    {
        struct sockaddr_in *a4 = (struct sockaddr_in *) ss;
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *) ss;

        if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
            a4->sin_family = AF_INET;
            a4->sin_port = htons((uint16_t) port);
        } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
            a6->sin6_family = AF_INET6;
            a6->sin6_port = htons((uint16_t) port);
        } else {
            return bol_diag_fail(diag, BOL_E_INVAL, "listen",
                                 "'%s' is not a numeric IPv4 or IPv6 address", host);
        }
    }
    return 0;
}

int bol_api_start(const struct bol_api_config *cfg, struct bol_api **ret, struct bol_diag *diag)
{
    struct bol_ops_opts oo;
    struct bol_api *api;
    struct sockaddr_storage ss;
    char path[600];
    unsigned flags =
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    unsigned per_ip;
    int r;

    *ret = NULL;
    api = bol_calloc(1, sizeof(*api));
    if (!api)
        return BOL_E_NOMEM;
    api->cfg = *cfg;
    if (!api->cfg.listen)
        api->cfg.listen = "127.0.0.1:8443";
    if (!api->cfg.max_connections)
        api->cfg.max_connections = CONN_MAX_DEFAULT;
    if (!api->cfg.body_max)
        api->cfg.body_max = BODY_MAX_DEFAULT;
    if (!api->cfg.edi_body_max)
        api->cfg.edi_body_max = EDI_BODY_MAX;
    if (!api->cfg.bodies_max)
        api->cfg.bodies_max = BODIES_MAX_DEFAULT;
    if (!api->cfg.timeout_s)
        api->cfg.timeout_s = TIMEOUT_DEFAULT;
    if (!api->cfg.lockout_failures)
        api->cfg.lockout_failures = 5;
    if (!api->cfg.lockout_window_s)
        api->cfg.lockout_window_s = 900;
    if (!api->cfg.lockout_s)
        api->cfg.lockout_s = 900;
    if (!api->cfg.hash_slots)
        api->cfg.hash_slots = 1;
    if (!api->cfg.hash_wait_ms)
        api->cfg.hash_wait_ms = 2000;
    if (!api->cfg.session_idle_us)
        api->cfg.session_idle_us = 30LL * 60 * 1000000;
    if (!api->cfg.session_max_us)
        api->cfg.session_max_us = 12LL * 3600 * 1000000;
    snprintf(api->data_dir, sizeof(api->data_dir), "%s", cfg->data_dir);
    api->cfg.data_dir = api->data_dir;
    pthread_mutex_init(&api->rlock, NULL);
    pthread_mutex_init(&api->hlock, NULL);
    pthread_cond_init(&api->hcond, NULL);
    api->route_stats = bol_calloc(bol_api_nroutes, sizeof(*api->route_stats));
    if (!api->route_stats) {
        bol_api_stop(api);
        return BOL_E_NOMEM;
    }
    r = parse_listen(api->cfg.listen, &ss, diag);
    if (r == 0 && api->cfg.tls) {
        snprintf(path, sizeof(path), "%s/tls.crt", api->data_dir);
        r = read_file(cfg->cert_file ? cfg->cert_file : path, &api->tls_cert, diag);
        snprintf(path, sizeof(path), "%s/tls.key", api->data_dir);
        if (r == 0)
            r = read_file(cfg->key_file ? cfg->key_file : path, &api->tls_key, diag);
        flags |= MHD_USE_TLS;
    }
    if (r < 0) {
        bol_api_stop(api);
        return r;
    }
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = api->data_dir;
    oo.clock = cfg->clock;
    oo.clock_ctx = cfg->clock_ctx;
    r = bol_ops_open(&oo, &api->ops, diag);
    if (r == 0 && !cfg->no_detect) {
        struct bol_security_policy defaults;
        struct bol_detector_config dc;

        bol_security_policy_default(&defaults);
        dc.policy = cfg->policy ? cfg->policy : &defaults;
        dc.webhook_key = cfg->webhook_key;
        dc.webhook_key_len = cfg->webhook_key_len;
        dc.version = cfg->version ? cfg->version : "";
        dc.verify_every_s = cfg->verify_every_s;
        r = bol_detector_start(api, &dc, &api->detector, diag);
    }
    if (r < 0) {
        bol_api_stop(api);
        return r;
    }
    /* Behind a proxy every connection comes from it: the proxy limits per client. */
    per_ip = api->cfg.trust_proxy ? 0u : (unsigned) PER_IP_CONNECTIONS;
    if (api->cfg.tls)
        api->d = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, api, MHD_OPTION_SOCK_ADDR, &ss,
            MHD_OPTION_CONNECTION_LIMIT, api->cfg.max_connections,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
            api->cfg.timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) HEADER_MEMORY,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, api, MHD_OPTION_HTTPS_MEM_KEY, api->tls_key,
            MHD_OPTION_HTTPS_MEM_CERT, api->tls_cert, MHD_OPTION_HTTPS_PRIORITIES, tls_priorities,
            MHD_OPTION_END);
    else
        api->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, api, MHD_OPTION_SOCK_ADDR, &ss,
                                  MHD_OPTION_CONNECTION_LIMIT, api->cfg.max_connections,
                                  MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
                                  MHD_OPTION_CONNECTION_TIMEOUT, api->cfg.timeout_s,
                                  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) HEADER_MEMORY,
                                  MHD_OPTION_NOTIFY_COMPLETED, on_completed, api, MHD_OPTION_END);
    if (!api->d) {
        bol_api_stop(api);
        return bol_diag_fail(diag, BOL_E_IO, "listen",
                             "cannot listen on %s (in use, or TLS "
                             "certificate and key do not load)",
                             cfg->listen ? cfg->listen : "127.0.0.1:8443");
    }
    {
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(api->d, MHD_DAEMON_INFO_BIND_PORT);

        api->port = di ? di->port : 0;
    }
    *ret = api;
    return 0;
}

int bol_api_tick(struct bol_api *api, struct bol_diag *diag)
{
    return bol_ops_checkpoint_tick(api->ops, diag);
}

unsigned bol_api_port(const struct bol_api *api)
{
    return api->port;
}

void bol_api_stop(struct bol_api *api)
{
    unsigned i;

    if (!api)
        return;
    if (api->d)
        MHD_stop_daemon(api->d);
    bol_detector_stop(api->detector, true);
    for (i = 0; i < api->nfree; i++)
        bol_store_close(api->free_readers[i]);
    bol_ops_close(api->ops);
    if (api->tls_key) {
        sodium_memzero(api->tls_key, strlen(api->tls_key));
        bol_free(api->tls_key);
    }
    bol_free(api->tls_cert);
    bol_free(api->route_stats);
    pthread_mutex_destroy(&api->rlock);
    pthread_mutex_destroy(&api->hlock);
    pthread_cond_destroy(&api->hcond);
    bol_free(api);
}
