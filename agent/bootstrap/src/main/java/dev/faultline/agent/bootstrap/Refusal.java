package dev.faultline.agent.bootstrap;

/**
 * A value the bootstrap part's own checks refuse (a host, a port range, an exception class), its message naming
 * the token as given. The core turns it into its {@code SpecException}, which makes the message printable before
 * anyone sees it; nothing was changed.
 */
public final class Refusal extends IllegalArgumentException {
    public Refusal(String message) {
        super(message);
    }
}
