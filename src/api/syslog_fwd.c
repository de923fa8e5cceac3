/* SPDX-License-Identifier: Apache-2.0 */
/*
 * syslog_fwd.c - RFC 5424 messages over UDP or TCP to a collector
 */
#include "compat.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errors.h"
#include "mem.h"
#include "syslog_fwd.h"

struct bol_syslog_fwd {
    bool tcp;
    int fd;
    char host[256];
    char port[8];
};

static int parse_url(struct bol_syslog_fwd *f, const char *url, struct bol_diag *diag)
{
    const char *p, *colon;
    size_t hlen;

    if (!strncmp(url, "udp://", 6))
        f->tcp = false;
    else if (!strncmp(url, "tcp://", 6))
        f->tcp = true;
    else
        return bol_diag_fail(diag, BOL_E_INVAL, "forward",
                             "use udp://HOST:PORT or tcp://HOST:PORT");
    p = url + 6;
    if (*p == '[') {
        const char *end = strchr(p, ']');

        if (!end || end[1] != ':')
            return bol_diag_fail(diag, BOL_E_INVAL, "forward",
                                 "an IPv6 host is written [ADDR]:PORT");
        p++;
        hlen = (size_t) (end - p);
        colon = end + 1;
    } else {
        colon = strrchr(p, ':');
        if (!colon)
            return bol_diag_fail(diag, BOL_E_INVAL, "forward", "give a port: HOST:PORT");
        hlen = (size_t) (colon - p);
    }
    if (hlen == 0 || hlen >= sizeof(f->host))
        return bol_diag_fail(diag, BOL_E_INVAL, "forward", "host name missing or too long");
    memcpy(f->host, p, hlen);
    f->host[hlen] = '\0';
    if (strlen(colon + 1) == 0 || strlen(colon + 1) > 5 ||
        strspn(colon + 1, "0123456789") != strlen(colon + 1))
        return bol_diag_fail(diag, BOL_E_INVAL, "forward", "the port is a number");
    snprintf(f->port, sizeof(f->port), "%s", colon + 1);
    return 0;
}

static int connect_fd(struct bol_syslog_fwd *f, struct bol_diag *diag)
{
    struct addrinfo hints, *res = NULL, *ai;
    int rc, fd = -1, err = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = f->tcp ? SOCK_STREAM : SOCK_DGRAM;
    rc = getaddrinfo(f->host, f->port, &hints, &res);
    if (rc != 0)
        return bol_diag_fail(diag, BOL_E_IO, "forward", "cannot resolve %s: %s", f->host,
                             gai_strerror(rc));
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return bol_diag_fail(diag, bol_err_from_errno(err), "forward", "cannot reach %s:%s: %s",
                             f->host, f->port, strerror(err));
    f->fd = fd;
    return 0;
}

int bol_syslog_fwd_open(const char *url, struct bol_syslog_fwd **ret, struct bol_diag *diag)
{
    struct bol_syslog_fwd *f = bol_calloc(1, sizeof(*f));
    int rc;

    *ret = NULL;
    if (!f)
        return bol_diag_fail(diag, BOL_E_NOMEM, "forward", "out of memory");
    f->fd = -1;
    if ((rc = parse_url(f, url, diag)) < 0 || (rc = connect_fd(f, diag)) < 0) {
        bol_free(f);
        return rc;
    }
    *ret = f;
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static int send_tcp(struct bol_syslog_fwd *f, const char *msg, size_t len)
{
    char head[24];
    int hn = snprintf(head, sizeof(head), "%zu ", len);

    return write_all(f->fd, head, (size_t) hn) == 0 && write_all(f->fd, msg, len) == 0 ? 0 : -1;
}

int bol_syslog_fwd_send(struct bol_syslog_fwd *f, const char *msg, size_t len,
                        struct bol_diag *diag)
{
    int rc;

    if (!f->tcp) {
        if (len > BOL_SYSLOG_UDP_MAX)
            return bol_diag_fail(diag, BOL_E_TOOBIG, "forward",
                                 "a %zu-byte message does not fit a datagram: forward over TCP",
                                 len);
        if (send(f->fd, msg, len, MSG_NOSIGNAL) == (ssize_t) len)
            return 0;
        return bol_diag_fail(diag, bol_err_from_errno(errno), "forward", "cannot send to %s:%s: %s",
                             f->host, f->port, strerror(errno));
    }
    if (send_tcp(f, msg, len) == 0)
        return 0;
    /* The collector may have restarted: one new connection, then give up. */
    close(f->fd);
    f->fd = -1;
    if ((rc = connect_fd(f, diag)) < 0)
        return rc;
    if (send_tcp(f, msg, len) == 0)
        return 0;
    return bol_diag_fail(diag, bol_err_from_errno(errno), "forward", "cannot send to %s:%s: %s",
                         f->host, f->port, strerror(errno));
}

void bol_syslog_fwd_close(struct bol_syslog_fwd *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    bol_free(f);
}
