package dev.faultline.agent.spec;

/** A fault spec that cannot be armed; the message names the offending token. Nothing was changed. */
public final class SpecException extends IllegalArgumentException {
    public SpecException(String message) {
        super(message);
    }
}
