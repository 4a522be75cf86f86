package dev.faultline.agent.bootstrap;

/**
 * What a fault does, with the values only that kind takes. Each kind names its action and writes its part of
 * the canonical form (between the selectors and the gates); the core's {@code Effects} owns its keys and checks.
 */
public sealed interface Effect
        permits Effect.Latency, Effect.Failure, Effect.Hang, Effect.Throttle, Effect.ProcessEnd, Effect.Stress {
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
}
