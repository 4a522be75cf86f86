package dev.faultline.sidecar.jvm;

/** An attach that did not happen (or did not complete), with one line naming the cause and what would fix it. */
public final class AttachRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public AttachRefusedException(String oneLine) {
        super(oneLine);
    }

    public AttachRefusedException(String oneLine, Throwable cause) {
        super(oneLine, cause);
    }
}
