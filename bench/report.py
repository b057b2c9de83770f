#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Machine facts and the benchmark report of bench/run (Python 3 standard library only).

  report.py meta --where host|vm|module --java JAVA [--pinned-cpu N] --out FILE
      Records where the benchmarks run: CPU model, kernel, JDK, in a VM or not, load. Run on the machine measured
      (inside the guest for the VM run).

  report.py render --input DIR --where host|vm|module --mode full|quick|smoke --out-dir DIR [--readme FILE]
      Reads DIR/meta.json, DIR/jmh.json (JMH -rf json) and DIR/c-*.json (the C clients) and writes
      <where>-<date>.json, .md and .svg to --out-dir. With --readme, replaces the part of that file between the
      latest-results markers with the table and the plot.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

# Path names in the report, by JMH benchmark class.
# Benchmarks without a target parameter talk to one family only.
FIXED_TARGET = {"org.vnetnl.bench.VnetEchoBenchmark": "vnet", "org.vnetnl.bench.HandWrittenEchoBenchmark": "vnet"}
JAVA_PATHS = {
    "org.vnetnl.bench.VnetEchoBenchmark": ("java-vnet-client", "Java, vnet client (zero-copy)"),
    "org.vnetnl.bench.HandWrittenEchoBenchmark": ("java-vnet-handwritten",
                                                  "Java, the hand-written ECHO path the generated one replaced"),
    "org.vnetnl.bench.GenlRoundTripBenchmark": ("java-genl", "Java, GenlConnection facade (zero-copy)"),
    "org.vnetnl.bench.ClassicLibnlBenchmark": ("java-libnl-classic", "Java, classic libnl path + upcall"),
}
DECODE_BENCHMARK = "org.vnetnl.bench.AttributeDecodeBenchmark"
DECODE_ATTRIBUTES = 8  # AttributeDecodeBenchmark.ATTRIBUTES
C_PATHS = {
    "c-raw": "C, raw socket (1 sendto + 1 recv)",
    "c-libnl-tuned": "C, libnl tuned (no auto-ack, no MSG_PEEK)",
    "c-libnl-default": "C, libnl defaults (auto-ack, MSG_PEEK)",
}
ORDER = ["c-raw", "java-vnet-client", "java-vnet-handwritten", "java-genl", "c-libnl-tuned", "c-libnl-default", "java-libnl-classic"]
PERCENTILES = [("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p99.9", 99.9)]

# The targets for the zero-copy ECHO path.
TARGET_P50_VS_RAW = 1.05
TARGET_P99_VS_RAW = 1.10
TARGET_VS_LIBNL_DEFAULT = 0.6
# The generator's target: VnetClient's ECHO on the generated code against the hand-written path it replaced.
TARGET_GENERATED_VS_HANDWRITTEN = 1.05
TARGET_ALLOC_BYTES = 1.0  # "about 0 B/op": below one byte per operation, i.e. nothing allocated per round trip

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
# render

