"""The `vigie` command: generate demo data, run the asset graph, run the demo, open the UI."""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from vigie.settings import PROJECT_ROOT, load_settings


def _years(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def cmd_generate(args) -> int:
    from vigie.demo.generate import generate

    settings = load_settings(demo=True)
    out = Path(args.out) if args.out else settings.landing_dir
    print(f"Generating {args.scale} demo data into {out} (seed {args.seed})")
    summary = generate(out, args.scale, _years(args.years) if args.years else None, args.seed)
    print(f"Done in {summary.seconds:.1f} s: {sum(summary.files.values())} files, {sum(summary.rows.values()):,} rows")
    for dataset in sorted(summary.files):
        print(f"  {dataset:<24} {summary.files[dataset]:>6} files {summary.rows[dataset]:>12,} rows")
    print("Deliberately bad files (the platform must answer as stated):")
    for fault in summary.faults:
        print(f"  {fault.dataset}/{fault.file_name}: {fault.expected}")
    print("  establishments/copie_extraction_finess.csv: doublon exact, ingéré une seule fois")
    return 0


def _pseudonym_key_refusal(settings) -> str | None:
    """Why ingestion would refuse this key, said before the run starts rather than by each ingestion asset."""
    from vigie import warehouse
    from vigie.pseudonym import check_key
    from vigie.settings import PseudonymKeyError

    try:
        key = settings.ingestion_key()
        with warehouse.connect(settings.warehouse_path) as con:
            check_key(con, key)
    except PseudonymKeyError as error:
        return str(error)
    return None


def cmd_run(args, demo: bool = False) -> int:
    from vigie.runner import run_all, stop_on_sigterm
    from vigie.summary import summary_text

    settings = load_settings(demo=demo)
    settings.ensure_dirs()
    if refusal := _pseudonym_key_refusal(settings):
        print(f"vigie run: {refusal}", file=sys.stderr)
        return 2
    started = dt.datetime.now(dt.timezone.utc)
    clock = time.perf_counter()
    print(f"Running the asset graph on {settings.landing_dir}")
    try:
        with stop_on_sigterm():
            success = run_all(settings, args.year, demo=demo)
    except KeyboardInterrupt:
        print(f"Interrompu après {time.perf_counter() - clock:.1f} s : la run en cours est marquée en échec, "
              "l'entrepôt libéré ; relancez `vigie run` pour reprendre", flush=True)
        return 130
    print(summary_text(settings, started))
    print(f"Durée : {time.perf_counter() - clock:.1f} s — {'succès' if success else 'ÉCHEC (voir les journaux)'}")
    return 0 if success else 1


def cmd_demo(args) -> int:
    os.environ["VIGIE_ENV"] = "demo"
    args.scale, args.out, args.years = "small", None, None
    cmd_generate(args)
    return cmd_run(argparse.Namespace(year=None), demo=True)


def cmd_bench(args) -> int:
    from vigie.bench import command, latency

    settings = load_settings(demo=True)
    cache = Path(args.cache) if args.cache else settings.data_dir / "bench"
    cache.mkdir(parents=True, exist_ok=True)
    out = Path(args.out) if args.out else cache
    years = _years(args.years)
    if args.latency:
        result = latency.measure(Path(args.latency), args.runs)
        path = command.write_latency(result, out)
    elif args.curve:
        summaries = command.curve([float(s) for s in args.curve.split(",")], args.runs, args.seed, years, cache)
        for summary in summaries:
            command.write(summary, out, f"bench_x{summary['scale']:g}")
        path = command.write_curve(summaries, out)
    else:
        summary = command.bench(args.scale, args.runs, args.seed, years, cache, with_kernel=not args.no_kernel,
                                keep=Path(args.keep) if args.keep else None)
        path = command.write(summary, out, f"bench_x{args.scale:g}")
    print(path.read_text(encoding="utf-8"))
    print(f"Written: {path} and {path.with_suffix('.json')}")
    return 0


def cmd_prepare(args) -> int:
    from orchestration.dbt_project import ensure_manifest

    print(f"dbt manifest: {ensure_manifest()}")
    return 0


def cmd_ui(args) -> int:
    from vigie.runner import dagster_home

    dagster_home(load_settings())
    os.chdir(PROJECT_ROOT)
    dagster = Path(sys.executable).with_name("dagster")
    os.execv(str(dagster), [str(dagster), "dev", "-w", "workspace.yaml", "-p", str(args.port)])


def cmd_instance(args) -> int:
    from vigie.instance import describe, reach, without_password
    from vigie.runner import dagster_home

    home = dagster_home(load_settings())
    print(f"Dagster instance: {home}")
    print(f"  storage: {describe(home)}")
    try:
        reached = reach(home)
    except Exception as error:  # whatever the driver raises, the operator needs its words
        print(f"  not reachable: {without_password(_root_message(error))}", file=sys.stderr)
        return 1
    print(f"  reachable: {reached.runs} runs recorded")
    print(f"  run queue: at most {reached.max_concurrent_runs} runs in progress at once; "
          f"{reached.default_pool_limit} slot(s) per pool by default (pool warehouse: one writer)")
    return 0


def _root_message(error: BaseException) -> str:
    """The first cause's message: Dagster wraps the driver's error in a "too many retries" of its own."""
    while error.__cause__ is not None:
        error = error.__cause__
    return f"{type(error).__name__}: {str(error).strip()}"


def cmd_verify_package(args) -> int:
    from vigie.transmission import MANIFEST, verify_package

    folder = Path(args.folder)
    if not (folder / MANIFEST).is_file():
        print(f"vigie verify-package: {folder / MANIFEST} not found", file=sys.stderr)
        return 2
    problems = verify_package(folder)
    for problem in problems:
        print(f"  {problem}")
    print(f"{folder}: {'whole, every file as its manifest says' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


def cmd_sql(args) -> int:
    import polars as pl

    from vigie import warehouse

    import duckdb

    settings = load_settings(demo=True)
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        try:
            frame = con.sql(args.query).pl()
        except duckdb.Error as error:
            print(f"vigie sql: {error}", file=sys.stderr)
            return 2
    with pl.Config(tbl_rows=args.limit, tbl_cols=-1, fmt_str_lengths=40, tbl_width_chars=200):
        print(frame)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="vigie", description="Vigie: surveillance data platform (IAS and AMR).")
    sub = root.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write synthetic submissions for every protocol dataset")
    gen.add_argument("--scale", choices=["small", "national"], default="small")
    gen.add_argument("--years", help="a year or a range, e.g. 2019-2025 (default: 2023-2025 small, 2025 national)")
    gen.add_argument("--seed", type=int, default=2026)
    gen.add_argument("--out", help="landing folder (default: $VIGIE_DATA_DIR/landing)")
    gen.set_defaults(func=cmd_generate)
    run = sub.add_parser("run", help="ingest the landing area and build every asset, in-process")
    run.add_argument("--year", type=int, help="yearly assets for this year only (default: every year with data)")
    run.set_defaults(func=cmd_run)
    demo = sub.add_parser("demo", help="generate the small demo into $VIGIE_DATA_DIR and run everything")
    demo.add_argument("--seed", type=int, default=2026)
    demo.set_defaults(func=cmd_demo)
    sql = sub.add_parser("sql", help="query the warehouse read-only, e.g. vigie sql \"select * from raw.submissions\"")
    sql.add_argument("query")
    sql.add_argument("--limit", type=int, default=50, help="rows shown")
    sql.set_defaults(func=cmd_sql)
    verify = sub.add_parser("verify-package", help="check a transmission package against its manifest")
    verify.add_argument("folder", help="the package folder, e.g. data/outputs/transmissions/spf/2025")
    verify.set_defaults(func=cmd_verify_package)
    bench = sub.add_parser("bench", help="time a national year (or a fraction of one) stage by stage, median of runs")
    bench.add_argument("--scale", type=float, default=1.0, help="fraction of a national year, e.g. 0.25 (default 1)")
    bench.add_argument("--runs", type=int, default=3, help="runs of the whole platform; medians are reported")
    bench.add_argument("--years", default="2025", help="data years, e.g. 2025 or 2019-2025")
    bench.add_argument("--seed", type=int, default=2026)
    bench.add_argument("--curve", help="scales of a scaling curve instead, e.g. 0.25,0.5,1,2 (without the kernel)")
    bench.add_argument("--latency", metavar="DIR", help="instead, with the daemon's sensors running on DIR (kept by "
                       "--keep): a corrected file to its report and a rejected file to its receipt, --runs times each")
    bench.add_argument("--no-kernel", action="store_true", help="skip the raw DuckDB kernel and its comparison")
    bench.add_argument("--cache", help="generated data and run folders (default: $VIGIE_DATA_DIR/bench)")
    bench.add_argument("--out", help="where bench_x<scale>.json and .md go (default: the cache folder)")
    bench.add_argument("--keep", help="keep the last run's data directory there (to profile a stage on its own)")
    bench.set_defaults(func=cmd_bench)
    sub.add_parser("prepare", help="build the dbt manifest the definitions load").set_defaults(func=cmd_prepare)
    ui = sub.add_parser("ui", help="start the Dagster UI (dagster dev) on this project")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=cmd_ui)
    instance = sub.add_parser("instance", help="say where the Dagster instance keeps its runs (SQLite or "
                                               "PostgreSQL) and check that it is reachable")
    instance.set_defaults(func=cmd_instance)
    return root


def main(argv: list[str] | None = None) -> int:
    from vigie.instance import InstanceStorageError

    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except InstanceStorageError as error:
        print(f"vigie {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
