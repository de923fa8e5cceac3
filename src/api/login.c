/* SPDX-License-Identifier: Apache-2.0 */
/*
 * login.c - who is calling: passwords (Argon2id), TOTP and recovery codes,
 * lockout, sessions and API keys
 *
 * A login is one journaled fact (auth.login) whatever its outcome, written in
 * the same transaction as its credential changes (a failure recorded, a TOTP
 * step used, a session created).  Enough failures in the window lock the
 * account for a while (account.lockout), which is journaled, logged to
 * syslog and posted to the webhook.  Attempts on a locked account still
 * count.  Every failure answers the same "login failed", so the answer does
 * not tell an attacker whether the account exists or is locked; the journal
 * tells the security officer.
 *
 * Password hashing takes a slot (api->cfg.hash_slots at once); a login that
 * waits longer than hash_wait_ms is refused with 503, so a login flood uses at
 * most that many cores and the rest of the API keeps answering.
 */
#include "compat.h"

#include <curl/curl.h>
#include <sodium.h>
#include <syslog.h>
#include <time.h>

#include "api-int.h"
#include "buf.h"
#include "mem.h"
#include "password.h"
#include "query.h"
#include "storeview.h"
#include "totp.h"
#include "utctime.h"

#define SESSION_COOKIE    "__Host-bollard_session"
#define TOUCH_EVERY_US    (60LL * 1000000)
#define KEY_NOTE_EVERY_US (3600LL * 1000000)

/* ---- hashing slots ---- */

static int slot_take(struct bol_api *api)
{
    struct timespec until;
    int rc = 0;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += api->cfg.hash_wait_ms / 1000;
    until.tv_nsec += (long) (api->cfg.hash_wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&api->hlock);
    while (api->hash_busy >= api->cfg.hash_slots && rc == 0)
        rc = pthread_cond_timedwait(&api->hcond, &api->hlock, &until);
    if (api->hash_busy < api->cfg.hash_slots) {
        api->hash_busy++;
        rc = 0;
    }
    pthread_mutex_unlock(&api->hlock);
    if (rc) {
        api->hash_busy_refused++;
        return BOL_E_STORE_BUSY;
    }
    return 0;
}

static void slot_give(struct bol_api *api)
{
    pthread_mutex_lock(&api->hlock);
    api->hash_busy--;
    pthread_cond_signal(&api->hcond);
    pthread_mutex_unlock(&api->hlock);
}

int api_password_hash(struct bol_api *api, const char *pw, size_t len, char *out, size_t out_size)
{
    int rc;

    if (out_size < crypto_pwhash_STRBYTES)
        return BOL_E_INVAL;
    rc = slot_take(api);
    if (rc < 0)
        return rc;
    rc = crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                           crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
             ? 0
             : BOL_E_NOMEM;
    slot_give(api);
    return rc;
}

/* 1 match, 0 no match, < 0 busy or error. */
static int password_verify(struct bol_api *api, const char *hash, const char *pw, size_t len)
{
    int rc = slot_take(api);

    if (rc < 0)
        return rc;
    rc = crypto_pwhash_str_verify(hash, pw, len) == 0;
    slot_give(api);
    return rc;
}

/* A hash of nothing anyone knows, so an unknown user costs as much as a known one. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
    uint8_t rnd[32];

    randombytes_buf(rnd, sizeof(rnd));
    if (crypto_pwhash_str(dummy_hash, (const char *) rnd, sizeof(rnd),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE))
        dummy_hash[0] = '\0';
}

/* ---- notifications ---- */

struct note {
    char url[512];
    char body[512];
};

static void *webhook_post(void *arg)
{
    struct note *n = arg;
    CURL *c = curl_easy_init();

    if (c) {
        struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");

        curl_easy_setopt(c, CURLOPT_URL, n->url);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, n->body);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        if (curl_easy_perform(c) != CURLE_OK)
            syslog(LOG_AUTH | LOG_WARNING, "bollard: lockout webhook not delivered");
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
    }
    bol_free(n);
    return NULL;
}

