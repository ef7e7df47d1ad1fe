#!/usr/bin/env python3
"""The one percentile computation of the benchmarks, and their charts.

    vegeta attack ... | vegeta encode --to=json | stats.py results NAME DIR [--expect CODE]... [--ids FILE]
        summarises a load run (every request's latency, outcome and class) into DIR/NAME.json
        and charts it in DIR/NAME.svg; prints one line per class. `--expect CODE`: answers
        with that error code are an expected outcome, not an error (a lost booking race);
        `--ids FILE`: the first `id` of every successful answer goes to FILE, one per line
        with the time the answer came (`<id> <epoch seconds>`).
    stats.py lag NAME DIR COMMITS BILLS POLLS
        lag from each booking's commit to its bill, and to the dashboard counting it.
    stats.py values NAME DIR < numbers
        the distribution of the numbers (milliseconds, one per line) on stdin, e.g. lags a
        benchmark's own tool measured, into DIR/NAME.json; prints one line.
    stats.py samples NAME DIR SAMPLES
        a soak's process samples (RSS and CPU every 10 s) into DIR/NAME.json and a chart.

Percentiles are nearest-rank over every value (no sampling, no histogram buckets): the p-th
percentile is the smallest value with at least p% of the values at or below it.
"""
import base64
import calendar
import json
import math
import re
import sys
from collections import defaultdict

QUANTILES = {"p50": 0.50, "p90": 0.90, "p99": 0.99, "p99.9": 0.999}


def percentile(ordered, q):
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def distribution(values):
    """Count, mean, percentiles and max of VALUES (milliseconds), rounded to 0.01."""
    ordered = sorted(values)
    if not ordered:
        return {"count": 0}
    summary = {"count": len(ordered), "mean": round(sum(ordered) / len(ordered), 2)}
    for name, q in QUANTILES.items():
        summary[name] = round(percentile(ordered, q), 2)
    summary["max"] = round(ordered[-1], 2)
    return summary


TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)")


def epoch(text):
    """Seconds since the epoch of an RFC 3339 timestamp with up to nanoseconds."""
    year, month, day, hour, minute, second, fraction, zone = TIMESTAMP.match(text).groups()
    seconds = calendar.timegm((int(year), int(month), int(day), int(hour), int(minute), int(second)))
    if fraction:
        seconds += int(fraction) / 10 ** len(fraction)
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return seconds


ERROR_CODE = re.compile(rb'"code"\s*:\s*"([A-Z_]+)"')
CLASS = re.compile(r"[?&]class=([\w-]+)")


def outcome(result, body):
    """`ok`, the GraphQL error's `extensions.code`, `HTTP <status>` or `transport`, of a
    result whose decoded body is BODY."""
    if result.get("error") and not result.get("code"):
        return "transport"
    if result.get("code") != 200:
        match = ERROR_CODE.search(body)
        return match.group(1).decode() if match else f"HTTP {result.get('code')}"
    if b'"errors"' in body:
        match = ERROR_CODE.search(body)
        return match.group(1).decode() if match else "ERROR"
    return "ok"


ID = re.compile(rb'"id"\s*:\s*"([0-9a-fA-F-]{36})"')


