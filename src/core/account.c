/* SPDX-License-Identifier: Apache-2.0 */
/*
 * account.c - accounts, API keys, roles and maintenance windows: names,
 * checks and their canonical JSON
 */
#include "compat.h"

#include <arpa/inet.h>

#include "account.h"
#include "errors.h"
#include "jsonv.h"

const char *const bol_role_names[] = {
    "admin", "security", "vessel_planner", "yard_planner", "clerk", "operator",
    "line",  "customs",  "auditor",        "replica",      NULL,
};

const char *const bol_account_kind_names[] = { "person", "vendor", NULL };
const char *const bol_account_status_names[] = { "active", "locked", "disabled", NULL };
static const char *const apikey_status_names[] = { "active", "revoked", NULL };

int bol_role_parse(const char *s, enum bol_role *ret)
{
    unsigned i;

    for (i = 0; i < BOL_ROLE_N; i++) {
        if (!strcmp(s, bol_role_names[i])) {
            *ret = (enum bol_role) i;
            return 0;
        }
    }
    return BOL_E_INVAL;
}

int bol_user_check(const char *s, struct bol_diag *diag)
{
    size_t n = strlen(s), i;

    if (n < 2 || n > BOL_USER_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "user", "a user name has 2 to %d characters",
                             BOL_USER_MAX);
    if (s[0] < 'a' || s[0] > 'z')
        return bol_diag_fail(diag, BOL_E_INVAL, "user", "a user name starts with a letter a-z");
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return bol_diag_fail(diag, BOL_E_INVAL, "user",
                                 "a user name uses only a-z, 0-9, '.', '_' and '-'");
    }
    return 0;
}

bool bol_scope_has(const struct bol_scope *s, const char *terminal)
{
    unsigned i;

    if (s->all)
        return true;
    for (i = 0; i < s->n; i++) {
        if (!strcmp(s->terminal[i], terminal))
            return true;
    }
    return false;
}

/* ---- reading ---- */

int bol_scope_from_json(json_t *o, struct bol_scope *s, struct bol_diag *diag)
{
    json_t *a = NULL, *v;
    size_t i;
    int r = jv_array(o, "terminals", BOL_SCOPE_MAX, true, &a, diag);

    if (r < 0)
        return r;
    memset(s, 0, sizeof(*s));
    if (json_array_size(a) == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "terminals",
                             "name the terminals, or [\"*\"] for every terminal");
    json_array_foreach(a, i, v)
    {
        const char *t = json_string_value(v);
        size_t n = t ? strlen(t) : 0;

        if (!t || n == 0 || n > BOL_TERMINAL_CODE_MAX)
            return bol_diag_fail(diag, BOL_E_INVAL, "terminals", "terminal %zu is not a code",
                                 i + 1);
        if (!strcmp(t, "*")) {
            if (json_array_size(a) != 1)
                return bol_diag_fail(diag, BOL_E_INVAL, "terminals",
                                     "\"*\" (every terminal) stands alone");
            s->all = true;
            return 0;
        }
        if (i > 0 && strcmp(s->terminal[i - 1], t) >= 0)
            return bol_diag_fail(diag, BOL_E_INVAL, "terminals",
                                 "terminals are listed once each, in order");
        memcpy(s->terminal[i], t, n + 1);
        s->n++;
    }
    return 0;
}

static int roles_from(json_t *o, const char *key, uint32_t *roles, struct bol_diag *diag)
{
    json_t *a = NULL, *v;
    size_t i;
    int prev = -1;
    int r = jv_array(o, key, BOL_ROLE_N, true, &a, diag);

    if (r < 0)
        return r;
    *roles = 0;
    if (json_array_size(a) == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, key, "an account has at least one role");
    json_array_foreach(a, i, v)
    {
        enum bol_role role;
        const char *t = json_string_value(v);

        if (!t || bol_role_parse(t, &role) < 0)
            return bol_diag_fail(diag, BOL_E_INVAL, key, "role %zu is not one of bollard's roles",
                                 i + 1);
        if ((int) role <= prev)
            return bol_diag_fail(diag, BOL_E_INVAL, key, "roles are listed once each, in order");
        prev = (int) role;
        *roles |= BOL_ROLE_BIT(role);
    }
    return 0;
}

static int line_from(json_t *o, char *out, struct bol_diag *diag)
{
    return jv_text_buf(o, "line", out, BOL_LINE_MAX + 1, false, diag);
}

