package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.socialvp.wschat.outbox.SendFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SessionPeer} against a container that is not Tomcat (Payara's Tyrus), a session of our own
 * making standing in for Tyrus's: the context class loader of a send (the JDK's platform loader
 * while the container has the call, the caller's again afterwards; see the class comment for why),
 * how a send the container throws out is judged, and that the container's report of a close waits
 * for a write under way and stops every later one ({@link WriteGate}). Tomcat's side is exercised by every
 * integration test on Tomcat.
 */
class SessionPeerTest {

    @Test
    void aSendIntoAContainerOtherThanTomcatRunsWithThePlatformLoaderAndRestoresTheCallers() {
        AtomicReference<ClassLoader> duringSend = new AtomicReference<>();
        RemoteEndpoint.Async async = proxy(RemoteEndpoint.Async.class, (method, args) -> {
            if (method.equals("sendText") && args.length == 2) {
                duringSend.set(Thread.currentThread().getContextClassLoader());
                ((SendHandler) args[1]).onResult(new SendResult());
            }
            return null;
        });
        Session session = session(async, true);
        ClassLoader callers = getClass().getClassLoader();
        Thread.currentThread().setContextClassLoader(callers);

        new SessionPeer(session, 1000).send("{\"type\":\"x\"}", failure -> { });

        assertSame(ClassLoader.getPlatformClassLoader(), duringSend.get(), "the container had the platform loader");
        assertSame(callers, Thread.currentThread().getContextClassLoader(), "and the caller has its own back");
    }

    /**
     * Tyrus answers a send on a session whose viewer has closed with a bare RuntimeException
     * ("Socket is not connected."): a routine race with a close, not a frame refused. The same
     * exception on a session still open stays a refusal, the server's own fault.
     */
    @Test
    void aBareRuntimeExceptionFromASendIsAClosedSessionOnceTheSessionIsNoLongerOpen() {
        assertEquals(SendFailure.Kind.CLOSED, failureOfASendThatThrows(false).kind());
        assertEquals(SendFailure.Kind.REFUSED, failureOfASendThatThrows(true).kind());
    }

    /** The failure a send reports when the container throws a bare RuntimeException, the session open or not. */
    private static SendFailure failureOfASendThatThrows(boolean open) {
        RemoteEndpoint.Async async = proxy(RemoteEndpoint.Async.class, (method, args) -> {
            if (method.equals("sendText")) {
                throw new RuntimeException("Socket is not connected.");
            }
            return null;
        });
        AtomicReference<SendFailure> reported = new AtomicReference<>();
        new SessionPeer(session(async, open), 1000).send("{\"type\":\"x\"}", reported::set);
        return reported.get();
    }

    /**
     * Payara hands a closed connection's stream on to the next connection: the close the container
     * reports must not return while a write is still inside the container, or that write lands on
     * another viewer's connection once the container lets the stream go.
     */
    @Test
    void theContainersCloseWaitsForAWriteUnderWayAndNothingIsWrittenAfterIt() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch finishWrite = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        RemoteEndpoint.Async async = proxy(RemoteEndpoint.Async.class, (method, args) -> {
            if (method.equals("sendText")) {
                writes.incrementAndGet();
                writing.countDown();
                await(finishWrite);
                ((SendHandler) args[1]).onResult(new SendResult());
            }
            return null;
        });
        SessionPeer peer = new SessionPeer(session(async, true), 1000);
        Thread sender = new Thread(() -> peer.send("{\"type\":\"x\"}", failure -> { }));
        sender.start();
        assertTrue(writing.await(5, TimeUnit.SECONDS));
        CountDownLatch closed = new CountDownLatch(1);
        Thread container = new Thread(() -> {
            peer.closedByContainer();
            closed.countDown();
        });
        container.start();

        assertFalse(closed.await(200, TimeUnit.MILLISECONDS), "the close waits while the write is in the container");
        finishWrite.countDown();
        assertTrue(closed.await(5, TimeUnit.SECONDS), "and returns once it is out");

        AtomicReference<SendFailure> after = new AtomicReference<>();
        peer.send("{\"type\":\"y\"}", after::set);
        peer.ping();
        peer.close(1000, "bye");
        assertEquals(SendFailure.Kind.CLOSED, after.get().kind(), "a send after the close is the routine race with it");
        assertEquals(1, writes.get(), "and never reaches the container");
        sender.join();
        container.join();
    }

    /**
     * A container that reports the close of a failed write at once, on the writing thread, is not
     * kept waiting by it: with a gate that did not let its own holder in, this would hang, so it has
     * a time limit.
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCloseReportedFromInsideAWriteDoesNotWaitForItself() {
        AtomicReference<SessionPeer> peer = new AtomicReference<>();
        RemoteEndpoint.Async async = proxy(RemoteEndpoint.Async.class, (method, args) -> {
            if (method.equals("sendText")) {
                peer.get().closedByContainer();
                throw new IllegalStateException("closed");
            }
            return null;
        });
        peer.set(new SessionPeer(session(async, false), 1000));
        AtomicReference<SendFailure> reported = new AtomicReference<>();

        peer.get().send("{\"type\":\"x\"}", reported::set);

        assertEquals(SendFailure.Kind.CLOSED, reported.get().kind());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A session that sends through {@code async} and is {@code open} or not. */
    private static Session session(RemoteEndpoint.Async async, boolean open) {
        Map<String, Object> properties = new HashMap<>();
        return proxy(Session.class, (method, args) -> switch (method) {
            case "getAsyncRemote" -> async;
            case "getBasicRemote" -> proxy(RemoteEndpoint.Basic.class, (m, a) -> null);
            case "getUserProperties" -> properties;
            case "isOpen" -> open;
            default -> null;
        });
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> answer.answer(method.getName(), args == null ? new Object[0] : args)));
    }
}
