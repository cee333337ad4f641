"""Dates and times the dashboard writes are on the zone's clock, not the server's.

A server in a container usually runs in UTC: ``datetime.now()`` stamped an export made at
14:00 in Brussels with 13:00 (12:00 in summer), and ``date.today()`` was still yesterday
until 01:00 or 02:00 at night.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from etl import config

ROOT = Path(__file__).resolve().parents[2]


def test_zone_now_is_the_zones_wall_clock_whatever_the_server_runs_in():
    code = (
        "from etl import config; import json; "
        "print(config.zone_now({'zone': {'timezone': 'Europe/Brussels'}}).isoformat())"
    )
    env = {**os.environ, "TZ": "UTC"}
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    brussels = datetime.now(ZoneInfo("Europe/Brussels")).replace(tzinfo=None)
    assert abs(datetime.fromisoformat(shown) - brussels) < timedelta(seconds=30)
    utc = datetime.now(UTC).replace(tzinfo=None)
    assert abs(datetime.fromisoformat(shown) - utc) >= timedelta(minutes=59)  # CET or CEST


def test_zone_clock_follows_the_configuration():
    assert config.zone_clock({"zone": {"timezone": "America/New_York"}}).key == "America/New_York"
    assert config.zone_clock({}).key == "Europe/Brussels"
    assert config.zone_today({"zone": {"timezone": "Pacific/Kiritimati"}}) == (
        datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    )


def _server_clock_calls(path: Path) -> list[str]:
    """``date.today`` and ``datetime.now`` without a time zone in a module: called, or
    handed on to be called later (``field(default_factory=date.today)`` stamped the
    briefing pack with the server's date)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {id(n.func): n for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name):
            continue
        pair = (node.value.id, node.attr)
        call = calls.get(id(node))
        if pair in (("date", "today"), ("datetime", "today")) or (
            pair == ("datetime", "now") and (call is None or not (call.args or call.keywords))
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_dashboard_never_asks_the_servers_clock():
    calls = [c for p in sorted((ROOT / "dashboard").rglob("*.py")) for c in _server_clock_calls(p)]
    assert calls == [], "use etl.config.zone_now() / zone_today(): " + ", ".join(calls)


def test_the_dashboard_names_no_time_zone_of_its_own():
    """The review decisions' times were shown in a hard-coded Europe/Brussels; the zone's
    time zone is configuration ([zone].timezone, etl.config.zone_clock)."""
    named = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in sorted((ROOT / "dashboard").rglob("*.py"))
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        # An Area/Location name ("Europe/Brussels"); UTC as a common scale is no zone's.
        if re.search(r"['\"](Africa|America|Asia|Atlantic|Australia|Europe|Pacific)/\w+['\"]", line)
    ]
    assert named == [], "use etl.config.zone_clock(): " + ", ".join(named)


def test_the_zone_file_is_named_as_read(tmp_path, monkeypatch):
    """Build warnings named "data/zone.toml" for a zone read from WIJKBEELD_ZONE (or a
    build's --zone): they name the file read, relative to the working folder inside it."""
    from etl.config import zone_file_label

    monkeypatch.chdir(tmp_path)
    (tmp_path / "conf").mkdir()
    assert zone_file_label(tmp_path / "conf" / "herko.toml") == "conf/herko.toml"
    outside = tmp_path.parent / "elders.toml"
    assert zone_file_label(outside) == outside.as_posix()
    monkeypatch.setenv("WIJKBEELD_ZONE", str(tmp_path / "conf" / "zone.toml"))
    assert zone_file_label() == "conf/zone.toml"
