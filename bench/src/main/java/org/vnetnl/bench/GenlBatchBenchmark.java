package org.vnetnl.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlBatch;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.bench.ffm.CHeaders;

/**
 * A batch of {@code batch} requests through {@link GenlBatch}: written side by side into the batch's send buffer,
 * sent with one {@code sendto}, the replies read with one {@code recvmmsg} and one attribute of each read in
 * place. One operation is one whole batch: the report divides by {@code batch} for requests per second and
 * compares with the C twin, {@code bench/c/rt-batch} (client {@code c-batch}), and with {@code c-raw}.
 *
 * <ul>
 *   <li>{@code nlctrl}: CTRL_CMD_GETFAMILY("nlctrl"), on any Linux host.</li>
 *   <li>{@code vnet}: vnet_nl ECHO with MSG, VALUE and FLAG, each VALUE its own; needs the module.</li>
 * </ul>
 */
public class GenlBatchBenchmark extends RoundTripBenchmark {

    @Param({Payloads.NLCTRL, Payloads.VNET})
    public String target;

    @Param({"1", "16", "64"})
    public int batch;

    private GenlConnection connection;
    private GenlBatch requests;
    private Family family;
    private boolean echo;
    private int value;

    /** The benchmark's own reply view, rewrapped for every entry: reading a reply allocates nothing. */
    private final GenlMessage reply = new GenlMessage();

    @Setup(Level.Trial)
    public void open() throws NetlinkException {
        echo = Payloads.isVnet(target);
        connection = GenlConnection.open();
        family = connection.family(echo ? Payloads.VNET_FAMILY : Payloads.NLCTRL_FAMILY);
        // The same reply slot as the C twin's: 8 KiB, far above either reply.
        requests = connection.newBatch(batch, 8192);
    }

    @TearDown(Level.Trial)
    public void close() {
        connection.close();
    }

    @Benchmark
    public int roundTrip() throws NetlinkException {
        return echo ? echo() : getFamily();
    }

    private int getFamily() throws NetlinkException {
        for (int i = 0; i < batch; i++) {
            requests.add(family, CHeaders.CTRL_CMD_GETFAMILY())
                    .putString(CHeaders.CTRL_ATTR_FAMILY_NAME(), Payloads.NLCTRL_FAMILY);
        }
        requests.execute(Payloads.TIMEOUT);
        for (int i = 0; i < batch; i++) {
            AttributeReader attributes = requests.reply(i, reply).attributes();
            int id = attributes.seek(CHeaders.CTRL_ATTR_FAMILY_ID()) ? attributes.u16() : -1;
            if (id != family.id()) {
                throw new IllegalStateException("GETFAMILY returned family id " + id + ", expected " + family.id());
            }
        }
        return family.id();
    }

    private int echo() throws NetlinkException {
        int first = value + 1;
        for (int i = 0; i < batch; i++) {
            requests.add(family, CHeaders.VNET_NL_CMD_ECHO())
                    .putString(CHeaders.VNET_NL_ATTR_MSG(), Payloads.ECHO_MESSAGE)
                    .putU32(CHeaders.VNET_NL_ATTR_VALUE(), ++value)
                    .putU8(CHeaders.VNET_NL_ATTR_FLAG(), Payloads.ECHO_FLAG);
        }
        requests.execute(Payloads.TIMEOUT);
        for (int i = 0; i < batch; i++) {
            AttributeReader attributes = requests.reply(i, reply).attributes();
            if (!attributes.seek(CHeaders.VNET_NL_ATTR_VALUE()) || attributes.u32AsInt() != first + i) {
                throw new IllegalStateException("ECHO did not return VALUE " + Integer.toUnsignedString(first + i));
            }
        }
        return value;
    }
}
