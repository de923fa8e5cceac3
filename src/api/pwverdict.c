/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pwverdict.c - the verdict recorded beside a password a person chose
 *
 * bol_password_check (core) refuses what must never be used; a password it
 * allows can still be weak.  The verdict says so, and `bollard inspect`
 * reports it: core's pattern check first, then cracklib's FascistCheckUser
 * against the system dictionary (Debian cracklib-runtime).  cracklib keeps
 * state in statics, so calls are serialised.  The user name is passed as
 * the GECOS text too, so cracklib never looks the person up in the host's
 * password file (bollard's accounts are not host accounts).
 */
#include "compat.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include <crack.h>

#include "api-int.h"
#include "password.h"

static pthread_mutex_t crack_lock = PTHREAD_MUTEX_INITIALIZER;

void api_password_verdict(const char *pw, const char *user, char *out, size_t n)
{
    char why[128];
    const char *msg;

    if (bol_password_weakness(bol_str_from(pw), why, sizeof(why))) {
        snprintf(out, n, "weak: %s", why);
        return;
    }
    pthread_mutex_lock(&crack_lock);
    msg = FascistCheckUser(pw, GetDefaultCracklibDict(), user, user);
    if (msg && strstr(msg, "dictionary"))
        snprintf(out, n, "unchecked: %s", msg);
    else if (msg)
        snprintf(out, n, "weak: %s", msg);
    else
        snprintf(out, n, "ok");
    pthread_mutex_unlock(&crack_lock);
}
