/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_auth.c - access commands: accounts, API keys, maintenance windows,
 * approvals, and the facts the API records (logins, key use, refusals)
 *
 * These never see a secret.  The API checks a password or a key against the
 * credential store and then records the outcome here; an admin command that
 * sets a password runs with the credential write in the same transaction
 * (ops.h, bol_ops_call.tx_hook), so the journal and the credential store
 * cannot disagree.
 */
#include "compat.h"

#include "account.h"
#include "buf.h"
#include "entry.h"
#include "cmd-int.h"
#include "jsonv.h"
#include "mem.h"
#include "view.h"

/* Longest API key life and maintenance window. */
#define KEY_LIFE_MAX_US    (366LL * 86400 * 1000000)
#define WINDOW_MAX_US      (7LL * 86400 * 1000000)
#define ROTATE_OVERLAP_MAX (30LL * 86400 * 1000000)

static int load_doc(struct run *r, enum bol_view_doc what, const char *key, json_t **ret)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    json_error_t je;
    int rc = r->v->doc(r->v->ctx, what, key, &b);

    if (rc == 0) {
        *ret = json_loadb(b.buf, b.len, JSON_REJECT_DUPLICATES, &je);
        if (!*ret)
            rc = FAIL(r, BOL_E_CORRUPT, "state", "a stored document does not parse");
    }
    bol_buf_release(&b);
    return rc;
}

static int get_account(struct run *r, const char *user, struct bol_account *a)
{
    json_t *o = NULL;
    int rc = load_doc(r, BOL_DOC_ACCOUNT, user, &o);

    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "user", "no account '%s'", user);
    if (rc < 0)
        return rc;
    rc = bol_account_from_json(o, a, r->diag);
    json_decref(o);
    return rc;
}

static int get_key(struct run *r, const char *id, struct bol_apikey_info *k)
{
    json_t *o = NULL;
    int rc = load_doc(r, BOL_DOC_APIKEY, id, &o);

    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "id", "no API key '%s'", id);
    if (rc < 0)
        return rc;
    rc = bol_apikey_from_json(o, k, r->diag);
    json_decref(o);
    return rc;
}

/* {"account": a, "reason": reason?} */
static int emit_account(struct run *r, const char *type, const struct bol_account *a,
                        struct bol_str reason)
{
    json_t *obj = NULL, *p;
    int rc = bol_account_to_json(a, &obj);

    if (rc < 0)
        return rc;
    p = json_pack("{s:o}", "account", obj);
    if (p && reason.len)
        json_object_set_new(p, "reason", json_stringn(reason.p, reason.len));
    return bol_cmd_emit(r, type, "", p);
}

static int emit_key(struct run *r, const char *type, const struct bol_apikey_info *k,
                    struct bol_str reason)
{
    json_t *obj = NULL, *p;
    int rc = bol_apikey_to_json(k, &obj);

    if (rc < 0)
        return rc;
    p = json_pack("{s:o}", "key", obj);
    if (p && reason.len)
        json_object_set_new(p, "reason", json_stringn(reason.p, reason.len));
    return bol_cmd_emit(r, type, "", p);
}

static int reason_arg(struct run *r, bool required, struct bol_str *out)
{
    out->p = NULL;
    out->len = 0;
    return jv_text(r->cmd, "reason", BOL_REASON_MAX, required, out, r->diag);
}

