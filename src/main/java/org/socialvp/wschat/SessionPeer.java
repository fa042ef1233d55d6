package org.socialvp.wschat;

import jakarta.websocket.CloseReason;
import jakarta.websocket.EncodeException;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;
import org.socialvp.wschat.outbox.Peer;
import org.socialvp.wschat.outbox.SendFailure;

/**
 * The {@link Peer} of a Jakarta WebSocket {@link Session}: the only place the write path meets
 * the container.
 *
 * <p><b>Class loaders.</b> Calls into the container run with a context class loader that is not
 * the WAR's. On Tomcat it is the container's own: Tomcat's worker pool creates its threads with the
 * creating thread's context loader, and a worker created while the WAR's loader was current would
 * hold on to the WAR after an undeploy. Elsewhere (Payara's Tyrus) it is the JDK's platform loader:
 * Tyrus restarts a session's idle timer on every send, Payara's managed executor then looks up its
 * context providers as services of the context loader, and the container's loader answers that by
 * reading every jar of the server, the WAR's by reading the WAR's; the platform loader answers from
 * the JDK alone (docs/PERFORMANCE.md, Payara: direct messages went from 84 % of a trivial
 * endpoint's rate to 110 %).
 *
 * <p><b>Refused sends.</b> What the container throws or reports is judged by its type and the
 * session's state, never by its message (Tomcat translates its messages): an {@link IOException}
 * is a broken connection; an {@link IllegalStateException} means the container no longer sends on
 * this session — it is closing, or its close frame is written — a routine race with a close (the
 * other cause, two overlapping sends, cannot happen: the outbox sends one at a time, and its unit
 * tests show it). Anything else on a session that is no longer open is the same race: Tyrus
 * answers a send after the viewer's close with a bare {@link RuntimeException}. Anything else on
 * an open session ({@code IllegalArgumentException}, {@link EncodeException}) is the container
 * refusing the frame itself, a bug in WSChat.
 */
final class SessionPeer implements Peer {

    /** The class loader of the container's WebSocket implementation. */
    static final ClassLoader CONTAINER_LOADER = Session.class.getClassLoader();

    /** Tomcat's per-session bound on blocking writes (pings, close frames, batches), in milliseconds. */
    static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    /**
     * Tomcat's bound on writing the close frame after a protocol error (invalid UTF-8, a bad
     * frame), on the container's own thread. Its default, 50 ms, is shorter than a send already
     * under way can take to finish (up to 130 ms measured), and the close frame — with its 1007 or
     * 1002 — was then dropped; one second is ample and still bounds a peer that stopped reading.
     */
    static final String TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT = "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";
    private static final long ABNORMAL_CLOSE_SEND_MILLIS = 1000;
    /** Tomcat's system property for the size of a session's output buffer, and its default. */
    static final String TOMCAT_BUFFER_SIZE = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";
    private static final int TOMCAT_DEFAULT_BUFFER_BYTES = 8 * 1024;

    private static final System.Logger LOG = System.getLogger(SessionPeer.class.getName());

    private final Session session;
    /** The context class loader of calls into the container (see the class comment). */
    private final ClassLoader callLoader;
    private final RemoteEndpoint.Async async;
    private final RemoteEndpoint.Basic basic;
    private final WriteGate gate;

    /**
     * @param blockingSendMillis how long a blocking write (a batch, a ping, a close) may wait for a
     *        peer that does not read
     */
    SessionPeer(Session session, long blockingSendMillis) {
        this.session = session;
        boolean tomcat = session.getClass().getName().startsWith("org.apache.tomcat.");
        this.callLoader = tomcat ? CONTAINER_LOADER : ClassLoader.getPlatformClassLoader();
        this.gate = new WriteGate(!tomcat);
        this.async = session.getAsyncRemote();
        this.basic = session.getBasicRemote();
        session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, blockingSendMillis);
        session.getUserProperties().put(TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT, ABNORMAL_CLOSE_SEND_MILLIS);
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public void send(String text, Completion done) {
        if (!gate.enter()) {
            done.completed(closedAlready());
            return;
        }
        ClassLoader previous = enterContainer();
        try {
            async.sendText(text, result -> done.completed(failure(result)));
        } catch (RuntimeException e) {
            done.completed(judge(e, session.isOpen()));
        } finally {
            leaveContainer(previous);
            gate.leave();
        }
    }

