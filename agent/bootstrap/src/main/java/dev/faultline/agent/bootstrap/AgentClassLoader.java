package dev.faultline.agent.bootstrap;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The agent's own class loader (OpenTelemetry's {@code AgentClassLoader}, Elastic's {@code ShadedClassLoader}):
 * reads the core and its relocated libraries from {@code inst/} inside the agent jar, where neither the
 * application's loaders nor the boot loader can find them as classes (they look {@code a/B} up at {@code a/B.class}). Its parent is the platform loader,
 * so the application's class path can never shadow our Byte Buddy, and the JDK's platform modules
 * ({@code jdk.httpserver}, {@code jdk.attach}, {@code java.sql} …) are visible to the core. The bootstrap package
 * comes from the boot loader through that parent.
 */
public final class AgentClassLoader extends ClassLoader {
    static final String PREFIX = "inst/";
    private static final String CLASS = ".class";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String base;
    private final ProtectionDomain domain;
    /**
     * Opens our resource URLs from the jar held open here, never by path again: the sidecar hands the jar over as
     * {@code /proc/<helper>/fd/3} and then ends the helper, and whatever is at a path later is not ours.
     */
    private final URLStreamHandler held = new URLStreamHandler() {
        @Override
        protected URLConnection openConnection(URL url) {
            return new URLConnection(url) {
                @Override
                public void connect() {}

                @Override
                public InputStream getInputStream() throws IOException {
                    String spec = url.getFile();
                    JarEntry entry = jar.getJarEntry(spec.substring(spec.indexOf("!/") + 2));
                    if (entry == null) throw new FileNotFoundException(url.toString());
                    return jar.getInputStream(entry);
                }
            };
        }
    };

    public AgentClassLoader(File agentJar) throws IOException {
        super("faultline-agent", ClassLoader.getPlatformClassLoader());
        this.jar = new JarFile(agentJar, false);
        URL location = agentJar.toURI().toURL();
        this.base = location + "!/";
        this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS);
        if (entry == null) throw new ClassNotFoundException(name);
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    /**
     * Resources from {@code inst/} ({@code a/B.class} too: Byte Buddy reads advice bytes this way); a bootstrap
     * class's bytes from the jar root, since appending a jar to the boot search path adds its classes but not its
     * resources.
     */
    @Override
    protected URL findResource(String name) {
        String entry = PREFIX + name;
        if (jar.getEntry(entry) == null) {
            if (!name.endsWith(CLASS) || jar.getEntry(name) == null) return null;
            entry = name;
        }
        try {
            return new URL("jar", null, -1, base + entry, held);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        if (name.endsWith(CLASS)) { // the fast way for class bytes: no URL, no second JarFile
            JarEntry entry = jar.getJarEntry(PREFIX + name);
            if (entry == null) entry = jar.getJarEntry(name);
            if (entry != null) {
                try {
                    return jar.getInputStream(entry);
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return super.getResourceAsStream(name);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(url));
    }
}
