package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.NetlinkException;

/**
 * The vnet client part of the README's API tour, compiled and run against the module by the build. The regions
 * between {@code // tour:NAME} and {@code // end} are what the README shows.
 */
@Tag(ModuleSupport.TAG)
class VnetTourModuleTest {

    @Test
    void tour() throws NetlinkException {
        List<String> printed = new ArrayList<>();
        // tour:vnet-echo
        try (VnetClient client = VnetClient.open()) {          // resolves vnet_nl, checks the module's policy
            EchoReply reply = client.echo("hello", 42, true);   // read in place; echo(..., yourView): 0 B
            if (reply.messageEquals("hello") && reply.value() == 42 && reply.flag()) {
                printed.add(reply.toEcho().toString());          // ECHO msg="hello" value=42 flag=1 (a copy)
            }
            EchoReply partial = client.prepareEcho().value(7).send();  // each attribute optional
            printed.add("value only: " + partial.value() + ", message present: " + partial.hasMessage());
            // end

            // tour:vnet-stats
            DeviceStats vnet0 = client.stats(VnetClient.DEFAULT_IFNAME);
            printed.add(vnet0.ifname() + " tx_packets=" + vnet0.txPackets());
            // end

            // tour:vnet-echo-batch
            EchoBatch batch = client.newEchoBatch(16);          // made once, reused round after round
            for (int i = 0; i < 16; i++) {
                batch.add("hello", i, true);
            }
            batch.execute();                                    // one sendto, one recvmmsg
            long sum = 0;
            for (int i = 0; i < batch.size(); i++) {
                sum += batch.reply(i).value();                  // a typed view, or this entry's NetlinkException
            }
            printed.add("16 echoes, values summing to " + sum);
            // end

            // tour:vnet-events
            client.subscribe();
            client.echo("seen by every subscriber", 1, false);
            VnetEvent event = client.nextEvent(Duration.ofSeconds(5));
            switch (event) {
                case Echo echo -> printed.add("echo event: " + echo.message().orElse("-"));
                case LinkEvent link -> printed.add(link.ifname() + (link.up() ? " up" : " down"));
                case UnknownEvent unknown -> printed.add("newer module: command " + unknown.command());
            }
            // end
        }

        assertEquals("ECHO msg=\"hello\" value=42 flag=1", printed.get(0));
        assertEquals("value only: 7, message present: false", printed.get(1));
        assertTrue(printed.get(2).startsWith(VnetClient.DEFAULT_IFNAME + " tx_packets="), printed.get(2));
        assertEquals("16 echoes, values summing to 120", printed.get(3));
        assertEquals("echo event: seen by every subscriber", printed.get(4));
    }
}
