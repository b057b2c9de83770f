#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Machine facts and the benchmark report of bench/run (Python 3 standard library only).

  report.py meta --where host|vm|module --java JAVA [--pinned-cpu N] [--extra KEY=VALUE] --out FILE
      Records where the benchmarks run: CPU model, kernel, JDK, in a VM or not, load. Run on the machine measured
      (inside the guest for the VM run).

  report.py render --input DIR --where host|vm|module --mode full|quick|smoke --out-dir DIR [--readme FILE]
      Reads DIR/meta.json, DIR/loadavg-after and the rounds DIR/round-N/ (each: jmh*.json from JMH -rf json,
      c-*.json from the C programs) and writes <where>-<date>.json, .md and .svg (and -batch.svg with batched
      results) to --out-dir. Per path: the median over rounds and the spread (min-max); ratios are taken within
      each round, and the targets judged on their median. With --readme, replaces that file's section for this
      kind of run between the latest-results markers.

  report.py ynl --input DIR --mode full|smoke --out-dir DIR --command TEXT
      The ynl part's report (YnlClient against the kernel's C and Python YNL), from the same kind of rounds.

  report.py threads --input DIR --mode full|smoke --out-dir DIR --command TEXT
      The threads part's report (bench/run --threads): nlctrl round trips per second with N threads on one shared
      GenlConnection, on a connection each and in C (rt-threads, a socket each), 1,000 virtual threads,
      transactAsync's rate and memory per call, and the single-thread p50 against c-raw; threads-<date>.json, .md
      and .svg, the targets judged on the median of per-round ratios.

  report.py profile --title T --c-data F --c-json F --java-data F --java-json F [--steps-dir DIR] --seconds S
                    --out FILE
      bench/profile's tables: the perf profiles of a C client and of its Java twin split per operation into
      kernel and user time and by symbol, and the rt-steps runs with and without an idle thread.

Inputs beside the round trips:
  - JMH GenlBatchBenchmark, params target and batch: one operation is one whole batch.
  - C programs' JSON (bench/c/roundtrip.c's rt_report) with "batch": N: the samples time one batch of N requests.
  - JMH FixedAttributeDecodeBenchmark (ns per attribute) and AttributeDecodeBenchmark (ns per reply of
    DECODE_ATTRIBUTES mixed attributes).
  - decode.json from bench/c/decode.c: {"attributes": N, "results": [{"decoder": NAME, "ns_per_attribute": X}]}.
The output depends on the inputs only (no clock, no file order): the same inputs give the same files.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
from pathlib import Path

# ---- names: one place for each path, target and limit

# Path names in the report, by JMH benchmark class; benchmarks without a target parameter talk to one family only.
FIXED_TARGET = {"org.vnetnl.bench.VnetEchoBenchmark": "vnet"}
JAVA_PATHS = {
    "org.vnetnl.bench.VnetEchoBenchmark": ("java-vnet-client", "Java, vnet client (zero-copy)"),
    "org.vnetnl.bench.GenlRoundTripBenchmark": ("java-genl", "Java, GenlConnection facade (zero-copy)"),
    "org.vnetnl.bench.ClassicLibnlBenchmark": ("java-libnl-classic", "Java, classic libnl path + upcall"),
}
BATCH_BENCHMARK = "org.vnetnl.bench.GenlBatchBenchmark"
DECODE_BENCHMARK = "org.vnetnl.bench.AttributeDecodeBenchmark"
DECODE_ATTRIBUTES = 8  # AttributeDecodeBenchmark.ATTRIBUTES
FIXED_DECODE_BENCHMARK = "org.vnetnl.bench.FixedAttributeDecodeBenchmark"
FIXED_DECODE_ATTRIBUTES = 16  # FixedAttributeDecodeBenchmark.ATTRIBUTES (its score is already per attribute)
C_PATHS = {
    "c-raw": "C, raw socket (1 send + 1 recv)",
    "c-libnl-tuned": "C, libnl tuned (no auto-ack, no MSG_PEEK)",
    "c-libnl-default": "C, libnl defaults (auto-ack, MSG_PEEK)",
}
JAVA_BATCH = ("java-batch", "Java, GenlConnection batch (1 sendmsg + recvmmsg)")
C_BATCH_LABEL = "C, batch (1 sendmsg + recvmmsg)"
JAVA_DECODE = ("java-attribute-reader", "Java, AttributeReader over mixed attributes (two strings copied)")
JAVA_FIXED_DECODE = {  # by FixedAttributeDecodeBenchmark method
    "walk": ("java-walk", "Java, AttributeReader walk: next(), then u32() / u64() by type"),
    "index": ("java-index", "Java, AttributeIndex: one pass, then each attribute by its slot"),
    "segment": ("java-segment", "Java, c-hand's loop on the MemorySegment, no AttributeReader (the FFM floor)"),
}
JAVA_DECODE_FLOOR = JAVA_FIXED_DECODE["segment"][0]
C_DECODE_PATHS = {  # by bench/c/decode.c decoder
    "c-hand": "C, hand-written loop",
    "c-libnl": "C, libnl nla_parse + nla_get_u32 / nla_get_u64",
}
DECODE_ORDER = ["java-walk", "java-segment", "c-hand", "java-index", "c-libnl", "java-attribute-reader"]
ORDER = ["c-raw", "java-vnet-client", "java-genl", "c-libnl-tuned", "c-libnl-default", "java-libnl-classic"]
TARGET_ORDER = ["nlctrl", "ethtool", "vnet"]
TARGET_LABELS = {
    "nlctrl": 'CTRL_CMD_GETFAMILY("nlctrl")',
    "ethtool": "ethtool channels-get of a veth device (in the run's namespace)",
    "vnet": "vnet_nl ECHO (MSG + VALUE + FLAG)",
}
PERCENTILES = [("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p99.9", 99.9)]
STATS = ["p50", "p90", "p99", "p99.9", "mean", "bytes_per_op"]

# The targets. On the host the zero-copy facade against the leanest C client; in the VM (TCG, indicative
# only) the zero-copy path against raw C and libnl's defaults.
ROUND_TRIP_TARGETS = {
    "host": [("p50", "c-raw", 1.02), ("p99", "c-raw", 1.10)],
    "vm": [("p50", "c-raw", 1.05), ("p99", "c-raw", 1.10), ("p50", "c-libnl-default", 0.6),
           ("p99", "c-libnl-default", 0.6)],
}
ROUND_TRIP_TARGETS["module"] = ROUND_TRIP_TARGETS["vm"]
# The generated ECHO in JMH's average-time mode, for its gc.alloc.rate.norm alone (VnetEchoBenchmark, VM part).
ALLOC_AVGT_FILE = "alloc-avgt.json"
TARGET_ALLOC_BYTES = 1.0  # "0 B/op": below one byte per operation, i.e. nothing allocated per round trip
BATCH_VS_C_BATCH = 0.95  # Java batch throughput at least this share of the C batch client's
BATCH_VS_PING_PONG = 1.9  # Java batch throughput at least this multiple of raw C ping-pong
BATCH_TARGET_MIN_SIZE = 16  # the throughput targets are set for batches of 16 and more
DECODE_NS_PER_ATTRIBUTE = 3.0

LATEST_START = "<!-- latest-results:start -->"
LATEST_END = "<!-- latest-results:end -->"


# ----------------------------------------------------------------------------------------------------------------
# meta

def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def in_vm_detected():
    try:
        return "hypervisor" in Path("/proc/cpuinfo").read_text().split("flags", 1)[1].split("\n", 1)[0]
    except (OSError, IndexError):
        return False


def java_version(java):
    out = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True).stderr
    props = dict(re.findall(r"^\s+(java\.vm\.name|java\.runtime\.version|java\.vendor) = (.*)$", out, re.M))
    return "{} {} ({})".format(props.get("java.vm.name", "?"), props.get("java.runtime.version", "?"),
                               props.get("java.vendor", "?"))


