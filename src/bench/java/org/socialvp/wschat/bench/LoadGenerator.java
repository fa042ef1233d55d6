package org.socialvp.wschat.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A load generator for any server that speaks the WSChat protocol (WSChat itself, or a reference
 * broker such as the Node {@code ws} peer). One thread, one selector, raw WebSocket frames and no
 * JSON parsing on the receive path, so that on a small machine the server is what gets measured.
 *
 * <pre>
 * fanout  URL CLIENTS SENDERS RATE SECONDS [SIZE]  broadcast RATE messages/s in total from SENDERS of CLIENTS
 * sweep   URL CLIENTS SENDERS SECONDS RATE...       fanout at each RATE, then the best clean one
 * direct  URL PAIRS SECONDS                         PAIRS ping-pong pairs of direct messages
 * connect URL TOTAL CONCURRENCY [ROOM_SIZE]         connect + identify TOTAL clients, CONCURRENCY at a time, each
 *                                                   dropped once identified (churn); with a room size, they stay,
 *                                                   in rooms URL/connect-0, URL/connect-1, ... of that many; with
 *                                                   batched presence, then when every view was complete and
 *                                                   whether each equals the room ({@link PresenceViews})
 * idle    URL COUNT [SERVER_PID [ROOM_SIZE [LIMIT]]] hold COUNT identified connections; with a pid, RSS and (for a
 *                                                   JVM) live heap per connection after full collections; with a room
 *                                                   size, in rooms URL/idle-0, URL/idle-1, ... of that many; then one
 *                                                   message of LIMIT + 1 bytes (default 2 MiB + 1) must be closed 1009;
 *                                                   with -Dbench.holdSeconds=N, then held N seconds (pings answered)
 *                                                   and measured again
 * </pre>
 *
 * URL may be several, separated by commas (the servers of a cluster): the clients are dealt out
 * to them in turn, so a room is split evenly and so are the senders and the ping-pong pairs.
 *
 * With {@code -Dbench.resume=true} every client identifies with {@code "resume":true}, so that the
 * server numbers and keeps every frame for it; with {@code -Dbench.batchedPresence=true} it asks for
 * {@code "presence":"batched"}, so that it gets joins and quits in batches instead of one by one.
 *
 * Every mode prints one JSON line per measurement. A clean fan-out run is one with no loss, no
 * connection closed and a p99 latency of at most 50 ms.
 */
public final class LoadGenerator {

    private static final byte[] NO_MASK = {0, 0, 0, 0};
    /** {@code -Dbench.resume=true}: every client asks for a resumable session (PROTOCOL.md §9). */
    private static final boolean RESUMABLE = Boolean.getBoolean("bench.resume");
    /** {@code -Dbench.batchedPresence=true}: every client asks for presence in batches (PROTOCOL.md §15). */
    private static final boolean BATCHED_PRESENCE = Boolean.getBoolean("bench.batchedPresence");
    /** {@code -Dbench.holdSeconds=N}: the idle mode holds its connections N seconds more, then measures again. */
    private static final int HOLD_SECONDS = Integer.getInteger("bench.holdSeconds", 0);
    private static final byte[] T_KEY = "\"t\":".getBytes(StandardCharsets.US_ASCII);

    /** The servers; client {@code i} connects to {@code servers[i % servers.size()]}. */
    private final List<URI> servers;
    private final Selector selector;
    private final long origin = System.nanoTime();
    private int closedEarly;

