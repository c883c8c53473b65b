package org.datafold.payments.internal.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.query.Caller;
import org.datafold.payments.api.FieldPrice;
import org.datafold.payments.api.Operation;
import org.datafold.payments.api.PriceQuote;
import org.datafold.payments.internal.PaymentService;
import org.datafold.payments.internal.lnd.LndInvoice;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * {@code pay:quote} prints the price of an operation for a caller as JSON; {@code pay:config} the
 * payments configuration in effect. Both work whether charging is on or off.
 */
@Component(service = PayCommands.class, property = {
        "osgi.command.scope=pay",
        "osgi.command.function=quote",
        "osgi.command.function=config",
        "osgi.command.function=invoice",
        "osgi.command.function=status" })
public final class PayCommands {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PaymentService payments;
    private final PermissionService permissions;

    @Activate
    public PayCommands(@Reference PaymentService payments, @Reference PermissionService permissions) {
        this.payments = payments;
        this.permissions = permissions;
    }

    @Descriptor("Price a query on some fields of a schema, as JSON (for a key not in the trust table unless --as)")
    public String quote(
            @Descriptor("price for this key or trust-table label (owner: free)")
            @Parameter(names = { "--as" }, absentValue = "") String as,
            @Descriptor("schema name") String schema,
            @Descriptor("fields, comma separated") String fields) {
        return quote(as, schema, fields, "query");
    }

    @Descriptor("Price a query or a mutation on some fields of a schema, as JSON")
    public String quote(
            @Descriptor("price for this key or trust-table label (owner: free)")
            @Parameter(names = { "--as" }, absentValue = "") String as,
            @Descriptor("schema name") String schema,
            @Descriptor("fields, comma separated") String fields,
            @Descriptor("query or mutation") String operation) {
        return json(render(payments.quote(caller(as), schema, fieldList(fields), operation(operation)),
                payments.charging()));
    }

    @Descriptor("Create on the owner's LND the invoice a caller pays for a query or mutation, as JSON")
    public String invoice(
            @Descriptor("the paying key or trust-table label (a key not in the trust table unless given)")
            @Parameter(names = { "--as" }, absentValue = "") String as,
            @Descriptor("schema name") String schema,
            @Descriptor("fields, comma separated") String fields,
            @Descriptor("query or mutation") String operation) {
        PaymentService.Invoiced invoiced = payments.invoice(caller(as), schema, fieldList(fields),
                operation(operation));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("amount_sat", invoiced.quote().total());
        out.put("payment_request", invoiced.invoice().paymentRequest());
        out.put("payment_hash", invoiced.invoice().paymentHash());
        out.put("expires_at", invoiced.invoice().expiresAt());
        out.put("price", render(invoiced.quote(), payments.charging()));
        return json(out);
    }

    @Descriptor("Show an invoice as the owner's LND reports it (state OPEN, ACCEPTED, SETTLED or CANCELED)")
    public String status(@Descriptor("payment hash, 64 hex digits") String paymentHash) {
        LndInvoice inv = payments.status(paymentHash);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("payment_hash", inv.paymentHash());
        out.put("state", inv.state());
        out.put("amount_sat", inv.valueSat());
        out.put("amount_paid_sat", inv.amountPaidSat());
        out.put("created_at", inv.createdAt());
        out.put("expires_at", inv.expiresAt());
        out.put("memo", inv.memo());
        return json(out);
    }

    private static List<String> fieldList(String fields) {
        List<String> names = new ArrayList<>();
        for (String f : fields.split(",")) {
            if (!f.isBlank()) {
                names.add(f.strip());
            }
        }
        return names;
    }

    private static Operation operation(String text) {
        try {
            return Operation.parse(text);
        } catch (IllegalArgumentException e) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, e.getMessage());
        }
    }

    @Descriptor("Show the payments configuration in effect (PID org.datafold.payments)")
    public String config() {
        return json(payments.settings().describe());
    }

    private Caller caller(String as) {
        if (as == null || as.isBlank()) {
            return Caller.key(UNKNOWN_KEY);
        }
        String key = permissions.resolve(as);
        return key.equals(permissions.ownerKey()) ? Caller.localOwner() : Caller.key(key);
    }

    /** A key nobody holds (32 zero bytes), standing for "a key that is not in the trust table". */
    static final String UNKNOWN_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    static Map<String, Object> render(PriceQuote q, boolean charging) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schema", q.schema());
        out.put("operation", q.operation().name().toLowerCase());
        out.put("total", q.total());
        out.put("distance", q.distance());
        out.put("free", q.free());
        out.put("charging", charging);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, FieldPrice> e : q.fields().entrySet()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("amount", e.getValue().amount());
            f.put("scale", e.getValue().scale());
            f.put("raised_by", e.getValue().raisedBy());
            fields.put(e.getKey(), f);
        }
        out.put("fields", fields);
        return out;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new FoldException(ErrorCode.INTERNAL, "cannot render as JSON: " + e.getMessage(), e);
        }
    }
}