def command_meta(args):
    facts = {
        "where": args.where,
        "in_vm": args.where == "vm",
        "hypervisor_flag": in_vm_detected(),
        "cpu_model": cpu_model(),
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "jdk": java_version(args.java),
        "pinned_cpu": args.pinned_cpu,
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
        "clocksource": read_first("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    if args.extra:
        for item in args.extra:
            key, _, value = item.partition("=")
            facts[key] = value
    Path(args.out).write_text(json.dumps(facts, indent=2) + "\n")


def read_first(path):
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


# ----------------------------------------------------------------------------------------------------------------
# percentiles, as JMH computes them in sample mode (MultisetStatistics.getPercentile)

def percentile(histogram, rank):
    """histogram: sorted [(value, count)]; 1-based position rank * (n + 1) / 100, linear interpolation."""
    total = sum(count for _, count in histogram)
    if rank == 0:
        return histogram[0][0]
    pos = rank * (total + 1) / 100.0
    floor_pos = math.floor(pos)

    def at(index):
        seen = 0
        for value, count in histogram:
            seen += count
            if seen >= index:
                return value
        return histogram[-1][0]

    lower, upper = at(floor_pos), at(floor_pos + 1)
    return lower + (upper - lower) * (pos - floor_pos)


def merge_histograms(parts):
    merged = {}
    for value, count in parts:
        merged[value] = merged.get(value, 0) + count
    return sorted(merged.items())


# ----------------------------------------------------------------------------------------------------------------
# one round: what its JMH and C files say

def format_rank(rank):
    # JMH's keys: "50.0", "99.9", ...
    return repr(float(rank))


def jmh_runs(directory):
    runs = []
    for jmh_file in sorted(directory.glob("jmh*.json")):
        runs.extend(json.loads(jmh_file.read_text()))
    return runs


def read_jmh_run(run, entry):
    """Adds one JMH run's figures (average time or sample mode) to entry."""
    metrics = run["primaryMetric"]
    alloc = run["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")
    if run["mode"] == "avgt":
        entry["mean"] = metrics["score"]
        entry["bytes_per_op"] = alloc
    elif run["mode"] == "sample":
        for key, rank in PERCENTILES:
            entry[key] = metrics["scorePercentiles"][format_rank(rank)]
        entry["histogram"] = merge_histograms(
            (value, count) for fork in metrics["rawDataHistogram"] for it in fork for value, count in it)
        entry.setdefault("mean", metrics["score"])
        entry.setdefault("bytes_per_op", alloc)


def read_c_run(result):
    histogram = [tuple(pair) for pair in result["histogram"]]
    entry = {"mean": result["mean"], "bytes_per_op": None, "histogram": histogram}
    for key, rank in PERCENTILES:
        entry[key] = percentile(histogram, rank)
    return entry


def read_round(directory):
    """{"paths": {(target, path): figures}, "batch": {(target, path, size): figures}, "decode": {path: ns per
    attribute}, "jmh": [runs], "c": [results]} of one round."""
    found = {"paths": {}, "batch": {}, "decode": {}, "jmh": jmh_runs(directory), "c": []}
    alloc_file = directory / ALLOC_AVGT_FILE
    found["alloc_avgt"] = None
    if alloc_file.exists():
        for run in json.loads(alloc_file.read_text()):
            found["alloc_avgt"] = run["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")
    for run in found["jmh"]:
        bench_class = run["benchmark"].rsplit(".", 1)[0]
        params = run.get("params", {})
        alloc = run["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")
        if bench_class == DECODE_BENCHMARK:
            found["decode"][JAVA_DECODE[0]] = {"ns_per_attribute": run["primaryMetric"]["score"] / DECODE_ATTRIBUTES,
                                               "attributes": DECODE_ATTRIBUTES, "bytes_per_op": alloc}
        elif bench_class == FIXED_DECODE_BENCHMARK:
            path = JAVA_FIXED_DECODE[run["benchmark"].rsplit(".", 1)[1]][0]
            found["decode"][path] = {"ns_per_attribute": run["primaryMetric"]["score"],
                                     "attributes": FIXED_DECODE_ATTRIBUTES, "bytes_per_op": alloc}
        elif bench_class == BATCH_BENCHMARK:
            key = (params["target"], JAVA_BATCH[0], int(params["batch"]))
            read_jmh_run(run, found["batch"].setdefault(key, {}))
        elif bench_class in JAVA_PATHS:
            target = params.get("target") or FIXED_TARGET.get(bench_class, "?")
            read_jmh_run(run, found["paths"].setdefault((target, JAVA_PATHS[bench_class][0]), {}))
    decode_file = directory / "decode.json"
    if decode_file.exists():
        anchors = json.loads(decode_file.read_text())
        for result in anchors["results"]:
            found["decode"][result["decoder"]] = {"ns_per_attribute": result["ns_per_attribute"],
                                                  "attributes": anchors["attributes"], "bytes_per_op": None}
    for c_file in sorted(directory.glob("c-*.json")):
        result = json.loads(c_file.read_text())
        found["c"].append(result)
        if "batch" in result:
            found["batch"][(result["target"], result["client"], int(result["batch"]))] = read_c_run(result)
        else:
            found["paths"][(result["target"], result["client"])] = read_c_run(result)
    for (_, _, size), figures in found["batch"].items():
        add_batch_rates(figures, size)
    return found


def add_batch_rates(figures, size):
    """Per batch of size requests: the time per request and the requests per second it gives."""
    if figures.get("mean"):
        figures["ns_per_request"] = figures["mean"] / size
        figures["ops_per_s"] = size * 1e9 / figures["mean"]
    if figures.get("bytes_per_op") is not None:
        figures["bytes_per_request"] = figures["bytes_per_op"] / size


def read_rounds(directory):
    folders = sorted(directory.glob("round-*"), key=lambda p: int(p.name.split("-", 1)[1]))
    if not folders:
        sys.exit("report.py: no round-N folders in {}".format(directory))
    return [read_round(folder) for folder in folders]


# ----------------------------------------------------------------------------------------------------------------
# over rounds: median and spread

def spread(values):
    """The median over rounds and the spread (min-max), with the per-round values; None when nothing measured."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "rounds": values}


def over_rounds(rounds, section, key, stat):
    return spread([r[section][key].get(stat) for r in rounds if key in r[section]])


def ratio_over_rounds(rounds, section, key, reference, stat, invert=False):
    """Per round key's stat over reference's (the reverse with invert), then the spread of those ratios."""
    values = []
    for r in rounds:
        mine, theirs = r[section].get(key, {}).get(stat), r[section].get(reference, {}).get(stat)
        if mine and theirs:
            values.append(theirs / mine if invert else mine / theirs)
    return spread(values)


def label_of(path):
    for name, label in list(JAVA_PATHS.values()) + list(JAVA_FIXED_DECODE.values()) + [JAVA_BATCH, JAVA_DECODE]:
        if name == path:
            return label
    return {**C_PATHS, **C_DECODE_PATHS, "c-batch": C_BATCH_LABEL}.get(path, path)


def rank(name, order):
    return (order.index(name) if name in order else len(order), name)


def path_order(key):
    return rank(key[0], TARGET_ORDER) + rank(key[1], ORDER)


def summarize_paths(rounds):
    keys = sorted({k for r in rounds for k in r["paths"]}, key=path_order)
    out = []
    for key in keys:
        target, path = key
        entry = {"target": target, "path": path, "label": label_of(path),
                 "language": "C" if path.startswith("c-") else "Java",
                 "rounds": sum(1 for r in rounds if key in r["paths"]),
                 "stats": {stat: over_rounds(rounds, "paths", key, stat) for stat in STATS}, "ratios": {}}
        for reference in ("c-raw", "c-libnl-default"):
            if path != reference:
                for stat in ("p50", "p99", "mean"):
                    s = ratio_over_rounds(rounds, "paths", key, (target, reference), stat)
                    if s:
                        entry["ratios"]["{} vs {}".format(stat, reference)] = s
        # All rounds' samples pooled, for the plot only.
        entry["histogram"] = merge_histograms(
            pair for r in rounds if key in r["paths"] for pair in r["paths"][key].get("histogram", []))
        out.append(entry)
    return out


def summarize_batch(rounds):
    keys = sorted({k for r in rounds for k in r["batch"]}, key=lambda k: rank(k[0], TARGET_ORDER) + (k[2], k[1]))
    out = []
    for key in keys:
        target, path, size = key
        entry = {"target": target, "path": path, "label": label_of(path), "batch": size,
                 "stats": {stat: over_rounds(rounds, "batch", key, stat)
                           for stat in ("mean", "p50", "p99", "ns_per_request", "ops_per_s", "bytes_per_request")},
                 "ratios": {}}
        if path == JAVA_BATCH[0]:
            entry["ratios"]["ops/s vs c-batch"] = ratio_over_rounds(
                rounds, "batch", key, (target, "c-batch", size), "ops_per_s")
        # Raw C ping-pong does one request per round trip: its rate is 1e9 / mean.
        values = [r["batch"][key]["ops_per_s"] * r["paths"][(target, "c-raw")]["mean"] / 1e9
                  for r in rounds if key in r["batch"] and (target, "c-raw") in r["paths"]
                  and r["batch"][key].get("ops_per_s")]
        entry["ratios"]["ops/s vs c-raw ping-pong"] = spread(values)
        out.append(entry)
    return out


def summarize_decode(rounds):
    names = sorted({name for r in rounds for name in r["decode"]}, key=lambda n: rank(n, DECODE_ORDER))
    return [{"path": name, "label": label_of(name),
             "attributes": next(r["decode"][name]["attributes"] for r in rounds if name in r["decode"]),
             "stats": {stat: over_rounds(rounds, "decode", name, stat)
                       for stat in ("ns_per_attribute", "bytes_per_op")}}
            for name in names]


# ----------------------------------------------------------------------------------------------------------------
# targets: judged on the median over rounds, the spread beside it

def check(name, measured, limit, at_most, unit):
    if measured is None:
        return {"target": name, "limit": limit, "result": "NOT MEASURED"}
    median = measured["median"]
    ok = median <= limit if at_most else median >= limit
    return {"target": name, "limit": limit, "unit": unit, "measured": measured, "result": "PASS" if ok else "MISS",
            # A verdict whose spread crosses the limit would flip in some rounds: say so.
            "spread_crosses_limit": measured["min"] <= limit <= measured["max"]}


def summarize_alloc_avgt(rounds):
    """VnetEchoBenchmark's gc.alloc.rate.norm in average-time mode, over the rounds that measured it; or None."""
    measured = [r["alloc_avgt"] for r in rounds if r["alloc_avgt"] is not None]
    return spread(measured) if measured else None


def evaluate_targets(where, paths, batch, decode, alloc_avgt=None):
    checks = []
    if alloc_avgt:
        checks.append(check("java-vnet-client vnet: 0 B/op in JMH average-time mode (gc.alloc.rate.norm < {:.0f})"
                            .format(TARGET_ALLOC_BYTES), alloc_avgt, TARGET_ALLOC_BYTES, True, "B/op"))
    for entry in paths:
        if entry["path"] not in ("java-vnet-client", "java-genl"):
            continue
        if entry["path"] == "java-genl" and any(p["target"] == entry["target"] and p["path"] == "java-vnet-client"
                                                for p in paths):
            continue  # the typed client is the zero-copy path where it is measured
        scope = "{} {}".format(entry["path"], entry["target"])
        for stat, reference, limit in ROUND_TRIP_TARGETS.get(where, []):
            # "within" a margin of the floor; "at most" a share of a slower client.
            bound = "within {:.2f}x of".format(limit) if limit >= 1 else "at most {:.2f}x".format(limit)
            checks.append(check("{}: {} {} {}".format(scope, stat, bound, reference),
                                entry["ratios"].get("{} vs {}".format(stat, reference)), limit, True, "x"))
        if alloc_avgt and entry["path"] == "java-vnet-client":
            # Measured in average-time mode above; sample mode's gc.alloc.rate.norm holds JMH's own statistics of
            # each iteration's samples (SpinBaselineBenchmark, which allocates nothing, shows 10.9 B/op there in
            # the VM), so it judges the harness, not the client.
            continue
        checks.append(check("{}: 0 B/op (gc.alloc.rate.norm < {:.0f})".format(scope, TARGET_ALLOC_BYTES),
                            entry["stats"]["bytes_per_op"], TARGET_ALLOC_BYTES, True, "B/op"))
    for entry in batch:
        if entry["path"] != JAVA_BATCH[0] or entry["batch"] < BATCH_TARGET_MIN_SIZE:
            continue
        scope = "java-batch {} batch {}".format(entry["target"], entry["batch"])
        checks.append(check("{}: ops/s >= {:.2f}x c-batch".format(scope, BATCH_VS_C_BATCH),
                            entry["ratios"].get("ops/s vs c-batch"), BATCH_VS_C_BATCH, False, "x"))
        checks.append(check("{}: ops/s >= {:.1f}x c-raw ping-pong".format(scope, BATCH_VS_PING_PONG),
                            entry["ratios"].get("ops/s vs c-raw ping-pong"), BATCH_VS_PING_PONG, False, "x"))
        checks.append(check("{}: 0 B/op per request".format(scope), entry["stats"]["bytes_per_request"],
                            TARGET_ALLOC_BYTES, True, "B/op"))
    # The segment loop is a yardstick for the library's decoders, not one of them.
    java_fixed = [path for path, _ in JAVA_FIXED_DECODE.values() if path != JAVA_DECODE_FLOOR]
    anchors = ["{} {:.2f} ns".format(e["path"], e["stats"]["ns_per_attribute"]["median"])
               for e in decode if e["path"] in C_DECODE_PATHS and e["stats"]["ns_per_attribute"]]
    for entry in decode:
        if entry["path"] in java_fixed:
            c = check("decode {}: <= {:.0f} ns per fixed-size attribute".format(entry["path"], DECODE_NS_PER_ATTRIBUTE),
                      entry["stats"]["ns_per_attribute"], DECODE_NS_PER_ATTRIBUTE, True, "ns")
            if anchors:
                c["beside"] = "C anchors in the same rounds: " + ", ".join(anchors)
            checks.append(c)
    return checks


# ----------------------------------------------------------------------------------------------------------------
# render: Markdown

def notes(report):
    """What a reader must know to judge the numbers of this machine."""
    meta = report["machine"]
    out = []
    if meta["cpus"] is not None and meta["cpus"] <= 4:
        out.append("Noise: {} CPUs shared with other work; whatever else runs on the pinned CPU lands in the tails "
                   "(p99.9) and can move p50 between rounds: the spread shows how far.".format(meta["cpus"]))
    if meta["in_vm"]:
        out.append("VM: QEMU TCG emulates every instruction, so absolute numbers are an emulator's (several times "
                   "the host's) and the guest's clock is an emulated {}; the JIT compiles slowly there, hence the "
                   "long warm-up and the JVM flags `{}`. Emulation also distorts JIT-compiled code against C "
                   "differently from hardware: these ratios show that the paths work and roughly how they rank, "
                   "not how they compare on a CPU. The host figures are the evidence for Java against C.".format(
                       meta.get("clocksource"), meta.get("jvm_flags", "")))
    return out


def fmt_ns(value):
    if value is None:
        return "n/a"
    if value < 10_000:
        return "{:,.0f}".format(value)
    if value < 10_000_000:
        return "{:,.1f} us".format(value / 1000)
    return "{:,.1f} ms".format(value / 1_000_000)


def fmt_ratio(value):
    return "{:.2f}x".format(value)


def fmt_bytes(value):
    return "{:.1f}".format(value)


def fmt_rate(value):
    return "{:,.0f}".format(value)


def fmt_spread(s, fmt, missing="n/a"):
    """median (min-max over rounds); the value alone for one round."""
    if s is None:
        return missing
    if len(s["rounds"]) == 1:
        return fmt(s["median"])
    return "{} ({}-{})".format(fmt(s["median"]), fmt(s["min"]), fmt(s["max"]))


def fmt_check(c):
    if c["result"] == "NOT MEASURED":
        return "- **NOT MEASURED** {}".format(c["target"])
    fmt = {"x": lambda v: "{:.3f}x".format(v), "B/op": lambda v: "{:.3f} B/op".format(v),
           "ns": lambda v: "{:.2f} ns".format(v)}[c["unit"]]
    text = "- **{}** {}: {} over {} round(s)".format(c["result"], c["target"], fmt_spread(c["measured"], fmt),
                                                     len(c["measured"]["rounds"]))
    if c["spread_crosses_limit"] and len(c["measured"]["rounds"]) > 1:
        text += "; the spread crosses the limit"
    if "beside" in c:
        text += " ({})".format(c["beside"])
    return text


def render_markdown(report, svg_names):
    meta = report["machine"]
    lines = []
    where = {"vm": "QEMU VM (TCG), vnet_nl module loaded",
             "module": "this machine, vnet_nl module loaded in its kernel"}.get(report["where"], "host")
    lines.append("### {} run, {} ({} mode, {} round(s))".format(report["where"], report["date"], report["mode"],
                                                              report["rounds"]))
    lines.append("")
    lines.append("- Where: {}; CPU: {} ({} CPUs); kernel {}; JDK: {}".format(
        where, meta["cpu_model"], meta["cpus"], meta["kernel"], meta["jdk"]))
    c = report["c"]
    lines.append("- Pinned to CPU {}; clock source {} (one read: {} ns, in every sample of both sides); load "
                 "average before/after: {} / {}".format(
                     meta.get("pinned_cpu") or "none", meta.get("clocksource"),
                     "?" if c["clock_read_ns"] is None else "{:.0f}".format(c["clock_read_ns"]),
                     " ".join(meta["loadavg"]), " ".join(report.get("loadavg_after") or ["?"])))
    jmh = report["jmh"]
    mean_from = "average-time mode" if "avgt" in jmh["modes"] else "sample mode"
    lines.append("- Rounds: each runs every C program ({} timed round trips after {} warm-up ones, one process "
                 "each), then one JMH fork (JMH {}, {}), so both sides' samples come from the same stretch of "
                 "time. Per path the median over rounds (min-max over rounds in brackets); ratios are taken "
                 "within each round, then their median; targets are judged on that median. Java: percentiles "
                 "from sample mode, the mean from {}, B/op = gc.alloc.rate.norm{}; C: percentiles computed as JMH "
                 "does.".format(c["iterations"], c["warmup"], jmh["version"], jmh["settings"], mean_from,
                                "" if "avgt" in jmh["modes"] else
                                " in sample mode, which counts JMH's own statistics of each iteration's samples "
                                "(built on the benchmark's thread: about 0.3-0.5 MB per 2 s iteration, several "
                                "B/op at the VM's rate for a benchmark that allocates nothing)"))
    if report["mode"] == "quick":
        lines.append("- **These figures are indicative only**: one round under emulation, a few seconds of "
                     "measurement. They need not agree with the published ones (bench/README.md: the median of "
                     "5 rounds of `bench/run`), and a single round shows no spread to judge them by; the host "
                     "figures are the evidence for Java against C.")
    if report["mode"] == "smoke":
        lines.append("- **Smoke run**: it checks that every benchmark works; with 1 s of warm-up the JIT has not "
                     "settled, so its numbers and verdicts are not results.")
    for note in notes(report):
        lines.append("- " + note)
    for target in report["targets"]:
        rows = [p for p in report["paths"] if p["target"] == target]
        lines.append("")
        lines.append("#### {} round trip (ns)".format(TARGET_LABELS.get(target, target)))
        lines.append("")
        lines.append("| path | p50 | p90 | p99 | p99.9 | mean | B/op | p50 vs c-raw | p99 vs c-raw | mean vs c-raw |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for p in rows:
            st, ra = p["stats"], p["ratios"]
            lines.append("| {} (`{}`) | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                p["label"], p["path"], fmt_spread(st["p50"], fmt_ns), fmt_ns(median_of(st["p90"])),
                fmt_spread(st["p99"], fmt_ns), fmt_ns(median_of(st["p99.9"])), fmt_spread(st["mean"], fmt_ns),
                fmt_spread(st["bytes_per_op"], fmt_bytes, "n/a (C)"),
                fmt_spread(ra.get("p50 vs c-raw"), fmt_ratio, "-"), fmt_spread(ra.get("p99 vs c-raw"), fmt_ratio, "-"),
                fmt_spread(ra.get("mean vs c-raw"), fmt_ratio, "-")))
        lines.append("")
        lines.append("p90 and p99.9: the median over rounds.")
    if report["batch"]:
        lines.append("")
        lines.append("#### Batched round trips: N requests in one sendmsg, replies by recvmmsg")
        lines.append("")
        lines.append("| target | batch | path | ns per batch (mean) | p99 per batch | ns per request | requests/s | "
                     "B per request | vs c-batch | vs c-raw ping-pong |")
        lines.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        for b in report["batch"]:
            st, ra = b["stats"], b["ratios"]
            lines.append("| {} | {} | `{}` | {} | {} | {} | {} | {} | {} | {} |".format(
                b["target"], b["batch"], b["path"], fmt_spread(st["mean"], fmt_ns), fmt_spread(st["p99"], fmt_ns),
                fmt_spread(st["ns_per_request"], fmt_ns), fmt_spread(st["ops_per_s"], fmt_rate),
                fmt_spread(st["bytes_per_request"], fmt_bytes, "n/a (C)"),
                fmt_spread(ra.get("ops/s vs c-batch"), fmt_ratio, "-"),
                fmt_spread(ra.get("ops/s vs c-raw ping-pong"), fmt_ratio, "-")))
    if report["decode"]:
        lines.append("")
        lines.append("#### Attribute decode, no I/O (ns per attribute)")
        lines.append("")
        lines.append("| decoder | attributes | ns per attribute | B/op |")
        lines.append("|---|---:|---:|---:|")
        for d in report["decode"]:
            lines.append("| {} (`{}`) | {} | {} | {} |".format(
                d["label"], d["path"], d["attributes"], fmt_spread(d["stats"]["ns_per_attribute"],
                                                                   lambda v: "{:.2f}".format(v)),
                fmt_spread(d["stats"]["bytes_per_op"], fmt_bytes, "n/a (C)")))
    if report["checks"]:
        lines.append("")
        lines.append("#### Targets (on the median over rounds; min-max over rounds in brackets)")
        lines.append("")
        if report["mode"] != "full":
            lines.append("Verdicts of a {} run are not results.".format(report["mode"]))
            lines.append("")
        lines.extend(fmt_check(c) for c in report["checks"])
    lines.append("")
    for name in svg_names:
        lines.append("![{}]({})".format("batched throughput and latency" if name.endswith("-batch.svg")
                                        else "latency distributions", name))
        lines.append("")
    return "\n".join(lines)


def median_of(s):
    return None if s is None else s["median"]


# A small SVG percentile plot: x = percentile on a "nines" scale, y = latency (log), one line per path.
COLORS = {"c-raw": "#1b9e77", "java-vnet-client": "#d95f02", "java-genl": "#e7298a", "c-libnl-tuned": "#7570b3",
          "c-libnl-default": "#66a61e", "java-libnl-classic": "#e6ab02", "java-batch": "#e7298a",
          "c-batch": "#1b9e77"}


def render_svg(report):
    width, height = 860, 420 * max(1, len(report["targets"]))
    panels = []
    panel_height = height / max(1, len(report["targets"]))
    for index, target in enumerate(report["targets"]):
        rows = [p for p in report["paths"] if p["target"] == target and p["histogram"]]
        panels.append(svg_panel(target, rows, 0, index * panel_height, width, panel_height, report))
    return svg_document(width, height, "".join(panels))


def svg_document(width, height, body):
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            'font-family="sans-serif" font-size="12">\n<rect width="{w}" height="{h}" fill="white"/>\n{body}</svg>\n'
            .format(w=width, h=int(height), body=body))


def svg_log_axis(out, lo, hi, sy, x_left, x_right, fmt):
    """Horizontal grid lines and labels at 1, 2 and 5 of every decade between lo and hi."""
    decade = lo
    while decade <= hi * 1.0001:
        for mult in (1, 2, 5):
            v = decade * mult
            if lo <= v <= hi:
                y = sy(v)
                out.append('<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}"/>\n'.format(
                    x_left, y, x_right, y, "#ccc" if mult == 1 else "#eee"))
                out.append('<text x="{:.1f}" y="{:.1f}" text-anchor="end">{}</text>\n'.format(
                    x_left - 6, y + 4, fmt(v)))
        decade *= 10


def decades(values):
    return 10 ** math.floor(math.log10(min(values))), 10 ** math.ceil(math.log10(max(values)))


def svg_panel(target, rows, x0, y0, width, height, report):
    left, right, top, bottom = 70, 230, 40, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    max_nines = 4.0  # up to p99.99
    ranks = [100.0 * (1 - 10 ** (-n / 20.0)) for n in range(0, int(max_nines * 20) + 1)]
    curves = []
    values = []
    for p in rows:
        hist = p["histogram"]
        points = [(r, percentile(hist, r)) for r in ranks]
        points = [(r, v) for r, v in points if v > 0]
        curves.append((p, points))
        values.extend(v for _, v in points)
    if not values:
        return ""
    lo, hi = decades(values)

    def sx(rank):
        nines = -math.log10(max(1e-9, 1 - rank / 100.0))
        return x0 + left + plot_w * min(nines, max_nines) / max_nines

    def sy(value):
        return y0 + top + plot_h * (1 - (math.log10(value) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))

    out = []
    title = "{}: latency by percentile, {} round(s) pooled ({}, {})".format(
        TARGET_LABELS.get(target, target), report["rounds"], "VM" if report["machine"]["in_vm"] else "host",
        report["date"])
    out.append('<text x="{}" y="{}" font-size="14" font-weight="bold">{}</text>\n'.format(
        x0 + left, y0 + 22, escape(title)))
    for label, nines in (("p0", 0), ("p90", 1), ("p99", 2), ("p99.9", 3), ("p99.99", 4)):
        x = x0 + left + plot_w * nines / max_nines
        out.append('<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#ddd"/>\n'.format(
            x, y0 + top, y0 + top + plot_h))
        out.append('<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>\n'.format(
            x, y0 + top + plot_h + 18, label))
    out.append('<text x="{:.1f}" y="{:.1f}" text-anchor="middle">percentile</text>\n'.format(
        x0 + left + plot_w / 2, y0 + top + plot_h + 38))
    svg_log_axis(out, lo, hi, sy, x0 + left, x0 + left + plot_w, fmt_axis)
    out.append('<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333"/>\n'.format(
        x0 + left, y0 + top, plot_w, plot_h))
    for i, (p, points) in enumerate(curves):
        color = COLORS.get(p["path"], "#333")
        dash = ' stroke-dasharray="6,3"' if p["language"] == "C" else ""
        path = " ".join("{}{:.1f},{:.1f}".format("M" if k == 0 else "L", sx(r), sy(v))
                        for k, (r, v) in enumerate(points))
        out.append('<path d="{}" fill="none" stroke="{}" stroke-width="2"{}/>\n'.format(path, color, dash))
        ly = y0 + top + 10 + i * 34
        lx = x0 + left + plot_w + 14
        out.append('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"{}/>\n'.format(
            lx, ly, lx + 22, ly, color, dash))
        out.append('<text x="{}" y="{}">{}</text>\n'.format(lx + 28, ly + 4, escape(p["path"])))
        out.append('<text x="{}" y="{}" fill="#555" font-size="11">p50 {} / p99 {}</text>\n'.format(
            lx + 28, ly + 18, fmt_axis(p["stats"]["p50"]["median"]), fmt_axis(p["stats"]["p99"]["median"])))
    return "".join(out)


def fmt_scaled(value, scales, unit):
    """An axis label: value in the first of scales [(factor, unit)] it reaches, else in unit."""
    for factor, scaled_unit in scales:
        if value >= factor:
            return "{:g} {}".format(round(value / factor, 2), scaled_unit)
    return "{:g} {}".format(round(value), unit)


def fmt_axis(ns):
    return fmt_scaled(ns, [(1e6, "ms"), (1e3, "us")], "ns")


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Batched path: requests per second and time per request against the batch size (log2 x, log y), one line per
# path and target; raw C ping-pong as a flat reference line (batch size 1 by construction).
def render_batch_svg(report):
    width, panel_height = 860, 380
    series = {}
    for b in report["batch"]:
        series.setdefault((b["target"], b["path"]), []).append(b)
    ping_pong = {p["target"]: p["stats"]["mean"]["median"] for p in report["paths"]
                 if p["path"] == "c-raw" and p["stats"]["mean"]}
    panels = [("requests per second", "ops_per_s", fmt_rate_axis, lambda ns: 1e9 / ns),
              ("ns per request (mean)", "ns_per_request", fmt_axis, lambda ns: ns)]
    body = []
    for index, (title, stat, fmt, from_ping_pong) in enumerate(panels):
        body.append(batch_panel(report, series, ping_pong, title, stat, fmt, from_ping_pong, index * panel_height,
                                width, panel_height))
    return svg_document(width, panel_height * len(panels), "".join(body))


def batch_panel(report, series, ping_pong, title, stat, fmt, from_ping_pong, y0, width, height):
    left, right, top, bottom = 80, 230, 40, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    sizes = sorted({b["batch"] for rows in series.values() for b in rows})
    values = [b["stats"][stat]["median"] for rows in series.values() for b in rows if b["stats"][stat]]
    values += [from_ping_pong(ns) for target, ns in ping_pong.items() if any(t == target for t, _ in series)]
    if not sizes or not values:
        return ""
    lo, hi = decades(values)
    x_lo, x_hi = math.log2(min(sizes)), math.log2(max(sizes))

    def sx(size):
        return left + plot_w * ((math.log2(size) - x_lo) / (x_hi - x_lo) if x_hi > x_lo else 0.5)

    def sy(value):
        return y0 + top + plot_h * (1 - (math.log10(value) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))

    out = ['<text x="{}" y="{}" font-size="14" font-weight="bold">{}</text>\n'.format(
        left, y0 + 22, escape("Batched round trips: {} by batch size ({}, {})".format(
            title, "VM" if report["machine"]["in_vm"] else "host", report["date"])))]
    for size in sizes:
        x = sx(size)
        out.append('<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#ddd"/>\n'.format(
            x, y0 + top, y0 + top + plot_h))
        out.append('<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>\n'.format(
            x, y0 + top + plot_h + 18, size))
    out.append('<text x="{:.1f}" y="{:.1f}" text-anchor="middle">requests per batch</text>\n'.format(
        left + plot_w / 2, y0 + top + plot_h + 38))
    svg_log_axis(out, lo, hi, sy, left, left + plot_w, fmt)
    out.append('<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333"/>\n'.format(
        left, y0 + top, plot_w, plot_h))
    legend = []
    for (target, path), rows in sorted(series.items()):
        points = [(b["batch"], b["stats"][stat]["median"]) for b in rows if b["stats"][stat]]
        dash = ' stroke-dasharray="6,3"' if path.startswith("c-") else ""
        color = COLORS.get(path, "#333")
        d = " ".join("{}{:.1f},{:.1f}".format("M" if k == 0 else "L", sx(n), sy(v)) for k, (n, v) in enumerate(points))
        out.append('<path d="{}" fill="none" stroke="{}" stroke-width="2"{}/>\n'.format(d, color, dash))
        legend.append(("{} {}".format(path, target), color, dash))
    for target, ns in sorted(ping_pong.items()):
        if any(t == target for t, _ in series):
            y = sy(from_ping_pong(ns))
            out.append('<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#999" stroke-dasharray="2,3"/>\n'.format(
                left, y, left + plot_w, y))
            legend.append(("c-raw ping-pong {}".format(target), "#999", ' stroke-dasharray="2,3"'))
    for i, (text, color, dash) in enumerate(legend):
        ly, lx = y0 + top + 10 + i * 22, left + plot_w + 14
        out.append('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"{}/>\n'.format(
            lx, ly, lx + 22, ly, color, dash))
        out.append('<text x="{}" y="{}">{}</text>\n'.format(lx + 28, ly + 4, escape(text)))
    return "".join(out)


def fmt_rate_axis(value):
    return fmt_scaled(value, [(1e6, "M/s"), (1e3, "k/s")], "/s")


# ----------------------------------------------------------------------------------------------------------------
# render: the command

def command_render(args):
    directory = Path(args.input)
    meta = json.loads((directory / "meta.json").read_text())
    rounds = read_rounds(directory)
    paths = summarize_paths(rounds)
    if not paths:
        sys.exit("report.py: no results in {}".format(directory))
    batch = summarize_batch(rounds)
    decode = summarize_decode(rounds)
    alloc_avgt = summarize_alloc_avgt(rounds)
    first = rounds[0]
    jmh = first["jmh"]
    timed = [r for r in first["c"] if "batch" not in r]
    date = meta["timestamp"][:10]
    report = {
        "where": args.where,
        "date": date,
        "mode": args.mode,
        "rounds": len(rounds),
        "machine": meta,
        "loadavg_after": read_loadavg(directory / "loadavg-after"),
        "targets": sorted({p["target"] for p in paths}, key=lambda t: rank(t, TARGET_ORDER)),
        "jmh": {"version": jmh[0]["jmhVersion"] if jmh else "?",
                "jvm_args": jmh[0]["jvmArgs"] if jmh else None,
                "settings": ("warm-up {} x {}, measurement {} x {}".format(
                    jmh[0]["warmupIterations"], jmh[0]["warmupTime"], jmh[0]["measurementIterations"],
                    jmh[0]["measurementTime"]) if jmh else "?"),
                "modes": sorted({run["mode"] for run in jmh})},
        "c": {"iterations": timed[0]["iterations"] if timed else None,
              "warmup": timed[0]["warmup"] if timed else None,
              "clock_read_ns": timed[0].get("clock_read_ns") if timed else None},
        "paths": paths,
        "batch": batch,
        "decode": decode,
        "alloc_avgt": alloc_avgt,
        "checks": evaluate_targets(args.where, paths, batch, decode, alloc_avgt),
    }
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "{}-{}".format(args.where, date)
    svg_names = [stem + ".svg"]
    (out_dir / svg_names[0]).write_text(render_svg(report))
    if batch:
        svg_names.append(stem + "-batch.svg")
        (out_dir / svg_names[1]).write_text(render_batch_svg(report))
    markdown = render_markdown(report, svg_names)
    (out_dir / (stem + ".md")).write_text(markdown)
    # The JSON keeps the distributions compact: the histograms are in the raw inputs, the percentiles here.
    for p in paths:
        p.pop("histogram")
    (out_dir / (stem + ".json")).write_text(json.dumps(report, indent=2) + "\n")
    if args.readme:
        update_readme(Path(args.readme), out_dir, args.where, markdown, svg_names)
    print(markdown)


def read_loadavg(path):
    return path.read_text().split()[:3] if path.exists() else None


def update_readme(readme, out_dir, kind, markdown, svg_names):
    """Replaces the readme's section for this run's kind (host or vm) between the latest-results markers."""
    text = readme.read_text()
    if LATEST_START not in text or LATEST_END not in text:
        sys.exit("report.py: {} has no {} ... {} section".format(readme, LATEST_START, LATEST_END))
    head, rest = text.split(LATEST_START, 1)
    body, tail = rest.split(LATEST_END, 1)
    relative = os.path.relpath(out_dir, readme.parent)
    section = markdown
    for name in svg_names:
        section = section.replace("]({})".format(name), "]({}/{})".format(relative, name))
    sections = {}
    for part in re.split(r"(?m)^(?=<!-- run:)", body.strip("\n")):
        m = re.match(r"<!-- run:(\w+) -->", part)
        if m:
            sections[m.group(1)] = part.strip("\n")
    sections[kind] = "<!-- run:{} -->\n{}".format(kind, section.strip("\n"))
    ordered = [sections[k] for k in ("host", "vm", "module") if k in sections]
    readme.write_text(head + LATEST_START + "\n" + "\n\n".join(ordered) + "\n" + LATEST_END + tail)


# ----------------------------------------------------------------------------------------------------------------
# ynl: YnlClient (JMH average time) against the kernel's C and Python YNL libraries (their clients' mean per
# operation), per round and as the median over rounds with the spread, targets on the medians of per-round ratios

YNL_OPERATIONS = ["nlctrl-getfamily", "netdev-dev-get-dump", "ethtool-channels-get"]
YNL_PATHS = ["c-ynl", "java-ynl", "python-ynl"]
YNL_JAVA_WITHIN_C = 1.5  # YnlClient at most 1.5x C YNL per operation
YNL_PYTHON_OVER_JAVA = 8.0  # YnlClient at least 8x faster than the Python library


def read_ynl_round(folder):
    """{operation: {path: us/op}} of one round."""
    values = {op: {} for op in YNL_OPERATIONS}
    for op in YNL_OPERATIONS:
        for path in ("c-ynl", "python-ynl"):
            values[op][path] = json.loads((folder / "{}.{}.json".format(path, op)).read_text())["mean"] / 1000.0
    for result in json.loads((folder / "jmh.json").read_text()):
        metric = result["primaryMetric"]
        scale = {"ns/op": 1e-3, "us/op": 1.0}[metric["scoreUnit"]]
        values[result["params"]["operation"]]["java-ynl"] = metric["score"] * scale
    return values


def command_ynl(args):
    directory = Path(args.input)
    meta = json.loads((directory / "meta.json").read_text())
    after = read_loadavg(directory / "loadavg-after")
    folders = sorted(directory.glob("round-*"), key=lambda p: int(p.name.split("-", 1)[1]))
    rounds = [read_ynl_round(folder) for folder in folders]
    summary = {}
    for op in YNL_OPERATIONS:
        per_round = [r[op] for r in rounds]

        def ratio(a, b):
            return spread([r[a] / r[b] for r in per_round])

        java_c, python_java = ratio("java-ynl", "c-ynl"), ratio("python-ynl", "java-ynl")
        summary[op] = {
            "us_per_op": {path: spread([r[path] for r in per_round]) for path in YNL_PATHS},
            "java_over_c": java_c,
            "python_over_java": python_java,
            # What the 8x target can be measured against: the kernel's own C library, on the same operation.
            "python_over_c": ratio("python-ynl", "c-ynl"),
            "targets": {
                "java within {}x of C YNL".format(YNL_JAVA_WITHIN_C): java_c["median"] <= YNL_JAVA_WITHIN_C,
                "java at least {:g}x faster than Python YNL".format(YNL_PYTHON_OVER_JAVA):
                    python_java["median"] >= YNL_PYTHON_OVER_JAVA,
            },
        }
    date = meta["timestamp"][:10]
    report = {"meta": meta, "loadavg_after": after, "mode": args.mode, "command": args.run_command,
              "rounds": len(rounds), "operations": summary,
              "targets": {"java_over_c_max": YNL_JAVA_WITHIN_C, "python_over_java_min": YNL_PYTHON_OVER_JAVA}}

    def us(s):
        return fmt_spread(s, lambda v: "{:,.1f}".format(v))

    def times(s):
        return fmt_spread(s, lambda v: "{:,.2f}".format(v))

    lines = [
        "### Any family from its spec: speed, {} ({} mode)".format(date, args.mode),
        "",
        "- Command: `{}`; {} round(s), each C YNL, Python YNL, then one JMH fork of YnlClientBenchmark, "
        "interleaved; pinned to CPU {}; in a network namespace with a veth pair (the dump lists lo, veth0, "
        "veth1)".format(args.run_command, len(rounds), meta["pinned_cpu"]),
        "- Where: {} ({} CPUs), kernel {}, {}; load average before/after: {} / {}".format(
            meta["cpu_model"], meta["cpus"], meta["kernel"], meta["jdk"], " ".join(meta["loadavg"]),
            " ".join(after or ["?"])),
        "- Figures: us per operation, the median over rounds (min-max over rounds); Java is JMH average time, C "
        "and Python the mean of their timed loops (C: kernel tools/net/ynl/lib/ynl.c with generated user code; "
        "Python: tools/net/ynl/lib/ynl.py YnlFamily, start-up excluded). Ratios are per round, then the median.",
        "",
        "| operation | C YNL | Java YnlClient | Python YNL | Java / C | Python / Java | Python / C | "
        "Java <= 1.5x C | Python / Java >= 8x |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for op in YNL_OPERATIONS:
        s = summary[op]
        verdicts = ["**PASS**" if ok else "**MISS**" for ok in s["targets"].values()]
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            op, us(s["us_per_op"]["c-ynl"]), us(s["us_per_op"]["java-ynl"]), us(s["us_per_op"]["python-ynl"]),
            times(s["java_over_c"]), times(s["python_over_java"]), times(s["python_over_c"]), *verdicts))
    lines.append("")
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / "ynl-{}".format(date)
    base.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    base.with_suffix(".md").write_text("\n".join(lines))
    print("\n".join(lines))