    private LoadGenerator(List<URI> servers) throws IOException {
        this.servers = servers;
        this.selector = Selector.open();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: fanout|sweep|direct|connect|idle URL ... (see the class comment)");
            System.exit(2);
        }
        LoadGenerator load = new LoadGenerator(Arrays.stream(args[1].split(",")).map(URI::create).toList());
        int[] n = Arrays.stream(args).skip(2).mapToInt(Integer::parseInt).toArray();
        switch (args[0]) {
            case "fanout" -> load.fanout(n[0], n[1], n[2], n[3], n.length > 4 ? n[4] : 100);
            case "sweep" -> load.sweep(n[0], n[1], n[2], Arrays.copyOfRange(n, 3, n.length));
            case "direct" -> load.direct(n[0], n[1]);
            case "connect" -> load.connect(n[0], n[1], n.length > 2 ? n[2] : 0);
            case "idle" -> load.idle(n[0], n.length > 1 ? n[1] : 0, n.length > 2 ? n[2] : 0,
                    n.length > 3 ? n[3] : 2 * 1024 * 1024);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // ---------------------------------------------------------------- modes

    private void sweep(int clients, int senders, int seconds, int[] rates) throws IOException {
        List<Conn> conns = openIdentified(clients, "s");
        double best = 0;
        for (int rate : rates) {
            Result result = broadcastPhase(conns, senders, rate, seconds, 100);
            System.out.println(result.json("fanout"));
            if (result.clean()) {
                best = Math.max(best, result.deliveredPerSecond);
            }
        }
        System.out.printf(Locale.ROOT, "{\"mode\":\"sweep\",\"best_clean_deliveries_per_s\":%.0f}%n", best);
    }

    private void fanout(int clients, int senders, int rate, int seconds, int size) throws IOException {
        List<Conn> conns = openIdentified(clients, "f");
        System.out.println(broadcastPhase(conns, senders, rate, seconds, size).json("fanout"));
    }

    /** One uncounted second of warm-up, then {@code seconds} measured; waits up to 10 s for stragglers. */
    private Result broadcastPhase(List<Conn> conns, int senders, int rate, int seconds, int size) throws IOException {
        String pad = "p".repeat(Math.max(0, size - 40));
        Latencies latencies = new Latencies();
        double[] window = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] lastDelivery = {0};
        for (Conn c : conns) {
            c.onText = (conn, frame, offset, length) -> {
                double sentAt = parseT(frame, offset, length);
                if (sentAt >= window[0] && sentAt <= window[1]) {
                    double now = millisNow();
                    latencies.add(now - sentAt);
                    lastDelivery[0] = now;
                }
            };
        }
        closedEarly = 0;
        long sent = 0;
        long k = 0;
        double interval = 1000.0 / rate;
        for (int phase = 0; phase < 2; phase++) {
            double start = millisNow();
            double duration = phase == 0 ? 1000 : seconds * 1000.0;
            if (phase == 1) {
                window[0] = start;
            }
            long issued = 0;
            while (millisNow() - start < duration) {
                long due = (long) ((millisNow() - start) / interval) + 1;
                while (issued < due) {
                    Conn sender = conns.get((int) (k % senders));
                    sender.sendText(String.format(Locale.ROOT,
                            "{\"command\":\"broadcast\",\"message\":{\"t\":%.3f,\"i\":%d,\"p\":\"%s\"}}",
                            millisNow(), k, pad));
                    issued++;
                    k++;
                    if (phase == 1) {
                        sent++;
                    }
                }
                poll(1);
            }
            if (phase == 1) {
                window[1] = millisNow();
            } else {
                drainFor(500);
            }
        }
        long expected = sent * (conns.size() - 1);
        double deadline = millisNow() + 10_000;
        while (latencies.count() < expected && millisNow() < deadline) {
            poll(5);
        }
        double measured = (Math.max(lastDelivery[0], window[1]) - window[0]) / 1000;
        return new Result(conns.size(), senders, rate, expected, latencies.count(), closedEarly,
                latencies.count() / measured, latencies);
    }

