package org.socialvp.wschat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.socialvp.wschat.auth.TokenVerifierTest.CLOCK;
import static org.socialvp.wschat.auth.TokenVerifierTest.EC;
import static org.socialvp.wschat.auth.TokenVerifierTest.NAME;
import static org.socialvp.wschat.auth.TokenVerifierTest.RSA;
import static org.socialvp.wschat.auth.TokenVerifierTest.ROOM;
import static org.socialvp.wschat.auth.TokenVerifierTest.SECRET;
import static org.socialvp.wschat.auth.TokenVerifierTest.base64;
import static org.socialvp.wschat.auth.TokenVerifierTest.claims;
import static org.socialvp.wschat.auth.TokenVerifierTest.ecKeyPair;
import static org.socialvp.wschat.auth.TokenVerifierTest.es256;
import static org.socialvp.wschat.auth.TokenVerifierTest.hs256;
import static org.socialvp.wschat.auth.TokenVerifierTest.keyPair;
import static org.socialvp.wschat.auth.TokenVerifierTest.pem;
import static org.socialvp.wschat.auth.TokenVerifierTest.rs256;
import static org.socialvp.wschat.auth.TokenVerifierTest.verifier;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socialvp.wschat.config.InvalidSettingException;
import org.socialvp.wschat.config.Settings;

/**
 * The settings of private rooms and of the server API (PROTOCOL.md §12–13): what the operator may
 * configure, and every value that must fail the deployment, naming the key and never the secret.
 */
class TokenSettingsTest {

    @TempDir
    Path folder;

    @Test
    void withoutATokenSettingThereIsNoTokenCheck() {
        Settings settings = Settings.defaults();
        assertFalse(settings.tokensRequired());
        assertEquals(Optional.empty(), TokenVerifier.from(settings, CLOCK));
        assertEquals(30, settings.tokenLeewaySeconds());
        assertFalse(settings.apiEnabled());
    }

    @Test
    void aSecretShorterThanThirtyTwoBytesFailsNamingTheKeyButNotTheSecret() {
        String secret = base64("thirty-one bytes, one too few...".substring(0, 31).getBytes(StandardCharsets.US_ASCII));
        assertFails("wschat.tokenSecret", secret, Map.of("wschat.tokenSecret", secret));
    }

    @Test
    void aSecretThatIsNotBase64FailsNamingTheKeyButNotTheSecret() {
        String secret = "correct horse battery staple! correct horse battery staple!";
        assertFails("wschat.tokenSecret", secret, Map.of("wschat.tokenSecret", secret));
    }

    @Test
    void aSecretMayBeUrlSafeBase64WithoutPadding() {
        byte[] secret = new byte[33];
        secret[0] = (byte) 0xfb; // "-" and "_" in URL-safe base64
        secret[1] = (byte) 0xff;
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        assertTrue(urlSafe.contains("-") || urlSafe.contains("_"), urlSafe);
        TokenVerifier verifier = verifier(Map.of("wschat.tokenSecret", urlSafe));
        assertEquals(Optional.empty(), verifier.refusal(hs256(claims(), secret), ROOM, NAME));
    }

    @Test
    void bothASecretAndAPublicKeyFailNamingTheKeysButNotTheSecret() {
        String secret = base64(SECRET);
        InvalidSettingException failure = assertFails("wschat.tokenPublicKey", secret,
                Map.of("wschat.tokenSecret", secret, "wschat.tokenPublicKey", pem(RSA.getPublic())));
        assertTrue(failure.getMessage().contains("wschat.tokenSecret"), failure.getMessage());
    }

    @Test
    void aKeyFileThatCannotBeReadFailsNamingTheKey() {
        assertFails("wschat.tokenPublicKey", null,
                Map.of("wschat.tokenPublicKey", folder.resolve("no-such-key.pem").toString()));
        assertFails("wschat.tokenPublicKey", null, Map.of("wschat.tokenPublicKey", folder.toString()));
    }

    @Test
    void aFileThatHoldsNoPemKeyFailsNamingTheKey() throws Exception {
        Path notPem = Files.writeString(folder.resolve("key.txt"), "this is not a key\n");
        assertFails("wschat.tokenPublicKey", null, Map.of("wschat.tokenPublicKey", notPem.toString()));
        Path badBody = Files.writeString(folder.resolve("bad.pem"),
                "-----BEGIN PUBLIC KEY-----\nno base64 here!\n-----END PUBLIC KEY-----\n");
        assertFails("wschat.tokenPublicKey", null, Map.of("wschat.tokenPublicKey", badBody.toString()));
        Path notAKey = Files.writeString(folder.resolve("zeros.pem"),
                "-----BEGIN PUBLIC KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PUBLIC KEY-----\n");
        assertFails("wschat.tokenPublicKey", null, Map.of("wschat.tokenPublicKey", notAKey.toString()));
    }

