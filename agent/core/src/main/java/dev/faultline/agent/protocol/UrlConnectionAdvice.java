package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.UrlConnectionHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into the JDK's {@code HttpURLConnection} ({@code sun.net.www.protocol.http}) and the HTTPS delegate that
 * extends it. A connection an error rule answers is marked connected with no transport ({@code http} null, no cached
 * response): a state the JDK never leaves a connection in, by which the response and output advice know it.
 */
final class UrlConnectionAdvice {
    private UrlConnectionAdvice() {}

    /** {@code connect()}: both classes' own (the HTTPS one does not call the plain one), before anything leaves. */
    static final class Connect {
        private Connect() {}

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Object enter(
                @Advice.This Object connection,
                @Advice.FieldValue(value = "connected", readOnly = false) boolean connected) {
            if (connected) return null;
            Object injected = UrlConnectionHooks.connect(connection);
            if (injected != null && !(injected instanceof Throwable)) connected = true;
            return injected;
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Object injected) throws Throwable {
            if (injected instanceof Throwable t) throw t;
        }
    }

    /**
     * {@code getInputStream0()}: a request is decided before this connects it (a GET), so an answered one is answered
     * here; an answered connection's first read gets the injected response.
     */
    static final class Response {
        private Response() {}

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Object enter(
                @Advice.This Object connection,
                @Advice.FieldValue("connected") boolean connected,
                @Advice.FieldValue("doInput") boolean doInput,
                @Advice.FieldValue("http") Object http,
                @Advice.FieldValue("cachedInputStream") Object cached,
                @Advice.FieldValue("inputStream") Object in,
                @Advice.FieldValue("rememberedException") Object remembered) {
            return doInput && http == null && cached == null && in == null && remembered == null
                    ? UrlConnectionHooks.response(connection, connected)
                    : null;
        }

        @Advice.OnMethodExit
        static void exit(
                @Advice.Enter Object injected,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object stream)
                throws Throwable {
            if (injected instanceof Throwable t) throw t;
            if (injected != null) stream = injected;
        }
    }

    /**
     * {@code getOutputStream0()}: a request is decided before this connects it (so an answered one gets a stream to
     * write to, and the connect is skipped); an answered connection's body goes nowhere.
     */
    static final class Output {
        private Output() {}

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Object enter(
                @Advice.This Object connection,
                @Advice.FieldValue(value = "connected", readOnly = false) boolean connected,
                @Advice.FieldValue("doOutput") boolean doOutput,
                @Advice.FieldValue(value = "method", readOnly = false) String method,
                @Advice.FieldValue("http") Object http,
                @Advice.FieldValue("cachedInputStream") Object cached,
                @Advice.FieldValue("inputStream") Object in) {
            if (!doOutput || http != null || cached != null || in != null) return null;
            // what getOutputStream0 does before it connects, so the rule sees the verb that is sent
            if (!connected && "GET".equals(method)) method = "POST";
            Object stream = UrlConnectionHooks.output(connection, connected);
            if (stream != null) connected = true;
            return stream;
        }

        @Advice.OnMethodExit
        static void exit(
                @Advice.Enter Object injected,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object stream) {
            if (injected != null) stream = injected;
        }
    }
}