def summarise(lines, expected=(), ids=None):
    """The summary of a run from vegeta's JSON results: per class and overall, latencies of
    every answered request, outcomes, and each second's requests, errors and p99. IDS, a
    file, gets the first `id` of every successful answer and when it came."""
    latencies = defaultdict(list)
    failed = []
    outcomes = defaultdict(lambda: defaultdict(int))
    seconds = defaultdict(lambda: {"latencies": [], "errors": 0})
    first = last = None
    sample_error = None
    for line in lines:
        result = json.loads(line)
        started = epoch(result["timestamp"])
        latency_ms = result["latency"] / 1e6
        first = started if first is None else min(first, started)
        last = max(last or started, started + latency_ms / 1000)
        match = CLASS.search(result.get("url", ""))
        kind = match.group(1) if match else "all"
        body = base64.b64decode(result.get("body") or b"")
        result_outcome = outcome(result, body)
        outcomes[kind][result_outcome] += 1
        if ids is not None and result_outcome == "ok":
            match = ID.search(body)
            if match:
                ids.write(f"{match.group(1).decode()} {started + latency_ms / 1000:.3f}\n")
        latencies[kind].append(latency_ms)
        second = seconds[int(started)]
        second["latencies"].append(latency_ms)
        if result_outcome != "ok":
            failed.append(latency_ms)
        if result_outcome != "ok" and result_outcome not in expected:
            second["errors"] += 1
            if sample_error is None:
                sample_error = (result.get("error") or body.decode("utf-8", "replace"))[:400]
    if first is None:
        return {"requests": 0, "errors": 0, "classes": {}, "timeline": []}
    duration = max(last - first, 1e-9)
    classes = {}
    for kind in sorted(latencies):
        classes[kind] = {
            "latency_ms": distribution(latencies[kind]),
            "outcomes": dict(sorted(outcomes[kind].items())),
            "per_second": round(len(latencies[kind]) / duration, 1),
        }
    everything = [value for values in latencies.values() for value in values]
    errors = sum(count for kinds in outcomes.values() for name, count in kinds.items()
                 if name != "ok" and name not in expected)
    succeeded = sum(kinds.get("ok", 0) for kinds in outcomes.values())
    start = int(first)
    timeline = [
        {"second": at - start, "requests": len(data["latencies"]), "errors": data["errors"],
         "p99_ms": round(percentile(sorted(data["latencies"]), 0.99), 2)}
        for at, data in sorted(seconds.items())
    ]
    return {
        "requests": len(everything),
        "succeeded": succeeded,
        "errors": errors,
        "expected": {name: sum(kinds.get(name, 0) for kinds in outcomes.values()) for name in expected},
        "duration_s": round(duration, 2),
        "per_second": round(len(everything) / duration, 1),
        "succeeded_per_second": round(succeeded / duration, 1),
        "latency_ms": distribution(everything),
        "failed_latency_ms": distribution(failed),
        "classes": classes,
        "timeline": timeline,
        "sample_error": sample_error,
        "curves": {kind: curve(sorted(values)) for kind, values in latencies.items()},
    }


def curve(ordered):
    """Latency at each of a fixed set of percentiles, for the chart."""
    points = [q / 100 for q in range(0, 90, 5)] + [0.9 + k / 100 for k in range(10)]
    points += [0.99 + k / 1000 for k in range(10)] + [0.999, 0.9995, 0.9999]
    return [[q, round(percentile(ordered, q) if q > 0 else ordered[0], 3)] for q in points]


def lag(commits, bills, polls):
    """Lag percentiles: from each booking's commit to its bill (by appointment id), and to
    the first dashboard poll counting it (the k-th booking committed is counted when the
    dashboard's count reaches k: counting follows commit order, give or take a batch)."""
    committed = {}
    for line in open(commits):
        appointment, at = line.split()
        committed[appointment] = float(at)
    to_bill = []
    billed = 0
    for line in open(bills):
        appointment, at = line.split()
        if appointment in committed:
            billed += 1
            to_bill.append(max(0.0, float(at) - committed[appointment]) * 1000)
    order = sorted(committed.values())
    samples = [tuple(map(float, line.split())) for line in open(polls) if line.strip()]
    baseline = samples[0][1] if samples else 0
    to_dashboard = []
    poll = 0
    for k, at in enumerate(order, start=1):
        while poll < len(samples) and (samples[poll][1] - baseline < k or samples[poll][0] < at):
            poll += 1
        if poll == len(samples):
            break
        to_dashboard.append((samples[poll][0] - at) * 1000)
    return {
        "bookings": len(committed),
        "billed": billed,
        "counted": len(to_dashboard),
        "bill_lag_ms": distribution(to_bill),
        "dashboard_lag_ms": distribution(to_dashboard),
        "poll_interval_ms": round(1000 * (samples[-1][0] - samples[0][0]) / max(1, len(samples) - 1), 1) if samples else None,
    }


COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"]


def nice_max(value):
    """A round number at or above VALUE, for an axis."""
    if value <= 0:
        return 1
    step = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * step >= value:
            return factor * step
    return 10 * step


def escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def panel(x0, y0, title, x_label, y_label, series, x_ticks=None, x_max=None, y_max=None):
    """One line chart at (x0, y0), 420 x 260, as SVG elements: SERIES is [(name, points)]."""
    width, height, left, bottom = 420, 260, 55, 40
    plot_w, plot_h = width - left - 10, height - bottom - 30
    xs = [x for _, points in series for x, _ in points] or [1]
    ys = [y for _, points in series for _, y in points] or [1]
    x_max = x_max or max(xs) or 1
    y_max = y_max or nice_max(max(ys))
    sx = lambda x: x0 + left + plot_w * x / x_max
    sy = lambda y: y0 + 30 + plot_h * (1 - min(y, y_max) / y_max)
    out = [f'<text x="{x0 + width / 2}" y="{y0 + 18}" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
           f'<rect x="{x0 + left}" y="{y0 + 30}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>']
    for k in range(5):
        value = y_max * k / 4
        out.append(f'<line x1="{x0 + left}" x2="{x0 + left + plot_w}" y1="{sy(value):.1f}" y2="{sy(value):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{x0 + left - 4}" y="{sy(value) + 4:.1f}" text-anchor="end">{value:g}</text>')
    for x, label in x_ticks or [(x_max * k / 4, f"{x_max * k / 4:g}") for k in range(5)]:
        out.append(f'<text x="{sx(x):.1f}" y="{y0 + 30 + plot_h + 15}" text-anchor="middle">{escape(label)}</text>')
    out.append(f'<text x="{x0 + left + plot_w / 2}" y="{y0 + height - 4}" text-anchor="middle">{escape(x_label)}</text>')
    out.append(f'<text transform="translate({x0 + 12},{y0 + 30 + plot_h / 2}) rotate(-90)" text-anchor="middle">{escape(y_label)}</text>')
    for n, (name, points) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{path}"/>')
        out.append(f'<text x="{x0 + left + 8}" y="{y0 + 46 + 14 * n}" fill="{colour}">{escape(name)}</text>')
    return out


def nines(q):
    """The percentile axis of a latency chart: 0, 90, 99, 99.9, 99.99% evenly spaced."""
    return -math.log10(max(1e-4, 1 - q))


def svg(panels, title):
    width = 430 * len(panels) + 10
    body = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="300" font-family="sans-serif" font-size="11">',
            f'<title>{escape(title)}</title>', '<rect width="100%" height="100%" fill="white"/>']
    for n, elements in enumerate(panels):
        body.extend(elements(10 + 430 * n, 10))
    body.append("</svg>")
    return "\n".join(body) + "\n"


def run_chart(name, summary):
    """Latency by percentile per class, and requests (and errors) per second over time."""
    ticks = [(nines(q), label) for q, label in ((0, "0%"), (0.9, "90%"), (0.99, "99%"), (0.999, "99.9%"), (0.9999, "99.99%"))]
    latency = [(kind, [(nines(q), ms) for q, ms in points]) for kind, points in sorted(summary["curves"].items())]
    throughput = [("requests/s", [(t["second"], t["requests"]) for t in summary["timeline"]]),
                  ("errors/s", [(t["second"], t["errors"]) for t in summary["timeline"]])]
    p99 = [("p99 (ms)", [(t["second"], t["p99_ms"]) for t in summary["timeline"]])]
    return svg([
        lambda x, y: panel(x, y, f"{name}: latency distribution", "percentile", "ms", latency, ticks, x_max=4),
        lambda x, y: panel(x, y, f"{name}: throughput", "second", "requests/s", throughput),
        lambda x, y: panel(x, y, f"{name}: p99 each second", "second", "ms", p99),
    ], name)


