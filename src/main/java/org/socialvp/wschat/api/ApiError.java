package org.socialvp.wschat.api;

import jakarta.json.JsonObjectBuilder;
import java.util.function.Consumer;

/** A request the API refuses: the HTTP status and the {@code {"error":…}} it answers with. */
final class ApiError extends Exception {

    private final int status;
    private final transient Consumer<JsonObjectBuilder> details;
    private String allow;

    ApiError(int status, String message) {
        this(status, message, body -> { });
    }

    /** @param details adds fields to the error body beside {@code error} */
    ApiError(int status, String message, Consumer<JsonObjectBuilder> details) {
        super(message, null, false, false);
        this.status = status;
        this.details = details;
    }

    /** A 405 for a path that takes only {@code method}. */
    static ApiError methodNotAllowed(String method, String allowed) {
        ApiError error = new ApiError(405, "Method " + method + " not allowed here: use " + allowed);
        error.allow = allowed;
        return error;
    }

    /** The {@code Allow} header of a 405, {@code null} otherwise. */
    String allow() {
        return allow;
    }

    int status() {
        return status;
    }

    void addDetails(JsonObjectBuilder body) {
        details.accept(body);
    }
}
