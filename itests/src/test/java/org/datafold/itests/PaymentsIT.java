package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import org.junit.Rule;
import org.junit.Test;

/**
 * The payments bundle of the assembled node: {@code pay:quote} prices the shipped {@code Contact}
 * schema at the caller's trust distance, {@code pay:config} shows the shipped configuration, and a
 * bad value in {@code etc/org.datafold.payments.cfg} is refused with a message naming the key, in
 * {@code fold:diag} and in the log. With the development LND ({@code bin/datafold lightning-dev serve}),
 * {@code pay:invoice} creates the invoice of a price on it through lightningj (TLS and macaroon), a
 * payer pays it ({@code bin/datafold lightning-dev pay}), and {@code pay:status} sees it settled.
 */
public class PaymentsIT {
    @Rule
    public final NodeProcess proc = new NodeProcess("payments-");

    private NodeProcess.Result shell(String... command) throws Exception {
        String[] args = new String[command.length + 1];
        args[0] = "shell";
        System.arraycopy(command, 0, args, 1, command.length);
        NodeProcess.Result r = proc.datafold(args);
        assertEquals(r.all(), 0, r.exit());
        return r;
    }

    @Test
    public void quotesFollowTheTrustDistanceAndBadConfigurationIsRefused() throws Exception {
        proc.start();
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String key = Base64.getEncoder().encodeToString(raw);
        shell("perm:trust", key, "2", "reader");

        // Contact: schema multiplier 1.0; email x2.0 Linear(0.5, 1, 1) -> scale 2 -> 400;
        // phone x3.0 Exponential(2, 1, 1) -> scale 4 -> 1200
        String quote = shell("pay:quote", "--as", "reader", "Contact", "email,phone").out();
        assertTrue(quote, quote.replace(" ", "").contains("\"total\":1600"));
        assertTrue(quote, quote.replace(" ", "").contains("\"distance\":2"));
        assertTrue(quote, quote.replace(" ", "").contains("\"charging\":false"));
        String owner = shell("pay:quote", "--as", "owner", "Contact", "email,phone", "mutation").out();
        assertTrue(owner, owner.replace(" ", "").contains("\"total\":0") && owner.contains("\"owner\""));
        // a key not in the trust table: the shipped unknown_distance 3 -> email 500, phone 2400
        String stranger = shell("pay:quote", "Contact", "email,phone").out();
        assertTrue(stranger, stranger.replace(" ", "").contains("\"total\":2900"));
        NodeProcess.Result unknownField = proc.datafold("shell", "pay:quote", "Contact", "nope");
        assertTrue(unknownField.all(), unknownField.all().contains("FIELD_NOT_FOUND"));

        String config = shell("pay:config").out().replace(" ", "");
        assertTrue(config, config.contains("\"market_rate\":100") && config.contains("\"system_minimum\":50"));

        Path cfg = proc.home().resolve("etc/org.datafold.payments.cfg");
        Files.writeString(cfg, "market_rate = lots\n");
        String diag = "";
        for (int i = 0; i < 60 && !diag.contains("market_rate"); i++) {
            diag = proc.datafold("shell", "--no-wait", "fold:diag").all();
        }
        assertTrue(diag, diag.contains("org.datafold.payments refused: market_rate must be a whole number"));
        String log = Files.readString(proc.home().resolve("logs/datafold.log"));
        assertTrue(log, log.contains("org.datafold.payments refused: market_rate"));
        assertEquals(0, proc.datafold("stop").exit());
    }

    private static String member(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^\",\\s}]+)").matcher(json);
        assertTrue(name + " in " + json, m.find());
        return m.group(1);
    }

    @Test
    public void anInvoiceOnTheDevelopmentLndIsPaidAndSeenSettled() throws Exception {
        Path lndDir = proc.home().getParent().resolve("lnd");
        ProcessBuilder pb = new ProcessBuilder(proc.home().resolve("bin/datafold").toString(), "lightning-dev",
                "--dir", lndDir.toString(), "--port", "0", "serve");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(proc.home().getParent().resolve("lnd.log").toFile());
        Process lnd = pb.start();
        try {
            Path portFile = lndDir.resolve("port");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(portFile)
                    && !Files.readString(portFile).isBlank());
            String port = Files.readString(portFile).strip();
            Files.writeString(proc.home().resolve("etc/org.datafold.payments.cfg"), "lnd_host = 127.0.0.1\n"
                    + "lnd_port = " + port + "\n"
                    + "lnd_tls_cert = " + lndDir.resolve("tls.cert") + "\n"
                    + "lnd_macaroon = " + lndDir.resolve("admin.macaroon") + "\n");
            proc.start();
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            shell("perm:trust", Base64.getEncoder().encodeToString(raw), "2", "reader");

            String invoice = shell("pay:invoice", "--as", "reader", "Contact", "email,phone", "query").out();
            assertEquals(invoice, "1600", member(invoice, "amount_sat"));
            String request = member(invoice, "payment_request");
            String hash = member(invoice, "payment_hash");
            assertTrue(request, request.startsWith("lnbcrt16u1"));
            assertTrue(shell("pay:status", hash).out().contains("\"OPEN\""));

            NodeProcess.Result paid = proc.datafold("lightning-dev", "--dir", lndDir.toString(), "pay", request);
            assertEquals(paid.all(), 0, paid.exit());
            byte[] preimage = HexFormat.of().parseHex(paid.out().strip());
            assertEquals(hash, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(preimage)));
            String status = shell("pay:status", hash).out();
            assertTrue(status, status.contains("\"SETTLED\"") && status.replace(" ", "").contains(
                    "\"amount_paid_sat\":1600"));
            NodeProcess.Result again = proc.datafold("lightning-dev", "--dir", lndDir.toString(), "pay", request);
            assertEquals(again.all(), 1, again.exit());

            NodeProcess.Result malformed = proc.datafold("shell", "pay:status", "xyz");
            assertTrue(malformed.all(), malformed.all().contains("INVALID_ARGUMENT"));
            NodeProcess.Result free = proc.datafold("shell", "pay:invoice", "--as", "owner", "Contact", "email",
                    "query");
            assertTrue(free.all(), free.all().contains("nothing to pay"));
        } finally {
            lnd.destroy();
            lnd.waitFor();
        }
        // LND gone: a clear error, no invoice
        NodeProcess.Result down = proc.datafold("shell", "pay:invoice", "--as", "reader", "Contact", "email",
                "query");
        assertTrue(down.all(), down.all().contains("UNAVAILABLE") && down.all().contains("unreachable"));
        assertEquals(0, proc.datafold("stop").exit());
    }
}
