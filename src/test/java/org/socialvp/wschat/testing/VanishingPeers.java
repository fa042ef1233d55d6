package org.socialvp.wschat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;

/** Clients that leave the moment their upgrade is answered, without reading or sending a frame. */
public final class VanishingPeers {

    private VanishingPeers() {
    }

    /** Opens {@code count} connections to {@code uri}, ending every other one with a TCP reset and the rest with a plain close. */
    public static void connectAndVanish(URI uri, int count) {
        for (int i = 0; i < count; i++) {
            RawClient vanishing = RawClient.connect(uri);
            assertEquals(101, vanishing.status());
            if (i % 2 == 0) {
                vanishing.reset();
            } else {
                vanishing.close();
            }
        }
    }
}
