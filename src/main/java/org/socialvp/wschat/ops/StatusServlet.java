package org.socialvp.wschat.ops;

import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.socialvp.wschat.broker.Broker;

/**
 * {@code GET /wschat/status}: the broker's live figures as JSON, counts only, written from
 * {@link StatusFigures}. Registered by {@link WsChatLifecycle} only when
 * {@code wschat.statusEnabled} is true, so otherwise the path is a plain 404.
 */
public class StatusServlet extends HttpServlet {

    private final transient Broker broker;
    private final transient JsonProvider json;

    StatusServlet(Broker broker, JsonProvider json) {
        this.broker = broker;
        this.json = json;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonObjectBuilder body = json.createObjectBuilder();
        StatusFigures.of(broker.status()).forEach((name, value) -> add(body, name, value));
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body.build().toString());
    }

    private void add(JsonObjectBuilder body, String name, Object value) {
        if (value instanceof Integer number) {
            body.add(name, number);
        } else if (value instanceof Long number) {
            body.add(name, number);
        } else if (value instanceof Map<?, ?> counts) {
            JsonObjectBuilder object = json.createObjectBuilder();
            counts.forEach((key, count) -> object.add((String) key, (Integer) count));
            body.add(name, object);
        } else {
            body.add(name, String.valueOf(value));
        }
    }
}
