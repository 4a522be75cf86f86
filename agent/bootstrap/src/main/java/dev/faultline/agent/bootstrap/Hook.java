package dev.faultline.agent.bootstrap;

/** Where a fault is injected ({@code on=}). */
public enum Hook {
    CONNECT, READ, WRITE, DNS, METHOD;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean isNetwork() {
        return this != METHOD;
    }
}
