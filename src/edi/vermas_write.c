/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vermas_write.c - VGM declarations out (vermas_write.h)
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "edifact_write.h"
#include "errors.h"
#include "utctime.h"
#include "vermas_write.h"

static bool texts(const struct bol_vermas_decl *d, size_t n, const struct bol_vermas_envelope *env,
                  bool (*test)(const char *))
{
    size_t i;
    bool ok = test(env->sender) && test(env->recipient) && test(env->control);

    for (i = 0; ok && i < n; i++)
        ok = test(d[i].id.s) && test(d[i].sizetype) && test(d[i].booking) && test(d[i].declarant);
    return ok;
}

int bol_vermas_write(const struct bol_vermas_decl *d, size_t n,
                     const struct bol_vermas_envelope *env, struct bol_buf *out)
{
    struct bol_edi_writer w;
    struct bol_civil c;
    bool unoa = texts(d, n, env, bol_edi_unoa);
    char now[16], ref[32];
    size_t i;

    if (bol_time_to_civil(env->prepared_us, 0, &c) < 0)
        return BOL_E_INVAL;
    snprintf(now, sizeof(now), "%04d%02d%02d%02d%02d", c.year, c.month, c.day, c.hour, c.minute);
    bol_edi_writer_init(&w, out, true);
    if (bol_edi_put_unb(&w, unoa, !unoa && texts(d, n, env, bol_edi_latin1), env->sender,
                        env->recipient, env->prepared_us, env->control) < 0)
        return BOL_E_INVAL;
    snprintf(ref, sizeof(ref), "%.10s-1", env->control);
    bol_edi_count_reset(&w);
    (void) bol_edi_put(&w, "UNH+%s+VERMAS:D:16A:UN:SMDG10", ref);
    (void) bol_edi_put(&w, "BGM+749+%s+9", env->control);
    (void) bol_edi_put(&w, "DTM+137:%s:203", now);
    for (i = 0; i < n; i++) {
        if (d[i].sizetype[0])
            (void) bol_edi_put(&w, "EQD+CN+%s+%s:102:5", d[i].id.s, d[i].sizetype);
        else
            (void) bol_edi_put(&w, "EQD+CN+%s", d[i].id.s);
        if (d[i].booking[0])
            (void) bol_edi_put(&w, "RFF+BN:%s", d[i].booking);
        (void) bol_edi_put(&w, "MEA+AAE+VGM+KGM:%u", d[i].vgm_kg);
        if (d[i].method)
            (void) bol_edi_put(&w, "DOC+%s:VGM:306", d[i].method == BOL_VGM_SM1 ? "SM1" : "SM2");
        if (d[i].declarant[0])
            (void) bol_edi_put(&w, "NAD+SPC+++%s", d[i].declarant);
    }
    (void) bol_edi_put(&w, "UNT+%u+%s", w.segments + 1, ref);
    (void) bol_edi_put(&w, "UNZ+1+%s", env->control);
    return w.err;
}
