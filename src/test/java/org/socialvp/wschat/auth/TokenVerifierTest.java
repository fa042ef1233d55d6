package org.socialvp.wschat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.socialvp.wschat.config.Settings;

/**
 * The token checks of PROTOCOL.md §12, on tokens signed here with Nimbus as the SVP site's backend
 * would sign them, against a fixed clock and the default leeway of 30 seconds.
 */
class TokenVerifierTest {

    static final Instant NOW = Instant.parse("2030-06-01T20:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String ROOM = "party42";
    static final String NAME = "alice";
    /** 32 bytes: the shortest secret accepted, HS256 only. */
    static final byte[] SECRET = "a secret of thirty-two bytes....".getBytes(StandardCharsets.US_ASCII);

    static final KeyPair RSA = keyPair("RSA", 2048);
    static final KeyPair EC = ecKeyPair("secp256r1");

    private final TokenVerifier bySecret = verifier(Map.of("wschat.tokenSecret", base64(SECRET)));
    private final TokenVerifier byRsaKey = verifier(Map.of("wschat.tokenPublicKey", pem(RSA.getPublic())));
    private final TokenVerifier byEcKey = verifier(Map.of("wschat.tokenPublicKey", pem(EC.getPublic())));

    // --- what admits ---

    @Test
    void aTokenForThisRoomAndNameSignedWithTheSecretAdmits() {
        assertAdmits(bySecret, hs256(claims(), SECRET));
    }

    @Test
    void aLongerSecretAlsoTakesHs384AndHs512() {
        byte[] secret = new byte[64];
        System.arraycopy(SECRET, 0, secret, 0, 32);
        System.arraycopy(SECRET, 0, secret, 32, 32);
        TokenVerifier verifier = verifier(Map.of("wschat.tokenSecret", base64(secret)));
        for (JWSAlgorithm algorithm : new JWSAlgorithm[] {JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512}) {
            assertAdmits(verifier, sign(claims(), algorithm, mac(secret)));
        }
    }

    @Test
    void aSecretOfThirtyTwoBytesTakesNoHs384() {
        byte[] longer = new byte[48];
        System.arraycopy(SECRET, 0, longer, 0, 32);
        // The server's 32 bytes are too short for HS384 (RFC 7518 §3.2): any such token is refused unchecked.
        assertRefused(bySecret, sign(claims(), JWSAlgorithm.HS384, mac(longer)), HS384_AT_32_BYTES);
    }

    /**
     * Some JWT libraries sign HS384 and HS512 with any secret; Nimbus, like RFC 7518, does not
     * verify them with one shorter than the hash. The refusal names the algorithm, so that a site
     * whose every token fails learns why from the first 401.
     */
    @Test
    void hs384AndHs512SignedWithTheServersOwnThirtyTwoBytesAreRefusedSayingWhy() throws Exception {
        assertRefused(bySecret, hmacByHand("HS384", "HmacSHA384", claims(), SECRET), HS384_AT_32_BYTES);
        assertRefused(bySecret, hmacByHand("HS512", "HmacSHA512", claims(), SECRET),
                "Token has a bad signature: it is signed with HS512, and this server takes HS256");
        assertAdmits(bySecret, hmacByHand("HS256", "HmacSHA256", claims(), SECRET)); // the by-hand signing is right
    }

    @Test
    void aLongMadeUpAlgorithmIsNamedShortened() {
        String made = "HS" + "9".repeat(500);
        String token = b64url("{\"alg\":\"" + made + "\"}") + "." + b64url(claims().build().toString()) + ".c2ln";
        assertRefused(bySecret, token, "Token has a bad signature: it is signed with HS99999999999999…, and this server takes HS256");
    }

    @Test
    void aSignedTokenWhoseRegisteredClaimsHaveTheWrongTypesIsRefusedSayingSo() {
        String why = "Token claims malformed";
        long inAMinute = CLOCK.instant().getEpochSecond() + 60;
        assertRefused(bySecret, hs256(claims().claim("exp", Long.toString(inAMinute)), SECRET), why);
        assertRefused(bySecret, hs256(claims().claim("nbf", "yesterday"), SECRET), why);
        assertRefused(bySecret, hs256(claims().claim("iat", "now"), SECRET), why);
    }

    @Test
    void anRs256TokenSignedWithTheMatchingPrivateKeyAdmits() {
        assertAdmits(byRsaKey, rs256(claims(), RSA));
    }

    @Test
    void anEs256TokenSignedWithTheMatchingP256KeyAdmits() {
        assertAdmits(byEcKey, es256(claims(), EC));
    }

    @Test
    void aTokenWithoutSubAdmitsAnyName() {
        String token = hs256(claims().subject(null), SECRET);
        assertEquals(Optional.empty(), bySecret.refusal(token, ROOM, "bob"));
        assertEquals(Optional.empty(), bySecret.refusal(token, ROOM, "carol"));
    }

    @Test
    void aTokenForEveryRoomAdmitsInAnyRoom() {
        String token = hs256(claims().claim("room", "*"), SECRET);
        assertEquals(Optional.empty(), bySecret.refusal(token, ROOM, NAME));
        assertEquals(Optional.empty(), bySecret.refusal(token, "lobby", NAME));
        assertEquals(Optional.empty(), bySecret.refusal(token, "another-party", NAME));
    }

    @Test
    void aSubInAnotherUnicodeNormalFormIsTheSameName() {
        String decomposed = "e\u0301lise"; // "élise" as e and a combining acute accent
        String composed = "\u00e9lise"; // as the server holds every name: NFC
        assertEquals(Optional.empty(), bySecret.refusal(hs256(claims().subject(decomposed), SECRET), ROOM, composed));
    }

    @Test
    void anExpiryWithinTheLeewayStillAdmits() {
        assertAdmits(bySecret, hs256(claims().expirationTime(at(-29)), SECRET));
    }

    @Test
    void aNotBeforeWithinTheLeewayStillAdmits() {
        assertAdmits(bySecret, hs256(claims().notBeforeTime(at(29)), SECRET));
    }

    @Test
    void aNotBeforeInThePastAdmits() {
        assertAdmits(bySecret, hs256(claims().notBeforeTime(at(-3600)), SECRET));
    }

    @Test
    void theLeewayIsTheSetting() {
        TokenVerifier strict = verifier(Map.of("wschat.tokenSecret", base64(SECRET), "wschat.tokenLeewaySeconds", "0"));
        assertRefused(strict, hs256(claims().expirationTime(at(-1)), SECRET), "Token expired");
        assertAdmits(strict, hs256(claims().expirationTime(at(1)), SECRET));
        assertRefused(strict, hs256(claims().notBeforeTime(at(1)), SECRET), "Token not valid yet");
        TokenVerifier lenient = verifier(Map.of("wschat.tokenSecret", base64(SECRET), "wschat.tokenLeewaySeconds", "60"));
        assertAdmits(lenient, hs256(claims().expirationTime(at(-59)), SECRET));
        assertRefused(lenient, hs256(claims().expirationTime(at(-61)), SECRET), "Token expired");
    }

    // --- what is refused, and why ---

    @Test
    void anExpiredTokenIsRefused() {
        assertRefused(bySecret, hs256(claims().expirationTime(at(-31)), SECRET), "Token expired");
        assertRefused(bySecret, hs256(claims().expirationTime(at(-86400)), SECRET), "Token expired");
    }

    @Test
    void aTokenNotValidYetIsRefused() {
        assertRefused(bySecret, hs256(claims().notBeforeTime(at(31)), SECRET), "Token not valid yet");
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        byte[] other = "another secret, thirty-two bytes".getBytes(StandardCharsets.US_ASCII);
        assertRefused(bySecret, hs256(claims(), other), "Token has a bad signature");
    }

    @Test
    void aTokenWhoseClaimsWereChangedAfterSigningIsRefused() {
        String[] mine = hs256(claims(), SECRET).split("\\.");
        String[] wanted = hs256(claims().claim("room", "*").subject("admin"), "another secret, thirty-two bytes"
                .getBytes(StandardCharsets.US_ASCII)).split("\\.");
        assertRefused(bySecret, mine[0] + "." + wanted[1] + "." + mine[2], "Token has a bad signature");
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String none = new PlainJWT(claims().build()).serialize();
        assertTrue(none.startsWith(b64url("{\"alg\":\"none\"}")), none);
        assertRefused(bySecret, none, "Token has a bad signature: it is not signed");
        assertRefused(byRsaKey, none, "Token has a bad signature: it is not signed");
        assertRefused(byEcKey, none, "Token has a bad signature: it is not signed");
    }

    @Test
    void anUnsignedTokenWithTheSignatureOfASignedOneIsRefused() {
        String[] signed = hs256(claims(), SECRET).split("\\.");
        assertRefused(bySecret, b64url("{\"alg\":\"none\"}") + "." + signed[1] + "." + signed[2]);
        assertRefused(bySecret, b64url("{\"alg\":\"NONE\",\"typ\":\"JWT\"}") + "." + signed[1] + ".");
    }

    @Test
    void anHs256TokenSignedWithThePublicKeysPemTextIsRefused() {
        String pem = pem(RSA.getPublic());
        TokenVerifier verifier = verifier(Map.of("wschat.tokenPublicKey", pem));
        assertRefused(verifier, hs256(claims(), pem.getBytes(StandardCharsets.US_ASCII)), HS256_AT_RSA);
        assertRefused(verifier, hs256(claims(), pem.trim().getBytes(StandardCharsets.US_ASCII)), HS256_AT_RSA);
    }

    @Test
    void anHs256TokenSignedWithThePublicKeysDerBytesIsRefused() {
        assertRefused(byRsaKey, hs256(claims(), RSA.getPublic().getEncoded()), HS256_AT_RSA);
        assertRefused(byEcKey, hs256(claims(), EC.getPublic().getEncoded()),
                "Token has a bad signature: it is signed with HS256, and this server takes ES256");
    }

    @Test
    void anRs256TokenIsRefusedWhenTheServerHoldsASecret() {
        assertRefused(bySecret, rs256(claims(), RSA), "Token has a bad signature: it is signed with RS256, and this server takes HS256");
    }

    @Test
    void aTokenSignedWithAnotherPrivateKeyIsRefused() {
        assertRefused(byRsaKey, rs256(claims(), keyPair("RSA", 2048)), "Token has a bad signature");
        assertRefused(byEcKey, es256(claims(), ecKeyPair("secp256r1")), "Token has a bad signature");
    }

    @Test
    void aKeyAdmitsOnlyItsOwnAlgorithm() {
        assertRefused(byRsaKey, es256(claims(), EC), "Token has a bad signature: it is signed with ES256, and this server takes RS256");
        assertRefused(byEcKey, rs256(claims(), RSA), "Token has a bad signature: it is signed with RS256, and this server takes ES256");
        // PS256 is an RSA signature the key could check, but the setting pins RS256.
        assertRefused(byRsaKey, sign(claims(), JWSAlgorithm.PS256, new RSASSASigner(RSA.getPrivate())),
                "Token has a bad signature: it is signed with PS256, and this server takes RS256");
    }

    @Test
    void aTokenForAnotherRoomIsRefused() {
        assertRefused(bySecret, hs256(claims().claim("room", "party43"), SECRET), "Token not for this room");
        assertRefused(bySecret, hs256(claims().claim("room", "PARTY42"), SECRET), "Token not for this room");
        assertEquals(Optional.of("Token not for this room"), bySecret.refusal(hs256(claims(), SECRET), "lobby", NAME));
    }

    @Test
    void aTokenForAnotherNameIsRefused() {
        assertEquals(Optional.of("Token not for this name"), bySecret.refusal(hs256(claims(), SECRET), ROOM, "mallory"));
        assertEquals(Optional.of("Token not for this name"), bySecret.refusal(hs256(claims(), SECRET), ROOM, "Alice"));
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
        assertRefused(bySecret, hs256(claims().expirationTime(null), SECRET), "Token has no expiry (exp)");
    }

    @Test
    void aTokenWithoutRoomIsRefused() {
        assertRefused(bySecret, hs256(claims().claim("room", null), SECRET), "Token has no room");
    }

    @Test
    void aRoomThatIsNotAStringIsRefusedEvenWhenItReadsAsTheRoom() {
        String token = hs256(claims().claim("room", 42), SECRET);
        assertEquals(Optional.of("Token has no room"), bySecret.refusal(token, "42", NAME));
        assertRefused(bySecret, hs256(claims().claim("room", java.util.List.of(ROOM)), SECRET), "Token has no room");
    }

    @Test
    void anExpiryThatIsNotANumberIsRefused() {
        long exp = NOW.plusSeconds(60).getEpochSecond();
        assertAdmits(bySecret, withPayload("{\"exp\":" + exp + ",\"room\":\"" + ROOM + "\"}", SECRET));
        assertRefused(bySecret, withPayload("{\"exp\":\"" + exp + "\",\"room\":\"" + ROOM + "\"}", SECRET));
        assertRefused(bySecret, withPayload("{\"exp\":\"tomorrow\",\"room\":\"" + ROOM + "\"}", SECRET));
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "a.b.c", "..", "eyJub3QganNvbg.e30.", "\u00e9\u00e9.\u00e9\u00e9.\u00e9\u00e9", " "})
    void garbageIsRefusedAsMalformed(String token) {
        assertRefused(bySecret, token, "Token malformed");
    }

