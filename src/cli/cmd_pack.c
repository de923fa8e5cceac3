/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_pack.c - bollard pack verify|write|keygen: the manual operations pack
 */
#include "compat.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "errors.h"
#include "log.h"
#include "mem.h"
#include "note.h"
#include "pack.h"
#include "query.h"
#include "store.h"
#include "utctime.h"

#define KEY_TEXT_MAX 4096

const char *const cmd_pack_verify_usage[] = {
    "usage: bollard pack verify DIR --key PUBKEY",
    "",
    "Check a manual operations pack: the MANIFEST's signature with PUBKEY, the",
    "size and SHA-256 of every file it lists, that none is missing and that the",
    "directory holds nothing else.  Exit 0 with one summary line when intact;",
    "exit 1 naming the first bad file when not.",
    "",
    "    --key PUBKEY   the replica's public key: the key text",
    "                   (NAME+KEYID+BASE64) or a file holding it",
    NULL,
};

const char *const cmd_pack_write_usage[] = {
    "usage: bollard pack write --data DIR --out OUT --key KEYFILE",
    "",
    "Write a manual operations pack of the current state of a data directory",
    "(opened read-only, read in one snapshot) into OUT, which must not exist:",
    "inventory, open work, vessel visits and bay plans, holds as CSV files and",
    "one printable index.html, with a MANIFEST signed by the key in KEYFILE.",
    "",
    "    --data DIR      the data directory",
    "    --out OUT       the pack directory to create",
    "    --key KEYFILE   the signing key (as 'bollard pack keygen' writes it);",
    "                   the file must not be readable by group or others",
    NULL,
};

const char *const cmd_pack_keygen_usage[] = {
    "usage: bollard pack keygen --out KEYFILE --name NAME",
    "",
    "Create a new Ed25519 signing key for operations packs in KEYFILE (mode",
    "0600, must not exist) and print its public key, the PUBKEY that",
    "'bollard pack verify' takes.",
    "",
    "    --out KEYFILE   the key file to create",
    "    --name NAME     the key's name (printable ASCII, no spaces or '+')",
    NULL,
};

/* A signing key file: a regular file nobody else may read. */
static int load_signer(const char *path, struct bol_signer *out)
{
    struct bol_buf b = BOL_BUF_INIT(KEY_TEXT_MAX);
    struct bol_diag d;
    struct stat st;
    char chunk[512];
    ssize_t n;
    int fd, r = 0;

    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        bol_log_error("cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        bol_log_error("'%s' is not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        bol_log_error("'%s' is readable or writable by others (mode %04o): chmod 600 it", path,
                      (unsigned) (st.st_mode & 07777));
        close(fd);
        return -1;
    }
    while (r == 0 && (n = read(fd, chunk, sizeof(chunk))) > 0)
        r = bol_buf_add(&b, chunk, (size_t) n);
    close(fd);
    bol_wipe(chunk, sizeof(chunk));
    bol_diag_init(&d);
    if (r == 0)
        r = bol_signer_decode(bol_buf_str(&b), out, &d);
    bol_buf_release_wipe(&b);
    if (r < 0) {
        bol_log_error("'%s' is not a signing key: %s", path, d.msg[0] ? d.msg : bol_strerror(r));
        return -1;
    }
    return 0;
}

int cmd_pack_verify(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "key", required_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *key = NULL;
    struct bol_pack_info info;
    struct bol_verifier pub;
    struct bol_diag d;
    char when[BOL_TIME_TEXT_MAX];
    int ch, r;

    (void) ctx;
    /* DIR may come before or after --key. */
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'k':
            key = optarg;
            break;
        case 'h':
            return cli_usage(cmd_pack_verify_usage, false);
        default:
            return cli_usage(cmd_pack_verify_usage, true);
        }
    }
    if (!key || optind != argc - 1)
        return cli_usage(cmd_pack_verify_usage, true);
    if (cli_load_verifier(key, &pub) < 0)
        return CLI_EXIT_FAIL;
    bol_diag_init(&d);
    r = bol_pack_verify(argv[optind], &pub, &info, &d);
    if (r == BOL_E_CORRUPT) {
        printf("pack damaged: ");
        cli_put_escaped(stdout, d.msg, strlen(d.msg));
        printf("\nfirst bad file: ");
        cli_put_escaped(stdout, d.field, strlen(d.field));
        printf("\n");
        return CLI_EXIT_FAIL;
    }
    if (r < 0) {
        cli_diag_error("cannot verify the pack", r, &d);
        return CLI_EXIT_FAIL;
    }
    if (!bol_time_format(info.generated_at_us, 0, 0, when))
        snprintf(when, sizeof(when), "?");
    printf("pack intact: origin %s, position %" PRIu64 ", generated %s, %u files (%" PRIu64
           " bytes), signed by %s\n",
           info.origin, info.seq, when, info.files, info.bytes, pub.name);
    return CLI_EXIT_OK;
}