/* Terminals and line in a command, checked against reference data. */
static int scope_arg(struct run *r, struct bol_scope *scope, char *line, bool has_line_role)
{
    unsigned i;
    int rc;

    line[0] = '\0';
    if ((rc = bol_scope_from_json(r->cmd, scope, r->diag)) < 0 ||
        (rc = jv_text_buf(r->cmd, "line", line, BOL_LINE_MAX + 1, false, r->diag)) < 0)
        return rc;
    for (i = 0; i < scope->n; i++) {
        rc = r->v->exists(r->v->ctx, BOL_THING_TERMINAL, scope->terminal[i], NULL);
        if (rc == BOL_E_NOTFOUND)
            return FAIL(r, BOL_E_NOTFOUND, "terminals", "no terminal %s", scope->terminal[i]);
        if (rc < 0)
            return rc;
    }
    if (has_line_role != (line[0] != '\0'))
        return FAIL(r, BOL_E_INVAL, "line",
                    has_line_role ? "the line role needs the shipping line it acts for"
                                  : "only the line role names a shipping line");
    if (line[0]) {
        rc = r->v->exists(r->v->ctx, BOL_THING_LINE, line, NULL);
        if (rc == BOL_E_NOTFOUND)
            return FAIL(r, BOL_E_NOTFOUND, "line", "no shipping line %s", line);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int roles_arg(struct run *r, uint32_t *roles)
{
    json_t *a = NULL, *v;
    size_t i;
    int rc = jv_array(r->cmd, "roles", BOL_ROLE_N, true, &a, r->diag);

    if (rc < 0)
        return rc;
    *roles = 0;
    json_array_foreach(a, i, v)
    {
        enum bol_role role;
        const char *t = json_string_value(v);

        if (!t || bol_role_parse(t, &role) < 0)
            return FAIL(r, BOL_E_INVAL, "roles", "'%.40s' is not a role", t ? t : "?");
        *roles |= BOL_ROLE_BIT(role);
    }
    if (!*roles)
        return FAIL(r, BOL_E_INVAL, "roles", "give at least one role");
    return 0;
}

/* ---- accounts ---- */

int bol_c_user_add(struct run *r)
{
    static const char *const keys[] = { "user", "kind",         "roles", "terminals",
                                        "line", "mfa_required", NULL };
    struct bol_account a;
    struct bol_account old;
    unsigned kind = 0;
    bool mfa_req = false;
    int rc;

    memset(&a, 0, sizeof(a));
    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text_buf(r->cmd, "user", a.user, sizeof(a.user), true, r->diag)) < 0 ||
        (rc = bol_user_check(a.user, r->diag)) < 0 ||
        (rc = jv_enum(r->cmd, "kind", bol_account_kind_names, false, &kind, r->diag)) < 0 ||
        (rc = roles_arg(r, &a.roles)) < 0 ||
        (rc = scope_arg(r, &a.scope, a.line, (a.roles & BOL_ROLE_BIT(BOL_ROLE_LINE)) != 0)) < 0 ||
        (rc = jv_bool(r->cmd, "mfa_required", false, &mfa_req, r->diag)) < 0)
        return rc;
    rc = get_account(r, a.user, &old);
    if (rc == 0)
        return FAIL(r, BOL_E_CONFLICT, "user", "account '%s' exists", a.user);
    if (rc != BOL_E_NOTFOUND)
        return rc;
    bol_diag_init(r->diag);
    a.kind = (enum bol_account_kind) kind;
    a.status = BOL_ACCOUNT_ACTIVE;
    /* Privileged roles and vendors always use MFA. */
    a.mfa_required = mfa_req || (a.roles & BOL_ROLES_PRIVILEGED) || a.kind == BOL_ACCOUNT_VENDOR;
    a.must_change = true;
    return emit_account(r, "account.created", &a, (struct bol_str){ NULL, 0 });
}

int bol_c_user_update(struct run *r)
{
    static const char *const keys[] = { "user",         "roles",  "terminals", "line",
                                        "mfa_required", "reason", NULL };
    char user[BOL_USER_MAX + 1];
    struct bol_account a;
    struct bol_str reason;
    bool mfa_req;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text_buf(r->cmd, "user", user, sizeof(user), true, r->diag)) < 0 ||
        (rc = reason_arg(r, true, &reason)) < 0 || (rc = get_account(r, user, &a)) < 0)
        return rc;
    mfa_req = a.mfa_required;
    if ((rc = roles_arg(r, &a.roles)) < 0 ||
        (rc = scope_arg(r, &a.scope, a.line, (a.roles & BOL_ROLE_BIT(BOL_ROLE_LINE)) != 0)) < 0 ||
        (rc = jv_bool(r->cmd, "mfa_required", false, &mfa_req, r->diag)) < 0)
        return rc;
    a.mfa_required = mfa_req || (a.roles & BOL_ROLES_PRIVILEGED) || a.kind == BOL_ACCOUNT_VENDOR;
    return emit_account(r, "account.updated", &a, reason);
}

