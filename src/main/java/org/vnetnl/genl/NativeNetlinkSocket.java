package org.vnetnl.genl;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import org.vnetnl.internal.Errno;
import org.vnetnl.internal.Poller;
import org.vnetnl.internal.Syscalls;
import org.vnetnl.internal.libnl.LibNl;
import org.vnetnl.internal.libnl.iovec;
import org.vnetnl.internal.libnl.msghdr;
import org.vnetnl.internal.libnl.sockaddr_nl;

/**
 * A netlink socket to the kernel, of generic netlink or (netlink-raw families such as rtnetlink) another netlink
 * protocol: opened through libnl ({@code nl_socket_alloc}, {@code genl_connect} or {@code nl_connect}),
 * connected to the kernel (port 0), then written with {@code send} and read with {@code recv} on libnl's
 * descriptor, with errno captured per socket. Everything it holds lives in the arena it is opened in, the libnl
 * handle included (freed by the arena's close), so closing that arena is the one way to release it.
 *
 * <p><b>Who can send to it.</b> Connected to the kernel, the socket takes unicast datagrams from the kernel only:
 * {@code netlink_unicast} finds the receiving socket through {@code netlink_getsockbyportid}, which refuses with
 * {@code -ECONNREFUSED} when the receiver is {@code NETLINK_CONNECTED} and its {@code dst_portid} (here 0, set by
 * {@code netlink_connect}) is not the sender's port (net/netlink/af_netlink.c; read in Linux 6.12). Only kernel
 * sockets have port 0. So a unicast datagram read here is the kernel's, by construction, and the plain
 * {@code recv} needs no sender address. Multicast is not covered by that check ({@code do_one_broadcast} looks at
 * group membership only): once a group is joined, reads switch to {@code recvmsg} with the sender's address and
 * {@code NETLINK_PKTINFO}, which say who sent a datagram and on which group.
 *
 * <p>Receives never block ({@code MSG_DONTWAIT}): generic netlink runs a request's handler inside {@code send},
 * so the reply is normally queued when the read runs and a round trip stays two system calls; when it is not,
 * {@link #await} parks the thread until {@link Poller} sees the socket readable. {@code MSG_TRUNC} makes a read
 * return a datagram's full length, so truncation is seen without a message header.
 */
final class NativeNetlinkSocket implements NetlinkSocket {

    private static final int SOCKADDR_NL_SIZE = (int) sockaddr_nl.layout().byteSize();
    private static final int CONTROL_SIZE = 64;
    private static final int TRUNC_DONTWAIT = LibNl.MSG_TRUNC() | LibNl.MSG_DONTWAIT();
    private static final String OPEN_GENERIC = "open generic netlink socket";
    static final int NETLINK_GENERIC = LibNl.NETLINK_GENERIC();
    private static final int NETLINK_GET_STRICT_CHK = LibNl.NETLINK_GET_STRICT_CHK();

