package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.Rule;
import org.junit.Test;

/**
 * The payments bundle of the assembled node: {@code pay:quote} prices the shipped {@code Contact}
 * schema at the caller's trust distance, {@code pay:config} shows the shipped configuration, and a
 * bad value in {@code etc/org.datafold.payments.cfg} is refused with a message naming the key, in
 * {@code fold:diag} and in the log.
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
}
