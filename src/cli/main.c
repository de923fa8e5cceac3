/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c - the bollard executable: git-style subcommands
 *
 * Commands are rows of commands[]: a name of one or more words, the function,
 * its usage text and a one-line summary for "bollard help".  The longest name
 * that matches the leading arguments wins, so "container validate" is found
 * from "bollard container validate ID".
 */
#include "compat.h"

#include <jansson.h>
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "sandbox.h"
#include "errors.h"
#include "note.h"
#include "store.h"
#include "log.h"
#include "mem.h"
#include "bol_version.h"

struct cli_command {
    const char *name;
    cli_cmd_fn fn;
    const char *const *usage;
    const char *summary;
};

static int cmd_help(int argc, char **argv, struct cli_ctx *ctx);
static int cmd_version(int argc, char **argv, struct cli_ctx *ctx);

static const char *const cmd_help_usage[] = {
    "usage: bollard help [COMMAND...]",
    "",
    "List the commands, or show the usage of one.",
    NULL,
};

static const char *const cmd_version_usage[] = {
    "usage: bollard version",
    "",
    "Print the version of bollard.",
    NULL,
};

static const struct cli_command commands[] = {
    { "access grant", cmd_access_grant, cmd_access_grant_usage, "open a maintenance window" },
    { "access list", cmd_access_list, cmd_access_list_usage, "list maintenance windows" },
    { "access revoke", cmd_access_revoke, cmd_access_revoke_usage, "close a maintenance window" },
    { "alert ack", cmd_alert_ack, cmd_alert_ack_usage, "acknowledge an alert with a note" },
    { "alert list", cmd_alert_list, cmd_alert_list_usage, "list the alerts detection raised" },
    { "alert scan", cmd_alert_scan, cmd_alert_scan_usage,
      "run the detection rules over the journal without raising" },
    { "audit", cmd_audit, cmd_audit_usage, "search and export the audit trail; forward to syslog" },
    { "batch", cmd_batch, cmd_batch_usage, "apply a file of operations, line by line" },
    { "booking list", cmd_booking_list, cmd_booking_list_usage,
      "list the release orders lines sent for their bookings" },
    { "canary create", cmd_canary_create, cmd_canary_create_usage,
      "create a decoy container, account or API key" },
    { "canary list", cmd_canary_list, cmd_canary_list_usage, "list the decoys" },
    { "container show", cmd_container_show, cmd_container_show_usage,
      "show a container: place, holds, work and history" },
    { "container validate", cmd_container_validate, cmd_container_validate_usage,
      "check ISO 6346 container numbers" },
    { "demo-data", cmd_demo_data, cmd_demo_data_usage,
      "build a demo terminal and a day of its traffic" },
    { "drill", cmd_drill, cmd_drill_usage,
      "restore drill: rebuild from the replica, verify, compare with the primary" },
    { "edi export", cmd_edi_export, cmd_edi_export_usage,
      "write bay plans (BAPLIE), move and gate reports (COARRI, CODECO), orders" },
    { "edi import", cmd_edi_import, cmd_edi_import_usage,
      "import EDIFACT messages, each all or nothing" },
    { "edi inspect", cmd_edi_inspect, cmd_edi_inspect_usage,
      "show what an EDIFACT interchange holds, with every warning" },
    { "help", cmd_help, cmd_help_usage, "list commands or show one command's usage" },
    { "incident close", cmd_incident_close, cmd_incident_close_usage,
      "close an incident with a summary" },
    { "incident freeze", cmd_incident_freeze, cmd_incident_freeze_usage,
      "preserve an incident's evidence under a signed manifest" },
    { "incident note", cmd_incident_note, cmd_incident_note_usage,
      "journal a note on an incident (a checklist row, indicators)" },
    { "incident open", cmd_incident_open, cmd_incident_open_usage,
      "open an incident: who, when, linked alerts" },
    { "incident report", cmd_incident_report, cmd_incident_report_usage,
      "information-sharing and public-disclosure reports, STIX 2.1 bundle" },
    { "incident verify", cmd_incident_verify, cmd_incident_verify_usage,
      "check preserved evidence against its signed manifest" },
    { "init", cmd_init, cmd_init_usage, "create a data directory with a new journal" },
    { "inspect", cmd_inspect, cmd_inspect_usage,
      "the monthly self-inspection: misconfigurations, profile, what changed" },
    { "key create", cmd_key_create, cmd_key_create_usage, "create an API key (shown once)" },
    { "key list", cmd_key_list, cmd_key_list_usage, "list API keys" },
    { "key revoke", cmd_key_revoke, cmd_key_revoke_usage, "revoke an API key" },
    { "key rotate", cmd_key_rotate, cmd_key_rotate_usage, "replace an API key with overlap" },
    { "journal replay", cmd_journal_replay, cmd_journal_replay_usage,
      "rebuild state from the journal and compare" },
    { "journal rotate-key", cmd_journal_rotate_key, cmd_journal_rotate_key_usage,
      "start a new journal epoch with a new signing key" },
    { "journal show", cmd_journal_show, cmd_journal_show_usage, "print journal entries" },
    { "journal verify", cmd_journal_verify, cmd_journal_verify_usage,
      "check the journal's hashes and signed checkpoints" },
    { "order list", cmd_order_list, cmd_order_list_usage,
      "show a visit's load and discharge lists (COPRAR orders)" },
    { "order stowage", cmd_order_stowage, cmd_order_stowage_usage,
      "show a visit's stowage instructions (MOVINS)" },
    { "pack keygen", cmd_pack_keygen, cmd_pack_keygen_usage,
      "create a signing key for operations packs" },
    { "pack verify", cmd_pack_verify, cmd_pack_verify_usage,
      "check an operations pack's signature and every file in it" },
    { "pack write", cmd_pack_write, cmd_pack_write_usage,
      "write a printable operations pack of a data directory's state" },
    { "plan brp", cmd_plan_brp, cmd_plan_brp_usage,
      "block relocation: retrieve bays with the fewest rehandles (benchmark files)" },
    { "plan cpmp", cmd_plan_cpmp, cmd_plan_cpmp_usage,
      "pre-marshalling: sort bays with the fewest moves (benchmark files)" },
    { "replica approve", cmd_replica_approve, cmd_replica_approve_usage,
      "accept a new journal epoch (a restored primary's key)" },
    { "replica init", cmd_replica_init, cmd_replica_init_usage,
      "set up a replica on the backup host" },
    { "replica run", cmd_replica_run, cmd_replica_run_usage,
      "pull, verify and keep the primary's journal" },
    { "replica status", cmd_replica_status, cmd_replica_status_usage,
      "what the replica holds: entries, epochs, alerts, snapshots" },
    { "report", cmd_report, cmd_report_usage,
      "inventory, vessel progress, work queues, dwell, reefers, holds" },
    { "restore", cmd_restore, cmd_restore_usage,
      "build a new primary from the replica, every credential rotated" },
    { "serve", cmd_serve, cmd_serve_usage, "serve the HTTPS API" },
    { "sizetype", cmd_sizetype, cmd_sizetype_usage, "decode ISO 6346 size-type codes" },
    { "user add", cmd_user_add, cmd_user_add_usage, "create an account (one-time password)" },
    { "user list", cmd_user_list, cmd_user_list_usage, "list accounts" },
    { "user lock", cmd_user_lock, cmd_user_lock_usage, "lock an account" },
    { "user reset-mfa", cmd_user_reset_mfa, cmd_user_reset_mfa_usage,
      "remove an account's authenticator" },
    { "user reset-password", cmd_user_reset_password, cmd_user_reset_password_usage,
      "give an account a new one-time password" },
    { "user unlock", cmd_user_unlock, cmd_user_unlock_usage, "unlock an account" },
    { "version", cmd_version, cmd_version_usage, "print the version" },
    { "yard digout", cmd_yard_digout, cmd_yard_digout_usage,
      "plan the rehandles that free a yard box (block relocation solver)" },
    { "yard premarshal", cmd_yard_premarshal, cmd_yard_premarshal_usage,
      "plan the moves that put a block's bays in departure order" },
    { "yard show", cmd_yard_show, cmd_yard_show_usage, "show a yard block as stacks" },
    { "yard suggest", cmd_yard_suggest, cmd_yard_suggest_usage,
      "the best yard slots for an arriving box, each choice explained" },
};

