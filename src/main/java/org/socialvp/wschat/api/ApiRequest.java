package org.socialvp.wschat.api;

import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DecodeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.socialvp.wschat.protocol.CommandDecoder;

/**
 * What an API call is asked: the path's segments after {@code /api/}, decoded, and the body as
 * one JSON value, read up to the size limit and decoded under the same guards as a viewer's frame.
 */
final class ApiRequest {

    private final HttpServletRequest request;
    private final List<String> path;

    private ApiRequest(HttpServletRequest request, List<String> path) {
        this.request = request;
        this.path = path;
    }

    /** @throws ApiError 400 for a path that does not percent-decode */
    static ApiRequest of(HttpServletRequest request) throws ApiError {
        return new ApiRequest(request, segments(request));
    }

    String method() {
        return request.getMethod();
    }

    /** The path after {@code /api/}, split at {@code /}, each segment percent-decoded. */
    List<String> path() {
        return path;
    }

    String header(String name) {
        return request.getHeader(name);
    }

    /**
     * The body as one JSON value.
     *
     * @throws ApiError 413 past {@code maxBytes}, 400 for a body that is not UTF-8 JSON
     */
    JsonValue body(CommandDecoder decoder, int maxBytes) throws ApiError, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiError(HttpServletResponse.SC_BAD_REQUEST, "Body is not UTF-8");
        }
        try {
            return decoder.decodeValue(text);
        } catch (DecodeException e) {
            throw new ApiError(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        }
    }

    private static ApiError tooLarge(int maxBytes) {
        return new ApiError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                "Body too large: at most " + maxBytes + " bytes (wschat.maxMessageBytes)");
    }

    private static List<String> segments(HttpServletRequest request) throws ApiError {
        String prefix = request.getContextPath() + request.getServletPath() + "/";
        String uri = request.getRequestURI();
        List<String> segments = new ArrayList<>();
        if (!uri.startsWith(prefix)) {
            return segments;
        }
        for (String segment : uri.substring(prefix.length()).split("/", -1)) {
            // A path's '+' is a plus (URLDecoder would read it as a space, as in a form).
            try {
                segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new ApiError(HttpServletResponse.SC_BAD_REQUEST, "Path is not percent-encoded properly");
            }
        }
        return segments;
    }
}
