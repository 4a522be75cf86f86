package dev.faultline.agent.bootstrap;

/** {@code *} and {@code ?} globs, case-insensitive, without regex or allocation (it runs on hook paths). */
public final class Glob {
    private Glob() {}

    /** @param pattern already lower case */
    public static boolean matches(String pattern, String text) {
        int p = 0, t = 0, star = -1, mark = 0;
        int pl = pattern.length(), tl = text.length();
        while (t < tl) {
            if (p < pl && (pattern.charAt(p) == '?' || pattern.charAt(p) == Character.toLowerCase(text.charAt(t)))) {
                p++;
                t++;
            } else if (p < pl && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pl && pattern.charAt(p) == '*') p++;
        return p == pl;
    }

    public static boolean isLiteral(String pattern) {
        return pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0;
    }
}
