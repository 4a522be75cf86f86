package dev.faultline.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made with the JDK's keytool for this test run: a key store
 * (the servers') and a trust store holding only that certificate (the clients').
 */
record Tls(Path keyStore, Path trustStore) {
    static final String PASSWORD = "changeit";

    static Tls generate() throws Exception {
        Path dir = Files.createTempDirectory("faultline-protocol-tls");
        Path keyStore = dir.resolve("peer.p12");
        Path cert = dir.resolve("peer.cer");
        Path trustStore = dir.resolve("trust.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "peer",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                PASSWORD);
        keytool(
                "-exportcert",
                "-alias",
                "peer",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "peer",
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString(),
                "-storepass",
                PASSWORD);
        // removed when the test JVM ends (in reverse order of registration: the files, then their directory)
        dir.toFile().deleteOnExit();
        for (Path p : List.of(keyStore, cert, trustStore)) p.toFile().deleteOnExit();
        return new Tls(keyStore, trustStore);
    }

    /** The JVM options that make a forked JVM's default TLS context serve and trust this certificate. */
    String[] jvmArgs() {
        return new String[] {
            "-Djavax.net.ssl.keyStore=" + keyStore, "-Djavax.net.ssl.keyStorePassword=" + PASSWORD,
            "-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD
        };
    }

    SSLContext context() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore), PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore));
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ": " + out);
    }
}
