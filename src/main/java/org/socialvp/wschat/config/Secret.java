package org.socialvp.wschat.config;

/**
 * A setting that must not show up in a log: {@link #toString} says only whether it is set, so the
 * settings can be logged whole at startup.
 *
 * @param value the configured text, trimmed; empty when unset
 */
public record Secret(String value) {

    public boolean isSet() {
        return !value.isEmpty();
    }

    @Override
    public String toString() {
        return isSet() ? "(set)" : "(unset)";
    }
}
