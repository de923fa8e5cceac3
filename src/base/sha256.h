/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sha256.h - SHA-256 through OpenSSL's libcrypto
 *
 * libcrypto uses the CPU's SHA instructions where present (about twice the
 * rate of libsodium's portable code on the machines bollard runs on; see
 * docs/internals/journal.md).  Each thread keeps one reusable digest context,
 * created on first use and released when the thread exits, so a call costs
 * no allocation.  Hashing cannot fail once the context exists; if libcrypto
 * cannot create one the process aborts (as bol_xmalloc does).
 */
#pragma once

#include "compat.h"

#define BOL_SHA256_LEN 32

/* One input piece: hash(a || b || ...) without copying into one buffer. */
struct bol_span {
    const void *p;
    size_t len;
};

/* SHA-256 of n bytes. */
void bol_sha256(const void *data, size_t n, uint8_t out[BOL_SHA256_LEN]);

/* SHA-256 of the concatenation of nparts pieces. */
void bol_sha256_parts(const struct bol_span *parts, size_t nparts, uint8_t out[BOL_SHA256_LEN]);

/*
 * An incremental hash for long inputs (state digests).  Holds its own
 * context; init may fail only for lack of memory (BOL_E_NOMEM).
 */
struct bol_sha256_stream {
    void *ctx;
};

BOL_MUST_CHECK int bol_sha256_stream_init(struct bol_sha256_stream *h);
void bol_sha256_stream_update(struct bol_sha256_stream *h, const void *data, size_t n);
/* Write the digest and release the context. */
void bol_sha256_stream_final(struct bol_sha256_stream *h, uint8_t out[BOL_SHA256_LEN]);
/* Release without a digest (error paths); safe after final. */
void bol_sha256_stream_abort(struct bol_sha256_stream *h);
