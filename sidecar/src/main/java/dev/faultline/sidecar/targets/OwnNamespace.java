package dev.faultline.sidecar.targets;

/** Pod mode: our own network namespace, the one we share with the app ({@code self} on the command line). */
public enum OwnNamespace implements Target {
    INSTANCE;

    public static final String ID = "self";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String shortId() {
        return ID;
    }

    @Override
    public String toString() {
        return ID + "(" + ID + ")";
    }
}
