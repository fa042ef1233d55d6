package org.socialvp.wschat.bench;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The soak benchmark (issue 15): MINUTES of mixed traffic against one running WSChat, checking
 * what a long run can break that a short test cannot — memory or threads that creep, log
 * warnings, and any healthy viewer losing, reordering or being cut off from its room's traffic
 * while others misbehave around it.
 *
 * <pre>
 * java -cp ... org.socialvp.wschat.bench.Soak URL MINUTES SERVER_PID LOG_FILE [VIEWERS] [options]
 *   URL       the endpoint, e.g. ws://127.0.0.1:8080/wschat/wschat (rooms URL/soak-0, URL/soak-1, ...)
 *   SERVER_PID the server's JVM (jcmd GC.run / GC.heap_info, /proc/PID)
 *   LOG_FILE  the server's log, e.g. $CATALINA_BASE/logs/catalina.out (several: comma-separated)
 *   VIEWERS   identified viewers in rooms of 20, default 400
 *   --corpus DIR            also send every file under DIR (a fuzz corpus) as a hostile frame
 *   --room-size N           default 20
 *   --seed N                default 1
 *   --status URL            the server's /status page (default: derived from URL, "" for none)
 *   --history BYTES         the history a room's host sends each newcomer, default 65536 (0: none)
 *   --max-message-bytes N   the server's wschat.maxMessageBytes (for the over-limit frame), default 2097152
 *   --sloth-deadline S      seconds within which a viewer that stopped reading must be closed, default 90
 *   --sloth-every S         at most one viewer stops reading every S seconds (at most 1 % at a time), default 10
 *   --histogram N           also print the N largest classes of the live heap at every sample (jcmd GC.class_histogram)
 * </pre>
 *
 * <p>The traffic, all from one thread on one selector ({@link SoakSocket}):
 * <ul>
 * <li><b>Healthy viewers</b> in rooms of 20, each sending every 1–3 s: a chat line or a
 *     play/pause/seek broadcast, sometimes a direct message to a room-mate or a {@code list}.
 *     Every payload carries its sender's incarnation and a sequence number (broadcasts per sender,
 *     direct messages per sender and receiver), and a hash of its text. A newcomer gets the
 *     room's "history" from the room's longest-present viewer, one direct message of 64 KiB, as
 *     2013 pages do.</li>
 * <li><b>Churn</b>: every 2–4 s one to three viewers leave — a clean close, a close without a
 *     close frame, or a TCP reset — and come back under the same name after 0–3 s (a 305 for a name
 *     still held by the old connection is asked again, as wschat.js does).</li>
 * <li><b>Sloths</b>: about 1 % of the viewers at any time stop reading their socket and keep it
 *     open, in turn of three kinds: silent (only the room's chat piles up, so the server's ping
 *     timeout must end it), self-fed (it also sends itself 256 KiB direct messages, 3.75 MiB at
 *     once and then at the byte rate limit, which pile up in the server's kernel buffers and then
 *     its outbox), and fed (a room-mate, a "feeder" connection, sends it the same on top, as a 2013
 *     page sends a newcomer the party's history: the outbox overflows, 1013 {@code slow
 *     consumer}). Once a room-mate has heard its {@code quit}, the sloth reads again, at full
 *     speed, to see how its connection ended; the server must end it.</li>
 * <li><b>Flooders</b>: every 20–40 s (at most two at a time) a client joins a room and sends
 *     1,000 broadcasts a second: it must get 429s and be closed 1008 {@code flooding}.</li>
 * <li><b>Hostile clients</b>: one in room soak-0 (with healthy viewers), one alone in
 *     soak-hostile, each sending one hostile frame every 1.5 s in turn from a built-in set and the
 *     corpus: lone surrogate escapes, invalid JSON, wrong types, deep nesting, huge numbers, names
 *     with bidi or zero-width characters, unknown commands, 1 MiB payloads, and frames that break
 *     the WebSocket protocol (binary, not UTF-8, RSV bits, unmasked...), reconnecting after those.
 *     What the hostile client gets back is recorded per frame; receivers check that the hostile
 *     payloads the server relays arrive equal (as JSON values, numbers digit for digit) to what was
 *     sent.</li>
 * </ul>
 *
 * <p>What each healthy receiver checks, per sender incarnation: from its own 300 on (when it
 * takes a snapshot of how many broadcasts each sender in the room had sent), or from the
 * sender's first frame if the sender came later, every broadcast arrives exactly once and in
 * order, up to the sender's last one before its {@code quit} (a sender that reset its connection
 * may lose its last frames in the kernel, so only gaps count for it); every direct message
 * likewise, and after the broadcasts sent before it. Every frame must be UTF-8 and JSON; every
 * departed viewer, sloth and flooder must be announced with {@code quit} to the receivers who
 * were there; {@code list} must name every settled room-mate; a healthy viewer must never get an
 * outcome or be closed.
 *
 * <p>Healthy payloads also carry their send time: the delivery latency of healthy traffic is
 * printed per minute (it includes the pauses of the full collections the sampling asks for, and
 * any stall of this generator: {@code generator.longest_callbacks} names those).
 *
 * <p>Every minute the server is sampled: live heap after full collections, threads (those of the
 * connector's worker pool, {@code http-nio-PORT-exec-N}, counted apart: Tomcat grows that pool up
 * to {@code maxThreads} in bursts and lets a thread go only after 60 s without work), resident
 * memory, open files, CPU, {@code /status}, and new WARNING/SEVERE lines in the log (all printed;
 * Tomcat's own warning for a batched write into a connection the client reset, which the churn's
 * resets provoke, is counted apart as {@code reset_flush_warnings}).
 * At the end, after the traffic has drained, everything is closed and the server sampled once
 * more. Flat means: the mean of the last five samples after warm-up (two minutes; one in a run
 * under ten minutes) no more than 10 % (or 4 MiB, one outbox's bound) above the first five for
 * the heap, and within 5 of them for the threads outside the pool. One JSON line sums it all up; the exit status is
 * 0 only if every check passed.
 */
public final class Soak {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final int MAX_CONNECTING = 50;
    private static final double HEALTHY_MIN_MS = 1000;
    private static final double HEALTHY_MAX_MS = 3000;
    private static final String CHAT_TAIL = " \u2014 \u2713 \u00e9 \ud83d\ude00 \u89b3";

    // ---------------------------------------------------------------- configuration

    private final URI url;
    private final String host;
    private final int port;
    private final String basePath;
    private final int minutes;
    private final long serverPid;
    private final List<Path> logFiles;
    private final int viewers;
    private final int roomSize;
    private final Path corpus;
    private final String statusUrl;
    private final int historyBytes;
    private final int maxMessageBytes;
    private final double slothDeadlineMs;
    private final Random random;

    // ---------------------------------------------------------------- state

    private final Selector selector;
    private final long origin = System.nanoTime();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingDouble(Timer::at).thenComparingLong(Timer::seq));
    private long timerSeq;
    private final ArrayDeque<Peer> connectQueue = new ArrayDeque<>();
    private int connecting;
    private final List<Room> rooms = new ArrayList<>();
    private final List<Slot> slots = new ArrayList<>();
    private final Map<Integer, Peer> peers = new HashMap<>();
    private final Set<Peer> live = new HashSet<>();
    private int peerIds;
    private boolean running;
    private boolean draining;
    private double trafficStart;
    private double trafficEnd;
    private double lastFrameAt;
    private double maxStallMs;
    private final List<Stall> stalls = new ArrayList<>();
    private int activeSloths;
    private double lastSlothAt = -1e9;
    /** At most one new sloth this often: 1 % of the viewers at a time, not a stream of them. */
    private final double slothEveryMs;
    private final int histogramLines;
    private int slothsMade;
    private int activeFlooders;
    private int feedersMade;
    private int floodersMade;
    private final List<Hostile> hostiles = new ArrayList<>();
    private List<HostileInput> hostileInputs;
    private final String history;

    // ---------------------------------------------------------------- figures

    private final Tally tally = new Tally();
    private final Tally slothCloses = new Tally();
    private final Tally flooderCloses = new Tally();
    private final Tally hostileResponseKinds = new Tally();
    private final Tally hostileCloses = new Tally();
    private final Map<String, String> hostileResponses = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> relayMismatches = new ArrayList<>();
    private double slothQuitMaxMs;
    private double flooderCloseMaxMs;
    private final List<Sample> samples = new ArrayList<>();
    /** Delivery latency of healthy traffic: since the last sample, and over the run. */
    private Histogram latencyMinute = new Histogram();
    private final Histogram latencyAll = new Histogram();
    private double worstLatency;
    private String worstLatencyDetail = "";
    private final List<String> latencyByMinute = new ArrayList<>();
    private final ConcurrentLinkedQueue<Sample> sampled = new ConcurrentLinkedQueue<>();
    private Sampler sampler;

    /** The failures: any count of these above zero fails the run. */
    private static final List<String> FAILURES = List.of(
            "lost", "order_violations", "duplicates", "corrupted", "misdelivered", "wrong_from", "crossed_rooms",
            "unknown_sender", "protocol_errors", "unparseable", "unexpected_outcomes", "unexpected_quits",
            "missing_quits", "list_missing", "healthy_closed", "handshake_failures", "connect_failures",
            "names_not_released", "identify_refused", "no_init", "close_not_answered", "flooder_no_429",
            "flooder_wrong_close", "flooder_not_closed", "feeder_closed", "sloth_not_closed", "sloth_socket_not_closed",
            "hostile_unexpected_closes", "relay_mismatches", "generator_errors");

    private Soak(String[] args) throws IOException {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                options.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        if (positional.size() < 4) {
            throw new IllegalArgumentException("usage: Soak URL MINUTES SERVER_PID LOG_FILE [VIEWERS] [--corpus DIR] "
                    + "[--room-size N] [--seed N] [--status URL] [--history BYTES] [--max-message-bytes N] "
                    + "[--sloth-deadline S] [--sloth-every S] [--histogram N]");
        }
        url = URI.create(positional.get(0));
        host = url.getHost();
        port = url.getPort() < 0 ? 80 : url.getPort();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        minutes = Integer.parseInt(positional.get(1));
        serverPid = Long.parseLong(positional.get(2));
        logFiles = Stream.of(positional.get(3).split(",")).filter(s -> !s.isBlank()).map(Path::of).toList();
        viewers = positional.size() > 4 ? Integer.parseInt(positional.get(4)) : 400;
        roomSize = Integer.parseInt(options.getOrDefault("room-size", "20"));
        corpus = options.containsKey("corpus") ? Path.of(options.get("corpus")) : null;
        random = new Random(Long.parseLong(options.getOrDefault("seed", "1")));
        historyBytes = Integer.parseInt(options.getOrDefault("history", "65536"));
        maxMessageBytes = Integer.parseInt(options.getOrDefault("max-message-bytes", "2097152"));
        slothDeadlineMs = 1000 * Double.parseDouble(options.getOrDefault("sloth-deadline", "90"));
        slothEveryMs = 1000 * Double.parseDouble(options.getOrDefault("sloth-every", "10"));
        histogramLines = Integer.parseInt(options.getOrDefault("histogram", "0"));
        String context = basePath.contains("/") ? basePath.substring(0, basePath.lastIndexOf('/')) : "";
        statusUrl = options.getOrDefault("status", "http://" + host + ":" + port + context + "/status");
        selector = Selector.open();
        history = historyText(historyBytes);
    }

    public static void main(String[] args) throws Exception {
        Soak soak;
        try {
            soak = new Soak(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(soak.run() ? 0 : 1);
    }

    // ---------------------------------------------------------------- the run

    private boolean run() throws Exception {
        hostileInputs = HostileInput.all(maxMessageBytes, corpus);
        sampler = new Sampler(serverPid, logFiles, statusUrl, histogramLines);
        log("soak: %s, %d minutes, %d viewers in rooms of %d, server pid %d, log %s, %d hostile inputs%s",
                url, minutes, viewers, roomSize, serverPid, logFiles, hostileInputs.size(),
                corpus == null ? "" : " (corpus " + corpus + ")");
        Sample baseline = sampler.take(0, 0);
        samples.add(baseline);
        printSample(baseline);

        int roomCount = (viewers + roomSize - 1) / roomSize;
        for (int r = 0; r < roomCount; r++) {
            rooms.add(new Room("soak-" + r));
        }
        for (int i = 0; i < viewers; i++) {
            Room room = rooms.get(i / roomSize);
            Slot slot = new Slot(room, slotName(i % roomSize));
            slots.add(slot);
            enqueue(new Peer(Role.VIEWER, room, slot.name, slot, null));
        }
        double rampDeadline = now() + 120_000;
        loopUntil(rampDeadline, () -> slots.stream().allMatch(s -> s.current != null && s.current.identifiedAt >= 0));
        long ready = slots.stream().filter(s -> s.current.identifiedAt >= 0).count();
        log("%d of %d viewers identified in %.1f s", ready, viewers, now() / 1000);

        running = true;
        trafficStart = now();
        trafficEnd = trafficStart + minutes * 60_000.0;
        for (Slot slot : slots) {
            if (slot.current.identifiedAt >= 0) {
                scheduleSend(slot.current, random.nextDouble() * HEALTHY_MAX_MS);
            }
        }
        hostiles.add(new Hostile("hostile-a", rooms.get(0), 0));
        hostiles.add(new Hostile("hostile-b", new Room("soak-hostile"), hostileInputs.size() / 2));
        hostiles.forEach(Hostile::connect);
        every(2000, 4000, this::churn);
        every(1000, 1000, this::maybeSloth);
        after(5000 + random.nextDouble() * 10_000, this::startFlooder);
        sampler.start(trafficStart, minutes, sampled);

        loopUntil(trafficEnd, () -> false);

        running = false;
        draining = true;
        for (Peer p : live) {
            p.sending = false;
        }
        double drainStart = now();
        loopUntil(drainStart + 30_000, () -> now() - drainStart > 3000 && now() - lastFrameAt > 2000);
        finalizeAll();
        draining = false;
        sampler.join();
        drainSamples();

        log("closing every connection");
        closeAll();
        loopUntil(now() + 10_000, live::isEmpty);
        for (Peer p : new ArrayList<>(live)) {
            p.socket.drop(true, 1006, "not closed in time at the end");
        }
        Thread.sleep(3000);
        Sample after = sampler.take(-1, now() - trafficStart);
        printSample(after);
        return summary(baseline, after);
    }

    private void loopUntil(double deadline, BooleanSupplier done) throws IOException {
        double last = now();
        while (now() < deadline && !done.getAsBoolean()) {
            double next = timers.isEmpty() ? now() + 10 : timers.peek().at();
            long timeout = (long) Math.max(1, Math.min(10, next - now()));
            selector.select(timeout);
            for (SelectionKey key : selector.selectedKeys()) {
                double started = now();
                SoakSocket socket = (SoakSocket) key.attachment();
                long bytes = socket.bytesIn();
                try {
                    socket.ready();
                } catch (RuntimeException e) {
                    generatorError(e);
                }
                stalled(started, () -> "reading " + (socket.bytesIn() - bytes) + " bytes as " + socket.owner);
            }
            selector.selectedKeys().clear();
            double t = now();
            while (!timers.isEmpty() && timers.peek().at() <= t) {
                double started = now();
                Timer timer = timers.poll();
                try {
                    timer.task().run();
                } catch (RuntimeException e) {
                    generatorError(e);
                }
                stalled(started, () -> "a timer due at " + String.format(Locale.ROOT, "%.1f s", (timer.at() - trafficStart) / 1000));
            }
            pumpConnects();
            drainSamples();
            double after = now();
            maxStallMs = Math.max(maxStallMs, after - last);
            last = after;
        }
    }

    /** Notes a callback of the soak's own that held the selector thread for 50 ms or more. */
    private void stalled(double started, java.util.function.Supplier<String> what) {
        double took = now() - started;
        if (took >= 50) {
            tally.inc("generator_stalls");
            if (stalls.size() < 20 || took > stalls.get(stalls.size() - 1).took) {
                stalls.add(new Stall(took, String.format(Locale.ROOT, "%.0f ms at %.1f s %s", took,
                        (started - trafficStart) / 1000, what.get())));
                stalls.sort(Comparator.comparingDouble(Stall::took).reversed());
                if (stalls.size() > 20) {
                    stalls.remove(stalls.size() - 1);
                }
            }
        }
    }

    private record Stall(double took, String what) { }

    private void generatorError(RuntimeException e) {
        tally.inc("generator_errors");
        if (tally.get("generator_errors") <= 5) {
            System.err.println("soak: generator error");
            e.printStackTrace();
        }
    }

    // ---------------------------------------------------------------- timers

    private record Timer(double at, long seq, Runnable task) { }

    private void after(double millis, Runnable task) {
        timers.add(new Timer(now() + millis, timerSeq++, task));
    }

    /** Runs {@code task} while the traffic runs, every {@code min}–{@code max} ms. */
    private void every(double min, double max, Runnable task) {
        after(min + random.nextDouble() * (max - min), () -> {
            if (running) {
                task.run();
                every(min, max, task);
            }
        });
    }

    private double now() {
        return (System.nanoTime() - origin) / 1e6;
    }

    /** The send time a payload carries, in ms on this process's clock, to 0.01 ms. */
    private String stamp() {
        return String.format(Locale.ROOT, "%.2f", now());
    }

    // ---------------------------------------------------------------- connections

    private void enqueue(Peer peer) {
        peer.phase = Phase.QUEUED;
        peers.put(peer.id, peer);
        peer.room.add(peer);
        connectQueue.add(peer);
        if (peer.slot != null) {
            peer.slot.current = peer;
        }
    }

    private void pumpConnects() {
        while (connecting < MAX_CONNECTING && !connectQueue.isEmpty()) {
            Peer peer = connectQueue.poll();
            if (peer.phase != Phase.QUEUED) {
                continue;
            }
            peer.phase = Phase.CONNECTING;
            peer.connectingCounted = true;
            connecting++;
            live.add(peer);
            try {
                peer.socket = SoakSocket.connect(selector, host, port, peer.room.path(basePath), 0, peer);
                peer.socket.owner = peer;
            } catch (IOException e) {
                live.remove(peer);
                peer.phase = Phase.GONE;
                peer.doneConnecting();
                violation("connect_failures", peer + ": " + e);
                if (peer.slot != null && running) {
                    after(1000, () -> reconnect(peer.slot));
                } else if (peer.role == Role.FLOODER) {
                    activeFlooders--;
                } else if (peer.role == Role.HOSTILE) {
                    after(1000, peer.hostile::connect);
                }
            }
        }
    }

    private void reconnect(Slot slot) {
        if (!running) {
            return;
        }
        Peer next = new Peer(Role.VIEWER, slot.room, slot.name, slot, null);
        tally.inc("reconnects");
        enqueue(next);
    }

    private void closeAll() {
        for (Peer p : new ArrayList<>(live)) {
            p.checked = false;
            p.sending = false;
            if (p.socket == null) {
                live.remove(p);
                continue;
            }
            if (p.role == Role.SLOTH) {
                p.socket.resumeReading();
            }
            p.closingByUs = true;
            p.socket.close(1000, "soak over");
        }
        connectQueue.clear();
    }

    // ---------------------------------------------------------------- healthy traffic

    private void scheduleSend(Peer peer, double delay) {
        after(delay, () -> {
            if (peer.sending && peer.socket.isOpen()) {
                sendSomething(peer);
                scheduleSend(peer, HEALTHY_MIN_MS + random.nextDouble() * (HEALTHY_MAX_MS - HEALTHY_MIN_MS));
            }
        });
    }

    private void sendSomething(Peer s) {
        double r = random.nextDouble();
        if (r < 0.02) {
            s.listsPending.add(now());
            s.socket.sendText("{\"command\":\"list\"}");
            tally.inc("sent_lists");
            return;
        }
        if (r < 0.12) {
            List<Peer> mates = s.room.checkedViewers(s);
            if (!mates.isEmpty()) {
                sendDirect(s, mates.get(random.nextInt(mates.size())), "psst " + s.bSent + " to you" + CHAT_TAIL);
                return;
            }
        }
        long b = s.bSent++;
        String text;
        String extra = "";
        if (r < 0.30) {
            String[] actions = {"play", "pause", "seek"};
            String action = actions[random.nextInt(actions.length)];
            double at = Math.round(random.nextDouble() * 3_600_000) / 1000.0;
            text = action + " " + at;
            extra = ",\"action\":\"" + action + "\",\"at\":" + at;
        } else {
            text = "line " + b + " from " + s.name + CHAT_TAIL;
        }
        s.socket.sendText("{\"command\":\"broadcast\",\"message\":{\"k\":\"s\",\"v\":" + s.id + ",\"b\":" + b
                + extra + ",\"t\":" + stamp() + ",\"x\":" + quote(text) + ",\"h\":" + text.hashCode() + "}}");
        tally.inc("sent_broadcasts");
    }

    private void sendDirect(Peer s, Peer r, String text) {
        int d = s.dmSentTo.merge(r.id, 1, Integer::sum) - 1;
        s.socket.sendText("{\"command\":\"message\",\"to\":" + quote(r.name) + ",\"message\":{\"k\":\"m\",\"v\":" + s.id
                + ",\"r\":" + r.id + ",\"d\":" + d + ",\"b\":" + s.bSent + ",\"t\":" + stamp() + ",\"x\":" + quote(text)
                + ",\"h\":" + text.hashCode() + "}}");
        tally.inc(text == history ? "sent_histories" : "sent_direct");
    }

    /** A 2013 page sends every newcomer the party's history: here the room's longest-present viewer does. */
    private void sendHistory(Peer newcomer) {
        if (history.isEmpty() || !newcomer.checked) {
            return;
        }
        Peer host = null;
        for (Peer p : newcomer.room.checkedViewers(newcomer)) {
            if (p.sending && (host == null || p.identifiedAt < host.identifiedAt)) {
                host = p;
            }
        }
        if (host != null && host.socket.isOpen()) {
            sendDirect(host, newcomer, history);
        }
    }

    // ---------------------------------------------------------------- churn

    private enum Drop { CLEAN, FIN, RESET }

    private void churn() {
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            Slot slot = slots.get(random.nextInt(slots.size()));
            Peer p = slot.current;
            if (p == null || p.role != Role.VIEWER || !p.sending || now() - p.identifiedAt < 3000) {
                continue;
            }
            Drop how = Drop.values()[random.nextInt(3)];
            stop(p, how != Drop.RESET);
            tally.inc("churn_" + how.name().toLowerCase(Locale.ROOT));
            dropWhenFlushed(p, how);
            double delay = random.nextDouble() < 0.2 ? 0 : 200 + random.nextDouble() * 2800;
            after(delay, () -> reconnect(slot));
        }
    }

    /** {@code p} sends nothing more and is no longer checked; its last frames are what it has sent. */
    private void stop(Peer p, boolean tailExact) {
        p.checked = false;
        p.sending = false;
        p.stoppedAt = now();
        p.endB = p.bSent;
        p.tailExact = tailExact;
        p.streams = null;
    }

    private void dropWhenFlushed(Peer p, Drop how) {
        if (p.socket.isClosed()) {
            return;
        }
        if (how != Drop.RESET && p.socket.pendingOut() > 0) {
            after(20, () -> dropWhenFlushed(p, how));
            return;
        }
        p.closingByUs = true;
        switch (how) {
            case CLEAN -> {
                p.socket.close(1000, "bye");
                after(5000, () -> {
                    if (!p.socket.isClosed()) {
                        violation("close_not_answered", p + " sent a close frame 5 s ago and got no answer");
                        p.socket.drop(true, 1006, "no close answer");
                    }
                });
            }
            case FIN -> p.socket.drop(false, 1006, "dropped without a close frame");
            case RESET -> p.socket.drop(true, 1006, "reset");
        }
    }

    // ---------------------------------------------------------------- sloths

    private void maybeSloth() {
        int target = Math.max(1, viewers / 100);
        if (activeSloths >= target || now() - lastSlothAt < slothEveryMs || random.nextDouble() > 0.3) {
            return;
        }
        lastSlothAt = now();
        List<Peer> eligible = new ArrayList<>();
        for (Slot slot : slots) {
            Peer p = slot.current;
            if (p != null && p.role == Role.VIEWER && p.sending && now() - p.identifiedAt > 5000) {
                eligible.add(p);
            }
        }
        if (eligible.isEmpty()) {
            return;
        }
        Peer p = eligible.get(random.nextInt(eligible.size()));
        stop(p, true);
        p.role = Role.SLOTH;
        p.sloth = Sloth.values()[slothsMade++ % Sloth.values().length];
        p.slothAt = now();
        activeSloths++;
        tally.inc("sloths_" + p.sloth.name().toLowerCase(Locale.ROOT));
        // Its receive buffer is left as it is: the kernel grows it only while it is read, and a buffer
        // made small stays slow even when made large again (Linux keeps the window clamped), which
        // would make reading the rest afterwards take minutes.
        p.socket.stopReading();
        log("%.1fs %s stops reading (%s, local port %d)", (now() - trafficStart) / 1000, p,
                p.sloth.name().toLowerCase(Locale.ROOT), p.socket.localPort());
        if (p.sloth != Sloth.SILENT) {
            feed(p, p);
        }
        if (p.sloth == Sloth.FED) {
            Peer feeder = new Peer(Role.FEEDER, p.room, "feeder-" + feedersMade++, null, null);
            feeder.fed = p;
            enqueue(feeder);
        }
        after(slothDeadlineMs, () -> {
            if (p.firstQuitSeenAt < 0 && !p.autopsy) {
                violation("sloth_not_closed", p + " (" + p.sloth.name().toLowerCase(Locale.ROOT) + ") stopped reading "
                        + (int) (slothDeadlineMs / 1000)
                        + " s ago and nobody in its room has heard its quit");
                autopsy(p);
            }
        });
    }

    /**
     * {@code from} sends {@code sloth} 15 direct messages of 256 KiB at once (3.75 MiB, within
     * the byte burst of 4 MiB), then one a second (the byte rate) for 12 s or until the sloth's
     * quit is heard.
     */
    private void feed(Peer from, Peer sloth) {
        byte[] message = ("{\"command\":\"message\",\"to\":" + quote(sloth.name) + ",\"message\":{\"k\":\"x\",\"pad\":\""
                + "z".repeat(256 * 1024 - 100) + "\"}}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 15; i++) {
            from.socket.sendTextBytes(message);
        }
        tally.add("sent_sloth_feed", 15);
        for (int i = 1; i <= 12; i++) {
            after(i * 1000, () -> {
                if (running && from.socket.isOpen() && sloth.firstQuitSeenAt < 0) {
                    from.socket.sendTextBytes(message);
                    tally.inc("sent_sloth_feed");
                }
            });
        }
        if (from != sloth) {
            after(13_000, () -> {
                if (from.socket.isOpen()) {
                    from.closingByUs = true;
                    from.socket.close(1000, "fed");
                }
            });
        }
    }

    /** The sloth reads again, to see how the server ended its connection. */
    private void autopsy(Peer p) {
        if (p.autopsy || p.socket.isClosed()) {
            return;
        }
        p.autopsy = true;
        long bytesBefore = p.socket.bytesIn();
        log("%.1fs %s reads again (its quit %s)", (now() - trafficStart) / 1000, p,
                p.firstQuitSeenAt < 0 ? "never heard" : String.format(Locale.ROOT, "heard %.1f s after it stopped reading",
                        (p.firstQuitSeenAt - p.slothAt) / 1000));
        // What the server's kernel still holds for it (megabytes: Linux grows a socket's send buffer
        // up to tcp_wmem's maximum) must get through before the close frame or the FIN can.
        p.socket.resumeReading();
        awaitServerClose(p, bytesBefore, now(), p.socket.bytesIn(), now());
    }

    /** Checks every 5 s that the sloth's connection has ended, or still brings data; 30 s without either fails. */
    private void awaitServerClose(Peer p, long bytesAtStart, double startedAt, long bytesSeen, double lastProgress) {
        after(5000, () -> {
            if (p.socket.isClosed()) {
                return;
            }
            long bytes = p.socket.bytesIn();
            double progress = bytes > bytesSeen ? now() : lastProgress;
            if (now() - progress < 30_000 && now() - startedAt < 300_000) {
                awaitServerClose(p, bytesAtStart, startedAt, bytes, progress);
                return;
            }
            violation("sloth_socket_not_closed", p + " (" + p.sloth.name().toLowerCase(Locale.ROOT) + ", local port "
                    + p.socket.localPort() + ") reads again since " + (int) ((now() - startedAt) / 1000) + " s; the server has sent "
                    + (bytes - bytesAtStart) + " bytes, nothing for " + (int) ((now() - progress) / 1000)
                    + " s, and not closed the connection");
            p.closingByUs = true;
            p.socket.drop(true, 1006, "never closed by the server");
        });
    }

    // ---------------------------------------------------------------- flooders

    private void startFlooder() {
        if (!running) {
            return;
        }
        if (activeFlooders < 2) {
            activeFlooders++;
            Room room = rooms.get(random.nextInt(rooms.size()));
            Peer f = new Peer(Role.FLOODER, room, "flooder-" + floodersMade++, null, null);
            enqueue(f);
        }
        after(20_000 + random.nextDouble() * 20_000, this::startFlooder);
    }

    private void flood(Peer f) {
        if (!f.socket.isOpen()) {
            return;
        }
        if (!running) {
            f.closingByUs = true;
            f.socket.close(1000, "soak over");
            return;
        }
        if (now() - f.stoppedAt > 30_000) {
            violation("flooder_not_closed", f + " has sent " + f.floodSent + " broadcasts at 1,000/s for 30 s and is still open");
            f.closingByUs = true;
            f.socket.drop(true, 1006, "flooder not closed");
            return;
        }
        for (int i = 0; i < 10; i++) {
            f.socket.sendText("{\"command\":\"broadcast\",\"message\":{\"k\":\"f\",\"i\":" + f.floodSent++ + "}}");
        }
        tally.add("sent_flood", 10);
        after(10, () -> flood(f));
    }

    // ---------------------------------------------------------------- receiving

    private void received(Peer r, JsonObject event, String type, String text) {
        if (r.role == Role.HOSTILE) {
            if (type.equals("outcome") || type.equals("list")) {
                outcome(r, event, text);
            }
            return;
        }
        switch (type) {
            case "broadcast", "message" -> payload(r, event, type);
            case "quit" -> {
                if (r.checked && event.get("who") instanceof JsonString who) {
                    quit(r, who.getString());
                }
            }
            case "join" -> tally.inc("joins_seen");
            case "state" -> {
                // Room state (PROTOCOL.md §10): only the hostile clients write it (the corpus holds
                // state commands), and a newcomer of their room is sent what they left after its 300.
                if (r.checked && !(event.get("key") instanceof JsonString && event.get("version") instanceof JsonNumber)) {
                    violation("unparseable", r + " got a state frame without key or version: " + abbreviate(event.toString()));
                }
                tally.inc("state_frames_seen");
            }
            case "list" -> list(r, event);
            case "outcome" -> outcome(r, event, text);
            default -> {
                if (r.checked) {
                    violation("unparseable", r + " got an event of unknown type: " + abbreviate(text));
                }
            }
        }
    }

    private void payload(Peer r, JsonObject event, String type) {
        JsonValue message = event.get("message");
        String from = event.get("from") instanceof JsonString f ? f.getString() : null;
        if (message instanceof JsonObject m && m.get("k") instanceof JsonString k
                && (k.getString().equals("s") || k.getString().equals("m")) && m.get("v") instanceof JsonNumber v) {
            if (!r.checked) {
                return;
            }
            Peer s = peers.get(v.intValue());
            if (s == null) {
                violation("unknown_sender", r + " got " + type + " from an unknown incarnation " + v);
                return;
            }
            if (!s.name.equals(from)) {
                violation("wrong_from", r + " got a " + type + " of " + s + " saying from " + from);
            }
            if (s.room != r.room) {
                violation("crossed_rooms", r + " got a " + type + " of " + s + " from another room");
            }
            String x = m.get("x") instanceof JsonString xs ? xs.getString() : null;
            if (x == null || !(m.get("h") instanceof JsonNumber h) || x.hashCode() != h.intValue()) {
                violation("corrupted", r + " got a " + type + " of " + s + " whose text does not match its hash");
            }
            if (m.get("t") instanceof JsonNumber t) {
                double latency = now() - t.doubleValue();
                latencyMinute.add(latency);
                latencyAll.add(latency);
                if (latency > worstLatency) {
                    worstLatency = latency;
                    worstLatencyDetail = String.format(Locale.ROOT, "%.1f ms at %.1f s: %s of %s to %s", latency,
                            (now() - trafficStart) / 1000, type, s, r);
                }
            }
            if (k.getString().equals("s") && type.equals("broadcast")) {
                broadcastSeen(r, s, m.getJsonNumber("b").longValue());
            } else if (k.getString().equals("m") && type.equals("message")) {
                directSeen(r, s, m);
            } else {
                violation("corrupted", r + " got a soak payload of kind " + k.getString() + " as a " + type);
            }
            tally.inc("delivered_healthy");
            return;
        }
        if (message instanceof JsonObject m && m.get("k") instanceof JsonString k
                && (k.getString().equals("f") || k.getString().equals("x"))) {
            tally.inc(k.getString().equals("f") ? "delivered_flood" : "delivered_sloth_feed");
            return;
        }
        tally.inc("delivered_foreign");
        if (r.checked && !r.room.relayed.isEmpty()) {
            for (Relayed expected : r.room.relayed) {
                if (expected.type.equals(type) && expected.value.equals(message)) {
                    tally.inc("relayed_intact");
                    return;
                }
            }
            Relayed last = r.room.relayed.peekLast();
            tally.inc("relay_mismatches");
            if (relayMismatches.size() < 20) {
                relayMismatches.add(r + " got " + type + " from " + from + ": " + abbreviate(String.valueOf(message))
                        + "; the hostile client had sent (" + last.input + "): " + abbreviate(String.valueOf(last.value)));
            }
        }
    }

    private void broadcastSeen(Peer r, Peer s, long b) {
        Seen st = r.streams.computeIfAbsent(s.id, id -> new Seen());
        if (st.last < 0) {
            long floor = r.floor(s);
            if (r.identifiedAt >= 0 && b > floor) {
                lost(r, s, b - floor, "its first broadcast here was #" + b + ", expected from #" + floor);
            }
            st.last = b;
        } else if (b == st.last + 1) {
            st.last = b;
        } else if (b <= st.last) {
            violation(b == st.last ? "duplicates" : "order_violations",
                    r + " got broadcast #" + b + " of " + s + " after #" + st.last);
        } else {
            lost(r, s, b - st.last - 1, "broadcast #" + b + " came after #" + st.last);
            st.last = b;
        }
    }

    private void directSeen(Peer r, Peer s, JsonObject m) {
        if (m.getInt("r") != r.id) {
            violation("misdelivered", r + " got a direct message of " + s + " meant for incarnation " + m.getInt("r"));
            return;
        }
        Seen st = r.streams.computeIfAbsent(s.id, id -> new Seen());
        int d = m.getInt("d");
        if (d == st.dmLast + 1) {
            st.dmLast = d;
        } else if (d <= st.dmLast) {
            violation(d == st.dmLast ? "duplicates" : "order_violations",
                    r + " got direct message #" + d + " of " + s + " after #" + st.dmLast);
        } else {
            lost(r, s, d - st.dmLast - 1, "direct message #" + d + " came after #" + st.dmLast);
            st.dmLast = d;
        }
        long before = m.getJsonNumber("b").longValue() - 1;
        if (r.identifiedAt >= 0 && before >= r.floor(s) && st.last < before) {
            violation("order_violations", r + " got direct message #" + d + " of " + s + " (sent after its broadcast #"
                    + before + ") having seen its broadcasts only up to #" + st.last);
        }
    }

    private void lost(Peer r, Peer s, long count, String detail) {
        tally.add("lost", count);
        note("lost", r + " lost " + count + " frame(s) of " + s + ": " + detail);
    }

    /** {@code r} heard that {@code who} left its room. */
    private void quit(Peer r, String who) {
        List<Peer> named = r.room.byName.get(who);
        if (named == null) {
            tally.inc("quits_other");
            return;
        }
        // The quits of one name come in the order its holders left, and a receiver misses those of
        // holders that left before it came: the newest holder that has stopped is the one leaving.
        Peer s = null;
        for (int i = named.size() - 1; i >= 0 && s == null; i--) {
            Peer p = named.get(i);
            if (p != r && p.identifiedAt >= 0 && p.stoppedAt >= 0 && !r.quitsSeen.contains(p.id)) {
                s = p;
            }
        }
        if (s == null) {
            for (Peer p : named) {
                if (p != r && p.role == Role.VIEWER && p.checked && p.phase == Phase.IDENTIFIED) {
                    violation("unexpected_quits", r + " heard quit of " + who + " while " + p + " holds that name, connected");
                    return;
                }
            }
            tally.inc("quits_other");
            return;
        }
        r.quitsSeen.add(s.id);
        tally.inc("quits_seen");
        if (s.firstQuitSeenAt < 0) {
            s.firstQuitSeenAt = now();
            if (s.role == Role.SLOTH) {
                slothQuitMaxMs = Math.max(slothQuitMaxMs, now() - s.slothAt);
                Peer sloth = s;
                after(500, () -> autopsy(sloth));
            }
        }
        if (r.checked && r.identifiedAt >= 0) {
            settle(r, s);
        }
    }

    /** Everything {@code s} sent that {@code r} had to get: has it? */
    private void settle(Peer r, Peer s) {
        Seen st = r.streams.remove(s.id);
        if (s.endB < 0 || !s.tailExact) {
            return;
        }
        long floor = r.floor(s);
        long have = Math.max(st == null ? -1 : st.last, floor - 1);
        if (s.endB - 1 > have) {
            lost(r, s, s.endB - 1 - have, "its broadcasts up to #" + (s.endB - 1) + " were due, got up to #" + have);
        }
        int dmDue = s.dmSentTo.getOrDefault(r.id, 0);
        int dmHave = st == null ? -1 : st.dmLast;
        if (dmDue - 1 > dmHave) {
            lost(r, s, dmDue - 1 - dmHave, "its direct messages up to #" + (dmDue - 1) + " were due, got up to #" + dmHave);
        }
    }

    /** The traffic has drained: settle every pair still open, and look for quits that never came. */
    private void finalizeAll() {
        for (Peer s : peers.values()) {
            if (s.sending || (s.role == Role.VIEWER && s.checked)) {
                s.endB = s.bSent;
            }
        }
        double end = now();
        for (Peer r : peers.values()) {
            if (!r.checked || r.identifiedAt < 0 || r.socket == null || !r.socket.isOpen()) {
                continue;
            }
            for (Peer s : r.room.peers) {
                if (s == r || r.quitsSeen.contains(s.id) || s.identifiedAt < 0) {
                    continue;
                }
                if (s.stoppedAt >= 0 && r.identifiedAt < s.stoppedAt) {
                    boolean over = s.role == Role.SLOTH ? s.firstQuitSeenAt >= 0 && end - s.firstQuitSeenAt > 5000
                            : s.goneAt >= 0 && end - s.goneAt > 5000;
                    if (over) {
                        violation("missing_quits", r + " never heard quit of " + s + " (gone "
                                + (int) ((end - Math.max(s.goneAt, s.firstQuitSeenAt)) / 1000) + " s ago)");
                    }
                }
                if (s.role == Role.VIEWER || s.role == Role.SLOTH) {
                    settle(r, s);
                }
            }
        }
    }

    private void list(Peer r, JsonObject event) {
        Double sentAt = r.listsPending.poll();
        if (sentAt == null || !r.checked) {
            return;
        }
        Set<String> names = new HashSet<>();
        if (event.get("names") instanceof JsonArray array) {
            for (JsonValue v : array) {
                if (v instanceof JsonString s) {
                    names.add(s.getString());
                }
            }
        }
        if (!names.contains(r.name)) {
            violation("list_missing", r + " asked for the list and its own name is not in it: " + names);
        }
        for (Peer p : r.room.checkedViewers(r)) {
            if (p.identifiedAt >= 0 && p.identifiedAt < sentAt - 1000 && !names.contains(p.name)) {
                violation("list_missing", r + " asked for the list and " + p + " (identified "
                        + (int) (sentAt - p.identifiedAt) + " ms before) is not in it");
            }
        }
    }

    private void outcome(Peer r, JsonObject event, String text) {
        int code = event.get("code") instanceof JsonNumber n ? n.intValue() : -1;
        switch (r.role) {
            case FLOODER -> {
                if (code == 429) {
                    r.got429++;
                    tally.inc("flood_429s");
                } else {
                    tally.inc("flood_outcome_" + code);
                }
            }
            case HOSTILE -> r.hostile.response(event.getString("type").equals("list") ? "list"
                    : "outcome " + code + " " + (event.get("message") instanceof JsonString m ? m.getString() : ""));
            case SLOTH -> { }
            case FEEDER -> tally.inc("feeder_outcome_" + code);
            case VIEWER -> {
                if (r.checked) {
                    violation("unexpected_outcomes", r + " got " + abbreviate(text));
                }
            }
        }
    }

    private String bigText;
    private JsonValue bigValue;

    /**
     * Parses an event. A large one (a hostile client's 1 MiB broadcast) reaches a whole room, as
     * equal texts one after another: it is parsed once, not by every receiver.
     */
    private JsonValue parse(String text) {
        if (text.length() < 16 * 1024) {
            return JSON.createReader(new StringReader(text)).readValue();
        }
        if (!text.equals(bigText)) {
            bigValue = JSON.createReader(new StringReader(text)).readValue();
            bigText = text;
        }
        return bigValue;
    }

    // ---------------------------------------------------------------- the actors

    private enum Role { VIEWER, SLOTH, FEEDER, FLOODER, HOSTILE }

    /**
     * How a sloth stops reading: silent (only the room's chat piles up: the ping timeout must end
     * it), sending itself 256 KiB direct messages (which pile up too), or sent them by a
     * room-mate as well (a "feeder", as a 2013 page sends a newcomer the party's history), which
     * fills the kernel's buffers and then the outbox at once: 1013.
     */
    private enum Sloth { SILENT, SELF_FED, FED }

    private enum Phase { QUEUED, CONNECTING, INIT, IDENTIFYING, IDENTIFIED, GONE }

    /** What a receiver has had from one sender incarnation. */
    private static final class Seen {
        long last = -1;
        int dmLast = -1;
    }

    private record Relayed(String input, String type, JsonValue value) { }

    private final class Room {
        final String name;
        final List<Peer> peers = new ArrayList<>();
        final Map<String, List<Peer>> byName = new HashMap<>();
        /** Payloads hostile clients sent lately to be relayed in this room. */
        final ArrayDeque<Relayed> relayed = new ArrayDeque<>();

        Room(String name) {
            this.name = name;
        }

        String path(String base) {
            return base + "/" + name;
        }

        void add(Peer p) {
            if (p.role != Role.HOSTILE) {
                peers.add(p);
                byName.computeIfAbsent(p.name, n -> new ArrayList<>()).add(p);
            }
        }

        List<Peer> checkedViewers(Peer except) {
            List<Peer> mates = new ArrayList<>();
            for (Peer p : peers) {
                if (p != except && p.role == Role.VIEWER && p.checked && p.phase == Phase.IDENTIFIED) {
                    mates.add(p);
                }
            }
            return mates;
        }

        void expect(String input, String type, JsonValue value) {
            relayed.add(new Relayed(input, type, value));
            while (relayed.size() > 4) {
                relayed.poll();
            }
        }
    }

    private static final class Slot {
        final Room room;
        final String name;
        Peer current;

        Slot(Room room, String name) {
            this.room = room;
            this.name = name;
        }
    }

    /** One connection (an "incarnation"): a viewer, a sloth (a viewer that stopped reading), a flooder or a hostile client. */
    private final class Peer implements SoakSocket.Listener {
        final int id = ++peerIds;
        Role role;
        final Room room;
        final String name;
        final Slot slot;
        final Hostile hostile;
        SoakSocket socket;
        Phase phase = Phase.QUEUED;
        boolean connectingCounted;
        double identifiedAt = -1;
        /** When it stopped sending healthy traffic (dropped, turned sloth, started flooding), -1 while it sends. */
        double stoppedAt = -1;
        double goneAt = -1;
        double firstQuitSeenAt = -1;
        /** A healthy receiver: everything it gets is checked. */
        boolean checked;
        boolean sending;
        boolean closingByUs;
        long bSent;
        long endB = -1;
        boolean tailExact = true;
        final Map<Integer, Integer> dmSentTo = new HashMap<>();
        Map<Integer, Seen> streams = new HashMap<>();
        Map<Integer, Long> floors;
        final Set<Integer> quitsSeen = new HashSet<>();
        final ArrayDeque<Double> listsPending = new ArrayDeque<>();
        int identifyAttempts;
        double firstIdentifyAt;
        Sloth sloth;
        /** A feeder's sloth. */
        Peer fed;
        double slothAt;
        boolean autopsy;
        int got429;
        long floodSent;

        Peer(Role role, Room room, String name, Slot slot, Hostile hostile) {
            this.role = role;
            this.room = room;
            this.name = name;
            this.slot = slot;
            this.hostile = hostile;
            this.checked = role == Role.VIEWER;
        }

        long floor(Peer sender) {
            return floors == null ? 0 : floors.getOrDefault(sender.id, 0L);
        }

        void doneConnecting() {
            if (connectingCounted) {
                connectingCounted = false;
                connecting--;
            }
        }

        @Override
        public void opened(SoakSocket s) {
            phase = Phase.INIT;
        }

        @Override
        public void text(SoakSocket s, String text, int bytes) {
            tally.inc("frames_received");
            tally.add("bytes_received", bytes);
            lastFrameAt = now();
            JsonObject event;
            try {
                JsonValue value = parse(text);
                if (!(value instanceof JsonObject o) || !(o.get("type") instanceof JsonString)) {
                    violation("unparseable", this + " got a frame that is not an event: " + abbreviate(text));
                    return;
                }
                event = o;
            } catch (RuntimeException e) { // JsonException, and Parsson's RuntimeException past 1,000 levels
                violation("unparseable", this + " got a frame that is not JSON (" + e.getMessage() + "): " + abbreviate(text));
                return;
            }
            String type = event.getString("type");
            if (phase == Phase.INIT) {
                if (!type.equals("init")) {
                    violation("no_init", this + " got " + abbreviate(text) + " before init");
                }
                phase = Phase.IDENTIFYING;
                firstIdentifyAt = now();
                identify();
                return;
            }
            if (phase == Phase.IDENTIFYING && type.equals("outcome")) {
                int code = event.get("code") instanceof JsonNumber n ? n.intValue() : -1;
                if (code == 300) {
                    identified();
                } else if (code == 305 && now() - firstIdentifyAt < 10_000) {
                    tally.inc("identify_305_retries");
                    after(250, () -> {
                        if (phase == Phase.IDENTIFYING && socket.isOpen()) {
                            identify();
                        }
                    });
                } else {
                    violation(code == 305 ? "names_not_released" : "identify_refused",
                            this + " identifying as " + name + " got " + abbreviate(text)
                                    + (code == 305 ? " for 10 s" : ""));
                    doneConnecting();
                    closingByUs = true;
                    checked = false;
                    socket.close(1000, "giving up");
                    if (slot != null) {
                        after(2000, () -> reconnect(slot));
                    } else if (role == Role.HOSTILE) {
                        after(2000, hostile::connect);
                    }
                }
                return;
            }
            received(this, event, type, text);
        }

        private void identify() {
            identifyAttempts++;
            String as = role == Role.HOSTILE ? hostile.name : name;
            socket.sendText("{\"command\":\"identify\",\"name\":" + quote(as) + "}");
        }

        private void identified() {
            phase = Phase.IDENTIFIED;
            identifiedAt = now();
            doneConnecting();
            switch (role) {
                case VIEWER -> {
                    floors = new HashMap<>();
                    for (Peer p : room.peers) {
                        floors.put(p.id, p.bSent);
                    }
                    if (running) {
                        sending = true;
                        scheduleSend(this, random.nextDouble() * HEALTHY_MAX_MS);
                        after(100, () -> sendHistory(this));
                    } else if (!draining) {
                        sending = true; // the ramp: sending starts with the traffic
                    }
                }
                case FLOODER -> {
                    stoppedAt = now();
                    flood(this);
                }
                case FEEDER -> {
                    stoppedAt = now();
                    if (fed.firstQuitSeenAt < 0 && fed.phase != Phase.GONE) {
                        feed(this, fed);
                    } else {
                        closingByUs = true;
                        socket.close(1000, "too late");
                    }
                }
                case HOSTILE -> hostile.identified(this);
                case SLOTH -> { }
            }
        }

        @Override
        public void protocolError(SoakSocket s, String what) {
            violation(what.startsWith("handshake") ? "handshake_failures" : "protocol_errors", this + ": " + what);
        }

        @Override
        public void closed(SoakSocket s, int code, String reason, boolean byServer) {
            doneConnecting();
            live.remove(this);
            phase = Phase.GONE;
            goneAt = now();
            String how = code + (reason.isEmpty() ? "" : " " + reason);
            switch (role) {
                case VIEWER -> {
                    if (!closingByUs) {
                        boolean wasChecked = checked;
                        if (stoppedAt < 0) {
                            stop(this, false);
                        }
                        if (wasChecked || running) {
                            violation("healthy_closed", this + " was closed by the server: " + how
                                    + (identifiedAt >= 0 ? ", " + (int) (now() - identifiedAt) + " ms after its 300" : ", before its 300"));
                        }
                        if (running && slot != null && slot.current == this) {
                            after(1000, () -> reconnect(slot));
                        }
                    } else if (code != 1000 && code != 1006) {
                        tally.inc("clean_close_answered_" + code);
                    }
                }
                case SLOTH -> {
                    slothCloses.inc(sloth.name().toLowerCase(Locale.ROOT) + ": " + (closingByUs ? "closed by the soak" : how));
                    log("%.1fs %s closed: %s", (now() - trafficStart) / 1000, this, closingByUs ? "by the soak" : how);
                    activeSloths--;
                    if (running && slot != null && slot.current == this) {
                        after(500 + random.nextDouble() * 2500, () -> reconnect(slot));
                    }
                }
                case FLOODER -> {
                    activeFlooders--;
                    if (closingByUs) {
                        flooderCloses.inc("closed by the soak");
                        break;
                    }
                    flooderCloses.inc(how);
                    if (code == 1008 && reason.equals("flooding")) {
                        flooderCloseMaxMs = Math.max(flooderCloseMaxMs, now() - stoppedAt);
                    } else {
                        violation("flooder_wrong_close", this + " was closed " + how + " after sending "
                                + floodSent + " broadcasts");
                    }
                    if (got429 == 0) {
                        violation("flooder_no_429", this + " got no 429 before its close " + how);
                    }
                }
                case FEEDER -> {
                    if (!closingByUs) {
                        violation("feeder_closed", this + " was closed by the server: " + how);
                    }
                }
                case HOSTILE -> hostile.closed(this, code, reason, byServer);
            }
        }

        @Override
        public String toString() {
            return role.name().toLowerCase(Locale.ROOT) + " " + name + "#" + id + "@" + room.name;
        }
    }

    // ---------------------------------------------------------------- hostile clients

    /** A client that sends one hostile input every 1.5 s and reconnects when the server closes it for one. */
    private final class Hostile {
        final String name;
        final Room room;
        int next;
        Peer peer;
        HostileInput current;
        String response;
        /** Each connection has its own chain of sends; a chain whose connection is gone stops. */
        int generation;

        Hostile(String name, Room room, int start) {
            this.name = name;
            this.room = room;
            this.next = start;
        }

        void connect() {
            if (!running) {
                return;
            }
            generation++;
            peer = new Peer(Role.HOSTILE, room, name, null, this);
            enqueue(peer);
        }

        void identified(Peer p) {
            int chain = generation;
            after(200, () -> sendNext(chain));
        }

        void sendNext(int chain) {
            if (!running || chain != generation || peer.phase != Phase.IDENTIFIED || !peer.socket.isOpen()) {
                return;
            }
            record();
            HostileInput input = hostileInputs.get(next++ % hostileInputs.size());
            current = input;
            response = null;
            String mate = room.checkedViewers(null).stream().findAny().map(p -> p.name).orElse("nobody");
            input.send(peer.socket, mate, name, (type, value) -> room.expect(input.name(), type, value));
            tally.inc("sent_hostile");
            after(1500, () -> sendNext(chain));
        }

        void response(String what) {
            if (current != null && response == null) {
                response = what;
            }
        }

        void record() {
            if (current == null) {
                return;
            }
            String what = response == null ? "none" : response;
            hostileResponses.putIfAbsent(current.name(), abbreviate(what));
            hostileResponseKinds.inc(kind(what));
            current = null;
        }

        void closed(Peer p, int code, String reason, boolean byServer) {
            if (!running || p.closingByUs) {
                return;
            }
            String how = "close " + code + (reason.isEmpty() ? "" : " " + reason);
            hostileCloses.inc(code + (reason.isEmpty() ? "" : " " + reason));
            if (current != null) {
                response(how);
                if (!current.mayClose()) {
                    violation("hostile_unexpected_closes", "the hostile client " + p + " was closed " + how
                            + " after sending " + current.name() + ", a frame that should not close it");
                }
                record();
            } else {
                violation("hostile_unexpected_closes", "the hostile client " + p + " was closed " + how + " between frames");
            }
            tally.inc("hostile_reconnects");
            after(500, this::connect);
        }

        private String kind(String what) {
            Matcher m = Pattern.compile("^(outcome \\d+|close \\d+)").matcher(what);
            return m.find() ? m.group(1) : what;
        }
    }

    // ---------------------------------------------------------------- sampling

    private void drainSamples() {
        Sample s;
        while ((s = sampled.poll()) != null) {
            samples.add(s);
            printSample(s);
            latencyByMinute.add("minute " + s.minute + " " + latencyMinute.summary());
            log("%-11s latency of healthy traffic %s", "", latencyMinute.summary());
            latencyMinute = new Histogram();
        }
    }

    private void printSample(Sample s) {
        String when = s.minute < 0 ? "after close" : s.minute == 0 ? "baseline" : String.format(Locale.ROOT, "minute %d", s.minute);
        log("%-11s heap %7.1f MiB  threads %3d (%3d pool)  rss %6.1f MiB  fds %5d  cpu %6.1f s  warnings %d  status %s | "
                        + "delivered %d  lost %d  order %d  healthy-closed %d  churn %d  sloths %s  flooders %s  hostile %d",
                when, s.heapKib / 1024.0, s.threads, s.poolThreads, s.rssKib / 1024.0, s.fds, s.cpuSeconds, s.warnings,
                s.status == null ? "-" : s.status.getOrDefault("connections", "?") + " conns/" + s.status.getOrDefault("identified", "?") + " ids",
                tally.get("delivered_healthy"), tally.get("lost"), tally.get("order_violations"), tally.get("healthy_closed"),
                tally.get("churn_clean") + tally.get("churn_fin") + tally.get("churn_reset"),
                slothCloses.compact(), flooderCloses.compact(), tally.get("sent_hostile"));
    }

    /** One look at the server. */
    /**
     * One look at the server. {@code poolThreads}: the connector's request threads
     * ({@code http-nio-PORT-exec-N}), which Tomcat starts for bursts of work and ends after 60 s
     * idle; {@code threads - poolThreads} are all the others (the JVM's, Tomcat's, WSChat's).
     */
    private record Sample(int minute, double atSeconds, long heapKib, long rssKib, int threads, int poolThreads,
            long fds, double cpuSeconds, int warnings, Map<String, String> status) {

        int otherThreads() {
            return threads - poolThreads;
        }
    }

    /**
     * Takes the samples on its own thread (jcmd takes a second or two), so that the selector
     * thread keeps serving the connections meanwhile.
     */
    private static final class Sampler {
        private final long pid;
        private final List<Path> logs;
        private final String statusUrl;
        private final long[] offsets;
        private final int histogramLines;
        private final List<String> warningLines = new ArrayList<>();
        private final Tally infoCloses = new Tally();
        private int warningsTotal;
        private int resetFlushWarnings;
        private Thread thread;

        Sampler(long pid, List<Path> logs, String statusUrl, int histogramLines) {
            this.pid = pid;
            this.histogramLines = histogramLines;
            this.logs = logs;
            this.statusUrl = statusUrl;
            this.offsets = new long[logs.size()];
            for (int i = 0; i < logs.size(); i++) {
                try {
                    offsets[i] = Files.size(logs.get(i));
                } catch (IOException e) {
                    offsets[i] = 0;
                }
            }
        }

        void start(double trafficStartMillis, int minutes, ConcurrentLinkedQueue<Sample> out) {
            long startNanos = System.nanoTime();
            thread = new Thread(() -> {
                for (int m = 1; m <= minutes; m++) {
                    long due = startNanos + m * 60_000_000_000L;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        try {
                            Thread.sleep(Math.max(1, wait / 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    out.add(take(m, m * 60.0));
                }
            }, "soak-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void join() throws InterruptedException {
            if (thread != null) {
                thread.join(120_000);
            }
        }

        Sample take(int minute, double atSeconds) {
            long rss = 0;
            long heap = 0;
            int threads = threads(); // before the collections: their pause makes work pile up, and the pool grow
            int pool = poolThreads();
            try {
                for (int i = 0; i < 2; i++) {
                    jcmd("GC.run");
                }
                Thread.sleep(1000);
                rss = procStatus("VmRSS:");
                heap = liveHeapKib(jcmd("GC.heap_info"));
                if (histogramLines > 0) {
                    List<String> lines = jcmd("GC.class_histogram").lines().filter(l -> l.matches("\\s*\\d+:\\s+\\d+\\s+\\d+\\s.*")).toList();
                    StringBuilder top = new StringBuilder("soak: heap at " + (minute < 0 ? "the end" : "minute " + minute)
                            + ", largest classes (instances, bytes, class):");
                    lines.stream().limit(histogramLines).forEach(l -> top.append("\n      ").append(l.trim()));
                    System.out.println(top);
                }
            } catch (Exception e) {
                System.err.println("soak: cannot sample the heap of " + pid + ": " + e);
            }
            return new Sample(minute, atSeconds, heap, rss, threads, pool, fds(), cpuSeconds(), scanLogs(), status());
        }

        private int threads() {
            return (int) procStatus("Threads:");
        }

        /** Threads named like the connector's workers, {@code http-nio-8080-exec-12} (the kernel keeps 15 characters). */
        private int poolThreads() {
            int pool = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String comm = Files.readString(task.resolve("comm")).trim();
                        if (comm.matches("https?-[a-z0-9]+-\\d+-e.*")) {
                            pool++;
                        }
                    } catch (IOException ended) {
                        // that thread just ended
                    }
                }
            } catch (IOException e) {
                return -1;
            }
            return pool;
        }

        /** A number from /proc/PID/status, -1 if the process is gone. */
        private long procStatus(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith(field)) {
                        return Long.parseLong(line.substring(field.length()).replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // gone
            }
            return -1;
        }

        private String jcmd(String command) throws IOException, InterruptedException {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            return output;
        }

        /**
         * The heap in use, as {@code GC.heap_info} prints it right after the full collections:
         * the sum of "used" over every space ("garbage-first heap", or "def new generation" and
         * "tenured generation"), as {@link LoadGenerator}'s idle mode reads it.
         */
        static long liveHeapKib(String heapInfo) {
            Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(heapInfo);
            long kib = 0;
            while (used.find()) {
                kib += Long.parseLong(used.group(1));
            }
            return kib;
        }

        private long fds() {
            try (Stream<Path> fd = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                return fd.count();
            } catch (IOException e) {
                return -1;
            }
        }

        private double cpuSeconds() {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime in ticks
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        private static final Pattern LEVEL = Pattern.compile("^\\S+ \\S+ (WARNING|SEVERE) ");
        private static final Pattern SERVER_CLOSE = Pattern.compile(" INFO .* closed (\\d{4}): (.*)$");
        /**
         * Tomcat's own warning when a batched write meets a connection the client has reset: it
         * closes the session and, flushing the batch on close, fails again and logs it (at WARNING,
         * with a stack trace) — provoked by the soak's resets, counted apart from the warnings that fail it.
         */
        private static final Pattern RESET_FLUSH = Pattern.compile(
                "WARNING .*org\\.apache\\.tomcat\\.websocket\\.WsSession\\.(doClose|onClose) Failed to flush batched messages on session close");
        private static final Pattern RESET_CAUSE = Pattern.compile("IOException: (java\\.io\\.IOException: )?(Connection reset by peer|Broken pipe)");

        /** New WARNING and SEVERE lines since the last look (printed), and the server's own close notices (INFO) counted. */
        private int scanLogs() {
            int found = 0;
            for (int i = 0; i < logs.size(); i++) {
                try (RandomAccessFile file = new RandomAccessFile(logs.get(i).toFile(), "r")) {
                    long size = file.length();
                    if (size < offsets[i]) {
                        offsets[i] = 0; // rotated or truncated
                    }
                    file.seek(offsets[i]);
                    byte[] bytes = new byte[(int) Math.min(size - offsets[i], 256L * 1024 * 1024)];
                    file.readFully(bytes);
                    int end = bytes.length;
                    while (end > 0 && bytes[end - 1] != '\n') {
                        end--; // leave a line being written for next time
                    }
                    offsets[i] += end;
                    String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n");
                    for (int l = 0; l < lines.length; l++) {
                        String line = lines[l];
                        if (RESET_FLUSH.matcher(line).find() && l + 1 < lines.length
                                && RESET_CAUSE.matcher(lines[l + 1]).find()) {
                            resetFlushWarnings++; // provoked: a batch written into a connection the client reset
                        } else if (LEVEL.matcher(line).find() || line.startsWith("Exception in thread")
                                || line.contains("OutOfMemoryError")) {
                            found++;
                            if (warningLines.size() < 50) {
                                warningLines.add(line);
                            }
                            if (found <= 20) {
                                System.out.println("soak: server log: " + line);
                            }
                        } else {
                            Matcher m = SERVER_CLOSE.matcher(line);
                            if (m.find()) {
                                infoCloses.inc(m.group(1) + " " + m.group(2));
                            }
                        }
                    }
                } catch (IOException e) {
                    System.err.println("soak: cannot read " + logs.get(i) + ": " + e);
                }
            }
            warningsTotal += found;
            return found;
        }

        private Map<String, String> status() {
            if (statusUrl.isEmpty()) {
                return null;
            }
            try {
                HttpURLConnection http = (HttpURLConnection) URI.create(statusUrl).toURL().openConnection();
                http.setConnectTimeout(5000);
                http.setReadTimeout(5000);
                try (InputStream in = http.getInputStream()) {
                    JsonObject o = JSON.createReader(in).readObject();
                    Map<String, String> figures = new LinkedHashMap<>();
                    for (String key : List.of("connections", "identified", "rooms", "messagesIn", "messagesOut",
                            "slowConsumerCloses", "rateLimited")) {
                        if (o.containsKey(key)) {
                            figures.put(key, o.get(key).toString());
                        }
                    }
                    return figures;
                } finally {
                    http.disconnect();
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- the end

    private boolean summary(Sample baseline, Sample after) {
        List<Sample> run = samples.stream().filter(s -> s.minute > 0).toList();
        int warmup = minutes >= 10 ? 2 : minutes >= 3 ? 1 : 0;
        List<Sample> settled = run.stream().filter(s -> s.minute > warmup).toList();
        int window = Math.max(1, Math.min(5, settled.size() / 2));
        boolean enough = settled.size() >= 2;
        double heapFirst = enough ? settled.subList(0, window).stream().mapToLong(Sample::heapKib).average().orElse(0) : 0;
        double heapLast = enough ? settled.subList(settled.size() - window, settled.size()).stream().mapToLong(Sample::heapKib).average().orElse(0) : 0;
        double threadsFirst = enough ? settled.subList(0, window).stream().mapToInt(Sample::otherThreads).average().orElse(0) : 0;
        double threadsLast = enough ? settled.subList(settled.size() - window, settled.size()).stream().mapToInt(Sample::otherThreads).average().orElse(0) : 0;
        double totalFirst = enough ? settled.subList(0, window).stream().mapToInt(Sample::threads).average().orElse(0) : 0;
        double totalLast = enough ? settled.subList(settled.size() - window, settled.size()).stream().mapToInt(Sample::threads).average().orElse(0) : 0;
        int poolMax = run.stream().mapToInt(Sample::poolThreads).max().orElse(0);
        // Grown by no more than 10 %, or one outbox's bound (4 MiB): a sloth's queue, legitimately held
        // until it is closed, is that large, and a short run compares single samples. A heap that
        // shrinks (what the ramp left behind, collected) is reported, not failed: a leak grows.
        boolean heapFlat = enough && heapLast - heapFirst <= Math.max(0.10 * heapFirst, 4096);
        double heapSlope = slope(settled);
        boolean threadsFlat = enough && Math.abs(threadsLast - threadsFirst) <= 5;
        int warnings = sampler.warningsTotal;

        List<String> failed = new ArrayList<>();
        for (String key : FAILURES) {
            if (tally.get(key) > 0) {
                failed.add(key + "=" + tally.get(key));
            }
        }
        if (warnings > 0) {
            failed.add("log_warnings=" + warnings);
        }
        if (enough && !heapFlat) {
            failed.add("heap_grew");
        }
        if (enough && !threadsFlat) {
            failed.add("threads_not_flat");
        }
        String afterConnections = after.status == null ? null : after.status.get("connections");
        if (afterConnections != null && !afterConnections.equals("0")) {
            failed.add("connections_after_close=" + afterConnections);
        }
        if (tally.get("sloths_silent") + tally.get("sloths_self_fed") + tally.get("sloths_fed") == 0 || floodersMade == 0) {
            failed.add("too_short_for_every_misbehaviour");
        }

        JsonObjectBuilder o = JSON.createObjectBuilder()
                .add("mode", "soak")
                .add("minutes", minutes)
                .add("viewers", viewers)
                .add("room_size", roomSize)
                .add("rooms", rooms.size());
        o.add("frames_sent", JSON.createObjectBuilder()
                .add("broadcasts", tally.get("sent_broadcasts"))
                .add("direct", tally.get("sent_direct"))
                .add("histories", tally.get("sent_histories"))
                .add("lists", tally.get("sent_lists"))
                .add("flood", tally.get("sent_flood"))
                .add("sloth_feed", tally.get("sent_sloth_feed"))
                .add("hostile", tally.get("sent_hostile")));
        o.add("frames_received", JSON.createObjectBuilder()
                .add("total", tally.get("frames_received"))
                .add("bytes", tally.get("bytes_received"))
                .add("healthy_checked", tally.get("delivered_healthy"))
                .add("flood", tally.get("delivered_flood"))
                .add("foreign", tally.get("delivered_foreign"))
                .add("relayed_intact", tally.get("relayed_intact")));
        JsonObjectBuilder healthy = JSON.createObjectBuilder();
        for (String key : List.of("lost", "order_violations", "duplicates", "corrupted", "misdelivered", "wrong_from",
                "crossed_rooms", "unknown_sender", "protocol_errors", "unparseable", "unexpected_outcomes",
                "unexpected_quits", "missing_quits", "list_missing", "healthy_closed", "handshake_failures",
                "connect_failures", "names_not_released", "identify_refused", "no_init", "close_not_answered")) {
            healthy.add(key, tally.get(key));
        }
        healthy.add("quits_seen", tally.get("quits_seen")).add("joins_seen", tally.get("joins_seen"))
                .add("state_frames_seen", tally.get("state_frames_seen"));
        healthy.add("latency", latencyAll.json()
                .add("worst", worstLatencyDetail)
                .add("by_minute", strings(latencyByMinute)));
        o.add("healthy", healthy);
        o.add("churn", JSON.createObjectBuilder()
                .add("clean_close", tally.get("churn_clean"))
                .add("no_close_frame", tally.get("churn_fin"))
                .add("reset", tally.get("churn_reset"))
                .add("reconnects", tally.get("reconnects"))
                .add("identify_305_retries", tally.get("identify_305_retries")));
        o.add("sloths", JSON.createObjectBuilder()
                .add("silent", tally.get("sloths_silent"))
                .add("self_fed", tally.get("sloths_self_fed"))
                .add("fed", tally.get("sloths_fed"))
                .add("feeders", feedersMade)
                .add("closes", slothCloses.json())
                .add("quit_heard_after_s_max", Math.round(slothQuitMaxMs / 100) / 10.0)
                .add("not_closed", tally.get("sloth_not_closed") + tally.get("sloth_socket_not_closed")));
        o.add("flooders", JSON.createObjectBuilder()
                .add("count", floodersMade)
                .add("closes", flooderCloses.json())
                .add("got_429", tally.get("flood_429s"))
                .add("closed_after_s_max", Math.round(flooderCloseMaxMs / 100) / 10.0)
                .add("not_closed", tally.get("flooder_not_closed")));
        JsonObjectBuilder responses = JSON.createObjectBuilder();
        hostileResponses.forEach(responses::add);
        o.add("hostile", JSON.createObjectBuilder()
                .add("inputs", hostileInputs.size())
                .add("sent", tally.get("sent_hostile"))
                .add("responses", hostileResponseKinds.json())
                .add("closes", hostileCloses.json())
                .add("reconnects", tally.get("hostile_reconnects"))
                .add("unexpected_closes", tally.get("hostile_unexpected_closes"))
                .add("relay_mismatches", tally.get("relay_mismatches"))
                .add("relay_mismatch_examples", strings(relayMismatches))
                .add("per_input", responses));
        JsonArrayBuilder sampleArray = JSON.createArrayBuilder();
        for (Sample s : samples) {
            sampleArray.add(sampleJson(s));
        }
        o.add("samples", sampleArray);
        o.add("after_close", sampleJson(after));
        o.add("flat", JSON.createObjectBuilder()
                .add("samples_compared", enough ? window : 0)
                .add("from_minute", warmup + 1)
                .add("heap_first_kib", Math.round(heapFirst))
                .add("heap_last_kib", Math.round(heapLast))
                .add("heap", heapFlat)
                .add("heap_change_percent", heapFirst == 0 ? 0 : Math.round(1000 * (heapLast - heapFirst) / heapFirst) / 10.0)
                .add("heap_slope_kib_per_minute", Math.round(heapSlope))
                .add("threads_outside_pool_first", threadsFirst)
                .add("threads_outside_pool_last", threadsLast)
                .add("threads", threadsFlat)
                .add("threads_total_first", totalFirst)
                .add("threads_total_last", totalLast)
                .add("pool_threads_max", poolMax));
        o.add("server_log", JSON.createObjectBuilder()
                .add("warnings", warnings)
                .add("reset_flush_warnings", sampler.resetFlushWarnings)
                .add("warning_lines", strings(sampler.warningLines))
                .add("closes_logged", sampler.infoCloses.json()));
        o.add("generator", JSON.createObjectBuilder()
                .add("cpu_s", Math.round(processCpuSeconds() * 10) / 10.0)
                .add("max_loop_stall_ms", Math.round(maxStallMs))
                .add("callbacks_over_50ms", tally.get("generator_stalls"))
                .add("longest_callbacks", strings(stalls.stream().map(Stall::what).toList()))
                .add("errors", tally.get("generator_errors")));
        o.add("problems", strings(problems));
        o.add("failed", strings(failed));
        o.add("verdict", failed.isEmpty() ? "pass" : "fail");
        System.out.println(o.build());
        return failed.isEmpty();
    }

    /** Least-squares slope of the live heap over the samples, KiB per minute. */
    private static double slope(List<Sample> samples) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double mx = samples.stream().mapToDouble(Sample::minute).average().orElse(0);
        double my = samples.stream().mapToDouble(Sample::heapKib).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (Sample s : samples) {
            sxy += (s.minute - mx) * (s.heapKib - my);
            sxx += (s.minute - mx) * (s.minute - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    private static JsonObjectBuilder sampleJson(Sample s) {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add("minute", s.minute)
                .add("heap_kib", s.heapKib)
                .add("threads", s.threads)
                .add("pool_threads", s.poolThreads)
                .add("rss_kib", s.rssKib)
                .add("fds", s.fds)
                .add("cpu_s", s.cpuSeconds)
                .add("warnings", s.warnings);
        if (s.status != null) {
            b.add("connections", Long.parseLong(s.status.getOrDefault("connections", "-1")));
            b.add("slow_consumer_closes", Long.parseLong(s.status.getOrDefault("slowConsumerCloses", "-1")));
            b.add("rate_limited", Long.parseLong(s.status.getOrDefault("rateLimited", "-1")));
        }
        return b;
    }

    private static JsonArrayBuilder strings(List<String> list) {
        JsonArrayBuilder b = JSON.createArrayBuilder();
        list.forEach(b::add);
        return b;
    }

    private static double processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return -1;
    }

    // ---------------------------------------------------------------- helpers

    private void violation(String kind, String detail) {
        tally.inc(kind);
        note(kind, detail);
    }

    private void note(String kind, String detail) {
        String line = String.format(Locale.ROOT, "%.1fs %s: %s", (now() - trafficStart) / 1000, kind, detail);
        if (problems.size() < 100) {
            problems.add(line);
        }
        if (problems.size() <= 50) {
            System.out.println("soak: ! " + line);
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("soak: " + String.format(Locale.ROOT, format, args));
    }

    private static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 150) + "…(" + s.length() + " chars)";
    }

    /** Names as people pick them: plain, accented (NFC), other scripts, emoji. */
    private static String slotName(int i) {
        String[] stems = {"viewer", "zo\u00eb", "\u89b3\u5ba2", "\ud83d\ude00fan", "Ren\u00e9e"};
        return stems[i % stems.length] + "-" + String.format(Locale.ROOT, "%02d", i);
    }

    private static String historyText(int bytes) {
        StringBuilder b = new StringBuilder();
        for (int line = 0; b.length() < bytes * 4 / 5; line++) {
            b.append("[").append(line / 60).append(':').append(line % 60).append("] viewer-").append(line % 20)
                    .append(": what a scene").append(CHAT_TAIL).append('\n');
        }
        return b.toString();
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) && !validPair(s, i)) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** Latencies in buckets 2 % wide (from 0.01 ms to hours): percentiles without keeping every value. */
    private static final class Histogram {
        private static final double BASE = Math.log(1.02);
        private final long[] counts = new long[1200];
        private long total;
        private double max;

        void add(double millis) {
            int bucket = (int) (Math.log(Math.max(0, millis) * 100 + 1) / BASE);
            counts[Math.min(bucket, counts.length - 1)]++;
            total++;
            max = Math.max(max, millis);
        }

        double percentile(double q) {
            long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank && seen > 0) {
                    return (Math.exp((i + 1) * BASE) - 1) / 100; // the bucket's upper edge
                }
            }
            return max;
        }

        String summary() {
            if (total == 0) {
                return "-";
            }
            return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (%d)",
                    percentile(0.5), percentile(0.99), percentile(0.999), max, total);
        }

        JsonObjectBuilder json() {
            return JSON.createObjectBuilder()
                    .add("count", total)
                    .add("p50_ms", Math.round(percentile(0.5) * 10) / 10.0)
                    .add("p99_ms", Math.round(percentile(0.99) * 10) / 10.0)
                    .add("p999_ms", Math.round(percentile(0.999) * 10) / 10.0)
                    .add("max_ms", Math.round(max * 10) / 10.0);
        }
    }

    /** Counters by name, in the order first seen. */
    private static final class Tally {
        private final Map<String, long[]> counts = new LinkedHashMap<>();

        void inc(String key) {
            add(key, 1);
        }

        void add(String key, long n) {
            counts.computeIfAbsent(key, k -> new long[1])[0] += n;
        }

        long get(String key) {
            long[] c = counts.get(key);
            return c == null ? 0 : c[0];
        }

        String compact() {
            if (counts.isEmpty()) {
                return "-";
            }
            StringBuilder b = new StringBuilder();
            counts.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(" ×").append(v[0]));
            return "(" + b + ")";
        }

        JsonObjectBuilder json() {
            JsonObjectBuilder b = JSON.createObjectBuilder();
            counts.forEach((k, v) -> b.add(k, v[0]));
            return b;
        }
    }

    // ---------------------------------------------------------------- the hostile inputs

    /**
     * One hostile input: text (sent as one text frame of exactly these bytes, after the
     * placeholders {@code %MATE%} — a healthy room-mate's name, quoted — and {@code %SELF%} — the
     * hostile client's own name, quoted — are filled in) or raw frames. {@code mayClose}: the server
     * may rightly close the connection for it (not UTF-8, over the size limit, not the protocol).
     */
    record HostileInput(String name, byte[] text, BiConsumer<SoakSocket, byte[]> frames, boolean mayClose) {

        /** Sends it; a payload the server should relay is reported to {@code relayed} (type, JSON value). */
        void send(SoakSocket socket, String mate, String self, BiConsumer<String, JsonValue> relayed) {
            if (frames != null) {
                frames.accept(socket, text);
                if (!mayClose && text != null) {
                    expect(new String(text, StandardCharsets.UTF_8), relayed);
                }
                return;
            }
            byte[] bytes = text;
            String asText = null;
            if (isUtf8(text)) {
                asText = new String(text, StandardCharsets.UTF_8);
                if (asText.contains("%MATE%") || asText.contains("%SELF%")) {
                    asText = asText.replace("%MATE%", quote(mate)).replace("%SELF%", quote(self));
                    bytes = asText.getBytes(StandardCharsets.UTF_8);
                }
            }
            socket.sendTextBytes(bytes);
            if (asText != null && !mayClose) {
                expect(asText, relayed);
            }
        }

        private static void expect(String text, BiConsumer<String, JsonValue> relayed) {
            try {
                JsonValue value = JSON.createReader(new StringReader(text)).readValue();
                if (value instanceof JsonObject o && o.get("command") instanceof JsonString c && o.containsKey("message")) {
                    if (c.getString().equals("broadcast")) {
                        relayed.accept("broadcast", o.get("message"));
                    } else if (c.getString().equals("message")) {
                        relayed.accept("message", o.get("message"));
                    }
                }
            } catch (RuntimeException e) {
                // not JSON the soak can read (Parsson also refuses nesting past 1,000): nothing to compare
            }
        }

        static HostileInput text(String name, String text) {
            return new HostileInput(name, text.getBytes(StandardCharsets.UTF_8), null, false);
        }

        static HostileInput frames(String name, boolean mayClose, byte[] relayedText, BiConsumer<SoakSocket, byte[]> send) {
            return new HostileInput(name, relayedText, send, mayClose);
        }

        static List<HostileInput> all(int maxMessageBytes, Path corpus) throws IOException {
            List<HostileInput> list = new ArrayList<>();
            String b = "{\"command\":\"broadcast\",\"message\":";
            // lone surrogate escapes, everywhere a string can be
            list.add(text("lone-high", b + "\"\\ud800\"}"));
            list.add(text("lone-low-inside", b + "\"a\\udc00b\"}"));
            list.add(text("lone-in-key", b + "{\"\\ud800\":\"\\udbff\",\"ok\":\"\\ud83d\\ude00\"}}"));
            list.add(text("lone-in-array", b + "[\"\\ud83d\",[\"\\ude00\\ud83d\"],\"\\udfff\"]}"));
            list.add(text("lone-reversed-pair", b + "\"\\ude00\\ud83d\"}"));
            list.add(text("lone-direct-to-mate", "{\"command\":\"message\",\"to\":%MATE%,\"message\":{\"chat\":\"\\ud800\\u0000\\u2028\"}}"));
            list.add(text("lone-in-command", "{\"command\":\"broadcast\\ud800\",\"message\":1}"));
            list.add(text("lone-in-to", "{\"command\":\"message\",\"to\":\"\\ud800\",\"message\":1}"));
            list.add(text("lone-in-name", "{\"command\":\"identify\",\"name\":\"x\\ud800\"}"));
            list.add(text("lone-many", b + "\"" + "\\ud800".repeat(20_000) + "\"}"));
            // not JSON
            list.add(text("json-truncated", b));
            list.add(text("json-garbage", "not json at all"));
            list.add(text("json-bad-literal", b + "tru}"));
            list.add(text("json-empty", ""));
            list.add(text("json-trailing", b + "1}}"));
            list.add(text("json-single-quotes", "{'command':'list'}"));
            list.add(text("json-bad-escape", b + "\"\\x\"}"));
            list.add(text("json-short-escape", b + "\"\\u12\"}"));
            list.add(text("json-raw-control", b + "\"a\u0001b\"}"));
            list.add(text("json-nul-byte", b + "\"a\u0000b\"}"));
            // wrong types
            list.add(text("type-null", "null"));
            list.add(text("type-array", "[]"));
            list.add(text("type-string", "\"list\""));
            list.add(text("type-number", "42"));
            list.add(text("type-command-number", "{\"command\":1}"));
            list.add(text("type-command-null", "{\"command\":null}"));
            list.add(text("type-command-array", "{\"command\":[\"broadcast\"],\"message\":1}"));
            list.add(text("type-name-number", "{\"command\":\"identify\",\"name\":5}"));
            list.add(text("type-name-missing", "{\"command\":\"identify\"}"));
            list.add(text("type-to-array", "{\"command\":\"message\",\"to\":[\"a\"],\"message\":1}"));
            list.add(text("type-message-missing", "{\"command\":\"message\",\"to\":%MATE%}"));
            list.add(text("type-broadcast-no-message", "{\"command\":\"broadcast\"}"));
            // nesting
            list.add(text("depth-64", b + "[".repeat(63) + "]".repeat(63) + "}"));
            list.add(text("depth-65", b + "[".repeat(64) + "]".repeat(64) + "}"));
            list.add(text("depth-100", b + "[".repeat(100) + "]".repeat(100) + "}"));
            list.add(text("depth-100-objects", b + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + "}"));
            list.add(text("depth-100000-unclosed", b + "[".repeat(100_000) + "}"));
            // numbers
            list.add(text("number-1000-digits", b + "1".repeat(1000) + "}"));
            list.add(text("number-1101-digits", b + "9".repeat(1101) + "}"));
            list.add(text("number-exp-100000", b + "1e100000}"));
            list.add(text("number-exp-100001", b + "1e100001}"));
            list.add(text("number-exp-minus-100000", b + "-1.5e-100000}"));
            list.add(text("number-long-fraction", b + "0." + "0".repeat(1000) + "1}"));
            list.add(text("numbers-digit-for-digit", b + "[1.0,1.00,1e2,1E+2,12345678901234567890123,-0,-0.0,0.1e-7]}"));
            // names that show wrong or not at all
            list.add(text("name-bidi-rlo", "{\"command\":\"identify\",\"name\":\"ali\\u202ece\"}"));
            list.add(text("name-bidi-isolate", "{\"command\":\"identify\",\"name\":\"\u2066x\u2069\"}"));
            list.add(text("name-zero-width-only", "{\"command\":\"identify\",\"name\":\"\u200b\"}"));
            list.add(text("name-zero-width-inside", "{\"command\":\"identify\",\"name\":\"ali\u200bce\"}"));
            list.add(text("name-filler", "{\"command\":\"identify\",\"name\":\"\u3164\"}"));
            list.add(text("name-bom", "{\"command\":\"identify\",\"name\":\"\ufeffbob\"}"));
            list.add(text("name-spaces-only", "{\"command\":\"identify\",\"name\":\"\u00a0\u3000 \"}"));
            list.add(text("name-65", "{\"command\":\"identify\",\"name\":\"" + "a".repeat(65) + "\"}"));
            list.add(text("name-empty", "{\"command\":\"identify\",\"name\":\"\"}"));
            list.add(text("name-control", "{\"command\":\"identify\",\"name\":\"a\\u0007b\"}"));
            list.add(text("name-rename-nfd", "{\"command\":\"identify\",\"name\":\"hostile-e\u0301\"}"));
            list.add(text("name-rename-back", "{\"command\":\"identify\",\"name\":%SELF%}"));
            // unknown commands and odd objects
            list.add(text("unknown-command", "{\"command\":\"dance\"}"));
            list.add(text("unknown-command-case", "{\"command\":\"BROADCAST\",\"message\":1}"));
            list.add(text("unknown-command-empty", "{\"command\":\"\",\"message\":1}"));
            list.add(text("extra-fields", "{\"command\":\"list\",\"extra\":[1,2,3],\"to\":5}"));
            list.add(text("duplicate-command", "{\"command\":\"list\",\"command\":\"dance\"}"));
            list.add(text("message-to-nobody", "{\"command\":\"message\",\"to\":\"nobody-here\",\"message\":{\"a\":1}}"));
            // big, under the limit
            list.add(text("big-1mib-ascii", b + "\"" + "a".repeat(1024 * 1024) + "\"}"));
            list.add(text("big-1mib-multibyte", b + "\"" + "\u00e9\ud83d\ude00\u89b3".repeat(1024 * 1024 / 9) + "\"}"));
            list.add(text("big-direct-1mib", "{\"command\":\"message\",\"to\":%MATE%,\"message\":\"" + "h".repeat(1024 * 1024) + "\"}"));
            list.add(text("big-array-50000", b + "[" + "0,".repeat(50_000) + "0]}"));
            // over the limit: 1009
            list.add(new HostileInput("over-limit", (b + "\"" + "o".repeat(maxMessageBytes + 1 - b.length() - 3) + "\"}")
                    .getBytes(StandardCharsets.UTF_8), null, true));
            // frames that break the protocol
            byte[] small = (b + "1}").getBytes(StandardCharsets.UTF_8);
            list.add(frames("frame-binary", true, null, (s, t) -> s.sendFrame(0x82, small, true)));
            list.add(frames("frame-not-utf8", true, null, (s, t) -> s.sendFrame(0x81, concat(b, new byte[] {'"', (byte) 0xC3, 0x28, '"', '}'}), true)));
            list.add(frames("frame-cesu-surrogate", true, null, (s, t) -> s.sendFrame(0x81, concat(b, new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}), true)));
            list.add(frames("frame-overlong-utf8", true, null, (s, t) -> s.sendFrame(0x81, concat(b, new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"', '}'}), true)));
            list.add(frames("frame-rsv1", true, null, (s, t) -> s.sendFrame(0xC1, small, true)));
            list.add(frames("frame-reserved-opcode", true, null, (s, t) -> s.sendFrame(0x83, small, true)));
            list.add(frames("frame-unmasked", true, null, (s, t) -> s.sendFrame(0x81, small, false)));
            list.add(frames("frame-long-ping", true, null, (s, t) -> s.sendFrame(0x89, new byte[126], true)));
            list.add(frames("frame-continuation-alone", true, null, (s, t) -> s.sendFrame(0x80, small, true)));
            list.add(frames("frame-close-code-999", true, null, (s, t) -> s.sendFrame(0x88, new byte[] {0x03, (byte) 0xE7}, true)));
            list.add(frames("frame-ping", false, null, (s, t) -> s.sendFrame(0x89, "hello".getBytes(StandardCharsets.UTF_8), true)));
            list.add(frames("frame-empty-text", false, null, (s, t) -> s.sendFrame(0x81, new byte[0], true)));
            byte[] split = (b + "\"split \u00e9\ud83d\ude00 across fragments\"}").getBytes(StandardCharsets.UTF_8);
            int cut = (b + "\"split \u00e9").getBytes(StandardCharsets.UTF_8).length + 2; // inside the emoji's four bytes
            list.add(frames("frame-fragmented-split-character", false, split, (s, t) -> {
                s.sendFrame(0x01, java.util.Arrays.copyOfRange(t, 0, cut), true);
                s.sendFrame(0x89, new byte[] {'p'}, true);
                s.sendFrame(0x80, java.util.Arrays.copyOfRange(t, cut, t.length), true);
            }));
            if (corpus != null) {
                try (Stream<Path> files = Files.walk(corpus)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        byte[] bytes = Files.readAllBytes(file);
                        boolean mayClose = !isUtf8(bytes) || bytes.length > maxMessageBytes;
                        list.add(new HostileInput("corpus/" + corpus.relativize(file), bytes, null, mayClose));
                    }
                }
            }
            return list;
        }

        private static byte[] concat(String prefix, byte[] tail) {
            byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
            byte[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, all, head.length, tail.length);
            return all;
        }

        static boolean isUtf8(byte[] bytes) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
                return true;
            } catch (CharacterCodingException e) {
                return false;
            }
        }
    }
}
