package dev.faultline.agent.bootstrap;

import java.io.IOException;

/**
 * The static entry point that servlet advice (Jakarta and javax) calls; loaded by the boot loader so a servlet API in
 * any class loader (a container's, a web application's) sees it. The servlet types are not visible from here, so the work is
 * done by a {@link Dispatch} the core sets, which reaches them by reflection; arguments pass as {@code Object}. While
 * no {@code on=http-server} rule is armed, the entry point is one volatile read of a null array.
 */
public final class ServletHooks {
    /** What the core does at the entry point; called only while rules are armed. */
    public interface Dispatch {
        boolean service(FaultRule[] rules, Object request, Object response) throws IOException;
    }

    private static volatile Dispatch dispatch;
    private static volatile FaultRule[] rules;

    private ServletHooks() {}

    /** Set once, before the first rule is published. */
    public static void dispatch(Dispatch d) {
        dispatch = d;
    }

    /** The {@code on=http-server} rules the servlet hook acts on from now on; null or empty for none. */
    public static void publish(FaultRule[] armed) {
        rules = armed == null || armed.length == 0 ? null : armed;
    }

    /**
     * {@code HttpServlet.service(ServletRequest, ServletResponse)} (jakarta or javax), which every container
     * (Tomcat, Jetty, Undertow) calls after the request's filters and before the servlet's own {@code service}.
     *
     * @return true if the response was answered here and the servlet must not run
     */
    public static boolean service(Object request, Object response) throws IOException {
        FaultRule[] r = rules;
        return r != null && dispatch.service(r, request, response);
    }
}
