/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_note.c - signed notes, checkpoints and key texts
 *
 * The input is tried as a note (against a fixed key), as checkpoint text, and
 * as verifier and signer key text.  None may crash; a note that opens must
 * have its text as a prefix of the input.
 */
#include "compat.h"

#include "errors.h"
#include "fuzz.h"
#include "note.h"

/* A fixed public key (the RFC 8032 test key 1), named as in the seeds. */
static const struct bol_verifier key = {
    "fuzz.example/log",
    0,
    { 0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe,
      0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6,
      0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str in = bol_str_make((const char *) data, size);
    struct bol_verifier v = key, vk;
    struct bol_checkpoint cp;
    struct bol_signer sk;
    struct bol_str text;
    int r;

    v.key_id = bol_note_key_id(v.name, v.pk);
    r = bol_note_open(in, &v, &text, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_PARSE || r == BOL_E_NOTFOUND || r == BOL_E_CORRUPT);
    if (r == 0)
        FUZZ_ASSERT(text.p == in.p && text.len < size);
    r = bol_checkpoint_parse(in, &cp, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_PARSE);
    if (r == 0)
        FUZZ_ASSERT(strlen(cp.origin) > 0 && cp.size <= INT64_MAX);
    r = bol_verifier_decode(in, &vk, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_PARSE || r == BOL_E_CORRUPT);
    if (r == 0)
        FUZZ_ASSERT(bol_note_key_id(vk.name, vk.pk) == vk.key_id);
    r = bol_signer_decode(in, &sk, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_PARSE || r == BOL_E_CORRUPT || r == BOL_E_INTERNAL);
    bol_signer_wipe(&sk);
    return 0;
}
