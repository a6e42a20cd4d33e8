#define _GNU_SOURCE
#include "CSystemShims.h"
#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

int d4_lower_current_thread_priority(int niceness) {
#if defined(__linux__)
    // On Linux a nice value set for a thread id applies to that thread only.
    if (setpriority(PRIO_PROCESS, (id_t)gettid(), niceness) != 0) return -errno;
    return 0;
#else
    (void)niceness;
    return -ENOSYS;
#endif
}