    private void direct(int pairs, int seconds) throws IOException {
        List<Conn> conns = openIdentified(pairs * 2, "d");
        Latencies latencies = new Latencies();
        boolean[] measuring = {false};
        for (int p = 0; p < pairs; p++) {
            Conn a = conns.get(2 * p);
            Conn b = conns.get(2 * p + 1);
            b.onText = (conn, frame, offset, length) -> {
                if (contains(frame, offset, length, T_KEY)) {
                    conn.sendText("{\"command\":\"message\",\"to\":\"" + a.name + "\",\"message\":{\"t\":"
                            + String.format(Locale.ROOT, "%.3f", parseT(frame, offset, length)) + "}}");
                }
            };
            a.onText = (conn, frame, offset, length) -> {
                if (contains(frame, offset, length, T_KEY)) {
                    if (measuring[0]) {
                        latencies.add(millisNow() - parseT(frame, offset, length));
                    }
                    ping(conn, b.name);
                }
            };
        }
        for (int p = 0; p < pairs; p++) {
            ping(conns.get(2 * p), conns.get(2 * p + 1).name);
        }
        drainFor(1000);
        measuring[0] = true;
        double start = millisNow();
        drainFor(seconds * 1000.0);
        measuring[0] = false;
        double elapsed = (millisNow() - start) / 1000;
        System.out.printf(Locale.ROOT, "{\"mode\":\"direct\",\"pairs\":%d,\"secs\":%d,\"round_trips\":%d,"
                        + "\"round_trips_per_s\":%.0f,\"closed\":%d,\"latency_ms\":%s}%n",
                pairs, seconds, latencies.count(), latencies.count() / elapsed, closedEarly, latencies.percentiles());
    }

    private void connect(int total, int concurrency, int roomSize) throws IOException {
        int[] started = {0};
        int[] done = {0};
        List<Conn> staying = new ArrayList<>();
        Latencies latencies = new Latencies();
        PresenceViews views = BATCHED_PRESENCE && roomSize > 0 ? new PresenceViews() : null;
        long pausedBefore = ownCollectionMillis();
        double start = millisNow();
        while (done[0] < total) {
            while (started[0] - done[0] < concurrency && started[0] < total) {
                URI server = server(started[0]);
                int room = roomSize > 0 ? started[0] / roomSize : 0;
                String path = roomSize > 0 ? basePath(server) + "/connect-" + room : basePath(server);
                Conn c = open("c" + started[0] + "_" + ProcessHandle.current().pid(), server, path);
                double opened = millisNow();
                c.onIdentified = conn -> {
                    latencies.add(millisNow() - opened);
                    done[0]++;
                    if (views != null) {
                        views.identified(conn.name, room);
                        conn.onText = (viewer, frame, offset, length) -> {
                            byte[] utf8 = new byte[length];
                            frame.get(offset, utf8);
                            views.frame(viewer.name, utf8, millisNow());
                        };
                    }
                    if (roomSize > 0) {
                        staying.add(conn);
                    } else {
                        conn.reset();
                    }
                };
                started[0]++;
            }
            poll(5);
        }
        double elapsed = (millisNow() - start) / 1000;
        System.out.printf(Locale.ROOT, "{\"mode\":\"connect\",\"total\":%d,\"concurrency\":%d,\"room_size\":%d,"
                        + "\"connects_per_s\":%.0f,\"closed\":%d,\"latency_ms\":%s,\"generator_gc_ms\":%d}%n",
                total, concurrency, roomSize, total / elapsed, closedEarly, latencies.percentiles(),
                ownCollectionMillis() - pausedBefore);
        if (views != null) {
            checkPresence(views, staying, start, total);
        }
        staying.forEach(Conn::reset);
    }

    /**
     * After a fill of batched viewers: when the last presence frame came (every view complete),
     * then one {@code list} per room, then whether every view adds up ({@link PresenceViews}).
     */
    private void checkPresence(PresenceViews views, List<Conn> staying, double start, int total) throws IOException {
        drainUntilQuiet(views, 3000);
        double settled = (views.lastFrameMillis() - start) / 1000;
        Map<String, Conn> byName = new HashMap<>();
        staying.forEach(conn -> byName.put(conn.name, conn));
        views.askers().values().forEach(asker -> byName.get(asker).sendText("{\"command\":\"list\"}"));
        drainUntilQuiet(views, 3000);
        String mismatch = views.mismatch();
        System.out.printf(Locale.ROOT, "{\"mode\":\"presence\",\"views_complete_after_s\":%.2f,"
                        + "\"views_complete_per_s\":%.0f,\"views_equal_list\":%b%s}%n",
                settled, total / settled, mismatch == null,
                mismatch == null ? "" : ",\"mismatch\":\"" + mismatch.replace("\"", "'") + "\"");
    }