    @Test
    void thePathOfAPemFileWorksAsTheKey() throws Exception {
        Path rsaFile = Files.writeString(folder.resolve("site-rsa.pem"), pem(RSA.getPublic()));
        TokenVerifier byRsaFile = verifier(Map.of("wschat.tokenPublicKey", rsaFile.toString()));
        assertEquals(Optional.empty(), byRsaFile.refusal(rs256(claims(), RSA), ROOM, NAME));
        assertEquals(Optional.of("Token has a bad signature: it is signed with HS256, and this server takes RS256"),
                byRsaFile.refusal(hs256(claims(), Files.readAllBytes(rsaFile)), ROOM, NAME));
        Path ecFile = Files.writeString(folder.resolve("site-ec.pem"), pem(EC.getPublic()));
        TokenVerifier byEcFile = verifier(Map.of("wschat.tokenPublicKey", "  " + ecFile + "  "));
        assertEquals(Optional.empty(), byEcFile.refusal(es256(claims(), EC), ROOM, NAME));
    }

    @Test
    void anRsaKeyOf1024BitsFailsNamingTheKey() {
        InvalidSettingException failure = assertFails("wschat.tokenPublicKey", null,
                Map.of("wschat.tokenPublicKey", pem(keyPair("RSA", 1024).getPublic())));
        assertTrue(failure.getMessage().contains("2048"), failure.getMessage());
    }

    @Test
    void anEcKeyOnAnotherCurveThanP256FailsNamingTheKey() {
        assertFails("wschat.tokenPublicKey", null, Map.of("wschat.tokenPublicKey", pem(ecKeyPair("secp384r1").getPublic())));
        assertFails("wschat.tokenPublicKey", null, Map.of("wschat.tokenPublicKey", pem(ecKeyPair("secp521r1").getPublic())));
    }

    @Test
    void aKeyThatIsNeitherRsaNorEcFailsNamingTheKey() {
        assertFails("wschat.tokenPublicKey", null, Map.of("wschat.tokenPublicKey", pem(keyPair("Ed25519", 255).getPublic())));
    }

    @Test
    void theLeewayIsAtMostSixtySeconds() {
        assertEquals(60, Settings.load(Map.of("wschat.tokenLeewaySeconds", "60")::get).tokenLeewaySeconds());
        assertEquals(0, Settings.load(Map.of("wschat.tokenLeewaySeconds", "0")::get).tokenLeewaySeconds());
        assertFails("wschat.tokenLeewaySeconds", null, Map.of("wschat.tokenLeewaySeconds", "61"));
        assertFails("wschat.tokenLeewaySeconds", null, Map.of("wschat.tokenLeewaySeconds", "-1"));
        assertFails("wschat.tokenLeewaySeconds", null, Map.of("wschat.tokenLeewaySeconds", "half a minute"));
    }

    @Test
    void anApiKeyOfFifteenCharactersFailsNamingTheKeyButNotTheKeysValue() {
        String fifteen = "k3y-0f-15-chars";
        assertEquals(15, fifteen.length());
        assertFails("wschat.apiKey", fifteen, Map.of("wschat.apiKey", fifteen));
        Settings sixteen = Settings.load(Map.of("wschat.apiKey", fifteen + "s")::get);
        assertTrue(sixteen.apiEnabled());
        assertFalse(sixteen.toString().contains(fifteen), "the settings as logged at startup show the API key");
    }

    @Test
    void theSettingsAsLoggedAtStartupNeverShowTheSecret() {
        String secret = base64(SECRET);
        Settings settings = Settings.load(Map.of("wschat.tokenSecret", secret)::get);
        assertTrue(settings.tokensRequired());
        assertFalse(settings.toString().contains(secret), settings::toString);
    }

    /**
     * Loading {@code settings} and building the token check from them must fail naming {@code key}
     * and, if given, without showing {@code secret}.
     */
    private static InvalidSettingException assertFails(String key, String secret, Map<String, String> settings) {
        InvalidSettingException failure = assertThrows(InvalidSettingException.class,
                () -> TokenVerifier.from(Settings.load(settings::get), CLOCK));
        assertEquals(key, failure.key(), failure::getMessage);
        assertTrue(failure.getMessage().contains(key), failure::getMessage);
        if (secret != null) {
            assertFalse(failure.getMessage().contains(secret), () -> "the message shows the secret: " + failure.getMessage());
            assertFalse(String.valueOf(failure.getCause()).contains(secret), "the cause shows the secret");
        }
        return failure;
    }
}
