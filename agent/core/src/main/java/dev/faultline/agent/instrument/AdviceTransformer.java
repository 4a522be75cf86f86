package dev.faultline.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

/**
 * Advice for a fixed set of classes known by name, through a plain {@link ClassFileTransformer} instead of an {@code
 * AgentBuilder}: the builder's set-up and the transformer class it generates for itself cost a cold JVM ~900 classes
 * and 1.5–4 s (BENCHMARKS.md, issue 23), while a class name is all it takes to know whether a class is hooked. The
 * name is tested first (a plain string test, nothing parsed); only a match is described (a type pool over the given
 * bytes and its loader's class files) and decorated with the advice: the same as {@link Installer}'s recipe (advice
 * only, no class-format change, so loaded classes can be retransformed), without its reset.
 */
public final class AdviceTransformer implements ClassFileTransformer {
    /** A class to decorate: its binary name, or the end of it (any package prefix), and the advice for it. */
    public record Target(String name, boolean suffix, List<AsmVisitorWrapper> advice) {
        public static Target named(String name, AsmVisitorWrapper... advice) {
            return new Target(name, false, List.of(advice));
        }

        /** Also relocated copies ({@code io.grpc.netty.shaded.io.netty…}), in whichever loader. */
        public static Target nameEndsWith(String end, AsmVisitorWrapper... advice) {
            return new Target(end, true, List.of(advice));
        }

        boolean matches(String binaryName) {
            return suffix ? binaryName.endsWith(name) : binaryName.equals(name);
        }
    }

    /** What became of each class matched: {@code loaded} when it was retransformed, not transformed as it loaded. */
    public interface Outcome {
        void transformed(String name, ClassLoader loader, boolean loaded);

        void failed(String name, ClassLoader loader, boolean loaded, Throwable error);
    }

    private final List<Target> targets;
    private final Predicate<String> candidate;
    private final Outcome outcome;
    private final ByteBuddy byteBuddy = new ByteBuddy().with(Implementation.Context.Disabled.Factory.INSTANCE);
    /** Set while this thread decorates a class: a hooked class loaded meanwhile is left as it is, not re-entered. */
    private final ThreadLocal<Boolean> transforming = new ThreadLocal<>();

    /**
     * {@code candidate}: a cheap test of a binary name that passes every name a target matches (a package prefix),
     * run before the targets on every class the JVM loads or that is discovered loaded.
     */
    public AdviceTransformer(List<Target> targets, Predicate<String> candidate, Outcome outcome) {
        this.targets = List.copyOf(targets);
        this.candidate = candidate;
        this.outcome = outcome;
    }

    /**
     * Registers this transformer (it stays: classes loaded later, in any loader, are decorated as they load), then
     * retransforms the matching classes loaded already, all at once.
     */
    public void install(Instrumentation inst) {
        inst.addTransformer(this, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (target(c.getName()) != null && inst.isModifiableClass(c)) loaded.add(c);
        }
        if (loaded.isEmpty()) return;
        try {
            inst.retransformClasses(loaded.toArray(Class<?>[]::new));
        } catch (Throwable batch) {
            // the JVM refused one class's new bytes and so changed none: each alone, so only that one stays unhooked
            for (Class<?> c : loaded) {
                try {
                    inst.retransformClasses(c);
                } catch (Throwable t) {
                    outcome.failed(c.getName(), c.getClassLoader(), true, t);
                }
            }
        }
    }

    @Override
    public byte[] transform(
            Module module,
            ClassLoader loader,
            String internalName,
            Class<?> redefined,
            ProtectionDomain domain,
            byte[] bytes) {
        if (internalName == null) return null;
        String name = internalName.replace('/', '.');
        Target target = target(name);
        if (target == null || transforming.get() != null) return null;
        transforming.set(Boolean.TRUE);
        try {
            byte[] decorated = decorate(target, name, loader, bytes);
            outcome.transformed(name, loader, redefined != null);
            return decorated;
        } catch (Throwable t) {
            // a transformer's exception is swallowed by the JVM: report it, and the class loads unchanged
            outcome.failed(name, loader, redefined != null, t);
            return null;
        } finally {
            transforming.remove();
        }
    }

    private Target target(String name) {
        if (!candidate.test(name)) return null;
        for (Target t : targets) {
            if (t.matches(name)) return t;
        }
        return null;
    }

    private byte[] decorate(Target target, String name, ClassLoader loader, byte[] bytes) {
        ClassFileLocator locator = new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of(name, bytes), ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = new TypePool.Default.WithLazyResolution(
                new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.FAST);
        DynamicType.Builder<?> builder = byteBuddy.decorate(pool.describe(name).resolve(), locator);
        for (AsmVisitorWrapper advice : target.advice()) builder = builder.visit(advice);
        return builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
    }
}
