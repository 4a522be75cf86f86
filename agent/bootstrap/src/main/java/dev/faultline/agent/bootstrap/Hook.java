package dev.faultline.agent.bootstrap;

import java.util.Locale;

/** Where a fault is injected ({@code on=}). */
public enum Hook {
    CONNECT,
    READ,
    WRITE,
    DNS,
    METHOD;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isNetwork() {
        return this != METHOD;
    }
}
