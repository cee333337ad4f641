"""The app's Streamlit configuration keeps the settings the security notes rely on."""

from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def test_tables_offer_no_unaudited_export():
    """Every export is an audited download button; a table's own CSV download and copy
    wrote no audit event, also for record lists (SECURITY.md)."""
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


def test_server_listens_locally_without_the_agent_api():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["server"]["address"] == "localhost"
    assert config["server"]["enableAgentApi"] is False


def test_a_running_server_does_not_reload_code_or_show_tracebacks():
    """Reloading a changed source file left open sessions with the earlier module's Role
    members (the mayor got the whole zone); an error showed an English traceback with file
    paths and "Ask Google" links to the police user."""
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False
    assert config["client"]["showErrorDetails"] == "none"
