#!/usr/bin/env python3
"""Writes bench/REPORT.md and bench/report.json from one run's results (scripts/bench.sh).

    report.py RESULTS OUT "SCENARIOS" key=value...

RESULTS holds each scenario's JSON and SVG (scripts/bench/stats.py); the charts go to
OUT/charts. Every target of the whole-system issue is reported as met, missed, or not run.
"""
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys


def load(results, name):
    path = os.path.join(results, f"{name}.json")
    return json.load(open(path)) if os.path.exists(path) else None


def command(*argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=20)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown")
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory_kb / 2**20, 1),
            "os": command("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"), "kernel": platform.release()}


def pinned(path, pattern):
    """The version PATTERN (one group) finds in the file that pins it."""
    match = re.search(pattern, open(path).read()) if os.path.exists(path) else None
    return match.group(1) if match else "unknown"


def versions():
    return {
        "commit": command("git", "rev-parse", "--short", "HEAD"),
        "rustc": command("rustc", "--version"),
        "vegeta": pinned("scripts/bench-lib.sh", r"vegeta/v12@(v[0-9.]+)"),
        "mariadb": command("mariadb", "--version"),
        "postgresql": command("psql", "--version"),
        "kafka": pinned("scripts/kafka/pom.xml", r"<kafka.version>([^<]+)<"),
        "ferretdb": pinned("scripts/ferretdb/go.mod", r"FerretDB/FerretDB (v[0-9.]+)"),
    }


def verdict(value, limit, below=True):
    if value is None:
        return "not run"
    return "met" if (value < limit if below else value >= limit) else "missed"


def targets(r):
    """[(target, measured, verdict)] for every target of the issue."""
    rows = []
    reads = r.get("reads")
    p99 = reads and reads["latency_ms"].get("p99")
    rows.append(("read mix, 32 clients: p99 under 30 ms", f"{p99} ms" if reads else "-", verdict(p99, 30)))
    distinct, contested, check = r.get("storm-distinct"), r.get("storm-contested"), r.get("storm-check")
    if distinct and contested:
        rate = distinct["succeeded_per_second"] + contested["succeeded_per_second"]
        rows.append(("booking storm: at least 1,000 bookings/s", f"{rate:.0f}/s", verdict(rate, 1000, below=False)))
        worst = max(distinct["latency_ms"]["p99"], contested["latency_ms"]["p99"])
        rows.append(("booking storm: p99 under 30 ms", f"{distinct['latency_ms']['p99']} ms distinct, "
                     f"{contested['latency_ms']['p99']} ms contested", verdict(worst, 30)))
    else:
        rows.append(("booking storm: at least 1,000 bookings/s", "-", "not run"))
        rows.append(("booking storm: p99 under 30 ms", "-", "not run"))
    if check:
        wrong = check["double_bookings"]
        rows.append(("booking storm: zero double bookings", str(wrong), verdict(wrong, 1)))
        unbilled = check["appointments_without_bill"] + check["bills_without_appointment"] + check["appointments_with_two_bills"]
        rows.append(("booking storm: one bill per booking", f"{check['appointments']} appointments, {check['bills']} bills, "
                     f"{unbilled} wrong", verdict(unbilled, 1)))
    lag = r.get("pipeline-lag")
    for key, label, limit in (("bill_lag_ms", "bill", 100), ("dashboard_lag_ms", "dashboard", 500)):
        value = lag and lag[key].get("p99")
        rows.append((f"pipeline lag p99 to the {label}: under {limit} ms", f"{value} ms" if lag else "-", verdict(value, limit)))
    soak_reads, soak_bookings, processes = r.get("soak-reads"), r.get("soak-bookings"), r.get("soak-processes")
    if soak_reads and soak_bookings:
        errors = soak_reads["errors"] + soak_bookings["errors"]
        rows.append(("soak: zero errors", str(errors), verdict(errors, 1)))
    else:
        rows.append(("soak: zero errors", "-", "not run"))
    ours = ("router", "patients", "doctors", "appointments", "billing", "analytics")
    if processes:
        ours_seen = {p: d for p, d in processes["processes"].items() if p in ours}
        growth = max(d["rss_growth_pct"] or 0 for d in ours_seen.values())
        peak = max(d["rss_mb_peak"] for d in ours_seen.values())
        worst_growth = max(ours_seen, key=lambda p: ours_seen[p]["rss_growth_pct"] or 0)
        worst_peak = max(ours_seen, key=lambda p: ours_seen[p]["rss_mb_peak"])
        rows.append(("soak: RSS flat, under 10% growth after warm-up", f"{growth}% ({worst_growth})", verdict(growth, 10)))
        rows.append(("soak: RSS under 100 MB for each subgraph and the router", f"{peak} MB peak ({worst_peak})", verdict(peak, 100)))
    else:
        rows.append(("soak: RSS flat, under 10% growth after warm-up", "-", "not run"))
        rows.append(("soak: RSS under 100 MB for each subgraph and the router", "-", "not run"))
    drills = r.get("drills")
    if drills:
        for drill in drills["drills"]:
            rows.append((f"drill, {drill['name']}: nothing lost, duplicated or double-booked", drill["summary"],
                         "met" if drill["passed"] else "missed"))
    else:
        rows.append(("fault drills: zero lost, zero duplicated effects", "-", "not run"))
    return rows


