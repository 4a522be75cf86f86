package dev.faultline.agent.process;

import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.FaultRule;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code stress memory=SIZE for=D}: holds SIZE bytes of heap in 256 KiB arrays (zeroed, so really committed)
 * until for=, remove, clear or ttl, then drops them for the next collection to reclaim. 256 KiB stays under
 * half of G1's smallest region, so no array is "humongous" and the heap holds what was asked, not twice it.
 */
final class MemoryStress extends ProcessFault {
    private static final int CHUNK = 256 << 10;
    private List<byte[]> held;

    private final long bytes;

    MemoryStress(FaultRule rule, Effect.Stress stress) {
        super(rule);
        this.bytes = stress.memoryBytes();
    }

    @Override
    void act() {
        long want = bytes;
        long deadline = stressDeadline();
        held = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, want / CHUNK + 1));
        long got = 0;
        try {
            while (got < want && !stopped) {
                int size = (int) Math.min(CHUNK, want - got);
                byte[] chunk = new byte[size];
                chunk[size - 1] = 1;
                held.add(chunk);
                got += size;
            }
        } catch (OutOfMemoryError e) {
            if (!held.isEmpty()) got -= held.remove(held.size() - 1).length; // leave the service some room
            log.warn("{}: the heap gave only {} of {} (force=true)", rule.id(), Sizes.format(got), Sizes.format(want));
        }
        log.info("{}: holding {} of heap", rule.id(), Sizes.format(got));
        waitUntil(deadline);
        held = null;
        log.info("{}: released {} of heap", rule.id(), Sizes.format(got));
    }
}