# ----------------------------------------------------------------------------------------------------------------
# profile: where a round trip's time goes, Java against c-raw (bench/profile)

PROFILE_TOP = 12
PROFILE_TAIL_SECONDS = 3


def perf_samples(data, last_seconds):
    """The samples of the busiest thread of the profile's busiest process, in its last last_seconds: a list of
    (symbol, in_kernel). perf script's fields: pid/tid time: ip symbol (dso)."""
    text = subprocess.run(["perf", "script", "-i", str(data), "-F", "pid,tid,time,ip,sym,dso"], check=True,
                          capture_output=True, text=True).stdout
    pattern = re.compile(r"^\s*(\d+)/(\d+)\s+([\d.]+):\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$")
    records = []
    for line in text.splitlines():
        m = pattern.match(line)
        if m:
            records.append((m.group(2), float(m.group(3)), m.group(4), "kernel" in m.group(5)))
    if not records:
        sys.exit("report.py: no samples in {}".format(data))
    threads = {}
    for tid, _, _, _ in records:
        threads[tid] = threads.get(tid, 0) + 1
    busiest = max(sorted(threads), key=lambda t: threads[t])
    # The last seconds hold what follows the timed loop (c-raw sorts its samples, JMH tears down): left out.
    end = max(t for tid, t, _, _ in records if tid == busiest) - PROFILE_TAIL_SECONDS
    return [(sym, kernel) for tid, t, sym, kernel in records
            if tid == busiest and end - last_seconds <= t < end]