def load_results(directory):
    paths = {}
    decode = None
    jmh_file = directory / "jmh.json"
    jmh = json.loads(jmh_file.read_text()) if jmh_file.exists() else []
    for run in jmh:
        bench_class = run["benchmark"].rsplit(".", 1)[0]
        metrics = run["primaryMetric"]
        alloc = run["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")
        if bench_class == DECODE_BENCHMARK:
            decode = {"ns_per_op": metrics["score"], "ns_per_op_error": number(metrics["scoreError"]),
                      "ns_per_attribute": metrics["score"] / DECODE_ATTRIBUTES, "attributes": DECODE_ATTRIBUTES,
                      "bytes_per_op": alloc, "forks": run["forks"]}
            continue
        if bench_class not in JAVA_PATHS:
            continue
        name, label = JAVA_PATHS[bench_class]
        target = run.get("params", {}).get("target") or FIXED_TARGET.get(bench_class, "?")
        entry = paths.setdefault((target, name), {"path": name, "label": label, "target": target,
                                                   "language": "Java", "forks": run["forks"]})
        if run["mode"] == "avgt":
            entry["mean"] = metrics["score"]
            entry["mean_error"] = number(metrics["scoreError"])
            entry["bytes_per_op"] = alloc
        elif run["mode"] == "sample":
            pct = metrics["scorePercentiles"]
            for key, rank in PERCENTILES:
                entry[key] = pct[format_rank(rank)]
            entry["samples"] = sum(count for fork in metrics["rawDataHistogram"] for it in fork for _, count in it)
            entry["histogram"] = merge_histograms(
                (value, count) for fork in metrics["rawDataHistogram"] for it in fork for value, count in it)
            entry.setdefault("bytes_per_op", alloc)
            entry.setdefault("mean", metrics["score"])
            entry["bytes_per_op_sample_mode"] = alloc
    # Each C client runs as several processes, like JMH's forks (c-<client>.<fork>.json): their samples are
    # merged, and the percentiles computed over all of them with JMH's method.
    runs = {}
    for c_file in sorted(directory.glob("c-*.json")):
        result = json.loads(c_file.read_text())
        if "batch" in result:
            continue  # a whole batch per sample: load_batch_results
        runs.setdefault((result["target"], result["client"]), []).append(result)
    for (target, name), results in runs.items():
        histogram = merge_histograms((value, count) for r in results for value, count in r["histogram"])
        samples = sum(r["iterations"] for r in results)
        entry = {"path": name, "label": C_PATHS.get(name, name), "target": target, "language": "C",
                 "forks": len(results), "samples": samples, "warmup": results[0]["warmup"],
                 "mean": sum(r["mean"] * r["iterations"] for r in results) / samples,
                 "clock_read_ns": results[0].get("clock_read_ns"), "bytes_per_op": None, "histogram": histogram}
        for key, rank in PERCENTILES:
            entry[key] = percentile(histogram, rank)
        paths[(target, name)] = entry
    return paths, decode, jmh


# ----------------------------------------------------------------------------------------------------------------
# batched round trips: GenlBatchBenchmark and bench/c/rt-batch (client c-batch), one operation a whole batch

BATCH_BENCHMARK = "org.vnetnl.bench.GenlBatchBenchmark"
TARGET_BATCH_VS_C_BATCH = 0.95  # Java's requests per second at least this share of the C batch's
TARGET_BATCH_VS_RAW = 1.9       # ... and at least this multiple of c-raw's ping-pong


def load_batch_results(directory, jmh, paths):
    """One row per (target, batch size): latency per batch, requests per second, the ratios and the targets."""
    rows = {}
    for run in jmh:
        if run["benchmark"].rsplit(".", 1)[0] != BATCH_BENCHMARK:
            continue
        params = run.get("params", {})
        row = rows.setdefault((params["target"], int(params["batch"])),
                              {"target": params["target"], "batch": int(params["batch"])})
        metrics = run["primaryMetric"]
        if run["mode"] == "avgt" or "java_mean" not in row:
            row["java_mean"] = metrics["score"]
            row["java_bytes_per_batch"] = run["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")
        if run["mode"] == "sample":
            row["java_p50"] = metrics["scorePercentiles"][format_rank(50.0)]
    c_runs = {}
    for c_file in sorted(directory.glob("c-*.json")):
        result = json.loads(c_file.read_text())
        if "batch" in result:
            c_runs.setdefault((result["target"], result["batch"]), []).append(result)
    for (target, batch), results in c_runs.items():
        row = rows.setdefault((target, batch), {"target": target, "batch": batch})
        samples = sum(r["iterations"] for r in results)
        row["c_mean"] = sum(r["mean"] * r["iterations"] for r in results) / samples
        row["c_p50"] = percentile(merge_histograms((v, n) for r in results for v, n in r["histogram"]), 50.0)
    for row in rows.values():
        batch = row["batch"]
        raw = paths.get((row["target"], "c-raw"))
        for side in ("java", "c"):
            if row.get(side + "_mean"):
                row[side + "_requests_per_s"] = batch * 1e9 / row[side + "_mean"]
        if raw and raw.get("mean"):
            row["c_raw_requests_per_s"] = 1e9 / raw["mean"]
        java = row.get("java_requests_per_s")
        if java and row.get("c_requests_per_s"):
            row["java_vs_c_batch"] = java / row["c_requests_per_s"]
        if java and row.get("c_raw_requests_per_s"):
            row["java_vs_c_raw"] = java / row["c_raw_requests_per_s"]
        if row.get("java_bytes_per_batch") is not None:
            row["java_bytes_per_request"] = row["java_bytes_per_batch"] / batch
        row["checks"] = [
            check_batch("Java >= {:.2f}x c-batch requests/s".format(TARGET_BATCH_VS_C_BATCH),
                        row.get("java_vs_c_batch"), lambda v: v >= TARGET_BATCH_VS_C_BATCH, "{:.2f}x"),
            check_batch("Java >= {:.1f}x c-raw requests/s".format(TARGET_BATCH_VS_RAW),
                        row.get("java_vs_c_raw"), lambda v: v >= TARGET_BATCH_VS_RAW, "{:.2f}x"),
            check_batch("about 0 B per request (< {:.0f})".format(TARGET_ALLOC_BYTES),
                        row.get("java_bytes_per_request"), lambda v: v < TARGET_ALLOC_BYTES, "{:.3f} B"),
        ]
    return [rows[key] for key in sorted(rows)]


