package dev.faultline.agent.process;

import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.agent.bootstrap.Gates;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import dev.faultline.agent.fault.FaultHandler;
import dev.faultline.agent.fault.FaultRegistry;
import dev.faultline.agent.spec.SpecException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process faults: {@code exit}, {@code halt} and {@code stress}. Each runs on its own {@code faultline-}
 * thread that first waits out {@code after=}, then asks the rule's gate once (so {@code probability} is one
 * throw of the dice), then acts. Stress ends at {@code for=}, or earlier on remove, clear or ttl; then the
 * fault removes itself from the registry, so nothing outlives its time limit.
 */
public final class ProcessFaults implements FaultHandler {
    private static final Logger log = LoggerFactory.getLogger(ProcessFaults.class);
    private static final int MAX_CPU_THREADS_PER_CORE = 8;

    private final Supplier<FaultRegistry> registry;
    private final Map<FaultRule, ProcessFault> running = new IdentityHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();

    /** @param registry where a finished fault removes itself (may answer null before the agent is up) */
    public ProcessFaults(Supplier<FaultRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public boolean accepts(FaultSpec spec) {
        return spec.action().isProcessFault();
    }

    @Override
    public ThrowableFactory prepare(FaultSpec spec) {
        if (spec.effect() instanceof Effect.Stress stress) {
            if (stress.memoryBytes() > 0 && !spec.force()) {
                Runtime rt = Runtime.getRuntime();
                long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
                if (stress.memoryBytes() > free) {
                    throw new SpecException(
                            "memory=" + Sizes.format(stress.memoryBytes()) + ": more than the heap can give (max "
                                    + Sizes.format(rt.maxMemory()) + ", " + Sizes.format(free)
                                    + " free now); ask for less, or add force=true to fill the heap and risk OutOfMemoryError");
                }
            }
            int limit = Runtime.getRuntime().availableProcessors() * MAX_CPU_THREADS_PER_CORE;
            if (stress.cpuThreads() > limit && !spec.force()) {
                throw new SpecException("cpu=" + stress.cpuThreads() + ": more than " + limit + " busy threads ("
                        + MAX_CPU_THREADS_PER_CORE + " per available processor); add force=true to insist");
            }
        }
        Gates gates = spec.gates();
        if (gates.every() > 0 || gates.limit() > 0) {
            throw new SpecException((gates.every() > 0 ? "every=" + gates.every() : "limit=" + gates.limit()) + ": "
                    + spec.action().word() + " happens once; only after=, probability=, seed= and ttl= gate it");
        }
        return ThrowableFactory.HOOK_DEFAULT;
    }

    @Override
    public void arm(FaultRule rule) {
        Effect effect = rule.spec().effect();
        ProcessFault fault;
        if (effect instanceof Effect.ProcessEnd end) fault = new ProcessEnd(rule, end);
        else if (effect instanceof Effect.Stress stress)
            fault = stress.cpuThreads() > 0 ? new CpuStress(rule, stress) : new MemoryStress(rule, stress);
        else throw new SpecException(rule.spec().action().word() + " is not a process fault");
        lock.lock();
        try {
            running.put(rule, fault);
        } finally {
            lock.unlock();
        }
        fault.start(() -> finished(rule));
    }

    @Override
    public void disarm(FaultRule rule) {
        ProcessFault fault;
        lock.lock();
        try {
            fault = running.remove(rule);
        } finally {
            lock.unlock();
        }
        if (fault != null) fault.stop();
    }

    /** Called by a fault's own thread when it has done all it will do. */
    private void finished(FaultRule rule) {
        FaultRegistry r = registry.get();
        if (r != null && rule.isActive()) r.remove(rule.id());
    }
}
