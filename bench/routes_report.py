#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The report of bench/routes-scale (Python 3 standard library only, SVG written as report.py writes it).

  routes_report.py --input MEASUREMENTS.jsonl --out-dir DIR --routes N --links L --big B --rounds R --java JAVA
                   --java-heap FLAG --load-before TEXT --load-after TEXT --command TEXT [--generated yes]

Each input line is one process: {"part", "tool", "round", "wall_s", "rss_kb", "own", "error"}, "own" being the
line of JSON the Java and pyroute2 programs print ({"items", "seconds"}). Writes routes-scale-<date>.json (every
measurement and the summaries), .md and .svg to DIR. Per tool the median over rounds with the spread (min-max);
ratios are taken within each round, then their median; the targets are judged on that median.
"""

import argparse
import datetime
import json
import math
import platform
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import cpu_model, escape, java_version, spread, svg_document  # noqa: E402

# What each tool is, in the tables' words.
TOOLS = {
    "ip-json": "iproute2, `ip -j` (C, JSON printed)",
    "pyroute2": "pyroute2 0.7 `IPRoute().get_routes()` / `get_links()` (Python)",
    "cli-py": "the kernel's cli.py 6.12 `--dump` (Python YNL, JSON printed)",
    "ynl-client": "`YnlClient` streamed dump, every message decoded to named values (Java)",
    "raw-stream": "`GenlConnection` raw streaming dump, attributes walked in place (Java)",
    "generated": "rt_route client generated from the spec, `getrouteDump()`, header and destination read (Java)",
    "ip-batch": "iproute2, `ip -batch` (one request, one acknowledgement at a time)",
    "java-batch": "`YnlClient.callEach`, requests as named values (GenlBatch rounds of up to 1023 per send)",
    "raw-batch": "`GenlBatch.addRaw` entries written directly, numbers from the spec (1023 per send)",
}
ORDER = ["ip-json", "raw-stream", "generated", "ynl-client", "cli-py", "pyroute2", "ip-batch", "java-batch",
         "raw-batch"]
COLORS = {"ip-json": "#555555", "pyroute2": "#9467bd", "cli-py": "#d62728", "ynl-client": "#1f77b4",
          "raw-stream": "#2ca02c", "generated": "#17becf", "ip-batch": "#555555", "java-batch": "#1f77b4",
          "raw-batch": "#2ca02c"}
TARGET_DUMP_VS_CLI = 5.0
TARGET_ADD_VS_IP = 1.0
TARGET_GENERATED_VS_IP = 1.0


def read(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def summarize(rows, part):
    """Per tool of one part: wall time, work time (own), peak RSS (MB), items, errors, over rounds."""
    tools = {}
    for r in rows:
        if r["part"] != part:
            continue
        t = tools.setdefault(r["tool"], {"wall": [], "cpu": [], "own": [], "rss": [], "items": set(), "errors": []})
        if r["error"] is not None:
            t["errors"].append(r["error"])
            continue
        t["wall"].append(r["wall_s"])
        if r.get("cpu_s") is not None:
            t["cpu"].append(r["cpu_s"])
        if r["rss_kb"] is not None:
            t["rss"].append(r["rss_kb"] / 1024)
        if r["own"]:
            t["own"].append(r["own"].get("seconds"))
            t["items"].add(r["own"].get("items"))
    return {tool: {"wall_s": spread(t["wall"]), "cpu_s": spread(t["cpu"]), "work_s": spread(t["own"]), "rss_mb": spread(t["rss"]),
                   "items": sorted(i for i in t["items"] if i is not None), "errors": sorted(set(t["errors"])),
                   "runs": len(t["wall"]) + len(t["errors"])}
            for tool, t in sorted(tools.items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else 99)}


def per_round(rows, part, tool):
    return {r["round"]: r for r in rows if r["part"] == part and r["tool"] == tool and r["error"] is None}


def ratio(rows, part, slower, faster, key=lambda r: r["wall_s"]):
    """Per round slower / faster on the same round's figures; their median and spread."""
    a, b = per_round(rows, part, slower), per_round(rows, part, faster)
    values = [key(a[k]) / key(b[k]) for k in sorted(a) if k in b and key(b[k])]
    return spread(values)


