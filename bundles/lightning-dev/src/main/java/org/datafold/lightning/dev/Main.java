package org.datafold.lightning.dev;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.lightningj.lnd.wrapper.SynchronousLndAPI;
import org.lightningj.lnd.wrapper.message.SendRequest;
import org.lightningj.lnd.wrapper.message.SendResponse;

/**
 * {@code datafold lightning-dev serve [--dir DIR] [--port N]}: runs the development Lightning node until
 * stopped, writing its port to {@code DIR/port}. {@code datafold lightning-dev pay [--dir DIR] REQUEST}:
 * pays a payment request through the running node's gRPC interface (TLS and macaroon, as a wallet talking
 * to its LND would) and prints the preimage.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        Path dir = Path.of("lightning-dev");
        int port = 10009;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> rest.add(args[i]);
            }
        }
        if (rest.isEmpty()) {
            return usage();
        }
        switch (rest.get(0)) {
            case "serve" -> {
                DevLightningNode node = DevLightningNode.start(dir, port);
                Files.writeString(dir.resolve("port"), Integer.toString(node.port()) + "\n");
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        node.close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    stop.countDown();
                }));
                System.out.println("DEVELOPMENT Lightning node (no real money, not LND) listening on 127.0.0.1:"
                        + node.port());
                System.out.println("  lnd_host = 127.0.0.1");
                System.out.println("  lnd_port = " + node.port());
                System.out.println("  lnd_tls_cert = " + node.tlsCert().toAbsolutePath());
                System.out.println("  lnd_macaroon = " + node.macaroonFile().toAbsolutePath());
                System.out.println("  node key " + node.identityPubkey());
                System.out.flush();
                stop.await();
                return 0;
            }
            case "pay" -> {
                if (rest.size() != 2) {
                    return usage();
                }
                Path portFile = dir.resolve("port");
                int p = Files.exists(portFile) ? Integer.parseInt(Files.readString(portFile).strip()) : port;
                SynchronousLndAPI api = new SynchronousLndAPI("127.0.0.1", p,
                        new File(dir.resolve("tls.cert").toString()), new File(dir.resolve("admin.macaroon").toString()));
                try {
                    SendRequest request = new SendRequest();
                    request.setPaymentRequest(rest.get(1));
                    SendResponse response = api.sendPaymentSync(request);
                    if (response.getPaymentError() != null && !response.getPaymentError().isEmpty()) {
                        System.err.println("payment failed: " + response.getPaymentError());
                        return 1;
                    }
                    System.out.println(HexFormat.of().formatHex(response.getPaymentPreimage()));
                    return 0;
                } finally {
                    api.close();
                }
            }
            default -> {
                return usage();
            }
        }
    }

    private static int usage() {
        System.err.println("usage: datafold lightning-dev [--dir DIR] [--port N] serve\n"
                + "       datafold lightning-dev [--dir DIR] pay PAYMENT_REQUEST");
        return 2;
    }
}
