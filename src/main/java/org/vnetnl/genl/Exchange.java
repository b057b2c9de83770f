package org.vnetnl.genl;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.vnetnl.internal.Errno;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.libnl.LibNl;

/**
 * The one receive path of a socket, shared by every thread that uses it. Each datagram goes, by the sequence
 * number of its first message, to the {@link Pending} wait it answers; a multicast one to the notification queue;
 * one that answers nobody (a late reply of a call that timed out or was cancelled, the rest of an abandoned dump)
 * is counted as stale.
 *
 * <p><b>Leader/follower.</b> No thread of its own reads the socket: a thread that waits becomes the leader when
 * nobody reads, reads what is queued, hands others their datagrams (copied into their memory, then unparked) and
 * keeps reading until its own wait is over; the others park. A thread alone on the socket therefore reads its
 * reply itself, with no hand-off: two system calls per round trip. Only the leader waits on the socket's
 * readiness; when it stops leading it wakes one parked follower to take over.
 *
 * <p><b>Lifetime.</b> Calls {@link #enter} and {@link #exit}; {@link #close} from any thread fails every wait
 * with {@link NetlinkCancelledException}, wakes every parked thread without touching its interrupt status, and
 * frees the socket only once no thread is inside a call any more.
 */
final class Exchange implements AutoCloseable {

    /** The count of threads inside a call, times two, plus one once closed. */
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicInteger lastSequence = new AtomicInteger();
    private final Runnable release;
    private boolean released;
    /** Calls sent and not answered yet: bounded so that their replies fit the socket's receive buffer. */
    private final Semaphore inFlight;

    private final NetlinkSocket socket;
    private final int portId;
    private final ReentrantLock lock = new ReentrantLock();
    /** Serializes sends: the socket's send path keeps state of its own (errno capture). */
    private final ReentrantLock sendLock = new ReentrantLock();

    // Guarded by lock.
    private final PendingTable table = new PendingTable();
    private final Pending active = new Pending() {
        @Override
        boolean isReady(Exchange exchange) {
            return true;
        }

        @Override
        String operation() {
            return "none";
        }
    };
    private final DatagramCursor cursor = new DatagramCursor();
    private final NotificationQueue notifications;
    private final ArrayDeque<Pending> followers = new ArrayDeque<>();
    private final ArrayDeque<NotificationWait> listeners = new ArrayDeque<>();
    private Thread leader;
    private long stale;
    private int groupsJoined;
    private boolean overrunPending;
    private final DumpSlot dumpSlot = new DumpSlot(this, lock);
    private boolean closed;
    private final Futures futures;

    Exchange(NetlinkSocket socket, int maxPendingNotifications, int maxCallsInFlight, Runnable release,
             java.util.function.Supplier<Caller> pumpCaller) {
        this.socket = socket;
        this.futures = new Futures(this, lock, pumpCaller);
        this.inFlight = new Semaphore(maxCallsInFlight);
        this.portId = socket.portId();
        this.notifications = new NotificationQueue(maxPendingNotifications);
        this.release = release;
        active.next = active;
        active.previous = active;
    }

