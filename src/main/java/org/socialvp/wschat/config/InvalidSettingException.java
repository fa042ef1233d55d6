package org.socialvp.wschat.config;

/** A configured value that does not parse; the message names the key so the operator can fix it. */
public final class InvalidSettingException extends IllegalArgumentException {

    private final String key;

    public InvalidSettingException(String key, String value, String problem) {
        super("Invalid setting " + key + "='" + value + "': " + problem);
        this.key = key;
    }

    private InvalidSettingException(String key, String problem) {
        super("Invalid setting " + key + ": " + problem);
        this.key = key;
    }

    /** For a setting whose value is a secret: the message names the key, never the value. */
    public static InvalidSettingException withoutValue(String key, String problem) {
        return new InvalidSettingException(key, problem);
    }

    /** The full key, e.g. {@code wschat.maxMessageBytes}. */
    public String key() {
        return key;
    }
}
