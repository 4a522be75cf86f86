package dev.faultline.agent.security;

/** Not a Throwable, and its initialiser has a side effect: naming it in exception= must not run it. */
public final class StaticSideEffect {
    static {
        System.err.println("STATIC-INITIALISER-RAN " + StaticSideEffect.class.getName());
    }

    private StaticSideEffect() {}
}