def check_batch(name, value, passes, fmt):
    if value is None:
        return {"target": name, "measured": None, "result": "NOT MEASURED"}
    return {"target": name, "measured": value, "result": "PASS" if passes(value) else "MISS",
            "text": fmt.format(value)}


def render_batch_markdown(rows):
    if not rows:
        return ""
    lines = ["", "#### Batched round trips (GenlBatch: one sendto, one recvmmsg per batch)", "",
             "Latency per batch (mean, p50) and requests per second (batch / mean); c-raw is the ping-pong of one "
             "request per round trip.", "",
             "| target | batch | Java mean | Java p50 | C mean | C p50 | Java req/s | C batch req/s | c-raw req/s "
             "| Java vs c-batch | Java vs c-raw | B/request | targets |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]

    def rate(value):
        return "n/a" if value is None else "{:,.0f}".format(value)

    for row in rows:
        targets = "; ".join("{} {}".format(c["result"], c.get("text", "")).strip() for c in row["checks"])
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            row["target"], row["batch"], fmt_ns(row.get("java_mean")), fmt_ns(row.get("java_p50")),
            fmt_ns(row.get("c_mean")), fmt_ns(row.get("c_p50")), rate(row.get("java_requests_per_s")),
            rate(row.get("c_requests_per_s")), rate(row.get("c_raw_requests_per_s")),
            fmt_ratio(row.get("java_vs_c_batch")), fmt_ratio(row.get("java_vs_c_raw")),
            "n/a" if row.get("java_bytes_per_request") is None else "{:.3f}".format(row["java_bytes_per_request"]),
            targets))
    return "\n".join(lines) + "\n"


def number(value):
    """JMH writes "NaN" (a string) where a statistic is undefined, e.g. the error of a single iteration."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def format_rank(rank):
    # JMH's keys: "50.0", "99.9", ...
    return repr(float(rank))


def add_ratios(paths):
    for (target, _), entry in paths.items():
        raw = paths.get((target, "c-raw"))
        default = paths.get((target, "c-libnl-default"))
        for key in ("p50", "p99"):
            if raw and key in entry and key in raw:
                entry[key + "_vs_c_raw"] = entry[key] / raw[key]
            if default and key in entry and key in default:
                entry[key + "_vs_c_libnl_default"] = entry[key] / default[key]


def evaluate_targets(paths, target):
    """PASS/MISS for the issue's targets, on the zero-copy path of this target."""
    zero_copy = paths.get((target, "java-vnet-client")) or paths.get((target, "java-genl"))
    if not zero_copy or (target, "c-raw") not in paths:
        return None, []
    checks = []

    def check(name, value, limit, unit, fmt):
        if value is None:
            checks.append({"target": name, "measured": None, "limit": limit, "result": "NOT MEASURED"})
        else:
            checks.append({"target": name, "measured": value, "limit": limit, "unit": unit,
                           "result": "PASS" if value <= limit else "MISS", "text": fmt.format(value)})

    check("p50 within {:.2f}x of c-raw".format(TARGET_P50_VS_RAW), zero_copy.get("p50_vs_c_raw"),
          TARGET_P50_VS_RAW, "x", "{:.3f}x")
    check("p99 within {:.2f}x of c-raw".format(TARGET_P99_VS_RAW), zero_copy.get("p99_vs_c_raw"),
          TARGET_P99_VS_RAW, "x", "{:.3f}x")
    check("p50 at most {:.1f}x c-libnl-default".format(TARGET_VS_LIBNL_DEFAULT),
          zero_copy.get("p50_vs_c_libnl_default"), TARGET_VS_LIBNL_DEFAULT, "x", "{:.3f}x")
    check("p99 at most {:.1f}x c-libnl-default".format(TARGET_VS_LIBNL_DEFAULT),
          zero_copy.get("p99_vs_c_libnl_default"), TARGET_VS_LIBNL_DEFAULT, "x", "{:.3f}x")
    check("gc.alloc.rate.norm about 0 B/op (< {:.0f})".format(TARGET_ALLOC_BYTES), zero_copy.get("bytes_per_op"),
          TARGET_ALLOC_BYTES, "B/op", "{:.3f} B/op")
    handwritten = paths.get((target, "java-vnet-handwritten"))
    if handwritten and zero_copy["path"] == "java-vnet-client":
        ratio = zero_copy["p50"] / handwritten["p50"] if "p50" in zero_copy and "p50" in handwritten else None
        check("generated p50 within {:.2f}x of hand-written (java-vnet-handwritten)".format(
            TARGET_GENERATED_VS_HANDWRITTEN), ratio, TARGET_GENERATED_VS_HANDWRITTEN, "x", "{:.3f}x")
    return zero_copy["path"], checks


