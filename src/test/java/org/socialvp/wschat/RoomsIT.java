package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;
import org.socialvp.wschat.testing.Server;
import org.socialvp.wschat.testing.StatusPage;

/** PROTOCOL.md §5–6: many watch parties on one server, each with its own names and presence. */
class RoomsIT extends DeployedWarIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    @Test
    void theInitFrameNamesTheRoom() {
        try (ChatClient client = ChatClient.connect(room("movie-night_2.0"))) {
            assertEquals("movie-night_2.0", client.init().getString("room"));
        }
    }

    @Test
    void thePlainPathIsTheLobbyAndTheSameRoomAsSlashLobby() {
        try (ChatClient plain = ChatClient.identified(lobby(), "alice");
                ChatClient named = ChatClient.identified(room("lobby"), "bob")) {
            assertEquals("lobby", plain.init().getString("room"));
            assertEquals("lobby", named.init().getString("room"));
            assertEquals("bob", plain.next("join").getString("who"));
            named.broadcast("\"same room\"");
            assertEquals("same room", plain.next("broadcast").getString("message"));
            try (ChatClient impostor = ChatClient.connect(room("lobby"))) {
                assertEquals(305, impostor.identify("alice").getInt("code"));
            }
        }
    }

    @Test
    void the2013AddressTheContextRootIsTheLobby() {
        Server.assumeTomcat("Payara answers the bare context root with a redirect before the WAR sees the request (README)");
        URI contextRoot = Deployments.contextRoot(base());
        try (ChatClient old = ChatClient.identified(contextRoot, "alice");
                ChatClient current = ChatClient.identified(lobby(), "bob")) {
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
    void theContextRootStillServesPagesAndStatus() {
        HttpResponse<String> page = StatusPage.get(base());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<html"), "the demo page");
        int bare = StatusPage.get(URI.create(base().toString().replaceFirst("/$", ""))).statusCode();
        assertTrue(bare == 301 || bare == 302, "a page request for /wschat goes to /wschat/: " + bare);
        assertEquals(200, StatusPage.get(status()).statusCode());
        assertEquals(200, StatusPage.get(base().resolve("js/wschat.js")).statusCode());
    }

    @Test
    void theSameNameLivesInTwoRoomsWhichNeverHearEachOther() {
        try (ChatClient alice1 = ChatClient.identified(room("party1"), "alice");
                ChatClient bob1 = ChatClient.identified(room("party1"), "bob");
                ChatClient alice2 = ChatClient.identified(room("party2"), "alice");
                ChatClient carol2 = ChatClient.identified(room("party2"), "carol")) {
            assertEquals("bob", alice1.next("join").getString("who"));
            assertEquals("carol", alice2.next("join").getString("who"));

            alice1.broadcast("\"pause in party1\"");
            assertEquals("pause in party1", bob1.next("broadcast").getString("message"));
            alice2.broadcast("\"play in party2\"");
            assertEquals("play in party2", carol2.next("broadcast").getString("message"));

            carol2.message("bob", "\"across rooms?\"");
            carol2.expectOutcome(404);
            bob1.message("carol", "\"across rooms?\"");
            bob1.expectOutcome(404);
            bob1.message("alice", "\"to my alice\"");
            assertEquals("bob", alice1.next("message").getString("from"));

            assertEquals(List.of("alice", "bob"), bob1.list());
            assertEquals(List.of("alice", "carol"), carol2.list());

            alice1.expectNothingMore();
            alice2.expectNothingMore();
        }
    }

    @Test
    void joinsAndQuitsStayInTheirRoom() {
        try (ChatClient watcher1 = ChatClient.identified(room("r1"), "watcher");
                ChatClient watcher2 = ChatClient.identified(room("r2"), "watcher")) {
            ChatClient.identified(room("r1"), "visitor").close();
            assertEquals("visitor", watcher1.next("join").getString("who"));
            assertEquals("visitor", watcher1.next("quit").getString("who"));
            watcher1.expectNothingMore();
            watcher2.expectNothingMore();
        }
    }

    @Test
    void listAnswersTheSortedNamesOfTheRoomAndNeedsIdentifying() {
        try (ChatClient stranger = ChatClient.connect(room("listing"));
                ChatClient zoe = ChatClient.identified(room("listing"), "zoe");
                ChatClient adam = ChatClient.identified(room("listing"), "adam");
                ChatClient mia = ChatClient.identified(room("listing"), "Mia")) {
            stranger.requestList();
            stranger.expectOutcome(10, "Please identify yourself!");
            assertEquals("Mia", adam.next("join").getString("who"));
            assertEquals(List.of("Mia", "adam", "zoe"), adam.list());
        }
    }

    @Test
    void aRenameIsAQuitOfTheOldNameThenAJoinOfTheNew() {
        try (ChatClient alice = ChatClient.identified(room("renames"), "alice");
                ChatClient bob = ChatClient.identified(room("renames"), "bob")) {
            alice.next("join");
            alice.identify("alicia");
            assertEquals("alice", bob.next("quit").getString("who"));
            assertEquals("alicia", bob.next("join").getString("who"));
            assertEquals(List.of("alicia", "bob"), bob.list());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad%20room", "caf%C3%A9", "a+b", "%7E", "@home",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void anInvalidRoomNameIsClosedWith1008(String name) {
        try (RawClient client = RawClient.connect(room(name))) {
            assertEquals(101, client.status());
            client.expectClose(1008, "invalid room");
        }
    }

    @Test
    void aHundredThousandRoomsEachVisitedOnceLeaveNothingBehind() throws Exception {
        JsonObject before = figures();
        int rooms = 100_000;
        int threads = 16;
        AtomicInteger next = new AtomicInteger();
        ExecutorService visitors = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                work.add(() -> {
                    for (int i = next.getAndIncrement(); i < rooms; i = next.getAndIncrement()) {
                        RawClient visitor = RawClient.connect(room("visit-" + i));
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
        JsonObject after = StatusPage.await(status(), figures -> figures.getInt("connections") == before.getInt("connections"));
        assertEquals(before.getInt("rooms"), after.getInt("rooms"), "every room went with its last connection");
        assertEquals(before.getInt("messagesOut") + rooms, after.getInt("messagesOut"), "one init frame each");
    }

    @Test
    void aRoomNameOfSixtyFourCharactersIsValid() {
        String name = "r".repeat(64);
        try (ChatClient client = ChatClient.connect(room(name))) {
            assertEquals(name, client.init().getString("room"));
        }
    }
}
