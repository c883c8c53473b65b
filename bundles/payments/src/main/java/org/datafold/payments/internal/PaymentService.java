package org.datafold.payments.internal;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.PublicKeys;
import org.datafold.api.permission.TrustEntry;
import org.datafold.api.query.Caller;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.Schema;
import org.datafold.payments.api.FieldPrice;
import org.datafold.payments.api.Operation;
import org.datafold.payments.api.Payments;
import org.datafold.payments.api.PriceQuote;
import org.datafold.payments.internal.lnd.LndConnection;
import org.datafold.payments.internal.lnd.LndInvoice;
import org.datafold.schema.api.SchemaRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices operations: the sum over the fields of {@link PriceFormula#fieldPrice}, at the caller's trust
 * distance. The owner, keys at distance 0 and the exempt keys or labels pay nothing; a key that is not
 * in the trust table (or is malformed) is priced at {@code unknown_distance}.
 */
@Component(service = { Payments.class, PaymentService.class }, immediate = true, configurationPid = PaymentsConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PaymentsConfig.class)
public final class PaymentService implements Payments {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentService.class);

    public static final String FREE_OWNER = "owner";
    public static final String FREE_DISTANCE_0 = "distance_0";
    public static final String FREE_EXEMPT = "exempt";

    private final PaymentSettings settings;
    private final SchemaRegistry schemas;
    private final PermissionService permissions;
    /** The connection to the owner's LND, opened on first use; guarded by this. */
    private LndConnection lnd;

    @Activate
    public PaymentService(Map<String, Object> properties, @Reference SchemaRegistry schemas,
            @Reference PermissionService permissions) {
        this(settings(properties), schemas, permissions);
    }

    public PaymentService(PaymentSettings settings, SchemaRegistry schemas, PermissionService permissions) {
        this.settings = settings;
        this.schemas = schemas;
        this.permissions = permissions;
        LOG.debug("payments: charging={} market_rate={} system_minimum={}", settings.charging(),
                settings.marketRate(), settings.systemMinimum());
    }

    private static PaymentSettings settings(Map<String, Object> properties) {
        try {
            return PaymentSettings.from(properties);
        } catch (FoldException e) {
            LOG.error("{}", e.getMessage());
            throw e;
        }
    }

    public PaymentSettings settings() {
        return settings;
    }

    @Override
    public boolean charging() {
        return settings.charging();
    }

    @Override
    public PriceQuote quote(Caller caller, String schemaName, Collection<String> fieldNames, Operation operation) {
        if (fieldNames == null || fieldNames.isEmpty()) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "name at least one field to price");
        }
        if (operation == null) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "name the operation: query or mutation");
        }
        Schema schema = schemas.get(schemaName).schema();
        Set<String> fields = new LinkedHashSet<>(fieldNames);
        for (String f : fields) {
            if (schema.field(f) == null) {
                throw new FoldException(ErrorCode.FIELD_NOT_FOUND, "schema " + schema.name() + " has no field '" + f
                        + "' (fields: " + String.join(", ", schema.fields().keySet()) + ")");
            }
        }
        Who who = who(caller);
        Map<String, FieldPrice> prices = new LinkedHashMap<>();
        long total = 0;
        for (String f : fields) {
            FieldPrice price;
            if (who.free != null) {
                price = new FieldPrice(0, 0, null);
            } else {
                FieldDefinition def = schema.field(f);
                price = PriceFormula.fieldPrice(f, settings.marketRate(), schema.payment().baseMultiplier(),
                        def.payment(), schema.payment().minPaymentThreshold(), settings.systemMinimum(),
                        who.distance);
                total = PriceFormula.add(total, price.amount(), f);
            }
            prices.put(f, price);
        }
        return new PriceQuote(schema.name(), operation, total, who.distance, who.free, prices);
    }

    /**
     * The owner's LND, connected on first use.
     *
     * @throws FoldException {@code UNAVAILABLE} when no LND is configured, {@code CONFIGURATION_INVALID}
     *         when its certificate or macaroon cannot be read
     */
    public synchronized LndConnection lnd() {
        if (settings.lndTlsCert().isBlank() || settings.lndMacaroon().isBlank()) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "no Lightning backend is configured: set "
                    + PaymentSettings.LND_TLS_CERT + " and " + PaymentSettings.LND_MACAROON + " in "
                    + PaymentsConfig.PID);
        }
        if (lnd == null) {
            lnd = new LndConnection(settings.lndHost(), settings.lndPort(), java.nio.file.Path.of(settings.lndTlsCert()),
                    java.nio.file.Path.of(settings.lndMacaroon()));
        }
        return lnd;
    }

    /**
     * An invoice on the owner's LND for the price of an operation: what a caller is asked to pay.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when the caller pays nothing for it, or the errors of
     *         {@link #quote} and {@link #lnd()}; {@code UNAVAILABLE} when LND cannot be reached
     */
    public Invoiced invoice(Caller caller, String schemaName, Collection<String> fields, Operation operation) {
        PriceQuote quote = quote(caller, schemaName, fields, operation);
        if (quote.total() == 0) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "nothing to pay: this operation is free for the caller"
                    + (quote.free() == null ? "" : " (" + quote.free() + ")"));
        }
        String who = caller.isOwner() ? "owner" : PublicKeys.isKey(caller.publicKey())
                ? PublicKeys.fingerprint(caller.publicKey()) : "unknown";
        String memo = "DataFold " + operation.name().toLowerCase() + " " + quote.schema() + " "
                + String.join(",", quote.fields().keySet()) + " for " + who;
        LndInvoice invoice = lnd().addInvoice(quote.total(), memo, settings.invoiceExpirySeconds());
        LOG.info("payments: invoice {} for {} sat ({} {} of {})", invoice.paymentHash(), quote.total(),
                operation.name().toLowerCase(), quote.schema(), who);
        return new Invoiced(quote, invoice);
    }

    /** An invoice and the price it asks for. */
    public record Invoiced(PriceQuote quote, LndInvoice invoice) {
    }

    /**
     * The invoice with this payment hash, as LND reports it.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} for a hash that is not 64 hex digits,
     *         {@code NOT_FOUND} when LND does not know it
     */
    public LndInvoice status(String paymentHash) {
        return lnd().lookup(parseHash(paymentHash));
    }

    /** 32 bytes from 64 hex digits, or {@code INVALID_ARGUMENT}. */
    public static byte[] parseHash(String hex) {
        if (hex == null || !hex.strip().matches("[0-9a-fA-F]{64}")) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a payment hash is 64 hex digits (32 bytes)");
        }
        return java.util.HexFormat.of().parseHex(hex.strip());
    }

    @Deactivate
    synchronized void close() {
        if (lnd != null) {
            lnd.close();
            lnd = null;
        }
    }

    private record Who(int distance, String free) {
    }

    private Who who(Caller caller) {
        if (caller.isOwner()) {
            return new Who(0, FREE_OWNER);
        }
        String key = PublicKeys.isKey(caller.publicKey()) ? PublicKeys.normalize(caller.publicKey()) : null;
        if (key == null) {
            return new Who(settings.unknownDistance(), null);
        }
        if (key.equals(permissions.ownerKey())) {
            return new Who(0, FREE_OWNER);
        }
        TrustEntry entry = null;
        for (TrustEntry e : permissions.keys()) {
            if (e.key().equals(key)) {
                entry = e;
                break;
            }
        }
        int distance = entry == null ? settings.unknownDistance() : entry.distance();
        if (settings.exempt().contains(key) || (entry != null && entry.label() != null
                && settings.exempt().contains(entry.label()))) {
            return new Who(distance, FREE_EXEMPT);
        }
        if (distance == 0) {
            return new Who(0, FREE_DISTANCE_0);
        }
        return new Who(distance, null);
    }
}