int bol_account_from_json(json_t *o, struct bol_account *a, struct bol_diag *diag)
{
    static const char *const keys[] = {
        "user",         "kind", "roles",        "terminals",   "line", "status",
        "locked_until", "mfa",  "mfa_required", "must_change", NULL,
    };
    unsigned kind = 0, status = 0;
    int r;

    memset(a, 0, sizeof(*a));
    if ((r = jv_only(o, keys, diag)) < 0 ||
        (r = jv_text_buf(o, "user", a->user, sizeof(a->user), true, diag)) < 0 ||
        (r = bol_user_check(a->user, diag)) < 0 ||
        (r = jv_enum(o, "kind", bol_account_kind_names, true, &kind, diag)) < 0 ||
        (r = roles_from(o, "roles", &a->roles, diag)) < 0 ||
        (r = bol_scope_from_json(o, &a->scope, diag)) < 0 ||
        (r = line_from(o, a->line, diag)) < 0 ||
        (r = jv_enum(o, "status", bol_account_status_names, true, &status, diag)) < 0 ||
        (r = jv_time(o, "locked_until", false, &a->locked_until_us, diag)) < 0 ||
        (r = jv_bool(o, "mfa", true, &a->mfa, diag)) < 0 ||
        (r = jv_bool(o, "mfa_required", true, &a->mfa_required, diag)) < 0 ||
        (r = jv_bool(o, "must_change", true, &a->must_change, diag)) < 0)
        return r;
    a->kind = (enum bol_account_kind) kind;
    a->status = (enum bol_account_status) status;
    if ((a->roles & BOL_ROLE_BIT(BOL_ROLE_LINE)) && !a->line[0])
        return bol_diag_fail(diag, BOL_E_INVAL, "line",
                             "an account with the line role names its shipping line");
    if (!(a->roles & BOL_ROLE_BIT(BOL_ROLE_LINE)) && a->line[0])
        return bol_diag_fail(diag, BOL_E_INVAL, "line",
                             "only an account with the line role names a shipping line");
    if ((a->roles & BOL_ROLES_PRIVILEGED) && !a->mfa_required)
        return bol_diag_fail(diag, BOL_E_INVAL, "mfa_required",
                             "admin and security accounts must use MFA");
    if (a->locked_until_us && a->status != BOL_ACCOUNT_LOCKED)
        return bol_diag_fail(diag, BOL_E_INVAL, "locked_until",
                             "only a locked account has a lock end");
    return 0;
}

static json_t *scope_to(const struct bol_scope *s)
{
    json_t *a = json_array();
    unsigned i;

    if (!a)
        return NULL;
    if (s->all)
        json_array_append_new(a, json_string("*"));
    for (i = 0; i < s->n; i++)
        json_array_append_new(a, json_string(s->terminal[i]));
    return a;
}

static json_t *roles_to(uint32_t roles)
{
    json_t *a = json_array();
    unsigned i;

    if (!a)
        return NULL;
    for (i = 0; i < BOL_ROLE_N; i++) {
        if (roles & BOL_ROLE_BIT(i))
            json_array_append_new(a, json_string(bol_role_names[i]));
    }
    return a;
}

int bol_account_to_json(const struct bol_account *a, json_t **ret)
{
    json_t *o = json_object();
    int r = o ? 0 : BOL_E_NOMEM;

    if (r == 0)
        r = jv_set_str(o, "user", a->user);
    if (r == 0)
        r = jv_set_str(o, "kind", bol_account_kind_names[a->kind]);
    if (r == 0)
        r = jv_set(o, "roles", roles_to(a->roles));
    if (r == 0)
        r = jv_set(o, "terminals", scope_to(&a->scope));
    if (r == 0 && a->line[0])
        r = jv_set_str(o, "line", a->line);
    if (r == 0)
        r = jv_set_str(o, "status", bol_account_status_names[a->status]);
    if (r == 0 && a->locked_until_us)
        r = jv_set_time(o, "locked_until", a->locked_until_us);
    if (r == 0)
        r = jv_set(o, "mfa", json_boolean(a->mfa));
    if (r == 0)
        r = jv_set(o, "mfa_required", json_boolean(a->mfa_required));
    if (r == 0)
        r = jv_set(o, "must_change", json_boolean(a->must_change));
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

bool bol_account_locked(const struct bol_account *a, int64_t now_us)
{
    if (a->status == BOL_ACCOUNT_DISABLED)
        return true;
    if (a->status != BOL_ACCOUNT_LOCKED)
        return false;
    return a->locked_until_us == 0 || now_us < a->locked_until_us;
}

/* ---- API keys ---- */

static int key_id_check(const char *id, const char *field, struct bol_diag *diag)
{
    size_t i;

    if (strlen(id) != BOL_KEY_ID_LEN)
        return bol_diag_fail(diag, BOL_E_INVAL, field, "a key id has %d characters",
                             BOL_KEY_ID_LEN);
    for (i = 0; i < BOL_KEY_ID_LEN; i++) {
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '2' && id[i] <= '7')))
            return bol_diag_fail(diag, BOL_E_INVAL, field, "a key id is lower-case base32");
    }
    return 0;
}

