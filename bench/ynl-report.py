# SPDX-License-Identifier: Apache-2.0
"""Report of bench/run's ynl part: YnlClient (JMH average time) against the kernel's C and Python YNL libraries
(their clients' mean per operation), per round and as the median over rounds with the spread (min-max), and the
issue's targets on the medians of the per-round ratios.

    ynl-report.py --input bench/target/run-ynl --mode full|smoke --out-dir DIR --command 'bench/run --ynl'
"""
import argparse
import datetime
import json
import pathlib
import statistics

OPERATIONS = ['nlctrl-getfamily', 'netdev-dev-get-dump', 'ethtool-channels-get']
JAVA_WITHIN_C = 1.5      # YnlClient at most 1.5x C YNL per operation
PYTHON_OVER_JAVA = 8.0   # YnlClient at least 8x faster than the Python library


def read_round(folder):
    """{operation: {path: us/op}} of one round."""
    values = {op: {} for op in OPERATIONS}
    for op in OPERATIONS:
        for path in ('c-ynl', 'python-ynl'):
            report = json.loads((folder / f'{path}.{op}.json').read_text())
            values[op][path] = report['mean'] / 1000.0
    for result in json.loads((folder / 'jmh.json').read_text()):
        metric = result['primaryMetric']
        scale = {'ns/op': 1e-3, 'us/op': 1.0}[metric['scoreUnit']]
        values[result['params']['operation']]['java-ynl'] = metric['score'] * scale
    return values


def spread(values):
    return {'median': statistics.median(values), 'min': min(values), 'max': max(values), 'rounds': values}


def fmt(s, digits=1):
    return f"{s['median']:,.{digits}f} ({s['min']:,.{digits}f}-{s['max']:,.{digits}f})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--input', required=True, type=pathlib.Path)
    parser.add_argument('--mode', required=True)
    parser.add_argument('--out-dir', required=True, type=pathlib.Path)
    parser.add_argument('--command', required=True)
    args = parser.parse_args()

    meta = json.loads((args.input / 'meta.json').read_text())
    after = (args.input / 'loadavg-after').read_text().split()
    rounds = [read_round(d) for d in sorted(args.input.glob('round-*'), key=lambda p: int(p.name.split('-')[1]))]
    summary = {}
    for op in OPERATIONS:
        per_round = [r[op] for r in rounds]
        java_c = [r['java-ynl'] / r['c-ynl'] for r in per_round]
        python_java = [r['python-ynl'] / r['java-ynl'] for r in per_round]
        # What the 8x target can be measured against: the kernel's own C library, on the same operation.
        python_c = [r['python-ynl'] / r['c-ynl'] for r in per_round]
        summary[op] = {
            'us_per_op': {path: spread([r[path] for r in per_round]) for path in ('c-ynl', 'java-ynl', 'python-ynl')},
            'java_over_c': spread(java_c),
            'python_over_java': spread(python_java),
            'python_over_c': spread(python_c),
            'targets': {
                f'java within {JAVA_WITHIN_C}x of C YNL': statistics.median(java_c) <= JAVA_WITHIN_C,
                f'java at least {PYTHON_OVER_JAVA:g}x faster than Python YNL':
                    statistics.median(python_java) >= PYTHON_OVER_JAVA,
            },
        }
    date = meta['timestamp'][:10]
    report = {'meta': meta, 'loadavg_after': after, 'mode': args.mode, 'command': args.command,
              'rounds': len(rounds), 'operations': summary,
              'targets': {'java_over_c_max': JAVA_WITHIN_C, 'python_over_java_min': PYTHON_OVER_JAVA}}

    def verdict(ok):
        return '**PASS**' if ok else '**MISS**'

    lines = [
        f"### Any family from its spec: speed, {date} ({args.mode} mode)",
        '',
        f"- Command: `{args.command}`; {len(rounds)} round(s), each C YNL, Python YNL, then one JMH fork of "
        f"YnlClientBenchmark, interleaved; pinned to CPU {meta['pinned_cpu']}; in a network namespace with a "
        f"veth pair (the dump lists lo, veth0, veth1)",
        f"- Where: {meta['cpu_model']} ({meta['cpus']} CPUs), kernel {meta['kernel']}, {meta['jdk']}; load average "
        f"before/after: {' '.join(meta['loadavg'])} / {' '.join(after)}",
        '- Figures: us per operation, the median over rounds (min-max over rounds); Java is JMH average time, C '
        'and Python the mean of their timed loops (C: kernel tools/net/ynl/lib/ynl.c with generated user code; '
        'Python: tools/net/ynl/lib/ynl.py YnlFamily, start-up excluded). Ratios are per round, then the median.',
        '',
        '| operation | C YNL | Java YnlClient | Python YNL | Java / C | Python / Java | Python / C | Java <= 1.5x C | Python / Java >= 8x |',
        '|---|---:|---:|---:|---:|---:|---:|---|---|',
    ]
    for op in OPERATIONS:
        s = summary[op]
        t = list(s['targets'].values())
        lines.append(f"| {op} | {fmt(s['us_per_op']['c-ynl'])} | {fmt(s['us_per_op']['java-ynl'])} | "
                     f"{fmt(s['us_per_op']['python-ynl'])} | {fmt(s['java_over_c'], 2)} | "
                     f"{fmt(s['python_over_java'], 2)} | {fmt(s['python_over_c'], 2)} | {verdict(t[0])} | {verdict(t[1])} |")
    lines.append('')
    args.out_dir.mkdir(parents=True, exist_ok=True)
    base = args.out_dir / f'ynl-{date}'
    base.with_suffix('.json').write_text(json.dumps(report, indent=2) + '\n')
    base.with_suffix('.md').write_text('\n'.join(lines))
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
