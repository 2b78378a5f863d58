package dev.obsbootstrap.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the simulated API server that a test can cut: {@link #cut()} closes the listening port and
 * every open connection, so clients get "connection refused" (and their watches break) as when the API server goes
 * away; {@link #restore()} listens on the same port again. For outage scenarios only.
 */
public final class TcpProxy implements AutoCloseable {
    private final int targetPort;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    private TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        this.server = bind(0);
        this.port = server.getLocalPort();
        acceptLoop(server);
    }

    public static TcpProxy to(int targetPort) {
        return new TcpProxy(targetPort);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Refuse every new connection and drop the open ones. */
    public synchronized void cut() {
        closeQuietly(server);
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /** Accept connections again, on the same port. */
    public synchronized void restore() {
        if (!server.isClosed()) {
            return;
        }
        server = bind(port);
        acceptLoop(server);
    }

    @Override
    public void close() {
        cut();
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private void acceptLoop(ServerSocket listening) {
        Thread acceptor = new Thread(
                () -> {
                    while (!listening.isClosed()) {
                        try {
                            Socket client = listening.accept();
                            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                            open.add(client);
                            open.add(upstream);
                            pump(client, upstream);
                            pump(upstream, client);
                        } catch (IOException e) {
                            return; // closed by cut()
                        }
                    }
                },
                "tcp-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void pump(Socket from, Socket to) {
        Thread pump = new Thread(
                () -> {
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        byte[] buffer = new byte[16 * 1024];
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, read);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // one side went away
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        open.remove(from);
                        open.remove(to);
                    }
                },
                "tcp-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
