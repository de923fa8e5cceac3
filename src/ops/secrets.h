/* SPDX-License-Identifier: Apache-2.0 */
/*
 * secrets.h - the credential side of an access command
 *
 * An access command (cmd_auth.c) journals the fact; what proves it goes to
 * the store's credential tables in the same transaction: a new password
 * hash, a key's hash, or the removal of sessions and an authenticator.  The
 * API and the CLI both run their access commands with this as the call's
 * tx_hook, so the two paths cannot drift apart.
 */
#pragma once

#include "compat.h"
#include "ops.h"
#include "token.h"

#define BOL_OTP_LEN 23 /* "xxxxx-xxxxx-xxxxx-xxxxx" */

struct bol_secrets {
    const char *user;
    int64_t now_us;
    const char *pw_hash;          /* set this password hash, or NULL */
    const char *pw_verdict;       /* its verdict (store.h: bol_cred_password_set), or NULL */
    const struct bol_apikey *key; /* store this key's hash, or NULL */
    bool drop_sessions;           /* end every session of user */
    bool drop_mfa;                /* remove user's authenticator and recovery codes */
};

/* What a command implies beyond pw_hash and key: sessions and MFA to drop. */
void bol_secrets_for(struct bol_secrets *x, const char *cmd);

/* The tx_hook: call->user is a struct bol_secrets. */
int bol_secrets_hook(struct bol_store *s, struct bol_ops_call *call, struct bol_diag *diag);

/* A one-time password: 20 random characters without look-alikes, in groups of five. */
void bol_onetime_password(char out[BOL_OTP_LEN + 1]);