def cpu_seconds(r):
    return r.get("cpu_s")


def own_seconds(r):
    return r["own"]["seconds"] if r["own"] else None


def check(name, measured, limit, detail):
    if measured is None:
        return {"name": name, "verdict": "NOT MEASURED", "detail": detail}
    ok = measured["median"] >= limit
    crosses = (measured["min"] < limit) == ok
    return {"name": name, "verdict": "PASS" if ok else "MISS", "limit": limit, "measured": measured,
            "detail": detail + ("; the spread crosses the limit" if crosses else "")}


def fmt_s(s):
    if not s:
        return "n/a"
    f = (lambda v: "{:.3f}".format(v)) if s["median"] < 10 else (lambda v: "{:.2f}".format(v))
    return "{} ({}-{})".format(f(s["median"]), f(s["min"]), f(s["max"]))


def fmt_mb(s):
    if not s:
        return "n/a"
    return "{:.1f} ({:.1f}-{:.1f})".format(s["median"], s["min"], s["max"])


def fmt_x(s):
    if not s:
        return "n/a"
    return "{:.2f}x ({:.2f}x-{:.2f}x)".format(s["median"], s["min"], s["max"])


def table(summary, with_items=True):
    out = ["| tool | what | wall clock, s | CPU (user + system), s | work alone, s | peak RSS, MB |"
           + (" items |" if with_items else ""), "|---|---|---:|---:|---:|---:|" + ("---:|" if with_items else "")]
    for tool, s in summary.items():
        if s["errors"] and not s["wall_s"]:
            out.append("| `{}` | {} | fails: {} | | | |{}".format(tool, TOOLS.get(tool, tool),
                                                            escape(s["errors"][0][:160]), " |" if with_items else ""))
            continue
        out.append("| `{}` | {} | {} | {} | {} | {} |{}".format(
            tool, TOOLS.get(tool, tool), fmt_s(s["wall_s"]), fmt_s(s["cpu_s"]), fmt_s(s["work_s"]), fmt_mb(s["rss_mb"]),
            " {} |".format(", ".join("{:,}".format(i) for i in s["items"]) or "") if with_items else ""))
    return out


def bar_panel(title, rows, fmt, y0, width, log=True):
    """Horizontal bars (log scale) of medians with min-max whiskers; rows: (label, tool, spread)."""
    rows = [r for r in rows if r[2]]
    left, right, top, row_h = 150, 40, 36, 26
    height = top + row_h * len(rows) + 34
    if not rows:
        return "", 0
    lo = min(r[2]["min"] for r in rows)
    hi = max(r[2]["max"] for r in rows)
    lo, hi = 10 ** math.floor(math.log10(lo)), 10 ** math.ceil(math.log10(hi))
    plot_w = width - left - right

    def sx(v):
        return left + plot_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    out = ['<text x="10" y="{}" font-size="14" font-weight="bold">{}</text>\n'.format(y0 + 22, escape(title))]
    decade = lo
    while decade <= hi * 1.0001:
        for mult in (1, 2, 5):
            v = decade * mult
            if lo <= v <= hi:
                x = sx(v)
                out.append('<line x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}" stroke="{3}"/>\n'.format(
                    x, y0 + top, y0 + top + row_h * len(rows), "#ccc" if mult == 1 else "#eee"))
                out.append('<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>\n'.format(
                    x, y0 + top + row_h * len(rows) + 16, fmt(v)))
        decade *= 10
    for i, (label, tool, s) in enumerate(rows):
        y = y0 + top + i * row_h
        out.append('<text x="{}" y="{}" text-anchor="end">{}</text>\n'.format(left - 8, y + 17, escape(label)))
        out.append('<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"/>\n'.format(
            left, y + 5, max(1.0, sx(s["median"]) - left), row_h - 10, COLORS.get(tool, "#333")))
        out.append('<line x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}" stroke="black"/>\n'.format(
            sx(s["min"]), y + row_h / 2, sx(s["max"]), y + row_h / 2))
        out.append('<text x="{:.1f}" y="{}">{}</text>\n'.format(
            min(sx(s["max"]) + 6, width - right - 30), y + 17, escape(fmt(s["median"]))))
    return "".join(out), height


