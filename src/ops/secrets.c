/* SPDX-License-Identifier: Apache-2.0 */
/*
 * secrets.c - the credential side of an access command (secrets.h)
 */
#include "compat.h"

#include <sodium.h>

#include "secrets.h"

void bol_secrets_for(struct bol_secrets *x, const char *cmd)
{
    x->drop_sessions =
        !strcmp(cmd, "user.update") || !strcmp(cmd, "user.lock") || !strcmp(cmd, "user.mfa_reset");
    x->drop_mfa = !strcmp(cmd, "user.mfa_reset");
}

int bol_secrets_hook(struct bol_store *s, struct bol_ops_call *call, struct bol_diag *diag)
{
    const struct bol_secrets *x = call->user;
    int rc = 0;

    if (x->pw_hash)
        rc = bol_cred_password_set(s, x->user, x->pw_hash, x->pw_verdict, x->now_us, diag);
    if (rc == 0 && x->key)
        rc = bol_cred_key_put(s, x->key->id, x->key->hash, diag);
    if (rc == 0 && x->drop_mfa) {
        rc = bol_cred_totp_del(s, x->user, diag);
        if (rc == 0)
            rc = bol_cred_recovery_set(s, x->user, NULL, 0, diag);
    }
    if (rc == 0 && x->drop_sessions)
        rc = bol_cred_session_del_user(s, x->user, diag);
    return rc;
}

void bol_onetime_password(char out[BOL_OTP_LEN + 1])
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
    uint8_t rnd[20];
    size_t i, o = 0;

    randombytes_buf(rnd, sizeof(rnd));
    for (i = 0; i < sizeof(rnd); i++) {
        if (i && i % 5 == 0)
            out[o++] = '-';
        out[o++] = alphabet[rnd[i] & 31];
    }
    out[o] = '\0';
    sodium_memzero(rnd, sizeof(rnd));
}