    /** Drains until no frame has come for {@code quietMillis} (at most a minute). */
    private void drainUntilQuiet(PresenceViews views, double quietMillis) throws IOException {
        double deadline = millisNow() + 60_000;
        do {
            drainFor(250);
        } while (millisNow() - Math.max(views.lastFrameMillis(), 0) < quietMillis && millisNow() < deadline);
    }

    /**
     * Every identify announces a {@code join} to the room, so {@code n} viewers in one room cost
     * {@code n²/2} events while they connect: with a room size the viewers are spread over rooms
     * of that many, as watch parties are, and what is measured is the cost of holding them.
     */
    private void idle(int count, long serverPid, int roomSize, int messageLimit) throws Exception {
        long before = serverPid > 0 ? rssAfterGc(serverPid) : 0;
        long heapBefore = serverPid > 0 ? liveHeapKib(serverPid) : 0;
        List<Conn> conns = openIdentified(count, "i", roomSize);
        drainFor(2000);
        long after = serverPid > 0 ? rssAfterGc(serverPid) : 0;
        long heapAfter = serverPid > 0 ? liveHeapKib(serverPid) : 0;
        int open = count - closedEarly;
        boolean limitEnforced = oversizeIsRefused(conns.get(count - 1), messageLimit);
        System.out.printf(Locale.ROOT, "{\"mode\":\"idle\",\"connections\":%d,\"open\":%d,\"rss_before_kib\":%d,"
                        + "\"rss_after_kib\":%d,\"kib_per_connection\":%.1f,\"heap_before_kib\":%d,\"heap_after_kib\":%d,"
                        + "\"heap_kib_per_connection\":%.1f,\"message_limit_enforced\":%b,\"room_size\":%d}%n",
                count, open, before, after, (after - before) / (double) count, heapBefore, heapAfter,
                (heapAfter - heapBefore) / (double) count, limitEnforced, roomSize);
        if (HOLD_SECONDS > 0) {
            int closedBeforeHold = closedEarly;
            drainFor(HOLD_SECONDS * 1000.0);
            long heldRss = serverPid > 0 ? rssAfterGc(serverPid) : 0;
            long heldHeap = serverPid > 0 ? liveHeapKib(serverPid) : 0;
            int held = count - 1;
            System.out.printf(Locale.ROOT, "{\"mode\":\"idle-held\",\"held_seconds\":%d,\"closed_during_hold\":%d,"
                            + "\"kib_per_connection\":%.1f,\"heap_kib_per_connection\":%.1f}%n",
                    HOLD_SECONDS, closedEarly - closedBeforeHold, (heldRss - before) / (double) held,
                    (heldHeap - heapBefore) / (double) held);
        }
        conns.forEach(Conn::reset);
    }

    /** Whether a message one byte over {@code limit} still closes its connection (the probe) with 1009. */
    private boolean oversizeIsRefused(Conn probe, int limit) throws IOException {
        int[] code = {0};
        probe.onClose = c -> code[0] = c;
        String prefix = "{\"command\":\"broadcast\",\"message\":\"";
        String body = "x".repeat(limit + 1 - prefix.length() - 2);
        probe.sendText(prefix + body + "\"}");
        double deadline = millisNow() + 10_000;
        while (code[0] == 0 && millisNow() < deadline) {
            poll(5);
        }
        return code[0] == 1009;
    }

    /** The heap a JVM uses right after the full collections of {@link #rssAfterGc}, from {@code jcmd GC.heap_info}; 0 for others. */
    private static long liveHeapKib(long pid) throws Exception {
        boolean jvm = ProcessHandle.of(pid).flatMap(p -> p.info().command()).filter(c -> c.endsWith("/java")).isPresent();
        if (!jvm) {
            return 0;
        }
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
        String info = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(60, TimeUnit.SECONDS);
        // Every heap space ("garbage-first heap", or "def new generation" and "tenured generation"): "total …K, used …K".
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
        long kib = 0;
        while (used.find()) {
            kib += Long.parseLong(used.group(1));
        }
        return kib;
    }

