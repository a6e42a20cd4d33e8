// SIGINT/SIGTERM as a flag: libdispatch signal sources do not fire on Linux once a signal is set to
// SIG_IGN, and a plain handler that only stores a sig_atomic_t is the portable, async-signal-safe way.
#include "CSystemShims.h"
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_signals = 0;

static void on_stop_signal(int number) {
    (void)number;
    stop_signals += 1;
}

void d4_install_stop_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

int d4_stop_signals_received(void) { return (int)stop_signals; }
