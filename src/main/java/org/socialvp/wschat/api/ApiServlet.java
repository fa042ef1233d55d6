package org.socialvp.wschat.api;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.socialvp.wschat.broker.Broker;
import org.socialvp.wschat.broker.Metrics;
import org.socialvp.wschat.broker.ServerApi;
import org.socialvp.wschat.protocol.CommandDecoder;

/**
 * The server API under {@code /wschat/api/} (PROTOCOL.md §13), for the site's own backend:
 * checks the bearer key, finds the call from the method and path, answers JSON — the call's
 * answer or {@code {"error":…}} with the status that says why. Without {@code wschat.apiKey}
 * the API is off: every request, whatever its method and key, is answered 404 saying so.
 *
 * <p>The key is compared in constant time: both sides are hashed (so their lengths do not show)
 * and the hashes compared with {@link MessageDigest#isEqual}.
 */
public class ApiServlet extends HttpServlet {

    private final transient RoomCalls calls;
    private final transient Metrics metrics;
    private final transient JsonProvider json;
    private final transient CommandDecoder decoder;
    /** The SHA-256 of {@code wschat.apiKey}; {@code null} when it is not set and the API is off. */
    private final byte[] keyHash;
    private final int maxBodyBytes;

    public ApiServlet(Broker broker, JsonProvider json) {
        this.calls = new RoomCalls(broker.api(), json);
        this.metrics = broker.metrics();
        this.json = json;
        this.decoder = new CommandDecoder(json, broker.settings().maxJsonDepth());
        this.keyHash = broker.settings().apiEnabled() ? sha256(broker.settings().apiKey().value()) : null;
        this.maxBodyBytes = broker.settings().maxMessageBytes();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int status = HttpServletResponse.SC_OK;
        JsonObject answer;
        try {
            if (keyHash == null) {
                throw new ApiError(HttpServletResponse.SC_NOT_FOUND, "The server API is off: wschat.apiKey is not set");
            }
            authorize(request.getHeader("Authorization"));
            answer = call(ApiRequest.of(request));
        } catch (ApiError refused) {
            status = refused.status();
            JsonObjectBuilder body = json.createObjectBuilder().add("error", refused.getMessage());
            refused.addDetails(body);
            answer = body.build();
            if (status == HttpServletResponse.SC_UNAUTHORIZED) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"wschat\"");
            }
            if (refused.allow() != null) {
                response.setHeader("Allow", refused.allow());
            }
        }
        metrics.apiAnswered(status);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(answer.toString());
    }

    private void authorize(String authorization) throws ApiError {
        String prefix = "Bearer ";
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, prefix, 0, prefix.length());
        byte[] given = sha256(bearer ? authorization.substring(prefix.length()).trim() : "");
        if (!bearer || !MessageDigest.isEqual(given, keyHash)) {
            throw new ApiError(HttpServletResponse.SC_UNAUTHORIZED,
                    "Missing or wrong API key: send 'Authorization: Bearer <wschat.apiKey>'");
        }
    }

    /** rooms/{room}[/broadcast | /message/{name} | /state/{key} | /viewers/{name}] */
    private JsonObject call(ApiRequest request) throws ApiError, IOException {
        List<String> path = request.path();
        if (path.size() < 2 || path.size() > 4 || !path.get(0).equals("rooms")) {
            throw new ApiError(HttpServletResponse.SC_NOT_FOUND, "No such API call: the calls are under rooms/{room}");
        }
        String room = path.get(1);
        if (!ServerApi.isValidRoom(room)) {
            throw new ApiError(HttpServletResponse.SC_BAD_REQUEST, "Invalid room name '" + room + "'");
        }
        String what = path.size() == 2 ? "" : path.get(2);
        String method = request.method();
        switch (path.size() + " " + what) {
            case "2 " -> {
                allow(method, "GET");
                return calls.show(room);
            }
            case "3 broadcast" -> {
                allow(method, "POST");
                return calls.broadcast(room, request.body(decoder, maxBodyBytes));
            }
            case "4 message" -> {
                allow(method, "POST");
                return calls.message(room, path.get(3), request.body(decoder, maxBodyBytes));
            }
            case "4 state" -> {
                allow(method, "PUT");
                return calls.writeState(room, path.get(3), request.body(decoder, maxBodyBytes),
                        request.header("If-Match"));
            }
            case "4 viewers" -> {
                allow(method, "DELETE");
                return calls.remove(room, path.get(3));
            }
            default -> throw new ApiError(HttpServletResponse.SC_NOT_FOUND, "No such API call: rooms/"
                    + room + "/" + String.join("/", path.subList(2, path.size())));
        }
    }

    private static void allow(String method, String allowed) throws ApiError {
        if (!method.equals(allowed)) {
            throw ApiError.methodNotAllowed(method, allowed);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
