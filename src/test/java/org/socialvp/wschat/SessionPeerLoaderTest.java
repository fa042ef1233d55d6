package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The context class loader of a send into a container that is not Tomcat (Payara's Tyrus): the
 * JDK's platform loader while the container has the call, the caller's again afterwards (see
 * {@link SessionPeer}'s class comment for why). A session of a container of our own making stands
 * in for Tyrus's; Tomcat's side is exercised by every integration test on Tomcat.
 */
class SessionPeerLoaderTest {

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
        Map<String, Object> properties = new HashMap<>();
        Session session = proxy(Session.class, (method, args) -> switch (method) {
            case "getAsyncRemote" -> async;
            case "getBasicRemote" -> proxy(RemoteEndpoint.Basic.class, (m, a) -> null);
            case "getUserProperties" -> properties;
            default -> null;
        });
        ClassLoader callers = getClass().getClassLoader();
        Thread.currentThread().setContextClassLoader(callers);

        new SessionPeer(session, 1000).send("{\"type\":\"x\"}", failure -> { });

        assertSame(ClassLoader.getPlatformClassLoader(), duringSend.get(), "the container had the platform loader");
        assertSame(callers, Thread.currentThread().getContextClassLoader(), "and the caller has its own back");
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> answer.answer(method.getName(), args == null ? new Object[0] : args)));
    }
}
