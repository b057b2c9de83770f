package org.vnetnl.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.internal.libnl.LibNl;
import org.vnetnl.internal.uapi.VnetNlUapi;

/**
 * One request/reply round trip through the zero-copy facade, {@link GenlConnection}: the request is written
 * into the connection's native send buffer, sent with one {@code sendto}, the reply read with one
 * {@code recvmsg} into its receive buffer and its attribute read in place.
 *
 * <ul>
 *   <li>{@code nlctrl}: CTRL_CMD_GETFAMILY("nlctrl"), on any Linux host, module or not.</li>
 *   <li>{@code vnet}: vnet_nl ECHO with MSG, VALUE and FLAG, written attribute by attribute; needs the module.</li>
 * </ul>
 */
public class GenlRoundTripBenchmark extends RoundTripBenchmark {

    @Param({Payloads.NLCTRL, Payloads.VNET})
    public String target;

    private GenlConnection connection;
    private Family family;
    private boolean echo;
    private int value;

    @Setup(Level.Trial)
    public void open() throws NetlinkException {
        echo = Payloads.isVnet(target);
        connection = GenlConnection.open();
        family = connection.family(echo ? Payloads.VNET_FAMILY : Payloads.NLCTRL_FAMILY);
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
        connection.prepare(family, LibNl.CTRL_CMD_GETFAMILY())
                .putString(LibNl.CTRL_ATTR_FAMILY_NAME(), Payloads.NLCTRL_FAMILY);
        GenlMessage reply = connection.transact(Payloads.TIMEOUT);
        AttributeReader attributes = reply.attributes();
        int id = attributes.seek(LibNl.CTRL_ATTR_FAMILY_ID()) ? attributes.u16() : -1;
        if (id != family.id()) {
            throw new IllegalStateException("GETFAMILY returned family id " + id + ", expected " + family.id());
        }
        return id;
    }

    private int echo() throws NetlinkException {
        int sent = ++value;
        connection.prepare(family, VnetNlUapi.VNET_NL_CMD_ECHO())
                .putString(VnetNlUapi.VNET_NL_ATTR_MSG(), Payloads.ECHO_MESSAGE)
                .putU32(VnetNlUapi.VNET_NL_ATTR_VALUE(), sent)
                .putU8(VnetNlUapi.VNET_NL_ATTR_FLAG(), Payloads.ECHO_FLAG);
        GenlMessage reply = connection.transact(Payloads.TIMEOUT);
        AttributeReader attributes = reply.attributes();
        if (!attributes.seek(VnetNlUapi.VNET_NL_ATTR_VALUE()) || attributes.u32AsInt() != sent) {
            throw new IllegalStateException("ECHO did not return VALUE " + Integer.toUnsignedString(sent));
        }
        return sent;
    }
}