static const char *const main_usage[] = {
    "usage: bollard COMMAND [ARGS...]",
    "       bollard help [COMMAND...]",
    "       bollard COMMAND -h",
    NULL,
};

int cli_usage(const char *const *usage, bool error)
{
    FILE *out = error ? stderr : stdout;
    size_t i;

    for (i = 0; usage[i]; i++)
        fprintf(out, "%s\n", usage[i]);
    return error ? CLI_EXIT_USAGE : CLI_EXIT_OK;
}

bool cli_wants_help(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            return false;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return true;
    }
    return false;
}

void cli_diag_error(const char *what, int r, const struct bol_diag *d)
{
    if (d->msg[0])
        bol_log_error("%s: %s", what, d->msg);
    else
        bol_log_error("%s: %s", what, bol_strerror(r));
}

int cli_load_verifier(const char *arg, struct bol_verifier *out)
{
    struct bol_diag d;
    char *text = NULL;
    size_t len = 0;
    int r;

    bol_diag_init(&d);
    if (strchr(arg, '+') && bol_verifier_decode(bol_str_from(arg), out, &d) == 0)
        return 0;
    if (access(arg, F_OK) != 0) {
        bol_log_error("'%s' is neither a public key nor a file: %s", arg,
                      d.msg[0] ? d.msg : strerror(errno));
        return -1;
    }
    if (cli_read_file(arg, 4096, &text, &len) < 0)
        return -1;
    bol_diag_init(&d);
    r = bol_verifier_decode(bol_str_make(text, len), out, &d);
    bol_free(text);
    if (r < 0) {
        bol_log_error("'%s' does not hold a public key: %s", arg,
                      d.msg[0] ? d.msg : bol_strerror(r));
        return -1;
    }
    return 0;
}

