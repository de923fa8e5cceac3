/* SPDX-License-Identifier: Apache-2.0 */
/*
 * admin.c - access administration over the API: accounts, API keys,
 * maintenance windows and approvals
 *
 * Security-relevant changes need a second person (separation of duties):
 * creating an admin or security account, changing anyone's roles, resetting
 * MFA and creating a key for a privileged role are stored as requests
 * (approval.requested) and carried out when another admin or security
 * officer approves them; the approver then receives whatever secret the
 * action makes (a one-time password, a key), once.
 */
#include "compat.h"

#include <sodium.h>

#include "api-int.h"
#include "mem.h"
#include "query.h"
#include "secrets.h"
#include "utctime.h"

#define DAY_US (86400LL * 1000000)

/* ---- carrying out an action, with its credential side ---- */

/*
 * Run an access command (cmd, not stolen) as the caller with what it needs
 * in the credential store; *extra gets the secrets to show once.  req is the
 * request id ("" for none).
 */
static int perform(struct req *r, json_t *cmd, const char *req_id, json_t **extra,
                   struct bol_diag *d)
{
    struct bol_secrets x;
    struct bol_apikey key;
    struct bol_ops_call call;
    char otp[BOL_OTP_LEN + 1];
    char pw_hash[crypto_pwhash_STRBYTES];
    const char *name = json_string_value(json_object_get(cmd, "cmd"));
    const char *user = json_string_value(json_object_get(cmd, "user"));
    json_t *c = json_deep_copy(cmd);
    int rc;

    *extra = NULL;
    if (!c || !name)
        return json_decref(c), BOL_E_NOMEM;
    memset(&x, 0, sizeof(x));
    x.user = user ? user : "";
    x.now_us = r->now;
    bol_secrets_for(&x, name);
    if (!strcmp(name, "user.add")) {
        bol_onetime_password(otp);
        rc = api_password_hash(r->api, otp, strlen(otp), pw_hash, sizeof(pw_hash));
        if (rc < 0) {
            json_decref(c);
            return bol_diag_fail(d, rc, "password", "too many logins at once: try again");
        }
        x.pw_hash = pw_hash;
        x.pw_verdict = "generated";
    } else if (!strcmp(name, "key.create")) {
        bol_apikey_make(&key);
        json_object_set_new(c, "id", json_string(key.id));
        x.key = &key;
    }
    memset(&call, 0, sizeof(call));
    call.user = &x;
    call.tx_hook = bol_secrets_hook;
    call.actor.id = bol_str_from(r->who.actor);
    call.actor.addr = bol_str_from(r->addr);
    call.req = bol_str_from(req_id);
    call.cmd = c;
    rc = bol_ops_run_call(r->api->ops, &call);
    if (rc < 0)
        *d = call.diag;
    if (rc == 0 && x.pw_hash && !call.res.duplicate)
        *extra = json_pack("{s:s,s:s}", "user", x.user, "one_time_password", otp);
    if (rc == 0 && x.key && !call.res.duplicate)
        *extra = json_pack("{s:s,s:s}", "id", key.id, "key", key.text);
    json_decref(c);
    if (x.pw_hash)
        sodium_memzero(otp, sizeof(otp));
    if (x.key)
        sodium_memzero(&key, sizeof(key));
    return rc;
}

/* Store the action as a request for a second person; 202 with its id. */
static int ask_approval(struct req *r, json_t *action, const char *reason)
{
    struct bol_store *s = NULL;
    struct bol_ops_call call;
    struct bol_diag d;
    uint8_t rnd[6];
    char id[20];
    json_t *cmd;
    int rc;

    /* Checked now as well as when approved: a request that cannot succeed is refused to its author. */
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_ops_check(s, action, r->now, &r->who.scope, &d);
    api_reader_put(r->api, s);
    if (rc < 0)
        return api_fail(r, rc, &d);
    randombytes_buf(rnd, sizeof(rnd));
    snprintf(id, sizeof(id), "ap-%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
             rnd[5]);
    cmd = json_pack("{s:s,s:s,s:O,s:s,s:s}", "cmd", "approval.request", "id", id, "action", action,
                    "requested_by", r->who.actor, "reason", reason ? reason : "");
    if (!cmd)
        return api_fail(r, BOL_E_NOMEM, NULL);
    memset(&call, 0, sizeof(call));
    bol_diag_init(&d);
    rc = api_run(r, cmd, &call, &d);
    json_decref(cmd);
    if (rc < 0)
        return api_fail(r, rc, &d);
    return api_json(r, 202, json_pack("{s:s,s:s}", "approval", id, "status", "pending"));
}

