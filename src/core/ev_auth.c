/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev_auth.c - access events: accounts, API keys, maintenance windows,
 * approvals, logins and refused requests
 *
 * Account events carry the whole account after the change (account.h) plus
 * an optional reason; the event type says what changed, so detection rules
 * and auditors read "account.mfa_reset" rather than diffing objects.  Key
 * and window events do the same.  Logins, key use and refused requests
 * change no state: they are in the journal to be audited and detected.
 * No payload here ever holds a secret.
 */
#include "compat.h"

#include "account.h"
#include "buf.h"
#include "errors.h"
#include "events-int.h"
#include "jsonv.h"

/* ---- state tables ---- */

static const struct bol_column account_cols[] = {
    { "user_name", BOL_V_TEXT, false },
    { "doc", BOL_V_TEXT, false },
    { "changed_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_account = { "account", account_cols, 3, 1, NULL };

static const struct bol_column apikey_cols[] = {
    { "id", BOL_V_TEXT, false },
    { "doc", BOL_V_TEXT, false },
    { "changed_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_apikey = { "apikey", apikey_cols, 3, 1, NULL };

static const struct bol_column grant_cols[] = {
    { "id", BOL_V_TEXT, false },
    { "user_name", BOL_V_TEXT, false },
    { "doc", BOL_V_TEXT, false },
    { "changed_seq", BOL_V_INT, false },
};
static const char *const grant_indexes[] = { "user_name", NULL };
const struct bol_table bol_t_grant = { "access_grant", grant_cols, 4, 1, grant_indexes };

static const struct bol_column approval_cols[] = {
    { "id", BOL_V_TEXT, false },
    { "doc", BOL_V_TEXT, false },
    { "changed_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_approval = { "approval", approval_cols, 3, 1, NULL };

/* ---- shared ---- */

/* {"<what>": object, "reason": text?}: the object checked by its codec. */
static int wrapped(json_t *p, const char *what, json_t **obj, struct bol_diag *diag)
{
    const char *keys[] = { what, "reason", NULL };
    struct bol_str reason;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 ||
        (r = jv_text(p, "reason", BOL_REASON_MAX, false, &reason, diag)) < 0 ||
        (r = jv_object(p, what, true, obj, diag)) < 0)
        return r;
    return 0;
}

static int put_doc(const struct bol_entry *e, const struct bol_table *t, struct bol_str key,
                   const char *key2, json_t *obj, const struct bol_mutation_sink *sink)
{
    struct bol_buf doc = BOL_BUF_INIT(1 << 20);
    struct bol_value row[4];
    unsigned i = 0;
    int r = jv_dump(obj, &doc);

    if (r < 0)
        return r;
    row[i++] = BOL_VAL_TEXT(key);
    if (key2)
        row[i++] = BOL_VAL_TEXT(bol_str_from(key2));
    row[i++] = BOL_VAL_TEXT(bol_buf_str(&doc));
    row[i++] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, t, row);
    bol_buf_release(&doc);
    return r;
}

/* ---- accounts ---- */

static int account_decode(json_t *p, struct bol_account *a, json_t **obj, struct bol_diag *diag)
{
    json_t *again = NULL;
    int r;

    if ((r = wrapped(p, "account", obj, diag)) < 0 ||
        (r = bol_account_from_json(*obj, a, diag)) < 0)
        return r;
    r = bol_account_to_json(a, &again);
    if (r < 0)
        return r;
    return bol_ev_same(*obj, again, "account", diag);
}

static int account_check(json_t *p, struct bol_diag *diag)
{
    struct bol_account a;
    json_t *obj;

    return account_decode(p, &a, &obj, diag);
}

static int account_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         struct bol_diag *diag)
{
    struct bol_account a;
    json_t *obj;
    int r = account_decode(p, &a, &obj, diag);

    if (r < 0)
        return r;
    return put_doc(e, &bol_t_account, bol_str_from(a.user), NULL, obj, sink);
}

/* ---- API keys ---- */

static int apikey_decode(json_t *p, struct bol_apikey_info *k, json_t **obj, struct bol_diag *diag)
{
    json_t *again = NULL;
    int r;

    if ((r = wrapped(p, "key", obj, diag)) < 0 || (r = bol_apikey_from_json(*obj, k, diag)) < 0)
        return r;
    r = bol_apikey_to_json(k, &again);
    if (r < 0)
        return r;
    return bol_ev_same(*obj, again, "key", diag);
}

static int apikey_check(json_t *p, struct bol_diag *diag)
{
    struct bol_apikey_info k;
    json_t *obj;

    return apikey_decode(p, &k, &obj, diag);
}

static int apikey_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                        struct bol_diag *diag)
{
    struct bol_apikey_info k;
    json_t *obj;
    int r = apikey_decode(p, &k, &obj, diag);

    if (r < 0)
        return r;
    return put_doc(e, &bol_t_apikey, bol_str_from(k.id), NULL, obj, sink);
}

/* ---- maintenance windows ---- */

static int grant_decode(json_t *p, struct bol_grant *g, json_t **obj, struct bol_diag *diag)
{
    json_t *again = NULL;
    int r;

    if ((r = wrapped(p, "grant", obj, diag)) < 0 || (r = bol_grant_from_json(*obj, g, diag)) < 0)
        return r;
    r = bol_grant_to_json(g, &again);
    if (r < 0)
        return r;
    return bol_ev_same(*obj, again, "grant", diag);
}

static int grant_check(json_t *p, struct bol_diag *diag)
{
    struct bol_grant g;
    json_t *obj;

    return grant_decode(p, &g, &obj, diag);
}

static int grant_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct bol_grant g;
    json_t *obj;
    int r = grant_decode(p, &g, &obj, diag);

    if (r < 0)
        return r;
    return put_doc(e, &bol_t_grant, bol_str_from(g.id), g.user, obj, sink);
}

/* ---- approvals ---- */

/*
 * {"approval": {"id", "action": command, "requested_by", "status":
 * "pending|approved|rejected", "decided_by"?}, "reason"?}
 */
static int approval_decode(json_t *p, json_t **obj, struct bol_str *id, struct bol_diag *diag)
{
    static const char *const keys[] = {
        "id", "action", "requested_by", "status", "decided_by", NULL
    };
    static const char *const status[] = { "pending", "approved", "rejected", NULL };
    struct bol_str by, dec = { NULL, 0 };
    json_t *action;
    unsigned st;
    int r;

    if ((r = wrapped(p, "approval", obj, diag)) < 0 || (r = jv_only(*obj, keys, diag)) < 0 ||
        (r = jv_text(*obj, "id", BOL_GRANT_ID_MAX, true, id, diag)) < 0 ||
        (r = jv_object(*obj, "action", true, &action, diag)) < 0 ||
        (r = jv_text(*obj, "requested_by", BOL_ACTOR_MAX, true, &by, diag)) < 0 ||
        (r = jv_enum(*obj, "status", status, true, &st, diag)) < 0 ||
        (r = jv_text(*obj, "decided_by", BOL_ACTOR_MAX, false, &dec, diag)) < 0)
        return r;
    if ((st == 0) != (dec.len == 0))
        return bol_diag_fail(diag, BOL_E_INVAL, "decided_by",
                             "a decided request names who decided it, a pending one does not");
    if (!json_is_string(json_object_get(action, "cmd")))
        return bol_diag_fail(diag, BOL_E_INVAL, "action", "the action is a command");
    return 0;
}

static int approval_check(json_t *p, struct bol_diag *diag)
{
    struct bol_str id;
    json_t *obj;

    return approval_decode(p, &obj, &id, diag);
}

static int approval_apply(const struct bol_entry *e, json_t *p,
                          const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct bol_str id;
    json_t *obj;
    int r = approval_decode(p, &obj, &id, diag);

    if (r < 0)
        return r;
    return put_doc(e, &bol_t_approval, id, NULL, obj, sink);
}

/* ---- facts without state ---- */

/*
 * auth.login: {"user", "result", "method"}, or for a name that is no account
 * {"name_tag", "result", "method"}: a keyed hash of the name (16 hex digits)
 * instead of the name.
 */
const char *const bol_login_results[] = {
    "ok",       "bad_password", "bad_code",  "code_reused", "locked", "unknown_user",
    "disabled", "mfa_needed",   "no_window", "expired",     NULL,
};
const char *const bol_login_methods[] = { "password", "totp", "recovery", NULL };

static int login_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "user", "name_tag", "result", "method", NULL };
    struct bol_str user = { NULL, 0 }, tag = { NULL, 0 };
    unsigned x;
    size_t i;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 ||
        (r = jv_text(p, "user", BOL_USER_MAX, false, &user, diag)) < 0 ||
        (r = jv_text(p, "name_tag", 16, false, &tag, diag)) < 0 ||
        (r = jv_enum(p, "result", bol_login_results, true, &x, diag)) < 0 ||
        (r = jv_enum(p, "method", bol_login_methods, true, &x, diag)) < 0)
        return r;
    if (tag.p && (user.len || tag.len != 16))
        return bol_diag_fail(diag, BOL_E_INVAL, "name_tag",
                             "a name tag is 16 hex digits, and only for a name that is no account");
    for (i = 0; i < tag.len; i++)
        if (!strchr("0123456789abcdef", tag.p[i]) || !tag.p[i])
            return bol_diag_fail(diag, BOL_E_INVAL, "name_tag", "a name tag is 16 hex digits");
    return 0;
}