def fmt_seconds_axis(v):
    return "{:.3g} s".format(v) if v >= 1 else "{:.3g} ms".format(v * 1000)


def fmt_mb_axis(v):
    return "{:.3g} MB".format(v)


def render_svg(report):
    width = 860
    panels = []
    routes = "{:,}".format(report["routes"])
    dump = report["dump"]
    panels.append(("Dump of {} IPv4 routes: wall clock per process (median, min-max)".format(routes),
                   [(t, t, s["wall_s"]) for t, s in dump.items()], fmt_seconds_axis))
    panels.append(("Dump of {} IPv4 routes: peak RSS per process".format(routes),
                   [(t, t, s["rss_mb"]) for t, s in dump.items()], fmt_mb_axis))
    panels.append(("Adding {} routes: wall clock per process".format(routes),
                   [(t, t, s["wall_s"]) for t, s in report["add"].items()], fmt_seconds_axis))
    if report.get("link_dump"):
        panels.append(("Dump of {} links: wall clock per process".format("{:,}".format(report["links"])),
                       [(t, t, s["wall_s"]) for t, s in report["link_dump"].items()], fmt_seconds_axis))
    body, y = [], 0
    for title, rows, fmt in panels:
        text, height = bar_panel(title, rows, fmt, y, width)
        body.append(text)
        y += height
    return svg_document(width, y + 10, "".join(body))