/* 201 when something was created, 200 when something changed; errors as problems. */
static int answer(struct req *r, int rc, unsigned status, json_t *extra, const struct bol_diag *d)
{
    if (rc < 0) {
        json_decref(extra);
        return api_fail(r, rc, d);
    }
    return api_json(r, status, extra ? extra : json_pack("{s:b}", "done", 1));
}

static bool role_privileged(const char *role)
{
    return role && (!strcmp(role, "admin") || !strcmp(role, "security"));
}

/*
 * Carry cmd out now and answer with status, or, when approval is asked,
 * store it for a second person (202).  Takes cmd.
 */
static int carry_out(struct req *r, json_t *cmd, const char *approval_reason, unsigned status)
{
    struct bol_diag d;
    json_t *extra = NULL;
    int rc;

    if (!cmd)
        return api_fail(r, BOL_E_NOMEM, NULL);
    if (approval_reason) {
        rc = ask_approval(r, cmd, approval_reason);
        json_decref(cmd);
        return rc;
    }
    bol_diag_init(&d);
    rc = perform(r, cmd, "", &extra, &d);
    json_decref(cmd);
    return answer(r, rc, status, extra, &d);
}

/* ---- accounts ---- */

static int list(struct req *r, enum bol_view_doc what, const char *name)
{
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *a = NULL;
    int rc;

    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_query_docs(s, what, NULL, &a, &d);
    if (rc == 0 && what == BOL_DOC_APIKEY) {
        size_t i;
        json_t *k;

        json_array_foreach(a, i, k)
        {
            struct bol_cred_key_use u;
            const char *id = json_string_value(json_object_get(k, "id"));
            char t[BOL_TIME_TEXT_MAX];

            if (id && bol_cred_key_use_get(s, id, &u, &d) == 0 && u.last_used_us) {
                bol_time_format(u.last_used_us, 0, 0, t);
                json_object_set_new(k, "last_used", json_string(t));
                json_object_set_new(k, "last_addr", json_string(u.last_addr));
            }
        }
    }
    api_reader_put(r->api, s);
    if (rc < 0)
        return api_fail(r, rc, &d);
    return api_json(r, 200, json_pack("{s:o}", name, a));
}

/* ---- alerts ---- */

/*
 * A decoy's alert names the decoy (its number, account or key id) in the
 * subject and the message.  Decoys are for the security role alone (as in
 * GET /api/v1/journal): other readers see that a decoy was touched, by whom
 * and from where, but not which decoy.  Returns a new reference.
 */
