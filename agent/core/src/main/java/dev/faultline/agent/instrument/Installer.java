package dev.faultline.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.none;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The one {@link AgentBuilder} recipe of the agent, for method rules and the protocol hooks (the network hooks go
 * through {@link AdviceTransformer}, which skips the builder's cost on a cold JVM and does the same): advice only
 * (no class-format changes, so it applies to classes already loaded and can be reset to the original bytes),
 * retransformation of loaded classes, decoration (advice visitors, nothing rebased), and Byte Buddy's default ignore
 * of JDK classes lifted, since hooks target JDK classes ({@code java.net.http}, {@code HttpURLConnection}). What
 * differs per use is only what is matched, the listener, and for method rules the discovery of candidate classes.
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
}
