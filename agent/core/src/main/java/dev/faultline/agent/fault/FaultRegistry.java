package dev.faultline.agent.fault;

import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import dev.faultline.agent.spec.SpecException;
import dev.faultline.agent.spec.SpecParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    /**
     * What puts the network hooks in place (Byte Buddy's first run: a few hundred ms and ~1000 classes of a cold
     * JVM), run once, on its own thread, when the first fault of {@link #hooksFor} is armed: a JVM in which no network
     * fault is ever armed never pays for it (method and protocol rules install their own hooks). Null once it has
     * started, or when the hooks were installed before this registry was used (a faults file).
     */
    private Runnable hooksInstaller;
    /** The handler whose faults need the hooks (the network one). */
    private FaultHandler hooksFor;
    /** Opened once the hooks are in place; arm() waits for it so no fault is accepted before it can act. */
    private final CountDownLatch hooksInstalled = new CountDownLatch(1);

    /** Installs the hooks on the first arm() of a fault {@code handler} takes; see {@link #hooksInstaller}. */
    public synchronized void installHooksOnFirstArm(FaultHandler handler, Runnable installer) {
        this.hooksFor = handler;
        this.hooksInstaller = installer;
    }

    /**
     * Starts installing the hooks now, ahead of the first fault (an attached agent: a fault follows at once), so the
     * first add() finds them in place or waits only for the rest.
     */
    public synchronized void installHooksNow() {
        startHooksInstaller(hooksFor);
    }

    /** The hooks are in place already (installed before main() for a faults file). */
    public void hooksInstalled() {
        hooksInstalled.countDown();
    }

    /**
     * One armed fault. {@code installed} turns true once its handler has armed it (for a method rule: after the
     * retransformation); until then only the arming thread may disarm it in the handler.
     */
    private static final class Entry {
        final FaultRule rule;
        final FaultHandler handler;
        ScheduledFuture<?> expiry;
        boolean installed;
        boolean removed;

        Entry(FaultRule rule, FaultHandler handler) {
            this.rule = rule;
            this.handler = handler;
        }
    }

    /** Restores what clear() disarmed (a method rule's original bytes), so that clear() itself never waits for it. */
    private final ExecutorService restorer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "faultline-restore");
        t.setDaemon(true);
        return t;
    });

    public void addHandler(FaultHandler handler) {
        handlers.add(handler);
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Arms a spec; returns its id. Throws {@link SpecException} and changes nothing if the spec is bad. The
     * registry lock is not held while the handler arms (a broad method rule retransforms for seconds): the
     * entry is visible from the start, so a clear() meanwhile deactivates it at once, and this thread then
     * undoes what the handler did and reports the fault as cleared.
     */
    public String arm(String text) {
        FaultSpec spec = SpecParser.parse(text);
        FaultHandler handler = handlers.stream()
                .filter(h -> h.accepts(spec))
                .findFirst()
                .orElseThrow(() -> new SpecException(spec.action().word()
                        + (spec.where().hook() != null
                                ? " on=" + spec.where().hook().word()
                                : "") + ": not supported by this agent"));
        ThrowableFactory exceptions = handler.prepare(spec);
        awaitHooks(handler);
        String id = "f" + ids.incrementAndGet();
        Entry e = new Entry(new FaultRule(id, spec, exceptions), handler);
        lock.lock();
        try {
            rules.put(id, e);
        } finally {
            lock.unlock();
        }
        try {
            handler.arm(e.rule);
        } catch (RuntimeException ex) {
            lock.lock();
            try {
                rules.remove(id);
            } finally {
                lock.unlock();
            }
            throw ex;
        }
        lock.lock();
        try {
            e.installed = true;
            if (!e.removed) {
                e.expiry = spec.gates().ttlNanos() > 0
                        ? expiry.schedule(() -> expire(id), spec.gates().ttlNanos(), TimeUnit.NANOSECONDS)
                        : null;
                log.info("armed {}: {}", id, spec.canonical());
                listeners.forEach(l -> l.armed(e.rule));
                return id;
            }
        } finally {
            lock.unlock();
        }
        restore(e); // disarmed while it was being armed: it never acted (inactive), and now its changes go too
        throw new IllegalStateException(id + " was cleared or removed while it was being armed; it is not armed");
    }

    private void awaitHooks(FaultHandler handler) {
        if (!startHooksInstaller(handler)) return;
        try {
            if (!hooksInstalled.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the agent's hooks are still being installed; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the agent's hooks");
        }
    }

    /**
     * Starts the installer if {@code handler}'s faults need it; returns whether arming must wait for the hooks: not
     * for another family's fault while the installer has not started (once it has, every fault waits for it, so no
     * two first installations retransform at once).
     */
    private synchronized boolean startHooksInstaller(FaultHandler handler) {
        Runnable installer = hooksInstaller;
        if (installer == null) return true;
        if (handler != hooksFor) return false;
        hooksInstaller = null;
        // a thread of our own: it is exempt from faults, and the arming thread (often an RMI one) only waits
        Thread t = new Thread(
                () -> {
                    try {
                        installer.run();
                    } finally {
                        hooksInstalled.countDown();
                    }
                },
                "faultline-install");
        t.setDaemon(true);
        t.start();
        return true;
    }

    /** Disarms one fault, its changes undone before this returns (unless it is still being armed: see arm()). */
    public boolean remove(String id) {
        Entry e = take(id, "removed");
        if (e == null) return false;
        if (e.installed) restore(e);
        return true;
    }

    private void expire(String id) {
        remove(id);
    }

    /**
     * The kill switch: every fault stops acting before this returns (one volatile write each, seen by the next
     * hooked call); their changes (a method rule's bytes) are undone right after on a thread of their own, so
     * clear() never waits for a retransformation, its own or one in progress.
     */
    public int clear() {
        List<Entry> cleared = new ArrayList<>();
        lock.lock();
        try {
            for (String id : new ArrayList<>(rules.keySet())) cleared.add(take(id, "cleared"));
        } finally {
            lock.unlock();
        }
        for (Entry e : cleared) {
            if (e.installed) restorer.execute(() -> restore(e));
        }
        return cleared.size();
    }

    /** Out of the table and inactive at once; returns the entry, or null if there is none. */
    private Entry take(String id, String why) {
        Entry e;
        lock.lock();
        try {
            e = rules.remove(id);
            if (e == null) return null;
            e.rule.deactivate();
            e.removed = true;
            if (e.expiry != null) e.expiry.cancel(false);
        } finally {
            lock.unlock();
        }
        log.info("disarmed {} ({}): injected {} times", id, why, e.rule.injectedCount());
        if (e.installed) listeners.forEach(l -> l.disarmed(e.rule, why));
        return e;
    }

    private void restore(Entry e) {
        try {
            e.handler.disarm(e.rule);
        } catch (RuntimeException ex) {
            log.error("disarming {} failed; it is inactive but may not be fully reverted", e.rule.id(), ex);
        }
    }

    public List<FaultRule> active() {
        lock.lock();
        try {
            List<FaultRule> out = new ArrayList<>();
            rules.values().stream().filter(e -> e.installed).forEach(e -> out.add(e.rule));
            return out;
        } finally {
            lock.unlock();
        }
    }
}