static json_t *alert_view(const struct req *r, json_t *v)
{
    const char *rule = json_string_value(json_object_get(v, "rule"));
    static const char *const hide[] = { "container", "user", "key" };
    json_t *o, *subj;
    size_t i;

    if ((r->who.roles & BOL_ROLE_BIT(BOL_ROLE_SECURITY)) || !rule || strcmp(rule, "canary") != 0)
        return json_incref(v);
    o = json_deep_copy(v);
    subj = json_object_get(o, "subject");
    for (i = 0; subj && i < BOL_ARRAY_SIZE(hide); i++)
        json_object_del(subj, hide[i]);
    if (!o ||
        json_object_set_new(o, "message",
                            json_string("a decoy was read or used (which "
                                        "one: the security role)")) != 0 ||
        json_object_set_new(o, "redacted", json_true()) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* GET /api/v1/alerts[?status=open|acknowledged]: newest first. */
int h_alerts_list(struct req *r)
{
    const char *status = api_query(r, "status");
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *a = NULL, *out, *v;
    size_t i;
    int rc;

    if (status && strcmp(status, "open") && strcmp(status, "acknowledged"))
        return api_problem(r, 400, "invalid", "status is open or acknowledged");
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_query_docs(s, BOL_DOC_ALERT, NULL, &a, &d);
    api_reader_put(r->api, s);
    if (rc < 0)
        return api_fail(r, rc, &d);
    out = json_array();
    for (i = json_array_size(a); out && i-- > 0;) {
        v = json_array_get(a, i);
        if ((!status || !strcmp(json_string_value(json_object_get(v, "status")), status)) &&
            json_array_append_new(out, alert_view(r, v)) != 0) {
            json_decref(out);
            out = NULL;
        }
    }
    json_decref(a);
    return out ? api_json(r, 200, json_pack("{s:o}", "alerts", out))
               : api_fail(r, BOL_E_NOMEM, NULL);
}

int h_alert_get(struct req *r)
{
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *o = NULL, *v;
    int rc;

    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = api_doc(s, BOL_DOC_ALERT, r->params[0], &o, &d);
    api_reader_put(r->api, s);
    if (rc == BOL_E_NOTFOUND)
        return api_problem(r, 404, "not_found", "no alert %s", r->params[0]);
    if (rc < 0)
        return api_fail(r, rc, &d);
    v = alert_view(r, o);
    json_decref(o);
    return v ? api_json(r, 200, v) : api_fail(r, BOL_E_NOMEM, NULL);
}

/* POST /api/v1/alerts/{id}/ack {"note"}: the caller is who acknowledged it. */
int h_alert_ack(struct req *r)
{
    json_t *body = api_body(r);
    json_t *cmd = json_pack("{s:s,s:s,s:O,s:s}", "cmd", "alert.ack", "id", r->params[0], "note",
                            json_object_get(body, "note"), "by", r->who.actor);

    return carry_out(r, cmd, NULL, 200);
}

int h_users_list(struct req *r)
{
    return list(r, BOL_DOC_ACCOUNT, "users");
}

static bool roles_privileged(json_t *roles)
{
    size_t i;
    json_t *v;

    json_array_foreach(roles, i, v)
    {
        if (role_privileged(json_string_value(v)))
            return true;
    }
    return false;
}

int h_user_add(struct req *r)
{
    json_t *body, *cmd;

    body = api_body(r);
    cmd = json_deep_copy(body);
    if (!cmd || json_object_set_new(cmd, "cmd", json_string("user.add")))
        return json_decref(cmd), api_fail(r, BOL_E_NOMEM, NULL);
    return carry_out(
        r, cmd, roles_privileged(json_object_get(body, "roles")) ? "new privileged account" : NULL,
        201);
}

int h_user_step(struct req *r)
{
    json_t *body, *cmd;
    const char *reason;

    body = api_body(r);
    reason = json_string_value(json_object_get(body, "reason"));
    cmd = json_pack("{s:s,s:s,s:s}", "cmd", r->route->cmd, "user", r->params[0], "reason", reason);
    return carry_out(r, cmd, !strcmp(r->route->cmd, "user.mfa_reset") ? reason : NULL, 200);
}

int h_user_roles(struct req *r)
{
    json_t *body, *cmd;
    int rc;

    body = api_body(r);
    cmd = json_deep_copy(body);
    if (!cmd || json_object_set_new(cmd, "cmd", json_string("user.update")) ||
        json_object_set_new(cmd, "user", json_string(r->params[0])))
        return json_decref(cmd), api_fail(r, BOL_E_NOMEM, NULL);
    rc = ask_approval(r, cmd, json_string_value(json_object_get(body, "reason")));
    json_decref(cmd);
    return rc;
}

/* ---- keys ---- */

int h_keys_list(struct req *r)
{
    return list(r, BOL_DOC_APIKEY, "keys");
}

/* expires: an ISO time, or days: 1..366 (default 90). */
static int expiry(struct req *r, json_t *body, char out[BOL_TIME_TEXT_MAX])
{
    json_t *days = json_object_get(body, "days");
    const char *exp = json_string_value(json_object_get(body, "expires"));
    json_int_t n = 90;

    if (exp) {
        snprintf(out, BOL_TIME_TEXT_MAX, "%s", exp);
        return 1;
    }
    if (days) {
        if (json_integer_value(days) < 1) {
            api_problem(r, 400, "invalid", "days is 1 to 366");
            return 0;
        }
        n = json_integer_value(days);
    }
    bol_time_format(r->now + (int64_t) n * DAY_US, 0, 6, out);
    return 1;
}

int h_key_create(struct req *r)
{
    char exp[BOL_TIME_TEXT_MAX];
    json_t *body, *cmd;

    body = api_body(r);
    if (!expiry(r, body, exp))
        return 0;
    cmd = json_deep_copy(body);
    if (!cmd)
        return api_fail(r, BOL_E_NOMEM, NULL);
    json_object_del(cmd, "days");
    json_object_set_new(cmd, "expires", json_string(exp));
    json_object_set_new(cmd, "cmd", json_string("key.create"));
    json_object_set_new(cmd, "id", json_string("aaaaaaaaaa")); /* replaced when carried out */
    return carry_out(r, cmd,
                     role_privileged(json_string_value(json_object_get(body, "role")))
                         ? "key for a privileged role"
                         : NULL,
                     201);
}

int h_key_rotate(struct req *r)
{
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *body, *old = NULL, *cmd, *ov;
    char exp[BOL_TIME_TEXT_MAX];
    int rc;

    body = api_body(r);
    if (!expiry(r, body, exp))
        return 0;
    ov = json_object_get(body, "overlap");
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = api_doc(s, BOL_DOC_APIKEY, r->params[0], &old, &d);
    api_reader_put(r->api, s);
    if (rc < 0 && rc != BOL_E_NOTFOUND)
        return api_fail(r, rc, &d);
    if (!old)
        return api_problem(r, 404, "not_found", "no API key %s", r->params[0]);
    cmd = json_pack("{s:s,s:s,s:O?,s:O?,s:s,s:s}", "cmd", "key.create", "id", "aaaaaaaaaa", "name",
                    json_object_get(old, "name"), "role", json_object_get(old, "role"), "expires",
                    exp, "replaces", r->params[0]);
    if (cmd) {
        json_object_set(cmd, "terminals", json_object_get(old, "terminals"));
        if (json_object_get(old, "line"))
            json_object_set(cmd, "line", json_object_get(old, "line"));
        json_object_set_new(cmd, "overlap",
                            json_integer(json_is_integer(ov) ? json_integer_value(ov) : 86400));
    }
    json_decref(old);
    if (!cmd)
        return api_fail(r, BOL_E_NOMEM, NULL);
    /* A new key for a privileged role is a new key: a second person approves it. */
    return carry_out(r, cmd,
                     role_privileged(json_string_value(json_object_get(cmd, "role")))
                         ? "rotation of a key for a privileged role"
                         : NULL,
                     201);
}

int h_key_revoke(struct req *r)
{
    struct bol_diag d;
    json_t *body, *cmd, *extra = NULL;
    const char *reason;
    int rc;

    body = api_body(r);
    reason = json_string_value(json_object_get(body, "reason"));
    cmd = json_pack("{s:s,s:s,s:s}", "cmd", "key.revoke", "id", r->params[0], "reason", reason);
    bol_diag_init(&d);
    rc = cmd ? perform(r, cmd, "", &extra, &d) : BOL_E_NOMEM;
    json_decref(cmd);
    return answer(r, rc, 200, extra, &d);
}

/* ---- maintenance windows ---- */

int h_access_list(struct req *r)
{
    return list(r, BOL_DOC_GRANT, "windows");
}

int h_access_grant(struct req *r)
{
    struct bol_diag d;
    json_t *body, *cmd, *extra = NULL;
    uint8_t rnd[5];
    char id[16];
    int rc;

    body = api_body(r);
    randombytes_buf(rnd, sizeof(rnd));
    snprintf(id, sizeof(id), "mw-%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4]);
    cmd = json_deep_copy(body);
    if (!cmd || json_object_set_new(cmd, "cmd", json_string("access.grant")) ||
        json_object_set_new(cmd, "id", json_string(id)))
        return json_decref(cmd), api_fail(r, BOL_E_NOMEM, NULL);
    bol_diag_init(&d);
    rc = perform(r, cmd, "", &extra, &d);
    json_decref(cmd);
    if (rc == 0)
        extra = json_pack("{s:s}", "id", id);
    return answer(r, rc, 201, extra, &d);
}

int h_access_revoke(struct req *r)
{
    struct bol_diag d;
    json_t *cmd = json_pack("{s:s,s:s}", "cmd", "access.revoke", "id", r->params[0]), *extra = NULL;
    int rc;

    bol_diag_init(&d);
    rc = cmd ? perform(r, cmd, "", &extra, &d) : BOL_E_NOMEM;
    json_decref(cmd);
    return answer(r, rc, 200, extra, &d);
}

/* ---- approvals ---- */

int h_approvals_list(struct req *r)
{
    return list(r, BOL_DOC_APPROVAL, "approvals");
}

int h_approval_decide(struct req *r)
{
    bool approve = !strcmp(r->route->cmd, "approve");
    struct bol_store *s = NULL;
    struct bol_ops_call call;
    struct bol_diag d;
    json_t *doc = NULL, *cmd, *extra = NULL;
    char req_id[160];
    int rc;

    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = api_doc(s, BOL_DOC_APPROVAL, r->params[0], &doc, &d);
    api_reader_put(r->api, s);
    if (rc < 0 && rc != BOL_E_NOTFOUND)
        return api_fail(r, rc, &d);
    if (!doc)
        return api_problem(r, 404, "not_found", "no request %s", r->params[0]);
    cmd = json_pack("{s:s,s:s,s:b,s:s}", "cmd", "approval.decide", "id", r->params[0], "approve",
                    approve, "decided_by", r->who.actor);
    memset(&call, 0, sizeof(call));
    rc = cmd ? api_run(r, cmd, &call, &d) : BOL_E_NOMEM;
    json_decref(cmd);
    if (rc < 0) {
        json_decref(doc);
        return api_fail(r, rc, &d);
    }
    if (!approve) {
        json_decref(doc);
        return api_json(r, 200, json_pack("{s:s}", "status", "rejected"));
    }
    /* Carried out by the approver, once: the request id makes a retry harmless. */
    snprintf(req_id, sizeof(req_id), "approval:%s", r->params[0]);
    rc = perform(r, json_object_get(doc, "action"), req_id, &extra, &d);
    json_decref(doc);
    if (rc < 0)
        return api_fail(r, rc, &d);
    return api_json(r, 200, json_pack("{s:s,s:o*}", "status", "approved", "result", extra));
}
