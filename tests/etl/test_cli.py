"""The command line (``python -m etl``): a mistake a person can fix is one Dutch line naming
the file, with a non-zero exit code, never a Python traceback."""

from __future__ import annotations

import shutil

from etl_helpers import ZONE_SMALL

from etl.__main__ import error_text, main


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_demo_without_zone_file_names_it(capsys, tmp_path):
    code, err = _run(
        capsys, "demo", "--out", str(tmp_path / "d"), "--zone", str(tmp_path / "geen.toml")
    )
    assert code == 1
    assert (
        err.strip()
        == f"FOUT: Demozone niet aangemaakt: Zoneconfiguratie niet gevonden: {tmp_path / 'geen.toml'}"
    )


def test_demo_into_a_file_says_it_is_no_folder(capsys, tmp_path):
    target = tmp_path / "een_bestand"
    target.write_text("x", encoding="utf-8")
    code, err = _run(capsys, "demo", "--out", str(target))
    assert code == 1
    assert "Traceback" not in err
    assert f"{target}" in err and "is geen map" in err


def test_zone_file_with_a_typo_names_file_and_line(capsys, tmp_path):
    zone = tmp_path / "zone.toml"
    zone.write_text('[zone]\nname = "PZ Test\n', encoding="utf-8")
    code, err = _run(capsys, "demo", "--out", str(tmp_path / "d"), "--zone", str(zone))
    assert code == 1
    assert f"Zoneconfiguratie {zone} is geen geldig TOML-bestand" in err
    # What is wrong and where, in Dutch (not tomllib's "Illegal character ... (at line 2").
    assert "tekst niet afgesloten" in err and "op regel 2, kolom 16" in err
    code, err = _run(
        capsys,
        "build",
        "--raw",
        str(tmp_path),
        "--warehouse",
        str(tmp_path / "w.duckdb"),
        "--zone",
        str(zone),
    )
    assert code == 1
    # Once, not "Zoneconfiguratie onleesbaar: Zoneconfiguratie ...".
    assert err.count("Zoneconfiguratie") == 1 and "geen geldig TOML-bestand" in err


def test_build_without_zone_file_says_so_once(capsys, tmp_path):
    code, err = _run(capsys, "build", "--raw", str(tmp_path), "--zone", str(tmp_path / "geen.toml"))
    assert code == 1
    assert err.strip() == f"FOUT: Zoneconfiguratie niet gevonden: {tmp_path / 'geen.toml'}"


def test_zone_mappings_with_a_typo_name_the_file(capsys, tmp_path, monkeypatch, raw_copy):
    mappings = tmp_path / "mappings.toml"
    mappings.write_text("[poi.fields\n", encoding="utf-8")
    monkeypatch.setenv("WIJKBEELD_MAPPINGS", str(mappings))
    code, err = _run(
        capsys, "build", "--raw", str(raw_copy), "--warehouse", str(tmp_path / "w.duckdb")
    )
    assert code == 1
    assert f"Kolomkoppeling van de zone {mappings} is geen geldig TOML-bestand" in err
    assert not (tmp_path / "w.duckdb").exists()


def test_unexpected_errors_are_named_not_dumped(capsys, tmp_path, monkeypatch):
    import etl.demo

    def broken(**_):
        raise KeyError("wijken")

    monkeypatch.setattr(etl.demo, "generate_demo", broken)
    code, err = _run(capsys, "demo", "--out", str(tmp_path))
    assert code == 2
    assert err.strip() == "FOUT: Demozone niet aangemaakt: onverwachte fout (KeyError: 'wijken')"


def test_error_text_in_dutch():
    assert (
        error_text(PermissionError(13, "Permission denied", "/data/raw"))
        == "/data/raw: geen toegang"
    )
    assert error_text(OSError(28, "No space left on device")) == "schijf vol"
    assert error_text(ValueError("Zoneconfiguratie x is geen geldig TOML-bestand")) == (
        "Zoneconfiguratie x is geen geldig TOML-bestand"
    )


def test_demo_and_build_still_succeed(capsys, tmp_path):
    shutil.rmtree(tmp_path, ignore_errors=True)
    code, _ = _run(
        capsys,
        "demo",
        "--out",
        str(tmp_path / "d"),
        "--years",
        "1",
        "--scale",
        "0.05",
        "--end",
        "2025-12-31",
    )
    assert code == 0
    code, err = _run(
        capsys, "build", "--raw", str(tmp_path / "d"), "--warehouse", str(tmp_path / "w.duckdb")
    )
    assert code == 0, err
    assert (tmp_path / "w.duckdb").exists()


def test_zone_values_are_checked_before_the_build(capsys, tmp_path, raw_copy):
    # A population typed with a Belgian thousands point became 4 inhabitants before.
    zone = tmp_path / "zone.toml"
    zone.write_text(
        ZONE_SMALL.read_text(encoding="utf-8").replace("population = 400", 'population = "4.000"'),
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    code, err = _run(
        capsys, "build", "--raw", str(raw_copy), "--warehouse", str(warehouse), "--zone", str(zone)
    )
    assert code == 1
    assert err.strip() == (
        f"FOUT: Zoneconfiguratie {zone} klopt niet: [[wijken]] nr. 1 (W01), population: moet een "
        "geheel getal zijn, niet de tekst '4.000' (een getal zonder aanhalingstekens en zonder "
        "duizendtalpunt, met een punt voor de decimalen: 3500, 1.5)"
    )
    assert not warehouse.exists()


def test_demo_if_stale_keeps_a_current_demo_and_remakes_an_older_one(capsys, tmp_path):
    """`make demo` kept any demo folder it found: one written by an older generator (the
    Statbel classes coded 1/2/3) was built as if current, and showed light injury accidents
    as serious ones. A demo zone of another generator is now made again."""
    out = tmp_path / "d"
    args = ["demo", "--out", str(out), "--years", "1", "--scale", "0.02", "--end", "2025-12-31"]
    assert _run(capsys, *args, "--if-stale")[0] == 0
    truth = (out / "ground_truth.json").stat().st_mtime_ns
    assert _run(capsys, *args, "--if-stale")[0] == 0
    assert (out / "ground_truth.json").stat().st_mtime_ns == truth  # kept
    (out / ".generator").write_text("van-een-oudere-generator\n", encoding="utf-8")
    (out / "incidents" / "oud_bestand.csv").write_text("over", encoding="utf-8")
    assert _run(capsys, *args, "--if-stale")[0] == 0
    assert not (out / "incidents" / "oud_bestand.csv").exists()  # the older zone is gone
    from etl.demo import is_current_demo

    assert is_current_demo(out)


def test_demo_of_a_zone_without_demo_points_says_what_is_missing(capsys, tmp_path):
    """A zone's own zone.toml has no `seed` per wijk (the demo's drawing points): `make demo`
    after editing data/zone.toml stopped with "onverwachte fout (KeyError: 'seed')"."""
    zone = tmp_path / "zone.toml"
    text = ZONE_SMALL.read_text(encoding="utf-8")
    zone.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith(("seed", "centre"))),
        encoding="utf-8",
    )
    code, err = _run(capsys, "demo", "--out", str(tmp_path / "d"), "--zone", str(zone))
    assert code == 1
    assert "onverwachte fout" not in err and "Traceback" not in err
    assert f"{zone}" in err and "wijk W01: seed" in err and "make build" in err
