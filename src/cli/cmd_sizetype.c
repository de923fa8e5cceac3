/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_sizetype.c - bollard sizetype
 */
#include "compat.h"

#include <getopt.h>
#include <jansson.h>

#include "cli.h"
#include "errors.h"
#include "log.h"
#include "mem.h"
#include "sizetype.h"

const char *const cmd_sizetype_usage[] = {
    "usage: bollard sizetype [--json] CODE...",
    "",
    "Decode ISO 6346 size-type codes: length, height, width, type and TEU.",
    "Pre-1996 numeric codes (2200, 4310, 4532 ...) are mapped to the current",
    "code, which is shown with the code it came from.",
    "",
    "    --json    one JSON object per code, one per line",
    "",
    "Exit status: 0 when every code is known, 1 otherwise, 2 on a usage error.",
    NULL,
};

static void teu_text(uint16_t teu_x100, char out[16])
{
    if (teu_x100 % 100 == 0)
        snprintf(out, 16, "%u", teu_x100 / 100u);
    else if (teu_x100 % 10 == 0)
        snprintf(out, 16, "%u.%u", teu_x100 / 100u, teu_x100 / 10u % 10u);
    else
        snprintf(out, 16, "%u.%02u", teu_x100 / 100u, teu_x100 % 100u);
}

static void print_text(const struct bol_sizetype *st)
{
    char teu[16];

    teu_text(st->teu_x100, teu);
    printf("code:    %s", st->code);
    if (st->legacy[0])
        printf(" (from pre-1996 code %s%s)", st->legacy,
               (st->flags & BOL_ST_GOOSENECK) ? ", gooseneck tunnel" : "");
    printf("\n");
    printf("length:  %s (%u mm)\n", st->length_text, st->length_mm);
    printf("height:  %s (%u mm)%s\n", st->height_text, st->height_mm,
           (st->flags & BOL_ST_HIGH_CUBE) ? ", high cube" : "");
    printf("width:   %s\n", st->width_text);
    printf("type:    %c%c %s (%s)%s\n", st->group, st->detail, st->group_text, st->group_code,
           (st->flags & BOL_ST_REDUCED_STRENGTH) ? ", reduced strength" : "");
    printf("detail:  %s\n", st->detail_text);
    printf("teu:     %s\n", teu);
}

/* Print one JSON object on a line and release it. */
static int put_json_line(json_t *o)
{
    char *s;

    if (!o)
        return BOL_E_INVAL;
    s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s)
        return BOL_E_NOMEM;
    puts(s);
    bol_free(s);
    return 0;
}

static int print_json(const struct bol_sizetype *st)
{
    char teu[16];
    json_t *o;

    teu_text(st->teu_x100, teu);
    o = json_pack("{s:s, s:s?, s:i, s:s, s:i, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:b, "
                  "s:b, s:b}",
                  "code", st->code, "legacy", st->legacy[0] ? st->legacy : NULL, "length_mm",
                  (json_int_t) st->length_mm, "length", st->length_text, "height_mm",
                  (json_int_t) st->height_mm, "height", st->height_text, "high_cube",
                  (st->flags & BOL_ST_HIGH_CUBE) != 0, "width", st->width_text, "teu", teu, "type",
                  (char[3]){ st->group, st->detail, 0 }, "group_code", st->group_code, "group",
                  st->group_text, "detail", st->detail_text, "reefer",
                  (st->flags & BOL_ST_REEFER) != 0, "tank", (st->flags & BOL_ST_TANK) != 0,
                  "reduced_strength", (st->flags & BOL_ST_REDUCED_STRENGTH) != 0);
    return put_json_line(o);
}

static int print_error_json(const char *input, const struct bol_diag *d)
{
    return put_json_line(json_pack("{s:s%, s:s, s:s}", "input", input, strlen(input), "error",
                                   d->msg, "field", d->field));
}

int cmd_sizetype(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    bool all_ok = true;
    int c, i;

    (void) ctx;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            json = true;
            break;
        case 'h':
            return cli_usage(cmd_sizetype_usage, false);
        default:
            return cli_usage(cmd_sizetype_usage, true);
        }
    }
    if (optind >= argc)
        return cli_usage(cmd_sizetype_usage, true);
    for (i = optind; i < argc; i++) {
        struct bol_sizetype st;
        struct bol_diag d;
        int r;

        bol_diag_init(&d);
        r = bol_sizetype_parse(bol_str_from(argv[i]), &st, &d);
        if (r < 0) {
            all_ok = false;
            if (json) {
                if (print_error_json(argv[i], &d) < 0) {
                    /* Not valid UTF-8: nothing JSON can carry; say so on stderr. */
                    bol_log_error("size-type code is not valid text");
                }
            } else {
                cli_put_escaped(stdout, argv[i], strlen(argv[i]));
                printf(" invalid: %s\n", d.msg);
            }
            continue;
        }
        if (json) {
            r = print_json(&st);
            if (r < 0) {
                bol_log_error("cannot format JSON: %s", bol_strerror(r));
                return CLI_EXIT_FAIL;
            }
        } else {
            if (i > optind)
                printf("\n");
            print_text(&st);
        }
    }
    return all_ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