def notes(meta):
    """What a reader must know to judge the numbers of this machine."""
    out = []
    if meta["cpus"] is not None and meta["cpus"] <= 4:
        out.append("Noise: {} CPUs shared with other work; whatever else runs on the pinned CPU lands in the tails "
                   "(p99.9) and can move p50 between runs. Compare paths within this run.".format(meta["cpus"]))
    if meta["in_vm"]:
        out.append("VM: QEMU TCG emulates every instruction, so absolute numbers are an emulator's (several times "
                   "the host's) and the guest's clock is an emulated {}; the JIT compiles slowly there, hence the "
                   "long warm-up and the JVM flags `{}`. Ratios within the run are what carries over.".format(
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
    return "n/a" if value is None else "{:.2f}x".format(value)


def fmt_bytes(value):
    return "n/a (C)" if value is None else "{:.1f}".format(value)


def render_markdown(report, svg_name):
    meta = report["machine"]
    lines = []
    where = {"vm": "QEMU VM (TCG), vnet_nl module loaded",
             "module": "this machine, vnet_nl module loaded in its kernel"}.get(report["where"], "host")
    lines.append("### {} run, {} ({} mode)".format(report["where"], report["date"], report["mode"]))
    lines.append("")
    lines.append("- Where: {}; CPU: {} ({} CPUs); kernel {}; JDK: {}".format(
        where, meta["cpu_model"], meta["cpus"], meta["kernel"], meta["jdk"]))
    lines.append("- Pinned to CPU {}; clock source {} (one read: {} ns, in every sample of both sides); load "
                 "average before/after: {} / {}".format(
                     meta.get("pinned_cpu") or "none", meta.get("clocksource"),
                     "?" if report.get("clock_read_ns") is None else "{:.0f}".format(report["clock_read_ns"]),
                     " ".join(meta["loadavg"]), " ".join(report.get("loadavg_after", ["?"]))))
    modes = report.get("jmh_modes") or []
    mean_from = "average-time mode" if "avgt" in modes else "sample mode"
    lines.append("- Java: JMH {}, {} fork(s) per benchmark ({}); modes {}: percentiles from sample mode, the mean "
                 "from {}, B/op = gc.alloc.rate.norm (GC profiler on every run). C: {} process(es) per client, each "
                 "timing {} round trips after {} warm-up ones; percentiles computed as JMH does.".format(
                     report.get("jmh_version", "?"), report.get("forks", "?"), report.get("jmh_settings", ""),
                     ", ".join(modes), mean_from, report.get("c_forks", "?"), report.get("c_iterations", "?"),
                     report.get("c_warmup", "?")))
    if report["mode"] == "quick":
        lines.append("- **Quick run**: one fork and a few seconds of measurement after the JIT has settled; indicative, "
                     "not published numbers (those come from `bench/run`: 3 forks, longer runs).")
    if report["mode"] == "smoke":
        lines.append("- **Smoke run**: it checks that every benchmark works; with 1 s of warm-up the JIT has not "
                     "settled, so its numbers and verdicts are not results.")
    for note in notes(meta):
        lines.append("- " + note)
    for target in report["targets"]:
        rows = [p for p in report["paths"] if p["target"] == target]
        rows.sort(key=lambda p: ORDER.index(p["path"]) if p["path"] in ORDER else 99)
        what = "CTRL_CMD_GETFAMILY(\"nlctrl\")" if target == "nlctrl" else "vnet_nl ECHO (MSG + VALUE + FLAG)"
        lines.append("")
        lines.append("#### {} round trip (ns)".format(what))
        lines.append("")
        lines.append("| path | p50 | p90 | p99 | p99.9 | mean | B/op | p50 vs c-raw | p99 vs c-raw |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for p in rows:
            lines.append("| {} (`{}`) | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                p["label"], p["path"], fmt_ns(p.get("p50")), fmt_ns(p.get("p90")), fmt_ns(p.get("p99")),
                fmt_ns(p.get("p99.9")), fmt_ns(p.get("mean")), fmt_bytes(p.get("bytes_per_op")),
                fmt_ratio(p.get("p50_vs_c_raw")), fmt_ratio(p.get("p99_vs_c_raw"))))
        verdict = report["target_checks"].get(target)
        if verdict:
            lines.append("")
            scope = ("the issue's targets are set for the vnet_nl ECHO path; on nlctrl they are indicative"
                     if target == "nlctrl" else "the issue's targets")
            lines.append("Targets for `{}` ({}):".format(verdict["path"], scope))
            lines.append("")
            for c in verdict["checks"]:
                lines.append("- **{}** {}: {}".format(c["result"], c["target"], c.get("text", "not measured")))
    if report.get("decode"):
        d = report["decode"]
        lines.append("")
        lines.append("#### Attribute decode, no I/O")
        lines.append("")
        error = "" if d["ns_per_op_error"] is None else " (± {:.1f})".format(d["ns_per_op_error"])
        lines.append("AttributeReader over a reply of {} attributes: {:.1f} ns/op{}, {:.2f} ns per "
                     "attribute, {} B/op.".format(d["attributes"], d["ns_per_op"], error,
                                                  d["ns_per_attribute"], fmt_bytes(d["bytes_per_op"])))
    lines.append("")
    lines.append("![latency distributions]({})".format(svg_name))
    lines.append("")
    return "\n".join(lines)


# A small SVG percentile plot: x = percentile on a "nines" scale, y = latency (log), one line per path.
COLORS = {"c-raw": "#1b9e77", "java-vnet-client": "#d95f02", "java-genl": "#e7298a", "c-libnl-tuned": "#7570b3",
          "c-libnl-default": "#66a61e", "java-libnl-classic": "#e6ab02"}


def render_svg(report):
    width, height = 860, 420 * max(1, len(report["targets"]))
    panels = []
    panel_height = height / max(1, len(report["targets"]))
    for index, target in enumerate(report["targets"]):
        rows = [p for p in report["paths"] if p["target"] == target and p.get("histogram")]
        rows.sort(key=lambda p: ORDER.index(p["path"]) if p["path"] in ORDER else 99)
        panels.append(svg_panel(target, rows, 0, index * panel_height, width, panel_height, report))
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            'font-family="sans-serif" font-size="12">\n<rect width="{w}" height="{h}" fill="white"/>\n{body}</svg>\n'
            .format(w=width, h=int(height), body="".join(panels)))


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
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values)))

    def sx(rank):
        nines = -math.log10(max(1e-9, 1 - rank / 100.0))
        return x0 + left + plot_w * min(nines, max_nines) / max_nines

    def sy(value):
        return y0 + top + plot_h * (1 - (math.log10(value) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))

    out = []
    title = "{} round trip: latency by percentile ({}, {})".format(
        "CTRL_CMD_GETFAMILY(nlctrl)" if target == "nlctrl" else "vnet_nl ECHO",
        "VM" if report["machine"]["in_vm"] else "host", report["date"])
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
    decade = lo
    while decade <= hi * 1.0001:
        for mult in (1, 2, 5):
            v = decade * mult
            if lo <= v <= hi:
                y = sy(v)
                out.append('<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}"/>\n'.format(
                    x0 + left, y, x0 + left + plot_w, y, "#ccc" if mult == 1 else "#eee"))
                out.append('<text x="{:.1f}" y="{:.1f}" text-anchor="end">{}</text>\n'.format(
                    x0 + left - 6, y + 4, fmt_axis(v)))
        decade *= 10
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
            lx + 28, ly + 18, fmt_axis(p["p50"]), fmt_axis(p["p99"])))
    return "".join(out)