int cli_open_store(const char *dir, bool read_only, struct bol_store **ret)
{
    struct bol_store_config c = { .data_dir = dir, .read_only = read_only };
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = bol_store_open(&c, ret, &d);
    if (r < 0)
        cli_diag_error("cannot open the store", r, &d);
    return r;
}

/* Everything in the open directory dfd (closed here) to uid:gid; below it too with tree. */
static int give_entries(int dfd, const char *path, uid_t uid, gid_t gid, bool tree, unsigned depth,
                        struct bol_diag *d)
{
    struct dirent *e;
    DIR *dp = fdopendir(dfd);
    int r = 0;

    if (!dp) {
        close(dfd);
        return bol_diag_fail(d, BOL_E_IO, "data", "cannot read %s", path);
    }
    while (r == 0 && (e = readdir(dp))) {
        struct stat st;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (fchownat(dirfd(dp), e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) != 0 ||
            fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            r = bol_diag_fail(d, BOL_E_IO, "data", "cannot give %s/%s away: %s", path, e->d_name,
                              strerror(errno));
        } else if (tree && S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(dp), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

            if (sub < 0 || depth >= 16)
                r = bol_diag_fail(d, BOL_E_IO, "data", "cannot open %s/%s%s", path, e->d_name,
                                  sub < 0 ? "" : ": nested too deep");
            if (r < 0 && sub >= 0)
                close(sub);
            if (r == 0)
                r = give_entries(sub, e->d_name, uid, gid, true, depth + 1, d);
        }
    }
    closedir(dp);
    return r;
}

int cli_give_dir(const char *dir, const char *user, bool tree, struct bol_diag *d)
{
    struct passwd pw, *res = NULL;
    char buf[4096];
    int fd;

    if (!bol_sandbox_is_root())
        return 0;
    if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || !res)
        return bol_diag_fail(d, BOL_E_NOTFOUND, "user",
                             "no user %s: scripts/install-deps creates it", user);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fchown(fd, pw.pw_uid, pw.pw_gid) != 0) {
        if (fd >= 0)
            close(fd);
        return bol_diag_fail(d, BOL_E_IO, "data", "cannot give %s to %s", dir, user);
    }
    return give_entries(fd, dir, pw.pw_uid, pw.pw_gid, tree, 0, d);
}

int cli_read_file(const char *path, size_t max, char **ret, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t n = 0, cap = 0;

    *ret = NULL;
    if (!f) {
        bol_log_error("%s: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        size_t got;

        if (n == cap) {
            char *q;

            if (cap > max) {
                bol_log_error("%s: larger than %zu bytes", path, max);
                goto fail;
            }
            cap = cap ? cap * 2 : 65536;
            q = bol_realloc(p, cap);
            if (!q) {
                bol_log_error("%s: out of memory", path);
                goto fail;
            }
            p = q;
        }
        got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        bol_log_error("%s: %s", path, strerror(errno));
        goto fail;
    }
    fclose(f);
    /* always room for a terminating NUL (cap > n after the last read) */
    p[n] = '\0';
    *ret = p;
    *len = n;
    return 0;
fail:
    fclose(f);
    bol_free(p);
    return -1;
}

void cli_put_escaped(FILE *out, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c < 0x20 || c > 0x7e)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
}

