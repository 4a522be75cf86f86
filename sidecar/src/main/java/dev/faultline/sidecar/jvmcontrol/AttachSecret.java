package dev.faultline.sidecar.jvmcontrol;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The password of one attach's connector: generated per attach, held in the sidecar's memory only (never logged,
 * never journalled: recovery clears by a repeated attach, which needs none), given to the agent in its attach
 * options, which only the target process sees.
 */
public final class AttachSecret {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final String value;

    private AttachSecret(String value) {
        this.value = value;
    }

    public static AttachSecret generate() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return new AttachSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }

    /** For the agent's options and the connector's login, nothing else. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "AttachSecret[hidden]";
    }
}
