package org.datafold.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.datafold.testsupport.FakePermissions;
import org.datafold.api.query.Caller;
import org.datafold.lightning.dev.DevLightningNode;
import org.datafold.payments.api.Operation;
import org.datafold.payments.api.PriceQuote;
import org.datafold.payments.internal.PaymentService;
import org.datafold.payments.internal.PaymentSettings;
import org.datafold.payments.internal.lnd.LndConnection;
import org.datafold.payments.internal.lnd.LndInvoice;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What paying adds to a request: the price quote (in process), and the Lightning round trips of a paid
 * request (an invoice created on LND, paid by the payer, and looked up to verify it is settled) against
 * the development LND over TLS with the macaroon, through lightningj as in the node. Compare with
 * {@code QueryBenchmark.singleSchemaOneField}, an unpaid request.
 */
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PaymentBenchmark {

    private static final List<String> ONE_FIELD = List.of(BenchRegistry.profileField(3));

    /** The payments service, the development LND and the node's connection to it. */
    @State(Scope.Benchmark)
    public static class Lightning {
        Path dir;
        DevLightningNode lnd;
        LndConnection connection;
        PaymentService payments;
        Caller caller;

        @Setup(Level.Trial)
        public void start() throws Exception {
            dir = Files.createTempDirectory("bench-lnd");
            lnd = DevLightningNode.start(dir, 0);
            connection = new LndConnection("127.0.0.1", lnd.port(), lnd.tlsCert(), lnd.macaroonFile());
            payments = new PaymentService(PaymentSettings.defaults(), new BenchRegistry(), new FakePermissions());
            caller = Caller.key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            connection.close();
            lnd.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The price of a one-field query for a key not in the trust table. */
    @Benchmark
    public PriceQuote quote(Lightning s) {
        return s.payments.quote(s.caller, BenchRegistry.PROFILE, ONE_FIELD, Operation.QUERY);
    }

    /** Quote, invoice on LND, the payer pays, lookup on LND (the verification). */
    @Benchmark
    public LndInvoice quoteInvoicePayVerify(Lightning s) {
        PriceQuote quote = s.payments.quote(s.caller, BenchRegistry.PROFILE, ONE_FIELD, Operation.QUERY);
        LndInvoice invoice = s.connection.addInvoice(quote.total(), "bench", 600);
        s.lnd.pay(invoice.paymentRequest());
        LndInvoice settled = s.connection.lookup(HexFormat.of().parseHex(invoice.paymentHash()));
        if (!"SETTLED".equals(settled.state())) {
            throw new IllegalStateException("not settled: " + settled.state());
        }
        return settled;
    }
}
