"""The series colours of Verkenning's charts (twelve lines or more per category or wijk):
Plotly's Dark24 gave two near-identical magentas. Every two colours now differ clearly
(CIEDE2000, the CIE's colour difference), and none is too light for a line on white."""

from __future__ import annotations

import itertools
import math

from dashboard.components.charts import SERIES_COLOURS


def _lab(hex_colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour."""
    h = hex_colour.lstrip("#")
    rgb = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    m = [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    x, y, z = (sum(m[i][j] * lin[j] for j in range(3)) for i in range(3))

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x / 0.95047), f(y), f(z / 1.08883)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _de2000(c1: str, c2: str) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal's formulation)."""
    (l1, a1, b1), (l2, a2, b2) = _lab(c1), _lab(c2)
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dhp = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp) / 2)
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    else:
        h_mean = (h1p + h2p + (360 if h1p + h2p < 360 else -360)) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    r_c = 2 * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    r_t = -math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2)))) * r_c
    dl, dc, dh = (l2 - l1) / s_l, (c2p - c1p) / s_c, d_h / s_h
    return math.sqrt(dl**2 + dc**2 + dh**2 + r_t * dc * dh)


def test_the_formula_gives_the_published_differences():
    # The same colour is 0 apart; black and white (L* 0 and 100, no chroma) 100.
    assert _de2000("#1f77b4", "#1f77b4") == 0
    assert math.isclose(_de2000("#000000", "#ffffff"), 100, abs_tol=0.1)


def test_every_two_series_colours_differ_clearly():
    # One colour per hour of the day, the largest grouping Verkenning draws as series.
    assert len(SERIES_COLOURS) >= 24 and len(set(SERIES_COLOURS)) == len(SERIES_COLOURS)
    closest = min((_de2000(a, b), a, b) for a, b in itertools.combinations(SERIES_COLOURS, 2))
    assert closest[0] >= 15, closest
    # The palette this replaced had two magentas 9 apart among its first twelve.
    assert _de2000("#DA16FF", "#FB00D1") < 10


def test_no_series_colour_is_too_light_for_a_line_on_white():
    assert max(_lab(c)[0] for c in SERIES_COLOURS) <= 75
