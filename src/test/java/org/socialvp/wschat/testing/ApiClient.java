package org.socialvp.wschat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The server API (PROTOCOL.md §13) as the site's backend calls it, with {@code java.net.http}:
 * requests under {@code /wschat/api/} with a bearer key (or none), answers as they came.
 */
public final class ApiClient {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ChatClient.PATIENCE)
            .build();

    private final URI api;
    private final String key;

    /** The API of the WAR at {@code base}, called with {@code key} ({@code null}: no {@code Authorization}). */
    public ApiClient(URI base, String key) {
        this.api = base.resolve("api/");
        this.key = key;
    }

    /** The same API called with another key ({@code null}: none). */
    public ApiClient withKey(String otherKey) {
        return new ApiClient(api.resolve(".."), otherKey);
    }

    /** One path segment, percent-encoded as a path wants it (a space as {@code %20}, not {@code +}). */
    public static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public HttpResponse<String> get(String path) {
        return send("GET", path, null, Map.of());
    }

    public HttpResponse<String> post(String path, String body) {
        return send("POST", path, body, Map.of());
    }

    public HttpResponse<String> put(String path, String body) {
        return send("PUT", path, body, Map.of());
    }

    public HttpResponse<String> delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    /** {@code method} on {@code path} (under {@code api/}, already encoded), with {@code body} if not {@code null}. */
    public HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        return sendBody(method, path, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), headers);
    }

    /** {@code method} on {@code path} with the body {@code publisher} gives (e.g. chunked, or not UTF-8). */
    public HttpResponse<String> sendBody(String method, String path, HttpRequest.BodyPublisher publisher,
            Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path))
                .timeout(ChatClient.PATIENCE)
                .method(method, publisher);
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The answer, which must have {@code status} and a JSON object body; returns that body. */
    public static JsonObject expect(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), () -> response.request().method() + " " + response.uri()
                + " answered " + response.statusCode() + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                () -> "JSON out: " + response.headers().map());
        return ChatClient.parse(response.body());
    }

    /** The answer, which must be the error {@code status} with a body of exactly one non-blank {@code error}; returns its text. */
    public static String expectError(HttpResponse<String> response, int status) {
        JsonObject body = expect(response, status);
        assertEquals(1, body.size(), () -> "only the error: " + body);
        String error = body.getString("error");
        assertTrue(!error.isBlank(), body::toString);
        return error;
    }
}
