package dev.faultline.sidecar.runtime;

/** A container runtime that cannot be used: the message names the endpoint and the cause. */
public class RuntimeEndpointException extends RuntimeException {
    private final String endpoint;

    public RuntimeEndpointException(String endpoint, String cause) {
        super(endpoint + ": " + cause);
        this.endpoint = endpoint;
    }

    public RuntimeEndpointException(String endpoint, String cause, Throwable source) {
        super(endpoint + ": " + cause, source);
        this.endpoint = endpoint;
    }

    /** The endpoint as the operator would write it, {@code unix:///…}. */
    public String endpoint() {
        return endpoint;
    }
}
