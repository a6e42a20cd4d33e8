#ifndef D4_CPACKETSOCKET_H
#define D4_CPACKETSOCKET_H

/// Opens an AF_PACKET raw socket receiving every protocol on interface `ifindex`.
/// Returns the descriptor, or -errno on failure. Linux only; elsewhere returns -ENOSYS.
int d4_open_packet_socket(unsigned int ifindex);

#endif
