package dev.faultline.sidecar.targets;

/** Pod mode: a process in the PID namespace we share with the app, found by its command line. */
public record ProcessTarget(long pid, String commandLine) implements Target {
    static final String PREFIX = "pid:";

    @Override
    public String id() {
        return PREFIX + pid;
    }

    @Override
    public String shortId() {
        String id = id();
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** The command line cut to 60 characters, as the logs always named a process. */
    @Override
    public String toString() {
        return (commandLine.length() > 60 ? commandLine.substring(0, 60) : commandLine) + "(" + shortId() + ")";
    }
}
