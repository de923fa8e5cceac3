/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h - the bollard command line: command table and shared helpers
 *
 * Each subcommand is int cmd_<name>(int argc, char **argv, struct cli_ctx *ctx)
 * in cmd_<area>.c, registered in commands[] (main.c) and documented in
 * docs/cli/<name>.md, whose Synopsis block must equal the command's -h output
 * (tests/cli checks it).  argv[0] is the command name ("container validate").
 * A command returns its exit status: 0 success, 1 failure, 2 usage error.
 */
#pragma once

#include "compat.h"

#include <jansson.h>
#include <stdio.h>

struct bol_diag;
struct bol_verifier;

#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1
#define CLI_EXIT_USAGE 2

struct cli_ctx {
    const char *progname;
};

typedef int (*cli_cmd_fn)(int argc, char **argv, struct cli_ctx *ctx);

/*
 * Print a usage array (NULL-terminated lines) to stdout for -h, or to stderr
 * after an error.  Returns the exit status to use (0 or CLI_EXIT_USAGE).
 */
int cli_usage(const char *const *usage, bool error);

/*
 * Handle a lone -h / --help anywhere before "--": print the usage and return
 * true (the command then returns 0).
 */
bool cli_wants_help(int argc, char **argv);

/* Read a whole file of at most max bytes, NUL-terminated (bol_free it); -1 after
 * logging why. */
int cli_read_file(const char *path, size_t max, char **ret, size_t *len);

/* Open DIR's store (read-only or not); a negative code after logging why. */
struct bol_store;
int cli_open_store(const char *dir, bool read_only, struct bol_store **ret);

/*
 * As root, hand directory dir to the service account user before dropping to
 * it (sandbox.h): dir and what is in it, and with tree everything below it
 * too (symbolic links themselves, never what they point to).  Nothing to do
 * when not root.  0, or BOL_E_NOTFOUND (no such user: scripts/install-deps
 * creates it) or BOL_E_IO, with the reason in d.
 */
int cli_give_dir(const char *dir, const char *user, bool tree, struct bol_diag *d);

/* Log "what: why" once: the diag's message, else the code's text. */
void cli_diag_error(const char *what, int r, const struct bol_diag *d);

/*
 * A public key given as its text (NAME+KEYID+BASE64) or as a file holding
 * it.  0, or -1 after logging why.
 */
int cli_load_verifier(const char *arg, struct bol_verifier *out);

/*
 * Run a command through the command service as the local operator
 * ("local:LOGIN", address "local"); x (or NULL) carries secrets written in
 * the same transaction.  0, or CLI_EXIT_FAIL after logging why.
 */
struct bol_secrets;
int cli_run_local(const char *data, json_t *cmd, struct bol_secrets *x);

/*
 * DATA/security.json read and checked (defaults when absent), zone names
 * looked up in /usr/share/zoneinfo.  *root keeps the parsed file (the
 * inspect and incident sections point into it): json_decref it.  0, or -1
 * after logging why (file, field, reason).
 */
struct bol_security_policy;
int cli_load_policy(const char *data, struct bol_security_policy *p, json_t **root);

/*
 * The webhook's signing secret named by the policy (relative to data, or
 * absolute), into key (*len bytes; 0 without a webhook).  0, or -1 after
 * logging why: missing, readable by others, or not 32..256 bytes.
 */
struct bol_alert_policy;
int cli_load_webhook_key(const char *data, const struct bol_alert_policy *p, uint8_t key[256],
                         size_t *len);

/* Write s to out with bytes outside printable ASCII shown as \xNN. */
void cli_put_escaped(FILE *out, const char *s, size_t n);

