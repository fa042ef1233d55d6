package org.socialvp.wschat.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * Viewers' tokens (PROTOCOL.md §12) signed with Nimbus JOSE+JWT as the SVP site's backend signs
 * them (README, "Private rooms"), for a deployment whose {@code wschat.tokenSecret} is
 * {@link #SECRET_SETTING}.
 */
public final class Tokens {

    /** 32 bytes: the shortest secret the server takes, HS256. */
    public static final byte[] SECRET = "the watch party's 32-byte secret".getBytes(StandardCharsets.US_ASCII);

    /** {@link #SECRET} as {@code wschat.tokenSecret} takes it: base64. */
    public static final String SECRET_SETTING = Base64.getEncoder().encodeToString(SECRET);

    /** How long the tokens here are valid by default: five minutes, as the README suggests. */
    private static final Duration LIFETIME = Duration.ofMinutes(5);

    private Tokens() {
    }

    /** The claims of a token for {@code name} ({@code sub}, or none if {@code null}) in {@code room}, valid for five minutes. */
    public static JWTClaimsSet.Builder claims(String room, String name) {
        return new JWTClaimsSet.Builder()
                .subject(name)
                .claim("room", room)
                .expirationTime(Date.from(Instant.now().plus(LIFETIME)));
    }

    /** A token admitting {@code name} to {@code room}, signed with {@link #SECRET}. */
    public static String forViewer(String room, String name) {
        return sign(claims(room, name));
    }

    /** {@code claims} signed HS256 with {@link #SECRET}. */
    public static String sign(JWTClaimsSet.Builder claims) {
        return sign(claims, SECRET);
    }

    /** {@code claims} signed HS256 with {@code secret}. */
    public static String sign(JWTClaimsSet.Builder claims, byte[] secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The identify command for {@code name} carrying {@code token}. */
    public static String identify(String name, String token) {
        return "{\"command\":\"identify\",\"name\":" + ChatClient.quote(name) + ",\"token\":" + ChatClient.quote(token) + "}";
    }

    /** Connects to {@code room} (named {@code roomName}), identifies as {@code name} with a token for it; fails unless 300. */
    public static ChatClient admitted(URI uri, String roomName, String name) {
        ChatClient client = ChatClient.connect(uri);
        client.send(identify(name, forViewer(roomName, name)));
        ChatClient.assertOutcome(client.next(), 300);
        return client;
    }
}
