/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_inspect.c - bollard inspect: the monthly self-inspection
 *
 * Gathers the facts (accounts, keys and their credential facts from the
 * store, file modes and owners in the data directory, the TLS certificate,
 * the protocol versions each --endpoint accepts, probed over the network,
 * the host's listening sockets from /proc/net/{tcp,udp}{,6} or a fixture,
 * fingerprints for drift, the replica's status and drills, the journal's
 * verification), has core judge them (inspect.h), prints a summary, JSON or
 * an HTML report, and journals the run as inspect.completed.  --schedule
 * writes the systemd units for the monthly run.  docs/internals/inspect.md.
 */
#include "compat.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>

#include "account.h"
#include "api.h"
#include "cli.h"
#include "entry.h"
#include "errors.h"
#include "inspect.h"
#include "jsonv.h"
#include "log.h"
#include "mem.h"
#include "note.h"
#include "query.h"
#include "replica.h"
#include "secpolicy.h"
#include "sha256.h"
#include "store.h"
#include "utctime.h"

const char *const cmd_inspect_usage[] = {
    "usage: bollard inspect --data DIR [--replica DIR] [--endpoint HOST:PORT]...",
    "                       [--host-facts FILE] [--owner USER] [--json] [--html FILE]",
    "                       [--fail-on SEVERITY] [--no-record]",
    "       bollard inspect --schedule DIR [--data DIR] [--replica DIR]",
    "                       [--endpoint HOST:PORT]... [--bollard PATH]",
    "",
    "The monthly self-inspection: accounts without MFA, passwords judged weak",
    "when set, dormant accounts, the number of admins, API keys (expiry, use,",
    "age), the TLS certificate and protocols, file modes and owners in the data",
    "directory, listening sockets that expose SSH, RDP, SMB, Telnet or",
    "databases beyond loopback, configuration drift since the last run, the",
    "last restore drill, replica lag, and the journal's verification.  Each",
    "finding names its guideline clause and a remediation, and is new, still",
    "open, or fixed since the previous run.  The run is journaled",
    "(inspect.completed) unless --no-record.  Thresholds and the target",
    "maturity profile: the \"inspect\" section of DATA/security.json.",
    "",
    "    --data DIR          the data directory",
    "    --replica DIR       a replica directory: drills, lag, last checkpoint",
    "    --endpoint HOST:PORT  a TLS address users or partners reach (bollard",
    "                        serve, or nginx before it): which protocol versions",
    "                        it accepts; repeat for each, at most 8",
    "    --host-facts FILE   listening sockets from a JSON file, not this host",
    "    --owner USER        who should own the data files (default: bollard,",
    "                        when that user exists; - not to check)",
    "    --json              print the result as one JSON object",
    "    --html FILE         also write an HTML report with the maturity profile",
    "    --fail-on SEV       exit 1 when a finding is at least SEV: low, medium,",
    "                        high (default) or critical",
    "    --no-record         do not journal the run",
    "    --schedule DIR      write bollard-inspect.service and .timer (monthly)",
    "                        into DIR and say how to enable them; --data,",
    "                        --replica and --endpoint go into the service",
    "    --bollard PATH      the executable the service runs (default: this one)",
    NULL,
};

#define SECURITY_JSON_MAX (1u << 20)
#define HOST_FACTS_MAX    (4u << 20)

struct facts_store {
    struct bol_inspect_account *acc;
    size_t nacc;
    struct bol_inspect_key *keys;
    size_t nkeys;
    struct bol_inspect_file files[64];
    size_t nfiles;
    struct bol_inspect_host *host;
    int64_t *open_alerts;
};

