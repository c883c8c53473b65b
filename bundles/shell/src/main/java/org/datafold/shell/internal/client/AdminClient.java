package org.datafold.shell.internal.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.datafold.support.socket.SocketPaths;
import org.datafold.shell.internal.AdminProtocol;
import org.datafold.support.home.HomePaths;

/**
 * {@code datafold shell}: runs Gogo commands on a running node over its admin socket. Uses only
 * the JDK, so it starts without the OSGi framework.
 *
 * <pre>
 * datafold shell [--socket PATH] [--wait SECONDS | --no-wait] [COMMAND...]
 * </pre>
 *
 * With a command, it runs it, prints the output and exits 0 when the command succeeded, 1 when it
 * failed, 2 when the node cannot be reached or refused the connection, 3 when the node did not
 * become ready in time. Without a command it reads command lines from standard input.
 */
public final class AdminClient {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_UNREACHABLE = 2;
    static final int EXIT_NOT_READY = 3;

    private AdminClient() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path socket = defaultSocket();
        long waitMillis = 60_000;
        boolean waitReady = true;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!words.isEmpty()) {
                words.add(a);
            } else if (a.equals("--socket") && i + 1 < args.length) {
                socket = Path.of(args[++i]);
            } else if (a.equals("--wait") && i + 1 < args.length) {
                waitMillis = parseSeconds(args[++i]) * 1000;
                if (waitMillis < 0) {
                    err.println("--wait needs a number of seconds");
                    return EXIT_FAILED;
                }
            } else if (a.equals("--no-wait")) {
                waitReady = false;
            } else if (a.equals("--help") || a.equals("-h")) {
                out.println("usage: datafold shell [--socket PATH] [--wait SECONDS | --no-wait] [COMMAND...]");
                return EXIT_OK;
            } else {
                words.add(a);
            }
        }
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        SocketChannel channel = connect(socket, waitReady ? deadline : System.nanoTime(), err);
        if (channel == null) {
            return EXIT_UNREACHABLE;
        }
        try (channel) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            if (waitReady) {
                long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                AdminProtocol.Frame f = exchange(in, o, AdminProtocol.AWAIT_READY, Long.toString(left));
                if (f == null || f.kind() != AdminProtocol.OK) {
                    err.println(f == null ? "node closed the connection" : f.text());
                    if (f != null && f.kind() == AdminProtocol.FAILED) {
                        return EXIT_FAILED;
                    }
                    if (f != null && f.kind() == AdminProtocol.NOT_READY) {
                        err.println("(see why with: datafold shell --no-wait fold:diag)");
                        return EXIT_NOT_READY;
                    }
                    return EXIT_UNREACHABLE;
                }
            }
            if (!words.isEmpty()) {
                return execute(in, o, commandLine(words), out, err);
            }
            return interactive(in, o, out, err);
        } catch (IOException e) {
            err.println("admin connection failed: " + e.getMessage());
            return EXIT_UNREACHABLE;
        }
    }

    private static int execute(DataInputStream in, DataOutputStream o, String line, PrintStream out,
            PrintStream err) throws IOException {
        AdminProtocol.Frame f = exchange(in, o, AdminProtocol.RUN, line);
        if (f == null) {
            err.println("node closed the connection");
            return EXIT_UNREACHABLE;
        }
        switch (f.kind()) {
            case AdminProtocol.OK -> {
                out.print(f.text());
                out.flush();
                return EXIT_OK;
            }
            case AdminProtocol.REFUSED -> {
                err.print(f.text());
                err.println();
                return EXIT_UNREACHABLE;
            }
            default -> {
                err.print(f.text());
                err.flush();
                return EXIT_FAILED;
            }
        }
    }

    private static int interactive(DataInputStream in, DataOutputStream o, PrintStream out, PrintStream err)
            throws IOException {
        boolean tty = System.console() != null;
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int last = EXIT_OK;
        while (true) {
            if (tty) {
                out.print("datafold> ");
                out.flush();
            }
            String line = stdin.readLine();
            if (line == null || line.trim().equals("exit") || line.trim().equals("quit")) {
                return last;
            }
            if (line.isBlank()) {
                continue;
            }
            last = execute(in, o, line, out, err);
            if (last == EXIT_UNREACHABLE) {
                return last;
            }
        }
    }

    /**
     * Sends one request and reads the answer. The node may have answered (and closed) before the
     * request was written, when it refuses the connection: that answer is still read and returned.
     */
    private static AdminProtocol.Frame exchange(DataInputStream in, DataOutputStream o, byte kind, String text)
            throws IOException {
        try {
            AdminProtocol.write(o, kind, text);
        } catch (IOException writeFailed) {
            AdminProtocol.Frame early;
            try {
                early = AdminProtocol.read(in, AdminProtocol.MAX_RESPONSE);
            } catch (IOException readFailed) {
                throw writeFailed;
            }
            if (early == null) {
                throw writeFailed;
            }
            return early;
        }
        return AdminProtocol.read(in, AdminProtocol.MAX_RESPONSE);
    }

    /** Connects, retrying until the deadline while the node is still starting. */
    private static SocketChannel connect(Path socket, long deadline, PrintStream err) {
        IOException last = null;
        do {
            if (Files.exists(socket)) {
                try {
                    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                    try {
                        ch.connect(UnixDomainSocketAddress.of(SocketPaths.forConnect(socket)));
                        return ch;
                    } catch (IOException e) {
                        ch.close();
                        throw e;
                    }
                } catch (IOException e) {
                    last = e;
                }
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            try {
                Thread.sleep(100); // polling for the node's socket to appear: no other signal exists yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (true);
        err.println("cannot reach the node at " + socket + (last == null ? ": no socket (is the node running?)"
                : ": " + last.getMessage()));
        return null;
    }

    /**
     * One argument is a Gogo command line as it is ({@code "lb; fold:diag"}). Several arguments are
     * words: each that is not a plain word is single-quoted for Gogo, so that JSON given on a Unix shell
     * command line ({@code fold:mutate Note create '{"title": "hi"}'}) reaches the command intact.
     */
    static String commandLine(List<String> words) {
        if (words.size() == 1) {
            return words.get(0);
        }
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (!w.isEmpty() && w.matches("[A-Za-z0-9_:.,/@+=-]+")) {
                sb.append(w);
            } else {
                // Single quotes are literal in Gogo; a quote inside is written '\'' as in POSIX shells.
                sb.append('\'').append(w.replace("'", "'\\''")).append('\'');
            }
        }
        return sb.toString();
    }

    static Path defaultSocket() {
        return HomePaths.resolve("run/admin.sock");
    }

    private static long parseSeconds(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
