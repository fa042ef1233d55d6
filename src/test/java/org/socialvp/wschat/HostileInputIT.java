package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;

/** Oversize frames, deep and huge JSON, fragmented frames: the sender is dealt with, nobody else notices. */
class HostileInputIT extends DeployedWarIT {

    private static final int MAX_MESSAGE_BYTES = 262_144;

    @Deployment(testable = false)
    static WebArchive war() {
        // Room for a 100,000-deep document, which must then fail on depth, not on size.
        return Deployments.wschat(Map.of("wschat.maxMessageBytes", String.valueOf(MAX_MESSAGE_BYTES)));
    }

    @Test
    void aMessageOverTheLimitClosesThatConnectionWith1009AndOthersCarryOn() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bigmouth = ChatClient.identified(lobby(), "bigmouth")) {
            alice.next("join");
            bigmouth.broadcast(jsonStringOfBytes(MAX_MESSAGE_BYTES));
            assertEquals(1009, bigmouth.awaitClose().code());
            assertEquals("bigmouth", alice.next("quit").getString("who"));
            alice.expectNothingMore();
        }
    }

    @Test
    void aMessageOfExactlyTheLimitIsDelivered() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            alice.next("join");
            String prefix = "{\"command\":\"broadcast\",\"message\":\"";
            String body = "x".repeat(MAX_MESSAGE_BYTES - prefix.length() - 2);
            bob.send(prefix + body + "\"}");
            assertEquals(body, alice.next("broadcast").getString("message"));
        }
    }

    @Test
    void theLimitCountsUtf8BytesNotCharacters() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            alice.next("join");
            // 100,000 characters, 300,000 bytes.
            bob.broadcast("\"" + "€".repeat(100_000) + "\"");
            assertEquals(1009, bob.awaitClose().code());
            assertEquals("bob", alice.next("quit").getString("who"));
        }
    }

    @Test
    void aMessageSplitIntoFragmentsIsAssembledAndStillLimited() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                RawClient raw = RawClient.connect(lobby())) {
            assertEquals(300, raw.identify("fragmented"));
            alice.next("join");
            byte[] start = "{\"command\":\"broadcast\",".getBytes();
            byte[] end = "\"message\":\"in pieces\"}".getBytes();
            raw.sendFrame(RawClient.TEXT, start, false);
            raw.sendFrame(0x0, end, true);
            assertEquals("in pieces", alice.next("broadcast").getString("message"));
            byte[] chunk = new byte[60_000];
            Arrays.fill(chunk, (byte) 'x');
            raw.sendFrame(RawClient.TEXT, "{\"command\":\"broadcast\",\"message\":\"".getBytes(), false);
            for (int i = 0; i < 5; i++) {
                raw.sendFrame(0x0, chunk, false);
            }
            assertEquals(1009, raw.readUntilClose().closeCode());
            assertEquals("fragmented", alice.next("quit").getString("who"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {65, 1_000, 100_000})
    void nestingDeeperThanTheLimitIsAnswered400AndTheConnectionStays(int depth) {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice")) {
            alice.broadcast("[".repeat(depth) + "]".repeat(depth));
            alice.expectBadRequest("Message is nested deeper than 64 levels");
            alice.expectNothingMore();
        }
    }

    @Test
    void anOpenNestingThatNeverEndsIsAnswered400() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice")) {
            alice.send("{\"command\":\"broadcast\",\"message\":" + "{\"a\":".repeat(30_000));
            alice.expectOutcome(400);
            alice.expectNothingMore();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e999999999", "-1E-999999999", "[0.5e1000000]"})
    void numbersWithAbsurdExponentsAreAnswered400(String payload) {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice")) {
            alice.broadcast(payload);
            alice.expectBadRequest("Number out of range");
            alice.expectNothingMore();
        }
    }

    @Test
    void aTenThousandDigitIntegerIsAnswered400() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice")) {
            alice.broadcast("1" + "0".repeat(9_999));
            alice.expectBadRequest("Number too long");
            alice.expectNothingMore();
        }
    }

    /**
     * The 1007 close frame is written on the container's thread while the outcome of the identify
     * may still be finishing; with Tomcat's default 50 ms bound for that write about one close in
     * fifteen went out without its frame (the connection just ended).
     */
    @Test
    void everyConnectionRefusedForInvalidUtf8GetsItsCloseFrame() {
        for (int i = 0; i < 100; i++) {
            try (RawClient raw = RawClient.connect(lobby())) {
                assertEquals(300, raw.identify("mangler" + i));
                raw.sendFrame(RawClient.TEXT, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, true);
                RawClient.Frame close = assertDoesNotThrow(raw::readUntilClose,
                        "connection " + i + " ended without a close frame");
                assertEquals(1007, close.closeCode());
            }
        }
    }

    @Test
    void invalidUtf8IsRefusedByTheContainerWithoutHarmToOthers() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                RawClient raw = RawClient.connect(lobby())) {
            assertEquals(300, raw.identify("mangler"));
            alice.next("join");
            raw.sendFrame(RawClient.TEXT, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, true);
            assertEquals(1007, raw.readUntilClose().closeCode());
            assertEquals("mangler", alice.next("quit").getString("who"));
            alice.expectNothingMore();
        }
    }

    /** A broadcast command whose UTF-8 encoding is {@code bytes} + 1 long. */
    private static String jsonStringOfBytes(int bytes) {
        int overhead = "{\"command\":\"broadcast\",\"message\":\"\"}".length();
        return "\"" + "y".repeat(bytes - overhead + 1) + "\"";
    }
}