    /**
     * The container reports the connection closed (the endpoint's {@code @OnClose}): returns once
     * no write is under way, and nothing is written from now on ({@link WriteGate}).
     */
    void closedByContainer() {
        gate.close();
    }

    /**
     * Tomcat batches when asked to, Tyrus accepts the call and ignores it; asking changes nothing
     * while nothing is buffered. Tomcat gathers a session's frames in one buffer of its
     * {@value #TOMCAT_BUFFER_SIZE} bytes and writes it when full or flushed.
     */
    @Override
    public int batchBytes() {
        ClassLoader previous = enterContainer();
        try {
            basic.setBatchingAllowed(true);
            boolean batches = basic.getBatchingAllowed();
            basic.setBatchingAllowed(false);
            return batches ? Integer.getInteger(TOMCAT_BUFFER_SIZE, TOMCAT_DEFAULT_BUFFER_BYTES) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        } finally {
            leaveContainer(previous);
        }
    }

    /** Gathered in batching mode and written by the flush that ends it. */
    @Override
    public void writeBatch(List<String> texts) throws SendFailure {
        if (!gate.enter()) {
            throw closedAlready();
        }
        ClassLoader previous = enterContainer();
        try {
            basic.setBatchingAllowed(true);
            for (String text : texts) {
                basic.sendText(text);
            }
            basic.setBatchingAllowed(false); // writes what is still buffered
        } catch (IOException | RuntimeException e) {
            abandonBatch();
            throw judge(e, session.isOpen());
        } finally {
            leaveContainer(previous);
            gate.leave();
        }
    }

    @Override
    public void writeAlone(String text) throws SendFailure {
        if (!gate.enter()) {
            throw closedAlready();
        }
        ClassLoader previous = enterContainer();
        try {
            basic.sendText(text);
        } catch (IOException | RuntimeException e) {
            throw judge(e, session.isOpen());
        } finally {
            leaveContainer(previous);
            gate.leave();
        }
    }

    @Override
    public void ping() {
        if (!gate.enter()) {
            return;
        }
        ClassLoader previous = enterContainer();
        try {
            async.sendPing(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "conn=" + id() + " ping failed: " + e);
        } finally {
            leaveContainer(previous);
            gate.leave();
        }
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close(int code, String reason) {
        if (!gate.enter()) {
            return; // closed already
        }
        ClassLoader previous = enterContainer();
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "conn=" + id() + " close failed: " + e);
        } finally {
            leaveContainer(previous);
            gate.leave();
        }
    }

    /**
     * Leaves batching mode after a failed write. The container clears the mode before it tries
     * (and here fails) to flush, so the close that follows does not try again and log the failure
     * as a warning with a stack trace.
     */
    private void abandonBatch() {
        try {
            basic.setBatchingAllowed(false);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "conn=" + id() + " unsent batch dropped: " + e);
        }
    }

    /** A write refused because the container has reported the connection closed: the routine race with a close. */
    private static SendFailure closedAlready() {
        return new SendFailure(SendFailure.Kind.CLOSED, new IllegalStateException("the connection is closed"));
    }

    private SendFailure failure(SendResult result) {
        if (result.isOK()) {
            return null;
        }
        Throwable cause = result.getException();
        return cause == null
                ? new SendFailure(SendFailure.Kind.BROKEN, new IOException("send failed"))
                : judge(cause, session.isOpen());
    }

    /** See the class comment; {@code sessionOpen}: whether the session was still open when the failure was judged. */
    static SendFailure judge(Throwable thrown, boolean sessionOpen) {
        if (thrown instanceof IOException) {
            return new SendFailure(SendFailure.Kind.BROKEN, thrown);
        }
        if (thrown instanceof IllegalStateException || !sessionOpen) {
            return new SendFailure(SendFailure.Kind.CLOSED, thrown);
        }
        return new SendFailure(SendFailure.Kind.REFUSED, thrown);
    }

    private ClassLoader enterContainer() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(callLoader);
        return previous;
    }

    private static void leaveContainer(ClassLoader previous) {
        Thread.currentThread().setContextClassLoader(previous);
    }
}