/* {"user", "reason"?} and the account, for the small state changes. */
static int user_step(struct run *r, bool reason_required, const char *const *extra,
                     struct bol_account *a, struct bol_str *reason)
{
    const char *keys[8] = { "user", "reason" };
    char user[BOL_USER_MAX + 1];
    unsigned i, n = 2;
    int rc;

    for (i = 0; extra && extra[i] && n < 7; i++)
        keys[n++] = extra[i];
    keys[n] = NULL;
    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text_buf(r->cmd, "user", user, sizeof(user), true, r->diag)) < 0 ||
        (rc = reason_arg(r, reason_required, reason)) < 0)
        return rc;
    return get_account(r, user, a);
}

int bol_c_user_lock(struct run *r)
{
    struct bol_account a;
    struct bol_str reason;
    int rc = user_step(r, true, NULL, &a, &reason);

    if (rc < 0)
        return rc;
    a.status = BOL_ACCOUNT_LOCKED;
    a.locked_until_us = 0;
    return emit_account(r, "account.locked", &a, reason);
}

int bol_c_user_unlock(struct run *r)
{
    struct bol_account a;
    struct bol_str reason;
    int rc = user_step(r, true, NULL, &a, &reason);

    if (rc < 0)
        return rc;
    if (a.status != BOL_ACCOUNT_LOCKED)
        return FAIL(r, BOL_E_STATE, "user", "account '%s' is not locked", a.user);
    a.status = BOL_ACCOUNT_ACTIVE;
    a.locked_until_us = 0;
    return emit_account(r, "account.unlocked", &a, reason);
}

/* Too many failed logins: locked until a time, by the system. */
int bol_c_user_lockout(struct run *r)
{
    static const char *const extra[] = { "until", NULL };
    struct bol_account a;
    struct bol_str reason;
    int64_t until = 0;
    int rc = user_step(r, true, extra, &a, &reason);

    if (rc < 0 || (rc = jv_time(r->cmd, "until", true, &until, r->diag)) < 0)
        return rc;
    if (until <= r->now)
        return FAIL(r, BOL_E_INVAL, "until", "a lockout ends in the future");
    if (a.status == BOL_ACCOUNT_LOCKED && a.locked_until_us == 0)
        return FAIL(r, BOL_E_STATE, "user", "account '%s' is locked until an admin unlocks it",
                    a.user);
    a.status = BOL_ACCOUNT_LOCKED;
    a.locked_until_us = until;
    return emit_account(r, "account.lockout", &a, reason);
}

/* A new password (its hash goes to the credential store in the same transaction). */
int bol_c_user_password(struct run *r)
{
    static const char *const extra[] = { "must_change", NULL };
    struct bol_account a;
    struct bol_str reason;
    bool must = false;
    int rc = user_step(r, false, extra, &a, &reason);

    if (rc < 0 || (rc = jv_bool(r->cmd, "must_change", true, &must, r->diag)) < 0)
        return rc;
    a.must_change = must;
    return emit_account(r, "account.password_set", &a, reason);
}

int bol_c_user_mfa_enroll(struct run *r)
{
    struct bol_account a;
    struct bol_str reason;
    int rc = user_step(r, false, NULL, &a, &reason);

    if (rc < 0)
        return rc;
    a.mfa = true;
    return emit_account(r, "account.mfa_enrolled", &a, reason);
}

