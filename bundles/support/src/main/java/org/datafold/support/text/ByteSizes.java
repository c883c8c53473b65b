package org.datafold.support.text;

/**
 * Sizes in bytes as the commands print them: {@code 512 B}, {@code 1.5 KiB}, {@code 12.0 MiB},
 * {@code 61.3 GiB} (binary units, one decimal, the default locale's decimal separator). The one
 * rule, so that {@code storage:stats} and {@code fold:status} say sizes the same way.
 */
public final class ByteSizes {

    private ByteSizes() {
    }

    /** {@code n} bytes in the largest unit, up to GiB, that keeps the number at 1 or more. */
    public static String format(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format("%.1f GiB", n / (1024.0 * 1024 * 1024));
    }
}
