package dev.faultline.agent.fault;

import dev.faultline.agent.spec.FaultSpec;
import dev.faultline.agent.spec.SpecException;
import dev.faultline.agent.spec.SpecParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/** The armed faults: arm, disarm, expire. The control plane (JMX, faults file) goes through here only. */
public final class FaultRegistry {
    /** Told when a fault is armed or disarmed (per-fault MBeans, logs). */
    public interface Listener {
        void armed(FaultRule rule);

        void disarmed(FaultRule rule, String why);
    }

    private static final Logger log = LoggerFactory.getLogger(FaultRegistry.class);

    private final List<FaultHandler> handlers = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Entry> rules = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "faultline-expiry");
        t.setDaemon(true);
        return t;
    });

    /** Opened once the hooks are in place; arm() waits for it so no fault is accepted before it can act. */
    private volatile java.util.concurrent.CountDownLatch hooksInstalled = new java.util.concurrent.CountDownLatch(0);

    public void hooksInstalling(java.util.concurrent.CountDownLatch latch) {
        this.hooksInstalled = latch;
    }

    private record Entry(FaultRule rule, FaultHandler handler, ScheduledFuture<?> expiry) {
    }

    public void addHandler(FaultHandler handler) {
        handlers.add(handler);
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Arms a spec; returns its id. Throws {@link SpecException} and changes nothing if the spec is bad. */
    public String arm(String text) {
        FaultSpec spec = SpecParser.parse(text);
        FaultHandler handler = handlers.stream().filter(h -> h.accepts(spec)).findFirst()
                .orElseThrow(() -> new SpecException(spec.action().word()
                        + (spec.hook() != null ? " on=" + spec.hook().word() : "") + ": not supported by this agent"));
        ThrowableFactory exceptions = handler.prepare(spec);
        awaitHooks();
        lock.lock();
        try {
            String id = "f" + ids.incrementAndGet();
            FaultRule rule = new FaultRule(id, spec, exceptions);
            handler.arm(rule);
            ScheduledFuture<?> timer = spec.ttlNanos() > 0
                    ? expiry.schedule(() -> expire(id), spec.ttlNanos(), TimeUnit.NANOSECONDS) : null;
            rules.put(id, new Entry(rule, handler, timer));
            log.info("armed {}: {}", id, spec.canonical());
            listeners.forEach(l -> l.armed(rule));
            return id;
        } finally {
            lock.unlock();
        }
    }

    private void awaitHooks() {
        try {
            if (!hooksInstalled.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the agent's hooks are still being installed; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the agent's hooks");
        }
    }

    public boolean remove(String id) {
        return disarm(id, "removed");
    }

    private void expire(String id) {
        disarm(id, "expired");
    }

    private boolean disarm(String id, String why) {
        Entry e;
        lock.lock();
        try {
            e = rules.remove(id);
            if (e == null) return false;
            e.rule.deactivate();
            if (e.expiry != null) e.expiry.cancel(false);
            try {
                e.handler.disarm(e.rule);
            } catch (RuntimeException ex) {
                log.error("disarming {} failed; it is inactive but may not be fully reverted", id, ex);
            }
        } finally {
            lock.unlock();
        }
        log.info("disarmed {} ({}): injected {} times", id, why, e.rule.injectedCount());
        listeners.forEach(l -> l.disarmed(e.rule, why));
        return true;
    }

    /** The kill switch. */
    public int clear() {
        List<String> ids;
        lock.lock();
        try {
            ids = new ArrayList<>(rules.keySet());
        } finally {
            lock.unlock();
        }
        int n = 0;
        for (String id : ids) {
            if (disarm(id, "cleared")) n++;
        }
        return n;
    }

    public List<FaultRule> active() {
        lock.lock();
        try {
            List<FaultRule> out = new ArrayList<>();
            rules.values().forEach(e -> out.add(e.rule));
            return out;
        } finally {
            lock.unlock();
        }
    }
}
