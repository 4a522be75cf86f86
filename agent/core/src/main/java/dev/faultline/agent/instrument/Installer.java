package dev.faultline.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.none;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The one {@link AgentBuilder} recipe of the agent, for the network hooks and every method rule alike: advice
 * only (no class-format changes, so it applies to classes already loaded and can be reset to the original bytes),
 * retransformation of loaded classes, decoration (advice visitors, nothing rebased), and Byte Buddy's default
 * ignore of JDK classes lifted, since the network hooks target {@code java.base} itself. What differs per use
 * is only what is matched, the listener, and for method rules the discovery of candidate classes.
 */
public final class Installer {
    private Installer() {}

    public static AgentBuilder recipe(AgentBuilder.Listener listener) {
        return recipe(
                listener,
                AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.SinglePass.INSTANCE,
                AgentBuilder.RedefinitionStrategy.BatchAllocator.ForTotal.INSTANCE);
    }

    /**
     * {@code discovery}: which loaded classes are candidates for retransformation (all of them by default);
     * {@code batches}: how many are swapped per safepoint (all at once by default).
     */
    public static AgentBuilder recipe(
            AgentBuilder.Listener listener,
            AgentBuilder.RedefinitionStrategy.DiscoveryStrategy discovery,
            AgentBuilder.RedefinitionStrategy.BatchAllocator batches) {
        return new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(batches)
                .with(discovery)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(listener)
                .ignore(none());
    }

    /**
     * Discovery by name first: only the loaded classes whose name passes {@code candidate} (a plain string test, no
     * type description built, nothing parsed) are handed to the type matchers, instead of every loaded class (3,000-
     * 10,000 in a service). {@code candidate} must pass every class a matcher of the recipe could match; a class
     * loaded later is matched as it loads, whatever its name.
     */
    public static AgentBuilder.RedefinitionStrategy.DiscoveryStrategy loadedNamed(Predicate<String> candidate) {
        return inst -> {
            List<Class<?>> out = new ArrayList<>();
            for (Class<?> c : inst.getAllLoadedClasses()) {
                if (candidate.test(c.getName()) && inst.isModifiableClass(c)) out.add(c);
            }
            return List.<Iterable<Class<?>>>of(out);
        };
    }
}