int cmd_access_grant(int argc, char **argv, struct cli_ctx *ctx);
int cmd_alert_ack(int argc, char **argv, struct cli_ctx *ctx);
int cmd_alert_list(int argc, char **argv, struct cli_ctx *ctx);
int cmd_booking_list(int argc, char **argv, struct cli_ctx *ctx);
int cmd_alert_scan(int argc, char **argv, struct cli_ctx *ctx);
int cmd_canary_create(int argc, char **argv, struct cli_ctx *ctx);
int cmd_canary_list(int argc, char **argv, struct cli_ctx *ctx);
int cmd_access_list(int argc, char **argv, struct cli_ctx *ctx);
int cmd_access_revoke(int argc, char **argv, struct cli_ctx *ctx);
int cmd_key_create(int argc, char **argv, struct cli_ctx *ctx);
int cmd_key_list(int argc, char **argv, struct cli_ctx *ctx);
int cmd_key_revoke(int argc, char **argv, struct cli_ctx *ctx);
int cmd_key_rotate(int argc, char **argv, struct cli_ctx *ctx);
int cmd_serve(int argc, char **argv, struct cli_ctx *ctx);
int cmd_user_add(int argc, char **argv, struct cli_ctx *ctx);
int cmd_user_list(int argc, char **argv, struct cli_ctx *ctx);
int cmd_user_lock(int argc, char **argv, struct cli_ctx *ctx);
int cmd_user_reset_mfa(int argc, char **argv, struct cli_ctx *ctx);
int cmd_user_unlock(int argc, char **argv, struct cli_ctx *ctx);
int cmd_audit(int argc, char **argv, struct cli_ctx *ctx);
int cmd_batch(int argc, char **argv, struct cli_ctx *ctx);
int cmd_container_show(int argc, char **argv, struct cli_ctx *ctx);
int cmd_container_validate(int argc, char **argv, struct cli_ctx *ctx);
int cmd_demo_data(int argc, char **argv, struct cli_ctx *ctx);
int cmd_edi_inspect(int argc, char **argv, struct cli_ctx *ctx);
int cmd_edi_import(int argc, char **argv, struct cli_ctx *ctx);
int cmd_edi_export(int argc, char **argv, struct cli_ctx *ctx);
int cmd_order_list(int argc, char **argv, struct cli_ctx *ctx);
int cmd_order_stowage(int argc, char **argv, struct cli_ctx *ctx);
int cmd_incident_close(int argc, char **argv, struct cli_ctx *ctx);
int cmd_incident_freeze(int argc, char **argv, struct cli_ctx *ctx);
int cmd_incident_note(int argc, char **argv, struct cli_ctx *ctx);
int cmd_incident_open(int argc, char **argv, struct cli_ctx *ctx);
int cmd_incident_report(int argc, char **argv, struct cli_ctx *ctx);
int cmd_incident_verify(int argc, char **argv, struct cli_ctx *ctx);
int cmd_init(int argc, char **argv, struct cli_ctx *ctx);
int cmd_inspect(int argc, char **argv, struct cli_ctx *ctx);
int cmd_yard_digout(int argc, char **argv, struct cli_ctx *ctx);
int cmd_yard_suggest(int argc, char **argv, struct cli_ctx *ctx);
int cmd_yard_premarshal(int argc, char **argv, struct cli_ctx *ctx);
int cmd_plan_brp(int argc, char **argv, struct cli_ctx *ctx);
int cmd_plan_cpmp(int argc, char **argv, struct cli_ctx *ctx);
int cmd_journal_replay(int argc, char **argv, struct cli_ctx *ctx);
int cmd_journal_rotate_key(int argc, char **argv, struct cli_ctx *ctx);
int cmd_journal_show(int argc, char **argv, struct cli_ctx *ctx);
int cmd_journal_verify(int argc, char **argv, struct cli_ctx *ctx);
int cmd_pack_keygen(int argc, char **argv, struct cli_ctx *ctx);
int cmd_pack_verify(int argc, char **argv, struct cli_ctx *ctx);
int cmd_pack_write(int argc, char **argv, struct cli_ctx *ctx);
int cmd_report(int argc, char **argv, struct cli_ctx *ctx);
int cmd_sizetype(int argc, char **argv, struct cli_ctx *ctx);
int cmd_yard_show(int argc, char **argv, struct cli_ctx *ctx);
int cmd_replica_init(int argc, char **argv, struct cli_ctx *ctx);
int cmd_replica_run(int argc, char **argv, struct cli_ctx *ctx);
int cmd_replica_status(int argc, char **argv, struct cli_ctx *ctx);
int cmd_replica_approve(int argc, char **argv, struct cli_ctx *ctx);
int cmd_restore(int argc, char **argv, struct cli_ctx *ctx);
int cmd_user_reset_password(int argc, char **argv, struct cli_ctx *ctx);
int cmd_drill(int argc, char **argv, struct cli_ctx *ctx);

