package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.bootstrap.Pause;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import dev.faultline.agent.bootstrap.UrlConnectionHooks;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * {@code on=http-client} for the JDK's {@code HttpURLConnection} ({@code sun.net.www.protocol.http}, and HTTPS through
 * its delegate, a subclass). A request is decided once per connection object, at the first of {@code connect},
 * {@code getInputStream} and {@code getOutputStream} it reaches, before anything is sent. An error rule with a
 * status marks the connection connected with no transport (nothing leaves, no TLS handshake is made), and its
 * {@code getInputStream} then fills the connection's own response state as a received response would: the status
 * line and headers every header getter reads, the body stream ({@code getErrorStream} for 400 and up), the response
 * code {@code getResponseCode} parses, and the {@code IOException} the connection throws for 400 and up (which it
 * throws again, chained, on every later {@code getInputStream}). A request body is written to nowhere. Without a
 * status the connect fails as a refused one does. A latency rule holds the connect.
 */
final class UrlConnectionFaults implements UrlConnectionHooks.Dispatch {
    static final String CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
    private static final Object GO_ON = new Object();

    // connection -> what was decided for it: GO_ON, an Effect.HttpStatus to answer, or a Throwable its connect throws
    private final Map<Object, Object> decided = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile JdkInternals internals;

    @Override
    public Object connect(FaultRule[] rules, Object connection) {
        try {
            Object outcome = outcome(rules, (HttpURLConnection) connection);
            if (outcome == GO_ON) return null;
            return outcome instanceof Effect.HttpStatus ? Boolean.TRUE : outcome;
        } catch (Throwable t) {
            InternalErrors.report(t);
            return null;
        }
    }

    @Override
    public Object output(FaultRule[] rules, Object connection, boolean connected) {
        try {
            HttpURLConnection c = (HttpURLConnection) connection;
            // not connected yet: decide before getOutputStream connects, so an answered request gets a stream to
            // write to; a failure is left to the connect that follows (it throws there, as a refused connect does)
            Object outcome = connected ? decided.get(c) : rules == null ? GO_ON : outcome(rules, c);
            return outcome instanceof Effect.HttpStatus ? OutputStream.nullOutputStream() : null;
        } catch (Throwable t) {
            InternalErrors.report(t);
            return null;
        }
    }

    @Override
    public Object response(FaultRule[] rules, Object connection, boolean connected) {
        try {
            HttpURLConnection c = (HttpURLConnection) connection;
            // not connected yet (a GET): decide before getInputStream connects; a failure is left to that connect
            if (!connected && rules != null) outcome(rules, c);
            if (!(decided.get(c) instanceof Effect.HttpStatus status)) return null;
            decided.put(c, GO_ON); // answered once; a later connect of the same object is not decided again
            return answer(c, status);
        } catch (Throwable t) {
            InternalErrors.report(t);
            return null;
        }
    }

    private Object outcome(FaultRule[] rules, HttpURLConnection c) throws ReflectiveOperationException {
        Object outcome = decided.get(c);
        if (outcome != null) return outcome; // a redirect's or a retry's connect: the request was decided
        // the members an answer fills, found before any rule fires: a JDK without them gets no injection (each
        // request reports it) rather than a connection left half answered
        internals();
        outcome = GO_ON;
        if (!Exemption.isAgentThread()) {
            URL url = c.getURL();
            String verb = c.getRequestMethod();
            String path = url.getPath().isEmpty() ? "/" : url.getPath();
            String host = url.getHost();
            if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
            int port = url.getPort() < 0 ? url.getDefaultPort() : url.getPort();
            for (FaultRule rule : rules) {
                if (!rule.where().matchesHttp(verb, path, host, port) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    Pause.delay(rule, rule.delayNanos());
                } else if (rule.spec().effect() instanceof Effect.HttpStatus status) {
                    outcome = status;
                    break;
                } else {
                    outcome = failure(rule, verb, url);
                    break;
                }
            }
        }
        decided.put(c, outcome);
        return outcome;
    }

