/* A disk whose flushes are slow, for measuring group commit where the disk under the data
 * directory acknowledges fsync from a cache. Loaded with LD_PRELOAD, it makes fsync and
 * fdatasync take SLOW_FLUSH_US microseconds (default 3000) longer than they do: after the
 * real call returns, the caller sleeps. Used by `bench/run.sh --emulate-flush-ms MS`. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void wait_for_the_disk(void) {
    const char *setting = getenv("SLOW_FLUSH_US");
    long micros = setting ? atol(setting) : 3000;
    struct timespec delay = { micros / 1000000, (micros % 1000000) * 1000 };
    while (nanosleep(&delay, &delay) != 0) {
    }
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int result = real(fd);
    wait_for_the_disk();
    return result;
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int result = real(fd);
    wait_for_the_disk();
    return result;
}
