/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vermas_write.h - VGM declarations out (VERMAS, SMDG VERMAS 1.0 on D.16A)
 *
 * One message with a group per box: EQD (number, size-type), RFF+BN, MEA+AAE+VGM
 * in kg, DOC+SM1/SM2 when the method is known, NAD+SPC with the declarant.
 * Read back by the equipment reader (equipment.h) as the same boxes, masses,
 * methods and bookings.  Pure.
 */
#pragma once

#include "buf.h"
#include "domain.h"

struct bol_vermas_decl {
    struct bol_container_id id;
    char sizetype[5];
    uint32_t vgm_kg;
    enum bol_vgm_method method;
    char booking[BOL_REF_MAX + 1];
    char declarant[71];
};

struct bol_vermas_envelope {
    const char *sender, *recipient, *control; /* the message is control-1 */
    int64_t prepared_us;                      /* UTC */
};

BOL_MUST_CHECK int bol_vermas_write(const struct bol_vermas_decl *d, size_t n,
                                    const struct bol_vermas_envelope *env, struct bol_buf *out);
