package dev.faultline.agent.protocol;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.ConnectorStatistics;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * {@link ServletProbeApp}'s servlet deployed on Undertow (undertow-servlet, as WildFly and Spring Boot on Undertow
 * deploy one): {@link ServletProbeApp.ProbeServlet} on {@code /*} behind a servlet filter that logs each status and
 * client port once the chain is done (an access log inside the deployment), on its own Undertow server with its
 * connector statistics on (a listener outside the handler chain).
 */
final class UndertowServletProbe {
    final Undertow server;
    final int port;
    private final ServerStats stats = new ServerStats();

    UndertowServletProbe() throws ServletException {
        DeploymentManager deployment = Servlets.defaultContainer()
                .addDeployment(Servlets.deployment()
                        .setClassLoader(UndertowServletProbe.class.getClassLoader())
                        .setContextPath("/")
                        .setDeploymentName("probe.war")
                        .addServlet(Servlets.servlet(
                                        "probe",
                                        ServletProbeApp.ProbeServlet.class,
                                        new ImmediateInstanceFactory<>(new ServletProbeApp.ProbeServlet(stats)))
                                .addMapping("/*"))
                        .addFilter(Servlets.filter(
                                "status-log", StatusLog.class, new ImmediateInstanceFactory<>(new StatusLog(stats))))
                        .addFilterUrlMapping("status-log", "/*", DispatcherType.REQUEST));
        deployment.deploy();
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setServerOption(UndertowOptions.ENABLE_STATISTICS, true)
                .setHandler(deployment.start())
                .build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** {@code handled=<n> <status>=<n>… connections=<n> requests=<n>} since the last call. */
    String take() throws InterruptedException {
        ConnectorStatistics connector = server.getListenerInfo().get(0).getConnectorStatistics();
        Thread.sleep(200); // a request's statistics are kept once its response is written, after the client has it
        String out = stats.take() + " requests=" + connector.getRequestCount();
        connector.reset();
        return out;
    }

    /** The deployment's own access log: a filter on every request, which records what the chain answered. */
    static final class StatusLog implements Filter {
        private final ServerStats stats;

        StatusLog(ServerStats stats) {
            this.stats = stats;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            chain.doFilter(request, response);
            stats.logged(((HttpServletResponse) response).getStatus(), request.getRemotePort());
        }
    }
}