    int portId() {
        return portId;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lifetime

    /** Marks the calling thread inside a call, so that close leaves the freeing to the last {@link #exit}. */
    void enter() {
        while (true) {
            int current = users.get();
            if ((current & 1) != 0) {
                throw new IllegalStateException("the GenlConnection is closed");
            }
            if (users.compareAndSet(current, current + 2)) {
                return;
            }
        }
    }

    void exit() {
        if (users.addAndGet(-2) == 1) {
            releaseOnce();
        }
    }

    boolean isClosed() {
        return (users.get() & 1) != 0;
    }

    /**
     * Closes: every wait ends with {@link NetlinkCancelledException}, every parked thread is woken (its interrupt
     * status untouched), and the socket is freed now if no thread is inside a call, else by the last to leave.
     */
    @Override
    public void close() {
        int before = users.getAndUpdate(current -> current | 1);
        if ((before & 1) != 0) {
            return;
        }
        lock.lock();
        try {
            closed = true;
            for (Pending p = active.next; p != active; ) {
                Pending next = p.next;
                p.fail(this, new NetlinkCancelledException(p.operation(), p.sequenceCount() > 0 ? p.sequence(0) : 0,
                        true));
                p = next;
            }
            for (Pending p : followers) {
                wake(p);
            }
            for (NotificationWait w : listeners) {
                wake(w);
            }
            if (dumpSlot.running() != null) {
                wake(dumpSlot.running());
            }
            if (leader != null) {
                LockSupport.unpark(leader);
            }
            futures.closed();
        } finally {
            lock.unlock();
        }
        runCompletions();
        if (before == 0) {
            releaseOnce();
        }
    }

    private void releaseOnce() {
        synchronized (users) {
            if (released) {
                return;
            }
            released = true;
        }
        release.run();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sequence numbers and sending

    /** The next sequence number; 0 is what notifications carry, never a request's. */
    int nextSequence() {
        int next = lastSequence.incrementAndGet();
        return next != 0 ? next : lastSequence.incrementAndGet();
    }

    /**
     * Waits for room for one more call in flight (see {@code ConnectionOptions.maxCallsInFlight}); a thread alone never
     * waits. Pair with {@link #releaseCall()}.
     *
     * @throws NetlinkCancelledException if the thread is interrupted while it waits
     */
    void acquireCall(Pending p) throws NetlinkCancelledException {
        if (inFlight.tryAcquire()) {
            return;
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetlinkCancelledException(p.operation(), p.sequenceCount() > 0 ? p.sequence(0) : 0, false);
        }
    }

    void releaseCall() {
        inFlight.release();
    }

    /** Sends {@code buffer[0, length)}: the bytes sent or {@code -errno} / {@link NetlinkSocket} values. */
    long send(MemorySegment buffer, int length) {
        sendLock.lock();
        try {
            return socket.send(buffer, length);
        } finally {
            sendLock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Registering and waiting

    /** Makes {@code p} reachable by its sequence numbers; before its request is sent, so no reply can miss it. */
    void register(Pending p) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the GenlConnection is closed");
            }
            for (int i = 0, n = p.sequenceCount(); i < n; i++) {
                table.put(p.sequence(i), p);
            }
            p.registered = true;
            p.overrunSeen = false;
            p.next = active;
            p.previous = active.previous;
            active.previous.next = p;
            active.previous = p;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: takes {@code p} out of the table, so later datagrams for it count as stale. */
    void unregister(Pending p) {
        if (!p.registered) {
            return;
        }
        for (int i = 0, n = p.sequenceCount(); i < n; i++) {
            table.remove(p.sequence(i), p);
        }
        p.registered = false;
        p.previous.next = p.next;
        p.next.previous = p.previous;
        p.next = null;
        p.previous = null;
    }

    /** Under the lock: {@code p} ended; wakes its thread (unless that thread is the one delivering). */
    void completed(Pending p) {
        unregister(p);
        wake(p);
    }

    /** Under the lock: something arrived for {@code p}. */
    void wake(Pending p) {
        Thread waiter = p.waiter;
        if (waiter != null && waiter != Thread.currentThread()) {
            LockSupport.unpark(waiter);
        }
    }

    /** Runs {@code action} under the exchange's lock. */
    void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code p} is ready, reading the socket as the leader whenever nobody else does.
     *
     * @param me the calling thread's state, whose memory the leader reads into
     * @param timeoutNanos the longest wait once nothing is queued (a reply already queued is read even with 0)
     * @return true when ready; false when the time is up (then {@code p} is abandoned)
     * @throws NetlinkCancelledException when the thread is interrupted (then {@code p} is abandoned)
     * @throws NetlinkException when a receive system call fails (then {@code p} is abandoned)
     */
    boolean await(Pending p, Caller me, long timeoutNanos) throws NetlinkException {
        Thread self = Thread.currentThread();
        p.waiter = self;
        p.settled = false;
        long deadline = 0;
        boolean deadlineSet = false;
        while (true) {
            boolean lead;
            lock.lock();
            try {
                if (p.isReady(this)) {
                    if (leader == self) {
                        resign();
                    }
                    return true;
                }
                lead = leader == null || leader == self;
                if (lead) {
                    leader = self;
                } else if (!p.queuedFollower) {
                    followers.add(p);
                    p.queuedFollower = true;
                }
            } finally {
                lock.unlock();
            }
            if (lead) {
                long received;
                try {
                    received = p.readAndDispatch(this, socket, me);
                } catch (RuntimeException | Error e) {
                    giveUp(p, true);
                    throw e;
                }
                if (received >= 0) {
                    if (p.settled) {
                        return true; // ready, and the leading handed on, in the dispatch's hold of the lock
                    }
                    continue;
                }
                if (received == NetlinkSocket.OVERRUN) {
                    overrun();
                    continue;
                }
                if (received == -Errno.EINVAL) {
                    // The kernel's own race, not this socket's fault: a receive that finds a dump running starts
                    // its next part (netlink_recvmsg), and when another thread's send finished that dump
                    // meanwhile, netlink_dump finds none and leaves EINVAL as the socket's error for the next
                    // receive. Nothing was lost.
                    continue;
                }
                if (received != NetlinkSocket.AGAIN) {
                    giveUp(p, true);
                    throw new NetlinkException((int) -received, p.operation(),
                            p.sequenceCount() > 0 ? p.sequence(0) : 0, "receive failed");
                }
                if (drained(p)) {
                    continue;
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                giveUp(p, lead);
                throw new NetlinkCancelledException(p.operation(), p.sequenceCount() > 0 ? p.sequence(0) : 0, false);
            }
            long now = System.nanoTime();
            if (!deadlineSet) {
                deadline = now + timeoutNanos;
                deadlineSet = true;
            }
            if (deadline - now <= 0) {
                // A last look: what arrived meanwhile still counts.
                lock.lock();
                try {
                    if (p.isReady(this)) {
                        continue;
                    }
                } finally {
                    lock.unlock();
                }
                giveUp(p, lead);
                return false;
            }
            if (lead) {
                socket.await(deadline);
            } else {
                LockSupport.parkNanos(this, deadline - now);
            }
        }
    }

    /** Abandons {@code p} and, if this thread leads, hands the socket to a follower. */
    private void giveUp(Pending p, boolean lead) {
        lock.lock();
        try {
            if (p.registered || p instanceof DumpCall) {
                p.abandon(this);
            }
            if (lead && leader == Thread.currentThread()) {
                resign();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: stops leading and wakes a parked follower to read in its place. */
    private void resign() {
        leader = null;
        Pending next;
        while ((next = followers.poll()) != null) {
            next.queuedFollower = false;
            if (next.waiter != null && !next.isReady(this)) {
                LockSupport.unpark(next.waiter);
                return;
            }
        }
        NotificationWait listener = listeners.peek();
        if (listener != null) {
            wake(listener);
        }
    }

    /**
     * Nothing more is queued. Generic netlink answers inside the sender's system call, so once the queue is empty
     * after an overrun, the replies that were sent before it and did not arrive were dropped.
     *
     * @return whether {@code p} became ready
     */
    private boolean drained(Pending p) {
        lock.lock();
        try {
            if (overrunPending) {
                overrunPending = false;
                for (Pending q = active.next; q != active; ) {
                    Pending next = q.next;
                    if (q.overrunSeen) {
                        q.overrunSeen = false;
                        q.lostToOverrun(this);
                    }
                    q = next;
                }
            }
            return p.isReady(this);
        } finally {
            lock.unlock();
            runCompletions();
        }
    }

    /** The kernel dropped datagrams for this socket (ENOBUFS). */
    private void overrun() {
        lock.lock();
        try {
            if (groupsJoined > 0) {
                // Notifications may be among the lost: their readers hear of it once, where it happened.
                notifications.socketOverrun();
                wakeListener();
            }
            for (Pending q = active.next; q != active; q = q.next) {
                q.overrunSeen |= q.sent;
            }
            overrunPending = true;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Dispatch

    /**
     * Under no lock, by the leader: hands the datagram {@code buffer[at, at + received)} (truncated at
     * {@code capacity}) to whoever it belongs to. {@code own} is the leader's own wait, whose memory it is in.
     */
    void dispatch(MemorySegment buffer, int at, long received, long capacity, int sender, int group, Pending own) {
        lock.lock();
        try {
            deliver(buffer, at, received, capacity, sender, group, own);
        } finally {
            lock.unlock();
        }
        runCompletions();
    }

    /**
     * As {@link #dispatch}, for the leader's one datagram read in {@link #await}: when it ended {@code own}'s wait,
     * the leader stops leading in the same hold of the lock and marks {@code own} {@link Pending#settled}, so that
     * its await returns without taking the lock again.
     */
    void dispatchRead(MemorySegment buffer, int at, long received, long capacity, int sender, int group,
                      Pending own) {
        lock.lock();
        try {
            deliver(buffer, at, received, capacity, sender, group, own);
            if (own.isReady(this) && leader == Thread.currentThread()) {
                resign();
                own.settled = true;
            }
        } finally {
            lock.unlock();
        }
        runCompletions();
    }

    /** Under the lock: see {@link #dispatch}. */
    private void deliver(MemorySegment buffer, int at, long received, long capacity, int sender, int group,
                         Pending own) {
        int end = at + (int) Math.min(received, capacity);
        if (group != 0) {
            if (sender == 0) {
                multicast(buffer, at, end, group, own);
            }
            return;
        }
        if (sender != 0 || end - at < NetlinkAlignment.NLMSG_HDRLEN
                || MessageHeader.portId(buffer, at) != portId) {
            countStale(buffer, at, end);
            return;
        }
        Pending p = table.get(MessageHeader.sequence(buffer, at));
        if (p == null) {
            countStale(buffer, at, end);
            return;
        }
        p.accept(this, cursor, buffer, at, received, capacity, p == own);
    }

    /** Under the lock: a message that answered nobody. */
    void countStale() {
        stale++;
    }

    /** Under the lock: the messages of {@code buffer[at, end)} answered nobody (at least one is counted). */
    void countStale(MemorySegment buffer, int at, int end) {
        cursor.over(buffer, at, end);
        long before = stale;
        while (cursor.nextWellFormed()) {
            stale++;
        }
        if (stale == before) {
            stale++;
        }
    }

    /** Counts {@code messages} that answered nobody. */
    void addStale(long messages) {
        lock.lock();
        try {
            stale += messages;
        } finally {
            lock.unlock();
        }
    }

    long staleMessages() {
        lock.lock();
        try {
            return stale;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Notifications

    private void multicast(MemorySegment buffer, int at, int end, int group, Pending own) {
        cursor.over(buffer, at, end);
        while (cursor.nextWellFormed()) {
            if (cursor.type() < LibNl.NLMSG_MIN_TYPE()) {
                continue;
            }
            if (own instanceof NotificationWait w && !w.hasMessage() && notifications.isEmpty()) {
                w.deliverInPlace(cursor.offset(), cursor.length(), group);
            } else {
                notifications.hold(buffer, cursor.offset(), cursor.length(), group);
                wakeListener();
            }
        }
    }

    private void wakeListener() {
        NotificationWait listener = listeners.peek();
        if (listener != null) {
            wake(listener);
        }
    }

    /** Under the lock. */
    boolean hasNotifications() {
        return !notifications.isEmpty();
    }

    /**
     * Waits for the next notification and puts it at the start of the caller's receive buffer.
     *
     * @return its length, with {@link NotificationWait#group()} naming its group; -1 when none came in time
     */
    int nextNotification(Caller me, long timeoutNanos) throws NetlinkException {
        NotificationWait w = me.notificationWait;
        lock.lock();
        try {
            if (!notifications.isEmpty()) {
                return w.take(notifications);
            }
            w.reset();
            listeners.add(w);
        } finally {
            lock.unlock();
        }
        try {
            if (!await(w, me, timeoutNanos)) {
                return -1;
            }
        } finally {
            locked(() -> listeners.remove(w));
        }
        lock.lock();
        try {
            if (w.hasMessage()) {
                return w.inPlaceLength();
            }
            if (!notifications.isEmpty()) {
                return w.take(notifications);
            }
            throw new NetlinkCancelledException("receive notification", 0, true);
        } finally {
            lock.unlock();
        }
    }

    int pendingNotifications() {
        lock.lock();
        try {
            return notifications.size();
        } finally {
            lock.unlock();
        }
    }

    int joinGroup(int group) {
        sendLock.lock();
        try {
            int rc = socket.joinGroup(group);
            if (rc == 0) {
                locked(() -> groupsJoined++);
            }
            return rc;
        } finally {
            sendLock.unlock();
        }
    }

    int leaveGroup(int group) {
        sendLock.lock();
        try {
            int rc = socket.leaveGroup(group);
            if (rc == 0) {
                locked(() -> groupsJoined = Math.max(0, groupsJoined - 1));
            }
            return rc;
        } finally {
            sendLock.unlock();
        }
    }

    /** The calls of this exchange whose outcome completes a future. */
    Futures futures() {
        return futures;
    }

    /** Completes the futures whose outcome is known, unless the calling thread holds the lock. */
    void runCompletions() {
        futures.runCompletions();
    }

    /** Fails every registered wait of {@code kind} with {@code failure}. */
    void failAll(Class<? extends Pending> kind, NetlinkException failure) {
        lock.lock();
        try {
            for (Pending q = active.next; q != active; ) {
                Pending next = q.next;
                if (kind.isInstance(q)) {
                    q.fail(this, failure);
                }
                q = next;
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Dumps

    /** Under the lock. */
    boolean closedLocked() {
        return closed;
    }

    /** The socket's one dump at a time. */
    DumpSlot dumpSlot() {
        return dumpSlot;
    }

    /** Under the lock: queues {@code p} among the parked followers, to be woken when the leader resigns. */
    void follow(Pending p) {
        followers.add(p);
        p.queuedFollower = true;
    }

    /** Under the lock: wakes every parked follower of {@code kind}. */
    void wakeFollowers(Class<? extends Pending> kind) {
        for (Pending p : followers) {
            if (kind.isInstance(p)) {
                wake(p);
            }
        }
    }

    static int errnoOf(long result) {
        if (result == NetlinkSocket.AGAIN) {
            return Errno.EAGAIN;
        }
        if (result == NetlinkSocket.OVERRUN) {
            return Errno.ENOBUFS;
        }
        return (int) -result;
    }
}
