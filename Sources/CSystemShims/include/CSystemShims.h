#ifndef D4_CSYSTEMSHIMS_H
#define D4_CSYSTEMSHIMS_H

#include <stdio.h>

/// Opens an AF_PACKET raw socket receiving every protocol on interface `ifindex`.
/// Returns the descriptor, or -errno on failure. Linux only; elsewhere returns -ENOSYS.
int d4_open_packet_socket(unsigned int ifindex);

/// The C library's stdout stream (Swift 6 cannot touch the global `stdout` variable safely).
static inline FILE *d4_stdout(void) { return stdout; }

/// Installs SIGINT/SIGTERM handlers that only set a flag (async-signal-safe); the program polls it.
void d4_install_stop_handlers(void);

/// How many stop signals arrived so far.
int d4_stop_signals_received(void);

/// Lowers the calling thread's CPU priority to `niceness` (0–19) and, on Linux, to the SCHED_IDLE
/// policy (it runs only when the CPU is otherwise idle). That thread only. Returns 0, or -errno on
/// failure (-ENOSYS elsewhere).
int d4_lower_current_thread_priority(int niceness);

#endif
