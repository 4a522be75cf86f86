package dev.faultline.agent.method;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.agent.bootstrap.Hook;
import dev.faultline.agent.bootstrap.Hooks;
import dev.faultline.agent.bootstrap.MethodHooks;
import dev.faultline.agent.bootstrap.MethodInjector;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import dev.faultline.agent.fault.FaultHandler;
import dev.faultline.agent.instrument.Installer;
import dev.faultline.agent.spec.SpecException;
import dev.faultline.agent.spec.SpecParser;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code on=method} faults. A rule gets its own Byte Buddy transformer: installing it retransforms the loaded
 * classes it matches (and it transforms matching classes loaded later, for as long as the rule lives);
 * removing the rule resets that transformer, which retransforms those classes without it, so the last rule
 * for a class gives the class back its original bytes. Advice is added without changing the class format.
 */
public final class MethodFaults implements FaultHandler {
    private static final Logger log = LoggerFactory.getLogger(MethodFaults.class);
    public static final AtomicInteger TRANSFORM_ERRORS = new AtomicInteger();
    /**
     * Classes per retransformation. The JVM swaps a batch at one safepoint, every thread stopped: a class=* rule's
     * thousands of classes in one batch held it for 100-800 ms on a busy 2-core machine, and clear() (the kill
     * switch) with it. In batches of this size each stop is a few milliseconds.
     */
    static final int BATCH = 50;

    private static final AgentBuilder.RedefinitionStrategy.BatchAllocator BATCHES =
            AgentBuilder.RedefinitionStrategy.BatchAllocator.ForFixedSize.ofSize(BATCH);

    private final Instrumentation inst;
    private final ClassFileLocator adviceBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<FaultSpec, MethodSelector> prepared = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Map<FaultRule, MethodRule> armed = new IdentityHashMap<>();
    /** Slots whose classes could not all be restored: never handed to another rule. */
    private final Set<Integer> quarantined = new LinkedHashSet<>();
    /** The hook path has run once (see warmUp()); guarded by lock. */
    private boolean warm;

    public MethodFaults(Instrumentation inst, ClassFileLocator adviceBytes) {
        this.inst = inst;
        this.adviceBytes = adviceBytes;
    }

    @Override
    public boolean accepts(FaultSpec spec) {
        return spec.where().hook() == Hook.METHOD;
    }

    @Override
    public ThrowableFactory prepare(FaultSpec spec) {
        if (spec.action() != Action.LATENCY && spec.action() != Action.ERROR && spec.action() != Action.HANG) {
            throw new SpecException(spec.action().word() + " on=method: a method fault is latency, error or hang");
        }
        MethodSelector byName = new MethodSelector(spec, null);
        String refused = byName.protectedPackage();
        if (refused != null) {
            throw new SpecException(
                    "class=" + spec.where().classPattern() + ": " + refused
                            + "* is never instrumented: it is the JDK core"
                            + " the hook runs on or the JMX/RMI path that removes faults (a rule there could lock the operator out)");
        }
        List<Class<?>> matched = scan(byName);
        String literal = byName.literalClassName();
        if (literal != null && matched.stream().noneMatch(c -> c.getName().equals(literal))) {
            Class<?> loaded = load(literal);
            if (loaded == null) {
                throw new SpecException(
                        "class=" + spec.where().classPattern() + ": no class " + literal
                                + " is loaded or loadable from the system class loader; to wait for classes not loaded yet, use a glob (*)");
            }
            if (byName.matches(loaded) && !matched.contains(loaded)) matched.add(loaded);
        }
        List<Method> named = new ArrayList<>();
        boolean unreadable = false;
        for (Class<?> c : matched) {
            try {
                for (Method m : c.getDeclaredMethods()) if (byName.namedLike(m)) named.add(m);
            } catch (LinkageError e) {
                unreadable = true; // a signature names a class this loader cannot see; the transformer still decides
            }
        }
        if (!matched.isEmpty() && named.isEmpty() && !unreadable) {
            throw new SpecException("method=" + spec.where().methodPattern() + ": no method of "
                    + describe(matched, spec) + " is named like that");
        }

        ThrowableFactory factory;
        Set<String> checkedNames = null;
        if (spec.effect() instanceof Effect.Failure failure && failure.exception() != null) {
            ClassLoader loader = named.isEmpty()
                    ? (matched.isEmpty()
                            ? ClassLoader.getSystemClassLoader()
                            : matched.get(0).getClassLoader())
                    : named.get(0).getDeclaringClass().getClassLoader();
            factory = SpecException.refusing(
                    () -> ThrowableFactory.forSpec(spec, loader, Throwable.class)); // existence, Throwable, constructor
            Class<?> type = exceptionClass(failure.exception(), loader);
            boolean checked = !RuntimeException.class.isAssignableFrom(type) && !Error.class.isAssignableFrom(type);
            if (checked && !spec.force()) {
                checkedNames = new HashSet<>();
                for (Class<?> t = type; t != null; t = t.getSuperclass()) checkedNames.add(t.getName());
                MethodSelector check = new MethodSelector(spec, checkedNames);
                for (Method m : named) {
                    if (!check.declaresException(m)) {
                        throw new SpecException("exception=" + failure.exception() + ": a checked exception that "
                                + m.getDeclaringClass().getName() + "." + m.getName() + " does not declare"
                                + "; use an unchecked exception, narrow method=, or add force=true");
                    }
                }
            }
        } else {
            factory = SpecException.refusing(() -> ThrowableFactory.forSpec(spec, ClassLoader.getSystemClassLoader()));
        }
        prepared.put(spec, new MethodSelector(spec, checkedNames));
        return factory;
    }