int bol_apikey_from_json(json_t *o, struct bol_apikey_info *k, struct bol_diag *diag)
{
    static const char *const keys[] = {
        "id",      "name",   "role",    "terminals", "line",        "created",
        "expires", "status", "revoked", "replaces",  "replaced_by", NULL,
    };
    unsigned role = 0, status = 0;
    int r;

    memset(k, 0, sizeof(*k));
    if ((r = jv_only(o, keys, diag)) < 0 ||
        (r = jv_text_buf(o, "id", k->id, sizeof(k->id), true, diag)) < 0 ||
        (r = key_id_check(k->id, "id", diag)) < 0 ||
        (r = jv_text_buf(o, "name", k->name, sizeof(k->name), true, diag)) < 0 ||
        (r = jv_enum(o, "role", bol_role_names, true, &role, diag)) < 0 ||
        (r = bol_scope_from_json(o, &k->scope, diag)) < 0 ||
        (r = line_from(o, k->line, diag)) < 0 ||
        (r = jv_time(o, "created", true, &k->created_us, diag)) < 0 ||
        (r = jv_time(o, "expires", true, &k->expires_us, diag)) < 0 ||
        (r = jv_enum(o, "status", apikey_status_names, true, &status, diag)) < 0 ||
        (r = jv_time(o, "revoked", false, &k->revoked_us, diag)) < 0 ||
        (r = jv_text_buf(o, "replaces", k->replaces, sizeof(k->replaces), false, diag)) < 0 ||
        (r = jv_text_buf(o, "replaced_by", k->replaced_by, sizeof(k->replaced_by), false, diag)) <
            0)
        return r;
    k->role = (enum bol_role) role;
    k->status = (enum bol_apikey_status) status;
    if (k->replaces[0] && (r = key_id_check(k->replaces, "replaces", diag)) < 0)
        return r;
    if (k->replaced_by[0] && (r = key_id_check(k->replaced_by, "replaced_by", diag)) < 0)
        return r;
    if (k->expires_us <= k->created_us)
        return bol_diag_fail(diag, BOL_E_INVAL, "expires", "a key expires after it is created");
    if ((k->role == BOL_ROLE_LINE) != (k->line[0] != '\0'))
        return bol_diag_fail(diag, BOL_E_INVAL, "line",
                             "a key names a shipping line exactly when its role is line");
    if ((k->status == BOL_APIKEY_REVOKED) != (k->revoked_us != 0))
        return bol_diag_fail(diag, BOL_E_INVAL, "revoked",
                             "a revoked key says when it was revoked, an active one does not");
    return 0;
}

int bol_apikey_to_json(const struct bol_apikey_info *k, json_t **ret)
{
    json_t *o = json_object();
    int r = o ? 0 : BOL_E_NOMEM;

    if (r == 0)
        r = jv_set_str(o, "id", k->id);
    if (r == 0)
        r = jv_set_str(o, "name", k->name);
    if (r == 0)
        r = jv_set_str(o, "role", bol_role_names[k->role]);
    if (r == 0)
        r = jv_set(o, "terminals", scope_to(&k->scope));
    if (r == 0 && k->line[0])
        r = jv_set_str(o, "line", k->line);
    if (r == 0)
        r = jv_set_time(o, "created", k->created_us);
    if (r == 0)
        r = jv_set_time(o, "expires", k->expires_us);
    if (r == 0)
        r = jv_set_str(o, "status", apikey_status_names[k->status]);
    if (r == 0 && k->revoked_us)
        r = jv_set_time(o, "revoked", k->revoked_us);
    if (r == 0 && k->replaces[0])
        r = jv_set_str(o, "replaces", k->replaces);
    if (r == 0 && k->replaced_by[0])
        r = jv_set_str(o, "replaced_by", k->replaced_by);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

bool bol_apikey_usable(const struct bol_apikey_info *k, int64_t now_us)
{
    return k->status == BOL_APIKEY_ACTIVE && now_us < k->expires_us;
}

/* ---- maintenance windows ---- */

struct prefix {
    int family;
    uint8_t a[16];
    unsigned bits;
};

static int prefix_parse(const char *s, struct prefix *p)
{
    char host[BOL_ADDR_MAX + 1];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t) (slash - s) : strlen(s);
    unsigned max;

    if (n == 0 || n > BOL_ADDR_MAX)
        return BOL_E_INVAL;
    memcpy(host, s, n);
    host[n] = '\0';
    memset(p, 0, sizeof(*p));
    if (inet_pton(AF_INET, host, p->a) == 1) {
        p->family = AF_INET;
        max = 32;
    } else if (inet_pton(AF_INET6, host, p->a) == 1) {
        p->family = AF_INET6;
        max = 128;
    } else {
        return BOL_E_INVAL;
    }
    p->bits = max;
    if (slash) {
        char *end;
        unsigned long b;

        if (!slash[1] || slash[1] < '0' || slash[1] > '9')
            return BOL_E_INVAL;
        b = strtoul(slash + 1, &end, 10);
        if (*end || b > max)
            return BOL_E_INVAL;
        p->bits = (unsigned) b;
    }
    return 0;
}

