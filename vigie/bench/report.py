"""The benchmark's Markdown tables: stages, dbt layers, the kernel, memory, the scaling curve and latencies."""

GIB = 2**30


def _seconds(value: float) -> str:
    return f"{value:.1f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    aligns = ["---"] + ["---:"] * (len(header) - 1)
    return [f"| {' | '.join(header)} |", f"| {' | '.join(aligns)} |"] + [f"| {' | '.join(r)} |" for r in rows]


def stage_rows(summary: dict) -> list[list[str]]:
    rows = [[stage, _seconds(median), " / ".join(_seconds(run.get(stage, 0.0)) for run in summary["stage_runs"])]
            for stage, median in summary["stages"].items()]
    walls = " / ".join(_seconds(w) for w in summary["wall_seconds"])
    return rows + [["**whole run**", f"**{_seconds(summary['wall_median'])}**", walls]]


def kernel_lines(summary: dict) -> list[str]:
    kernel = summary.get("kernel")
    platform = summary["platform_seconds_for_kernel_marts"]
    marts = ", ".join(f"`{name}`" for name in summary["kernel_marts"])
    if not kernel:
        return [f"Platform time for {marts}: {_seconds(platform)} s (kernel not run)."]
    verdict = "equal to the marts, every row" if kernel["equal"] else "**DIFFERENT from the marts**"
    lines = _table(["", "median (s)", "runs (s)"], [
        ["raw DuckDB kernel", _seconds(kernel["median"]), " / ".join(_seconds(s) for s in kernel["seconds"])],
        ["platform (ingesting their datasets, their dbt lineage and tests)", _seconds(platform), ""],
        ["ratio platform / kernel", f"{kernel['ratio']:.2f}" if kernel["ratio"] else "n/a", ""],
    ])
    lines.append("")
    lines.append(f"Kernel results for {marts}: {verdict} "
                 f"({', '.join(f'{n}: {r:,} rows' for n, r in kernel['rows'].items())}).")
    for mart, differences in kernel["differences"].items():
        lines += [f"- {mart}: {d}" for d in differences]
    return lines


def peak_holders(processes: list[list], shown: int = 4) -> str:
    """The processes holding most memory at a peak, largest first: `2.10 GiB python -m vigie.bench.child …`."""
    return "; ".join(f"{rss / GIB:.2f} GiB {command}" for command, rss in processes[:shown])


def markdown(summary: dict) -> str:
    years = summary["years"]
    rows = ", ".join(f"{dataset} {n:,}" for dataset, n in sorted(summary["rows"].items()))
    lines = [f"# vigie bench: {summary['scale']:g} × a national year, {years[0]}-{years[-1]} (seed {summary['seed']})",
             "", f"Median of {summary['runs']} run(s){'' if summary['all_succeeded'] else ' — SOME RUNS FAILED'}. "
             f"Rows loaded: {rows}.", ""]
    lines += _table(["stage", "median (s)", "runs (s)"], stage_rows(summary))
    peak = summary["peak_median_bytes"] / GIB
    lines += ["", f"Peak memory (the run's processes together, median): {peak:.2f} GiB "
                  f"({' / '.join(f'{b / GIB:.2f}' for b in summary['peak_bytes'])}).", ""]
    lines += [f"- run {number}: at {p['seconds']:.0f} s, {peak_holders(p['processes'])}"
              for number, p in enumerate(summary.get("peaks", []), start=1)] + [""]
    if peaks := summary.get("stage_peak_bytes"):
        lines += ["Peak memory of each stage (median):", ""]
        lines += _table(["stage", "peak (GiB)"], [[stage, f"{b / GIB:.2f}"] for stage, b in peaks.items()]) + [""]
    lines += ["dbt execution time per layer (summed over its threads, median):", ""]
    lines += _table(["layer", "seconds"], [[layer, _seconds(s)] for layer, s in summary["dbt_layers"].items()])
    return "\n".join(lines + [""] + kernel_lines(summary)) + "\n"


def curve_markdown(summaries: list[dict]) -> str:
    base = next((s for s in summaries if s["scale"] == 1), summaries[0])
    per_unit = base["wall_median"] / base["scale"]
    rows = [[f"{s['scale']:g}×", f"{s['rows'].get('isolates', 0):,}", _seconds(s["wall_median"]),
             f"{s['wall_median'] / (per_unit * s['scale']):.2f}", f"{s['peak_median_bytes'] / GIB:.2f}"]
            for s in summaries]
    lines = ["# vigie bench: scaling curve", "",
             f"Time relative to linear growth from {base['scale']:g}× (1.00 = linear).", ""]
    lines += _table(["scale", "isolate rows", "median (s)", "relative to linear", "peak (GiB)"], rows)
    return "\n".join(lines) + "\n"


def latency_markdown(result: dict) -> str:
    lines = ["# vigie bench: latencies with the daemon's sensors running", ""]
    for case, measured in result.items():
        if measured is None:
            lines += [f"{case}: no accepted file of a participant with a report, not measured.", ""]
            continue
        runs = len(measured["corrected_to_report"])
        lines += [f"{case} ({measured['participant']}), median of {runs}:", ""]
        lines += _table(["from landing to", "median (s)", "runs (s)"], [
            [label, _seconds(measured[f"{key}_median"]), " / ".join(_seconds(s) for s in measured[key])]
            for label, key in (("a corrected file's report", "corrected_to_report"),
                               ("a rejected file's receipt", "rejected_to_receipt"))]) + [""]
    return "\n".join(lines)
