package dev.faultline.common.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A second, unprivileged OS user on this host, made by the test set-up ({@code useradd}; needs root): the
 * neighbour on a shared node who must get nothing from our port without the password. It runs
 * {@link RemoteProbe} from a world-readable copy of its class files (the build tree may sit under a home
 * directory it cannot enter).
 */
public final class OtherUser {
    public static final String NAME = "faultline-probe";

    private OtherUser() {}

    /** Creates the user once; a non-root run cannot, and is skipped (a failure under CI). */
    public static void ensure() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            String why =
                    "a second OS user needs root to create (useradd); this run is " + System.getProperty("user.name");
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            Assumptions.abort(why);
        }
        if (exec(List.of("id", "-u", NAME), null).code == 0) return;
        Result r = exec(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", NAME), null);
        if (r.code != 0 && exec(List.of("id", "-u", NAME), null).code != 0)
            throw new AssertionError("useradd " + NAME + ": " + r.out);
    }

    public record Result(int code, String out) {
        /** The probe's line for one attempt. */
        public String line(String attempt) {
            return out.lines()
                    .filter(l -> l.startsWith(attempt + " "))
                    .findFirst()
                    .orElse(attempt + " (not reached) " + out);
        }
    }

    /**
     * {@link RemoteProbe} against {@code port} as this user, on {@code javaBinary}, logging in with {@code login}
     * ({@code "<user> <password>"}, or empty for none).
     */
    public static Result probe(
            String javaBinary, int port, Path passwordFile, String mbean, String writeOperation, String login)
            throws Exception {
        Path classes = Files.createTempDirectory(
                "faultline-probe", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path pkg = Files.createDirectories(
                classes.resolve(RemoteProbe.class.getPackageName().replace('.', '/')));
        for (String c : List.of(RemoteProbe.class.getSimpleName(), RemoteProbe.class.getSimpleName() + "$Attempt")) {
            try (InputStream in = RemoteProbe.class.getResourceAsStream(c + ".class")) {
                Files.write(pkg.resolve(c + ".class"), in.readAllBytes());
            }
        }
        try (var walk = Files.walk(classes)) {
            for (Path p : walk.toList())
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        List<String> cmd = new ArrayList<>(List.of(
                "runuser",
                "-u",
                NAME,
                "--",
                javaBinary,
                "-XX:-UsePerfData",
                "-cp",
                classes.toString(),
                RemoteProbe.class.getName(),
                String.valueOf(port),
                passwordFile.toString(),
                mbean,
                writeOperation));
        try {
            return exec(cmd, login + "\n");
        } finally {
            try (var walk = Files.walk(classes)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    static Result exec(List<String> cmd, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .directory(Path.of("/tmp").toFile())
                .redirectErrorStream(true)
                .start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), out);
    }
}