int bol_addr_prefix_check(const char *s, struct bol_diag *diag)
{
    struct prefix p;

    if (prefix_parse(s, &p) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "from",
                             "'%.64s' is not an IPv4 or IPv6 address or prefix (a.b.c.d/n)", s);
    return 0;
}

static bool prefix_match(const struct prefix *p, const struct prefix *a)
{
    unsigned full = p->bits / 8, rest = p->bits % 8;

    if (p->family != a->family)
        return false;
    if (memcmp(p->a, a->a, full) != 0)
        return false;
    if (rest) {
        uint8_t mask = (uint8_t) (0xffu << (8 - rest));

        if ((p->a[full] & mask) != (a->a[full] & mask))
            return false;
    }
    return true;
}

int bol_grant_from_json(json_t *o, struct bol_grant *g, struct bol_diag *diag)
{
    static const char *const keys[] = { "id",   "user",   "from",    "starts",
                                        "ends", "reason", "revoked", NULL };
    int r;

    memset(g, 0, sizeof(*g));
    if ((r = jv_only(o, keys, diag)) < 0 ||
        (r = jv_text_buf(o, "id", g->id, sizeof(g->id), true, diag)) < 0 ||
        (r = jv_text_buf(o, "user", g->user, sizeof(g->user), true, diag)) < 0 ||
        (r = bol_user_check(g->user, diag)) < 0 ||
        (r = jv_text_buf(o, "from", g->from, sizeof(g->from), true, diag)) < 0 ||
        (r = bol_addr_prefix_check(g->from, diag)) < 0 ||
        (r = jv_time(o, "starts", true, &g->starts_us, diag)) < 0 ||
        (r = jv_time(o, "ends", true, &g->ends_us, diag)) < 0 ||
        (r = jv_text_buf(o, "reason", g->reason, sizeof(g->reason), true, diag)) < 0 ||
        (r = jv_bool(o, "revoked", true, &g->revoked, diag)) < 0)
        return r;
    if (g->ends_us <= g->starts_us)
        return bol_diag_fail(diag, BOL_E_INVAL, "ends", "a window ends after it starts");
    return 0;
}

int bol_grant_to_json(const struct bol_grant *g, json_t **ret)
{
    json_t *o = json_object();
    int r = o ? 0 : BOL_E_NOMEM;

    if (r == 0)
        r = jv_set_str(o, "id", g->id);
    if (r == 0)
        r = jv_set_str(o, "user", g->user);
    if (r == 0)
        r = jv_set_str(o, "from", g->from);
    if (r == 0)
        r = jv_set_time(o, "starts", g->starts_us);
    if (r == 0)
        r = jv_set_time(o, "ends", g->ends_us);
    if (r == 0)
        r = jv_set_str(o, "reason", g->reason);
    if (r == 0)
        r = jv_set(o, "revoked", json_boolean(g->revoked));
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

bool bol_grant_admits(const struct bol_grant *g, const char *addr, int64_t now_us)
{
    struct prefix p, a;

    if (g->revoked || now_us < g->starts_us || now_us >= g->ends_us)
        return false;
    if (prefix_parse(g->from, &p) < 0 || prefix_parse(addr, &a) < 0 ||
        a.bits != 32 + 96 * (a.family == AF_INET6))
        return false;
    return prefix_match(&p, &a);
}
