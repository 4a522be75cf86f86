package dev.faultline.agent.bootstrap;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The network rules applied to Netty channels, on the channel's own event loop. An event loop serves many
 * channels, so a delay never parks it: a delayed read is queued and handed to the pipeline later by a task on that
 * loop, a delayed write stays in the channel's outbound buffer until a task flushes it, a delayed connect is
 * started by a task. Errors take the transport's own path (exception through the pipeline then close; Netty's
 * write-error path; the connect promise failed with the annotated exception), with the exception the transport
 * raises (Netty's native one on epoll and io_uring). Rules, selectors, gates and counters are the JDK hooks' own
 * ({@link NetworkInjector#decide}).
 *
 * <p>All state of one channel is touched on its event loop only (reads, flushes and the tasks all run there; a
 * read fired from another thread is handed to the loop, as Netty does), or once the loop has terminated; the map
 * holds the channels with something held back, and is empty otherwise ({@link NettyState} counts them: one read tells).
 */
final class NettyFaults {
    /** How often a held call looks whether its rule was removed or expired (as {@link Pause} does). */
    private static final long SLICE_NANOS = 20_000_000L;

    private static final Map<Object, Held> HELD = new ConcurrentHashMap<>();
    /** Connects that start late, until they have started or failed. */
    private static final Set<HeldConnect> CONNECTS = ConcurrentHashMap.newKeySet();
    /** The loops that held something, each watched for its termination once (see {@link #released}). */
    private static final Set<Object> WATCHED = ConcurrentHashMap.newKeySet();

    private NettyFaults() {}

    // read

    /** {@code remote} and {@code local}: the channel's addresses, read by the advice through Netty's own calls. */
    static boolean read(
            RuleTable table, Object pipeline, Object channel, Object msg, SocketAddress remote, SocketAddress local) {
        try {
            NettyApi api = NettyApi.of(channel);
            Held held = held(channel);
            if (held != null) {
                // a read fired off the loop (by a handler or a test): Netty hands it to the loop, and so does
                // the hook, so that what the channel holds is touched by its loop alone; decided there
                if (!api.inEventLoop(channel)) return onLoop(api, channel, () -> api.fireChannelRead(pipeline, msg));
                if (held.delivering) return false;
                if (held.pipeline == null) held.pipeline = pipeline;
                if (held.readFailed) {
                    api.release(msg); // the connection is failing: what followed the reset never arrived
                    return true;
                }
            }
            // how long to hold, relative: the clock is read only once a rule matched (it costs more than the rest)
            Verdict verdict = null;
            if (remote instanceof InetSocketAddress peer && api.isByteBuf(msg) && api.streamChannel) {
                long bytes = table.readThrottle != null ? api.readableBytes(msg) : 0;
                verdict = Verdict.of(table.read, table.readThrottle, peer, localPort(local), bytes);
            }
            if (verdict == null && held == null) return false; // the path of a rule for another peer
            // decided (and counted) once, here; held or failed on the loop, as above
            if (held == null && !api.inEventLoop(channel)) {
                Verdict decided = verdict;
                return onLoop(api, channel, () -> {
                    Held now = held(channel);
                    if (now != null && now.readFailed) api.release(msg);
                    else apply(api, now, channel, pipeline, msg, decided, true);
                });
            }
            return apply(api, held, channel, pipeline, msg, verdict, false);
        } catch (Throwable t) {
            InternalErrors.report(t);
            return false;
        }
    }

    /**
     * A read on its channel's loop, with what the rules decided for it: failed, held, or queued behind held ones;
     * false: none of these, the pipeline takes it now. {@code take}: a read handed over from another thread, which
     * is queued even with nothing to wait for (the pipeline would decide it again).
     */
    private static boolean apply(
            NettyApi api, Held held, Object channel, Object pipeline, Object msg, Verdict verdict, boolean take)
            throws Throwable {
        if (held != null && held.pipeline == null) held.pipeline = pipeline;
        if (verdict != null && verdict.error != null) {
            failRead(api, channel, pipeline, msg, verdict.error);
            return true;
        }
        long wait = verdict == null ? 0 : verdict.wait;
        boolean queued = held != null && !held.reads.isEmpty();
        if (wait == 0 && !queued && !take) return false;
        long now = System.nanoTime();
        long due = due(now, wait);
        if (held == null) held = hold(channel, api, pipeline);
        held.reads.add(new HeldRead(msg, due, verdict == null ? null : verdict.by));
        held.scheduleDrain(now);
        return true;
    }

    /** A call made off the channel's loop, handed to it as Netty hands such calls; false if the loop is gone. */
    private static boolean onLoop(NettyApi api, Object channel, Call call) throws Throwable {
        try {
            api.eventLoop(channel).execute(() -> {
                try {
                    call.run();
                } catch (Throwable t) {
                    InternalErrors.report(t);
                }
            });
            return true;
        } catch (RejectedExecutionException shutDown) {
            return false; // Netty's own hand-off is refused the same way
        }
    }

    private interface Call {
        void run() throws Throwable;
    }

    /** As the transport's read loop does on an IOException: the exception through the pipeline, then close. */
    private static void failRead(NettyApi api, Object channel, Object pipeline, Object msg, FaultRule rule)
            throws Throwable {
        Throwable failure = NetworkInjector.failure(rule, api.connectionReset(channel, true));
        Held held = held(channel);
        if (held == null) held = hold(channel, api, pipeline);
        held.readFailed = true;
        api.release(msg);
        Held failing = held;
        // after the read loop in progress ends (Netty fires readComplete, then the exception, then closes)
        failing.execute(() -> {
            try {
                for (HeldRead r; (r = failing.reads.poll()) != null; ) api.release(r.msg);
                api.fireExceptionCaught(pipeline, failure);
                api.close(api.unsafe(channel));
            } catch (Throwable t) {
                InternalErrors.report(t);
            } finally {
                failing.readFailed = false;
                failing.retireIfIdle();
            }
        });
    }

    // write

    /** {@code empty}, {@code active}, {@code remote} and {@code local}: read by the advice through Netty's own calls. */
    static boolean flush(
            RuleTable table,
            Object channel,
            Object unsafe,
            Object outbound,
            boolean empty,
            boolean active,
            SocketAddress remote,
            SocketAddress local) {
        try {
            if (channel == null || outbound == null) return false;
            Held held = held(channel);
            if (held != null) {
                if (held.flushing) return false;
                if (held.writeHeld) {
                    // written, in order, by the flush already scheduled; a throttle paces these bytes too
                    if (table.writeThrottle != null && active && remote instanceof InetSocketAddress peer) {
                        held.chargeWrites(table.writeThrottle, outbound, peer, localPort(local));
                    }
                    return true;
                }
            }
            if (table.write == null && table.writeThrottle == null) return false;
            if (empty || !active) return false; // flush0's own cases
            if (!(remote instanceof InetSocketAddress peer)) return false;
            NettyApi api = NettyApi.of(channel);
            if (!api.streamChannel) return false;
            long bytes = table.writeThrottle != null ? api.flushedBytes(outbound) : 0;
            // relative, as for reads: the clock is read only once a rule matched
            Verdict verdict = Verdict.of(table.write, table.writeThrottle, peer, localPort(local), bytes);
            if (verdict == null) return false;
            if (verdict.error != null) {
                Throwable failure = NetworkInjector.failure(verdict.error, api.connectionReset(channel, false));
                if (!api.handleWriteError(unsafe, failure)) {
                    api.fireExceptionCaught(api.pipelineOf(channel), failure);
                    api.close(unsafe);
                }
                return true;
            }
            long wait = verdict.wait;
            if (wait == 0) return false;
            long now = System.nanoTime();
            if (held == null) held = hold(channel, api, null);
            held.writeHeld = true;
            held.writeDue = due(now, wait);
            held.writeBy = verdict.by;
            held.writeCharged = bytes;
            held.scheduleWrite(now);
            return true;
        } catch (Throwable t) {
            InternalErrors.report(t);
            return false;
        }
    }

    // connect

    static boolean connect(
            FaultRule[] rules, Object context, SocketAddress remote, SocketAddress local, Object promise) {
        try {
            if (!(remote instanceof InetSocketAddress)) return false;
            NettyApi api = NettyApi.of(context);
            Object channel = api.contextChannel(context);
            if (!NettyApi.of(channel).streamChannel) return false;
            // as the JDK connect hooks: no local port yet
            Verdict verdict = Verdict.of(rules, null, (InetSocketAddress) remote, 0, 0);
            if (verdict == null) return false;
            if (verdict.error != null) {
                Throwable cause = NetworkInjector.failure(verdict.error, api.connectionRefused(channel));
                // NIO and epoll annotate a failed connect with the address; io_uring's completion does not
                if (NettyApi.transport(channel) != NettyApi.Transport.IO_URING) {
                    cause = api.annotateConnectException(api.unsafe(channel), cause, remote);
                }
                api.tryFailure(promise, cause);
                return true;
            }
            if (verdict.wait == 0) return false;
            long now = System.nanoTime();
            long due = due(now, verdict.wait);
            FaultRule by = verdict.by;
            int timeoutMillis = api.connectTimeoutMillis(channel);
            long timeoutAt = timeoutMillis > 0 ? now + timeoutMillis * 1_000_000L : 0;
            HeldConnect held = new HeldConnect(api, channel, remote, local, promise, due, by, timeoutMillis, timeoutAt);
            CONNECTS.add(held);
            watch(api, held.loop);
            held.schedule(now);
            return true;
        } catch (Throwable t) {
            InternalErrors.report(t);
            return false;
        }
    }

    private static int localPort(SocketAddress local) {
        return local instanceof InetSocketAddress l ? l.getPort() : 0;
    }

    /** When a hold of {@code wait} nanoseconds from {@code now} ends; {@code Long.MAX_VALUE}: never by itself. */
    private static long due(long now, long wait) {
        return wait == Long.MAX_VALUE ? Long.MAX_VALUE : now + wait;
    }

    /** The channel's held state; no map look-up while nothing is held anywhere (a rule for another peer). */
    private static Held held(Object channel) {
        return NettyState.nothingHeld() ? null : HELD.get(channel);
    }

    private static Held hold(Object channel, NettyApi api, Object pipeline) throws Throwable {
        Held held = new Held(channel, api, pipeline, api.eventLoop(channel));
        HELD.put(channel, held);
        NettyState.held();
        watch(api, held.loop);
        return held;
    }

    private static void watch(NettyApi api, Object loop) {
        if (!WATCHED.add(loop)) return;
        try {
            api.whenTerminated(loop, () -> released(loop));
        } catch (Throwable t) {
            WATCHED.remove(loop);
            InternalErrors.report(t);
        }
    }

    /**
     * A loop terminated: a shutdown closes its channels and cancels its scheduled tasks, so what they held would
     * never be delivered, flushed or released. Released here, on Netty's notifier thread: the loop's thread has
     * ended, and its termination happens before this runs.
     */
    private static void released(Object loop) {
        WATCHED.remove(loop);
        for (Held held : HELD.values()) {
            if (held.loop == loop) held.abandon();
        }
        for (HeldConnect connect : CONNECTS) {
            if (connect.loop == loop) connect.abandon();
        }
    }

    /** Ready when due, or when the rule that held it was removed or expired (no fault outlives its ttl). */
    private static boolean ready(long due, FaultRule by, long now) {
        return now - due >= 0 || (by != null && (!by.isActive() || by.isExpired(now)));
    }

    /** When to look again: at the due time, and every slice while a rule could end earlier. */
    private static long untilDue(long due, FaultRule by, long now) {
        long left = due == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, due - now);
        return by != null ? Math.min(left, SLICE_NANOS) : left;
    }

    private record HeldRead(Object msg, long due, FaultRule by) {}

    /** What one channel has held back: its reads in arrival order, and whether its writes wait for a flush. */
    private static final class Held {
        final Object channel;
        final NettyApi api;
        Object pipeline;
        final ScheduledExecutorService loop;
        final ArrayDeque<HeldRead> reads = new ArrayDeque<>();
        boolean drainScheduled;
        boolean delivering;
        boolean readFailed;
        boolean writeHeld;
        long writeDue;
        FaultRule writeBy;
        /** The flushed bytes a write throttle has paced so far in this hold. */
        long writeCharged;

        boolean flushing;

        Held(Object channel, NettyApi api, Object pipeline, ScheduledExecutorService loop) {
            this.channel = channel;
            this.api = api;
            this.pipeline = pipeline;
            this.loop = loop;
        }

        void scheduleDrain(long now) {
            if (drainScheduled || reads.isEmpty()) return;
            HeldRead head = reads.peek();
            drainScheduled = true;
            if (!schedule(this::drain, untilDue(head.due, head.by, now))) {
                for (HeldRead r; (r = reads.poll()) != null; ) api.release(r.msg);
                drainScheduled = false;
                retireIfIdle();
            }
        }

        /** Hands every read that is due to the pipeline, in order, then readComplete, as a read loop does. */
        void drain() {
            drainScheduled = false;
            long now = System.nanoTime();
            boolean delivered = false;
            try {
                // a closed channel's held reads go at once (released below), whatever holds them
                while (!reads.isEmpty() && (ready(reads.peek().due, reads.peek().by, now) || !api.isActive(channel))) {
                    Object msg = reads.poll().msg;
                    if (!api.isActive(channel)) {
                        api.release(msg); // closed meanwhile: the pipeline has seen channelInactive
                        continue;
                    }
                    delivering = true;
                    try {
                        api.fireChannelRead(pipeline, msg);
                    } finally {
                        delivering = false;
                    }
                    delivered = true;
                }
                if (delivered) api.fireChannelReadComplete(pipeline);
            } catch (Throwable t) {
                InternalErrors.report(t);
            }
            if (reads.isEmpty()) retireIfIdle();
            else scheduleDrain(System.nanoTime());
        }

        void scheduleWrite(long now) {
            if (!schedule(this::releaseWrite, untilDue(writeDue, writeBy, now))) {
                writeHeld = false;
                retireIfIdle();
            }
        }

        /**
         * A flush while the writes are held: the bytes flushed since the hold began (what the held flush will
         * write besides the ones already paced) are paced by the throttles too, after those, and the hold ends
         * when they are due.
         */
        void chargeWrites(FaultRule[] throttles, Object outbound, InetSocketAddress peer, int localPort)
                throws Throwable {
            long flushed = api.flushedBytes(outbound);
            long more = flushed - writeCharged;
            if (more <= 0) return;
            writeCharged = flushed;
            Verdict verdict = Verdict.of(null, throttles, peer, localPort, more);
            if (verdict == null || verdict.wait == 0) return;
            long due = due(System.nanoTime(), verdict.wait);
            if (writeDue != Long.MAX_VALUE && due - writeDue > 0) {
                writeDue = due; // the task already scheduled finds it not ready yet and waits on
                if (writeBy == null) writeBy = verdict.by;
            }
        }

        void releaseWrite() {
            long now = System.nanoTime();
            try {
                // a closed channel's hold ends at once: its outbound buffer has failed the writes already
                if (!ready(writeDue, writeBy, now) && api.isActive(channel)) {
                    scheduleWrite(now);
                    return;
                }
            } catch (Throwable t) {
                InternalErrors.report(t);
            }
            writeHeld = false;
            writeBy = null;
            flushing = true;
            try {
                api.flush(api.unsafe(channel));
            } catch (Throwable t) {
                InternalErrors.report(t);
            } finally {
                flushing = false;
            }
            retireIfIdle();
        }

        /** A task on the loop; if the loop is shutting down, the failure is moot: nothing stays held. */
        void execute(Runnable task) {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException shutDown) {
                readFailed = false;
                for (HeldRead r; (r = reads.poll()) != null; ) api.release(r.msg);
                retireIfIdle();
            }
        }

        boolean schedule(Runnable task, long nanos) {
            try {
                loop.schedule(task, nanos, TimeUnit.NANOSECONDS);
                return true;
            } catch (RejectedExecutionException shutDown) {
                return false;
            }
        }

        /** Its loop has terminated: the held reads are released; the closed channel failed its held writes. */
        void abandon() {
            for (HeldRead r; (r = reads.poll()) != null; ) api.release(r.msg);
            drainScheduled = false;
            writeHeld = false;
            readFailed = false;
            retireIfIdle();
        }

        void retireIfIdle() {
            if (reads.isEmpty() && !drainScheduled && !writeHeld && !readFailed && HELD.remove(channel, this)) {
                NettyState.released();
            }
        }
    }

    /** A connect that starts late; the channel's connect timeout runs from the caller's connect, as Netty's does. */
    private static final class HeldConnect implements Runnable {
        final NettyApi api;
        final Object channel;
        final SocketAddress remote;
        final SocketAddress local;
        final Object promise;
        final long due;
        final FaultRule by;
        final int timeoutMillis;
        final long timeoutAt;
        final ScheduledExecutorService loop;

        HeldConnect(
                NettyApi api,
                Object channel,
                SocketAddress remote,
                SocketAddress local,
                Object promise,
                long due,
                FaultRule by,
                int timeoutMillis,
                long timeoutAt)
                throws Throwable {
            this.api = api;
            this.channel = channel;
            this.remote = remote;
            this.local = local;
            this.promise = promise;
            this.due = due;
            this.by = by;
            this.timeoutMillis = timeoutMillis;
            this.timeoutAt = timeoutAt;
            this.loop = api.eventLoop(channel);
        }

        void schedule(long now) {
            long wait = untilDue(due, by, now);
            if (timeoutAt != 0) wait = Math.min(wait, Math.max(0, timeoutAt - now));
            try {
                loop.schedule(this, wait, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shutDown) {
                abandon();
            }
        }

        /**
         * Its loop has terminated (or refuses tasks): the channel is closed, so the connect fails as any connect of
         * a closed channel does, through the transport's own check; a promise no one completes would hang its
         * caller.
         */
        void abandon() {
            if (!CONNECTS.remove(this)) return;
            try {
                if (api.isDone(promise)) return;
                if (api.isOpen(channel)) api.tryFailure(promise, new ClosedChannelException());
                else api.connect(api.unsafe(channel), remote, local, promise);
            } catch (Throwable t) {
                InternalErrors.report(t);
            }
        }

        @Override
        public void run() {
            boolean again = false;
            try {
                if (api.isDone(promise)) return; // cancelled meanwhile
                long now = System.nanoTime();
                // closed meanwhile: the transport's connect fails the promise as it fails any connect of a closed
                // channel
                if (ready(due, by, now) || !api.isOpen(channel)) {
                    api.connect(api.unsafe(channel), remote, local, promise);
                } else if (timeoutAt != 0 && now - timeoutAt >= 0) {
                    // as the transport's own connect timeout: fail the promise, then close the channel
                    String message = NettyApi.transport(channel) == NettyApi.Transport.IO_URING
                            ? "connection timed out: " + remote
                            : "connection timed out after " + timeoutMillis + " ms: " + remote;
                    api.tryFailure(promise, api.connectTimeout(message));
                    api.close(api.unsafe(channel));
                } else {
                    again = true;
                    schedule(now);
                }
            } catch (Throwable t) {
                InternalErrors.report(t);
            } finally {
                if (!again) CONNECTS.remove(this);
            }
        }
    }
}
