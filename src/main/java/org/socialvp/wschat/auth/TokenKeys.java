package org.socialvp.wschat.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.util.X509CertUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.socialvp.wschat.config.InvalidSettingException;
import org.socialvp.wschat.config.Settings;

/**
 * The key that checks viewers' tokens, read from the settings, and the only algorithms it may be
 * used with: an HMAC secret ({@code wschat.tokenSecret}) for HS256 (HS384 and HS512 when it is long
 * enough for them), or a public key ({@code wschat.tokenPublicKey}) for RS256 (RSA) or ES256 (EC
 * P-256). A token signed any other way is not even tried against the key, which rules out
 * {@code none} and a public key's bytes taken for an HMAC secret.
 *
 * <p>The JDK reads the PEM here (its base64 body is an X.509 {@code SubjectPublicKeyInfo} or a
 * certificate); Nimbus's own PEM reader needs Bouncy Castle, a large dependency for a few lines.
 */
final class TokenKeys {

    /** The shortest HMAC secret accepted, in bytes: as long as an HS256 hash. */
    static final int MIN_SECRET_BYTES = 32;
    /** The smallest RSA key accepted, in bits. */
    static final int MIN_RSA_BITS = 2048;
    /** Every algorithm one of these keys may take, in the order a refusal names them. */
    static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384,
            JWSAlgorithm.HS512, JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private TokenKeys() {
    }

    /**
     * @throws InvalidSettingException naming the setting, if it cannot be used
     */
    static <C extends com.nimbusds.jose.proc.SecurityContext> JWSVerificationKeySelector<C> selector(Settings settings) {
        if (settings.tokenSecret().isSet()) {
            return secret(settings.tokenSecret().value());
        }
        return publicKey(settings.tokenPublicKey());
    }

    private static <C extends com.nimbusds.jose.proc.SecurityContext> JWSVerificationKeySelector<C> secret(String base64) {
        String key = Settings.Key.TOKEN_SECRET.key();
        byte[] secret;
        try {
            secret = decode(base64);
        } catch (IllegalArgumentException e) {
            throw InvalidSettingException.withoutValue(key, "is not base64");
        }
        if (secret.length < MIN_SECRET_BYTES) {
            throw InvalidSettingException.withoutValue(key, "must be the base64 of at least " + MIN_SECRET_BYTES
                    + " bytes (it has " + secret.length + ")");
        }
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        algorithms.add(JWSAlgorithm.HS256);
        if (secret.length >= 48) {
            algorithms.add(JWSAlgorithm.HS384);
        }
        if (secret.length >= 64) {
            algorithms.add(JWSAlgorithm.HS512);
        }
        return new JWSVerificationKeySelector<>(algorithms, new ImmutableSecret<>(secret));
    }

    /** Standard or URL-safe base64, padded or not. */
    private static byte[] decode(String base64) {
        String compact = base64.replaceAll("\\s", "");
        return compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0
                ? Base64.getUrlDecoder().decode(compact) : Base64.getDecoder().decode(compact);
    }

    private static <C extends com.nimbusds.jose.proc.SecurityContext> JWSVerificationKeySelector<C> publicKey(String setting) {
        String key = Settings.Key.TOKEN_PUBLIC_KEY.key();
        String pem = setting.contains("-----BEGIN") ? setting : read(key, setting);
        PublicKey publicKey = parse(key, pem);
        JWK jwk;
        JWSAlgorithm algorithm;
        if (publicKey instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw InvalidSettingException.withoutValue(key, "an RSA key must have at least " + MIN_RSA_BITS
                        + " bits (this one has " + rsa.getModulus().bitLength() + ")");
            }
            jwk = new RSAKey.Builder(rsa).build();
            algorithm = JWSAlgorithm.RS256;
        } else if (publicKey instanceof ECPublicKey ec && Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
            jwk = new ECKey.Builder(Curve.P_256, ec).build();
            algorithm = JWSAlgorithm.ES256;
        } else {
            throw InvalidSettingException.withoutValue(key, "must be an RSA or an EC P-256 public key");
        }
        return new JWSVerificationKeySelector<>(algorithm, new ImmutableJWKSet<>(new JWKSet(jwk)));
    }

    private static String read(String key, String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException | RuntimeException e) {
            throw new InvalidSettingException(key, path, "is neither a PEM key nor a readable PEM file (" + e + ")");
        }
    }

    private static PublicKey parse(String key, String pem) {
        if (pem.contains("-----BEGIN CERTIFICATE-----")) {
            X509Certificate certificate = X509CertUtils.parse(pem);
            if (certificate == null) {
                throw InvalidSettingException.withoutValue(key, "holds a certificate that cannot be read");
            }
            return certificate.getPublicKey();
        }
        String begin = "-----BEGIN PUBLIC KEY-----";
        String end = "-----END PUBLIC KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw InvalidSettingException.withoutValue(key, "must hold a PEM '" + begin + "' block or a certificate");
        }
        X509EncodedKeySpec spec;
        try {
            spec = new X509EncodedKeySpec(Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to)));
        } catch (IllegalArgumentException e) {
            throw InvalidSettingException.withoutValue(key, "holds a PEM block that is not base64");
        }
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(type).generatePublic(spec);
            } catch (GeneralSecurityException notThisType) {
                // try the next
            }
        }
        throw InvalidSettingException.withoutValue(key, "holds a public key that is neither RSA nor EC");
    }
}