int bol_c_user_mfa_reset(struct run *r)
{
    struct bol_account a;
    struct bol_str reason;
    int rc = user_step(r, true, NULL, &a, &reason);

    if (rc < 0)
        return rc;
    if (!a.mfa)
        return FAIL(r, BOL_E_STATE, "user", "account '%s' has no authenticator enrolled", a.user);
    a.mfa = false;
    return emit_account(r, "account.mfa_reset", &a, reason);
}

/* ---- API keys ---- */

int bol_c_key_create(struct run *r)
{
    static const char *const keys[] = { "id",      "name",     "role",    "terminals", "line",
                                        "expires", "replaces", "overlap", NULL };
    struct bol_apikey_info k, old;
    unsigned role = 0;
    int64_t overlap = 0;
    int rc;

    memset(&k, 0, sizeof(k));
    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text_buf(r->cmd, "id", k.id, sizeof(k.id), true, r->diag)) < 0 ||
        (rc = jv_text_buf(r->cmd, "name", k.name, sizeof(k.name), true, r->diag)) < 0 ||
        (rc = jv_enum(r->cmd, "role", bol_role_names, true, &role, r->diag)) < 0 ||
        (rc = scope_arg(r, &k.scope, k.line, role == BOL_ROLE_LINE)) < 0 ||
        (rc = jv_time(r->cmd, "expires", true, &k.expires_us, r->diag)) < 0 ||
        (rc = jv_text_buf(r->cmd, "replaces", k.replaces, sizeof(k.replaces), false, r->diag)) <
            0 ||
        (rc = jv_int(r->cmd, "overlap", 0, ROTATE_OVERLAP_MAX / 1000000, false, &overlap,
                     r->diag)) < 0)
        return rc;
    k.role = (enum bol_role) role;
    k.created_us = r->now;
    k.status = BOL_APIKEY_ACTIVE;
    if (k.expires_us <= r->now)
        return FAIL(r, BOL_E_INVAL, "expires", "a key expires in the future");
    if (k.expires_us - r->now > KEY_LIFE_MAX_US)
        return FAIL(r, BOL_E_INVAL, "expires", "a key lives at most 366 days: rotate it instead");
    rc = get_key(r, k.id, &old);
    if (rc == 0)
        return FAIL(r, BOL_E_CONFLICT, "id", "key id %s is taken", k.id);
    if (rc != BOL_E_NOTFOUND)
        return rc;
    bol_diag_init(r->diag);
    if (k.replaces[0]) {
        if ((rc = get_key(r, k.replaces, &old)) < 0)
            return bol_diag_wrap(r->diag, rc, "replaces");
        if (!bol_apikey_usable(&old, r->now))
            return FAIL(r, BOL_E_STATE, "replaces", "key %s is revoked or expired", old.id);
        if (old.role != k.role)
            return FAIL(r, BOL_E_INVAL, "role", "a rotated key keeps its role (%s)",
                        bol_role_names[old.role]);
        snprintf(old.replaced_by, sizeof(old.replaced_by), "%s", k.id);
        if (old.expires_us > r->now + overlap * 1000000)
            old.expires_us = r->now + overlap * 1000000;
        if (old.expires_us <= old.created_us)
            old.expires_us = old.created_us + 1;
    }
    rc = emit_key(r, "apikey.created", &k, (struct bol_str){ NULL, 0 });
    if (rc == 0 && k.replaces[0])
        rc = emit_key(r, "apikey.rotated", &old, (struct bol_str){ NULL, 0 });
    return rc;
}

int bol_c_key_revoke(struct run *r)
{
    static const char *const keys[] = { "id", "reason", NULL };
    char id[BOL_KEY_ID_LEN + 1];
    struct bol_apikey_info k;
    struct bol_str reason;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text_buf(r->cmd, "id", id, sizeof(id), true, r->diag)) < 0 ||
        (rc = reason_arg(r, true, &reason)) < 0 || (rc = get_key(r, id, &k)) < 0)
        return rc;
    if (k.status == BOL_APIKEY_REVOKED)
        return FAIL(r, BOL_E_STATE, "id", "key %s is already revoked", id);
    k.status = BOL_APIKEY_REVOKED;
    k.revoked_us = r->now;
    return emit_key(r, "apikey.revoked", &k, reason);
}

