package org.socialvp.wschat.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.util.Optional;
import org.socialvp.wschat.config.InvalidSettingException;
import org.socialvp.wschat.config.Settings;

/**
 * Checks the token a viewer's identify carries (PROTOCOL.md §12) with Nimbus JOSE+JWT: the
 * signature with the configured key and its algorithms only ({@link TokenKeys}), then the claims
 * ({@link RoomClaims}). Thread-safe: one instance serves every connection.
 */
public final class TokenVerifier {

    /**
     * The longest token looked at, in characters. A WSChat token is a few hundred; a longer one
     * is refused before it is decoded, so that a client cannot make the server parse megabytes.
     */
    public static final int MAX_TOKEN_CHARS = 8192;

    private final ConfigurableJWTProcessor<Viewer> processor = new DefaultJWTProcessor<>();

    private TokenVerifier(Settings settings, Clock clock) {
        processor.setJWSKeySelector(TokenKeys.selector(settings));
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
        try {
            processor.process(token, new Viewer(room, name));
            return Optional.empty();
        } catch (RoomClaims.Refusal refusal) {
            return Optional.of(refusal.getMessage());
        } catch (ParseException e) {
            return Optional.of("Token malformed");
        } catch (BadJOSEException | JOSEException e) {
            // A signature that does not verify, an algorithm other than the key's, an unsigned token.
            return Optional.of("Token has a bad signature");
        }
    }
}