int cmd_pack_write(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "out", required_argument, NULL, 'o' },
        { "key", required_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct bol_store_config c = { .read_only = true };
    const char *out = NULL, *keyfile = NULL;
    struct bol_store *s = NULL;
    struct bol_pack_stats st;
    struct bol_signer key;
    struct bol_diag d;
    uint64_t seq = 0;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            c.data_dir = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'k':
            keyfile = optarg;
            break;
        case 'h':
            return cli_usage(cmd_pack_write_usage, false);
        default:
            return cli_usage(cmd_pack_write_usage, true);
        }
    }
    if (!c.data_dir || !out || !keyfile || optind != argc)
        return cli_usage(cmd_pack_write_usage, true);
    if (load_signer(keyfile, &key) < 0)
        return CLI_EXIT_FAIL;
    bol_diag_init(&d);
    r = bol_store_open(&c, &s, &d);
    if (r < 0) {
        bol_signer_wipe(&key);
        cli_diag_error("cannot open the store", r, &d);
        return CLI_EXIT_FAIL;
    }
    r = bol_query_snapshot_begin(s, &d);
    if (r == 0) {
        r = bol_store_size(s, &seq, &d);
        if (r == 0)
            r = bol_pack_write(s, out, &key, bol_store_origin(s), seq, bol_time_now_us(), &st, &d);
        bol_query_snapshot_end(s);
    }
    bol_signer_wipe(&key);
    bol_store_close(s);
    if (r < 0) {
        cli_diag_error("cannot write the pack", r, &d);
        return CLI_EXIT_FAIL;
    }
    printf("wrote %s: position %" PRIu64 ", %" PRIu64 " boxes, %" PRIu64
           " open work instructions, %" PRIu64 " visits (%" PRIu64 " boxes on board), %" PRIu64
           " holds; %" PRIu64 " files, %" PRIu64 " bytes\n",
           out, seq, st.boxes, st.work, st.visits, st.on_board, st.holds, st.files, st.bytes);
    return CLI_EXIT_OK;
}

int cmd_pack_keygen(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },
        { "name", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct bol_buf text = BOL_BUF_INIT(KEY_TEXT_MAX), pub = BOL_BUF_INIT(KEY_TEXT_MAX);
    const char *out = NULL, *name = NULL;
    struct bol_signer key;
    struct bol_diag d;
    int ch, fd, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            out = optarg;
            break;
        case 'n':
            name = optarg;
            break;
        case 'h':
            return cli_usage(cmd_pack_keygen_usage, false);
        default:
            return cli_usage(cmd_pack_keygen_usage, true);
        }
    }
    if (!out || !name || optind != argc)
        return cli_usage(cmd_pack_keygen_usage, true);
    bol_diag_init(&d);
    r = bol_signer_generate(name, &key, &d);
    if (r < 0) {
        cli_diag_error("cannot make a key", r, &d);
        return r == BOL_E_INVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    r = bol_signer_encode(&key, &text);
    if (r == 0)
        r = bol_buf_addch(&text, '\n');
    if (r == 0)
        r = bol_verifier_encode(&key.v, &pub);
    bol_signer_wipe(&key);
    if (r < 0) {
        bol_log_error("out of memory");
        bol_buf_release_wipe(&text);
        bol_buf_release(&pub);
        return CLI_EXIT_FAIL;
    }
    fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        bol_log_error("cannot create '%s': %s", out, strerror(errno));
        r = -1;
    } else {
        ssize_t w = write(fd, text.buf, text.len);

        if (w != (ssize_t) text.len || fsync(fd) != 0) {
            bol_log_error("cannot write '%s': %s", out, strerror(errno));
            r = -1;
        }
        if (close(fd) != 0 && r == 0) {
            bol_log_error("cannot write '%s': %s", out, strerror(errno));
            r = -1;
        }
        if (r < 0)
            (void) unlink(out);
    }
    bol_buf_release_wipe(&text);
    if (r == 0)
        printf("%s\n", pub.buf);
    bol_buf_release(&pub);
    return r == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
