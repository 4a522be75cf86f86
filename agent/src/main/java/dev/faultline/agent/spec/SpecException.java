package dev.faultline.agent.spec;

/**
 * A fault spec that cannot be armed; the message names the offending token, made printable (control characters
 * shown, long tokens shortened: the token may be hostile). Nothing was changed.
 */
public final class SpecException extends IllegalArgumentException {
    public SpecException(String message) {
        super(dev.faultline.common.words.Printable.message(message));
    }
}
