/* SPDX-License-Identifier: Apache-2.0 */
/*
 * syslog_fwd.h - sending RFC 5424 messages to a collector
 *
 *   udp://HOST:PORT   one message per datagram (RFC 5426), at most
 *                     BOL_SYSLOG_UDP_MAX bytes: larger ones are refused, so
 *                     nothing arrives cut short; use TCP for those
 *   tcp://HOST:PORT   octet-counted frames "LEN SP MSG" (RFC 6587 3.4.1),
 *                     reconnecting once when the connection dropped
 *
 * HOST is a name, an IPv4 address or [IPv6].  Messages come from
 * bol_audit_syslog (audit.h).
 */
#pragma once

#include "compat.h"

struct bol_diag;
struct bol_syslog_fwd;

#define BOL_SYSLOG_UDP_MAX 65000

BOL_MUST_CHECK int bol_syslog_fwd_open(const char *url, struct bol_syslog_fwd **ret,
                                       struct bol_diag *diag);
BOL_MUST_CHECK int bol_syslog_fwd_send(struct bol_syslog_fwd *f, const char *msg, size_t len,
                                       struct bol_diag *diag);
void bol_syslog_fwd_close(struct bol_syslog_fwd *f);