def fmt_axis(ns):
    if ns >= 1_000_000:
        return "{:g} ms".format(round(ns / 1_000_000, 2))
    if ns >= 1000:
        return "{:g} us".format(round(ns / 1000, 2))
    return "{:g} ns".format(round(ns))


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def command_render(args):
    directory = Path(args.input)
    meta = json.loads((directory / "meta.json").read_text())
    paths, decode, jmh = load_results(directory)
    if not paths:
        sys.exit("report.py: no results in {}".format(directory))
    add_ratios(paths)
    targets = sorted({target for target, _ in paths})
    date = meta["timestamp"][:10]
    c_runs = [p for p in paths.values() if p["language"] == "C"]
    report = {
        "where": args.where,
        "date": date,
        "mode": args.mode,
        "machine": meta,
        "targets": targets,
        "jmh_version": jmh[0]["jmhVersion"] if jmh else None,
        "forks": max((run["forks"] for run in jmh), default=None),
        "jvm_args": jmh[0]["jvmArgs"] if jmh else None,
        "jmh_settings": ("warm-up {} x {}, measurement {} x {}".format(
            jmh[0]["warmupIterations"], jmh[0]["warmupTime"], jmh[0]["measurementIterations"],
            jmh[0]["measurementTime"]) if jmh else None),
        "c_iterations": c_runs[0]["samples"] // c_runs[0]["forks"] if c_runs else None,
        "c_forks": c_runs[0]["forks"] if c_runs else None,
        "c_warmup": c_runs[0]["warmup"] if c_runs else None,
        "clock_read_ns": c_runs[0].get("clock_read_ns") if c_runs else None,
        "jmh_modes": sorted({run["mode"] for run in jmh}),
        "paths": [],
        "decode": decode,
        "target_checks": {},
        "batch": load_batch_results(directory, jmh, paths),
    }
    after = directory / "loadavg-after"
    if after.exists():
        report["loadavg_after"] = after.read_text().split()[:3]
    for key in sorted(paths, key=lambda k: (k[0], ORDER.index(k[1]) if k[1] in ORDER else 99)):
        report["paths"].append(paths[key])
    for target in targets:
        zero_copy, checks = evaluate_targets(paths, target)
        if zero_copy:
            report["target_checks"][target] = {"path": zero_copy, "checks": checks}

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "{}-{}".format(args.where, date)
    svg_name = stem + ".svg"
    (out_dir / svg_name).write_text(render_svg(report))
    markdown = render_markdown(report, svg_name) + render_batch_markdown(report["batch"])
    (out_dir / (stem + ".md")).write_text(markdown)
    # The JSON keeps the distributions compact: the histogram is in the raw inputs, the percentiles are here.
    for p in report["paths"]:
        p.pop("histogram", None)
    (out_dir / (stem + ".json")).write_text(json.dumps(report, indent=2) + "\n")
    if args.readme:
        update_readme(Path(args.readme), out_dir, stem, markdown, svg_name)
    print(markdown)


