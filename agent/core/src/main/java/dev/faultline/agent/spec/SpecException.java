package dev.faultline.agent.spec;

import dev.faultline.agent.bootstrap.Refusal;
import dev.faultline.common.words.Printable;
import java.util.function.Supplier;

/**
 * A fault spec that cannot be armed; the message names the offending token, made printable (control characters
 * shown, long tokens shortened: the token may be hostile). Nothing was changed.
 */
public final class SpecException extends IllegalArgumentException {
    public SpecException(String message) {
        super(Printable.message(message));
    }

    /** Runs a bootstrap check; its {@link Refusal} becomes this exception, with the message made printable. */
    public static <T> T refusing(Supplier<T> check) {
        try {
            return check.get();
        } catch (Refusal r) {
            throw new SpecException(r.getMessage());
        }
    }
}
