/*
 * replay_main.c: runs a fuzz target once on each file named on the command
 * line, for builds without libFuzzer (gcc), so every build replays the
 * corpora.  Directories are walked one level deep, as libFuzzer does.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t len = 0, cap = 0, n;
    uint8_t chunk[4096];

    if (!f) {
        perror(path);
        return -1;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (len + n > cap) {
            cap = (len + n) * 2;
            data = realloc(data, cap);
            if (!data)
                abort();
        }
        memcpy(data + len, chunk, n);
        len += n;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data ? data : (const uint8_t *)"", len);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0;

    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (argv[i][0] == '-')
            continue;   /* libFuzzer flags such as -runs=0 */
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d && (e = readdir(d))) {
                char path[4096];
                if (e->d_name[0] == '.')
                    continue;
                snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
                if (run_file(path) < 0)
                    return 1;
                files++;
            }
            if (d)
                closedir(d);
        } else {
            if (run_file(argv[i]) < 0)
                return 1;
            files++;
        }
    }
    fprintf(stderr, "replayed %d inputs\n", files);
    return 0;
}
