"""A victim's severity as a class (macro wb_severity_class): every spelling exports use, and
the 30-day rule of a road death (an audit, fifty-eighth session: "Overleden na 30 dagen"
counted as killed)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Gedood binnen 30 dagen", "killed"),
        ("Overleden binnen 30 dagen", "killed"),
        ("Dodelijk (binnen 30 dagen)", "killed"),
        ("Overleden", "killed"),
        ("Tué", "killed"),
        ("Décédé", "killed"),
        # Died after the 30 days: seriously injured, as Statbel counts it.
        ("Overleden na 30 dagen", "seriously_injured"),
        ("Overleden na meer dan 30 dagen", "seriously_injured"),
        ("Overleden na de 30 dagen", "seriously_injured"),
        ("Overleden meer dan 30 dagen na het ongeval", "seriously_injured"),
        ("Overleden > 30 d", "seriously_injured"),
        ("Décédé après 30 jours", "seriously_injured"),
        ("Décédé après les 30 jours", "seriously_injured"),
        ("Décédé plus de 30 jours après l'accident", "seriously_injured"),
        ("Zwaar gewond", "seriously_injured"),
        ("Ernstig gewond", "seriously_injured"),
        ("Blessé grave", "seriously_injured"),
        ("Licht gewond", "lightly_injured"),
        ("Blessé léger", "lightly_injured"),
        ("Ongedeerd", None),
    ],
)
def test_severity_class(con, label, expected):
    assert con.execute("SELECT wb_severity_class(?)", [label]).fetchone()[0] == expected
