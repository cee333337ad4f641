"""Statbel's accident classes and road type read as Statbel writes them.

Statbel codes ``CD_CLASS_ACCIDENTS`` 1 "met doden", 2 "met dodelijk gewonden" (died within
30 days), 3 "met zwaargewonden", 4 "met lichtgewonden", and names the road type's labels
``CD_ROAD_TYPE_NL``. Read as 1/2/3 = dead/serious/light, a real file's light injury
accidents (most of them) counted as no injury at all.
"""

from __future__ import annotations

from etl_helpers import built, query

HEADER = (
    "DT_YEAR_COLLISION|DT_MONTH_COLLISION|DT_TIME|CD_NIS|TX_MUNTY_COLLISION_NL|MS_X_COORD|"
    "MS_Y_COORD|CD_ROAD_TYPE|CD_ROAD_TYPE_NL|CD_CLASS_ACCIDENTS|TX_CLASS_ACCIDENTS_NL"
)
CLASSES = {
    "1": "met doden",
    "2": "met dodelijk gewonden",
    "3": "met zwaargewonden",
    "4": "met lichtgewonden",
}

MART = (
    "SELECT month, severity, is_injury, killed, seriously_injured, lightly_injured, road_type "
    "FROM marts.accidents WHERE source = 'statbel' ORDER BY month"
)

EXPECTED = [
    (1, "Dodelijk", True, 1, 0, 0, "Gewestweg"),
    (2, "Dodelijk", True, 1, 0, 0, "Gewestweg"),
    (3, "Zwaargewond", True, 0, 1, 0, "Gewestweg"),
    (4, "Lichtgewond", True, 0, 0, 1, "Gewestweg"),
]


def statbel(rows: list[str], header: str = HEADER) -> bytes:
    return ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def test_codes_one_to_four_as_statbel_means_them(tmp_path):
    rows = [
        f"2023|{code}|14|24038|Herent|171000,5|177000|3|Gewestweg|{code}|{label}"
        for code, label in CLASSES.items()
    ]
    wh = built(tmp_path, {"statbel/OPENDATA_MAP_2023.txt": statbel(rows)})
    assert query(wh, MART) == EXPECTED


def test_a_file_without_the_code_is_read_by_its_label_dutch_or_french(tmp_path):
    header = HEADER.replace("|CD_CLASS_ACCIDENTS", "")
    labels = ["met doden", "avec blessés mortels", "Met zwaargewonden", "avec blessés légers"]
    rows = [
        f"2023|{month}|14|24038|Herent|171000,5|177000|3|Gewestweg|{label}"
        for month, label in enumerate(labels, start=1)
    ]
    wh = built(tmp_path, {"statbel/OPENDATA_MAP_2023.txt": statbel(rows, header)})
    assert query(wh, MART) == EXPECTED


def test_an_unknown_class_is_still_an_injury_accident_with_its_label(tmp_path):
    rows = ["2023|5|14|24038|Herent|171000,5|177000|3|Gewestweg|9|onbekend"]
    wh = built(tmp_path, {"statbel/OPENDATA_MAP_2023.txt": statbel(rows)})
    assert query(wh, MART) == [(5, "onbekend", True, 0, 0, 0, "Gewestweg")]


def test_an_edition_without_the_code_beside_one_with_it_counts_each_accident_once(tmp_path):
    """The accident's identity took the class code where a file had one and the label
    where it had not: the accidents two editions share counted twice (found by loading
    the same data in every shape, fifty-seventh session)."""
    with_code = [
        f"2023|{code}|14|24038|Herent|171000,5|177000|3|Gewestweg|{code}|{label}"
        for code, label in CLASSES.items()
    ]
    without = [
        f"2023|{code}|14|24038|Herent|171000,5|177000|3|Gewestweg|{label.capitalize()}"
        for code, label in CLASSES.items()
    ]
    wh = built(
        tmp_path,
        {
            "statbel/OPENDATA_MAP_2023.txt": statbel(
                without, HEADER.replace("|CD_CLASS_ACCIDENTS", "")
            ),
            "statbel/OPENDATA_MAP_2017-2023.txt": statbel(with_code),
        },
    )
    assert query(wh, MART) == EXPECTED


def test_a_refused_copy_of_a_row_does_not_change_the_good_row_s_identity(tmp_path):
    """Identical rows of a file are numbered to tell them apart; the refused ones were
    numbered too, so a refused copy before a good row gave it another identity, and beside
    another edition of the file that accident counted twice."""
    good = "2023|4|14|24038|Herent|171000,5|177000|3|Gewestweg|4|met lichtgewonden"
    spoilt = good + "|extra"  # a field too many: refused as a whole
    wh = built(
        tmp_path,
        {
            "statbel/OPENDATA_MAP_2023.txt": statbel([spoilt, good]),
            "statbel/OPENDATA_MAP_2017-2023.txt": statbel([good]),
        },
    )
    assert query(wh, MART) == [EXPECTED[3]]
    assert query(wh, "SELECT count(*) FROM marts.rejects WHERE kind = 'statbel'") == [(1,)]
