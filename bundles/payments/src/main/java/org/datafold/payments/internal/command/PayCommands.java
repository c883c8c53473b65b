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
        "osgi.command.function=config" })
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
        Operation op;
        try {
            op = Operation.parse(operation);
        } catch (IllegalArgumentException e) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, e.getMessage());
        }
        List<String> names = new ArrayList<>();
        for (String f : fields.split(",")) {
            if (!f.isBlank()) {
                names.add(f.strip());
            }
        }
        return json(render(payments.quote(caller(as), schema, names, op), payments.charging()));
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
