package org.socialvp.wschat.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.util.Optional;
import java.util.stream.Collectors;
import org.socialvp.wschat.config.InvalidSettingException;
import org.socialvp.wschat.config.Settings;

/**
 * Checks the token a viewer's identify carries (PROTOCOL.md §12) with Nimbus JOSE+JWT: the
 * signature with the configured key and its algorithms only ({@link TokenKeys}), then the claims
 * ({@link RoomClaims}). Thread-safe: one instance serves every connection.
 *
 * <p>Every refusal says why. A token signed with an algorithm the key does not take (HS512 with a
 * 32-byte secret, RS256 against a secret, {@code none}) is refused before anything is verified,
 * naming the algorithm and those the server takes, so that a site whose tokens all fail learns
 * from the first 401 what to change.
 */
public final class TokenVerifier {

    /**
     * The longest token looked at, in characters. A WSChat token is a few hundred; a longer one
     * is refused before it is decoded, so that a client cannot make the server parse megabytes.
     */
    public static final int MAX_TOKEN_CHARS = 8192;
    /** The longest {@code alg} a refusal repeats; the header is the client's text. */
    private static final int MAX_ECHOED_ALGORITHM = 16;

    private final ConfigurableJWTProcessor<Viewer> processor = new DefaultJWTProcessor<>();
    private final JWSVerificationKeySelector<Viewer> keys;
    /** The algorithms {@link #keys} takes, as a refusal names them. */
    private final String accepted;

    private TokenVerifier(Settings settings, Clock clock) {
        keys = TokenKeys.selector(settings);
        accepted = TokenKeys.ALGORITHMS.stream().filter(keys::isAllowed).map(JWSAlgorithm::getName).collect(Collectors.joining(", "));
        processor.setJWSKeySelector(keys);
        processor.setJWTClaimsSetVerifier(new RoomClaims(settings.tokenLeewaySeconds(), clock));
    }

    /**
     * The verifier the settings ask for, or none if they ask for no tokens.
     *
     * @throws InvalidSettingException naming the token setting, if its key cannot be used
     */
    public static Optional<TokenVerifier> from(Settings settings) {
        return from(settings, Clock.systemUTC());
    }

    static Optional<TokenVerifier> from(Settings settings, Clock clock) {
        return settings.tokensRequired() ? Optional.of(new TokenVerifier(settings, clock)) : Optional.empty();
    }

    /**
     * Why {@code token} does not admit {@code name} to {@code room}; empty if it does.
     *
     * @param token as the identify carried it, {@code null} if it carried none
     */
    public Optional<String> refusal(String token, String room, String name) {
        if (token == null || token.isEmpty()) {
            return Optional.of("Token missing");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return Optional.of("Token too long");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            return Optional.of("Token malformed");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return Optional.of(jwt instanceof EncryptedJWT ? "Token has a bad signature: it is encrypted, not signed"
                    : "Token has a bad signature: it is not signed");
        }
        JWSAlgorithm algorithm = signed.getHeader().getAlgorithm();
        if (!keys.isAllowed(algorithm)) {
            String named = algorithm.getName().length() > MAX_ECHOED_ALGORITHM
                    ? algorithm.getName().substring(0, MAX_ECHOED_ALGORITHM) + "…" : algorithm.getName();
            return Optional.of("Token has a bad signature: it is signed with " + named + ", and this server takes " + accepted);
        }
        try {
            processor.process(signed, new Viewer(room, name));
            return Optional.empty();
        } catch (RoomClaims.Refusal refusal) {
            return Optional.of(refusal.getMessage());
        } catch (BadJWTException e) {
            // Nimbus reads the claims before it verifies: a payload that is not a JSON object, or a
            // registered claim of the wrong type (exp, nbf, iat not a number; iss, sub, jti not a string).
            return Optional.of("Token claims malformed");
        } catch (BadJOSEException | JOSEException e) {
            return Optional.of("Token has a bad signature");
        }
    }
}
