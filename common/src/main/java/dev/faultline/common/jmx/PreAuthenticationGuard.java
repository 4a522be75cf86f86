package dev.faultline.common.jmx;

import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class loader RMI resolves the login call's argument with (the context loader the connector was exported
 * under): it resolves {@code String} and nothing else, and logs who sent anything else. Resolution comes before
 * the connector's own credentials filter ({@code java.lang.String;!*}), which stays the boundary; this only
 * makes an attempt visible in the log. No class is initialised either way.
 */
final class PreAuthenticationGuard extends ClassLoader {
    private static final Logger log = LoggerFactory.getLogger("faultline.jmx");

    PreAuthenticationGuard(ClassLoader parent) {
        super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals("java.lang.String")) return super.loadClass(name, resolve);
        String from;
        try {
            from = RemoteServer.getClientHost();
        } catch (ServerNotActiveException e) {
            from = "an unknown client";
        }
        log.warn(
                "JMX: refused a {} sent by {} before authentication: only a user name and password (String[]) are read before login",
                name,
                from);
        throw new ClassNotFoundException(name + " is not accepted before authentication");
    }
}
