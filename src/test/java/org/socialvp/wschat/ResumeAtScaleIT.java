package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;
import org.socialvp.wschat.testing.Server;

/**
 * A network blip for a thousand viewers at once: every connection reset, every viewer resumes.
 * Nobody is lost, nobody sees anyone leave, and once they are gone the server's heap is back where
 * it was (Tomcat, whose JMX port the test can reach).
 */
class ResumeAtScaleIT extends DeployedWarIT {

    private static final int VIEWERS = 1000;
    private static final int ROOM_SIZE = 20;
    /**
     * Long enough for the thousand resumes, made one after another, to finish inside every
     * viewer's window on a slow machine (5 s was not, on Payara beside a busy core: the last
     * viewers got 410).
     */
    private static final int WINDOW_SECONDS = 20;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.resumeSeconds", String.valueOf(WINDOW_SECONDS),
                "wschat.maxConnections", "5000", "wschat.rateLimitPerSecond", "0"));
    }

    @Test
    void aThousandViewersResumeAfterABlipAndNobodyIsLost() throws Exception {
        awaitNoConnections();
        long heapBefore = Server.isTomcat() ? liveHeap() : 0;
        int rooms = VIEWERS / ROOM_SIZE;
        List<ChatClient> watchers = new ArrayList<>();
        List<ResumeIT.Resumable> viewers = new ArrayList<>();
        try {
            for (int r = 0; r < rooms; r++) {
                watchers.add(ChatClient.identified(room(r), "watcher"));
            }
            for (int i = 0; i < VIEWERS; i++) {
                viewers.add(new ResumeIT.Resumable(room(i % rooms), "viewer-" + i));
            }
            for (ChatClient watcher : watchers) {
                for (int j = 0; j < ROOM_SIZE; j++) {
                    watcher.next("join");
                }
            }
            viewers.forEach(viewer -> viewer.socket.reset()); // the blip

            List<RawClient> resumed = new ArrayList<>();
            for (int i = 0; i < VIEWERS; i++) {
                ResumeIT.Resumable viewer = viewers.get(i);
                RawClient back = RawClient.connect(room(i % rooms));
                back.readText(); // init
                back.sendText("{\"command\":\"resume\",\"session\":\"" + viewer.token + "\",\"last\":0}");
                JsonObject answer = ChatClient.parse(back.readText());
                assertEquals(301, answer.getInt("code"), () -> "viewer " + viewer.token + ": " + answer);
                resumed.add(back);
            }
            for (int r = 0; r < rooms; r++) {
                ChatClient watcher = watchers.get(r);
                assertEquals(ROOM_SIZE + 1, watcher.list().size(), "every viewer of room " + r + " is there");
                assertEquals(null, watcher.poll(Duration.ofMillis(20)), "and nobody was seen leaving");
            }
            resumed.forEach(RawClient::closeHandshakeThenReset);
        } finally {
            watchers.forEach(ChatClient::close);
        }
        awaitNoConnections();
        if (Server.isTomcat()) {
            Thread.sleep((WINDOW_SECONDS + 1) * 1000L);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long heapAfter;
            do {
                heapAfter = liveHeap();
            } while (heapAfter > heapBefore + 16 * 1024 * 1024 && System.nanoTime() < deadline);
            long grew = heapAfter - heapBefore;
            assertTrue(grew <= 16 * 1024 * 1024, "the heap is back within 16 MiB of where it was: grew by " + grew);
        }
    }

    private URI room(int r) {
        return room("blip-" + r);
    }

    /** The server's heap in use right after a full collection, over JMX. */
    private static long liveHeap() throws Exception {
        try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(
                "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + Server.jmxPort() + "/jmxrmi"))) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(server,
                    ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            memory.gc();
            return memory.getHeapMemoryUsage().getUsed();
        }
    }
}
