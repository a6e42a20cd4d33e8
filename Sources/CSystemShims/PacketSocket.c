// AF_PACKET needs <linux/if_packet.h> structures that Swift's Glibc module does not export,
// so the socket is opened and bound here.
#include "CSystemShims.h"
#include <errno.h>

#ifdef __linux__
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int d4_open_packet_socket(unsigned int ifindex) {
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) return -errno;
    struct sockaddr_ll address;
    memset(&address, 0, sizeof(address));
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = (int)ifindex;
    if (bind(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    return fd;
}
#else
int d4_open_packet_socket(unsigned int ifindex) {
    (void)ifindex;
    return -ENOSYS;
}
#endif