    /** {@code struct mmsghdr}: a message header and the length recvmmsg received into it. */
    private static final StructLayout MMSGHDR = MemoryLayout.structLayout(msghdr.layout().withName("msg_hdr"),
            JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));
    private static final long MMSG_LEN = MMSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_len"));
    private static final long ADDRESS_STRIDE = 16;
    private static final long IOV_SIZE = iovec.layout().byteSize();

    static {
        // The close path must load nothing new: out of descriptors (EMFILE), a class that is not loaded yet cannot
        // be read from a class folder (-cp target/classes, bin/ynl), and a close failing on it would leak every
        // socket for good. So its native function (libnl ignores NULL) and classes are resolved before any open,
        // and so is the path of an open that fails, which must report the errno rather than a missing class.
        LibNl.nl_socket_free(MemorySegment.NULL);
        Poller.forget(-1);
        LibNl.nl_geterror(-1);
        new NetlinkException(Errno.EPROTO, OPEN_GENERIC, 0, "resolved before it is needed").getMessage();
    }

    private final int fd;
    /** How errors of opening name it. */
    private final String open;
    private final Arena arena;
    private final int portId;
    private final MemorySegment errnoState;
    /** Send's own errno capture: a thread may send while another receives (see NetlinkSocket). */
    private final MemorySegment sendErrnoState;
    private final MemorySegment kernelAddress;
    private final MemorySegment senderAddress;
    private final MemorySegment iov;
    private final MemorySegment control;
    private final MemorySegment header;
    private final MemorySegment optionValue;
    private long iovAddress = -1;
    private boolean packetInfo;
    /** Those of the last datagram read; they stay 0 until a group is joined (see the class comment). */
    private int sender;
    private int group;

    /**
     * Opens a generic netlink socket whose memory and libnl handle belong to {@code arena}.
     *
     * @param socketReceiveBufferSize SO_RCVBUF in bytes, or 0 for the system default
     * @param sendBufferSize the longest request that will be sent, to raise SO_SNDBUF when the default is short
     * @throws NetlinkException with the errno of the call that failed; closing the arena frees what was opened
     */
    NativeNetlinkSocket(Arena arena, int socketReceiveBufferSize, int sendBufferSize) throws NetlinkException {
        this(arena, NETLINK_GENERIC, socketReceiveBufferSize, sendBufferSize);
    }

    /**
     * Opens a netlink socket of {@code protocol} (NETLINK_ROUTE is 0, NETLINK_GENERIC 16) whose memory and libnl
     * handle belong to {@code arena}; otherwise as {@link #NativeNetlinkSocket(Arena, int, int)}.
     */
    NativeNetlinkSocket(Arena arena, int protocol, int socketReceiveBufferSize, int sendBufferSize)
            throws NetlinkException {
        this.arena = arena;
        this.open = protocol == NETLINK_GENERIC ? OPEN_GENERIC : "open netlink socket of protocol " + protocol;
        errnoState = Syscalls.allocateErrnoState(arena);
        sendErrnoState = Syscalls.allocateErrnoState(arena);
        kernelAddress = arena.allocate(sockaddr_nl.layout());
        senderAddress = arena.allocate(sockaddr_nl.layout());
        iov = arena.allocate(iovec.layout());
        control = arena.allocate(CONTROL_SIZE, 8);
        header = arena.allocate(msghdr.layout());
        optionValue = arena.allocate(JAVA_LONG);

        MemorySegment allocated = LibNl.nl_socket_alloc();
        if (allocated.equals(MemorySegment.NULL)) {
            throw new NetlinkException(LibNl.ENOMEM(), open, 0, "nl_socket_alloc returned NULL");
        }
        // Bound to the arena: its close frees the handle (and closes the descriptor), after every segment above
        // is done with, on whatever path the arena is closed.
        MemorySegment socket = allocated.reinterpret(arena, LibNl::nl_socket_free);
        // libnl's own send/receive path would add an ACK to every request and peek before every read; this class
        // reads and writes the descriptor itself, but keeps libnl consistent for anything that uses the handle.
        LibNl.nl_socket_disable_auto_ack(socket);
        LibNl.nl_socket_disable_msg_peek(socket);
        int rc = protocol == NETLINK_GENERIC ? Syscalls.genlConnect(errnoState, socket)
                : Syscalls.nlConnect(errnoState, socket, protocol);
        if (rc < 0) {
            int errno = Syscalls.errno(errnoState);
            MemorySegment text = LibNl.nl_geterror(rc);
            String libnl = text.equals(MemorySegment.NULL) ? "libnl error " + rc
                    : "libnl: " + text.reinterpret(Long.MAX_VALUE).getString(0);
            // errno is 0 only when libnl failed without a system call failing; then libnl's code is all there is.
            throw new NetlinkException(errno != 0 ? errno : Errno.EPROTO, open, 0, (protocol == NETLINK_GENERIC
                    ? "genl_connect" : "nl_connect of protocol " + protocol) + " failed (" + libnl + ")");
        }
        fd = LibNl.nl_socket_get_fd(socket);
        portId = LibNl.nl_socket_get_local_port(socket);

        sockaddr_nl.nl_family(kernelAddress, (short) LibNl.AF_NETLINK());
        // Port 0 and no groups: the kernel.
        if (Syscalls.connect(errnoState, fd, kernelAddress, SOCKADDR_NL_SIZE) < 0) {
            throw new NetlinkException(Syscalls.errno(errnoState), open, 0, "connect to the kernel failed");
        }
        // Between genl_connect's bind and the connect any process could unicast to the new port; nothing sent
        // then is a reply (no request went out yet), so whatever is queued goes.
        long drained;
        do {
            drained = triage(Syscalls.recv(errnoState, fd, optionValue.address(), optionValue.byteSize(),
                    TRUNC_DONTWAIT));
        } while (drained >= 0 || drained == RETRY);
        msghdr.msg_name(header, senderAddress);
        msghdr.msg_iov(header, iov);
        msghdr.msg_iovlen(header, 1);
        msghdr.msg_control(header, control);

        // Errors then carry the kernel's message and the offset of the offending attribute, and do not echo the
        // whole request back (which could exceed the receive buffer for large requests).
        setOption(LibNl.SOL_NETLINK(), LibNl.NETLINK_EXT_ACK(), 1, "NETLINK_EXT_ACK");
        setOption(LibNl.SOL_NETLINK(), LibNl.NETLINK_CAP_ACK(), 1, "NETLINK_CAP_ACK");
        if (protocol != NETLINK_GENERIC) {
            // rtnetlink then checks dump requests strictly and applies their filters (a getaddr dump for one
            // ifa_index lists that link's addresses only), as the kernel's YNL asks for too.
            setOption(LibNl.SOL_NETLINK(), NETLINK_GET_STRICT_CHK, 1, "NETLINK_GET_STRICT_CHK");
        }
        // genl_connect leaves libnl's 32 KiB SO_SNDBUF and SO_RCVBUF behind: put back the system's defaults (or the
        // caller's size), so the Options mean what they say and a request is not capped near 64 KiB.
        int receive = socketReceiveBufferSize > 0 ? socketReceiveBufferSize : systemDefault("rmem_default");
        if (receive > 0) {
            setOption(LibNl.SOL_SOCKET(), LibNl.SO_RCVBUF(), receive, "SO_RCVBUF");
        }
        // The kernel refuses a datagram longer than SO_SNDBUF (doubled by the kernel) minus 32 bytes.
        int send = Math.max(systemDefault("wmem_default"), sendBufferSize);
        if (send > 0) {
            setOption(LibNl.SOL_SOCKET(), LibNl.SO_SNDBUF(), send, "SO_SNDBUF");
        }
    }

    private static int systemDefault(String name) {
        // Read as a stream: /proc reports a size of 0, and a read sized by it may stop short.
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/core", name))) {
            String line = reader.readLine();
            return line == null ? 0 : Integer.parseInt(line.trim());
        } catch (IOException | NumberFormatException | SecurityException e) {
            return 0; // no /proc: keep what the socket has
        }
    }

    private void setOption(int level, int option, int value, String what) throws NetlinkException {
        int rc = setIntOption(level, option, value);
        if (rc < 0) {
            throw new NetlinkException(-rc, open, 0, "setsockopt " + what + " failed");
        }
    }

    private int setIntOption(int level, int option, int value) {
        optionValue.set(JAVA_INT, 0, value);
        return Syscalls.setsockopt(errnoState, fd, level, option, optionValue, Integer.BYTES) < 0
                ? -Syscalls.errno(errnoState) : 0;
    }

    /** The socket's descriptor, for tests that look at it from outside. */
    int fd() {
        return fd;
    }

    @Override
    public int portId() {
        return portId;
    }

    @Override
    public long send(MemorySegment buffer, int length) {
        if (length < 0 || length > buffer.byteSize()) {
            throw new IllegalArgumentException("cannot send " + length + " bytes of a " + buffer.byteSize()
                    + "-byte buffer");
        }
        while (true) {
            long sent = Syscalls.send(sendErrnoState, fd, buffer, length, 0);
            long result = triage(sent, sendErrnoState);
            if (result != RETRY) {
                return result;
            }
        }
    }

    @Override
    public long receive(MemorySegment buffer, long offset, long capacity) {
        if (offset < 0 || capacity < 0 || capacity > buffer.byteSize() - offset) {
            throw new IllegalArgumentException("range " + offset + "+" + capacity + " is outside a buffer of "
                    + buffer.byteSize() + " bytes");
        }
        long address = buffer.address() + offset;
        if (!packetInfo) {
            // No group joined: only the kernel can have sent it (see the class comment), and it is unicast.
            while (true) {
                long result = triage(Syscalls.recv(errnoState, fd, address, capacity, TRUNC_DONTWAIT));
                if (result != RETRY) {
                    return result;
                }
            }
        }
        if (address != iovAddress) {
            // A raw address rather than a slice: a slice is an object, and this runs on every read.
            iov.set(JAVA_LONG, iovec.iov_base$offset(), address);
            iovAddress = address;
        }
        iovec.iov_len(iov, capacity);
        while (true) {
            msghdr.msg_namelen(header, SOCKADDR_NL_SIZE);
            msghdr.msg_controllen(header, packetInfo ? CONTROL_SIZE : 0);
            msghdr.msg_flags(header, 0);
            long received = Syscalls.recvmsg(errnoState, fd, header, TRUNC_DONTWAIT);
            long result = triage(received);
            if (result == RETRY) {
                continue;
            }
            if (result >= 0) {
                sender = sockaddr_nl.nl_pid(senderAddress);
                group = packetInfoGroup();
            }
            return result;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Many datagrams in one call: recvmmsg over a vector of message headers, one per slot

    /** The mmsghdr vector and, per entry, its sender address, iovec and control buffer; grown, never shrunk. */
    private MemorySegment vector = MemorySegment.NULL;
    private MemorySegment vectorAddresses = MemorySegment.NULL;
    private MemorySegment vectorIovs = MemorySegment.NULL;
    private MemorySegment vectorControl = MemorySegment.NULL;
    /** Each entry's control buffer as a segment of its own, made once, for {@link ReplyParser#packetInfoGroup}. */
    private MemorySegment[] vectorControls = new MemorySegment[0];
    private int vectorCapacity;
    private int received;

    @Override
    public long receiveMany(MemorySegment buffer, long[] slots, long slotSize, int count) {
        if (count < 1 || count > slots.length || slotSize < 0) {
            throw new IllegalArgumentException("cannot receive " + count + " datagrams into " + slots.length
                    + " slots of " + slotSize + " bytes");
        }
        reserveVector(count);
        long base = buffer.address();
        for (int i = 0; i < count; i++) {
            if (slots[i] < 0 || slotSize > buffer.byteSize() - slots[i]) {
                throw new IllegalArgumentException("slot " + slots[i] + "+" + slotSize + " is outside a buffer of "
                        + buffer.byteSize() + " bytes");
            }
            long iov = i * IOV_SIZE;
            vectorIovs.set(JAVA_LONG, iov + iovec.iov_base$offset(), base + slots[i]);
            vectorIovs.set(JAVA_LONG, iov + iovec.iov_len$offset(), slotSize);
            // recvmmsg writes back the lengths of the name and the control data, and the flags.
            long entry = i * MMSGHDR.byteSize();
            vector.set(JAVA_INT, entry + msghdr.msg_namelen$offset(), SOCKADDR_NL_SIZE);
            vector.set(JAVA_LONG, entry + msghdr.msg_controllen$offset(), packetInfo ? CONTROL_SIZE : 0);
            vector.set(JAVA_INT, entry + msghdr.msg_flags$offset(), 0);
        }
        long result = receiveVector(count);
        received = result > 0 ? (int) result : 0;
        return result;
    }

    /**
     * The system call on its own, a method small enough to be inlined whole: the capture state's slice taken for
     * errno then does not escape, and nothing is allocated.
     */
    private long receiveVector(int count) {
        while (true) {
            long result = triage(Syscalls.recvmmsg(errnoState, fd, vector, count, TRUNC_DONTWAIT));
            if (result != RETRY) {
                return result;
            }
        }
    }

    /** Makes room for {@code count} vector entries, allocated in the socket's arena (freed with it). */
    private void reserveVector(int count) {
        if (count <= vectorCapacity) {
            return;
        }
        vector = arena.allocate(MMSGHDR.byteSize() * count, 8);
        vectorAddresses = arena.allocate(ADDRESS_STRIDE * count, 8);
        vectorIovs = arena.allocate(IOV_SIZE * count, 8);
        vectorControl = arena.allocate((long) CONTROL_SIZE * count, 8);
        vectorControls = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            MemorySegment entry = vector.asSlice(i * MMSGHDR.byteSize(), MMSGHDR.byteSize());
            vectorControls[i] = vectorControl.asSlice((long) i * CONTROL_SIZE, CONTROL_SIZE);
            msghdr.msg_iov(entry, vectorIovs.asSlice(i * IOV_SIZE, IOV_SIZE));
            msghdr.msg_iovlen(entry, 1);
            msghdr.msg_control(entry, vectorControls[i]);
        }
        vectorCapacity = count;
        pointVectorNames();
    }

    /**
     * The vector's sender addresses, only once a group is joined, as for {@link #receive}: before, only the kernel
     * can have sent a datagram, and having the kernel copy out an address per datagram cost about 1.5 us per batch
     * of 16 (bench/profile). Without a name, {@link #receivedSender} is the kernel's port, 0.
     */
    private void pointVectorNames() {
        for (int i = 0; i < vectorCapacity; i++) {
            MemorySegment entry = vector.asSlice(i * MMSGHDR.byteSize(), MMSGHDR.byteSize());
            msghdr.msg_name(entry, packetInfo ? vectorAddresses.asSlice(i * ADDRESS_STRIDE, ADDRESS_STRIDE)
                    : MemorySegment.NULL);
        }
    }

    private void checkReceived(int index) {
        if (index < 0 || index >= received) {
            throw new IndexOutOfBoundsException("datagram " + index + " of " + received + " received");
        }
    }

    @Override
    public int receivedLength(int index) {
        checkReceived(index);
        return vector.get(JAVA_INT, index * MMSGHDR.byteSize() + MMSG_LEN);
    }

    @Override
    public int receivedSender(int index) {
        checkReceived(index);
        if (!packetInfo) {
            return 0; // the kernel: nothing else can send to a connected socket (see the class comment)
        }
        return vectorAddresses.get(JAVA_INT, index * ADDRESS_STRIDE + sockaddr_nl.nl_pid$offset());
    }

    @Override
    public int receivedGroup(int index) {
        checkReceived(index);
        if (packetInfo) {
            long controlLength = vector.get(JAVA_LONG, index * MMSGHDR.byteSize() + msghdr.msg_controllen$offset());
            return ReplyParser.packetInfoGroup(vectorControls[index], controlLength);
        }
        return vectorAddresses.get(JAVA_INT, index * ADDRESS_STRIDE + sockaddr_nl.nl_groups$offset());
    }

    private int packetInfoGroup() {
        return ReplyParser.packetInfoGroup(control, msghdr.msg_controllen(header));
    }

    private static final long RETRY = Long.MIN_VALUE + 2;

    /** The one place errno is interpreted: EINTR retries, EAGAIN and ENOBUFS are values, the rest is -errno. */
    private long triage(long result) {
        return triage(result, errnoState);
    }

    private static long triage(long result, MemorySegment errnoState) {
        if (result >= 0) {
            return result;
        }
        int errno = Syscalls.errno(errnoState);
        if (errno == Errno.EINTR) {
            return RETRY;
        }
        if (errno == Errno.EAGAIN) {
            return AGAIN;
        }
        if (errno == Errno.ENOBUFS) {
            return OVERRUN;
        }
        return -errno;
    }

    @Override
    public int sender() {
        return sender;
    }

    @Override
    public int group() {
        return group;
    }

    @Override
    public int joinGroup(int group) {
        if (!packetInfo) {
            // With NETLINK_PKTINFO every datagram says which group it came on, also for group ids above 32 that the
            // sender address cannot express; only needed (and only paid for) once a group is joined. From then on
            // every read is a recvmsg, also after the group is left: datagrams of it may still be queued.
            int rc = setIntOption(LibNl.SOL_NETLINK(), LibNl.NETLINK_PKTINFO(), 1);
            if (rc < 0) {
                return rc;
            }
            packetInfo = true;
            pointVectorNames();
        }
        return setIntOption(LibNl.SOL_NETLINK(), LibNl.NETLINK_ADD_MEMBERSHIP(), group);
    }

    @Override
    public int leaveGroup(int group) {
        return setIntOption(LibNl.SOL_NETLINK(), LibNl.NETLINK_DROP_MEMBERSHIP(), group);
    }

    @Override
    public void await(long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return;
        }
        if (Poller.get().arm(fd) < 0) {
            // Cannot be watched (out of memory for epoll): wait in short slices instead of not at all.
            remaining = Math.min(remaining, 10_000_000L);
        }
        LockSupport.parkNanos(this, remaining);
    }

    /**
     * Stops watching the descriptor. The libnl handle itself, and with it the descriptor, is freed by the close
     * of the arena this socket was opened in, which must follow.
     */
    @Override
    public void close() {
        Poller.forget(fd);
    }
}