    @Test
    void aSignedTokenWhosePayloadIsNotAClaimsSetIsRefused() {
        assertRefused(bySecret, "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln"); // {"alg":"HS256"}, "not json", "sig"
        assertRefused(bySecret, withPayload("not json", SECRET));
        assertRefused(bySecret, withPayload("[\"" + ROOM + "\"]", SECRET));
    }

    @Test
    void noTokenIsRefusedAsMissing() {
        assertEquals(Optional.of("Token missing"), bySecret.refusal(null, ROOM, NAME));
        assertEquals(Optional.of("Token missing"), bySecret.refusal("", ROOM, NAME));
    }

    @Test
    void aTokenOfAHundredKilobytesIsRefusedUnreadEvenWithAGoodSignature() {
        String huge = hs256(claims().claim("padding", "x".repeat(100 * 1024)), SECRET);
        assertTrue(huge.length() > 100 * 1024);
        assertRefused(bySecret, huge, "Token too long");
        assertRefused(bySecret, "x".repeat(100 * 1024), "Token too long");
    }

    @Test
    void aTokenJustUnderTheLengthLimitIsStillChecked() {
        String padded = hs256(claims().claim("padding", "x".repeat(TokenVerifier.MAX_TOKEN_CHARS / 2)), SECRET);
        assertTrue(padded.length() <= TokenVerifier.MAX_TOKEN_CHARS, () -> "too long for this test: " + padded.length());
        assertAdmits(bySecret, padded);
    }