/* apikey.used: {"id"}: first use of a key from an address in a while. */
static int used_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "id", NULL };
    struct bol_str id;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 ||
        (r = jv_text(p, "id", BOL_KEY_ID_LEN, true, &id, diag)) < 0)
        return r;
    return 0;
}

/* request.refused: {"method", "path", "status", "code"}: an authenticated write refused. */
static int refused_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "method", "path", "status", "code", NULL };
    struct bol_str s;
    int64_t st;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = jv_text(p, "method", 8, true, &s, diag)) < 0 ||
        (r = jv_text(p, "path", 256, true, &s, diag)) < 0 ||
        (r = jv_int(p, "status", 400, 599, true, &st, diag)) < 0 ||
        (r = jv_text(p, "code", 64, true, &s, diag)) < 0)
        return r;
    return 0;
}

/* request.logged: {"method", "path", "status"}: a watched caller's request (a vendor in a window). */
static int logged_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "method", "path", "status", NULL };
    struct bol_str s;
    int64_t st;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = jv_text(p, "method", 8, true, &s, diag)) < 0 ||
        (r = jv_text(p, "path", 256, true, &s, diag)) < 0 ||
        (r = jv_int(p, "status", 100, 599, true, &st, diag)) < 0)
        return r;
    return 0;
}

