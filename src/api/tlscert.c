/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tlscert.c - a self-signed certificate with GnuTLS
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <unistd.h>

#include "errors.h"
#include "tlscert.h"

#define VALID_S (2LL * 366 * 86400)

static int write_new(const char *path, const gnutls_datum_t *d, mode_t mode, struct bol_diag *diag)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    size_t off = 0;

    if (fd < 0)
        return bol_diag_fail(diag, bol_err_from_errno(errno), "tls", "cannot create %s: %s", path,
                             strerror(errno));
    while (off < d->size) {
        ssize_t n = write(fd, d->data + off, d->size - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            unlink(path);
            return bol_diag_fail(diag, BOL_E_IO, "tls", "cannot write %s", path);
        }
        off += (size_t) n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        unlink(path);
        return bol_diag_fail(diag, BOL_E_IO, "tls", "cannot write %s", path);
    }
    return 0;
}

int bol_tls_selfsigned(const char *cert_path, const char *key_path, int64_t now_us,
                       char fingerprint[65], struct bol_diag *diag)
{
    static const unsigned char ip4[4] = { 127, 0, 0, 1 };
    static const unsigned char ip6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    gnutls_x509_privkey_t key = NULL;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t kpem = { NULL, 0 }, cpem = { NULL, 0 };
    unsigned char serial[16], fp[32];
    size_t fplen = sizeof(fp), i;
    time_t now = (time_t) (now_us / 1000000);
    int g = 0, r = 0;

    if ((g = gnutls_x509_privkey_init(&key)) < 0 ||
        (g = gnutls_x509_privkey_generate(
             key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0 ||
        (g = gnutls_x509_crt_init(&crt)) < 0 || (g = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
        (g = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial))) < 0)
        goto done;
    serial[0] &= 0x7f; /* positive */
    if ((g = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial))) < 0 ||
        (g = gnutls_x509_crt_set_activation_time(crt, now - 3600)) < 0 ||
        (g = gnutls_x509_crt_set_expiration_time(crt, now + VALID_S)) < 0 ||
        (g = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "localhost", 9)) <
            0 ||
        (g = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "bollard",
                                           7)) < 0 ||
        (g = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                                  GNUTLS_FSAN_SET)) < 0 ||
        (g = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip4, sizeof(ip4),
                                                  GNUTLS_FSAN_APPEND)) < 0 ||
        (g = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip6, sizeof(ip6),
                                                  GNUTLS_FSAN_APPEND)) < 0 ||
        (g = gnutls_x509_crt_set_key(crt, key)) < 0 ||
        (g = gnutls_x509_crt_set_basic_constraints(crt, 0, -1)) < 0 ||
        (g = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
        (g = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0 ||
        (g = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0 ||
        (g = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &kpem)) < 0 ||
        (g = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cpem)) < 0 ||
        (g = gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &fplen)) < 0)
        goto done;
    for (i = 0; i < 32; i++)
        snprintf(fingerprint + 2 * i, 3, "%02x", fp[i]);
    r = write_new(key_path, &kpem, 0600, diag);
    if (r == 0) {
        r = write_new(cert_path, &cpem, 0644, diag);
        if (r < 0)
            unlink(key_path);
    }
done:
    if (g < 0)
        r = bol_diag_fail(diag, BOL_E_INTERNAL, "tls", "cannot make a certificate: %s",
                          gnutls_strerror(g));
    if (kpem.data) {
        gnutls_memset(kpem.data, 0, kpem.size);
        gnutls_free(kpem.data);
    }
    gnutls_free(cpem.data);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
    return r;
}