def run_table(name, data):
    lines = [f"| class | requests/s | p50 | p90 | p99 | p99.9 | max | outcomes |", "|---|---|---|---|---|---|---|---|"]
    for kind, values in data["classes"].items():
        l = values["latency_ms"]
        outcomes = ", ".join(f"{k} {v}" for k, v in values["outcomes"].items())
        lines.append(f"| {kind} | {values['per_second']} | {l['p50']} | {l['p90']} | {l['p99']} | {l['p99.9']} | {l['max']} | {outcomes} |")
    if len(data["classes"]) > 1:
        l = data["latency_ms"]
        lines.append(f"| **all** | {data['per_second']} | {l['p50']} | {l['p90']} | {l['p99']} | {l['p99.9']} | {l['max']} | errors {data['errors']} |")
    lines.append("")
    lines.append(f"Latencies in ms over {data['requests']} requests in {data['duration_s']} s; "
                 f"{data['succeeded_per_second']} succeeded/s. ![{name}](charts/{name}.svg)")
    if data.get("sample_error"):
        lines.append(f"\nAn error: `{data['sample_error'][:200]}`")
    return "\n".join(lines)


def cpu_line(r, scenario):
    shares = r.get(f"{scenario}-cpu")
    if not shares:
        return []
    return ["", "CPU over the scenario, % of one core (200% is the whole machine): "
            + ", ".join(f"{name} {share}" for name, share in shares.items()) + "."]


def main(argv):
    results, out, scenarios = argv[1], argv[2], argv[3].split()
    settings = dict(arg.split("=", 1) for arg in argv[4:])
    names = [n[:-5] for n in sorted(os.listdir(results)) if n.endswith(".json")]
    r = {name: load(results, name) for name in names}
    os.makedirs(os.path.join(out, "charts"), exist_ok=True)
    for name in names:
        chart = os.path.join(results, f"{name}.svg")
        if os.path.exists(chart):
            shutil.copy(chart, os.path.join(out, "charts", f"{name}.svg"))
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(), "versions": versions(), "scenarios": scenarios, "settings": settings,
        "targets": [{"target": t, "measured": m, "verdict": v} for t, m, v in targets(r)],
        "results": r,
    }
    json.dump(report, open(os.path.join(out, "report.json"), "w"), indent=1)

    md = ["# Whole-system benchmark report", "",
          f"Written by `scripts/bench.sh` on {report['date']}; scenarios: {', '.join(scenarios)}; "
          + ", ".join(f"{k} {v}" for k, v in settings.items()) + ". The same figures: `report.json`.", "",
          "## Machine and versions", ""]
    m, v = report["machine"], report["versions"]
    md.append(f"- {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']}, Linux {m['kernel']}")
    md.extend(f"- {k}: {val}" for k, val in v.items())
    md += ["", "Everything runs on this machine together: the router, the five subgraphs (release builds),",
           "MariaDB, PostgreSQL, Kafka, FerretDB and the load driver (vegeta, fed by",
           "`scripts/bench/load.py`); percentiles are nearest-rank over every request",
           "(`scripts/bench/stats.py`).", "", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    md.extend(f"| {t} | {val} | {verdict} |" for t, val, verdict in targets(r))
    sections = [
        ("storm-distinct", "Booking storm: 32 clients on distinct slots"),
        ("storm-contested", "Booking storm: 8 clients fighting for each slot (CONFLICT is the expected loss)"),
        ("pipeline", "Event pipeline: bookings at a fixed rate"),
        ("reads", "Read mix: 32 clients, 60% page, 20% patient, 20% dashboard"),
        ("soak-reads", "Soak: the read mix at a fixed rate"),
        ("soak-bookings", "Soak: bookings at a fixed rate"),
    ]
    for name, title in sections:
        if r.get(name):
            md += ["", f"## {title}", "", run_table(name, r[name])]
        if name == "storm-contested" and r.get("storm-check"):
            md += ["", "After the storm: " + ", ".join(f"{k.replace('_', ' ')} {val}" for k, val in r["storm-check"].items()) + "."]
        if name in ("storm-contested", "reads"):
            md += cpu_line(r, name.split("-")[0])
        if name == "pipeline" and r.get("pipeline-lag"):
            lag = r["pipeline-lag"]
            md += ["", f"{lag['bookings']} bookings, {lag['billed']} billed, {lag['counted']} counted by the dashboard "
                   f"(polled every {lag['poll_interval_ms']} ms, through the router).", "",
                   "| lag from commit | p50 | p90 | p99 | p99.9 | max |", "|---|---|---|---|---|---|"]
            for key, label in (("bill_lag_ms", "to the bill"), ("dashboard_lag_ms", "to the dashboard")):
                l = lag[key]
                md.append(f"| {label} | {l.get('p50')} | {l.get('p90')} | {l.get('p99')} | {l.get('p99.9')} | {l.get('max')} |")
            md += cpu_line(r, "pipeline")
    if r.get("soak-processes"):
        md += ["", "## Soak: every process, sampled every 10 s", "",
               "| process | RSS after warm-up (MB) | RSS at the end | peak | growth | CPU |", "|---|---|---|---|---|---|"]
        for process, d in r["soak-processes"]["processes"].items():
            md.append(f"| {process} | {d['rss_mb_after_warm_up']} | {d['rss_mb_end']} | {d['rss_mb_peak']} | {d['rss_growth_pct']}% | {d['cpu_pct']}% |")
        md += ["", "![soak-processes](charts/soak-processes.svg)"] + cpu_line(r, "soak")
    if r.get("drills"):
        md += ["", "## Fault drills", ""]
        for drill in r["drills"]["drills"]:
            md.append(f"- **{drill['name']}** ({'passed' if drill['passed'] else 'FAILED'}): {drill['summary']}."
                      f" [chart](charts/drill-{drill['key']}.svg)")
    open(os.path.join(out, "REPORT.md"), "w").write("\n".join(md) + "\n")


if __name__ == "__main__":
    main(sys.argv)
