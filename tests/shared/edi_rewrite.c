/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_rewrite.c - every BAPLIE in SHARED_DIR/edi/BAPLIE written again by
 * bollard as SMDG 2.2, for the interoperability check (t-edi-interop.sh)
 *
 * Usage: edi_rewrite SHARED_DIR OUTDIR.  For each bay plan that reads whole
 * it writes OUTDIR/<name> and prints "<name> <slots> <boxes> <reefers>
 * <dg lines>", the counts a third-party parser must find in the output.
 */
#include "compat.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "baplie.h"
#include "buf.h"
#include "errors.h"
#include "sharedfile.h"

int main(int argc, char **argv)
{
    const struct bol_baplie_envelope env = { "BOLLARD", "PARTNER", "RW1", 1795248000000000LL };
    char dir[4096];
    struct dirent *e;
    DIR *d;
    int status = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: edi_rewrite SHARED_DIR OUTDIR\n");
        return 2;
    }
    snprintf(dir, sizeof(dir), "%s/edi/BAPLIE", argv[1]);
    d = opendir(dir);
    if (!d) {
        printf("SKIP: %s not found\n", dir);
        return 77;
    }
    while ((e = readdir(d)) != NULL) {
        struct bol_buf in = BOL_BUF_INIT((size_t) 64 << 20), out = BOL_BUF_INIT((size_t) 64 << 20);
        struct bol_baplie_set s;
        char path[8192];
        FILE *f;

        if (!strstr(e->d_name, ".edi") || strstr(e->d_name, "malformed"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (shared_read_file(path, &in) < 0 || bol_baplie_read(in.buf, in.len, NULL, &s) < 0 ||
            s.nplans != 1 || s.ic.msgs[0].failed || bol_baplie_write(&s.plans[0], &env, &out) < 0) {
            fprintf(stderr, "edi_rewrite: %s does not read or write whole\n", e->d_name);
            status = 1;
        } else {
            snprintf(path, sizeof(path), "%s/%s", argv[2], e->d_name);
            f = fopen(path, "wb");
            if (!f || fwrite(out.buf, 1, out.len, f) != out.len || fclose(f) != 0) {
                fprintf(stderr, "edi_rewrite: cannot write %s\n", path);
                status = 1;
            } else {
                printf("%s %zu %u %u %u\n", e->d_name, s.plans[0].nslots, s.plans[0].containers,
                       s.plans[0].reefers, s.plans[0].dg_lines);
            }
        }
        bol_baplie_set_release(&s);
        bol_buf_release(&in);
        bol_buf_release(&out);
    }
    closedir(d);
    return status;
}
