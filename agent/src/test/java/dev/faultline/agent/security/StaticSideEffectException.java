package dev.faultline.agent.security;

/** A valid exception= class whose initialiser has a side effect: arming a fault with it must not run it. */
public final class StaticSideEffectException extends RuntimeException {
    static {
        System.err.println("STATIC-INITIALISER-RAN " + StaticSideEffectException.class.getName());
    }

    public StaticSideEffectException(String message) {
        super(message);
    }
}
