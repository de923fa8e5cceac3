/* SPDX-License-Identifier: Apache-2.0 */
/*
 * standalone_main.c - run a fuzz target over files, without libFuzzer
 *
 * Usage: fuzz_<name> PATH...   Each PATH is a file or a directory of files
 * (not recursive).  Every file is passed to LLVMFuzzerTestOneInput once.
 * Exits 1 when no input was found: a target without a corpus tests nothing.
 */
#include "compat.h"

#include <dirent.h>
#include <sys/stat.h>

#include "buf.h"
#include "fuzz.h"

#define INPUT_MAX (16u << 20)

static int run_file(const char *path)
{
    struct bol_buf b = BOL_BUF_INIT(INPUT_MAX);
    char chunk[65536];
    FILE *f = fopen(path, "rb");
    size_t n;
    int r = 0;

    if (!f) {
        fprintf(stderr, "cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && r == 0)
        r = bol_buf_add(&b, chunk, n);
    fclose(f);
    if (r < 0) {
        fprintf(stderr, "cannot read '%s': larger than %u bytes\n", path, INPUT_MAX);
        bol_buf_release(&b);
        return -1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *) b.buf, b.len);
    bol_buf_release(&b);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long inputs = 0;
    int i;

    for (i = 1; i < argc; i++) {
        struct stat st;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "cannot stat '%s': %s\n", argv[i], strerror(errno));
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;

            if (!d) {
                fprintf(stderr, "cannot open '%s': %s\n", argv[i], strerror(errno));
                return 1;
            }
            while ((e = readdir(d)) != NULL) {
                char path[4096];

                if (e->d_name[0] == '.')
                    continue;
                snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
                if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                    continue;
                if (run_file(path) < 0) {
                    closedir(d);
                    return 1;
                }
                inputs++;
            }
            closedir(d);
        } else {
            if (run_file(argv[i]) < 0)
                return 1;
            inputs++;
        }
    }
    printf("%s: %lu inputs ran without a finding\n", argc > 0 ? argv[0] : "fuzz", inputs);
    return inputs ? 0 : 1;
}