def render_markdown(report, svg_name):
    m = report["machine"]
    out = ["# Route tables at scale ({})".format(report["date"]), "",
           "- Command: `{}`; {} round(s); every figure is the median over rounds with the spread (min-max), each "
           "command one process timed from outside (wall clock, start to exit) with its peak RSS (GNU time's maximum "
           "resident set size); \"work alone\" is the time the Java and pyroute2 programs measure themselves, from "
           "opening the socket to the last item (Java: after loading the spec, which the JSON keeps as "
           "spec_seconds).".format(report["command"], report["rounds"]),
           "- Machine: {}, {} CPUs **shared with other work while this ran** (load average {} before, {} after); "
           "kernel {}; {}; Java runs with `{}` (as bin/ynl runs one-shot calls, with a 64 MB heap); {}. On a shared "
           "machine the wall clock includes waiting for a CPU; the CPU time (user + system, GNU time) does not, and "
           "the kernel's work for a request is charged to the process that sent it.".format(
               m["cpu"], m["cpus"], m["load_before"], m["load_after"], m["kernel"], m["jdk"], report["java_flags"],
               m["python"]),
           "- Setup: a network namespace of its own with a veth pair; route i is 10.x.y.z/32 (host number i) `dev "
           "veth0`, added by `ip -batch` (and by the Java batch), so the main table holds N routes and the local "
           "table 3 more. A round: `ip -batch` adds them, the dumps run (each round starting with another tool), "
           "`ip -batch` deletes them, the Java batch adds and deletes them.",
           "- The dumps ask for every IPv4 route (`rtm-family` 2); ip lists the main table, the others every table. ip "
           "and cli.py print JSON (to /dev/null); the Java and pyroute2 programs decode and count without printing.",
           "", "## Dump of {:,} IPv4 routes".format(report["routes"]), ""]
    out += table(report["dump"])
    out += ["", "## Adding and deleting {:,} routes".format(report["routes"]), ""]
    out += ["Adding:", ""]
    out += table(report["add"], with_items=False)
    out += ["", "Deleting:", ""]
    out += table(report["delete"], with_items=False)
    if report.get("big"):
        out += ["", "## {:,} routes, Java with `{}`".format(report["big_routes"], report["java_heap"]), "",
                "One run of each (the Java batch adds them, then the dumps).", ""]
        out += table(report["big"])
    if report.get("link_dump"):
        out += ["", "## Dump of {:,} links (ifb devices: this kernel has no dummy driver)".format(report["links"]), ""]
        out += table(report["link_dump"])
        if report.get("link_add"):
            out += ["", "Adding them: `ip -batch`, {} s.".format(fmt_s(report["link_add"].get("ip-batch", {})
                                                                     .get("wall_s")))]
    out += ["", "## Targets", ""]
    for c in report["targets"]:
        if c.get("measured") is None:
            out.append("- **{}** {}: {}".format(c["verdict"], c["name"], c["detail"]))
        else:
            out.append("- **{}** {}: {} (limit {:g}x); {}".format(c["verdict"], c["name"], fmt_x(c["measured"]),
                                                                c["limit"], c["detail"]))
    out += ["", "## Ratios within rounds", ""]
    for name, value in report["ratios"].items():
        out.append("- {}: {}".format(name, fmt_x(value)))
    out += ["", "![route tables at scale]({})".format(svg_name), ""]
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser()
    for name in ("input", "out-dir", "java", "java-flags", "load-before", "load-after", "command"):
        p.add_argument("--" + name, required=True)
    for name in ("routes", "links", "big", "rounds"):
        p.add_argument("--" + name, type=int, required=True)
    p.add_argument("--generated", default="")
    args = p.parse_args()
    rows = read(args.input)
    date = datetime.date.today().isoformat()
    report = {
        "date": date, "command": args.command, "rounds": args.rounds, "routes": args.routes, "links": args.links,
        "big_routes": args.big, "java_flags": args.java_flags, "java_heap": args.java_flags.split()[0],
        "machine": {"cpu": cpu_model(), "cpus": len(__import__("os").sched_getaffinity(0)),
                    "kernel": platform.release(), "jdk": java_version(args.java),
                    "python": subprocess.run(["/usr/bin/python3", "--version"], capture_output=True,
                                             text=True).stdout.strip(),
                    "load_before": args.load_before, "load_after": args.load_after, "shared": True},
        "dump": summarize(rows, "dump"), "add": summarize(rows, "add"), "delete": summarize(rows, "delete"),
        "big": summarize(rows, "big-add") | summarize(rows, "big-dump") if args.big else {},
        "link_dump": summarize(rows, "link-dump"), "link_add": summarize(rows, "link-add"),
        "measurements": rows,
    }
    ratios = {
        "dump: cli.py / YnlClient (wall clock)": ratio(rows, "dump", "cli-py", "ynl-client"),
        "dump: cli.py / YnlClient (CPU time)": ratio(rows, "dump", "cli-py", "ynl-client", key=cpu_seconds),
        "dump: cli.py wall clock / YnlClient work alone": ratio(
            rows, "dump", "cli-py", "ynl-client", key=lambda r: r["wall_s"] if r["tool"] == "cli-py" else own_seconds(r)),
        "dump: pyroute2 / YnlClient (wall clock)": ratio(rows, "dump", "pyroute2", "ynl-client"),
        "dump: ip -j / YnlClient (wall clock)": ratio(rows, "dump", "ip-json", "ynl-client"),
        "dump: ip -j / raw stream (wall clock)": ratio(rows, "dump", "ip-json", "raw-stream"),
        "dump: ip -j / raw stream work alone": ratio(
            rows, "dump", "ip-json", "raw-stream", key=lambda r: r["wall_s"] if r["tool"] == "ip-json" else own_seconds(r)),
        "add: ip -batch / Java batch (wall clock)": ratio(rows, "add", "ip-batch", "java-batch"),
        "add: ip -batch / Java batch (CPU time)": ratio(rows, "add", "ip-batch", "java-batch", key=cpu_seconds),
        "add: ip -batch wall clock / Java batch work alone": ratio(
            rows, "add", "ip-batch", "java-batch", key=lambda r: r["wall_s"] if r["tool"] == "ip-batch" else own_seconds(r)),
        "add: ip -batch / raw GenlBatch (wall clock)": ratio(rows, "add", "ip-batch", "raw-batch"),
        "add: ip -batch / raw GenlBatch (CPU time)": ratio(rows, "add", "ip-batch", "raw-batch", key=cpu_seconds),
        "delete: ip -batch / Java batch (wall clock)": ratio(rows, "delete", "ip-batch", "java-batch"),
        "delete: ip -batch / raw GenlBatch (wall clock)": ratio(rows, "delete", "ip-batch", "raw-batch"),
        "link dump: cli.py / YnlClient (wall clock)": ratio(rows, "link-dump", "cli-py", "ynl-client"),
    }
    if args.generated:
        ratios["dump: ip -j / generated client (wall clock)"] = ratio(rows, "dump", "ip-json", "generated")
        ratios["dump: ip -j / generated client (CPU time)"] = ratio(rows, "dump", "ip-json", "generated",
                                                                    key=cpu_seconds)
        ratios["dump: ip -j wall clock / generated client work alone"] = ratio(
            rows, "dump", "ip-json", "generated", key=lambda r: r["wall_s"] if r["tool"] == "ip-json" else own_seconds(r))
    report["ratios"] = ratios
    targets = [
        check("YnlClient route dump at least {:g}x faster than cli.py".format(TARGET_DUMP_VS_CLI),
              ratios["dump: cli.py / YnlClient (wall clock)"], TARGET_DUMP_VS_CLI,
              "cli.py's wall clock / YnlClient's, whole processes (Java's start-up and spec loading included); "
              "CPU time: " + fmt_x(ratios["dump: cli.py / YnlClient (CPU time)"]) + "; cli.py's wall clock / "
              "YnlClient's work alone: " + fmt_x(ratios["dump: cli.py wall clock / YnlClient work alone"])),
        check("Java batch adds at least as fast as ip -batch", ratios["add: ip -batch / Java batch (wall clock)"],
              TARGET_ADD_VS_IP, "ip -batch's wall clock / the Java batch's, whole processes; CPU time: "
              + fmt_x(ratios["add: ip -batch / Java batch (CPU time)"]) + "; against the Java batch's work alone: "
              + fmt_x(ratios["add: ip -batch wall clock / Java batch work alone"]) + "; the raw GenlBatch recipe: "
              + fmt_x(ratios["add: ip -batch / raw GenlBatch (wall clock)"]) + " (CPU time "
              + fmt_x(ratios["add: ip -batch / raw GenlBatch (CPU time)"]) + ")"),
    ]
    if args.generated:
        targets.append(check("generated client's dump at least as fast as ip -j route",
                             ratios["dump: ip -j / generated client (wall clock)"], TARGET_GENERATED_VS_IP,
                             "ip -j's wall clock / the generated client's, whole processes (Java's start-up "
                             "included); CPU time: " + fmt_x(ratios["dump: ip -j / generated client (CPU time)"])
                             + "; ip -j's wall clock / the generated client's work alone: "
                             + fmt_x(ratios["dump: ip -j wall clock / generated client work alone"])))
    else:
        targets.append(check("generated client's dump at least as fast as ip -j route", None, 0,
                             "the run had no generated client"))
    if args.big:
        big = report["big"].get("ynl-client", {})
        done = bool(big.get("items")) and max(big["items"]) >= args.big
        targets.append({"name": "{:,} routes dumped by YnlClient with {}".format(args.big, report["java_heap"]),
                        "verdict": "PASS" if done else "MISS",
                        "detail": "completed, {} items, peak RSS {} MB".format(big.get("items"), fmt_mb(big.get("rss_mb")))
                        if done else "did not complete: {}".format(big.get("errors"))})
    report["targets"] = targets
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / "routes-scale-{}".format(date)
    base.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n")
    base.with_suffix(".svg").write_text(render_svg(report))
    md = render_markdown(report, base.with_suffix(".svg").name)
    base.with_suffix(".md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