    private static Throwable failure(FaultRule rule, String verb, URL url) {
        ThrowableFactory f = rule.exceptions();
        // the socket's own words for a refused connection, which HttpURLConnection passes on as they are
        if (f.isHookDefault()) return new ConnectException(f.messageOr("Connection refused"));
        return f.create("injected by faultline " + rule.id() + ": " + verb + " " + url);
    }

    /** Fills the connection's response state as {@code getInputStream0} does for a response it read. */
    private Object answer(HttpURLConnection c, Effect.HttpStatus status)
            throws ReflectiveOperationException, IOException {
        JdkInternals jdk = internals();
        byte[] body = status.body() == null ? new byte[0] : status.body().getBytes(StandardCharsets.UTF_8);
        int code = status.status();
        String reason = OkHttpFaults.reason(code);
        Object responses = jdk.responses.get(c);
        jdk.reset.invoke(responses);
        jdk.add.invoke(responses, null, "HTTP/1.1 " + code + (reason.isEmpty() ? "" : " " + reason));
        boolean contentType = false;
        boolean contentLength = false;
        for (int i = 0; i < status.headers().size(); i++) {
            String name = status.headerName(i);
            jdk.add.invoke(responses, name, status.headerValue(i));
            contentType |= name.equalsIgnoreCase("Content-Type");
            contentLength |= name.equalsIgnoreCase("Content-Length");
        }
        // as a server's response carries them
        if (!contentType && body.length > 0) jdk.add.invoke(responses, "Content-Type", "text/plain; charset=utf-8");
        if (!contentLength) jdk.add.invoke(responses, "Content-Length", Integer.toString(body.length));
        boolean empty = body.length == 0 || code == 204 || code == 304 || "HEAD".equals(c.getRequestMethod());
        InputStream raw = empty ? jdk.emptyStream.newInstance() : new ByteArrayInputStream(body);
        // connected while there is a body to read; an empty response leaves the connection disconnected, so its
        // getErrorStream() is null, as for a real one
        jdk.connected.setBoolean(c, !empty);
        jdk.inputStream.set(c, jdk.httpInputStream.newInstance(c, raw));
        c.getResponseCode(); // parses the status line into responseCode and responseMessage, as the real path does
        if (code < 400) return jdk.inputStream.get(c);
        IOException failure = code == 404 || code == 410
                ? new FileNotFoundException(c.getURL().toString())
                : new IOException("Server returned HTTP response code: " + code + " for URL: " + c.getURL());
        jdk.rememberedException.set(c, failure);
        return failure;
    }

    private JdkInternals internals() throws ReflectiveOperationException {
        JdkInternals j = internals;
        if (j == null) internals = j = new JdkInternals();
        return j;
    }

    /** The connection's private members; java.base opens their packages to the agent when the hook is installed. */
    private static final class JdkInternals {
        final Field responses;
        final Field inputStream;
        final Field rememberedException;
        final Field connected;
        final Method reset;
        final Method add;
        final Constructor<?> httpInputStream;
        final Constructor<? extends InputStream> emptyStream;

        @SuppressWarnings("unchecked")
        JdkInternals() throws ReflectiveOperationException {
            Class<?> connection = Class.forName(CONNECTION);
            responses = accessible(connection.getDeclaredField("responses"));
            inputStream = accessible(connection.getDeclaredField("inputStream"));
            rememberedException = accessible(connection.getDeclaredField("rememberedException"));
            connected = accessible(URLConnection.class.getDeclaredField("connected"));
            Class<?> header = responses.getType();
            reset = header.getMethod("reset");
            add = header.getMethod("add", String.class, String.class);
            reset.setAccessible(true);
            add.setAccessible(true);
            httpInputStream = Class.forName(CONNECTION + "$HttpInputStream")
                    .getDeclaredConstructor(connection, InputStream.class);
            httpInputStream.setAccessible(true);
            emptyStream = (Constructor<? extends InputStream>)
                    Class.forName("sun.net.www.protocol.http.EmptyInputStream").getDeclaredConstructor();
            emptyStream.setAccessible(true);
        }

        private static Field accessible(Field f) {
            f.setAccessible(true);
            return f;
        }
    }
}