/* ---- maintenance windows ---- */

static int emit_grant(struct run *r, const char *type, const struct bol_grant *g)
{
    json_t *obj = NULL;
    int rc = bol_grant_to_json(g, &obj);

    if (rc < 0)
        return rc;
    return bol_cmd_emit(r, type, "", json_pack("{s:o}", "grant", obj));
}

static int get_grant(struct run *r, const char *id, struct bol_grant *g)
{
    json_t *o = NULL;
    int rc = load_doc(r, BOL_DOC_GRANT, id, &o);

    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "id", "no maintenance window '%s'", id);
    if (rc < 0)
        return rc;
    rc = bol_grant_from_json(o, g, r->diag);
    json_decref(o);
    return rc;
}

int bol_c_access_grant(struct run *r)
{
    static const char *const keys[] = { "id", "user", "from", "starts", "ends", "reason", NULL };
    struct bol_grant g, old;
    struct bol_account a;
    int rc;

    memset(&g, 0, sizeof(g));
    g.starts_us = r->now;
    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text_buf(r->cmd, "id", g.id, sizeof(g.id), true, r->diag)) < 0 ||
        (rc = jv_text_buf(r->cmd, "user", g.user, sizeof(g.user), true, r->diag)) < 0 ||
        (rc = jv_text_buf(r->cmd, "from", g.from, sizeof(g.from), true, r->diag)) < 0 ||
        (rc = bol_addr_prefix_check(g.from, r->diag)) < 0 ||
        (rc = jv_time(r->cmd, "starts", false, &g.starts_us, r->diag)) < 0 ||
        (rc = jv_time(r->cmd, "ends", true, &g.ends_us, r->diag)) < 0 ||
        (rc = jv_text_buf(r->cmd, "reason", g.reason, sizeof(g.reason), true, r->diag)) < 0 ||
        (rc = get_account(r, g.user, &a)) < 0)
        return rc;
    if (a.kind != BOL_ACCOUNT_VENDOR)
        return FAIL(r, BOL_E_INVAL, "user",
                    "'%s' is not a vendor account: windows are for maintenance access", g.user);
    if (g.ends_us <= g.starts_us || g.ends_us <= r->now)
        return FAIL(r, BOL_E_INVAL, "ends", "a window ends after it starts, in the future");
    if (g.ends_us - g.starts_us > WINDOW_MAX_US)
        return FAIL(r, BOL_E_INVAL, "ends", "a maintenance window lasts at most 7 days");
    rc = get_grant(r, g.id, &old);
    if (rc == 0)
        return FAIL(r, BOL_E_CONFLICT, "id", "window id %s is taken", g.id);
    if (rc != BOL_E_NOTFOUND)
        return rc;
    bol_diag_init(r->diag);
    return emit_grant(r, "access.granted", &g);
}

int bol_c_access_revoke(struct run *r)
{
    static const char *const keys[] = { "id", NULL };
    char id[BOL_GRANT_ID_MAX + 1];
    struct bol_grant g;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text_buf(r->cmd, "id", id, sizeof(id), true, r->diag)) < 0 ||
        (rc = get_grant(r, id, &g)) < 0)
        return rc;
    if (g.revoked)
        return FAIL(r, BOL_E_STATE, "id", "window %s is already closed", id);
    g.revoked = true;
    return emit_grant(r, "access.revoked", &g);
}

/* ---- approvals (separation of duties) ---- */

