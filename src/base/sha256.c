/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sha256.c - SHA-256 through OpenSSL's EVP interface with a per-thread context
 *
 * OpenSSL 3's one-shot SHA256() fetches the algorithm on every call and runs
 * at less than half the rate of a reused EVP_MD_CTX with a fetched EVP_MD, so
 * the fetched algorithm is shared and each thread keeps its own context.
 */
#include "compat.h"

#include <openssl/evp.h>
#include <pthread.h>

#include "errors.h"
#include "sha256.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t ctx_key;
static EVP_MD *sha256_md;

static void ctx_destroy(void *p)
{
    EVP_MD_CTX_free(p);
}

static void init_once(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (!sha256_md || pthread_key_create(&ctx_key, ctx_destroy) != 0) {
        fprintf(stderr, "bollard: cannot initialise SHA-256 from libcrypto\n");
        abort();
    }
}

static EVP_MD_CTX *thread_ctx(void)
{
    EVP_MD_CTX *ctx;

    pthread_once(&once, init_once);
    ctx = pthread_getspecific(ctx_key);
    if (!ctx) {
        ctx = EVP_MD_CTX_new();
        if (!ctx || pthread_setspecific(ctx_key, ctx) != 0) {
            fprintf(stderr, "bollard: out of memory creating a SHA-256 context\n");
            abort();
        }
    }
    return ctx;
}

void bol_sha256_parts(const struct bol_span *parts, size_t nparts, uint8_t out[BOL_SHA256_LEN])
{
    EVP_MD_CTX *ctx = thread_ctx();
    unsigned int len = 0;
    size_t i;
    int ok;

    ok = EVP_DigestInit_ex(ctx, sha256_md, NULL);
    for (i = 0; ok && i < nparts; i++)
        ok = EVP_DigestUpdate(ctx, parts[i].p, parts[i].len);
    ok = ok && EVP_DigestFinal_ex(ctx, out, &len);
    if (!ok || len != BOL_SHA256_LEN)
        BOL_BUG("libcrypto SHA-256 failed");
}

void bol_sha256(const void *data, size_t n, uint8_t out[BOL_SHA256_LEN])
{
    struct bol_span s = { data, n };

    bol_sha256_parts(&s, 1, out);
}

int bol_sha256_stream_init(struct bol_sha256_stream *h)
{
    EVP_MD_CTX *ctx;

    pthread_once(&once, init_once);
    ctx = EVP_MD_CTX_new();
    if (!ctx)
        return BOL_E_NOMEM;
    if (!EVP_DigestInit_ex(ctx, sha256_md, NULL))
        BOL_BUG("libcrypto SHA-256 init failed");
    h->ctx = ctx;
    return 0;
}

void bol_sha256_stream_update(struct bol_sha256_stream *h, const void *data, size_t n)
{
    if (!EVP_DigestUpdate(h->ctx, data, n))
        BOL_BUG("libcrypto SHA-256 update failed");
}

void bol_sha256_stream_final(struct bol_sha256_stream *h, uint8_t out[BOL_SHA256_LEN])
{
    unsigned int len = 0;

    if (!EVP_DigestFinal_ex(h->ctx, out, &len) || len != BOL_SHA256_LEN)
        BOL_BUG("libcrypto SHA-256 final failed");
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
}

void bol_sha256_stream_abort(struct bol_sha256_stream *h)
{
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
}
