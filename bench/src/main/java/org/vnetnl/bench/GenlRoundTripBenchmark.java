package org.vnetnl.bench;

import java.io.IOException;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.vnetnl.bench.ffm.CHeaders;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/**
 * One request/reply round trip through the zero-copy facade, {@link GenlConnection}: the request is written
 * into the connection's native send buffer, sent with one {@code sendto}, the reply read with one
 * {@code recvmsg} into its receive buffer and its attribute read in place.
 *
 * <ul>
 *   <li>{@code nlctrl}: CTRL_CMD_GETFAMILY("nlctrl"), on any Linux host, module or not.</li>
 *   <li>{@code vnet}: vnet_nl ECHO with MSG, VALUE and FLAG, written attribute by attribute; needs the module.</li>
 *   <li>{@code ethtool}: ethtool channels-get of {@link Payloads#device()} (header nest with the device name), a
 *       lighter doit than GETFAMILY; in {@link Payloads#netns()} when set. Its numbers come from the kernel's
 *       ethtool spec ({@link Payloads#specs()}).</li>
 * </ul>
 */
public class GenlRoundTripBenchmark extends RoundTripBenchmark {

    @Param({Payloads.NLCTRL, Payloads.VNET, Payloads.ETHTOOL})
    public String target;

    private GenlConnection connection;
    /** The benchmark's own reply view, rewrapped by every round trip: a round trip allocates nothing. */
    private final GenlMessage view = new GenlMessage();
    private Family family;
    private int value;
    /** The ethtool target's numbers, from its spec. */
    private int channelsGet;
    private int channelsHeader;
    private int headerDevName;
    private int channelsRxCount;
    /** The device's rx channel count, read once before timing: what every timed reply must say again. */
    private long rxCount;

    @Setup(Level.Trial)
    public void open() throws IOException, NetlinkException {
        switch (target) {
            case Payloads.NLCTRL -> {
                connection = GenlConnection.open();
                family = connection.family(Payloads.NLCTRL_FAMILY);
            }
            case Payloads.VNET -> {
                connection = GenlConnection.open();
                family = connection.family(Payloads.VNET_FAMILY);
            }
            case Payloads.ETHTOOL -> {
                YnlSpec spec = SpecLoader.load(Payloads.specs().resolve(Payloads.ETHTOOL_FAMILY + ".yaml"));
                AttributeSet channels = spec.attributeSet("channels");
                channelsGet = spec.operation(Payloads.ETHTOOL_OPERATION).requestValue();
                channelsHeader = channels.attribute("header").orElseThrow().value();
                channelsRxCount = channels.attribute("rx-count").orElseThrow().value();
                headerDevName = spec.attributeSet("header").attribute("dev-name").orElseThrow().value();
                String netns = Payloads.netns();
                connection = netns == null ? GenlConnection.open()
                        : GenlConnection.openInNamespace(netns, ConnectionOptions.defaults());
                family = connection.family(Payloads.ETHTOOL_FAMILY);
                rxCount = -1; // unknown until the first reply, which fails the trial at once when it has none
                rxCount = channelsGet();
                if (rxCount < 0) {
                    throw new IllegalStateException("channels-get of " + Payloads.device() + " has no rx count");
                }
            }
            default -> throw new IllegalArgumentException("target must be " + Payloads.NLCTRL + ", " + Payloads.VNET
                    + " or " + Payloads.ETHTOOL + ", got " + target);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        connection.close();
    }

    @Benchmark
    public long roundTrip() throws NetlinkException {
        return switch (target) {
            case Payloads.VNET -> echo();
            case Payloads.ETHTOOL -> channelsGet();
            default -> getFamily();
        };
    }

    private int getFamily() throws NetlinkException {
        connection.prepare(family, CHeaders.CTRL_CMD_GETFAMILY())
                .putString(CHeaders.CTRL_ATTR_FAMILY_NAME(), Payloads.NLCTRL_FAMILY);
        GenlMessage reply = connection.transact(Payloads.TIMEOUT, view);
        AttributeReader attributes = reply.attributes();
        int id = attributes.seek(CHeaders.CTRL_ATTR_FAMILY_ID()) ? attributes.u16() : -1;
        if (id != family.id()) {
            throw new IllegalStateException("GETFAMILY returned family id " + id + ", expected " + family.id());
        }
        return id;
    }

    private int echo() throws NetlinkException {
        int sent = ++value;
        connection.prepare(family, CHeaders.VNET_NL_CMD_ECHO())
                .putString(CHeaders.VNET_NL_ATTR_MSG(), Payloads.ECHO_MESSAGE)
                .putU32(CHeaders.VNET_NL_ATTR_VALUE(), sent)
                .putU8(CHeaders.VNET_NL_ATTR_FLAG(), Payloads.ECHO_FLAG);
        GenlMessage reply = connection.transact(Payloads.TIMEOUT, view);
        AttributeReader attributes = reply.attributes();
        if (!attributes.seek(CHeaders.VNET_NL_ATTR_VALUE()) || attributes.u32AsInt() != sent) {
            throw new IllegalStateException("ECHO did not return VALUE " + Integer.toUnsignedString(sent));
        }
        return sent;
    }

    private long channelsGet() throws NetlinkException {
        AttributeWriter request = connection.prepare(family, channelsGet);
        int header = request.beginNested(channelsHeader);
        request.putString(headerDevName, Payloads.device());
        request.endNested(header);
        GenlMessage reply = connection.transact(Payloads.TIMEOUT, view);
        AttributeReader attributes = reply.attributes();
        long count = attributes.seek(channelsRxCount) ? attributes.u32() : -1;
        if (rxCount >= 0 && count != rxCount) {
            throw new IllegalStateException("channels-get returned rx count " + count + ", expected " + rxCount);
        }
        return count;
    }
}