def profile_split(samples, mean_ns):
    """Per round trip: kernel and user ns, and ns by symbol, from the share of samples times the mean."""
    n = len(samples)
    by_symbol = {}
    kernel = 0
    for sym, in_kernel in samples:
        key = ("[k] " if in_kernel else "[u] ") + sym
        by_symbol[key] = by_symbol.get(key, 0) + 1
        kernel += in_kernel
    return {"samples": n, "mean_ns": mean_ns, "kernel_ns": mean_ns * kernel / n,
            "user_ns": mean_ns * (n - kernel) / n, "by_symbol": {k: mean_ns * v / n for k, v in by_symbol.items()}}


def command_profile(args):
    c_mean = json.loads(Path(args.c_json).read_text())["mean"]
    java_mean = next(run["primaryMetric"]["score"] for run in json.loads(Path(args.java_json).read_text())
                     if run["mode"] == "avgt")
    c = profile_split(perf_samples(args.c_data, args.seconds), c_mean)
    java = profile_split(perf_samples(args.java_data, args.seconds), java_mean)
    steps = {}
    for f in sorted(Path(args.steps_dir).glob("*.json")) if args.steps_dir else []:
        result = json.loads(f.read_text())
        steps.setdefault(result["target"], []).append(result["p50"])
    lines = ["### Where the time goes: {}".format(args.title), "",
             "Both profiled with `perf record -e cpu-clock` (sampling slows both), {} s of the benchmark thread "
             "ending {} s before its end; per operation, each part is its share of the samples times the mean "
             "measured in the same run. The C clients time every operation (two clock reads, in their user "
             "time); JMH's average-time mode does not.".format(args.seconds, PROFILE_TAIL_SECONDS),
             "",
             "| | mean under perf | kernel | user space | samples |",
             "|---|---:|---:|---:|---:|"]
    for name, p in (("C", c), ("Java", java)):
        lines.append("| {} | {:,.0f} ns | {:,.0f} ns ({:.1f}%) | {:,.0f} ns | {:,} |".format(
            name, p["mean_ns"], p["kernel_ns"], 100 * p["kernel_ns"] / p["mean_ns"], p["user_ns"], p["samples"]))
    lines.append("| Java - C | {:+,.0f} ns | {:+,.0f} ns | {:+,.0f} ns | |".format(
        java["mean_ns"] - c["mean_ns"], java["kernel_ns"] - c["kernel_ns"], java["user_ns"] - c["user_ns"]))
    lines += ["", "Symbols whose time per operation differs most (ns, Java - C):", "",
              "| symbol | C | Java | difference |", "|---|---:|---:|---:|"]
    keys = set(c["by_symbol"]) | set(java["by_symbol"])
    diff = sorted(keys, key=lambda k: (-abs(java["by_symbol"].get(k, 0) - c["by_symbol"].get(k, 0)), k))
    for k in diff[:PROFILE_TOP]:
        a, b = c["by_symbol"].get(k, 0), java["by_symbol"].get(k, 0)
        lines.append("| `{}` | {:,.0f} | {:,.0f} | {:+,.0f} |".format(k[:90], a, b, b - a))
    if steps:
        lines += ["", "`rt-steps --steps 1` (c-raw reading as Java reads) alone and with an idle second thread, "
                  "alternating, without perf; p50 (ns), the median over runs (min-max):", "",
                  "| client | runs | p50 |", "|---|---:|---:|"]
        for target in sorted(steps):
            v = steps[target]
            lines.append("| `{}` | {} | {:,.0f} ({:,.0f}-{:,.0f}) |".format(target, len(v), statistics.median(v),
                                                                        min(v), max(v)))
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text)
    print(text)


