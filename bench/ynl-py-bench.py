# SPDX-License-Identifier: Apache-2.0
"""The kernel's Python YNL library (tools/net/ynl/lib/ynl.py, YnlFamily) in a loop on the operations
org.vnetnl.bench.YnlClientBenchmark and c/ynl-bench.c measure; the family is opened (spec parsed, family id
resolved) before the clock starts, so start-up is excluded.

    ynl-py-bench.py --ynl <linux>/tools/net/ynl --specs <linux>/Documentation/netlink/specs \
        --op nlctrl-getfamily|netdev-dev-get-dump|ethtool-channels-get [--device NAME] \
        [--iterations N] [--warmup N]

Prints JSON: the mean and p50 per operation in ns (p50 of the raw samples, not JMH's histogram), like the C
clients' reports in the fields bench/report.py ynl reads.
"""
import argparse
import json
import statistics
import sys
import time

OPERATIONS = {
    # operation: (family, how it is called, the field read from the reply)
    'nlctrl-getfamily': ('nlctrl', lambda ynl, dev: ynl.do('getfamily', {'family-name': 'nlctrl'})['family-id']),
    'netdev-dev-get-dump': ('netdev', lambda ynl, dev: len(ynl.dump('dev-get', {}))),
    'ethtool-channels-get': ('ethtool', lambda ynl, dev: ynl.do(
        'channels-get', {'header': {'dev-name': dev}}).get('combined-count', 0)),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--ynl', required=True, help='tools/net/ynl of the kernel source')
    parser.add_argument('--specs', required=True, help='Documentation/netlink/specs of the kernel source')
    parser.add_argument('--op', required=True, choices=sorted(OPERATIONS))
    parser.add_argument('--device', default='veth0')
    parser.add_argument('--iterations', type=int, default=20000)
    parser.add_argument('--warmup', type=int, default=2000)
    args = parser.parse_args()
    sys.path.insert(0, args.ynl)
    from lib import YnlFamily  # the kernel's library, from the given tree

    family, call = OPERATIONS[args.op]
    # schema='' skips the optional jsonschema validation: part of start-up, not of an operation.
    ynl = YnlFamily(f'{args.specs}/{family}.yaml', schema='')
    for _ in range(args.warmup):
        call(ynl, args.device)
    samples = []
    now = time.monotonic_ns
    for _ in range(args.iterations):
        start = now()
        call(ynl, args.device)
        samples.append(now() - start)
    json.dump({'client': 'python-ynl', 'target': args.op, 'iterations': args.iterations, 'warmup': args.warmup,
               'unit': 'ns', 'mean': statistics.fmean(samples), 'p50': statistics.median(samples)},
              sys.stdout, indent=2)
    print()


if __name__ == '__main__':
    main()
