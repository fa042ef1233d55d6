package org.socialvp.wschat.testing;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Predicate;

/** {@code GET /wschat/status} of the test server (and plain GETs of its other addresses). */
public final class StatusPage {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private StatusPage() {
    }

    /** {@code GET uri}: the status or any other address; a redirect is answered, not followed. */
    public static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static JsonObject read(URI statusUri) {
        HttpResponse<String> response = get(statusUri);
        if (response.statusCode() != 200) {
            throw new AssertionError("status answered " + response.statusCode());
        }
        return ChatClient.parse(response.body());
    }

    /** Reads the status until {@code condition} holds (the server may still be closing), or fails. */
    public static JsonObject await(URI statusUri, Predicate<JsonObject> condition) {
        return Eventually.await(() -> read(statusUri), condition, "the expected status figures");
    }
}
