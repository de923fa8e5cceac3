/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_container.c - bollard container ...
 */
#include "compat.h"

#include <getopt.h>

#include "cli.h"
#include "container_id.h"
#include "errors.h"
#include "log.h"

/* Longest stdin line considered; longer lines are reported, not split. */
#define LINE_MAX_BYTES 256

const char *const cmd_container_validate_usage[] = {
    "usage: bollard container validate ID...",
    "       bollard container validate -",
    "",
    "Check ISO 6346 container numbers: owner code, equipment category (U, J, Z),",
    "serial number and check digit.  Case and embedded spaces are normalised",
    "(\"mwcu 5602541\" is MWCU5602541).  Prints one line per number:",
    "    <ID> ok",
    "    <ID> invalid: <why>",
    "With -, numbers are read from standard input, one per line (blank lines",
    "are skipped).  Exit status: 0 when every number is valid, 1 otherwise,",
    "2 on a usage error.",
    NULL,
};

/* Validate one number and print its line; returns true when valid. */
static bool validate_one(const char *s, size_t n)
{
    struct bol_str in = bol_str_trim(bol_str_make(s, n));
    struct bol_container_id id;
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = bol_container_id_normalize(in, &id, &d);
    if (r == 0) {
        r = bol_container_id_verify(&id, &d);
        fputs(id.s, stdout);
    } else {
        cli_put_escaped(stdout, in.p, in.len);
    }
    if (r == 0) {
        fputs(" ok\n", stdout);
        return true;
    }
    printf(" invalid: %s\n", d.msg);
    return false;
}

static int validate_stdin(bool *all_ok)
{
    char line[LINE_MAX_BYTES + 2];
    unsigned long lineno = 0;

    while (fgets(line, sizeof(line), stdin)) {
        size_t n = strlen(line);

        lineno++;
        if (n && line[n - 1] == '\n') {
            line[--n] = '\0';
        } else if (!feof(stdin)) {
            int c;

            /* Over-long line: report it and skip to its end. */
            while ((c = getchar()) != EOF && c != '\n')
                ;
            printf("(line %lu) invalid: line longer than %d bytes\n", lineno, LINE_MAX_BYTES);
            *all_ok = false;
            continue;
        }
        if (!bol_str_trim(bol_str_make(line, n)).len)
            continue;
        if (!validate_one(line, n))
            *all_ok = false;
    }
    if (ferror(stdin)) {
        bol_log_error("cannot read standard input: %s", strerror(errno));
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

int cmd_container_validate(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool all_ok = true;
    int c, i;

    (void) ctx;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            return cli_usage(cmd_container_validate_usage, false);
        default:
            return cli_usage(cmd_container_validate_usage, true);
        }
    }
    if (optind >= argc)
        return cli_usage(cmd_container_validate_usage, true);
    for (i = optind; i < argc; i++) {
        if (!strcmp(argv[i], "-")) {
            int r = validate_stdin(&all_ok);

            if (r)
                return r;
        } else if (!validate_one(argv[i], strlen(argv[i]))) {
            all_ok = false;
        }
    }
    return all_ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