    /**
     * The resident set of a process, after two full collections if it is a JVM. (Only a JVM:
     * {@code jcmd} attaches with SIGQUIT, which ends a Node process.)
     */
    private static long rssAfterGc(long pid) throws Exception {
        boolean jvm = ProcessHandle.of(pid).flatMap(p -> p.info().command()).filter(c -> c.endsWith("/java")).isPresent();
        for (int i = 0; jvm && i < 2; i++) {
            new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        }
        Thread.sleep(1000);
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private void ping(Conn from, String to) {
        from.sendText(String.format(Locale.ROOT, "{\"command\":\"message\",\"to\":\"%s\",\"message\":{\"t\":%.3f}}",
                to, millisNow()));
    }

    // ---------------------------------------------------------------- connections

    private List<Conn> openIdentified(int count, String prefix) throws IOException {
        return openIdentified(count, prefix, 0);
    }

    /** {@code count} identified connections; with a room size, spread over rooms of that many. */
    private List<Conn> openIdentified(int count, String prefix, int roomSize) throws IOException {
        List<Conn> conns = new ArrayList<>();
        int[] ready = {0};
        int closedBefore = closedEarly;
        double deadline = millisNow() + 60_000;
        for (int i = 0; i < count; i++) {
            URI server = server(i);
            String path = roomSize > 0 ? basePath(server) + "/idle-" + i / roomSize : basePath(server);
            Conn c = open(prefix + i + "_" + ProcessHandle.current().pid(), server, path);
            c.onIdentified = conn -> ready[0]++;
            conns.add(c);
            while (conns.size() - ready[0] - (closedEarly - closedBefore) > 200 && millisNow() < deadline) {
                poll(5);
            }
            deadline = millisNow() + 60_000;
        }
        while (ready[0] + (closedEarly - closedBefore) < count && millisNow() < deadline) {
            poll(5);
        }
        if (ready[0] < count) {
            throw new IllegalStateException("only " + ready[0] + " of " + count + " clients identified ("
                    + (closedEarly - closedBefore) + " closed by the server)");
        }
        return conns;
    }

    private URI server(int client) {
        return servers.get(client % servers.size());
    }

    private static String basePath(URI server) {
        return server.getRawPath() == null || server.getRawPath().isEmpty() ? "/" : server.getRawPath();
    }

    private Conn open(String name, URI server, String path) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        channel.connect(new InetSocketAddress(server.getHost(), server.getPort() < 0 ? 80 : server.getPort()));
        Conn c = new Conn(channel, name, server.getHost() + ":" + server.getPort(), path);
        c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
        return c;
    }

    private void drainFor(double millis) throws IOException {
        double end = millisNow() + millis;
        while (millisNow() < end) {
            poll(5);
        }
    }

    private void poll(long timeoutMillis) throws IOException {
        selector.select(timeoutMillis);
        for (SelectionKey key : selector.selectedKeys()) {
            Conn c = (Conn) key.attachment();
            try {
                if (!key.isValid()) {
                    continue;
                }
                if (key.isConnectable() && c.channel.finishConnect()) {
                    c.handshake();
                }
                if (key.isValid() && key.isWritable()) {
                    c.flush();
                }
                if (key.isValid() && key.isReadable()) {
                    c.read();
                }
            } catch (IOException e) {
                c.broken();
            }
        }
        selector.selectedKeys().clear();
    }