# ----------------------------------------------------------------------------------------------------------------
# threads: one GenlConnection shared by threads against a connection (C: a socket) per thread (bench/run --threads)

SHARED_BENCHMARK = "org.vnetnl.bench.SharedConnectionBenchmark"
ROUND_TRIP_BENCHMARK = "org.vnetnl.bench.GenlRoundTripBenchmark"
THREAD_PATHS = [("c-raw-threads", "C, raw socket per pthread (`rt-threads`)"),
                ("java-per-thread", "Java, a GenlConnection per thread (`connectionPerThread`)"),
                ("java-shared", "Java, one shared GenlConnection (`sharedConnection`)")]
VIRTUAL_THREADS = 1000  # SharedConnectionBenchmark.VIRTUAL_THREADS
ASYNC_WINDOW = 32  # SharedConnectionBenchmark.ASYNC_WINDOW
SHARED_VS_OWN = 0.8  # 4 threads on one connection reach at least this share of 4 connections' throughput
SHARED_TARGET_THREADS = 4
SINGLE_P50_VS_C_RAW = 1.05  # the single-thread nlctrl round trip's p50 at most this multiple of c-raw's


def read_threads_round(folder):
    """{"ops": {(path, threads): ops/s}, "virtual": ops/s, "async": {...}, "p50": {path: ns}} of one round."""
    found = {"ops": {}, "virtual": None, "async": {}, "p50": {}}
    for f in folder.glob("c-threads.*.json"):
        result = json.loads(f.read_text())
        found["ops"][("c-raw-threads", result["threads"])] = result["ops_per_s"]
    found["p50"]["c-raw"] = read_c_run(json.loads((folder / "c-raw.nlctrl.json").read_text()))["p50"]
    for run in jmh_runs(folder):
        bench_class, method = run["benchmark"].rsplit(".", 1)
        score = run["primaryMetric"]["score"]
        alloc = run["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")
        if bench_class == ROUND_TRIP_BENCHMARK and run["mode"] == "sample":
            found["p50"]["java-genl"] = run["primaryMetric"]["scorePercentiles"][format_rank(50.0)]
        elif method == "sharedConnection":
            found["ops"][("java-shared", run["threads"])] = score
        elif method == "connectionPerThread":
            found["ops"][("java-per-thread", run["threads"])] = score
        elif method == "virtualThreads":
            found["virtual"] = score
            found["virtual_bytes_per_op"] = alloc
        elif method == "asyncWindow":
            found["async"]["ops_per_s"] = score
            found["async"]["bytes_per_call"] = alloc
    footprint = folder / "async-footprint.json"
    if footprint.exists():
        found["footprint"] = json.loads(footprint.read_text())
    return found


