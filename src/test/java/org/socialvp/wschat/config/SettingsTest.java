package org.socialvp.wschat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

    @Test
    void defaultsAreThoseOfTheProtocol() {
        Settings settings = Settings.defaults();
        assertEquals(2 * 1024 * 1024, settings.maxMessageBytes(), "a long party's chat history fits in one message");
        assertEquals(64, settings.maxJsonDepth());
        assertEquals(30, settings.identifyTimeoutSeconds());
        assertEquals(50, settings.rateLimitPerSecond());
        assertEquals(100, settings.rateLimitBurst());
        assertEquals(256 * 1024, settings.rateLimitBytesPerSecond());
        assertEquals(4 * 1024 * 1024, settings.rateLimitBytesBurst());
        assertTrue(settings.byteRateLimited());
        assertEquals(4 * 1024 * 1024, settings.sendQueueMaxBytes(), "a largest message, twice, waits for nobody's close");
        assertEquals(25, settings.pingIntervalSeconds());
        assertEquals(10, settings.pongTimeoutSeconds());
        assertEquals(0, settings.maxConnectionsPerRoom());
        assertEquals(10000, settings.maxConnections());
        assertEquals(Set.of(), settings.allowedOrigins());
        assertFalse(settings.allowAllOrigins());
        assertEquals(Set.of(), settings.allowedHosts(), "any host");
        assertTrue(settings.rateLimited());
        assertTrue(settings.statusEnabled());
        assertFalse(settings.clustered(), "one server unless a Redis is configured");
        assertEquals(30, settings.resumeSeconds());
        assertEquals(262144, settings.resumeBufferBytes());
        assertTrue(settings.resumable());
        assertEquals(32, settings.maxStateKeys());
        assertEquals(65536, settings.maxStateBytes());
    }

    @Test
    void theRedisUrlIsARedisUrlOrNothing() {
        Settings clustered = Settings.load(Map.of("wschat.redisUrl", "redis://redis.internal:6379")::get);
        assertTrue(clustered.clustered());
        assertEquals("redis://redis.internal:6379", clustered.redisUrl());
        assertTrue(Settings.load(Map.of("wschat.redisUrl", "rediss://redis.internal")::get).clustered());
        InvalidSettingException failure = assertThrows(InvalidSettingException.class,
                () -> Settings.load(Map.of("wschat.redisUrl", "http://redis.internal")::get));
        assertEquals("wschat.redisUrl", failure.key());
    }

    @Test
    void flagsAreTrueOrFalseAndNothingElse() {
        assertFalse(Settings.load(Map.of("wschat.statusEnabled", "false")::get).statusEnabled());
        assertTrue(Settings.load(Map.of("wschat.statusEnabled", "TRUE")::get).statusEnabled());
        InvalidSettingException failure = assertThrows(InvalidSettingException.class,
                () -> Settings.load(Map.of("wschat.statusEnabled", "yes")::get));
        assertEquals("wschat.statusEnabled", failure.key());
    }

    @Test
    void webXmlDocumentsEveryKeyWithItsDefault() throws Exception {
        String webXml = Files.readString(Path.of("webapp/WEB-INF/web.xml"));
        Matcher param = Pattern.compile(
                "<param-name>(wschat\\.[^<]+)</param-name>\\s*<param-value>([^<]*)</param-value>").matcher(webXml);
        Map<String, String> documented = new LinkedHashMap<>();
        while (param.find()) {
            documented.put(param.group(1), param.group(2));
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Settings.Key key : Settings.Key.values()) {
            defaults.put(key.key(), key.defaultValue());
        }
        assertEquals(defaults, documented);
    }

    @Test
    void configuredValuesReplaceDefaults() {
        Settings settings = Settings.load(Map.of(
                "wschat.maxMessageBytes", "1024",
                "wschat.rateLimitPerSecond", " 0 ",
                "wschat.allowedOrigins", "https://a.example, https://b.example:8443")::get);
        assertEquals(1024, settings.maxMessageBytes());
        assertEquals(0, settings.rateLimitPerSecond());
        assertFalse(settings.rateLimited());
        assertEquals(Set.of("https://a.example", "https://b.example:8443"), settings.allowedOrigins());
    }

    @Test
    void aByteBurstSmallerThanTheLargestMessageIsRefused() {
        InvalidSettingException failure = assertThrows(InvalidSettingException.class, () -> Settings.load(Map.of(
                "wschat.maxMessageBytes", "1000000", "wschat.rateLimitBytesBurst", "999999")::get));
        assertEquals("wschat.rateLimitBytesBurst", failure.key());
        assertTrue(failure.getMessage().contains("wschat.maxMessageBytes"), failure.getMessage());
        Settings off = Settings.load(Map.of("wschat.maxMessageBytes", "1000000", "wschat.rateLimitBytesBurst", "0")::get);
        assertFalse(off.byteRateLimited(), "0 switches the byte limit off");
    }

    @Test
    void aStarAllowsEveryOrigin() {
        Settings settings = Settings.load(Map.of("wschat.allowedOrigins", "*")::get);
        assertTrue(settings.allowAllOrigins());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.5", "", "99999999999", "64k"})
    void aValueThatDoesNotParseNamesTheKey(String value) {
        InvalidSettingException failure = assertThrows(InvalidSettingException.class,
                () -> Settings.load(Map.of("wschat.maxJsonDepth", value)::get));
        assertEquals("wschat.maxJsonDepth", failure.key());
        assertTrue(failure.getMessage().contains("wschat.maxJsonDepth"), failure.getMessage());
    }

    @Test
    void aValueBelowItsMinimumIsRefused() {
        InvalidSettingException failure = assertThrows(InvalidSettingException.class,
                () -> Settings.load(Map.of("wschat.maxMessageBytes", "0")::get));
        assertEquals("wschat.maxMessageBytes", failure.key());
        assertThrows(InvalidSettingException.class, () -> Settings.load(Map.of("wschat.maxConnections", "-1")::get));
    }
}