    // --- helpers ---

    private static void assertAdmits(TokenVerifier verifier, String token) {
        assertEquals(Optional.empty(), verifier.refusal(token, ROOM, NAME));
    }

    /** An HS256 token shown to a server that holds an RSA public key. */
    private static final String HS256_AT_RSA = "Token has a bad signature: it is signed with HS256, and this server takes RS256";
    private static final String HS384_AT_32_BYTES = "Token has a bad signature: it is signed with HS384, and this server takes HS256";

    /** A JWT signed with the JDK's HMAC, as libraries that sign with any secret length do. */
    private static String hmacByHand(String alg, String jcaName, JWTClaimsSet.Builder claims, byte[] secret)
            throws Exception {
        String signingInput = b64url("{\"alg\":\"" + alg + "\"}") + "." + b64url(claims.build().toString());
        Mac mac = Mac.getInstance(jcaName);
        mac.init(new SecretKeySpec(secret, jcaName));
        byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    /** Refused for a reason the protocol leaves open (malformed, or a bad signature). */
    private static void assertRefused(TokenVerifier verifier, String token) {
        assertTrue(verifier.refusal(token, ROOM, NAME).isPresent(), () -> "admitted: " + token);
    }

    private static void assertRefused(TokenVerifier verifier, String token, String why) {
        assertEquals(Optional.of(why), verifier.refusal(token, ROOM, NAME));
    }

    static TokenVerifier verifier(Map<String, String> settings) {
        return TokenVerifier.from(Settings.load(settings::get), CLOCK).orElseThrow();
    }

    /** The claims the site gives alice for party42, for a minute from now. */
    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject(NAME).claim("room", ROOM).expirationTime(at(60));
    }