def fmt_busy(path):
    """The busiest processes ps listed: "comm (%CPU, running for)"."""
    if not path.exists():
        return "?"
    items = []
    for line in path.read_text().splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3:
            items.append("{} ({}% CPU, up {})".format(parts[2], parts[0], parts[1]))
    return "; ".join(items[:6])


def render_threads_svg(report):
    """Grouped bars: round trips per second by thread count and path (median over rounds), whiskers min-max."""
    width, height, left, right, top, bottom = 860, 420, 80, 250, 40, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    groups = [(str(n), [(path, report["throughput"][path].get(str(n))) for path, _ in THREAD_PATHS])
              for n in report["thread_counts"]]
    groups.append(("{:,} virtual".format(VIRTUAL_THREADS), [("java-shared", report["virtual_threads"])]))
    groups.append(("async, 1 thread", [("java-shared", report["async"]["ops_per_s"])]))
    hi = max(s["max"] for _, bars in groups for _, s in bars if s) * 1.1
    colors = {"c-raw-threads": "#1b9e77", "java-per-thread": "#7570b3", "java-shared": "#e7298a"}
    group_w = plot_w / len(groups)
    bar_w = group_w / (len(THREAD_PATHS) + 1)

    def sy(value):
        return top + plot_h * (1 - value / hi)

    out = ['<text x="{}" y="22" font-size="14" font-weight="bold">{}</text>\n'.format(left, escape(
        "nlctrl round trips per second by threads (host, {}; median, min-max)".format(
            report["date"])))]
    step = 10 ** math.floor(math.log10(hi / 2))
    for mult in (1, 2, 5):
        if hi / (step * mult) <= 8:
            step *= mult
            break
    v = 0.0
    while v <= hi:
        out.append('<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#eee"/>\n'.format(left, sy(v), left + plot_w,
                                                                                          sy(v)))
        out.append('<text x="{}" y="{:.1f}" text-anchor="end">{}</text>\n'.format(left - 6, sy(v) + 4,
                                                                                  fmt_rate_axis(v) if v else "0"))
        v += step
    for g, (label, bars) in enumerate(groups):
        x0 = left + g * group_w + bar_w / 2
        for b, (path, s) in enumerate(bars):
            if not s:
                continue
            x = x0 + b * bar_w
            out.append('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>\n'.format(
                x, sy(s["median"]), bar_w * 0.9, sy(0) - sy(s["median"]), colors[path]))
            cx = x + bar_w * 0.45
            out.append('<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#333"/>\n'.format(
                cx, sy(s["min"]), sy(s["max"])))
        out.append('<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>\n'.format(
            left + g * group_w + group_w / 2, top + plot_h + 18, escape(label)))
    out.append('<text x="{:.1f}" y="{:.1f}" text-anchor="middle">platform threads (JMH -t), then 1,000 virtual '
               'threads and transactAsync on one connection</text>\n'.format(left + plot_w / 2, top + plot_h + 42))
    out.append('<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333"/>\n'.format(left, top, plot_w,
                                                                                                plot_h))
    for i, (path, _) in enumerate(THREAD_PATHS):
        ly, lx = top + 10 + i * 22, left + plot_w + 14
        out.append('<rect x="{}" y="{}" width="16" height="12" fill="{}"/>\n'.format(lx, ly - 6, colors[path]))
        out.append('<text x="{}" y="{}">{}</text>\n'.format(lx + 22, ly + 4, escape(path)))
    return svg_document(width, height, "".join(out))


