package dev.faultline.sidecar.runtime.cri;

import dev.faultline.sidecar.runtime.RuntimeEndpointException;

/** A CRI call that failed; {@link #notFound()} tells a container that is gone from every other failure. */
public final class CriCallException extends RuntimeEndpointException {
    private final String rpc;
    private final boolean notFound;

    CriCallException(String endpoint, String rpc, boolean notFound, String cause, Throwable source) {
        super(endpoint, "CRI " + rpc + " failed: " + cause, source);
        this.rpc = rpc;
        this.notFound = notFound;
    }

    public String rpc() {
        return rpc;
    }

    public boolean notFound() {
        return notFound;
    }
}
