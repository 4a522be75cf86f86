package dev.faultline.cli.fleet;

/**
 * One target's answer to one call: what it returned ({@code String}, {@code Boolean}, {@code Integer} or
 * {@code String[]}) or why it did not confirm.
 */
public record Answer(Target target, String operation, Object value, String error, long millis) {
    public boolean confirmed() {
        return error == null;
    }

    public static Answer ok(Target t, String operation, Object value, long millis) {
        return new Answer(t, operation, value, null, millis);
    }

    public static Answer failed(Target t, String operation, String error, long millis) {
        return new Answer(t, operation, null, error, millis);
    }
}
