package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;
import org.socialvp.wschat.testing.Server;
import org.socialvp.wschat.testing.StatusPage;

/** PROTOCOL.md §5–6: many watch parties on one server, each with its own names and presence. */
@ExtendWith(ArquillianExtension.class)
class RoomsIT {

    @ArquillianResource
    private URL deployment;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    @Test
    void theInitFrameNamesTheRoom() {
        try (ChatClient client = ChatClient.connect(Deployments.room(deployment, "movie-night_2.0"))) {
            assertEquals("movie-night_2.0", client.init().getString("room"));
        }
    }

    @Test
    void thePlainPathIsTheLobbyAndTheSameRoomAsSlashLobby() {
        try (ChatClient plain = ChatClient.identified(Deployments.quietLobby(deployment), "alice");
                ChatClient named = ChatClient.identified(Deployments.room(deployment, "lobby"), "bob")) {
            assertEquals("lobby", plain.init().getString("room"));
            assertEquals("lobby", named.init().getString("room"));
            assertEquals("bob", plain.next("join").getString("who"));
            named.broadcast("\"same room\"");
            assertEquals("same room", plain.next("broadcast").getString("message"));
            try (ChatClient impostor = ChatClient.connect(Deployments.room(deployment, "lobby"))) {
                assertEquals(305, impostor.identify("alice").getInt("code"));
            }
        }
    }

    @Test
    void the2013AddressTheContextRootIsTheLobby() {
        Server.assumeTomcat("Payara answers the bare context root with a redirect before the WAR sees the request (README)");
        URI contextRoot = URI.create(Deployments.quietLobby(deployment).toString().replaceFirst("/wschat$", ""));
        try (ChatClient old = ChatClient.identified(contextRoot, "alice");
                ChatClient current = ChatClient.identified(Deployments.lobby(deployment), "bob")) {
            assertEquals("lobby", old.init().getString("room"));
            assertEquals("bob", old.next("join").getString("who"));
            old.message("bob", "\"from the 2013 address\"");
            assertEquals("from the 2013 address", current.next("message").getString("message"));
            current.broadcast("\"and back\"");
            assertEquals("and back", old.next("broadcast").getString("message"));
        }
        try (ChatClient slash = ChatClient.connect(URI.create(contextRoot + "/"))) {
            assertEquals("lobby", slash.init().getString("room"));
        }
    }