def command_threads(args):
    directory = Path(args.input)
    meta = json.loads((directory / "meta.json").read_text())
    after = read_loadavg(directory / "loadavg-after")
    folders = sorted(directory.glob("round-*"), key=lambda p: int(p.name.split("-", 1)[1]))
    if not folders:
        sys.exit("report.py: no round-N folders in {}".format(directory))
    rounds = [read_threads_round(folder) for folder in folders]
    counts = sorted({n for r in rounds for _, n in r["ops"]})
    throughput = {path: {str(n): spread([r["ops"].get((path, n)) for r in rounds]) for n in counts}
                  for path, _ in THREAD_PATHS}

    def ratio(a, b, n):
        return spread([r["ops"][(a, n)] / r["ops"][(b, n)] for r in rounds
                       if r["ops"].get((a, n)) and r["ops"].get((b, n))])

    ratios = {str(n): {"shared_over_own": ratio("java-shared", "java-per-thread", n),
                       "shared_over_c": ratio("java-shared", "c-raw-threads", n),
                       "own_over_c": ratio("java-per-thread", "c-raw-threads", n)} for n in counts}
    p50 = {path: spread([r["p50"].get(path) for r in rounds]) for path in ("c-raw", "java-genl")}
    p50_ratio = spread([r["p50"]["java-genl"] / r["p50"]["c-raw"] for r in rounds
                        if r["p50"].get("java-genl") and r["p50"].get("c-raw")])
    footprints = [r.get("footprint") for r in rounds if r.get("footprint")]
    async_figures = {
        "window": ASYNC_WINDOW,
        "ops_per_s": spread([r["async"].get("ops_per_s") for r in rounds]),
        "bytes_allocated_per_call": spread([r["async"].get("bytes_per_call") for r in rounds]),
        "footprint_calls": footprints[0]["calls"] if footprints else None,
        "timeout_s": footprints[0]["timeout_s"] if footprints else None,
        "heap_per_call_held": spread([f["bytes_per_call_held"] for f in footprints]),
        "heap_per_call_after_join": spread([f["bytes_per_call_after_join"] for f in footprints]),
        "heap_per_call_after_timeout": spread([f["bytes_per_call_after_timeout"] for f in footprints]),
    }
    checks = [
        check("{} threads on one connection: ops/s >= {}x {} connections'".format(
            SHARED_TARGET_THREADS, SHARED_VS_OWN, SHARED_TARGET_THREADS),
            ratios.get(str(SHARED_TARGET_THREADS), {}).get("shared_over_own"), SHARED_VS_OWN, False, "x"),
        check("java-genl nlctrl single thread: p50 within {}x of c-raw".format(SINGLE_P50_VS_C_RAW), p50_ratio,
              SINGLE_P50_VS_C_RAW, True, "x"),
    ]
    date = meta["timestamp"][:10]
    report = {"meta": meta, "loadavg_after": after, "mode": args.mode, "command": args.run_command,
              "rounds": len(rounds), "date": date, "thread_counts": counts, "throughput": throughput,
              "ratios": ratios, "virtual_threads": spread([r["virtual"] for r in rounds]),
              "virtual_thread_count": VIRTUAL_THREADS,
              "virtual_bytes_per_op": spread([r.get("virtual_bytes_per_op") for r in rounds]),
              "async": async_figures, "p50": p50, "p50_ratio": p50_ratio, "checks": checks,
              "busy_before": fmt_busy(directory / "busy-before"), "busy_after": fmt_busy(directory / "busy-after"),
              "per_round": [{"ops": {"{}@{}".format(p, n): v for (p, n), v in r["ops"].items()},
                             "virtual": r["virtual"], "async": r["async"], "p50": r["p50"],
                             "footprint": r.get("footprint")} for r in rounds]}

    def rate(s):
        return fmt_spread(s, fmt_rate)

    def times(s):
        return fmt_spread(s, fmt_ratio)

    lines = [
        "### One connection shared by threads, {} ({} mode, {} round(s))".format(date, args.mode, len(rounds)),
        "",
        "- Command: `{}`; per round: `c-raw` (single-thread latency), `rt-threads` per thread count, one JMH fork "
        "of `GenlRoundTripBenchmark` nlctrl (sample mode), then per thread count one fork per "
        "`SharedConnectionBenchmark` method (`-t N`, throughput), one for the virtual threads and "
        "`transactAsync`, and `AsyncFootprint`; all pinned to CPU {}, so every thread of a run shares that one "
        "CPU.".format(args.run_command, meta["pinned_cpu"]),
        "- Where: {} ({} CPUs), kernel {}, {}; load average before/after: {} / {}".format(
            meta["cpu_model"], meta["cpus"], meta["kernel"], meta["jdk"], " ".join(meta["loadavg"]),
            " ".join(after or ["?"])),
        "- Shared machine: its 2 CPUs were shared with other engineers' work during the run; the busiest "
        "processes before: {}; after: {}.".format(report["busy_before"], report["busy_after"]),
        "- Figures: the median over rounds (min-max over rounds); ratios are taken within each round, then their "
        "median. Java: JMH throughput (all threads' operations per second); C: all threads' round trips from the "
        "moment all had warmed up to the last one's end.",
        "",
        "#### nlctrl GETFAMILY round trips per second",
        "",
        "| threads | " + " | ".join("{} (`{}`)".format(label.split(" (`")[0], path) for path, label in THREAD_PATHS)
        + " | shared / per thread | shared / C | per thread / C |",
        "|---:|" + "---:|" * (len(THREAD_PATHS) + 3),
    ]
    for n in counts:
        r = ratios[str(n)]
        lines.append("| {} | {} | {} | {} | {} |".format(
            n, " | ".join(rate(throughput[path][str(n)]) for path, _ in THREAD_PATHS), times(r["shared_over_own"]),
            times(r["shared_over_c"]), times(r["own_over_c"])))
    lines.append("| {:,} virtual | | | {} | | | |".format(VIRTUAL_THREADS, rate(report["virtual_threads"])))
    lines += [
        "",
        "{:,} virtual threads: one invocation starts them on the shared connection, each does 10 round trips, and "
        "waits for all (thread starts included); B/op {}.".format(
            VIRTUAL_THREADS, fmt_spread(report["virtual_bytes_per_op"], fmt_bytes)),
        "",
        "#### transactAsync",
        "",
        "| one thread, windows of {} calls | round trips/s | B allocated per call | heap per call, futures held | "
        "after join, before the {} s timeout | after the timeout |".format(ASYNC_WINDOW, async_figures["timeout_s"]),
        "|---|---:|---:|---:|---:|---:|",
        "| `asyncWindow`, `AsyncFootprint` ({:,} calls) | {} | {} | {} | {} | {} |".format(
            async_figures["footprint_calls"] or 0, rate(async_figures["ops_per_s"]),
            fmt_spread(async_figures["bytes_allocated_per_call"], fmt_bytes),
            fmt_spread(async_figures["heap_per_call_held"], fmt_bytes),
            fmt_spread(async_figures["heap_per_call_after_join"], fmt_bytes),
            fmt_spread(async_figures["heap_per_call_after_timeout"], fmt_bytes)),
        "",
        "#### Single thread: p50 of one round trip (ns)",
        "",
        "| `c-raw` | `java-genl` (GenlRoundTripBenchmark) | java-genl / c-raw |",
        "|---:|---:|---:|",
        "| {} | {} | {} |".format(fmt_spread(p50["c-raw"], fmt_ns), fmt_spread(p50["java-genl"], fmt_ns),
                                 fmt_spread(p50_ratio, lambda v: "{:.3f}x".format(v))),
        "",
        "#### Targets (on the median over rounds; min-max over rounds in brackets)",
        "",
    ]
    lines += [fmt_check(c) for c in checks]
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / "threads-{}".format(date)
    svg_name = base.name + ".svg"
    lines += ["", "![threads](./{})".format(svg_name), ""]
    base.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    base.with_suffix(".md").write_text("\n".join(lines))
    (out_dir / svg_name).write_text(render_threads_svg(report))
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    meta = sub.add_parser("meta")
    meta.add_argument("--where", choices=["host", "vm", "module"], required=True)
    meta.add_argument("--java", required=True)
    meta.add_argument("--pinned-cpu")
    meta.add_argument("--extra", action="append", help="KEY=VALUE recorded as is")
    meta.add_argument("--out", required=True)
    render = sub.add_parser("render")
    render.add_argument("--input", required=True)
    render.add_argument("--where", choices=["host", "vm", "module"], required=True)
    render.add_argument("--mode", choices=["full", "quick", "smoke"], required=True)
    render.add_argument("--out-dir", required=True)
    render.add_argument("--readme")
    ynl = sub.add_parser("ynl")
    ynl.add_argument("--input", required=True)
    ynl.add_argument("--mode", choices=["full", "smoke"], required=True)
    ynl.add_argument("--out-dir", required=True)
    ynl.add_argument("--command", dest="run_command", required=True)
    threads = sub.add_parser("threads")
    threads.add_argument("--input", required=True)
    threads.add_argument("--mode", choices=["full", "smoke"], required=True)
    threads.add_argument("--out-dir", required=True)
    threads.add_argument("--command", dest="run_command", required=True)
    profile = sub.add_parser("profile")
    profile.add_argument("--c-data", required=True)
    profile.add_argument("--c-json", required=True)
    profile.add_argument("--java-data", required=True)
    profile.add_argument("--java-json", required=True)
    profile.add_argument("--steps-dir")
    profile.add_argument("--title", required=True)
    profile.add_argument("--seconds", type=float, required=True)
    profile.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "profile":
        command_profile(args)
    elif args.command == "meta":
        command_meta(args)
    elif args.command == "render":
        command_render(args)
    elif args.command == "threads":
        command_threads(args)
    else:
        command_ynl(args)


if __name__ == "__main__":
    main()