static void hex32(const uint8_t d[BOL_SHA256_LEN], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < BOL_SHA256_LEN; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

static void add_fp(struct bol_inspect_facts *f, const char *name, const void *p, size_t n)
{
    uint8_t d[BOL_SHA256_LEN];

    if (f->nfp >= BOL_INSPECT_FP_MAX)
        return;
    bol_sha256(p, n, d);
    snprintf(f->fp[f->nfp].name, sizeof(f->fp[0].name), "%s", name);
    hex32(d, f->fp[f->nfp].sha256);
    f->nfp++;
}

/* Fingerprint a file when it exists; 1 when it did, 0 when it does not, -1 after logging. */
static int fp_file(struct bol_inspect_facts *f, const char *dir, const char *name)
{
    char path[4200];
    char *text = NULL;
    size_t len = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (access(path, F_OK) != 0)
        return 0;
    if (cli_read_file(path, SECURITY_JSON_MAX, &text, &len) < 0)
        return -1;
    add_fp(f, name, text, len);
    bol_free(text);
    return 1;
}

/* ---- the policy ---- */

/*
 * The policy; where alerts go (section "alerts"); *webhook_secret is the
 * webhook's secret_file when security.json names one.
 */
static int load_policy(const char *dir, struct bol_inspect_policy *p, struct bol_inspect_facts *f,
                       char *webhook_secret, size_t wn)
{
    json_t *alerts;
    const char *sf;
    char path[4200];
    char *text = NULL;
    size_t len = 0;
    json_error_t err;
    json_t *doc;
    struct bol_diag d;
    int r;

    bol_inspect_policy_default(p);
    snprintf(path, sizeof(path), "%s/security.json", dir);
    if (access(path, F_OK) != 0)
        return 0;
    if (cli_read_file(path, SECURITY_JSON_MAX, &text, &len) < 0)
        return -1;
    add_fp(f, "security.json", text, len);
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    bol_free(text);
    if (!doc || !json_is_object(doc)) {
        if (doc)
            bol_log_error("%s: must hold one JSON object", path);
        else
            bol_log_error("%s:%d:%d: %s", path, err.line, err.column, err.text);
        json_decref(doc);
        return -1;
    }
    bol_diag_init(&d);
    r = bol_inspect_policy_from_json(json_object_get(doc, "inspect"), p, &d);
    alerts = json_object_get(doc, "alerts");
    f->resp.syslog = json_is_string(json_object_get(json_object_get(alerts, "syslog"), "url"));
    f->resp.webhook = json_is_string(json_object_get(json_object_get(alerts, "webhook"), "url"));
    sf = json_string_value(json_object_get(json_object_get(alerts, "webhook"), "secret_file"));
    if (sf && strlen(sf) < wn)
        snprintf(webhook_secret, wn, "%s", sf);
    json_decref(doc);
    if (r < 0) {
        bol_log_error("%s: section 'inspect': %s", path, d.msg);
        return -1;
    }
    return 0;
}

/* ---- accounts and keys ---- */

static int load_accounts(struct bol_store *s, struct facts_store *fs, struct bol_inspect_facts *f,
                         struct bol_diag *d)
{
    struct bol_buf fp = BOL_BUF_INIT(1 << 24);
    json_t *a = NULL, *v;
    size_t i;
    int r = bol_query_docs(s, BOL_DOC_ACCOUNT, NULL, &a, d);

    if (r < 0)
        return r;
    fs->acc = bol_calloc(json_array_size(a) + 1, sizeof(*fs->acc));
    if (!fs->acc) {
        json_decref(a);
        return bol_diag_fail(d, BOL_E_NOMEM, "accounts", "out of memory");
    }
    json_array_foreach(a, i, v)
    {
        struct bol_inspect_account *ia = &fs->acc[fs->nacc];
        struct bol_cred_password_info pi;
        const char *why;
        unsigned k;

        if ((r = bol_account_from_json(v, &ia->a, d)) < 0)
            break;
        r = bol_cred_password_info(s, ia->a.user, &pi, d);
        if (r < 0 && r != BOL_E_NOTFOUND)
            break;
        ia->has_password = r == 0;
        r = 0;
        if (ia->has_password) {
            ia->password_set_us = pi.changed_at_us;
            ia->last_login_us = pi.last_login_us;
            ia->verdict = bol_pw_verdict_parse(pi.verdict[0] ? pi.verdict : NULL, &why);
            snprintf(ia->verdict_why, sizeof(ia->verdict_why), "%s", why);
        }
        r = bol_buf_addf(&fp, "%s %s %s", ia->a.user, bol_account_kind_names[ia->a.kind],
                         bol_account_status_names[ia->a.status]);
        for (k = 0; r == 0 && k < BOL_ROLE_N; k++) {
            if (ia->a.roles & BOL_ROLE_BIT(k))
                r = bol_buf_addf(&fp, " %s", bol_role_names[k]);
        }
        if (r == 0)
            r = bol_buf_addf(&fp, "\n");
        if (r < 0)
            break;
        fs->nacc++;
    }
    json_decref(a);
    if (r == 0)
        add_fp(f, "accounts", fp.buf, fp.len);
    bol_buf_release(&fp);
    f->accounts = fs->acc;
    f->naccounts = fs->nacc;
    return r;
}

/* When each open alert was last seen: the response area's facts. */
static int load_alerts(struct bol_store *s, struct facts_store *fs, struct bol_inspect_facts *f,
                       struct bol_diag *d)
{
    json_t *a = NULL, *v;
    size_t i;
    int r = bol_query_docs(s, BOL_DOC_ALERT, NULL, &a, d);

    if (r < 0)
        return r;
    fs->open_alerts = bol_calloc(json_array_size(a) + 1, sizeof(*fs->open_alerts));
    if (!fs->open_alerts) {
        json_decref(a);
        return bol_diag_fail(d, BOL_E_NOMEM, "alerts", "out of memory");
    }
    json_array_foreach(a, i, v)
    {
        const char *st = json_string_value(json_object_get(v, "status"));
        const char *last = json_string_value(json_object_get(v, "last"));
        int64_t at = 0;

        if (!st || strcmp(st, "open"))
            continue;
        if (!last || bol_time_parse(bol_str_from(last), &at, NULL) < 0) {
            r = bol_diag_fail(d, BOL_E_CORRUPT, "alerts", "alert %zu has no readable 'last' time",
                              i);
            break;
        }
        fs->open_alerts[f->resp.nopen++] = at;
    }
    json_decref(a);
    f->resp.open_alert_us = fs->open_alerts;
    return r;
}

static int load_keys(struct bol_store *s, struct facts_store *fs, struct bol_inspect_facts *f,
                     int64_t now, struct bol_diag *d)
{
    struct bol_buf fp = BOL_BUF_INIT(1 << 24);
    json_t *a = NULL, *v;
    size_t i;
    int r = bol_query_docs(s, BOL_DOC_APIKEY, NULL, &a, d);

    if (r < 0)
        return r;
    fs->keys = bol_calloc(json_array_size(a) + 1, sizeof(*fs->keys));
    if (!fs->keys) {
        json_decref(a);
        return bol_diag_fail(d, BOL_E_NOMEM, "keys", "out of memory");
    }
    json_array_foreach(a, i, v)
    {
        struct bol_inspect_key *ik = &fs->keys[fs->nkeys];
        struct bol_cred_key_use use;

        if ((r = bol_apikey_from_json(v, &ik->k, d)) < 0)
            break;
        r = bol_cred_key_use_get(s, ik->k.id, &use, d);
        if (r < 0 && r != BOL_E_NOTFOUND)
            break;
        ik->last_used_us = r == 0 ? use.last_used_us : 0;
        r = 0;
        if (ik->k.role == BOL_ROLE_REPLICA && bol_apikey_usable(&ik->k, now)) {
            f->rec.replica_key = true;
            if (ik->last_used_us > f->rec.replica_key_used_us)
                f->rec.replica_key_used_us = ik->last_used_us;
        }
        if (ik->k.status == BOL_APIKEY_ACTIVE &&
            (r = bol_buf_addf(&fp, "%s %s %s\n", ik->k.id, bol_role_names[ik->k.role],
                              bol_apikey_usable(&ik->k, now) ? "usable" : "expired")) < 0)
            break;
        fs->nkeys++;
    }
    json_decref(a);
    if (r == 0)
        add_fp(f, "keys", fp.buf, fp.len);
    bol_buf_release(&fp);
    f->keys = fs->keys;
    f->nkeys = fs->nkeys;
    return r;
}

/* ---- files ---- */

static void add_file(struct facts_store *fs, const char *dir, const char *name, const char *label,
                     enum bol_ifile_kind kind)
{
    char path[4200];
    struct stat st;

    if (fs->nfiles >= BOL_ARRAY_SIZE(fs->files))
        return;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (lstat(path, &st) != 0)
        return;
    snprintf(fs->files[fs->nfiles].name, sizeof(fs->files[0].name), "%s", label);
    fs->files[fs->nfiles].kind = kind;
    fs->files[fs->nfiles].mode = (uint32_t) (st.st_mode & 07777);
    fs->files[fs->nfiles].uid = (int64_t) st.st_uid;
    fs->nfiles++;
}

static void gather_files(struct facts_store *fs, const char *dir, const char *replica,
                         const char *webhook_secret)
{
    static const char *const secrets[] = { "journal.key", "tls.key", "journal.key.new" };
    static const char *const data[] = { "bollard.db", "bollard.db-wal", "bollard.db-shm",
                                        "bollard.conf", "security.json" };
    static const char *const pub[] = { "tls.crt", "journal.pub" };
    static const char *const rsecrets[] = { "vault.key", "pack.key", "replica.apikey" };
    char label[64];
    DIR *dd;
    struct dirent *de;
    size_t i;

    add_file(fs, dir, ".", ".", BOL_IFILE_DIR);
    for (i = 0; i < BOL_ARRAY_SIZE(secrets); i++)
        add_file(fs, dir, secrets[i], secrets[i], BOL_IFILE_SECRET);
    for (i = 0; i < BOL_ARRAY_SIZE(data); i++)
        add_file(fs, dir, data[i], data[i], BOL_IFILE_DATA);
    for (i = 0; i < BOL_ARRAY_SIZE(pub); i++)
        add_file(fs, dir, pub[i], pub[i], BOL_IFILE_PUBLIC);
    /* public keys of earlier epochs: journal.pub.N */
    dd = opendir(dir);
    while (dd && (de = readdir(dd)) != NULL) {
        if (!strncmp(de->d_name, "journal.pub.", 12) && strcmp(de->d_name, "journal.pub.new") &&
            strlen(de->d_name) < sizeof(label))
            add_file(fs, dir, de->d_name, de->d_name, BOL_IFILE_PUBLIC);
    }
    if (dd)
        closedir(dd);
    /* the webhook's HMAC secret, where security.json keeps it (absolute, or in DIR) */
    if (webhook_secret[0])
        add_file(fs, webhook_secret[0] == '/' ? "" : dir, webhook_secret, "webhook-secret",
                 BOL_IFILE_SECRET);
    if (!replica)
        return;
    add_file(fs, replica, ".", "replica/", BOL_IFILE_DIR);
    for (i = 0; i < BOL_ARRAY_SIZE(rsecrets); i++) {
        snprintf(label, sizeof(label), "replica/%s", rsecrets[i]);
        add_file(fs, replica, rsecrets[i], label, BOL_IFILE_SECRET);
    }
}

static int service_uid(const char *owner, const char *dir, int64_t *ret)
{
    struct passwd *pw;

    (void) dir;
    *ret = -1;
    if (owner && !strcmp(owner, "-"))
        return 0;
    pw = getpwnam(owner ? owner : "bollard");
    if (!pw) {
        if (!owner)
            return 0;
        bol_log_error("--owner: no user '%s' on this host", owner);
        return -1;
    }
    *ret = (int64_t) pw->pw_uid;
    return 0;
}

/* ---- host facts: listening TCP sockets and bound UDP sockets ---- */

static void ipv6_text(const char *hex, char *out, size_t n)
{
    uint8_t b[16];
    unsigned i, w;
    char tmp[64];
    size_t used = 0;

    /* /proc/net/tcp6 writes four 32-bit words, each in host (little-endian) order */
    for (w = 0; w < 4; w++) {
        for (i = 0; i < 4; i++) {
            unsigned v = 0;

            sscanf(hex + w * 8 + (3 - i) * 2, "%2x", &v);
            b[w * 4 + i] = (uint8_t) v;
        }
    }
    if (!memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
        snprintf(out, n, "::ffff:%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
        return;
    }
    tmp[0] = '\0';
    for (i = 0; i < 8 && used < sizeof(tmp); i++) {
        int k = snprintf(tmp + used, sizeof(tmp) - used, "%s%x", i ? ":" : "",
                         (unsigned) (b[2 * i] << 8 | b[2 * i + 1]));

        used += k > 0 ? (size_t) k : 0;
    }
    if (!strcmp(tmp, "0:0:0:0:0:0:0:0"))
        snprintf(out, n, "::");
    else if (!strcmp(tmp, "0:0:0:0:0:0:0:1"))
        snprintf(out, n, "::1");
    else
        snprintf(out, n, "%s", tmp);
}

/* TCP sockets in LISTEN (0x0a); UDP sockets unconnected (0x07), i.e. receiving from anyone. */
static void read_proc_net(struct bol_inspect_host *h, const char *path, bool v6, bool udp)
{
    FILE *f = fopen(path, "r");
    char line[512];

    if (!f)
        return;
    if (!fgets(line, sizeof(line), f)) {
        fclose(f);
        return;
    }
    while (fgets(line, sizeof(line), f) && h->nsockets < BOL_INSPECT_SOCKETS_MAX) {
        char local[64], remote[64];
        unsigned st = 0, port = 0, a = 0;
        struct bol_inspect_socket *s = &h->sockets[h->nsockets];
        char *colon;

        if (sscanf(line, " %*u: %63s %63s %x", local, remote, &st) != 3 ||
            st != (udp ? 0x07u : 0x0au))
            continue;
        colon = strchr(local, ':');
        if (!colon || sscanf(colon + 1, "%x", &port) != 1)
            continue;
        *colon = '\0';
        if (v6) {
            if (strlen(local) != 32)
                continue;
            ipv6_text(local, s->addr, sizeof(s->addr));
        } else {
            if (sscanf(local, "%x", &a) != 1)
                continue;
            snprintf(s->addr, sizeof(s->addr), "%u.%u.%u.%u", a & 255, (a >> 8) & 255,
                     (a >> 16) & 255, a >> 24);
        }
        snprintf(s->proto, sizeof(s->proto), "%s%s", udp ? "udp" : "tcp", v6 ? "6" : "");
        s->port = port;
        h->nsockets++;
    }
    fclose(f);
}

static int load_host(const char *file, struct bol_inspect_host *h)
{
    char *text = NULL;
    size_t len = 0;
    json_error_t err;
    json_t *doc;
    struct bol_diag d;
    int r;

    h->nsockets = 0;
    if (!file) {
        read_proc_net(h, "/proc/net/tcp", false, false);
        read_proc_net(h, "/proc/net/tcp6", true, false);
        read_proc_net(h, "/proc/net/udp", false, true);
        read_proc_net(h, "/proc/net/udp6", true, true);
        return 0;
    }
    if (cli_read_file(file, HOST_FACTS_MAX, &text, &len) < 0)
        return -1;
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    bol_free(text);
    if (!doc) {
        bol_log_error("%s:%d:%d: %s", file, err.line, err.column, err.text);
        return -1;
    }
    bol_diag_init(&d);
    r = bol_inspect_host_from_json(doc, h, &d);
    json_decref(doc);
    if (r < 0) {
        bol_log_error("%s: %s", file, d.msg);
        return -1;
    }
    return 0;
}

/* ---- TLS ---- */

static void gather_tls(const char *dir, struct bol_inspect_facts *f)
{
    struct bol_inspect_tls *t = &f->tls;
    char path[4200];
    char *text = NULL;
    size_t len = 0;
    gnutls_x509_crt_t crt;
    gnutls_datum_t dat;
    unsigned bits = 0;
    int alg, sig;

    snprintf(path, sizeof(path), "%s/tls.crt", dir);
    if (access(path, F_OK) != 0)
        return;
    t->cert_present = true;
    if (cli_read_file(path, 1 << 20, &text, &len) < 0)
        return;
    add_fp(f, "tls.crt", text, len);
    if (gnutls_x509_crt_init(&crt) < 0) {
        bol_free(text);
        return;
    }
    dat.data = (unsigned char *) text;
    dat.size = (unsigned) len;
    if (gnutls_x509_crt_import(crt, &dat, GNUTLS_X509_FMT_PEM) == 0) {
        t->cert_parsed = true;
        t->not_after_us = (int64_t) gnutls_x509_crt_get_expiration_time(crt) * BOL_US_PER_SEC;
        alg = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
        t->key_bits = bits;
        snprintf(t->key_alg, sizeof(t->key_alg), "%s",
                 alg == GNUTLS_PK_RSA     ? "RSA"
                 : alg == GNUTLS_PK_ECDSA ? "EC"
                 : alg == GNUTLS_PK_DSA
                     ? "DSA"
                     : (gnutls_pk_algorithm_get_name(alg) ? gnutls_pk_algorithm_get_name(alg)
                                                          : "unknown"));
        sig = gnutls_x509_crt_get_signature_algorithm(crt);
        snprintf(t->sig_alg, sizeof(t->sig_alg), "%s",
                 gnutls_sign_get_name(sig) ? gnutls_sign_get_name(sig) : "unknown");
    }
    gnutls_x509_crt_deinit(crt);
    bol_free(text);
}

/*
 * Probing an endpoint: one connection per protocol version, a handshake
 * offering that version alone.  The certificate is not checked (the
 * question is only what the endpoint agrees to); nothing is sent after the
 * handshake.
 */
#define PROBE_TIMEOUT_S 5

static int probe_connect(const char *host, const char *port, char *err, size_t n)
{
    struct addrinfo hints, *ai = NULL, *a;
    struct timeval tv = { PROBE_TIMEOUT_S, 0 };
    int fd = -1, r;

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    r = getaddrinfo(host, port, &hints, &ai);
    if (r != 0) {
        snprintf(err, n, "%s", gai_strerror(r));
        return -1;
    }
    for (a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        /* connect() honours the send timeout */
        (void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        (void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            snprintf(err, n, "%s", errno == EINPROGRESS ? "timed out" : strerror(errno));
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(ai);
    return fd;
}

/* 1: a handshake under pri completed; 0: refused or not possible here; -1: no connection. */
static int probe_version(const char *host, const char *port, const char *pri, char *err, size_t n)
{
    gnutls_certificate_credentials_t cred = NULL;
    gnutls_session_t ses = NULL;
    struct in6_addr a6;
    struct in_addr a4;
    int fd, r;

    fd = probe_connect(host, port, err, n);
    if (fd < 0)
        return -1;
    r = gnutls_certificate_allocate_credentials(&cred);
    if (r == 0)
        r = gnutls_init(&ses, GNUTLS_CLIENT);
    if (r == 0)
        r = gnutls_priority_set_direct(ses, pri, NULL);
    if (r == 0)
        r = gnutls_credentials_set(ses, GNUTLS_CRD_CERTIFICATE, cred);
    if (r == 0 && inet_pton(AF_INET, host, &a4) != 1 && inet_pton(AF_INET6, host, &a6) != 1)
        r = gnutls_server_name_set(ses, GNUTLS_NAME_DNS, host, strlen(host));
    if (r == 0) {
        gnutls_transport_set_int(ses, fd);
        gnutls_handshake_set_timeout(ses, PROBE_TIMEOUT_S * 1000);
        do
            r = gnutls_handshake(ses);
        while (r < 0 && !gnutls_error_is_fatal(r));
        if (r == 0)
            (void) gnutls_bye(ses, GNUTLS_SHUT_WR);
    }
    if (r < 0)
        snprintf(err, n, "%s", gnutls_strerror(r));
    if (ses)
        gnutls_deinit(ses);
    if (cred)
        gnutls_certificate_free_credentials(cred);
    close(fd);
    return r == 0;
}

static int probe_endpoint(const char *spec, struct bol_inspect_endpoint *e)
{
    static const struct {
        const char *name, *pri;
    } old[] = {
        { "SSL3.0", "NORMAL:-VERS-ALL:+VERS-SSL3.0" },
        { "TLS1.0", "NORMAL:-VERS-ALL:+VERS-TLS1.0" },
        { "TLS1.1", "NORMAL:-VERS-ALL:+VERS-TLS1.1" },
    };
    char host[64], err[128];
    const char *port = strrchr(spec, ':');
    uint64_t pn = 0;
    size_t hl, used = 0, i;
    int r;

    memset(e, 0, sizeof(*e));
    hl = port ? (size_t) (port - spec) : 0;
    if (hl > 1 && spec[0] == '[' && spec[hl - 1] == ']') {
        spec++;
        hl -= 2;
    }
    if (!port || hl == 0 || hl >= sizeof(host) || strlen(spec) >= sizeof(e->name) ||
        bol_str_to_u64(bol_str_from(port + 1), &pn) < 0 || pn < 1 || pn > 65535) {
        bol_log_error("--endpoint '%s': give HOST:PORT ([ADDR]:PORT for IPv6)", spec);
        return -1;
    }
    memcpy(host, spec, hl);
    host[hl] = '\0';
    snprintf(e->name, sizeof(e->name), "%s%s%s:%u", strchr(host, ':') ? "[" : "", host,
             strchr(host, ':') ? "]" : "", (unsigned) pn);
    r = probe_version(host, port + 1, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", e->error,
                      sizeof(e->error));
    e->reached = r == 1;
    if (r < 0)
        return 0; /* no connection at all: nothing more to ask */
    for (i = 0; i < BOL_ARRAY_SIZE(old); i++) {
        if (probe_version(host, port + 1, old[i].pri, err, sizeof(err)) != 1)
            continue;
        e->reached = true;
        if (used < sizeof(e->old)) {
            int w = snprintf(e->old + used, sizeof(e->old) - used, "%s%s", used ? " " : "",
                             old[i].name);

            used += w > 0 ? (size_t) w : 0;
        }
    }
    if (e->reached)
        e->error[0] = '\0';
    return 0;
}

/* ---- the replica ---- */

struct cp_last {
    int64_t at_us;
};

static int take_cp(void *ctx, uint64_t size, struct bol_str note, const struct bol_verifier *key)
{
    struct cp_last *c = ctx;
    struct bol_checkpoint cp;
    struct bol_str text;

    (void) size;
    if (bol_note_open(note, key, &text, NULL) == 0 && bol_checkpoint_parse(text, &cp, NULL) == 0 &&
        cp.at_us > c->at_us)
        c->at_us = cp.at_us;
    return 0;
}

static int newest_drill(const char *dir, char *name, size_t n)
{
    char path[4200];
    DIR *dd;
    struct dirent *de;

    name[0] = '\0';
    snprintf(path, sizeof(path), "%s/drills", dir);
    dd = opendir(path);
    if (!dd)
        return 0;
    while ((de = readdir(dd)) != NULL) {
        size_t l = strlen(de->d_name);

        if (l > 5 && !strcmp(de->d_name + l - 5, ".note") && strcmp(de->d_name, name) > 0 && l < n)
            snprintf(name, n, "%s", de->d_name);
    }
    closedir(dd);
    return name[0] != '\0';
}

static int gather_replica(const char *dir, struct bol_inspect_facts *f)
{
    struct bol_replica *rep = NULL;
    struct bol_verifier packkey;
    struct cp_last cl = { 0 };
    struct bol_diag d;
    json_t *st = NULL;
    char name[256], path[4500];
    int r;

    f->rec.replica_given = true;
    bol_diag_init(&d);
    r = bol_replica_open(dir, BOL_REPLICA_READ, NULL, NULL, &rep, &d);
    if (r == 0)
        r = bol_replica_status(rep, &st, &d);
    if (r == 0) {
        f->rec.replica_entries = (uint64_t) json_integer_value(json_object_get(st, "entries"));
        f->rec.replica_verified = (uint64_t) json_integer_value(json_object_get(st, "verified"));
        r = bol_replica_checkpoints(rep, f->rec.replica_verified, take_cp, &cl, &d);
        f->rec.replica_checkpoint_us = cl.at_us;
    }
    json_decref(st);
    bol_replica_close(rep);
    if (r < 0) {
        cli_diag_error("cannot read the replica", r, &d);
        return -1;
    }
    if (!newest_drill(dir, name, sizeof(name)))
        return 0;
    snprintf(path, sizeof(path), "%s/pack.pub", dir);
    if (cli_load_verifier(path, &packkey) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/drills/%s", dir, name);
    {
        char *text = NULL;
        size_t len = 0;
        struct bol_str body;
        json_t *rec;
        const char *nl, *at;

        if (cli_read_file(path, 1 << 16, &text, &len) < 0)
            return -1;
        bol_diag_init(&d);
        if (bol_note_open(bol_str_make(text, len), &packkey, &body, &d) < 0) {
            bol_log_error("%s: the drill record's signature does not verify: %s", path, d.msg);
            bol_free(text);
            return -1;
        }
        nl = memchr(body.p, '\n', body.len);
        rec = nl ? json_loadb(nl + 1, body.len - (size_t) (nl + 1 - body.p), JSON_DISABLE_EOF_CHECK,
                              NULL)
                 : NULL;
        at = json_string_value(json_object_get(rec, "at"));
        if (at && bol_time_parse(bol_str_from(at), &f->rec.drill_at_us, NULL) == 0) {
            f->rec.drill_known = true;
            f->rec.drill_ok = json_is_true(json_object_get(rec, "ok"));
        }
        json_decref(rec);
        bol_free(text);
        if (!f->rec.drill_known) {
            bol_log_error("%s: not a drill record", path);
            return -1;
        }
    }
    return 0;
}

/* ---- systemd units, for drift and --schedule ---- */

static void fp_units(struct bol_inspect_facts *f)
{
    static const char *const units[] = { "/etc/systemd/system/bollard.service",
                                         "/etc/systemd/system/bollard-inspect.service",
                                         "/etc/systemd/system/bollard-inspect.timer",
                                         "/etc/systemd/system/bollard-replica.service" };
    struct bol_buf all = BOL_BUF_INIT(1 << 22);
    size_t i;
    bool any = false;

    for (i = 0; i < BOL_ARRAY_SIZE(units); i++) {
        char *text = NULL;
        size_t len = 0;

        if (access(units[i], R_OK) != 0)
            continue;
        if (cli_read_file(units[i], 1 << 20, &text, &len) < 0)
            continue;
        if (bol_buf_addf(&all, "%s\n", units[i]) == 0 && bol_buf_add(&all, text, len) == 0)
            any = true;
        bol_free(text);
    }
    if (any)
        add_fp(f, "units", all.buf, all.len);
    bol_buf_release(&all);
}

static int write_unit(const char *dir, const char *name, const char *text)
{
    char path[4200];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f) {
        bol_log_error("%s: %s", path, strerror(errno));
        return -1;
    }
    fputs(text, f);
    if (fclose(f) != 0) {
        bol_log_error("%s: %s", path, strerror(errno));
        return -1;
    }
    chmod(path, 0644);
    return 0;
}

struct inspect_opts {
    const char *data, *replica, *host_facts, *owner, *html, *sched, *exe;
    const char *endpoint[BOL_INSPECT_ENDPOINTS_MAX];
    size_t nendpoints;
    bool json, no_record;
    enum bol_isev fail_on;
};

static bool unit_safe(const char *s)
{
    return !strpbrk(s, " \n\"'%$\\");
}

static int schedule(const struct inspect_opts *o)
{
    struct bol_buf svc = BOL_BUF_INIT(1 << 16), extra = BOL_BUF_INIT(4096);
    char self[4096], realdata[4096], realrep[4096];
    const char *dir = o->sched, *data = o->data, *exe = o->exe, *replica = o->replica;
    ssize_t n;
    size_t i;
    int r;

    if (!exe) {
        n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0) {
            bol_log_error("cannot find this executable: give --bollard PATH");
            return CLI_EXIT_FAIL;
        }
        self[n] = '\0';
        exe = self;
    }
    if (!data)
        data = "/var/lib/bollard";
    else if (realpath(data, realdata))
        data = realdata;
    if (replica && realpath(replica, realrep))
        replica = realrep;
    r = 0;
    for (i = 0; i < o->nendpoints; i++)
        r |= !unit_safe(o->endpoint[i]);
    if (r || !unit_safe(exe) || !unit_safe(data) || (replica && !unit_safe(replica))) {
        bol_log_error("the paths and endpoints must not contain spaces, quotes, %%, $ or \\");
        return CLI_EXIT_USAGE;
    }
    r = 0;
    if (replica)
        r |= bol_buf_addf(&extra, " --replica %s", replica);
    for (i = 0; i < o->nendpoints; i++)
        r |= bol_buf_addf(&extra, " --endpoint %s", o->endpoint[i]);
    if (r < 0) {
        bol_buf_release(&extra);
        bol_log_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    r = bol_buf_addf(&svc,
                     "# Written by bollard inspect --schedule: the monthly self-inspection.\n"
                     "[Unit]\n"
                     "Description=bollard monthly self-inspection\n"
                     "After=network.target\n"
                     "\n"
                     "[Service]\n"
                     "Type=oneshot\n"
                     "User=bollard\n"
                     "Group=bollard\n"
                     "ExecStart=%s inspect --data %s%s --html %s/inspect-report.html\n"
                     "# Findings exit 1: the journal has the run; do not mark the unit failed.\n"
                     "SuccessExitStatus=1\n"
                     "UMask=0077\n"
                     "NoNewPrivileges=yes\n"
                     "ProtectSystem=strict\n"
                     "ReadWritePaths=%s\n"
                     "ProtectHome=yes\n"
                     "PrivateTmp=yes\n"
                     "PrivateDevices=yes\n"
                     "ProtectKernelTunables=yes\n"
                     "ProtectKernelModules=yes\n"
                     "ProtectControlGroups=yes\n"
                     "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n"
                     "RestrictNamespaces=yes\n"
                     "LockPersonality=yes\n"
                     "MemoryDenyWriteExecute=yes\n"
                     "SystemCallArchitectures=native\n"
                     "CapabilityBoundingSet=\n",
                     exe, data, extra.len ? extra.buf : "", data, data);
    bol_buf_release(&extra);
    if (r < 0 || write_unit(dir, "bollard-inspect.service", svc.buf) < 0 ||
        write_unit(dir, "bollard-inspect.timer",
                   "# Written by bollard inspect --schedule.\n"
                   "[Unit]\n"
                   "Description=bollard monthly self-inspection\n"
                   "\n"
                   "[Timer]\n"
                   "OnCalendar=monthly\n"
                   "Persistent=true\n"
                   "RandomizedDelaySec=1h\n"
                   "\n"
                   "[Install]\n"
                   "WantedBy=timers.target\n") < 0) {
        bol_buf_release(&svc);
        return CLI_EXIT_FAIL;
    }
    bol_buf_release(&svc);
    printf("wrote %s/bollard-inspect.service and %s/bollard-inspect.timer\n", dir, dir);
    printf("next, as root:\n");
    printf("  cp %s/bollard-inspect.service %s/bollard-inspect.timer /etc/systemd/system/\n", dir,
           dir);
    printf("  systemctl daemon-reload\n");
    printf("  systemctl enable --now bollard-inspect.timer\n");
    printf("  systemctl list-timers bollard-inspect.timer\n");
    return CLI_EXIT_OK;
}

/* ---- output ---- */

static const char *const sev_upper[] = { "LOW", "MEDIUM", "HIGH", "CRITICAL" };

static void print_summary(const char *dir, const struct bol_inspect_report *r, uint64_t seq)
{
    char at[BOL_TIME_TEXT_MAX], prev[BOL_TIME_TEXT_MAX];
    int s;
    size_t i;

    bol_time_format(r->at_us, 0, 0, at);
    printf("bollard inspect: %s at %s", dir, at);
    if (r->have_previous && r->previous_at_us && bol_time_format(r->previous_at_us, 0, 0, prev))
        printf(" (previous run %s)", prev);
    printf("\n%zu finding%s: %u critical, %u high, %u medium, %u low", r->n, r->n == 1 ? "" : "s",
           r->count[BOL_ISEV_CRITICAL], r->count[BOL_ISEV_HIGH], r->count[BOL_ISEV_MEDIUM],
           r->count[BOL_ISEV_LOW]);
    if (r->have_previous)
        printf("; %zu fixed since the previous run", r->nfixed);
    printf("\n");
    for (s = BOL_ISEV_CRITICAL; s >= 0; s--) {
        for (i = 0; i < r->n; i++) {
            const struct bol_inspect_finding *f = &r->f[i];

            if ((int) f->sev != s)
                continue;
            printf("\n%-8s  %-4s  %s  [%s]\n", sev_upper[f->sev],
                   f->status == BOL_IFIND_OPEN ? "open" : "new", f->id, f->clause);
            printf("          ");
            cli_put_escaped(stdout, f->detail, strlen(f->detail));
            printf("\n          fix: %s\n", f->remediation);
        }
    }
    for (i = 0; i < r->nfixed; i++)
        printf("%s%s", i ? ", " : "\nfixed: ", r->fixed[i]);
    if (r->nfixed)
        printf("\n");
    printf("\nmaturity profile (guideline 4.1.4 current, 4.2.3 target):\n");
    for (i = 0; i < BOL_IAREA_N; i++)
        printf("  %-11s %u / %u%s\n", bol_iarea_names[i], r->level[i], r->target[i],
               r->level[i] < r->target[i] ? "  below target" : "");
    if (seq)
        printf("\njournaled as entry %" PRIu64 " (inspect.completed)\n", seq);
}

static int html_esc(struct bol_buf *b, const char *s)
{
    int r = 0;

    for (; *s && r == 0; s++) {
        switch (*s) {
        case '&':
            r = bol_buf_addf(b, "&amp;");
            break;
        case '<':
            r = bol_buf_addf(b, "&lt;");
            break;
        case '>':
            r = bol_buf_addf(b, "&gt;");
            break;
        case '"':
            r = bol_buf_addf(b, "&quot;");
            break;
        case '\'':
            r = bol_buf_addf(b, "&#39;");
            break;
        default:
            r = bol_buf_add(b, s, 1);
        }
    }
    return r;
}

static int html_report(const char *path, const char *dir, const struct bol_inspect_report *r)
{
    static const char *const area_clause[] = { "5.4.2 / 5.4.6", "5.4.3 / 5.4.4", "5.4.2 / 5.4.6",
                                               "3.6 / 5.1.3",   "4.5.3 / 5.1.3", "4.7.2 / 4.9.1" };
    struct bol_buf b = BOL_BUF_INIT(64u << 20);
    char at[BOL_TIME_TEXT_MAX];
    FILE *out;
    size_t i;
    int e = 0;

    bol_time_format(r->at_us, 0, 0, at);
    e |= bol_buf_addf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<title>bollard self-inspection ");
    e |= html_esc(&b, at);
    e |= bol_buf_addf(
        &b, "</title>\n<style>\n"
            "body{font-family:sans-serif;margin:2em;color:#222}"
            "table{border-collapse:collapse;margin:1em 0}"
            "th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left;vertical-align:top}"
            "th{background:#eee}.critical{background:#f4c7c3}.high{background:#fce8b2}"
            ".medium{background:#fff7d6}.low{background:#e6f4ea}.below{color:#b00;font-weight:bold}"
            "code{font-size:.95em}\n</style>\n</head>\n<body>\n<h1>bollard self-inspection</h1>\n"
            "<p>Data directory <code>");
    e |= html_esc(&b, dir);
    e |= bol_buf_addf(&b, "</code>, run at ");
    e |= html_esc(&b, at);
    e |= bol_buf_addf(&b,
                      ".  %zu findings: %u critical, %u high, %u medium, %u low; %zu fixed since "
                      "the previous run.</p>\n",
                      r->n, r->count[BOL_ISEV_CRITICAL], r->count[BOL_ISEV_HIGH],
                      r->count[BOL_ISEV_MEDIUM], r->count[BOL_ISEV_LOW], r->nfixed);
    e |= bol_buf_addf(&b, "<h2>Maturity profile</h2>\n<p>Current profile (guideline 4.1.4) against "
                          "the target profile (4.2.3), 0 to 4 per area.</p>\n"
                          "<table>\n<tr><th>area</th><th>clauses</th><th>current</th>"
                          "<th>target</th></tr>\n");
    for (i = 0; i < BOL_IAREA_N; i++)
        e |= bol_buf_addf(&b, "<tr><td>%s</td><td>%s</td><td%s>%u</td><td>%u</td></tr>\n",
                          bol_iarea_names[i], area_clause[i],
                          r->level[i] < r->target[i] ? " class=\"below\"" : "", r->level[i],
                          r->target[i]);
    e |= bol_buf_addf(&b, "</table>\n<h2>Findings</h2>\n<table>\n<tr><th>severity</th>"
                          "<th>status</th><th>finding</th><th>clause</th><th>detail</th>"
                          "<th>remediation</th></tr>\n");
    for (i = 0; i < r->n; i++) {
        const struct bol_inspect_finding *f = &r->f[i];

        e |= bol_buf_addf(&b, "<tr class=\"%s\"><td>%s</td><td>%s</td><td><code>",
                          bol_isev_names[f->sev], bol_isev_names[f->sev],
                          f->status == BOL_IFIND_OPEN ? "open" : "new");
        e |= html_esc(&b, f->id);
        e |= bol_buf_addf(&b, "</code></td><td>%s</td><td>", f->clause);
        e |= html_esc(&b, f->detail);
        e |= bol_buf_addf(&b, "</td><td>");
        e |= html_esc(&b, f->remediation);
        e |= bol_buf_addf(&b, "</td></tr>\n");
    }
    e |= bol_buf_addf(&b, "</table>\n<h2>Fixed since the previous run</h2>\n<ul>\n");
    for (i = 0; i < r->nfixed; i++) {
        e |= bol_buf_addf(&b, "<li><code>");
        e |= html_esc(&b, r->fixed[i]);
        e |= bol_buf_addf(&b, "</code></li>\n");
    }
    e |= bol_buf_addf(&b, "</ul>\n</body>\n</html>\n");
    if (e) {
        bol_buf_release(&b);
        bol_log_error("%s: report too large or out of memory", path);
        return -1;
    }
    out = fopen(path, "w");
    if (!out || fwrite(b.buf, 1, b.len, out) != b.len || fclose(out) != 0) {
        bol_log_error("%s: %s", path, strerror(errno));
        if (out)
            fclose(out);
        bol_buf_release(&b);
        return -1;
    }
    bol_buf_release(&b);
    return 0;
}

static int print_json(const char *dir, const struct bol_inspect_report *r, uint64_t seq)
{
    struct bol_buf b = BOL_BUF_INIT(64u << 20);
    json_t *o = NULL;
    int rc = bol_inspect_report_json(r, true, &o);

    if (rc == 0) {
        json_object_set_new(o, "data", json_string(dir));
        json_object_set_new(o, "seq", seq ? json_integer((json_int_t) seq) : json_null());
        if (r->have_previous && r->previous_at_us) {
            char prev[BOL_TIME_TEXT_MAX];

            bol_time_format(r->previous_at_us, 0, 0, prev);
            json_object_set_new(o, "previous", json_string(prev));
        } else {
            json_object_set_new(o, "previous", json_null());
        }
        rc = jv_dump(o, &b);
    }
    json_decref(o);
    if (rc < 0) {
        bol_buf_release(&b);
        bol_log_error("cannot write the JSON: %s", bol_strerror(rc));
        return -1;
    }
    printf("%s\n", b.buf);
    bol_buf_release(&b);
    return 0;
}

/* ---- journaling ---- */

static int record(struct bol_store *s, const struct bol_inspect_report *r, uint64_t *ret_seq,
                  struct bol_diag *d)
{
    struct bol_buf payload = BOL_BUF_INIT(BOL_ENTRY_MAX);
    struct bol_append_result ar;
    char actor[128];
    json_t *run = NULL, *p;
    int rc = bol_inspect_report_json(r, false, &run);

    if (rc < 0)
        return bol_diag_fail(d, rc, "inspect", "out of memory");
    p = json_pack("{s:o}", "run", run);
    rc = p ? jv_dump(p, &payload) : BOL_E_NOMEM;
    json_decref(p);
    if (rc < 0) {
        bol_buf_release(&payload);
        return bol_diag_fail(d, rc, "inspect", "the run is too large to journal");
    }
    cli_default_actor(actor, sizeof(actor));
    rc = bol_store_begin(s, d);
    if (rc == 0) {
        struct bol_actor who = { bol_str_from(actor), BOL_STR("local") };
        struct bol_event ev = { BOL_STR("inspect.completed"), 1, BOL_STR(""), bol_buf_str(&payload),
                                NULL };

        rc = bol_store_append(s, &who, BOL_STR(""), NULL, r->at_us, &ev, 1, &ar, d);
        if (rc == 0)
            rc = bol_store_commit(s, r->at_us, d);
        else
            bol_store_rollback(s);
    }
    bol_buf_release(&payload);
    if (rc == 0)
        *ret_seq = ar.first_seq;
    return rc;
}

/* ---- the command ---- */

static int parse(int argc, char **argv, struct inspect_opts *o)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "replica", required_argument, NULL, 'r' },
        { "endpoint", required_argument, NULL, 'e' },
        { "host-facts", required_argument, NULL, 'H' },
        { "owner", required_argument, NULL, 'o' },
        { "json", no_argument, NULL, 'j' },
        { "html", required_argument, NULL, 'w' },
        { "fail-on", required_argument, NULL, 'f' },
        { "no-record", no_argument, NULL, 'n' },
        { "schedule", required_argument, NULL, 's' },
        { "bollard", required_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ch;

    memset(o, 0, sizeof(*o));
    o->fail_on = BOL_ISEV_HIGH;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            o->data = optarg;
            break;
        case 'r':
            o->replica = optarg;
            break;
        case 'e':
            if (o->nendpoints == BOL_INSPECT_ENDPOINTS_MAX) {
                bol_log_error("--endpoint: at most %d", BOL_INSPECT_ENDPOINTS_MAX);
                return CLI_EXIT_USAGE;
            }
            o->endpoint[o->nendpoints++] = optarg;
            break;
        case 'H':
            o->host_facts = optarg;
            break;
        case 'o':
            o->owner = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'w':
            o->html = optarg;
            break;
        case 'f':
            if (bol_isev_parse(optarg, &o->fail_on) < 0) {
                bol_log_error("--fail-on is low, medium, high or critical");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'n':
            o->no_record = true;
            break;
        case 's':
            o->sched = optarg;
            break;
        case 'b':
            o->exe = optarg;
            break;
        case 'h':
            cli_usage(cmd_inspect_usage, false);
            return -1;
        default:
            return cli_usage(cmd_inspect_usage, true);
        }
    }
    if (optind != argc || (!o->sched && !o->data) || (o->exe && !o->sched))
        return cli_usage(cmd_inspect_usage, true);
    return 0;
}

int cmd_inspect(int argc, char **argv, struct cli_ctx *ctx)
{
    struct inspect_opts o;
    char webhook_secret[BOL_POLICY_PATH_MAX] = "";
    struct bol_inspect_policy pol;
    struct bol_inspect_facts f;
    struct bol_inspect_report rep;
    struct facts_store fs;
    struct bol_store_config c;
    struct bol_store *s = NULL;
    struct bol_verify_report vr;
    struct bol_diag d;
    json_t *prev = NULL;
    uint64_t seq = 0;
    int64_t now;
    int r, rc = CLI_EXIT_FAIL;

    (void) ctx;
    r = parse(argc, argv, &o);
    if (r != 0)
        return r < 0 ? CLI_EXIT_OK : r;
    if (o.sched)
        return schedule(&o);
    memset(&f, 0, sizeof(f));
    memset(&fs, 0, sizeof(fs));
    memset(&rep, 0, sizeof(rep));
    now = bol_time_now_us();
    fs.host = bol_malloc(sizeof(*fs.host));
    if (!fs.host) {
        bol_log_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    if (load_policy(o.data, &pol, &f, webhook_secret, sizeof(webhook_secret)) < 0 ||
        load_host(o.host_facts, fs.host) < 0 || service_uid(o.owner, o.data, &f.service_uid) < 0)
        goto out;
    f.host = fs.host;
    memset(&c, 0, sizeof(c));
    c.data_dir = o.data;
    c.read_only = o.no_record;
    bol_diag_init(&d);
    if ((r = bol_store_open(&c, &s, &d)) < 0) {
        cli_diag_error("cannot open the store", r, &d);
        goto out;
    }
    gather_tls(o.data, &f);
    for (f.nendpoints = 0; f.nendpoints < o.nendpoints; f.nendpoints++)
        if (probe_endpoint(o.endpoint[f.nendpoints], &f.endpoints[f.nendpoints]) < 0) {
            rc = CLI_EXIT_USAGE;
            goto out;
        }
    if (fp_file(&f, o.data, "journal.pub") < 0)
        goto out;
    fp_units(&f);
    bol_diag_init(&d);
    if ((r = load_accounts(s, &fs, &f, &d)) < 0 || (r = load_keys(s, &fs, &f, now, &d)) < 0 ||
        (r = load_alerts(s, &fs, &f, &d)) < 0 ||
        (r = bol_store_size(s, &f.rec.journal_size, &d)) < 0) {
        cli_diag_error("cannot read the store", r, &d);
        goto out;
    }
    gather_files(&fs, o.data, o.replica, webhook_secret);
    f.files = fs.files;
    f.nfiles = fs.nfiles;
    if (o.replica && gather_replica(o.replica, &f) < 0)
        goto out;
    bol_diag_init(&d);
    memset(&vr, 0, sizeof(vr));
    r = bol_store_verify(s, NULL, 0, &vr, &d);
    f.verify_ok = r == 0;
    if (r < 0)
        snprintf(f.verify_what, sizeof(f.verify_what), "%s",
                 vr.what[0] ? vr.what
                 : d.msg[0] ? d.msg
                            : bol_strerror(r));
    bol_diag_init(&d);
    r = bol_query_inspect_last(s, &prev, &d);
    if (r < 0 && r != BOL_E_NOTFOUND) {
        cli_diag_error("cannot read the previous run", r, &d);
        goto out;
    }
    bol_diag_init(&d);
    if ((r = bol_inspect_run(&f, &pol, prev, now, &rep, &d)) < 0) {
        cli_diag_error("inspect", r, &d);
        goto out;
    }
    if (!o.no_record) {
        bol_diag_init(&d);
        if ((r = record(s, &rep, &seq, &d)) < 0) {
            cli_diag_error("cannot journal the run", r, &d);
            goto out;
        }
    }
    if (o.html && html_report(o.html, o.data, &rep) < 0)
        goto out;
    if (o.json ? print_json(o.data, &rep, seq) < 0 : (print_summary(o.data, &rep, seq), false))
        goto out;
    rc = bol_inspect_worst(&rep) >= (int) o.fail_on ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
    bol_inspect_report_release(&rep);
    json_decref(prev);
    bol_store_close(s);
    bol_free(fs.acc);
    bol_free(fs.keys);
    bol_free(fs.open_alerts);
    bol_free(fs.host);
    return rc;
}
