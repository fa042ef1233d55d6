package org.socialvp.wschat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a free loopback port that forwards every connection to the test server, and
 * whose network can be cut: {@link #cut()} resets every connection through it at once and
 * resets each new one the moment it arrives, until {@link #restore()}.
 *
 * <p>A reset (SO_LINGER 0) on both sides is what a dropped network looks like to both ends: the
 * server reads a reset without a close frame (a lost link, so a resumable session is suspended),
 * and the browser's socket fails (close 1006) so that the page starts reconnecting — which,
 * while cut, is refused again. Chromium's offline emulation is not used: it does not close an
 * open WebSocket.
 *
 * <p>One thread accepts; each connection has one thread per direction, copying bytes as they
 * come (no buffering beyond one read), so the proxy adds no delay worth measuring.
 */
public final class CuttableProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress server;
    /** Both ends of every connection forwarded now. */
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    private CuttableProxy(InetSocketAddress server) throws IOException {
        this.server = server;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to {@code port} on {@link Server#HOST}. */
    public static CuttableProxy to(int port) {
        try {
            return new CuttableProxy(new InetSocketAddress(Server.HOST, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port the proxy listens on, on {@link Server#HOST}. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Resets every connection through the proxy, and every new one until {@link #restore()}. */
    public void cut() {
        cut = true;
        sockets.forEach(this::reset);
    }

    /** Forwards new connections again. */
    public void restore() {
        cut = false;
    }

    @Override
    public void close() {
        closed = true;
        cut();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a listening socket does not fail in a way that matters here
        }
    }

    private void accept() {
        while (!closed) {
            Socket browser;
            try {
                browser = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                reset(browser);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(server);
            } catch (IOException e) {
                reset(browser);
                continue;
            }
            sockets.add(browser);
            sockets.add(upstream);
            if (cut) { // cut while connecting
                reset(browser);
                reset(upstream);
                continue;
            }
            copy(browser, upstream, "up");
            copy(upstream, browser, "down");
        }
    }

    /** Copies {@code from} to {@code to} on a thread of its own; when either ends, both are closed. */
    private void copy(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // a reset, or the other direction closed the sockets
            } finally {
                end(from);
                end(to);
            }
        }, "proxy-" + direction + "-" + from.getPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes with a TCP reset: no FIN, no close frame, as when the network goes. */
    private void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        end(socket);
    }

    /** Closes {@code socket} (with a FIN, unless reset) and forgets it. */
    private void end(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
