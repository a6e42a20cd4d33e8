#define _GNU_SOURCE
#include "CSystemShims.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

int d4_lower_current_thread_priority(int niceness) {
#if defined(__linux__)
    // On Linux a nice value set for a thread id applies to that thread only.
    if (setpriority(PRIO_PROCESS, (id_t)gettid(), niceness) != 0) return -errno;
    // SCHED_IDLE: the thread runs only when no normal thread wants the CPU (nice 19 still took a
    // share). When it is refused, nice stays in force.
    struct sched_param param = { .sched_priority = 0 };
    int rc = pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
    return rc == 0 ? 0 : -rc;
#else
    (void)niceness;
    return -ENOSYS;
#endif
}
