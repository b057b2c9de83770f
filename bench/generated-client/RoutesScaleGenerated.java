package org.vnetnl.bench.generated;

import java.lang.foreign.ValueLayout;
import java.time.Duration;

import org.vnetnl.bench.rtroute.RouteAttrsReader;
import org.vnetnl.bench.rtroute.RtRoute;
import org.vnetnl.bench.rtroute.RtRouteClient;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.DumpResult;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;

/**
 * The generated rt_route client's row of {@code bench/routes-scale}: the IPv4 route dump of network namespace NS
 * through {@code RtRouteClient.getrouteDump()}, the client bench/routes-scale generates from the kernel's
 * rt_route.yaml (package org.vnetnl.bench.rtroute) with the library's generator before compiling this. Each route's
 * fixed header and destination are read; prints one line of JSON as RoutesScale does.
 *
 * <pre>
 *   RoutesScaleGenerated NS
 * </pre>
 */
public final class RoutesScaleGenerated {

    private static final int AF_INET = 2;

    private RoutesScaleGenerated() {}

    public static void main(String[] args) throws NetlinkException {
        if (args.length != 1) {
            System.err.println("usage: RoutesScaleGenerated NS");
            System.exit(2);
        }
        long start = System.nanoTime();
        long[] count = {0, 0};
        try (GenlConnection connection = GenlConnection.openRawInNamespace(args[0], RtRoute.PROTONUM,
                ConnectionOptions.defaults())) {
            RtRouteClient routes = RtRouteClient.open(connection).timeout(Duration.ofSeconds(30));
            DumpResult result = routes.getrouteDump().rtmFamily(AF_INET).dump(DumpInterruptPolicy.retry(3),
                    new RtRouteClient.ReplyHandler<RouteAttrsReader>() {
                        @Override
                        public void onReply(RouteAttrsReader route) {
                            count[0]++;
                            count[1] += route.header().rtmTable();
                            if (route.hasRtaDst()) {
                                count[1] += route.rtaDst().get(ValueLayout.JAVA_INT_UNALIGNED, 0);
                            }
                        }

                        @Override
                        public void onRestart() {
                            count[0] = 0;
                        }
                    });
            if (result.messages() != count[0]) {
                throw new IllegalStateException("delivered " + result.messages() + ", counted " + count[0]);
            }
        }
        System.out.printf("{\"items\": %d, \"seconds\": %.4f, \"spec_seconds\": 0}%n", count[0],
                (System.nanoTime() - start) / 1e9);
    }
}