    @Test
    void theContextRootStillServesPagesAndStatus() throws Exception {
        URI base = Deployments.base(deployment);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<html"), "the demo page");
        HttpResponse<String> bare = http.send(HttpRequest.newBuilder(URI.create(base.toString().replaceFirst("/$", ""))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(bare.statusCode() == 301 || bare.statusCode() == 302, "a page request for /wschat goes to /wschat/: " + bare.statusCode());
        assertEquals(200, http.send(HttpRequest.newBuilder(Deployments.status(deployment)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, http.send(HttpRequest.newBuilder(base.resolve("js/wschat.js")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void theSameNameLivesInTwoRoomsWhichNeverHearEachOther() {
        try (ChatClient alice1 = ChatClient.identified(Deployments.room(deployment, "party1"), "alice");
                ChatClient bob1 = ChatClient.identified(Deployments.room(deployment, "party1"), "bob");
                ChatClient alice2 = ChatClient.identified(Deployments.room(deployment, "party2"), "alice");
                ChatClient carol2 = ChatClient.identified(Deployments.room(deployment, "party2"), "carol")) {
            assertEquals("bob", alice1.next("join").getString("who"));
            assertEquals("carol", alice2.next("join").getString("who"));

            alice1.broadcast("\"pause in party1\"");
            assertEquals("pause in party1", bob1.next("broadcast").getString("message"));
            alice2.broadcast("\"play in party2\"");
            assertEquals("play in party2", carol2.next("broadcast").getString("message"));

            carol2.message("bob", "\"across rooms?\"");
            assertEquals(404, carol2.next("outcome").getInt("code"));
            bob1.message("carol", "\"across rooms?\"");
            assertEquals(404, bob1.next("outcome").getInt("code"));
            bob1.message("alice", "\"to my alice\"");
            assertEquals("bob", alice1.next("message").getString("from"));

            bob1.send("{\"command\":\"list\"}");
            assertEquals("[\"alice\",\"bob\"]", bob1.next("list").get("names").toString());
            carol2.send("{\"command\":\"list\"}");
            assertEquals("[\"alice\",\"carol\"]", carol2.next("list").get("names").toString());

            alice1.expectNothingMore();
            alice2.expectNothingMore();
        }
    }

    @Test
    void joinsAndQuitsStayInTheirRoom() {
        try (ChatClient watcher1 = ChatClient.identified(Deployments.room(deployment, "r1"), "watcher");
                ChatClient watcher2 = ChatClient.identified(Deployments.room(deployment, "r2"), "watcher")) {
            ChatClient.identified(Deployments.room(deployment, "r1"), "visitor").close();
            assertEquals("visitor", watcher1.next("join").getString("who"));
            assertEquals("visitor", watcher1.next("quit").getString("who"));
            watcher1.expectNothingMore();
            watcher2.expectNothingMore();
        }
    }

    @Test
    void listAnswersTheSortedNamesOfTheRoomAndNeedsIdentifying() {
        try (ChatClient stranger = ChatClient.connect(Deployments.room(deployment, "listing"));
                ChatClient zoe = ChatClient.identified(Deployments.room(deployment, "listing"), "zoe");
                ChatClient adam = ChatClient.identified(Deployments.room(deployment, "listing"), "adam");
                ChatClient mia = ChatClient.identified(Deployments.room(deployment, "listing"), "Mia")) {
            stranger.send("{\"command\":\"list\"}");
            assertEquals(10, stranger.next("outcome").getInt("code"));
            assertEquals("Mia", adam.next("join").getString("who"));
            adam.send("{\"command\":\"list\"}");
            JsonObject list = adam.next("list");
            assertEquals("[\"Mia\",\"adam\",\"zoe\"]", list.get("names").toString());
        }
    }

    @Test
    void aRenameIsAQuitOfTheOldNameThenAJoinOfTheNew() {
        try (ChatClient alice = ChatClient.identified(Deployments.room(deployment, "renames"), "alice");
                ChatClient bob = ChatClient.identified(Deployments.room(deployment, "renames"), "bob")) {
            alice.next("join");
            alice.identify("alicia");
            assertEquals("alice", bob.next("quit").getString("who"));
            assertEquals("alicia", bob.next("join").getString("who"));
            bob.send("{\"command\":\"list\"}");
            assertEquals("[\"alicia\",\"bob\"]", bob.next("list").get("names").toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad%20room", "caf%C3%A9", "a+b", "%7E", "@home",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void anInvalidRoomNameIsClosedWith1008(String room) {
        try (RawClient client = RawClient.connect(Deployments.room(deployment, room))) {
            assertEquals(101, client.status());
            RawClient.Frame close = client.readFrame();
            assertEquals(RawClient.CLOSE, close.opcode());
            assertEquals(1008, close.closeCode());
            assertEquals("invalid room", close.closeReason());
        }
    }

    @Test
    void aHundredThousandRoomsEachVisitedOnceLeaveNothingBehind() throws Exception {
        URI status = Deployments.status(deployment);
        JsonObject before = StatusPage.read(status);
        int rooms = 100_000;
        int threads = 16;
        AtomicInteger next = new AtomicInteger();
        ExecutorService visitors = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                work.add(() -> {
                    for (int i = next.getAndIncrement(); i < rooms; i = next.getAndIncrement()) {
                        RawClient visitor = RawClient.connect(Deployments.room(deployment, "visit-" + i));
                        assertEquals("visit-" + i, ChatClient.parse(visitor.readText()).getString("room"));
                        assertEquals(1000, visitor.closeHandshakeThenReset().closeCode());
                    }
                    return null;
                });
            }
            for (Future<Void> done : visitors.invokeAll(work)) {
                done.get();
            }
        } finally {
            visitors.shutdownNow();
        }
        JsonObject after = StatusPage.await(status, figures -> figures.getInt("connections") == before.getInt("connections"));
        assertEquals(before.getInt("rooms"), after.getInt("rooms"), "every room went with its last connection");
        assertEquals(before.getInt("messagesOut") + rooms, after.getInt("messagesOut"), "one init frame each");
    }

    @Test
    void aRoomNameOfSixtyFourCharactersIsValid() {
        String room = "r".repeat(64);
        try (ChatClient client = ChatClient.connect(Deployments.room(deployment, room))) {
            assertEquals(room, client.init().getString("room"));
        }
    }
}