extern const char *const cmd_access_grant_usage[];
extern const char *const cmd_alert_ack_usage[];
extern const char *const cmd_alert_list_usage[];
extern const char *const cmd_booking_list_usage[];
extern const char *const cmd_alert_scan_usage[];
extern const char *const cmd_canary_create_usage[];
extern const char *const cmd_canary_list_usage[];
extern const char *const cmd_plan_brp_usage[];
extern const char *const cmd_yard_digout_usage[];
extern const char *const cmd_yard_suggest_usage[];
extern const char *const cmd_yard_premarshal_usage[];
extern const char *const cmd_plan_cpmp_usage[];
extern const char *const cmd_access_list_usage[];
extern const char *const cmd_access_revoke_usage[];
extern const char *const cmd_key_create_usage[];
extern const char *const cmd_key_list_usage[];
extern const char *const cmd_key_revoke_usage[];
extern const char *const cmd_key_rotate_usage[];
extern const char *const cmd_serve_usage[];
extern const char *const cmd_user_add_usage[];
extern const char *const cmd_user_list_usage[];
extern const char *const cmd_user_lock_usage[];
extern const char *const cmd_user_reset_mfa_usage[];
extern const char *const cmd_user_unlock_usage[];
extern const char *const cmd_audit_usage[];
extern const char *const cmd_batch_usage[];
extern const char *const cmd_container_show_usage[];
extern const char *const cmd_container_validate_usage[];
extern const char *const cmd_edi_inspect_usage[];
extern const char *const cmd_edi_import_usage[];
extern const char *const cmd_edi_export_usage[];
extern const char *const cmd_order_list_usage[];
extern const char *const cmd_order_stowage_usage[];
extern const char *const cmd_demo_data_usage[];
extern const char *const cmd_incident_close_usage[];
extern const char *const cmd_incident_freeze_usage[];
extern const char *const cmd_incident_note_usage[];
extern const char *const cmd_incident_open_usage[];
extern const char *const cmd_incident_report_usage[];
extern const char *const cmd_incident_verify_usage[];
extern const char *const cmd_init_usage[];
extern const char *const cmd_inspect_usage[];
extern const char *const cmd_journal_replay_usage[];
extern const char *const cmd_journal_rotate_key_usage[];
extern const char *const cmd_journal_show_usage[];
extern const char *const cmd_journal_verify_usage[];
extern const char *const cmd_pack_keygen_usage[];
extern const char *const cmd_pack_verify_usage[];
extern const char *const cmd_pack_write_usage[];
extern const char *const cmd_report_usage[];
extern const char *const cmd_sizetype_usage[];
extern const char *const cmd_yard_show_usage[];
extern const char *const cmd_replica_init_usage[];
extern const char *const cmd_replica_run_usage[];
extern const char *const cmd_replica_status_usage[];
extern const char *const cmd_replica_approve_usage[];
extern const char *const cmd_restore_usage[];
extern const char *const cmd_drill_usage[];
extern const char *const cmd_user_reset_password_usage[];

/* "local:<login name>": who runs a command on this host, when --actor is not given. */
void cli_default_actor(char *out, size_t n);