void api_notify_lockout(struct bol_api *api, const char *user, const char *addr, unsigned failures,
                        int64_t until_us)
{
    char until[BOL_TIME_TEXT_MAX] = "";
    struct note *n;
    pthread_t t;
    pthread_attr_t at;

    api->lockouts++;
    bol_time_format(until_us, 0, 0, until);
    syslog(LOG_AUTH | LOG_WARNING,
           "bollard: account %s locked until %s after %u failed logins (last from %s)", user, until,
           failures, addr);
    if (!api->cfg.webhook)
        return;
    n = bol_calloc(1, sizeof(*n));
    if (!n)
        return;
    snprintf(n->url, sizeof(n->url), "%s", api->cfg.webhook);
    {
        json_t *o =
            json_pack("{s:s,s:s,s:s,s:i,s:s,s:s}", "event", "account.lockout", "severity", "high",
                      "user", user, "failures", (int) failures, "addr", addr, "until", until);

        if (!o || json_dumpb(o, n->body, sizeof(n->body) - 1, JSON_COMPACT) == 0) {
            json_decref(o);
            bol_free(n);
            return;
        }
        json_decref(o);
    }
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, webhook_post, n))
        bol_free(n);
    pthread_attr_destroy(&at);
}

/* ---- reading accounts and keys ---- */

int api_doc(struct bol_store *s, enum bol_view_doc what, const char *key, json_t **ret,
            struct bol_diag *d)
{
    struct bol_store_view sv;
    struct bol_buf b = BOL_BUF_INIT(1u << 20);
    json_error_t je;
    int rc;

    bol_store_view_init(&sv, s, d);
    rc = sv.view.doc(sv.view.ctx, what, key, &b);
    if (rc == 0) {
        *ret = json_loadb(b.buf, b.len, 0, &je);
        if (!*ret)
            rc = bol_diag_fail(d, BOL_E_CORRUPT, "state", "a stored document does not parse");
    }
    bol_buf_release(&b);
    return rc;
}

static int read_account(struct bol_store *s, const char *user, struct bol_account *a,
                        struct bol_diag *d)
{
    json_t *o = NULL;
    int rc = api_doc(s, BOL_DOC_ACCOUNT, user, &o, d);

    if (rc == 0)
        rc = bol_account_from_json(o, a, d);
    json_decref(o);
    return rc;
}

static int read_key(struct bol_store *s, const char *id, struct bol_apikey_info *k,
                    struct bol_diag *d)
{
    json_t *o = NULL;
    int rc = api_doc(s, BOL_DOC_APIKEY, id, &o, d);

    if (rc == 0)
        rc = bol_apikey_from_json(o, k, d);
    json_decref(o);
    return rc;
}

/* ---- authenticating a request ---- */