    /** {@code seconds} from {@link #NOW}, as a JWT date. */
    static Date at(long seconds) {
        return Date.from(NOW.plusSeconds(seconds));
    }

    static String hs256(JWTClaimsSet.Builder claims, byte[] secret) {
        return sign(claims, JWSAlgorithm.HS256, mac(secret));
    }

    static String rs256(JWTClaimsSet.Builder claims, KeyPair keys) {
        return sign(claims, JWSAlgorithm.RS256, new RSASSASigner(keys.getPrivate()));
    }

    static String es256(JWTClaimsSet.Builder claims, KeyPair keys) {
        try {
            return sign(claims, JWSAlgorithm.ES256, new ECDSASigner((java.security.interfaces.ECPrivateKey) keys.getPrivate()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(JWTClaimsSet.Builder claims, JWSAlgorithm algorithm, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** An HS256 token whose payload is {@code json} exactly, as no claims builder would write it. */
    private static String withPayload(String json, byte[] secret) {
        try {
            com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(new JWSHeader(JWSAlgorithm.HS256),
                    new com.nimbusds.jose.Payload(json));
            jws.sign(mac(secret));
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MACSigner mac(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String b64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code key} as an X.509 SubjectPublicKeyInfo PEM block, as {@code openssl pkey -pubout} writes it. */
    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    static KeyPair keyPair(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ecKeyPair(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
