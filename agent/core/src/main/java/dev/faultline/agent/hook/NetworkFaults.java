package dev.faultline.agent.hook;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.agent.bootstrap.Hook;
import dev.faultline.agent.bootstrap.Hooks;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import dev.faultline.agent.fault.FaultHandler;
import dev.faultline.agent.spec.SpecException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/** Arms {@code on=connect|read|write|dns} faults by publishing a new rule table to {@link Hooks}. */
public final class NetworkFaults implements FaultHandler {
    private final List<FaultRule> rules = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public boolean accepts(FaultSpec spec) {
        return spec.where().hook() != null && spec.where().hook().isNetwork();
    }

    @Override
    public ThrowableFactory prepare(FaultSpec spec) {
        Class<?> declared = spec.where().hook() == Hook.DNS ? UnknownHostException.class : IOException.class;
        return SpecException.refusing(
                () -> ThrowableFactory.forSpec(spec, ClassLoader.getSystemClassLoader(), declared));
    }

    @Override
    public void arm(FaultRule rule) {
        lock.lock();
        try {
            rules.add(rule);
            publish();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void disarm(FaultRule rule) {
        lock.lock();
        try {
            rules.remove(rule);
            publish();
        } finally {
            lock.unlock();
        }
    }

    private void publish() {
        FaultRule[] connect = select(Hook.CONNECT, false),
                read = select(Hook.READ, false),
                readThrottle = select(Hook.READ, true),
                write = select(Hook.WRITE, false),
                writeThrottle = select(Hook.WRITE, true),
                dns = select(Hook.DNS, false);
        Hooks.publish(table -> table.withNetwork(connect, read, readThrottle, write, writeThrottle, dns));
    }

    /** null, not an empty array, when nothing is armed: the hooks' fast path tests for null. */
    private FaultRule[] select(Hook hook, boolean throttle) {
        FaultRule[] out = rules.stream()
                .filter(r -> r.where().hook() == hook && (r.action() == Action.THROTTLE) == throttle)
                .toArray(FaultRule[]::new);
        return out.length == 0 ? null : out;
    }
}
