"""Command line: ``python -m etl {demo,build}``.

``python -m etl demo --out DIR [--seed N] [--years N] [--scale F] [--end YYYY-MM-DD] [--if-stale]``
    write a demo zone's exports under DIR (one sub-folder per kind) and DIR/ground_truth.json;
    with ``--if-stale`` only when DIR holds no demo zone of this generator and zone.
``python -m etl build [--raw DIR] [--warehouse FILE]``
    build the warehouse from every export under the raw folder.
"""

from __future__ import annotations

import argparse
import errno
import sys
from datetime import date
from pathlib import Path

from etl import config


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Wijkbeeld ETL")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="genereer een demozone (exports zoals echte bronnen)")
    demo.add_argument(
        "--out", type=Path, required=True, help="doelmap (krijgt een submap per soort)"
    )
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--years", type=int, default=3)
    demo.add_argument("--scale", type=float, default=1.0)
    demo.add_argument(
        "--end",
        type=date.fromisoformat,
        default=None,
        help="laatste dag van de demodata (standaard: gisteren)",
    )
    demo.add_argument("--zone", type=Path, default=None, help="zoneconfiguratie (zone.toml)")
    demo.add_argument(
        "--if-stale",
        action="store_true",
        help="niets doen als de map al een demozone van deze generator en zone bevat; een "
        "demozone van een andere (oudere) generator wordt vervangen",
    )

    build = sub.add_parser("build", help="bouw het datawarehouse uit de exports")
    build.add_argument("--raw", type=Path, default=None, help="map met exports (WIJKBEELD_RAW)")
    build.add_argument(
        "--warehouse", type=Path, default=None, help="DuckDB-bestand (WIJKBEELD_WAREHOUSE)"
    )
    build.add_argument("--zone", type=Path, default=None, help="zoneconfiguratie (zone.toml)")
    return parser.parse_args(argv)


#: What an operating-system error means, in Dutch (Python words it in English).
_OS_ERRORS = {
    errno.ENOENT: "bestaat niet",
    errno.ENOTDIR: "is geen map",
    errno.EISDIR: "is een map, geen bestand",
    errno.EACCES: "geen toegang",
    errno.EPERM: "geen toegang",
    errno.EROFS: "alleen-lezen bestandssysteem",
    errno.ENOSPC: "schijf vol",
    errno.EEXIST: "bestaat al",
}


def error_text(exc: BaseException) -> str:
    """One Dutch line for an error the command could not handle itself.

    An operating-system error names its path and what is wrong with it; an error the
    program raised with a Dutch message keeps it; anything else is named as unexpected,
    with its type, so that it can be reported."""
    if isinstance(exc, OSError) and exc.errno in _OS_ERRORS:
        where = exc.filename if exc.filename is not None else ""
        return f"{where}: {_OS_ERRORS[exc.errno]}" if where else _OS_ERRORS[exc.errno]
    if isinstance(exc, (OSError, ValueError)):
        return str(exc)
    return f"onverwachte fout ({type(exc).__name__}: {exc})"


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("Onderbroken.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one Dutch line instead of a traceback
        what = "Demozone niet aangemaakt" if args.command == "demo" else "Bouw mislukt"
        print(f"FOUT: {what}: {error_text(exc)}", file=sys.stderr)
        return 1 if isinstance(exc, (OSError, ValueError)) else 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from etl.demo import generate_demo, is_current_demo

        if args.if_stale and is_current_demo(args.out, args.zone):
            print(f"Demozone bestaat al in {args.out} (verwijder de map om opnieuw te genereren).")
            return 0
        if args.if_stale and (args.out / "ground_truth.json").exists():
            # A demo zone of another generator or zone (its Statbel codes, its columns):
            # made again, never read as if current. Only a folder that holds a demo zone.
            import shutil

            print(f"Demozone in {args.out} is van een andere generator of zone: opnieuw gemaakt.")
            shutil.rmtree(args.out)
        summary = generate_demo(
            out=args.out,
            seed=args.seed,
            years=args.years,
            scale=args.scale,
            end=args.end,
            zone_file=args.zone,
        )
        for kind, n in summary.items():
            print(f"{kind:<12} {n:>10,}".replace(",", "."))
        return 0
    if args.command == "build":
        from etl.build import BuildError, build_warehouse

        try:
            build_warehouse(
                raw=args.raw or config.raw_dir(),
                warehouse=args.warehouse or config.warehouse_path(),
                zone_file=args.zone,
                echo=print,
            )
        except BuildError as exc:
            print(f"FOUT: {exc}", file=sys.stderr)
            return 1
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
