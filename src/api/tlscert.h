/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tlscert.h - the embedded default's TLS certificate
 *
 * `bollard init` makes a self-signed certificate (ECDSA P-256, two years,
 * CN=localhost, SAN localhost, 127.0.0.1 and ::1) for `bollard serve` on
 * loopback.  Production puts nginx with a real certificate in front
 * (deploy/nginx/bollard.conf) and pins this one for the hop behind it.
 */
#pragma once

#include "compat.h"

struct bol_diag;

/*
 * Write a new key (mode 0600) and certificate (0644) to the two paths, which
 * must not exist.  *fingerprint gets the certificate's SHA-256 as hex.
 */
BOL_MUST_CHECK int bol_tls_selfsigned(const char *cert_path, const char *key_path, int64_t now_us,
                                      char fingerprint[65], struct bol_diag *diag);
