/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* socket, bind, connect, listen, accept/accept4, send/recv with addresses.
 * The tuple comes from the kernel's socket after the syscall (what really
 * happened), the addr from user memory (what the process asked for). */
#ifndef SAKER_BPF_HANDLERS_NET_BPF_H
#define SAKER_BPF_HANDLERS_NET_BPF_H

#include "../helpers.bpf.h"

SAKER_EXIT_HANDLER(h_socket) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_SOCKET);

    if (!s) return 0;
    put_u64(s, sys_arg(s, 0));
    put_u64(s, sys_arg(s, 1));
    put_u64(s, sys_arg(s, 2));
    ev_submit(s);
    return 0;
}

/* bind(fd, addr, len) and connect(fd, addr, len). */
SAKER_EXIT_HANDLER(h_sockaddr_op) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_SOCKADDR_OP);
    long fd = (int)sys_arg(s, 0);

    if (!s) return 0;
    put_u64(s, fd);
    put_user_sockaddr(s, (const void*)sys_arg(s, 1), sys_arg(s, 2));
    put_fd_tuple(s, fd);
    ev_submit(s);
    return 0;
}

SAKER_EXIT_HANDLER(h_listen) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_LISTEN);

    if (!s) return 0;
    put_u64(s, (__s64)(int)sys_arg(s, 0));
    put_u64(s, sys_arg(s, 1));
    ev_submit(s);
    return 0;
}

/* accept/accept4: the tuple is the NEW socket's (ret), local = our side. */
SAKER_EXIT_HANDLER(h_accept) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_ACCEPT);

    if (!s) return 0;
    put_u64(s, (__s64)(int)sys_arg(s, 0));
    put_u64(s, ev_nr(s) == SAKER_NR_accept4 ? sys_arg(s, 3) : 0);
    put_fd_tuple(s, ret);
    ev_submit(s);
    return 0;
}

/* SOCKIO layout: fd, size asked, addr (sendto dest / recvfrom source /
 * msg_name), tuple, and the buffer's first bytes when the payload map asks for
 * them. recvfrom's addrlen is an in/out pointer read after the kernel filled it. */
SAKER_EXIT_HANDLER(h_sockio) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_SOCKIO);
    long fd = (int)sys_arg(s, 0);
    __u64 size = sys_arg(s, 2);
    const void* addr = NULL;
    __u32 alen = 0, nr, snap;
    struct user_msghdr mh = {};

    if (!s) return 0;
    nr = ev_nr(s);
    switch (nr) {
    case SAKER_NR_sendto:
        addr = (void*)sys_arg(s, 4), alen = sys_arg(s, 5);
        break;
    case SAKER_NR_recvfrom:
        addr = (void*)sys_arg(s, 4);
        if (addr) bpf_probe_read_user(&alen, sizeof(alen), (void*)sys_arg(s, 5));
        break;
    default: /* sendmsg, recvmsg */
        bpf_probe_read_user(&mh, sizeof(mh), (void*)sys_arg(s, 1));
        addr = mh.msg_name, alen = mh.msg_namelen, size = 0;
        break;
    }
    put_u64(s, fd);
    put_u64(s, size);
    put_user_sockaddr(s, addr, alen);
    put_fd_tuple(s, fd);
    snap = payload_len(nr, ret);
    if (nr == SAKER_NR_sendto || nr == SAKER_NR_recvfrom)
        put_payload(s, (const void*)sys_arg(s, 1), snap);
    else
        put_payload_iov(s, mh.msg_iov, mh.msg_iovlen, snap);
    ev_submit(s);
    return 0;
}

#endif
