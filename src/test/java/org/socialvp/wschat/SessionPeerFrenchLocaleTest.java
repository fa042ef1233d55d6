package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.outbox.Outbox;
import org.socialvp.wschat.outbox.SendFailure;
import org.socialvp.wschat.outbox.WorkerThreads;

/**
 * A send refused because the session is closing is routine whatever language the container
 * speaks. Run under {@code -Duser.language=fr} (its own surefire execution) against a real
 * embedded Tomcat, whose messages are then French: SessionPeer judges by type and state, so the
 * refusal is {@code CLOSED}, and the outbox logs no warning.
 */
class SessionPeerFrenchLocaleTest {

    private final CompletableFuture<Session> serverSide = new CompletableFuture<>();
    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Tomcat tomcat;
    private WorkerThreads threads;

    /** Keeps the server side of each connection for the test, and sends into it as the client's close arrives. */
    public static final class Capture extends Endpoint {
        static CompletableFuture<Session> sessions;
        static volatile java.util.function.Consumer<Session> whileClosing;

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            sessions.complete(session);
        }

        /** Tomcat has answered the client's close frame with its own, but still calls the session open. */
        @Override
        public void onClose(Session session, jakarta.websocket.CloseReason reason) {
            whileClosing.accept(session);
        }
    }

    @BeforeEach
    void startTomcat() throws Exception {
        Logger.getLogger("org.socialvp.wschat").addHandler(recorder);
        File base = Files.createTempDirectory("wschat-fr").toFile();
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.getPath());
        tomcat.setPort(0);
        tomcat.getConnector();
        Context context = tomcat.addContext("", base.getPath());
        context.addServletContainerInitializer(new WsSci(), null);
        Capture.sessions = serverSide;
        // A servlet for every path: without one Tomcat answers 404 before the upgrade filter runs.
        Tomcat.addServlet(context, "nothing", new jakarta.servlet.http.HttpServlet() { });
        context.addServletMappingDecoded("/", "nothing");
        tomcat.start();
        ServerContainer container = (ServerContainer) context.getServletContext().getAttribute(ServerContainer.class.getName());
        container.addEndpoint(ServerEndpointConfig.Builder.create(Capture.class, "/capture").build());
        threads = new WorkerThreads(getClass().getClassLoader());
    }

    @AfterEach
    void stopTomcat() throws Exception {
        Logger.getLogger("org.socialvp.wschat").removeHandler(recorder);
        threads.shutdown();
        tomcat.stop();
        tomcat.destroy();
    }

    @Test
    void aSendRacingTheClientsCloseIsRoutineInFrenchToo() throws Exception {
        assertEquals("fr", Locale.getDefault().getLanguage(), "this test runs under -Duser.language=fr");
        CompletableFuture<SendFailure> refused = new CompletableFuture<>();
        CompletableFuture<Boolean> openWhileRefused = new CompletableFuture<>();
        Capture.whileClosing = session -> {
            SessionPeer peer = new SessionPeer(session, 1000);
            peer.send("{\"type\":\"late\"}", failure -> {
                openWhileRefused.complete(session.isOpen());
                refused.complete(failure);
            });
            new Outbox(peer, 1 << 20, null, 0, threads.housekeeping(), 1000, () -> { })
                    .offer(Frame.of("{\"type\":\"late too\"}"));
        };
        int port = tomcat.getConnector().getLocalPort();
        WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/capture"), new WebSocket.Listener() { })
                .get(10, TimeUnit.SECONDS);
        serverSide.get(10, TimeUnit.SECONDS);
        client.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);

        SendFailure failure = refused.get(10, TimeUnit.SECONDS);
        assertTrue(failure != null, "the container refused the send");
        assertEquals(SendFailure.Kind.CLOSED, failure.kind(), () -> "judged by its type: " + failure.getCause());
        assertTrue(openWhileRefused.get(), "the session still called itself open: its state alone cannot tell");
        String message = failure.getCause().getMessage();
        assertTrue(isFrenchTomcatText(message), "Tomcat spoke French: " + message);
        Thread.sleep(200); // the outbox's own refusal, and its close, on the housekeeping thread
        assertEquals(List.of(), warnings.stream().map(LogRecord::getMessage).toList(),
                "a routine race is not a warning, whatever the language");
    }

    /** Whether {@code message} is one of Tomcat's French WebSocket texts (its own bundle, placeholders filled in). */
    private static boolean isFrenchTomcatText(String message) {
        ResourceBundle french = ResourceBundle.getBundle("org.apache.tomcat.websocket.LocalStrings", Locale.FRENCH);
        ResourceBundle english = ResourceBundle.getBundle("org.apache.tomcat.websocket.LocalStrings", Locale.ROOT);
        for (String key : french.keySet()) {
            String text = french.getString(key);
            boolean translated = !text.equals(english.getString(key));
            String pattern = Pattern.quote(text.replace("''", "'")).replaceAll("\\{\\d+\\}", "\\\\E.*\\\\Q");
            if (translated && message.matches(pattern)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aFrameTheContainerRefusesIsJudgedTheServersFault() {
        assertEquals(SendFailure.Kind.REFUSED, SessionPeer.judge(new IllegalArgumentException("MALFORMED[1]"), true).kind());
        assertEquals(SendFailure.Kind.BROKEN, SessionPeer.judge(new java.io.IOException("Connexion réinitialisée"), true).kind());
        assertTrue(SessionPeer.judge(new IllegalStateException("n'importe quoi"), true).kind() == SendFailure.Kind.CLOSED);
    }
}
