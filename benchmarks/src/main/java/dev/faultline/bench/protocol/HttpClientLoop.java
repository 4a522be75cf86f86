package dev.faultline.bench.protocol;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Whole process: a real HTTP client calling {@code GET <url>} in a loop from a few threads, against a server in
 * another process ({@link HelloHttpServer}): the JDK's {@code HttpClient} (HTTP/1.1) or OkHttp, the clients the
 * agent's {@code on=http-client} hooks reach. Prints the calls per second of the measured window and the CPU time of
 * this JVM's Java threads per call in it (JMX: not the JIT compiler's and the GC's threads). Every answer must be a
 * 200 with the server's body: a call the agent answered instead would end the run. Usage:
 * {@code HttpClientLoop jdk|okhttp <url> [warm-up seconds] [measured seconds] [threads]}.
 */
public final class HttpClientLoop {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private HttpClientLoop() {}

    /** One call: the status and the body as the caller reads them. */
    private interface Call {
        String get() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        URI uri = URI.create(args[1]);
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int measured = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        Call call = switch (kind) {
            case "jdk" -> jdk(uri);
            case "okhttp" -> okhttp(uri);
            default -> throw new IllegalArgumentException("client kind '" + kind + "': expected jdk or okhttp");
        };
        LongAdder calls = new LongAdder();
        long start = System.nanoTime();
        // the callers outlast the measured window by a second: a thread that ended would take its CPU time with it
        long end = start + TimeUnit.SECONDS.toNanos(warmup + measured + 1);
        List<Thread> callers = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            Thread caller = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        String answer = call.get();
                        if (!answer.equals("200 hello\n")) throw new IllegalStateException("answered: " + answer);
                        calls.increment();
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            caller.start();
            callers.add(caller);
        }
        TimeUnit.SECONDS.sleep(warmup);
        long calls0 = calls.sum();
        Map<Long, Long> cpu0 = threadCpu();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(measured);
        long answered = calls.sum() - calls0;
        long cpu = cpuNanosBetween(cpu0, threadCpu());
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Thread caller : callers) caller.join();
        synchronized (failure) {
            if (failure[0] != null) throw new IllegalStateException("a call failed", failure[0]);
        }
        System.out.printf(
                Locale.ROOT,
                "calls/s %.0f cpu-us/call %.2f client=%s%n",
                answered / seconds,
                cpu / 1e3 / answered,
                kind);
        System.exit(0); // OkHttp's and the JDK client's pools keep threads a while
    }

    private static Call jdk(URI uri) {
        // HTTP/1.1: over plain http the default HTTP/2 would try an upgrade, which the JDK server does not do
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
        return () -> {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        };
    }

    private static Call okhttp(URI uri) {
        OkHttpClient client = new OkHttpClient();
        Request request = new Request.Builder().url(uri.toString()).build();
        return () -> {
            try (Response r = client.newCall(request).execute()) {
                return r.code() + " " + r.body().string();
            }
        };
    }

    /** CPU time per Java thread now, by thread id. */
    private static Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long ns = THREADS.getThreadCpuTime(id);
            if (ns >= 0) cpu.put(id, ns);
        }
        return cpu;
    }

    /** CPU the threads used between two readings; a thread started since counts from zero, one that ended is lost. */
    private static long cpuNanosBetween(Map<Long, Long> before, Map<Long, Long> after) {
        long used = 0;
        for (Map.Entry<Long, Long> t : after.entrySet()) used += t.getValue() - before.getOrDefault(t.getKey(), 0L);
        return used;
    }
}
