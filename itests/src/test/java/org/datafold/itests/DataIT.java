package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.query.Caller;
import org.datafold.api.query.FieldChange;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.Query;
import org.junit.Test;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** Schemas and data through the FoldNode service and the Gogo commands, in the real runtime. */
public class DataIT extends NodeTestBase {
    static final String READING = """
            {
              "name": "ItReading",
              "schema_type": {"Range": {"range_key": "sensor"}},
              "payment_config": {"base_multiplier": 1.0, "min_payment_threshold": 0},
              "fields": {"sensor": %s, "celsius": %s}
            }
            """.formatted(Gogo.field("Range"), Gogo.field("Range"));

    @Inject
    FoldNode node;

    @Inject
    CommandProcessor processor;

    @Test
    public void schemaLifecycleAndDataThroughTheShell() throws Exception {
        assertEquals("ItReading Available", node.loadSchema(READING, "it").schema().name() + " "
                + node.schema("ItReading").state().displayName());
        try {
            node.query(Caller.localOwner(), Query.of("ItReading", List.of("celsius")));
            fail("an Available schema cannot be queried");
        } catch (FoldException e) {
            assertEquals(ErrorCode.SCHEMA_NOT_APPROVED, e.code());
        }
        assertEquals("ItReading Approved", run("schema:approve ItReading").trim());
        assertTrue(run("schema:list"), run("schema:list").contains("ItReading"));

        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class, events::add,
                new java.util.Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, FieldChange.TOPIC)));
        try {
            String written = run("fold:mutate ItReading create '{\"sensor\": \"s1\", \"celsius\": 20.5}'");
            assertTrue(written, written.contains("\"range_key\" : \"s1\""));
            run("fold:mutate ItReading update '{\"sensor\": \"s1\", \"celsius\": 21}'");
            run("fold:mutate ItReading create '{\"sensor\": \"s2\", \"celsius\": -3}'");
            Event first = events.poll(30, TimeUnit.SECONDS);
            assertTrue("a field-change event after commit", first != null);
            assertEquals("ItReading", first.getProperty(FieldChange.SCHEMA));
        } finally {
            reg.unregister();
        }

        String all = run("fold:query ItReading celsius");
        assertTrue(all, all.contains("\"s1\"") && all.contains("\"s2\""));
        String one = run("fold:query ItReading celsius '{\"Key\": \"s1\"}'");
        assertTrue(one, one.contains("21") && !one.contains("\"s2\""));
        String history = run("fold:history ItReading celsius s1");
        assertTrue(history, history.indexOf("21") < history.indexOf("20.5"));

        try {
            run("fold:mutate ItReading create '{\"celsius\": 1}'");
            fail("a range mutation without its range key is refused");
        } catch (FoldException e) {
            assertEquals(ErrorCode.INVALID_VALUE, e.code());
        }
        assertEquals("ItReading Blocked", run("schema:block ItReading").trim());
        try {
            node.mutate(Caller.localOwner(), new Mutation("ItReading", Mutation.Type.CREATE,
                    Map.of("sensor", "s3", "celsius", 1)));
            fail("a Blocked schema cannot be written");
        } catch (FoldException e) {
            assertEquals(ErrorCode.SCHEMA_NOT_APPROVED, e.code());
        }
        assertEquals("ItReading Approved", run("schema:approve ItReading").trim());
        assertTrue("data kept while blocked", run("fold:query ItReading celsius").contains("\"s2\""));
    }

    private String run(String command) throws Exception {
        return Gogo.run(processor, command);
    }
}
