package org.vnetnl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.Nlctrl.CTRL_ATTR_FAMILY_ID;
import static org.vnetnl.genl.Nlctrl.CTRL_ATTR_FAMILY_NAME;
import static org.vnetnl.genl.Nlctrl.CTRL_CMD_GETFAMILY;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.FamilyNotFoundException;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlBatch;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;

/**
 * The generic netlink part of the README's API tour, compiled and run against the kernel by the build. The
 * regions between {@code // tour:NAME} and {@code // end} are what the README shows (ReadmeSnippetsTest checks
 * they stay identical).
 */
class GenlTourTest {

    @Test
    void tour() throws NetlinkException {
        List<String> printed = new ArrayList<>();
        // tour:resolve
        try (GenlConnection connection = GenlConnection.open()) {
            Family nlctrl = connection.family("nlctrl");
            printed.add(nlctrl.name() + " id=" + nlctrl.id() + " groups=" + nlctrl.multicastGroups());
            // end

            // tour:request
            AttributeWriter request = connection.prepare(nlctrl, CTRL_CMD_GETFAMILY);
            request.putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
            GenlMessage reply = connection.transact(Duration.ofSeconds(1));
            AttributeReader attrs = reply.attributes();        // read in place: valid until the next call
            while (attrs.next()) {
                if (attrs.type() == CTRL_ATTR_FAMILY_ID) {
                    printed.add("family id " + attrs.u16());
                }
            }
            // end
            assertEquals("family id 16", printed.get(1));

            // tour:dump
            connection.prepareDump(nlctrl, CTRL_CMD_GETFAMILY);
            connection.dump(Duration.ofSeconds(1), DumpInterruptPolicy.retry(3), new org.vnetnl.genl.DumpHandler() {
                @Override
                public void onMessage(GenlMessage family) {
                    AttributeReader a = family.attributes();
                    if (a.seek(CTRL_ATTR_FAMILY_NAME)) {
                        printed.add(a.string());
                    }
                }

                @Override
                public void onRestart() {
                    printed.clear();                           // an interrupted dump is run again from the start
                }
            });
            // end
            assertTrue(printed.contains("nlctrl"), printed.toString());

            // tour:batch
            GenlBatch batch = connection.newBatch(16);                 // made once, reused round after round
            for (String name : List.of("nlctrl", "absent_family", "nlctrl")) {
                batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, name);
            }
            batch.execute(Duration.ofSeconds(1));                      // one sendto, one recvmmsg
            for (int i = 0; i < batch.size(); i++) {
                try {
                    AttributeReader a = batch.reply(i).attributes();   // in place, like a transact reply
                    printed.add(a.seek(CTRL_ATTR_FAMILY_ID) ? "id " + a.u16() : "no id");
                } catch (NetlinkException e) {                         // this entry's own failure
                    printed.add(e.errnoName());
                }
            }
            // end
            assertEquals(List.of("id 16", "ENOENT", "id 16"), printed.subList(printed.size() - 3, printed.size()));

            // tour:errors
            try {
                connection.family("vnet_nl_missing");
            } catch (FamilyNotFoundException e) {
                printed.add(e.errnoName() + ": " + e.getMessage());
            } catch (NetlinkException e) {
                printed.add(e.errnoName() + " " + e.extAckMessage().orElse("") + " at " + e.extAckOffset());
            }
            // end
        }
        assertTrue(printed.getLast().startsWith("ENOENT: resolve generic netlink family \"vnet_nl_missing\""),
                printed.getLast());
    }

    /** The README's thread model: one connection shared by blocking calls, virtual threads, futures and dumps. */
    @Test
    void oneConnectionManyThreads() throws Exception {
        List<Future<Integer>> ids = new ArrayList<>();
        List<String> printed = new ArrayList<>();
        try (GenlConnection connection = GenlConnection.open()) {
            Family nlctrl = connection.family("nlctrl");
            // tour:threads
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String name : List.of("nlctrl", "netdev", "nlctrl")) {       // virtual threads, blocking
                    ids.add(pool.submit(() -> connection.family(name, Duration.ofSeconds(1)).id()));
                }
            }
            connection.prepare(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
            CompletableFuture<GenlMessage> future = connection.transactAsync(Duration.ofSeconds(1));  // a future
            future.thenAccept(reply -> printed.add("a reply of " + reply.length() + " bytes")).join();
            connection.prepareDump(nlctrl, CTRL_CMD_GETFAMILY);                 // streaming: part after part
            connection.dump(Duration.ofSeconds(1), DumpInterruptPolicy.FAIL, part -> printed.add(part.toString()));
            // end
        }
        assertEquals(16, ids.get(0).get());
        assertTrue(ids.get(1).get() > 16, "netdev's id " + ids.get(1).get());
        assertEquals(16, ids.get(2).get());
        assertTrue(printed.get(0).startsWith("a reply of "), printed.toString());
        assertTrue(printed.size() > 2, "the dump listed the families: " + printed);
    }
}