static void b64(const uint8_t *p, size_t n, char *out, size_t out_size)
{
    sodium_bin2base64(out, out_size, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

struct touch_ctx {
    const uint8_t *hash;
    const char *id;
    const char *addr;
    int64_t now;
};

static int touch_session(struct bol_store *s, void *ctx, struct bol_diag *d)
{
    struct touch_ctx *t = ctx;

    return bol_cred_session_touch(s, t->hash, t->now, d);
}

static int touch_key(struct bol_store *s, void *ctx, struct bol_diag *d)
{
    struct touch_ctx *t = ctx;

    return bol_cred_key_used(s, t->id, t->now, t->addr, d);
}

static int auth_key(struct req *r, struct bol_store *s, struct bol_str text)
{
    struct principal *w = &r->who;
    uint8_t hash[BOL_TOKEN_HASH_LEN], stored[BOL_TOKEN_HASH_LEN];
    struct bol_apikey_info k;
    struct bol_cred_key_use use;
    struct bol_diag d;
    char id[BOL_APIKEY_ID_LEN + 1];
    int rc;

    bol_diag_init(&d);
    if (bol_apikey_parse(text, id, hash, &d) < 0)
        return api_problem(r, 401, "bad_key", "the API key is malformed"), 1;
    rc = bol_cred_key_get(s, id, stored, &d);
    if (rc == BOL_E_NOTFOUND)
        api_canary_trip(r, "key", id, "presented");
    if (rc == BOL_E_NOTFOUND || (rc == 0 && !bol_token_hash_eq(hash, stored)))
        return api_problem(r, 401, "bad_key", "unknown API key"), 1;
    if (rc == 0)
        rc = read_key(s, id, &k, &d);
    if (rc < 0)
        return api_fail(r, rc, &d), 1;
    if (!bol_apikey_usable(&k, r->now))
        return api_problem(r, 401, "key_expired", "the API key was revoked or has expired"), 1;
    w->who = WHO_KEY;
    snprintf(w->key_id, sizeof(w->key_id), "%s", id);
    snprintf(w->actor, sizeof(w->actor), "key:%s", id);
    w->roles = BOL_ROLE_BIT(k.role);
    w->scope = k.scope;
    snprintf(w->line, sizeof(w->line), "%s", k.line);
    /* Last use: kept for the key's owner; a new address or a long pause is journaled. */
    if (bol_cred_key_use_get(s, id, &use, &d) == 0 &&
        (r->now - use.last_used_us > TOUCH_EVERY_US || strcmp(use.last_addr, r->addr) != 0)) {
        struct touch_ctx t = { NULL, id, r->addr, r->now };

        if (api_run_tx(r->api, touch_key, &t, &d) < 0)
            fprintf(stderr, "bollard serve: cannot record key use: %s\n", d.msg);
        if (r->now - use.last_used_us > KEY_NOTE_EVERY_US || strcmp(use.last_addr, r->addr)) {
            struct bol_ops_call call;
            json_t *cmd = json_pack("{s:s,s:s}", "cmd", "key.used", "id", id);

            memset(&call, 0, sizeof(call));
            if (cmd && api_run_as(r, w->actor, cmd, &call, &d) < 0)
                fprintf(stderr, "bollard serve: cannot journal key use: %s\n", d.msg);
            json_decref(cmd);
        }
    }
    return 0;
}

/* A vendor works only inside an open maintenance window, from its address. */
static bool window_open(struct bol_store *s, const char *user, const char *addr, int64_t now)
{
    struct bol_diag d;
    json_t *list = NULL, *v;
    size_t i;
    bool open = false;

    if (bol_query_docs(s, BOL_DOC_GRANT, user, &list, &d) < 0)
        return false;
    json_array_foreach(list, i, v)
    {
        struct bol_grant g;

        if (bol_grant_from_json(v, &g, NULL) == 0 && bol_grant_admits(&g, addr, now))
            open = true;
    }
    json_decref(list);
    return open;
}

static int auth_session(struct req *r, struct bol_store *s, const char *cookie)
{
    struct principal *w = &r->who;
    struct bol_cred_session ses;
    struct bol_account a;
    struct bol_diag d;
    int rc;

    bol_diag_init(&d);
    if (bol_session_token_hash(bol_str_from(cookie), w->session_hash, &d) < 0)
        return api_problem(r, 401, "session_expired", "log in again"), 1;
    rc = bol_cred_session_get(s, w->session_hash, &ses, &d);
    if (rc == BOL_E_NOTFOUND)
        return api_problem(r, 401, "session_expired", "log in again"), 1;
    if (rc < 0)
        return api_fail(r, rc, &d), 1;
    if (r->now - ses.created_us >= r->api->cfg.session_max_us ||
        r->now - ses.last_seen_us >= r->api->cfg.session_idle_us)
        return api_problem(r, 401, "session_expired", "the session has expired: log in again"), 1;
    rc = read_account(s, ses.user, &a, &d);
    if (rc == BOL_E_NOTFOUND || (rc == 0 && bol_account_locked(&a, r->now)))
        return api_problem(r, 401, "session_expired", "log in again"), 1;
    if (rc < 0)
        return api_fail(r, rc, &d), 1;
    /* The window closes by itself: a vendor's session ends with it, and off its address. */
    if (a.kind == BOL_ACCOUNT_VENDOR && !window_open(s, a.user, r->addr, r->now))
        return api_problem(r, 401, "window_closed", "the maintenance window is closed"), 1;
    w->who = WHO_SESSION;
    snprintf(w->user, sizeof(w->user), "%s", a.user);
    snprintf(w->actor, sizeof(w->actor), "user:%s", a.user);
    w->roles = a.roles;
    w->scope = a.scope;
    snprintf(w->line, sizeof(w->line), "%s", a.line);
    w->limited = a.must_change || (a.mfa_required && !a.mfa);
    w->watched = a.kind == BOL_ACCOUNT_VENDOR;
    memcpy(w->csrf, ses.csrf, sizeof(w->csrf));
    if (r->now - ses.last_seen_us > BOL_MIN(TOUCH_EVERY_US, r->api->cfg.session_idle_us / 4)) {
        struct touch_ctx t = { w->session_hash, NULL, NULL, r->now };

        if (api_run_tx(r->api, touch_session, &t, &d) < 0)
            fprintf(stderr, "bollard serve: cannot record session use: %s\n", d.msg);
    }
    return 0;
}

int api_authenticate(struct req *r)
{
    const char *authz = api_header(r, "Authorization");
    const char *cookie = api_cookie(r, SESSION_COOKIE);
    struct bol_store *s = NULL;
    struct bol_diag d;
    int rc;

    memset(&r->who, 0, sizeof(r->who));
    if (!authz && !cookie)
        return 0;
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc < 0)
        return api_fail(r, rc, &d), 1;
    if (authz) {
        if (strncmp(authz, "Bearer ", 7) != 0)
            rc = (api_problem(r, 401, "bad_key", "use Authorization: Bearer <API key>"), 1);
        else
            rc = auth_key(r, s, bol_str_from(authz + 7));
    } else {
        rc = auth_session(r, s, cookie);
    }
    api_reader_put(r->api, s);
    return rc;
}

int api_csrf_ok(struct req *r)
{
    const char *h = api_header(r, "X-CSRF-Token");
    uint8_t got[BOL_TOKEN_HASH_LEN];
    size_t n = 0;

    if (!h ||
        sodium_base642bin(got, sizeof(got), h, strlen(h), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != sizeof(got))
        return 0;
    return sodium_memcmp(got, r->who.csrf, sizeof(got)) == 0;
}

/* ---- logging in ---- */

struct login_ctx {
    const char *typed; /* the name as typed (for an unknown name's tag) */
    struct req *r;
    const char *user;
    bool failure;            /* record a failed attempt */
    bool clear_failures;     /* a success clears them */
    int64_t totp_step;       /* use this step (> 0) */
    const uint8_t *recovery; /* spend this recovery code (hash) */
    bool new_session;
    bool drop_sessions;     /* every session of the user (password change) */
    const char *pw_hash;    /* set the password */
    const char *pw_verdict; /* and its verdict (api_password_verdict) */
    bool login_ok;          /* record a successful login (for dormant accounts) */
    const uint8_t *totp_secret;
    size_t totp_len;
    struct bol_recovery_code *codes;
    size_t ncodes;
    uint8_t token_hash[BOL_TOKEN_HASH_LEN];
    char token[BOL_SESSION_TOKEN_LEN + 1];
    uint8_t csrf[BOL_TOKEN_HASH_LEN];
};

static int login_hook(struct bol_store *s, struct bol_ops_call *call, struct bol_diag *d)
{
    struct login_ctx *lc = call->user;
    struct req *r = lc->r;
    int rc = 0;

    if (lc->failure)
        rc = bol_cred_failure_add(s, lc->user, r->now, r->addr, d);
    if (rc == 0 && lc->totp_step > 0)
        rc = bol_cred_totp_use(s, lc->user, lc->totp_step, d);
    if (rc == 0 && lc->recovery) {
        rc = bol_cred_recovery_use(s, lc->user, lc->recovery, r->now, d);
        if (rc == BOL_E_NOTFOUND)
            rc = bol_diag_fail(d, BOL_E_CONFLICT, "recovery_code", "not a recovery code of yours");
    }
    if (rc == 0 && lc->clear_failures)
        rc = bol_cred_failure_clear(s, lc->user, d);
    if (rc == 0 && lc->pw_hash)
        rc = bol_cred_password_set(s, lc->user, lc->pw_hash, lc->pw_verdict, r->now, d);
    if (rc == 0 && lc->login_ok)
        rc = bol_cred_login_ok(s, lc->user, r->now, d);
    if (rc == 0 && lc->codes) {
        uint8_t(*h)[BOL_CRED_HASH_LEN] = bol_calloc(lc->ncodes, sizeof(*h));
        size_t i;

        if (!h)
            return BOL_E_NOMEM;
        for (i = 0; i < lc->ncodes; i++)
            memcpy(h[i], lc->codes[i].hash, BOL_CRED_HASH_LEN);
        rc = bol_cred_recovery_set(s, lc->user, (const uint8_t(*)[BOL_CRED_HASH_LEN]) h, lc->ncodes,
                                   d);
        bol_free(h);
    }
    if (rc == 0 && lc->drop_sessions)
        rc = bol_cred_session_del_user(s, lc->user, d);
    if (rc == 0 && r->who.who == WHO_SESSION && lc->new_session)
        rc = bol_cred_session_del(s, r->who.session_hash, d);
    if (rc == 0 && lc->new_session) {
        struct bol_cred_session ses;

        memset(&ses, 0, sizeof(ses));
        snprintf(ses.user, sizeof(ses.user), "%s", lc->user);
        ses.created_us = ses.last_seen_us = r->now;
        memcpy(ses.csrf, lc->csrf, sizeof(ses.csrf));
        snprintf(ses.addr, sizeof(ses.addr), "%s", r->addr);
        rc = bol_cred_session_put(s, lc->token_hash, &ses, d);
    }
    return rc;
}

static void new_session(struct login_ctx *lc)
{
    lc->new_session = true;
    bol_session_token_make(lc->token, lc->token_hash);
    randombytes_buf(lc->csrf, sizeof(lc->csrf));
}

static void set_cookie(struct req *r, const struct login_ctx *lc)
{
    snprintf(r->set_cookie, sizeof(r->set_cookie),
             SESSION_COOKIE "=%s; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=%lld",
             lc->token, (long long) (r->api->cfg.session_max_us / 1000000));
}

/*
 * The name_tag of an unknown name: 8 bytes of a keyed BLAKE2b of it, as
 * hex, under a key made at random once per process and never stored.  The
 * same name gives the same tag while the server runs, so detection counts a
 * name typed wrong ten times as one account; the tag cannot be turned back
 * into the name (which may be a password typed into the wrong field).
 */
static uint8_t name_tag_key[crypto_generichash_KEYBYTES];
static pthread_once_t name_tag_once = PTHREAD_ONCE_INIT;

static void name_tag_make(void)
{
    randombytes_buf(name_tag_key, sizeof(name_tag_key));
}

static void name_tag(const char *name, char out[17])
{
    uint8_t h[8];

    pthread_once(&name_tag_once, name_tag_make);
    crypto_generichash(h, sizeof(h), (const unsigned char *) name, strlen(name), name_tag_key,
                       sizeof(name_tag_key));
    sodium_bin2hex(out, 17, h, sizeof(h));
}

/* Journal a login outcome as the system, with its credential changes. */
static int journal_login(struct req *r, struct login_ctx *lc, const char *user, const char *typed,
                         const char *result, const char *method, struct bol_diag *d)
{
    struct bol_ops_call call;
    json_t *cmd =
        json_pack("{s:s,s:s,s:s}", "cmd", "auth.login", "result", result, "method", method);
    char tag[17];
    int rc;

    if (!cmd)
        return BOL_E_NOMEM;
    /* An unknown name is left out, only its tag kept: people type passwords into the user field. */
    if (user[0]) {
        json_object_set_new(cmd, "user", json_string(user));
    } else if (typed && typed[0]) {
        name_tag(typed, tag);
        json_object_set_new(cmd, "name_tag", json_string(tag));
    }
    memset(&call, 0, sizeof(call));
    call.user = lc;
    call.tx_hook = lc ? login_hook : NULL;
    rc = api_run_as(r, "system", cmd, &call, d);
    json_decref(cmd);
    return rc;
}

static int login_failed(struct req *r, struct login_ctx *lc, const char *result, const char *method)
{
    struct bol_store *s = NULL;
    struct bol_diag d;
    unsigned n = 0;
    int rc;

    r->api->logins_failed++;
    bol_diag_init(&d);
    lc->failure = lc->user[0] != '\0';
    rc = journal_login(r, lc->user[0] ? lc : NULL, lc->user, lc->typed, result, method, &d);
    if (rc < 0)
        return api_fail(r, rc, &d);
    if (!lc->user[0] || !strcmp(result, "locked"))
        return api_problem(r, 401, "login_failed", "login failed");
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_cred_failure_count(
            s, lc->user, r->now - (int64_t) r->api->cfg.lockout_window_s * 1000000, &n, &d);
    api_reader_put(r->api, s);
    if (rc == 0 && n >= r->api->cfg.lockout_failures) {
        int64_t until = r->now + (int64_t) r->api->cfg.lockout_s * 1000000;
        char until_text[BOL_TIME_TEXT_MAX];
        char reason[128];
        struct bol_ops_call call;
        json_t *cmd;

        bol_time_format(until, 0, 6, until_text);
        snprintf(reason, sizeof(reason), "%u failed logins in %u minutes", n,
                 r->api->cfg.lockout_window_s / 60);
        cmd = json_pack("{s:s,s:s,s:s,s:s}", "cmd", "user.lockout", "user", lc->user, "until",
                        until_text, "reason", reason);
        memset(&call, 0, sizeof(call));
        if (cmd && api_run_as(r, "system", cmd, &call, &d) == 0)
            api_notify_lockout(r->api, lc->user, r->addr, n, until);
        json_decref(cmd);
    }
    return api_problem(r, 401, "login_failed", "login failed");
}

int h_login(struct req *r)
{
    static const char *const keys[] = { "user", "password", "code", "recovery_code", NULL };
    struct login_ctx lc;
    struct bol_account a;
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *body, *v;
    const char *k, *user, *pw, *code, *rcode;
    const char *method = "password";
    uint8_t rec_hash[BOL_TOKEN_HASH_LEN];
    char hash[BOL_PWHASH_MAX + 1] = "";
    size_t pwlen;
    int rc, known;

    body = api_body(r);
    json_object_foreach(body, k, v)
    {
        size_t i;
        bool ok = false;

        for (i = 0; keys[i]; i++)
            ok |= !strcmp(k, keys[i]);
        if (!ok || !json_is_string(v))
            return api_problem(r, 400, "invalid", "the login takes user, password and code");
    }
    user = json_string_value(json_object_get(body, "user"));
    pw = json_string_value(json_object_get(body, "password"));
    code = json_string_value(json_object_get(body, "code"));
    rcode = json_string_value(json_object_get(body, "recovery_code"));
    if (!user || !pw)
        return api_problem(r, 400, "invalid", "user and password are required");
    pwlen = json_string_length(json_object_get(body, "password"));
    if (strlen(user) > BOL_USER_MAX || pwlen > BOL_PASSWORD_MAX_BYTES)
        return api_problem(r, 400, "invalid", "user or password too long");
    memset(&lc, 0, sizeof(lc));
    lc.r = r;
    lc.user = "";
    lc.typed = user;
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc < 0)
        return api_fail(r, rc, &d);
    known = bol_user_check(user, NULL) == 0 ? read_account(s, user, &a, &d) : BOL_E_NOTFOUND;
    if (known == 0)
        known = bol_cred_password_get(s, user, hash, &d);
    if (known != 0 && known != BOL_E_NOTFOUND) {
        api_reader_put(r->api, s);
        return api_fail(r, known, &d);
    }
    if (known == BOL_E_NOTFOUND) {
        api_reader_put(r->api, s);
        pthread_once(&dummy_once, dummy_make);
        rc = password_verify(r->api, dummy_hash, pw, pwlen);
        if (rc < 0)
            return api_problem(r, 503, "busy", "too many logins at once: try again");
        api_canary_trip(r, "user", user, "login attempted");
        return login_failed(r, &lc, "unknown_user", method);
    }
    lc.user = a.user;
    /*
     * The hash is checked even when the answer is already no (locked,
     * disabled, no window), so the time taken does not tell a locked account
     * from a wrong password; the result is not used then.
     */
    rc = password_verify(r->api, hash, pw, pwlen);
    if (rc >= 0 && bol_account_locked(&a, r->now)) {
        api_reader_put(r->api, s);
        lc.failure = true;
        return login_failed(r, &lc, a.status == BOL_ACCOUNT_DISABLED ? "disabled" : "locked",
                            method);
    }
    if (rc >= 0 && a.kind == BOL_ACCOUNT_VENDOR && !window_open(s, a.user, r->addr, r->now)) {
        api_reader_put(r->api, s);
        return login_failed(r, &lc, "no_window", method);
    }
    if (rc < 0) {
        api_reader_put(r->api, s);
        return api_problem(r, 503, "busy", "too many logins at once: try again");
    }
    if (rc == 0) {
        api_reader_put(r->api, s);
        return login_failed(r, &lc, "bad_password", method);
    }
    if (a.mfa) {
        struct bol_cred_totp t;

        if (code) {
            int64_t step = 0;

            method = "totp";
            rc = bol_cred_totp_get(s, a.user, &t, &d);
            if (rc == 0 && bol_totp_check(t.secret, t.len, bol_str_from(code), r->now / 1000000,
                                          t.last_step, &step, &d) < 0) {
                api_reader_put(r->api, s);
                return login_failed(r, &lc, strstr(d.msg, "already") ? "code_reused" : "bad_code",
                                    method);
            }
            if (rc < 0) {
                api_reader_put(r->api, s);
                return api_fail(r, rc, &d);
            }
            lc.totp_step = step;
        } else if (rcode) {
            method = "recovery";
            if (bol_recovery_code_hash(bol_str_from(rcode), rec_hash, &d) < 0) {
                api_reader_put(r->api, s);
                return login_failed(r, &lc, "bad_code", method);
            }
            lc.recovery = rec_hash;
        } else {
            api_reader_put(r->api, s);
            return api_problem(r, 401, "mfa_required",
                               "enter the code from your authenticator app");
        }
    }
    api_reader_put(r->api, s);
    lc.clear_failures = true;
    lc.login_ok = true;
    new_session(&lc);
    rc = journal_login(r, &lc, a.user, NULL, "ok", method, &d);
    if (rc == BOL_E_CONFLICT) {
        const char *why = lc.recovery ? "bad_code" : "code_reused";

        lc.totp_step = 0;
        lc.recovery = NULL;
        lc.clear_failures = false;
        lc.login_ok = false;
        lc.new_session = false;
        return login_failed(r, &lc, why, method);
    }
    if (rc < 0)
        return api_fail(r, rc, &d);
    r->api->logins_ok++;
    set_cookie(r, &lc);
    {
        char csrf[64];

        b64(lc.csrf, sizeof(lc.csrf), csrf, sizeof(csrf));
        sodium_memzero(lc.token, sizeof(lc.token));
        return api_json(r, 200,
                        json_pack("{s:s,s:s,s:b,s:b,s:I}", "user", a.user, "csrf_token", csrf,
                                  "must_change_password", a.must_change, "mfa_setup_required",
                                  a.mfa_required && !a.mfa, "idle_timeout_s",
                                  (json_int_t) (r->api->cfg.session_idle_us / 1000000)));
    }
}

/* ---- the session's own account ---- */

struct drop_ctx {
    const uint8_t *hash;
};

static int drop_session(struct bol_store *s, void *ctx, struct bol_diag *d)
{
    struct drop_ctx *dc = ctx;

    return bol_cred_session_del(s, dc->hash, d);
}

int h_logout(struct req *r)
{
    struct drop_ctx dc = { r->who.session_hash };
    struct bol_diag d;
    int rc;

    if (r->who.who != WHO_SESSION)
        return api_problem(r, 400, "invalid", "API keys do not log out: revoke the key");
    bol_diag_init(&d);
    rc = api_run_tx(r->api, drop_session, &dc, &d);
    if (rc < 0)
        return api_fail(r, rc, &d);
    snprintf(r->set_cookie, sizeof(r->set_cookie),
             SESSION_COOKIE "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    return api_json(r, 200, json_pack("{s:b}", "logged_out", 1));
}

int h_me(struct req *r)
{
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *o = NULL;
    int rc;

    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = r->who.who == WHO_KEY ? api_doc(s, BOL_DOC_APIKEY, r->who.key_id, &o, &d)
                                   : api_doc(s, BOL_DOC_ACCOUNT, r->who.user, &o, &d);
    api_reader_put(r->api, s);
    if (rc < 0)
        return api_fail(r, rc, &d);
    return api_json(r, 200,
                    json_pack("{s:s,s:o}", "actor", r->who.actor,
                              r->who.who == WHO_KEY ? "key" : "account", o));
}

int h_password(struct req *r)
{
    struct login_ctx lc;
    struct bol_store *s = NULL;
    struct bol_diag d;
    struct bol_ops_call call;
    char hash[BOL_PWHASH_MAX + 1] = "";
    char newhash[crypto_pwhash_STRBYTES];
    char verdict[BOL_PW_VERDICT_MAX + 1];
    json_t *body, *cmd;
    const char *cur, *nw;
    int rc;

    if (r->who.who != WHO_SESSION)
        return api_problem(r, 403, "people_only", "only a person changes their password");
    body = api_body(r);
    cur = json_string_value(json_object_get(body, "current"));
    nw = json_string_value(json_object_get(body, "new"));
    if (!cur || !nw || json_object_size(body) != 2)
        return api_problem(r, 400, "invalid", "give current and new");
    bol_diag_init(&d);
    if (bol_password_check(bol_str_from(nw), bol_str_from(r->who.user), &d) < 0)
        return api_fail(r, BOL_E_INVAL, &d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_cred_password_get(s, r->who.user, hash, &d);
    api_reader_put(r->api, s);
    if (rc < 0)
        return api_fail(r, rc, &d);
    rc = password_verify(r->api, hash, cur, strlen(cur));
    if (rc < 0)
        return api_problem(r, 503, "busy", "too many logins at once: try again");
    if (rc == 0)
        return api_problem(r, 403, "wrong_password", "the current password is wrong");
    if (api_password_hash(r->api, nw, strlen(nw), newhash, sizeof(newhash)) < 0)
        return api_problem(r, 503, "busy", "too many logins at once: try again");
    api_password_verdict(nw, r->who.user, verdict, sizeof(verdict));
    memset(&lc, 0, sizeof(lc));
    lc.r = r;
    lc.user = r->who.user;
    lc.pw_hash = newhash;
    lc.pw_verdict = verdict;
    lc.drop_sessions = true;
    new_session(&lc);
    cmd = json_pack("{s:s,s:s,s:b}", "cmd", "user.password", "user", r->who.user, "must_change", 0);
    memset(&call, 0, sizeof(call));
    call.user = &lc;
    call.tx_hook = login_hook;
    rc = cmd ? api_run(r, cmd, &call, &d) : BOL_E_NOMEM;
    json_decref(cmd);
    if (rc < 0)
        return api_fail(r, rc, &d);
    set_cookie(r, &lc);
    {
        char csrf[64];

        b64(lc.csrf, sizeof(lc.csrf), csrf, sizeof(csrf));
        return api_json(r, 200, json_pack("{s:b,s:s}", "changed", 1, "csrf_token", csrf));
    }
}

struct totp_set_ctx {
    const char *user;
    uint8_t secret[BOL_TOTP_SECRET_LEN];
    int64_t now;
};

static int totp_store(struct bol_store *s, void *ctx, struct bol_diag *d)
{
    struct totp_set_ctx *t = ctx;

    return bol_cred_totp_set(s, t->user, t->secret, sizeof(t->secret), t->now, d);
}

int h_mfa_enroll(struct req *r)
{
    struct totp_set_ctx t;
    struct bol_buf uri = BOL_BUF_INIT(2048);
    struct bol_diag d;
    char b32[BOL_BASE32_LEN(BOL_TOTP_SECRET_LEN) + 1];
    json_t *o;
    int rc;

    if (r->who.who != WHO_SESSION)
        return api_problem(r, 403, "people_only", "only a person enrols an authenticator");
    bol_diag_init(&d);
    memset(&t, 0, sizeof(t));
    t.user = r->who.user;
    t.now = r->now;
    bol_totp_secret_make(t.secret);
    rc = api_run_tx(r->api, totp_store, &t, &d);
    if (rc == 0)
        rc = bol_base32_encode(t.secret, sizeof(t.secret), b32, sizeof(b32));
    if (rc == 0)
        rc = bol_totp_uri(t.secret, sizeof(t.secret), bol_str_from("bollard"),
                          bol_str_from(r->who.user), &uri, &d);
    sodium_memzero(t.secret, sizeof(t.secret));
    if (rc < 0) {
        bol_buf_release(&uri);
        return api_fail(r, rc, &d);
    }
    o = json_pack("{s:s,s:s%}", "secret", b32, "otpauth_uri", uri.buf, uri.len);
    bol_buf_release_wipe(&uri);
    sodium_memzero(b32, sizeof(b32));
    return api_json(r, 200, o);
}

int h_mfa_confirm(struct req *r)
{
    struct bol_recovery_code codes[BOL_RECOVERY_CODES_DEFAULT];
    struct login_ctx lc;
    struct bol_cred_totp t;
    struct bol_store *s = NULL;
    struct bol_ops_call call;
    struct bol_diag d;
    json_t *body, *cmd, *list;
    const char *code;
    int64_t step = 0;
    size_t i;
    int rc;

    if (r->who.who != WHO_SESSION)
        return api_problem(r, 403, "people_only", "only a person enrols an authenticator");
    body = api_body(r);
    code = json_string_value(json_object_get(body, "code"));
    if (!code || json_object_size(body) != 1)
        return api_problem(r, 400, "invalid", "give the code your authenticator shows");
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_cred_totp_get(s, r->who.user, &t, &d);
    api_reader_put(r->api, s);
    if (rc == BOL_E_NOTFOUND)
        return api_problem(r, 409, "wrong_state", "start with POST /api/v1/me/mfa/enroll");
    if (rc < 0)
        return api_fail(r, rc, &d);
    if (bol_totp_check(t.secret, t.len, bol_str_from(code), r->now / 1000000, t.last_step, &step,
                       &d) < 0) {
        sodium_memzero(&t, sizeof(t));
        return api_problem(r, 403, "bad_code", "that code is wrong or has expired");
    }
    sodium_memzero(&t, sizeof(t));
    bol_recovery_codes_make(codes, BOL_RECOVERY_CODES_DEFAULT);
    memset(&lc, 0, sizeof(lc));
    lc.r = r;
    lc.user = r->who.user;
    lc.totp_step = step;
    lc.codes = codes;
    lc.ncodes = BOL_RECOVERY_CODES_DEFAULT;
    new_session(&lc);
    cmd = json_pack("{s:s,s:s}", "cmd", "user.mfa_enroll", "user", r->who.user);
    memset(&call, 0, sizeof(call));
    call.user = &lc;
    call.tx_hook = login_hook;
    rc = cmd ? api_run(r, cmd, &call, &d) : BOL_E_NOMEM;
    json_decref(cmd);
    if (rc < 0) {
        sodium_memzero(codes, sizeof(codes));
        return api_fail(r, rc, &d);
    }
    set_cookie(r, &lc);
    list = json_array();
    for (i = 0; list && i < BOL_RECOVERY_CODES_DEFAULT; i++)
        json_array_append_new(list, json_string(codes[i].text));
    sodium_memzero(codes, sizeof(codes));
    {
        char csrf[64];

        b64(lc.csrf, sizeof(lc.csrf), csrf, sizeof(csrf));
        return api_json(
            r, 200,
            json_pack("{s:b,s:o,s:s}", "enrolled", 1, "recovery_codes", list, "csrf_token", csrf));
    }
}