def update_readme(readme, out_dir, stem, markdown, svg_name):
    """Replaces the readme's section for this run's kind (host or vm) between the latest-results markers."""
    text = readme.read_text()
    if LATEST_START not in text or LATEST_END not in text:
        sys.exit("report.py: {} has no {} ... {} section".format(readme, LATEST_START, LATEST_END))
    head, rest = text.split(LATEST_START, 1)
    body, tail = rest.split(LATEST_END, 1)
    relative = os.path.relpath(out_dir, readme.parent)
    section = markdown.replace("]({})".format(svg_name), "]({}/{})".format(relative, svg_name))
    kind = stem.split("-", 1)[0]
    parts = re.split(r"(?m)^(?=<!-- run:)", body.strip("\n"))
    sections = {}
    for part in parts:
        m = re.match(r"<!-- run:(\w+) -->", part)
        if m:
            sections[m.group(1)] = part.strip("\n")
    sections[kind] = "<!-- run:{} -->\n{}".format(kind, section.strip("\n"))
    ordered = [sections[k] for k in ("host", "vm") if k in sections]
    readme.write_text(head + LATEST_START + "\n" + "\n\n".join(ordered) + "\n" + LATEST_END + tail)


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
    args = parser.parse_args()
    if args.command == "meta":
        command_meta(args)
    else:
        command_render(args)


if __name__ == "__main__":
    main()
