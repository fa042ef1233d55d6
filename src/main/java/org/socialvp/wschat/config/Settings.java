package org.socialvp.wschat.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every WSChat setting, read once when the WAR starts and never changed afterwards.
 *
 * <p>Keys, defaults and meaning are listed in {@code PROTOCOL.md} §7 and documented in
 * {@code WEB-INF/web.xml}. {@link #load} takes a source that already applies the precedence
 * (system property over container parameter over web.xml); a value that does not parse fails with
 * an {@link InvalidSettingException} naming the key.
 *
 * @param maxMessageBytes largest accepted text message in UTF-8 bytes (close 1009 beyond)
 * @param maxJsonDepth deepest accepted nesting of arrays/objects (outcome 400 beyond)
 * @param identifyTimeoutSeconds time allowed to identify (close 1008 after)
 * @param rateLimitPerSecond token bucket refill rate per connection, 0 = off
 * @param rateLimitBurst token bucket size per connection, 0 = off
 * @param rateLimitBytesPerSecond UTF-8 bytes per second a connection may send on average, 0 = off
 * @param rateLimitBytesBurst bytes a connection may send in one burst, 0 = off; at least
 *        {@code maxMessageBytes} when both limits are on, or the largest message could never pass
 * @param sendQueueMaxBytes bytes allowed to wait in one outbox (close 1013 beyond)
 * @param pingIntervalSeconds seconds between pings
 * @param pongTimeoutSeconds seconds to wait for a pong
 * @param maxConnectionsPerRoom connections per room, 0 = unlimited
 * @param maxConnections connections per server, 0 = unlimited
 * @param allowedOrigins exact origins allowed besides same-origin and no-origin requests
 * @param allowAllOrigins whether {@code allowedOrigins} was {@code *}
 * @param allowedHosts host names (lower case, no port) a handshake's {@code Host} may name; empty for any
 * @param statusEnabled whether {@code GET /wschat/status} answers
 * @param redisUrl the Redis the servers of a cluster share rooms through; empty for one server
 * @param resumeSeconds how long a session outlives a lost connection, 0 = resuming off
 * @param resumeBufferBytes bytes of frames kept per session for a resume
 * @param maxStateKeys keys a room's state may hold (deleted ones not counted)
 * @param maxStateBytes UTF-8 bytes of a room's whole state, as one JSON object
 * @param tokenSecret base64 of the HMAC secret that signs viewers' tokens; unset: no tokens by secret
 * @param tokenPublicKey the PEM public key (or the path of a PEM file) that checks viewers'
 *        tokens; unset: no tokens by key. At most one of the two is set
 * @param tokenLeewaySeconds clock skew tolerated on a token's {@code exp} and {@code nbf}
 * @param apiKey the bearer key of the server API; unset: no API
 * @param presenceBatchMillis how often, at most, a viewer with batched presence gets a presence frame
 */
public record Settings(
        int maxMessageBytes,
        int maxJsonDepth,
        int identifyTimeoutSeconds,
        int rateLimitPerSecond,
        int rateLimitBurst,
        long rateLimitBytesPerSecond,
        long rateLimitBytesBurst,
        long sendQueueMaxBytes,
        int pingIntervalSeconds,
        int pongTimeoutSeconds,
        int maxConnectionsPerRoom,
        int maxConnections,
        Set<String> allowedOrigins,
        boolean allowAllOrigins,
        Set<String> allowedHosts,
        boolean statusEnabled,
        String redisUrl,
        int resumeSeconds,
        int resumeBufferBytes,
        int maxStateKeys,
        int maxStateBytes,
        Secret tokenSecret,
        String tokenPublicKey,
        int tokenLeewaySeconds,
        Secret apiKey,
        int presenceBatchMillis) {

    public static final String PREFIX = "wschat.";

    /** The shortest API key accepted: a guessable key would open every party to anyone. */
    public static final int MIN_API_KEY_LENGTH = 16;

    /** The most clock skew a token check tolerates, in seconds. */
    public static final int MAX_TOKEN_LEEWAY_SECONDS = 60;

    /** The keys WSChat reads, each with its default as written in web.xml. */
    public enum Key {
        MAX_MESSAGE_BYTES("maxMessageBytes", "2097152"),
        MAX_JSON_DEPTH("maxJsonDepth", "64"),
        IDENTIFY_TIMEOUT_SECONDS("identifyTimeoutSeconds", "30"),
        RATE_LIMIT_PER_SECOND("rateLimitPerSecond", "50"),
        RATE_LIMIT_BURST("rateLimitBurst", "100"),
        RATE_LIMIT_BYTES_PER_SECOND("rateLimitBytesPerSecond", "262144"),
        RATE_LIMIT_BYTES_BURST("rateLimitBytesBurst", "4194304"),
        SEND_QUEUE_MAX_BYTES("sendQueueMaxBytes", "4194304"),
        PING_INTERVAL_SECONDS("pingIntervalSeconds", "25"),
        PONG_TIMEOUT_SECONDS("pongTimeoutSeconds", "10"),
        MAX_CONNECTIONS_PER_ROOM("maxConnectionsPerRoom", "0"),
        MAX_CONNECTIONS("maxConnections", "10000"),
        ALLOWED_ORIGINS("allowedOrigins", ""),
        ALLOWED_HOSTS("allowedHosts", ""),
        STATUS_ENABLED("statusEnabled", "true"),
        REDIS_URL("redisUrl", ""),
        RESUME_SECONDS("resumeSeconds", "30"),
        RESUME_BUFFER_BYTES("resumeBufferBytes", "262144"),
        MAX_STATE_KEYS("maxStateKeys", "32"),
        MAX_STATE_BYTES("maxStateBytes", "65536"),
        TOKEN_SECRET("tokenSecret", ""),
        TOKEN_PUBLIC_KEY("tokenPublicKey", ""),
        TOKEN_LEEWAY_SECONDS("tokenLeewaySeconds", "30"),
        API_KEY("apiKey", ""),
        PRESENCE_BATCH_MILLIS("presenceBatchMillis", "250");

        private final String name;
        private final String defaultValue;

        Key(String shortName, String defaultValue) {
            this.name = PREFIX + shortName;
            this.defaultValue = defaultValue;
        }

        /** The full key, e.g. {@code wschat.maxMessageBytes}. */
        public String key() {
            return name;
        }

        public String defaultValue() {
            return defaultValue;
        }
    }

    public Settings {
        allowedOrigins = Set.copyOf(allowedOrigins);
        allowedHosts = Set.copyOf(allowedHosts);
    }

    /** The settings when nothing is configured. */
    public static Settings defaults() {
        return load(key -> null);
    }

    /**
     * Builds the settings from {@code source}, which maps a full key to its configured value or
     * {@code null} when the key is not set anywhere.
     *
     * @throws InvalidSettingException naming the first key whose value does not parse
     */
    public static Settings load(Function<String, String> source) {
        Reader reader = new Reader(source);
        Set<String> originList = reader.list(Key.ALLOWED_ORIGINS);
        Set<String> hostList = reader.list(Key.ALLOWED_HOSTS).stream()
                .map(host -> host.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        int maxMessageBytes = reader.number(Key.MAX_MESSAGE_BYTES, 1);
        long bytesPerSecond = reader.number(Key.RATE_LIMIT_BYTES_PER_SECOND, 0);
        long bytesBurst = reader.number(Key.RATE_LIMIT_BYTES_BURST, 0);
        Secret tokenSecret = reader.secret(Key.TOKEN_SECRET);
        String tokenPublicKey = reader.text(Key.TOKEN_PUBLIC_KEY);
        if (tokenSecret.isSet() && !tokenPublicKey.isEmpty()) {
            throw InvalidSettingException.withoutValue(Key.TOKEN_PUBLIC_KEY.key(),
                    "set either it or " + Key.TOKEN_SECRET.key() + ", not both");
        }
        int leeway = reader.number(Key.TOKEN_LEEWAY_SECONDS, 0);
        if (leeway > MAX_TOKEN_LEEWAY_SECONDS) {
            throw new InvalidSettingException(Key.TOKEN_LEEWAY_SECONDS.key(), Integer.toString(leeway),
                    "must be at most " + MAX_TOKEN_LEEWAY_SECONDS);
        }
        Secret apiKey = reader.secret(Key.API_KEY);
        if (apiKey.isSet() && apiKey.value().length() < MIN_API_KEY_LENGTH) {
            throw InvalidSettingException.withoutValue(Key.API_KEY.key(),
                    "must be at least " + MIN_API_KEY_LENGTH + " characters long");
        }
        if (bytesPerSecond > 0 && bytesBurst > 0 && bytesBurst < maxMessageBytes) {
            throw new InvalidSettingException(Key.RATE_LIMIT_BYTES_BURST.key(), Long.toString(bytesBurst),
                    "must be at least " + Key.MAX_MESSAGE_BYTES.key() + " (" + maxMessageBytes
                    + "), or the largest message could never be sent");
        }
        return new Settings(
                maxMessageBytes,
                reader.number(Key.MAX_JSON_DEPTH, 1),
                reader.number(Key.IDENTIFY_TIMEOUT_SECONDS, 1),
                reader.number(Key.RATE_LIMIT_PER_SECOND, 0),
                reader.number(Key.RATE_LIMIT_BURST, 0),
                bytesPerSecond,
                bytesBurst,
                reader.number(Key.SEND_QUEUE_MAX_BYTES, 1),
                reader.number(Key.PING_INTERVAL_SECONDS, 1),
                reader.number(Key.PONG_TIMEOUT_SECONDS, 1),
                reader.number(Key.MAX_CONNECTIONS_PER_ROOM, 0),
                reader.number(Key.MAX_CONNECTIONS, 0),
                originList.contains("*") ? Set.of() : originList,
                originList.contains("*"),
                hostList,
                reader.flag(Key.STATUS_ENABLED),
                reader.redisUrl(Key.REDIS_URL),
                reader.number(Key.RESUME_SECONDS, 0),
                reader.number(Key.RESUME_BUFFER_BYTES, 1024),
                reader.number(Key.MAX_STATE_KEYS, 1),
                reader.number(Key.MAX_STATE_BYTES, 2),
                tokenSecret,
                tokenPublicKey,
                leeway,
                apiKey,
                reader.number(Key.PRESENCE_BATCH_MILLIS, 10));
    }

    /** Whether every identify must carry a token the SVP site signed (PROTOCOL.md §12). */
    public boolean tokensRequired() {
        return tokenSecret.isSet() || !tokenPublicKey.isEmpty();
    }

    /** Whether the server API answers (PROTOCOL.md §13). */
    public boolean apiEnabled() {
        return apiKey.isSet();
    }

    /** Whether this server shares its rooms with others through Redis. */
    public boolean clustered() {
        return !redisUrl.isEmpty();
    }

    /** Whether viewers may ask for a session that outlives their connection. */
    public boolean resumable() {
        return resumeSeconds > 0;
    }

    /** Whether the message rate limit is switched on. */
    public boolean rateLimited() {
        return rateLimitPerSecond > 0 && rateLimitBurst > 0;
    }

    /** Whether the byte rate limit is switched on. */
    public boolean byteRateLimited() {
        return rateLimitBytesPerSecond > 0 && rateLimitBytesBurst > 0;
    }

    private record Reader(Function<String, String> source) {

        String text(Key key) {
            String value = source.apply(key.key());
            return value == null ? key.defaultValue() : value.trim();
        }

        /** A comma-separated list, each item trimmed, empty items left out. */
        Set<String> list(Key key) {
            return Arrays.stream(text(key).split(","))
                    .map(String::trim)
                    .filter(item -> !item.isEmpty())
                    .collect(Collectors.toSet());
        }

        Secret secret(Key key) {
            return new Secret(text(key));
        }

        boolean flag(Key key) {
            String value = text(key);
            if (value.equalsIgnoreCase("true")) {
                return true;
            }
            if (value.equalsIgnoreCase("false")) {
                return false;
            }
            throw new InvalidSettingException(key.key(), value, "must be true or false");
        }

        String redisUrl(Key key) {
            String value = text(key);
            if (!value.isEmpty() && !value.startsWith("redis://") && !value.startsWith("rediss://")) {
                throw new InvalidSettingException(key.key(), value, "must be a redis:// or rediss:// URL");
            }
            return value;
        }

        int number(Key key, int minimum) {
            String value = text(key);
            try {
                int number = Integer.parseInt(value);
                if (number < minimum) {
                    throw new InvalidSettingException(key.key(), value, "must be at least " + minimum);
                }
                return number;
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(key.key(), value, "is not a whole number");
            }
        }
    }
}
