package dev.faultline.agent.bootstrap;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether the Netty hooks have anything to do, in one int read once per Netty call: bit 0 = rules armed for reads,
 * bit 1 = rules armed for writes, the bits above = the channels with something held back. An idle event loop then
 * pays one load and a branch per read or flush (three dependent loads before: the table, its arrays, the count).
 * The flags follow {@link Hooks#table}: set after a new table is published, so a hook that sees one also sees the
 * rules; a hook that reads a flag just before it is set or just after it is cleared takes the slow path, which reads
 * the table again and finds the rules (or none) there.
 */
final class NettyState {
    private static final int READS = 1;
    private static final int WRITES = 2;
    /** One channel held back: the count lives above the two flags. */
    private static final int HELD = 4;

    private static final AtomicInteger STATE = new AtomicInteger();

    private NettyState() {}

    /** No read rule armed and nothing held back on any channel. */
    static boolean readIdle() {
        return (STATE.get() & ~WRITES) == 0;
    }

    /** No write rule armed and nothing held back on any channel. */
    static boolean flushIdle() {
        return (STATE.get() & ~READS) == 0;
    }

    static boolean nothingHeld() {
        return STATE.get() < HELD;
    }

    /** The flags of {@code table}, just published. */
    static void follow(RuleTable table) {
        int flags = (table.read != null || table.readThrottle != null ? READS : 0)
                | (table.write != null || table.writeThrottle != null ? WRITES : 0);
        for (int s = STATE.get(); !STATE.compareAndSet(s, (s & ~(READS | WRITES)) | flags); s = STATE.get()) {}
    }

    static void held() {
        STATE.addAndGet(HELD);
    }

    static void released() {
        STATE.addAndGet(-HELD);
    }
}
