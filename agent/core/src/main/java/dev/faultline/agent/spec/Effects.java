package dev.faultline.agent.spec;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Hook;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Each kind of effect's keys and checks, by action, in one place; its canonical part is its record's own
 * ({@link Effect}). The selectors' and gates' keys are {@link SpecParser}'s.
 */
final class Effects {
    private Effects() {}

    private static final Map<Action, Set<String>> KEYS = Map.of(
            Action.LATENCY, Set.of("delay", "jitter"),
            Action.ERROR, Set.of("exception", "message", "force"),
            Action.HANG, Set.of("for"),
            Action.THROTTLE, Set.of("rate"),
            Action.EXIT, Set.of("code"),
            Action.HALT, Set.of("code"),
            Action.STRESS, Set.of("cpu", "memory", "for", "force"));

    /** gRPC's status codes (io.grpc.Status.Code) but OK, which is no fault. */
    static final Set<String> GRPC_STATUSES = Set.of(
            "CANCELLED",
            "UNKNOWN",
            "INVALID_ARGUMENT",
            "DEADLINE_EXCEEDED",
            "NOT_FOUND",
            "ALREADY_EXISTS",
            "PERMISSION_DENIED",
            "RESOURCE_EXHAUSTED",
            "FAILED_PRECONDITION",
            "ABORTED",
            "OUT_OF_RANGE",
            "UNIMPLEMENTED",
            "INTERNAL",
            "UNAVAILABLE",
            "DATA_LOSS",
            "UNAUTHENTICATED");

    static boolean takes(Action action, Hook hook, String key) {
        if (action == Action.ERROR && hook != null && hook.isProtocol()) {
            return switch (key) {
                case "status", "message" -> true;
                case "body", "header" -> hook.isHttp();
                case "exception", "force" -> hook == Hook.HTTP_CLIENT;
                default -> false;
            };
        }
        return KEYS.get(action).contains(key);
    }

    /** Reads and checks the effect's own keys (checkKeys has refused every other effect's). */
    static Effect parse(Action action, Hook hook, SpecParser.Values v) {
        if (action == Action.ERROR && hook != null && hook.isHttp()) return httpError(hook, v);
        if (action == Action.ERROR && hook != null && hook.isGrpc()) return grpcError(v);
        return switch (action) {
            case LATENCY -> latency(v);
            case ERROR -> failure(v);
            case HANG -> new Effect.Hang(v.duration("for", 0));
            case THROTTLE -> throttle(v);
            case EXIT, HALT -> processEnd(action, v);
            case STRESS -> stress(v);
        };
    }

    private static Effect latency(SpecParser.Values v) {
        Map<String, String> kv = v.kv();
        long delay = v.duration("delay", 0);
        if (!kv.containsKey("delay")) throw new SpecException("latency needs delay=, e.g. delay=200ms");
        long jitter = v.duration("jitter", 0);
        if (jitter > delay) {
            throw new SpecException("jitter=" + kv.get("jitter") + ": larger than delay=" + kv.get("delay")
                    + " (jitter is ± around the delay)");
        }
        return new Effect.Latency(delay, jitter);
    }

    private static Effect failure(SpecParser.Values v) {
        String exception = v.kv().get("exception");
        if (exception != null && !exception.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
            throw new SpecException("exception=" + exception + ": not a class name");
        }
        return new Effect.Failure(exception, v.kv().get("message"));
    }

    /**
     * A server answers status= (503 unless given) without running its handler; a client gets status= as its
     * response, or, without status=, fails as on a refused connection (exception= and message= as for on=connect).
     */
    private static Effect httpError(Hook hook, SpecParser.Values v) {
        Map<String, String> kv = v.kv();
        String status = kv.get("status");
        boolean hasResponseKeys = kv.containsKey("body") || !v.headers().isEmpty();
        if (hook == Hook.HTTP_CLIENT && status == null) {
            if (hasResponseKeys) {
                throw new SpecException((kv.containsKey("body") ? "body=" : "header=")
                        + " without status=: a client fault either answers a response (status=, body=, header=)"
                        + " or fails the call (exception=)");
            }
            return failure(v);
        }
        if (kv.containsKey("exception")) {
            throw new SpecException("exception=" + kv.get("exception")
                    + " with status=: a client fault either answers status= or fails with exception=, not both");
        }
        if (kv.containsKey("message")) {
            throw new SpecException("message=" + kv.get("message") + ": an HTTP response takes body= (message= is a"
                    + " gRPC status's description or an exception's message)");
        }
        int code = status == null ? 503 : httpStatus(status);
        List<String> headers = new ArrayList<>();
        for (String h : v.headers()) {
            int colon = h.indexOf(':');
            if (colon <= 0 || !h.substring(0, colon).trim().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new SpecException("header=" + h + ": expected Name:value, e.g. header=Retry-After:5");
            }
            headers.add(
                    h.substring(0, colon).trim() + ":" + h.substring(colon + 1).trim());
        }
        return new Effect.HttpStatus(code, kv.get("body"), List.copyOf(headers));
    }