    /**
     * How long this generator's own collector has run so far: printed with connect figures, since
     * time the generator spends collecting is in the latencies it measures, whatever the server.
     */
    private static long ownCollectionMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(millis -> millis > 0).sum();
    }

    private double millisNow() {
        return (System.nanoTime() - origin) / 1e6;
    }

    private static double parseT(ByteBuffer frame, int offset, int length) {
        int at = indexOf(frame, offset, length, T_KEY);
        if (at < 0) {
            return -1;
        }
        int i = at + T_KEY.length;
        int end = offset + length;
        StringBuilder number = new StringBuilder(16);
        while (i < end) {
            byte b = frame.get(i++);
            if ((b >= '0' && b <= '9') || b == '.' || b == '-') {
                number.append((char) b);
            } else {
                break;
            }
        }
        return Double.parseDouble(number.toString());
    }

    private static boolean contains(ByteBuffer frame, int offset, int length, byte[] needle) {
        return indexOf(frame, offset, length, needle) >= 0;
    }

    private static int indexOf(ByteBuffer frame, int offset, int length, byte[] needle) {
        outer:
        for (int i = offset; i <= offset + length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (frame.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---------------------------------------------------------------- one connection

    @FunctionalInterface
    private interface TextHandler {
        void onText(Conn conn, ByteBuffer frame, int offset, int length);
    }

    private final class Conn {

        private final SocketChannel channel;
        private final String name;
        private final String host;
        private final String path;
        private SelectionKey key;
        /*
         * Small at first, grown when a frame does not fit: the generator's own collections must not
         * land in the latencies it measures, and 3,000 connections with 80 KiB of buffers each made
         * two young collections of 70-110 ms in every second of a connect run, against any server.
         */
        private ByteBuffer in = ByteBuffer.allocate(2 * 1024);
        private ByteBuffer out = ByteBuffer.allocate(512);
        private int state; // 0 handshake, 1 awaiting init, 2 awaiting outcome, 3 identified, 4 closed
        /** The fragments so far of a message that came in several frames, {@code null} between messages. */
        private java.io.ByteArrayOutputStream fragments;
        private TextHandler onText = (conn, frame, offset, length) -> { };
        private java.util.function.Consumer<Conn> onIdentified = conn -> { };
        private java.util.function.IntConsumer onClose = code -> { };

        Conn(SocketChannel channel, String name, String host, String path) {
            this.channel = channel;
            this.name = name;
            this.host = host;
            this.path = path;
        }

        void handshake() throws IOException {
            queue(("GET " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            key.interestOps(SelectionKey.OP_READ);
            flush();
        }

        void sendText(String text) {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            frame(0x1, payload);
        }

        private void frame(int opcode, byte[] payload) {
            int length = payload.length;
            byte[] header;
            if (length < 126) {
                header = new byte[] {(byte) (0x80 | opcode), (byte) (0x80 | length)};
            } else if (length < 65536) {
                header = new byte[] {(byte) (0x80 | opcode), (byte) (0x80 | 126), (byte) (length >>> 8), (byte) length};
            } else {
                header = ByteBuffer.allocate(10).put((byte) (0x80 | opcode)).put((byte) (0x80 | 127)).putLong(length).array();
            }
            queue(header);
            queue(NO_MASK); // a zero masking key: legal, and the payload needs no XOR
            queue(payload);
            try {
                flush();
            } catch (IOException e) {
                broken();
            }
        }

        private void queue(byte[] bytes) {
            if (out.remaining() < bytes.length) {
                ByteBuffer bigger = ByteBuffer.allocate((out.position() + bytes.length) * 2);
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            out.put(bytes);
        }

        void flush() throws IOException {
            if (state == 4) {
                return;
            }
            out.flip();
            channel.write(out);
            out.compact();
            if (key.isValid()) {
                key.interestOps(out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            }
        }

        void read() throws IOException {
            if (!in.hasRemaining()) { // a frame larger than the buffer
                ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                in.flip();
                bigger.put(in);
                in = bigger;
            }
            int n = channel.read(in);
            if (n < 0) {
                broken();
                return;
            }
            in.flip();
            if (state == 0) {
                int end = indexOf(in, in.position(), in.remaining(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                if (end < 0) {
                    in.compact();
                    return;
                }
                in.position(end + 4);
                state = 1;
            }
            while (state != 4) {
                FrameHeader header = FrameHeader.peek(in);
                if (header == null || !header.completeIn(in)) {
                    break;
                }
                int payload = in.position() + header.size();
                onFrame(header.first(), payload, (int) header.length());
                in.position(payload + (int) header.length());
            }
            in.compact();
        }

        private void onFrame(int first, int offset, int length) {
            int opcode = first & 0x0F;
            boolean fin = (first & 0x80) != 0;
            if ((opcode == 0x1 && !fin) || opcode == 0x0) {
                // A fragment of a long message (the server's buffer was smaller): kept until its last.
                if (fragments == null) {
                    fragments = new java.io.ByteArrayOutputStream();
                }
                byte[] part = new byte[length];
                in.get(offset, part);
                fragments.writeBytes(part);
                if (fin) {
                    byte[] whole = fragments.toByteArray();
                    fragments = null;
                    onText(ByteBuffer.wrap(whole), 0, whole.length);
                }
            } else if (opcode == 0x9) {
                byte[] data = new byte[length];
                in.get(offset, data);
                frame(0xA, data);
            } else if (opcode == 0x8) {
                int code = length >= 2 ? ((in.get(offset) & 0xFF) << 8) | (in.get(offset + 1) & 0xFF) : 1005;
                onClose.accept(code);
                broken();
            } else if (opcode == 0x1) {
                onText(in, offset, length);
            }
        }

        /** A whole text message at {@code offset} of {@code frame}. */
        private void onText(ByteBuffer frame, int offset, int length) {
            if (state == 1) {
                state = 2;
                sendText("{\"command\":\"identify\",\"name\":\"" + name + "\"" + (RESUMABLE ? ",\"resume\":true" : "")
                        + (BATCHED_PRESENCE ? ",\"presence\":\"batched\"}" : "}"));
            } else if (state == 2) {
                state = 3;
                onIdentified.accept(this);
            } else {
                onText.onText(this, frame, offset, length);
            }
        }

        void broken() {
            if (state != 4) {
                state = 4;
                closedEarly++;
                close(false);
            }
        }

        /** Drops the connection with a TCP reset: no close handshake, and no TIME_WAIT left behind. */
        void reset() {
            if (state != 4) {
                state = 4;
                close(true);
            }
        }

        private void close(boolean reset) {
            try {
                if (reset) {
                    channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
                key.cancel();
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    // ---------------------------------------------------------------- figures

    private static final class Latencies {
        private double[] values = new double[1 << 16];
        private int count;

        void add(double millis) {
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = millis;
        }

        int count() {
            return count;
        }

        String percentiles() {
            if (count == 0) {
                return "{}";
            }
            double[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "{\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"max\":%.2f}",
                    at(sorted, 0.5), at(sorted, 0.9), at(sorted, 0.99), sorted[count - 1]);
        }

        private static double at(double[] sorted, double quantile) {
            return sorted[(int) (quantile * (sorted.length - 1))];
        }
    }

    private record Result(int clients, int senders, int rate, long expected, long delivered, int closed,
            double deliveredPerSecond, Latencies latencies) {

        boolean clean() {
            if (delivered != expected || closed != 0 || latencies.count() == 0) {
                return false;
            }
            double[] sorted = Arrays.copyOf(latencies.values, latencies.count);
            Arrays.sort(sorted);
            return Latencies.at(sorted, 0.99) <= 50;
        }

        String json(String mode) {
            return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"clients\":%d,\"senders\":%d,\"rate\":%d,"
                            + "\"expected\":%d,\"delivered\":%d,\"loss\":%d,\"closed\":%d,\"delivered_per_s\":%.0f,"
                            + "\"offered_per_s\":%d,\"clean\":%b,\"latency_ms\":%s}",
                    mode, clients, senders, rate, expected, delivered, expected - delivered, closed,
                    deliveredPerSecond, (long) rate * (clients - 1), clean(), latencies.percentiles());
        }
    }
}