def samples_summary(path):
    """A soak's samples (`<seconds> <process> <rss kB> <cpu ticks>` lines): each process's
    RSS after warm-up (the first fifth) and at the end, its peak, and its CPU share."""
    rows = defaultdict(list)
    ticks_per_second = 100
    for line in open(path):
        at, process, rss_kb, ticks = line.split()
        rows[process].append((float(at), int(rss_kb) / 1024, int(ticks)))
    processes = {}
    for process, points in sorted(rows.items()):
        warm = points[max(0, len(points) // 5 - 1)]
        last = points[-1]
        elapsed = max(last[0] - points[0][0], 1)
        processes[process] = {
            "rss_mb_after_warm_up": round(warm[1], 1),
            "rss_mb_end": round(last[1], 1),
            "rss_mb_peak": round(max(p[1] for p in points), 1),
            "rss_growth_pct": round(100 * (last[1] - warm[1]) / warm[1], 1) if warm[1] else None,
            "cpu_pct": round(100 * (last[2] - points[0][2]) / ticks_per_second / elapsed, 1),
        }
    return {"processes": processes, "series": {p: [[round(a - points[0][0]), round(r, 1)] for a, r, _ in points]
                                                for p, points in rows.items()}}


def samples_chart(name, summary):
    series = sorted(summary["series"].items())
    return svg([lambda x, y: panel(x, y, f"{name}: RSS of each process", "second", "MB", series)], name)


def main(argv):
    command, name, directory = argv[1:4]
    if command == "results":
        expected = [argv[k + 1] for k in range(4, len(argv) - 1) if argv[k] == "--expect"]
        ids_path = next((argv[k + 1] for k in range(4, len(argv) - 1) if argv[k] == "--ids"), None)
        ids = open(ids_path, "w") if ids_path else None
        summary = summarise(sys.stdin, expected, ids)
        if ids:
            ids.close()
        with open(f"{directory}/{name}.svg", "w") as chart:
            chart.write(run_chart(name, summary) if summary["requests"] else svg([], name))
        summary.pop("curves", None)
        for kind, data in summary["classes"].items():
            latency = data["latency_ms"]
            print(f"[bench] {name:<22} {kind:<10} {data['per_second']:>8.1f}/s  p50 {latency['p50']:.2f} ms"
                  f"  p99 {latency['p99']:.2f} ms  max {latency['max']:.2f} ms  {data['outcomes']}")
        if summary.get("sample_error"):
            print(f"[bench] {name}: an error: {summary['sample_error']}")
    elif command == "lag":
        summary = lag(*argv[4:7])
        print(f"[bench] {name}: {summary['bookings']} bookings, {summary['billed']} billed, {summary['counted']} counted;"
              f" bill lag p50 {summary['bill_lag_ms'].get('p50')} p99 {summary['bill_lag_ms'].get('p99')} ms,"
              f" dashboard lag p50 {summary['dashboard_lag_ms'].get('p50')} p99 {summary['dashboard_lag_ms'].get('p99')} ms")
    elif command == "values":
        summary = distribution(float(line) for line in sys.stdin if line.strip())
        print(f"[bench] {name}: {summary['count']} values, p50 {summary.get('p50')} ms, p99 {summary.get('p99')} ms,"
              f" max {summary.get('max')} ms")
    elif command == "samples":
        summary = samples_summary(argv[4])
        with open(f"{directory}/{name}.svg", "w") as chart:
            chart.write(samples_chart(name, summary))
        for process, data in summary["processes"].items():
            print(f"[bench] {name}: {process:<14} RSS {data['rss_mb_after_warm_up']} -> {data['rss_mb_end']} MB"
                  f" (peak {data['rss_mb_peak']}, {data['rss_growth_pct']}%), CPU {data['cpu_pct']}%")
    else:
        raise SystemExit(__doc__)
    with open(f"{directory}/{name}.json", "w") as out:
        json.dump(summary, out, indent=1)


if __name__ == "__main__":
    main(sys.argv)
