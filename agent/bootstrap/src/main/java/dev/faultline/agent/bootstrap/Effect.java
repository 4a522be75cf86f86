package dev.faultline.agent.bootstrap;

import java.util.List;

/**
 * What a fault does, with the values only that kind takes. Each kind names its action and writes its part of
 * the canonical form (between the selectors and the gates); the core's {@code Effects} owns its keys and checks.
 */
public sealed interface Effect
        permits Effect.Latency,
                Effect.Failure,
                Effect.Hang,
                Effect.Throttle,
                Effect.ProcessEnd,
                Effect.Stress,
                Effect.HttpStatus,
                Effect.GrpcStatus {
    Action action();

    void appendCanonical(StringBuilder b);

    /** {@code latency}: delay ± uniform jitter. */
    record Latency(long delayNanos, long jitterNanos) implements Effect {
        public Action action() {
            return Action.LATENCY;
        }

        public void appendCanonical(StringBuilder b) {
            b.append(" delay=").append(FaultSpec.formatDuration(delayNanos));
            if (jitterNanos > 0) b.append(" jitter=").append(FaultSpec.formatDuration(jitterNanos));
        }
    }

    /** {@code error}: exception is a class name, null = the hook's own; message null = the hook's own. */
    record Failure(String exception, String message) implements Effect {
        public Action action() {
            return Action.ERROR;
        }

        public void appendCanonical(StringBuilder b) {
            if (exception != null) b.append(" exception=").append(exception);
            if (message != null)
                b.append(" message=").append(message.indexOf(' ') >= 0 ? '"' + message + '"' : message);
        }
    }

    /** {@code hang}: 0 = until the call's own timeout or the fault ends. */
    record Hang(long forNanos) implements Effect {
        public Action action() {
            return Action.HANG;
        }

        public void appendCanonical(StringBuilder b) {
            if (forNanos > 0) b.append(" for=").append(FaultSpec.formatDuration(forNanos));
        }
    }

    /** {@code throttle}: bytes per second, shared by all connections the fault matches. */
    record Throttle(long rateBytesPerSecond) implements Effect {
        public Action action() {
            return Action.THROTTLE;
        }

        public void appendCanonical(StringBuilder b) {
            b.append(" rate=").append(rateBytesPerSecond).append('b');
        }
    }

    /** {@code exit} (shutdown hooks run) or {@code halt} (they do not), with the exit code. */
    record ProcessEnd(boolean halt, int code) implements Effect {
        public Action action() {
            return halt ? Action.HALT : Action.EXIT;
        }

        public void appendCanonical(StringBuilder b) {
            b.append(" code=").append(code);
        }
    }

    /** {@code stress}: busy threads or held heap (one of them), for a while. */
    record Stress(int cpuThreads, long memoryBytes, long forNanos) implements Effect {
        public Action action() {
            return Action.STRESS;
        }

        public void appendCanonical(StringBuilder b) {
            b.append(" for=").append(FaultSpec.formatDuration(forNanos));
            if (cpuThreads > 0) b.append(" cpu=").append(cpuThreads);
            if (memoryBytes > 0) b.append(" memory=").append(memoryBytes).append('b');
        }
    }

    /**
     * {@code error status=<100-599>} on {@code on=http-*}: the response a peer sees instead of the real one. {@code
     * headers} are {@code Name:value} lines, in the order given; {@code body} null = no body.
     */
    record HttpStatus(int status, String body, List<String> headers) implements Effect {
        public Action action() {
            return Action.ERROR;
        }

        public void appendCanonical(StringBuilder b) {
            b.append(" status=").append(status);
            if (body != null) b.append(" body=").append(quoted(body));
            for (String h : headers) b.append(" header=").append(quoted(h));
        }

        public String headerName(int i) {
            String h = headers.get(i);
            return h.substring(0, h.indexOf(':')).trim();
        }

        public String headerValue(int i) {
            String h = headers.get(i);
            return h.substring(h.indexOf(':') + 1).trim();
        }
    }

    /** {@code error status=<NAME>} on {@code on=grpc-*}: the call ends with this status and description. */
    record GrpcStatus(String status, String message) implements Effect {
        public Action action() {
            return Action.ERROR;
        }

        public void appendCanonical(StringBuilder b) {
            b.append(" status=").append(status);
            if (message != null) b.append(" message=").append(quoted(message));
        }
    }

    private static String quoted(String value) {
        return value.isEmpty() || value.indexOf(' ') >= 0 ? '"' + value + '"' : value;
    }
}