static int no_state(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                    int (*check)(json_t *, struct bol_diag *), struct bol_diag *diag)
{
    (void) e;
    (void) sink;
    return check(p, diag);
}

static int login_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    return no_state(e, p, sink, login_check, diag);
}

static int used_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                      struct bol_diag *diag)
{
    return no_state(e, p, sink, used_check, diag);
}

static int refused_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         struct bol_diag *diag)
{
    return no_state(e, p, sink, refused_check, diag);
}

static int logged_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                        struct bol_diag *diag)
{
    return no_state(e, p, sink, logged_check, diag);
}

#define ACCOUNT_EVENT(t)                                                                           \
    {                                                                                              \
        t, 1, NULL, account_check, account_apply                                                   \
    }
#define APIKEY_EVENT(t)                                                                            \
    {                                                                                              \
        t, 1, NULL, apikey_check, apikey_apply                                                     \
    }

const struct bol_event_def bol_auth_events[] = {
    ACCOUNT_EVENT("account.created"),
    ACCOUNT_EVENT("account.locked"),
    ACCOUNT_EVENT("account.lockout"),
    ACCOUNT_EVENT("account.mfa_enrolled"),
    ACCOUNT_EVENT("account.mfa_reset"),
    ACCOUNT_EVENT("account.password_set"),
    ACCOUNT_EVENT("account.unlocked"),
    ACCOUNT_EVENT("account.updated"),
    { "access.granted", 1, NULL, grant_check, grant_apply },
    { "access.revoked", 1, NULL, grant_check, grant_apply },
    APIKEY_EVENT("apikey.created"),
    APIKEY_EVENT("apikey.revoked"),
    APIKEY_EVENT("apikey.rotated"),
    { "apikey.used", 1, NULL, used_check, used_apply },
    { "approval.decided", 1, NULL, approval_check, approval_apply },
    { "approval.requested", 1, NULL, approval_check, approval_apply },
    { "auth.login", 1, NULL, login_check, login_apply },
    { "request.logged", 1, NULL, logged_check, logged_apply },
    { "request.refused", 1, NULL, refused_check, refused_apply },
};
const size_t bol_auth_nevents = BOL_ARRAY_SIZE(bol_auth_events);
