/**
 * Generic netlink (and netlink-raw) from Java: {@link org.vnetnl.genl.GenlConnection}, a socket any number of
 * threads share, with requests written in place ({@link org.vnetnl.genl.AttributeWriter}), replies read in place
 * ({@link org.vnetnl.genl.GenlMessage}, {@link org.vnetnl.genl.AttributeReader}), dumps, batches
 * ({@link org.vnetnl.genl.GenlBatch}) and multicast notifications.
 *
 * <h2>Threads on a connection</h2>
 * Any number of platform and virtual threads may use one connection at once. Each thread builds its requests in
 * a send buffer of its own ({@code prepare} writes into the calling thread's buffer and {@code transact} or
 * {@code dump} sends it), so threads never see each other's requests. Replies are matched by sequence number: a
 * thread waits for its own reply only. One receive path reads the socket: a waiting thread reads it itself while
 * no other thread does and hands the others their replies, so a thread alone pays no hand-off, and a thread
 * waiting for a notification never holds up requests. Waits park: a virtual thread leaves its carrier free.
 *
 * <h2>Memory and views</h2>
 * Each thread that uses a connection gets a send buffer ({@link org.vnetnl.genl.ConnectionOptions#sendBufferSize()})
 * and a receive buffer ({@link org.vnetnl.genl.ConnectionOptions#receiveBufferSize()}), made on its first call and
 * reused (a thread that ended passes them on to the next new thread); they are freed with the connection once
 * the last call has left it. A {@link org.vnetnl.genl.GenlMessage} handed out, and the
 * {@link org.vnetnl.genl.AttributeReader}s it hands out, are views into the calling thread's receive buffer (or a
 * batch's reply slots), valid until that thread's next call on the connection (or the batch's next round): after
 * that they throw {@link java.lang.IllegalStateException} rather than show newer bytes. The library never wraps a
 * view it handed out again, so an old view kept by mistake fails instead of showing a later message; a view the
 * caller passes in ({@code transact(Duration, GenlMessage)}, {@code GenlBatch.reply(int, GenlMessage)}) is the
 * caller's to reuse and makes the call allocate nothing. The typed layers follow the same rule: a generated
 * request's {@code call()} and {@code VnetClient.echo(...)} return a reader or reply of their own, and take the
 * caller's ({@code call(reader)}, {@code echo(..., EchoReply)}) for calls that allocate nothing. {@code copy()},
 * {@code string()} and {@code bytesCopy()} keep what must outlive the next call.
 *
 * <h2>The thread rule for everything but the connection</h2>
 * Only {@link org.vnetnl.genl.GenlConnection} and what it shares ({@link org.vnetnl.genl.Controller},
 * {@link org.vnetnl.genl.Family}) are thread-safe. A {@link org.vnetnl.genl.GenlBatch} with the writer its
 * {@code add} returns, a {@link org.vnetnl.genl.GenlMessage}, an {@link org.vnetnl.genl.AttributeReader} and an
 * {@link org.vnetnl.genl.AttributeWriter} are used by one thread at a time, as a {@link java.lang.StringBuilder}
 * is: not synchronized and not checked on each access. Any thread may take one over once the thread before it is
 * done, through something that orders the two (a queue, a future, {@code Thread.join}). A view's validity check
 * is a check of time, not of threads: a view read by one thread while the thread it belongs to calls again may
 * show anything; hand a copy to another thread instead. Like an {@link java.util.ArrayList}'s
 * {@link java.util.ConcurrentModificationException}, a batch detects some overlapping use on a best-effort basis,
 * where it would otherwise free or overwrite memory another thread is reading: {@code execute} while another
 * {@code execute} runs, and {@code close} during one, throw {@link java.lang.IllegalStateException}.
 *
 * <h2>Waiting and cancellation</h2>
 * Generic netlink runs a request's handler inside {@code send}, so its reply is normally queued before the read.
 * When nothing is queued yet, the thread parks until the socket becomes readable, the timeout passes or the wait
 * is cancelled. {@link java.lang.Thread#interrupt()} ends that thread's call alone with
 * {@link org.vnetnl.genl.NetlinkCancelledException} (the interrupt status stays set); {@code close()} from any
 * thread ends every call with it. A reply that arrives after its call ended is counted
 * ({@code staleMessagesDiscarded()}), and a dump left unfinished is read to its end before the next dump starts,
 * so the connection stays usable.
 *
 * <h2>Dumps</h2>
 * The kernel runs one dump per socket at a time. A dump runs on one of a few extra sockets the connection opens
 * for dumps ({@link org.vnetnl.genl.ConnectionOptions#dumpSockets()}, in the same network namespace, closed with
 * the connection), read by the dumping thread alone: the kernel makes each next part only once the handler took
 * the last, so a dump streams in flat memory however large the table, and dumps of different threads run in
 * parallel. When those are busy a dump runs on the connection's own socket, or waits for the dump there. Each
 * part comes in a view of its own, valid until the next datagram of the dump.
 *
 * <h2>Notifications</h2>
 * Multicast messages that arrive while requests run are kept, in order, for {@code receiveNotification} and
 * {@code pollNotification}; losses are reported there once as a
 * {@link org.vnetnl.genl.NotificationOverrunException}, and only once a group was joined.
 */
package org.vnetnl.genl;
