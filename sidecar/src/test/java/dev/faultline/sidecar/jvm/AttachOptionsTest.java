package dev.faultline.sidecar.jvm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which options a second load into a JVM that has Faultline already may carry. */
class AttachOptionsTest {
    @Test
    void onlyTheUnixJmxWordsAndNothingElseStartTheConnector() {
        assertTrue(JvmAttacher.onlyStartsUnixJmx("jmx.unix=/tmp/fl,jmx.unix.secret=abc"));
        assertTrue(JvmAttacher.onlyStartsUnixJmx("jmx.unix.secret=abc,jmx.unix=/tmp/fl"));
        // the sidecar's way: the secret in the directory's jmx.secret, not in the options
        assertTrue(JvmAttacher.onlyStartsUnixJmx("jmx.unix=/tmp/fl"));
        assertFalse(JvmAttacher.onlyStartsUnixJmx("jmx.unix.secret=abc"), "a secret for no directory");
        assertFalse(JvmAttacher.onlyStartsUnixJmx("jmx.unix=/tmp/fl,jmx.unix.secret=a,faults=/x"), "more");
        assertFalse(JvmAttacher.onlyStartsUnixJmx("jmx.unix=/tmp/fl,jmx.unix.secret=a,b"), "a fragment");
        assertFalse(JvmAttacher.onlyStartsUnixJmx(""));
    }
}
