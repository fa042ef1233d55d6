package org.socialvp.wschat.ops;

import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.socialvp.wschat.broker.Broker;
import org.socialvp.wschat.broker.Status;

/**
 * {@code GET /wschat/status}: the broker's live figures as JSON, counts only. Registered by
 * {@link WsChatLifecycle} only when {@code wschat.statusEnabled} is true, so otherwise the path
 * is a plain 404.
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
        Status status = broker.status();
        JsonObjectBuilder largestRooms = json.createObjectBuilder();
        status.largestRooms().forEach(largestRooms::add);
        String body = json.createObjectBuilder()
                .add("connections", status.connections())
                .add("identified", status.identified())
                .add("rooms", status.rooms())
                .add("messagesIn", status.messagesIn())
                .add("messagesOut", status.messagesOut())
                .add("slowConsumerCloses", status.slowConsumerCloses())
                .add("rateLimited", status.rateLimited())
                .add("rejectedOrigins", status.rejectedOrigins())
                .add("uptimeSeconds", status.uptimeSeconds())
                .add("cluster", status.cluster())
                .add("largestRooms", largestRooms)
                .build()
                .toString();
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body);
    }
}
