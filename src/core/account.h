/* SPDX-License-Identifier: Apache-2.0 */
/*
 * account.h - who may use bollard: accounts, API keys, roles, maintenance
 * windows and requests awaiting a second person's approval
 *
 * These are journaled like any other state (ev_auth.c), so an auditor can
 * see who was given which role, when a key was created and by whom.  Their
 * secrets are not: password hashes, TOTP seeds, recovery codes, session
 * tokens and key hashes live in the store's credential tables.
 *
 * Every object has one canonical JSON form (the *_to_json writers); the
 * *_from_json readers accept exactly that form and nothing else.
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "domain.h"

struct bol_diag;

/* Roles.  A person may hold several; an API key holds exactly one. */
enum bol_role {
    BOL_ROLE_ADMIN = 0,
    BOL_ROLE_SECURITY,
    BOL_ROLE_VESSEL_PLANNER,
    BOL_ROLE_YARD_PLANNER,
    BOL_ROLE_CLERK,
    BOL_ROLE_OPERATOR,
    BOL_ROLE_LINE,
    BOL_ROLE_CUSTOMS,
    BOL_ROLE_AUDITOR,
    BOL_ROLE_REPLICA,
    BOL_ROLE_N
};

#define BOL_ROLE_BIT(r) (1u << (r))
/* Roles that must use MFA and whose grant needs a second person's approval. */
#define BOL_ROLES_PRIVILEGED (BOL_ROLE_BIT(BOL_ROLE_ADMIN) | BOL_ROLE_BIT(BOL_ROLE_SECURITY))

/* "admin", "security", "vessel_planner", ... NULL-terminated, in enum order. */
extern const char *const bol_role_names[];

BOL_MUST_CHECK int bol_role_parse(const char *s, enum bol_role *ret);

#define BOL_USER_MAX        64
#define BOL_KEY_ID_LEN      10
#define BOL_APIKEY_NAME_MAX 64
#define BOL_SCOPE_MAX       16 /* terminals an account or key may be limited to */
#define BOL_GRANT_ID_MAX    24
#define BOL_ADDR_MAX        64

/* User names: 2..64 of [a-z0-9._-], starting with a letter. */
BOL_MUST_CHECK int bol_user_check(const char *s, struct bol_diag *diag);

/* A terminal scope: every terminal, or a list of them. */
struct bol_scope {
    bool all;
    unsigned n;
    char terminal[BOL_SCOPE_MAX][BOL_TERMINAL_CODE_MAX + 1];
};

bool bol_scope_has(const struct bol_scope *s, const char *terminal);

/* o["terminals"]: ["*"] alone, or terminal codes once each in order. */
BOL_MUST_CHECK int bol_scope_from_json(json_t *o, struct bol_scope *s, struct bol_diag *diag);

enum bol_account_kind { BOL_ACCOUNT_PERSON = 0, BOL_ACCOUNT_VENDOR };
enum bol_account_status { BOL_ACCOUNT_ACTIVE = 0, BOL_ACCOUNT_LOCKED, BOL_ACCOUNT_DISABLED };

extern const char *const bol_account_kind_names[];
extern const char *const bol_account_status_names[];

struct bol_account {
    char user[BOL_USER_MAX + 1];
    enum bol_account_kind kind;
    uint32_t roles; /* BOL_ROLE_BIT set */
    struct bol_scope scope;
    char line[BOL_LINE_MAX + 1]; /* the shipping line a line user acts for, or "" */
    enum bol_account_status status;
    int64_t locked_until_us; /* LOCKED: until when (0: until an admin unlocks) */
    bool mfa;                /* a TOTP authenticator is enrolled */
    bool mfa_required;       /* MFA must be used (always for privileged roles) */
    bool must_change;        /* the password was set by an admin: change it at next login */
};

BOL_MUST_CHECK int bol_account_from_json(json_t *o, struct bol_account *out, struct bol_diag *diag);
BOL_MUST_CHECK int bol_account_to_json(const struct bol_account *a, json_t **ret);

/* Is the account locked at now_us (a timed lockout ends by itself)? */
bool bol_account_locked(const struct bol_account *a, int64_t now_us);

enum bol_apikey_status { BOL_APIKEY_ACTIVE = 0, BOL_APIKEY_REVOKED };

struct bol_apikey_info {
    char id[BOL_KEY_ID_LEN + 1];
    char name[BOL_APIKEY_NAME_MAX + 1];
    enum bol_role role;
    struct bol_scope scope;
    char line[BOL_LINE_MAX + 1];
    int64_t created_us;
    int64_t expires_us; /* mandatory */
    enum bol_apikey_status status;
    int64_t revoked_us;                   /* REVOKED: when */
    char replaces[BOL_KEY_ID_LEN + 1];    /* the key this one rotated, or "" */
    char replaced_by[BOL_KEY_ID_LEN + 1]; /* the key that rotated this one, or "" */
};

BOL_MUST_CHECK int bol_apikey_from_json(json_t *o, struct bol_apikey_info *out,
                                        struct bol_diag *diag);
BOL_MUST_CHECK int bol_apikey_to_json(const struct bol_apikey_info *k, json_t **ret);

/* Usable at now_us: active and not expired. */
bool bol_apikey_usable(const struct bol_apikey_info *k, int64_t now_us);

/* A maintenance window: a vendor account may log in from addr between starts and ends. */
struct bol_grant {
    char id[BOL_GRANT_ID_MAX + 1];
    char user[BOL_USER_MAX + 1];
    char from[BOL_ADDR_MAX + 1]; /* an address or a CIDR prefix: "203.0.113.7", "198.51.100.0/24" */
    int64_t starts_us, ends_us;
    char reason[BOL_REASON_MAX + 1];
    bool revoked;
};

BOL_MUST_CHECK int bol_grant_from_json(json_t *o, struct bol_grant *out, struct bol_diag *diag);
BOL_MUST_CHECK int bol_grant_to_json(const struct bol_grant *g, json_t **ret);

/* Is the window open at now_us for a client at addr (IPv4 or IPv6 text)? */
bool bol_grant_admits(const struct bol_grant *g, const char *addr, int64_t now_us);

/* An address or CIDR prefix, IPv4 or IPv6. */
BOL_MUST_CHECK int bol_addr_prefix_check(const char *s, struct bol_diag *diag);