/* Number of words in a command name. */
static int name_words(const char *name)
{
    int n = 1;

    for (; *name; name++) {
        if (*name == ' ')
            n++;
    }
    return n;
}

/* Does the command name equal argv[0..words-1]? */
static bool name_matches(const char *name, int argc, char **argv, int words)
{
    int i;

    if (argc < words)
        return false;
    for (i = 0; i < words; i++) {
        const char *sp = strchr(name, ' ');
        size_t len = sp ? (size_t) (sp - name) : strlen(name);

        if (strlen(argv[i]) != len || memcmp(argv[i], name, len) != 0)
            return false;
        name += len + (sp ? 1 : 0);
    }
    return true;
}

static const struct cli_command *find_command(int argc, char **argv, int *ret_words)
{
    const struct cli_command *best = NULL;
    int best_words = 0;
    size_t i;

    for (i = 0; i < BOL_ARRAY_SIZE(commands); i++) {
        int w = name_words(commands[i].name);

        if (w > best_words && name_matches(commands[i].name, argc, argv, w)) {
            best = &commands[i];
            best_words = w;
        }
    }
    *ret_words = best_words;
    return best;
}

/* Commands whose first word is argv[0] (for "bollard container" alone). */
static bool list_group(FILE *out, const char *word)
{
    size_t len = strlen(word);
    bool any = false;
    size_t i;

    for (i = 0; i < BOL_ARRAY_SIZE(commands); i++) {
        if (!strncmp(commands[i].name, word, len) && commands[i].name[len] == ' ') {
            fprintf(out, "   %-22s %s\n", commands[i].name, commands[i].summary);
            any = true;
        }
    }
    return any;
}

static void list_commands(FILE *out)
{
    size_t i;

    cli_usage(main_usage, out == stderr);
    fprintf(out, "\nCommands:\n");
    for (i = 0; i < BOL_ARRAY_SIZE(commands); i++)
        fprintf(out, "   %-22s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'bollard COMMAND -h' for the usage of a command.\n");
}

static int cmd_help(int argc, char **argv, struct cli_ctx *ctx)
{
    const struct cli_command *c;
    int words;

    (void) ctx;
    if (cli_wants_help(argc, argv))
        return cli_usage(cmd_help_usage, false);
    if (argc < 2) {
        list_commands(stdout);
        return CLI_EXIT_OK;
    }
    c = find_command(argc - 1, argv + 1, &words);
    if (!c || words != argc - 1) {
        if (argc == 2 && list_group(stdout, argv[1]))
            return CLI_EXIT_OK;
        bol_log_error("'%s' is not a bollard command; see 'bollard help'", argv[1]);
        return CLI_EXIT_USAGE;
    }
    return cli_usage(c->usage, false);
}

static int cmd_version(int argc, char **argv, struct cli_ctx *ctx)
{
    (void) ctx;
    if (cli_wants_help(argc, argv))
        return cli_usage(cmd_version_usage, false);
    if (argc > 1)
        return cli_usage(cmd_version_usage, true);
    printf("bollard %s (commit %s)\n", BOLLARD_VERSION, BOLLARD_COMMIT);
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    struct cli_ctx ctx = { .progname = "bollard" };
    const struct cli_command *c;
    int words;
    int r;

    bol_log_init("bollard", BOL_LOG_INFO, BOL_LOG_TO_STDERR | BOL_LOG_NO_TIME);
    /* Everything bollard creates (databases, keys, reports) is private to its user. */
    umask(077);
    /* jansson allocates through bollard's allocator, so its strings are freed with bol_free. */
    json_set_alloc_funcs(bol_malloc, bol_free);
    if (argc < 2) {
        list_commands(stderr);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        list_commands(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version"))
        return cmd_version(1, argv + 1, &ctx);
    c = find_command(argc - 1, argv + 1, &words);
    if (!c) {
        if (list_group(stderr, argv[1])) {
            fprintf(stderr, "\n'bollard %s' needs a subcommand, one of the above\n", argv[1]);
            return CLI_EXIT_USAGE;
        }
        bol_log_error("'%s' is not a bollard command; see 'bollard help'", argv[1]);
        return CLI_EXIT_USAGE;
    }
    /* The command sees its full name as argv[0]. */
    argv[words] = (char *) c->name;
    r = c->fn(argc - words, argv + words, &ctx);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        bol_log_error("cannot write output: %s", strerror(errno));
        return CLI_EXIT_FAIL;
    }
    return r;
}