int bol_c_approval_request(struct run *r)
{
    static const char *const keys[] = { "id", "action", "requested_by", "reason", NULL };
    struct bol_str id, by, reason;
    json_t *action = NULL, *old = NULL, *p;
    char idc[BOL_GRANT_ID_MAX + 1];
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text(r->cmd, "id", BOL_GRANT_ID_MAX, true, &id, r->diag)) < 0 ||
        (rc = jv_object(r->cmd, "action", true, &action, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "requested_by", BOL_ACTOR_MAX, true, &by, r->diag)) < 0 ||
        (rc = reason_arg(r, true, &reason)) < 0)
        return rc;
    if (!bol_cmd_name(action))
        return FAIL(r, BOL_E_INVAL, "action", "the action is a command");
    snprintf(idc, sizeof(idc), "%.*s", (int) id.len, id.p);
    rc = load_doc(r, BOL_DOC_APPROVAL, idc, &old);
    json_decref(old);
    if (rc == 0)
        return FAIL(r, BOL_E_CONFLICT, "id", "request id %s is taken", idc);
    if (rc != BOL_E_NOTFOUND)
        return rc;
    bol_diag_init(r->diag);
    p = json_pack("{s:{s:s%,s:O,s:s%,s:s},s:s%}", "approval", "id", id.p, id.len, "action", action,
                  "requested_by", by.p, by.len, "status", "pending", "reason", reason.p,
                  reason.len);
    return bol_cmd_emit(r, "approval.requested", "", p);
}

int bol_c_approval_decide(struct run *r)
{
    static const char *const keys[] = { "id", "approve", "decided_by", "reason", NULL };
    char id[BOL_GRANT_ID_MAX + 1];
    struct bol_str by, reason;
    json_t *doc = NULL;
    bool approve = false;
    const char *st, *req;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text_buf(r->cmd, "id", id, sizeof(id), true, r->diag)) < 0 ||
        (rc = jv_bool(r->cmd, "approve", true, &approve, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "decided_by", BOL_ACTOR_MAX, true, &by, r->diag)) < 0 ||
        (rc = reason_arg(r, false, &reason)) < 0)
        return rc;
    rc = load_doc(r, BOL_DOC_APPROVAL, id, &doc);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "id", "no request '%s'", id);
    if (rc < 0)
        return rc;
    st = json_string_value(json_object_get(doc, "status"));
    req = json_string_value(json_object_get(doc, "requested_by"));
    if (!st || strcmp(st, "pending") != 0) {
        json_decref(doc);
        return FAIL(r, BOL_E_STATE, "id", "request %s was already decided", id);
    }
    if (req && bol_str_eq_cstr(by, req)) {
        json_decref(doc);
        return FAIL(r, BOL_E_PERM, "decided_by",
                    "a second person decides: the requester cannot approve their own request");
    }
    json_object_set_new(doc, "status", json_string(approve ? "approved" : "rejected"));
    json_object_set_new(doc, "decided_by", json_stringn(by.p, by.len));
    {
        json_t *p = json_pack("{s:o}", "approval", doc);

        if (p && reason.len)
            json_object_set_new(p, "reason", json_stringn(reason.p, reason.len));
        return bol_cmd_emit(r, "approval.decided", "", p);
    }
}

/* ---- facts the API records ---- */

/* A fact: the command's fields, checked by the event, journaled as they are. */
int bol_cmd_fact(struct run *r, const char *const *keys, const char *type)
{
    int rc = bol_cmd_keys(r, keys);
    json_t *p;

    if (rc < 0)
        return rc;
    p = json_deep_copy(r->cmd);
    if (p)
        json_object_del(p, "cmd");
    return bol_cmd_emit(r, type, "", p);
}

int bol_c_auth_login(struct run *r)
{
    static const char *const keys[] = { "user", "name_tag", "result", "method", NULL };

    return bol_cmd_fact(r, keys, "auth.login");
}

int bol_c_key_used(struct run *r)
{
    static const char *const keys[] = { "id", NULL };

    return bol_cmd_fact(r, keys, "apikey.used");
}

int bol_c_request_logged(struct run *r)
{
    static const char *const keys[] = { "method", "path", "status", NULL };

    return bol_cmd_fact(r, keys, "request.logged");
}

int bol_c_request_refused(struct run *r)
{
    static const char *const keys[] = { "method", "path", "status", "code", NULL };

    return bol_cmd_fact(r, keys, "request.refused");
}