    @Override
    public void arm(FaultRule rule) {
        MethodSelector selector = prepared.remove(rule.spec());
        if (selector == null) selector = new MethodSelector(rule.spec(), null);
        lock.lock();
        try {
            if (!warm) {
                warmUp(); // before the first rule's advice can call the hook path
                warm = true;
            }
            MethodRule mr = new MethodRule(freeSlot(), rule, selector);
            publish(mr.slot, mr);
            try {
                mr.transformer = transformer(mr).installOn(inst);
            } catch (RuntimeException | LinkageError e) {
                publish(mr.slot, null);
                throw new SpecException("class=" + rule.where().classPattern() + ": could not instrument: " + e);
            }
            armed.put(rule, mr);
            log.info(
                    "{}: {} loaded class(es) instrumented for class={} method={}{}",
                    rule.id(),
                    mr.transformedTypes.get(),
                    rule.where().classPattern(),
                    rule.where().methodPattern(),
                    mr.transformErrors.get() > 0 ? " (" + mr.transformErrors.get() + " classes failed)" : "");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void disarm(FaultRule rule) {
        lock.lock();
        try {
            MethodRule mr = armed.remove(rule);
            if (mr == null) return;
            publish(mr.slot, null); // injections stop now; the restore below removes the advice itself
            AtomicInteger failed = new AtomicInteger();
            if (mr.transformer != null) {
                mr.transformer.reset(
                        inst,
                        AgentBuilder.RedefinitionStrategy.RETRANSFORMATION,
                        discovery(mr.selector),
                        BATCHES,
                        new RestoreListener(failed));
            }
            if (failed.get() > 0) {
                quarantined.add(mr.slot);
                log.warn(
                        "{}: {} batch(es) of classes could not be restored to their original bytes; their advice stays, inert",
                        rule.id(),
                        failed.get());
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many loaded classes the rule's transformer has changed (for tests and list output). */
    public int transformedTypes(String ruleId) {
        lock.lock();
        try {
            return armed.values().stream()
                    .filter(m -> m.rule.id().equals(ruleId))
                    .mapToInt(m -> m.transformedTypes.get())
                    .sum();
        } finally {
            lock.unlock();
        }
    }

    private AgentBuilder transformer(MethodRule mr) {
        Advice advice = Advice.withCustomMapping().bind(RuleSlot.class, mr.slot).to(MethodAdvice.class, adviceBytes);
        MethodSelector selector = mr.selector;
        return Installer.recipe(new CountingListener(mr), discovery(selector), BATCHES)
                .assureReadEdgeTo(inst, MethodHooks.class)
                .type(selector.typeMatcher())
                .transform((builder, type, loader, module, pd) -> builder.visit(advice.on(selector.methodMatcher())));
    }

    /** The loaded classes a selector matches, computed when Byte Buddy asks (after its transformer is registered). */
    private AgentBuilder.RedefinitionStrategy.DiscoveryStrategy discovery(MethodSelector selector) {
        return instrumentation -> List.<Iterable<Class<?>>>of(scan(selector));
    }

    private List<Class<?>> scan(MethodSelector selector) {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            try {
                if (inst.isModifiableClass(c) && selector.matches(c)) out.add(c);
            } catch (Throwable t) {
                // a class whose hierarchy cannot be read: not a candidate
            }
        }
        return out;
    }

    private static Class<?> load(String name) {
        for (ClassLoader loader : new ClassLoader[] {
            ClassLoader.getSystemClassLoader(), Thread.currentThread().getContextClassLoader()
        }) {
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError | SecurityException e) {
                // try the next loader
            }
        }
        return null;
    }

    private static Class<?> exceptionClass(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SpecException("exception=" + name + ": no such class");
        }
    }

    private static String describe(List<Class<?>> matched, FaultSpec spec) {
        return matched.size() == 1
                ? matched.get(0).getName()
                : matched.size() + " loaded classes matching class="
                        + spec.where().classPattern();
    }

    private int freeSlot() {
        MethodInjector[] s = Hooks.table().methods();
        for (int i = 0; i < s.length; i++) {
            if (s[i] == null && !quarantined.contains(i)) return i;
        }
        return s.length;
    }

    private static void publish(int slot, MethodRule rule) {
        Hooks.publish(table -> {
            MethodInjector[] s = table.methods();
            MethodInjector[] next = Arrays.copyOf(s, Math.max(s.length, slot + 1));
            next[slot] = rule == null ? null : rule.injector;
            return table.withMethods(next);
        });
    }

    /** Runs the advice path once, so the classes it needs are loaded before any target class calls it. */
    /**
     * Runs the method hook path once before any rule is armed, so the classes it needs are loaded now and not
     * inside an instrumented method. Called by the agent's hook installer.
     */
    public void warmUp() {
        FaultRule rule = new FaultRule(
                "warm-up",
                SpecParser.parse("error on=method class=warm.Up method=up every=2 ttl=1m"),
                ThrowableFactory.forSpec(SpecParser.parse("error on=method class=warm.Up method=up"), null));
        MethodRule mr = new MethodRule(0, rule, new MethodSelector(rule.spec(), null));
        try {
            for (int i = 0; i < 2; i++) {
                try {
                    MethodHooks.exit(0, mr.enter(MethodFaults.class));
                } catch (RuntimeException expected) {
                    // the second call is injected: the exception path is warm too
                }
            }
        } catch (Throwable t) {
            log.debug("method hook warm-up", t);
        }
    }

    private static final class CountingListener extends AgentBuilder.Listener.Adapter {
        private final MethodRule rule;

        CountingListener(MethodRule rule) {
            this.rule = rule;
        }

        @Override
        public void onTransformation(
                TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded, DynamicType dynamicType) {
            rule.transformedTypes.incrementAndGet();
            log.debug("{}: instrumented {}", rule.rule.id(), type.getName());
        }

        @Override
        public void onError(
                String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
            rule.transformErrors.incrementAndGet();
            TRANSFORM_ERRORS.incrementAndGet();
            log.warn(
                    "{}: could not instrument {}; that class is left alone: {}",
                    rule.rule.id(),
                    typeName,
                    throwable.toString());
        }
    }

    private static final class RestoreListener implements AgentBuilder.RedefinitionStrategy.Listener {
        private final AtomicInteger failed;

        RestoreListener(AtomicInteger failed) {
            this.failed = failed;
        }

        @Override
        public void onBatch(int index, List<Class<?>> batch, List<Class<?>> types) {}

        @Override
        public Iterable<? extends List<Class<?>>> onError(
                int index, List<Class<?>> batch, Throwable throwable, List<Class<?>> types) {
            failed.incrementAndGet();
            log.error("could not restore {} class(es) to their original bytes", batch.size(), throwable);
            return Collections.emptyList();
        }

        @Override
        public void onComplete(int amount, List<Class<?>> types, Map<List<Class<?>>, Throwable> failures) {}
    }
}
