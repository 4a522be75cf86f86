package dev.faultline.agent.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;

/**
 * The service under test for the HTTP client libraries' faults, in a forked JVM with the built agent: it makes OkHttp,
 * Apache HttpClient 5 and {@code HttpURLConnection} calls to a peer in the test JVM and reports what the client saw. One command per stdin line, one answer line per
 * command.
 */
public final class HttpClientProbeApp {
    private static final MediaType JSON = MediaType.parse("application/json");

    public static void main(String[] args) throws Exception {
        OkHttpClient okHttp = new OkHttpClient.Builder()
                .callTimeout(20, TimeUnit.SECONDS)
                .retryOnConnectionFailure(false)
                .build();
        CloseableHttpClient apache =
                HttpClients.custom().disableAutomaticRetries().build();
        CloseableHttpAsyncClient apacheAsync =
                HttpAsyncClients.custom().disableAutomaticRetries().build();
        apacheAsync.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("exit")) break;
            String answer;
            try {
                String[] w = line.trim().split(" ");
                // okhttp <execute|enqueue> <method> <url> <n>: n calls, one after another
                answer = switch (w[0]) {
                    case "okhttp" -> okHttp(okHttp, w[1].equals("enqueue"), w[2], w[3], Integer.parseInt(w[4]));
                    // apache <method> <url> <n>: n calls with Apache HttpClient 5 classic, one after another
                    case "apache" -> apache(apache, w[1], w[2], Integer.parseInt(w[3]));
                    // apache-async <method> <url> <n>: n calls with Apache HttpClient 5 async, one after another
                    case "apache-async" -> apacheAsync(apacheAsync, w[1], w[2], Integer.parseInt(w[3]));
                    // urlconn <method> <url> <n>: n calls with the JDK's HttpURLConnection (HttpsURLConnection for
                    // https)
                    case "urlconn" -> urlConnection(w[1], w[2], Integer.parseInt(w[3]));
                    default -> "FAIL unknown command " + w[0];
                };
            } catch (Throwable t) {
                answer = "FAIL " + t;
            }
            System.out.println(answer);
        }
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
        apache.close();
        apacheAsync.close();
        System.exit(0);
    }

    /**
     * {@code codes=<status>:<n>,… errors=<exception>:<n>,… sample=<status>|<Retry-After>|<body>|<message>}: what
     * the client saw, with one sample of a response that was not 200 and the slowest call's time.
     */
    static String okHttp(OkHttpClient client, boolean async, String method, String url, int n) throws Exception {
        Map<String, Integer> codes = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        String sample = "none";
        long maxNanos = 0;
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            Request request = new Request.Builder()
                    .url(url)
                    .method(method, method.equals("GET") ? null : RequestBody.create("{\"n\":" + i + "}", JSON))
                    .build();
            Call call = client.newCall(request);
            try (Response r = async ? enqueue(call) : call.execute()) {
                codes.merge(Integer.toString(r.code()), 1, Integer::sum);
                String body = r.body().string();
                if (r.code() != 200 && sample.equals("none")) {
                    String retryAfter = r.header("Retry-After");
                    sample = r.code() + "|" + (retryAfter == null ? "-" : retryAfter) + "|" + body.replace(' ', '_')
                            + "|" + r.message().replace(' ', '_');
                }
            } catch (IOException e) {
                errors.merge(e.getClass().getName(), 1, Integer::sum);
            }
            maxNanos = Math.max(maxNanos, System.nanoTime() - start);
        }
        return "codes=" + codes.toString().replace(" ", "") + " errors="
                + errors.toString().replace(" ", "") + " sample=" + sample + " maxMs=" + maxNanos / 1_000_000;
    }

    /** As {@link #okHttp}, with Apache HttpClient 5's classic API and its response handler. */
    static String apache(CloseableHttpClient client, String method, String url, int n) {
        Map<String, Integer> codes = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        String sample = "none";
        long maxNanos = 0;
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            ClassicRequestBuilder b = ClassicRequestBuilder.create(method).setUri(url);
            if (!method.equals("GET")) b.setEntity("{\"n\":" + i + "}", ContentType.APPLICATION_JSON);
            ClassicHttpRequest request = b.build();
            try {
                String[] seen = client.execute(request, r -> new String[] {
                    Integer.toString(r.getCode()),
                    r.getFirstHeader("Retry-After") == null
                            ? "-"
                            : r.getFirstHeader("Retry-After").getValue(),
                    r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity()),
                    r.getReasonPhrase()
                });
                codes.merge(seen[0], 1, Integer::sum);
                if (!seen[0].equals("200") && sample.equals("none")) {
                    sample = String.join("|", seen).replace(' ', '_');
                }
            } catch (IOException e) {
                errors.merge(e.getClass().getName(), 1, Integer::sum);
            }
            maxNanos = Math.max(maxNanos, System.nanoTime() - start);
        }
        return "codes=" + codes.toString().replace(" ", "") + " errors="
                + errors.toString().replace(" ", "") + " sample=" + sample + " maxMs=" + maxNanos / 1_000_000;
    }

    /** As {@link #okHttp}, with Apache HttpClient 5's async API: a simple request, its future awaited. */
    static String apacheAsync(CloseableHttpAsyncClient client, String method, String url, int n) {
        Map<String, Integer> codes = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        String sample = "none";
        long maxNanos = 0;
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            SimpleRequestBuilder b = SimpleRequestBuilder.create(method).setUri(url);
            if (!method.equals("GET")) b.setBody("{\"n\":" + i + "}", ContentType.APPLICATION_JSON);
            try {
                SimpleHttpResponse r = client.execute(b.build(), null).get(20, TimeUnit.SECONDS);
                String[] seen = {
                    Integer.toString(r.getCode()),
                    r.getFirstHeader("Retry-After") == null
                            ? "-"
                            : r.getFirstHeader("Retry-After").getValue(),
                    r.getBodyText() == null ? "" : r.getBodyText(),
                    r.getReasonPhrase()
                };
                codes.merge(seen[0], 1, Integer::sum);
                if (!seen[0].equals("200") && sample.equals("none")) {
                    sample = String.join("|", seen).replace(' ', '_');
                }
            } catch (ExecutionException e) {
                errors.merge(e.getCause().getClass().getName(), 1, Integer::sum);
            } catch (Exception e) {
                errors.merge(e.getClass().getName(), 1, Integer::sum);
            }
            maxNanos = Math.max(maxNanos, System.nanoTime() - start);
        }
        return "codes=" + codes.toString().replace(" ", "") + " errors="
                + errors.toString().replace(" ", "") + " sample=" + sample + " maxMs=" + maxNanos / 1_000_000;
    }

    /**
     * As {@link #okHttp}, with the JDK's {@code HttpURLConnection} used as most callers use it: the status from
     * {@code getResponseCode()}, the body from {@code getInputStream()} or, when that throws for a status of 400 or
     * more, from {@code getErrorStream()} ({@code null} when it has none). The sample is
     * {@code <status>|<Retry-After>|<error stream's body or null>|<response message>|<what getInputStream threw>}.
     */
    static String urlConnection(String method, String url, int n) throws Exception {
        Map<String, Integer> codes = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        String sample = "none";
        long maxNanos = 0;
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(20_000);
            c.setReadTimeout(20_000);
            c.setRequestMethod(method);
            try {
                if (!method.equals("GET")) {
                    c.setDoOutput(true);
                    c.setRequestProperty("Content-Type", "application/json");
                    try (OutputStream out = c.getOutputStream()) {
                        out.write(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                    }
                }
                int code = c.getResponseCode();
                codes.merge(Integer.toString(code), 1, Integer::sum);
                String thrown = "-";
                String body;
                try (InputStream in = c.getInputStream()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    thrown = e.getClass().getName() + ":" + e.getMessage();
                    InputStream err = c.getErrorStream();
                    body = err == null ? "null" : new String(err.readAllBytes(), StandardCharsets.UTF_8);
                    if (err != null) err.close();
                }
                if (code != 200 && sample.equals("none")) {
                    String retryAfter = c.getHeaderField("Retry-After");
                    sample = String.join(
                                    "|",
                                    Integer.toString(code),
                                    retryAfter == null ? "-" : retryAfter,
                                    body,
                                    String.valueOf(c.getResponseMessage()),
                                    thrown)
                            .replace(' ', '_');
                }
            } catch (IOException e) {
                errors.merge(e.getClass().getName(), 1, Integer::sum);
            }
            maxNanos = Math.max(maxNanos, System.nanoTime() - start);
        }
        return "codes=" + codes.toString().replace(" ", "") + " errors="
                + errors.toString().replace(" ", "") + " sample=" + sample + " maxMs=" + maxNanos / 1_000_000;
    }

    /** The call through the dispatcher's threads and a {@link Callback}, as an asynchronous caller makes it. */
    private static Response enqueue(Call call) throws Exception {
        CompletableFuture<Response> done = new CompletableFuture<>();
        call.enqueue(new Callback() {
            @Override
            public void onResponse(Call c, Response response) {
                done.complete(response);
            }

            @Override
            public void onFailure(Call c, IOException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            return done.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw e;
        }
    }
}
