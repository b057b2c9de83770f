#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""pyroute2's side of bench/routes-scale, run inside the network namespace (ip netns exec NS ...).

  routes-scale-peer.py routes    IPRoute().get_routes(family=AF_INET): every IPv4 route, each one's RTA_DST read
  routes-scale-peer.py links     IPRoute().get_links(): every link, each one's IFLA_IFNAME read

Prints one line of JSON, {"items": N, "seconds": S}: the items listed and the time from opening the socket to
the last one read (the script around it times the whole process).
"""

import json
import socket
import sys
import time

from pyroute2 import IPRoute


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode not in ("routes", "links"):
        print("usage: routes-scale-peer.py routes|links", file=sys.stderr)
        return 2
    start = time.monotonic()
    items = 0
    with IPRoute() as ipr:
        if mode == "routes":
            for route in ipr.get_routes(family=socket.AF_INET):
                route.get_attr("RTA_DST")
                items += 1
        else:
            for link in ipr.get_links():
                link.get_attr("IFLA_IFNAME")
                items += 1
    print(json.dumps({"items": items, "seconds": round(time.monotonic() - start, 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