    private static int httpStatus(String status) {
        if (GRPC_STATUSES.contains(status.toUpperCase(Locale.ROOT)) || status.equalsIgnoreCase("OK")) {
            throw new SpecException("status=" + status + ": a gRPC status on an HTTP hook; an HTTP status is a"
                    + " number from 200 to 599 (e.g. status=503), or use on=grpc-server / on=grpc-client");
        }
        int code;
        try {
            code = Integer.parseInt(status.trim());
        } catch (NumberFormatException e) {
            throw new SpecException("status=" + status + ": an HTTP status is a number from 200 to 599, e.g. 503");
        }
        if (code < 200 || code > 599) {
            throw new SpecException("status=" + status + ": an HTTP status from 200 to 599 (1xx are not answers)");
        }
        return code;
    }

    /** A gRPC call ends with status= (UNAVAILABLE unless given) and message= as its description. */
    private static Effect grpcError(SpecParser.Values v) {
        String status = v.kv().get("status");
        if (status == null) return new Effect.GrpcStatus("UNAVAILABLE", v.kv().get("message"));
        String name = status.trim().toUpperCase(Locale.ROOT);
        if (name.matches("\\d+")) {
            throw new SpecException("status=" + status + ": an HTTP status on a gRPC hook; a gRPC status is a"
                    + " name, e.g. status=UNAVAILABLE or status=DEADLINE_EXCEEDED");
        }
        if (name.equals("OK")) throw new SpecException("status=OK: not a failure; a gRPC error needs another status");
        if (!GRPC_STATUSES.contains(name)) {
            throw new SpecException("status=" + status + ": not a gRPC status; expected one of "
                    + String.join(", ", new TreeSet<>(GRPC_STATUSES)));
        }
        return new Effect.GrpcStatus(name, v.kv().get("message"));
    }

    private static Effect throttle(SpecParser.Values v) {
        long rate = v.size("rate", 0);
        if (rate <= 0) throw new SpecException("throttle needs rate= above zero, e.g. rate=64kb (bytes per second)");
        return new Effect.Throttle(rate);
    }

    private static Effect processEnd(Action action, SpecParser.Values v) {
        long code = v.kv().containsKey("code") ? v.anyLong("code") : (action == Action.HALT ? 137 : 1);
        if (code < 0 || code > 255) { // checked before narrowing: 4294967296 must not become 0
            throw new SpecException("code=" + v.kv().get("code") + ": an exit code is 0-255");
        }
        return new Effect.ProcessEnd(action == Action.HALT, (int) code);
    }

    private static Effect stress(SpecParser.Values v) {
        Map<String, String> kv = v.kv();
        long cpu = v.positiveLong("cpu", 0);
        if (cpu > 10_000) throw new SpecException("cpu=" + kv.get("cpu") + ": at most 10000 threads");
        long memory = v.size("memory", 0);
        long forNanos = v.duration("for", 0);
        if (kv.containsKey("memory") && memory == 0)
            throw new SpecException("memory=" + kv.get("memory") + ": must be above zero");
        if (cpu == 0 && memory == 0) throw new SpecException("stress needs cpu=<threads> or memory=<size>");
        if (cpu > 0 && memory > 0) throw new SpecException("stress takes cpu= or memory=, not both: arm two faults");
        if (forNanos <= 0) throw new SpecException("stress needs for=<duration>, e.g. for=60s");
        return new Effect.Stress((int) cpu, memory, forNanos);
    }
}
