package dev.faultline.sidecar.runtime.cri;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;

/**
 * Does a socket speak CRI? Kept apart from the detection in {@code runtime.RuntimeEndpoints} so that only a CRI
 * candidate loads gRPC: on a Docker-only node none of it is ever loaded (start-up time).
 */
public final class CriProbe {
    private CriProbe() {}

    /** {@code containerd 1.6.20 (CRI v1)}; empty when gRPC answers without the CRI service; throws, naming the endpoint, otherwise. */
    public static Optional<String> version(String endpoint, Duration deadline) {
        try (CriRuntime cri = CriRuntime.connect(endpoint, deadline)) {
            return Optional.of(cri.version().toString());
        } catch (CriCallException e) {
            if (e.getCause() instanceof StatusRuntimeException s
                    && s.getStatus().getCode() == Status.Code.UNIMPLEMENTED) return Optional.empty();
            throw e;
        }
    }
}
