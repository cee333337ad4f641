"""Sign-in, throttling, roles, OIDC mapping and the SQL console guard (dashboard/auth)."""

from __future__ import annotations

import io
import json
import os
import stat
import time

import duckdb
import pandas as pd
import pytest
from argon2 import PasswordHasher

from dashboard.auth import __main__ as cli
from dashboard.auth.oidc import RoleMapping, auth_mode, map_oidc_user
from dashboard.auth.roles import (
    ALL_PAGES,
    Principal,
    Role,
    allowed_municipalities,
    allowed_pages,
    apply_record_policy,
    can_see_records,
    load_pseudonym_key,
    pseudonymise_pv,
    record_wijken,
)
from dashboard.auth.sqlguard import (
    ConsoleTimeout,
    UnsafeSQL,
    check_console_sql,
    console_connection,
    run_console_query,
)
from dashboard.auth.throttle import LoginThrottle, wait_message
from dashboard.auth.users import DEMO_PASSWORD, UserStore, ensure_demo_users

# Cheap argon2 parameters: the tests check behaviour, not the cost.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

ZONE = {
    "municipalities": [
        {"nis_code": "11111", "name": "Aastad"},
        {"nis_code": "22222", "name": "Beedorp"},
    ],
    "wijken": [
        {"code": "A1", "name": "Aastad-Centrum", "nis_code": "11111", "inspector": "INP X"},
        {"code": "A2", "name": "Aastad-Noord", "nis_code": "11111", "inspector": "INP Y"},
        {"code": "B1", "name": "Beedorp", "nis_code": "22222", "inspector": "INP Z"},
    ],
}

COORD = Principal("coord", Role.COORDINATOR)
INSP = Principal("insp", Role.INSPECTOR, wijk_code="A1")
BELEID = Principal("beleid", Role.BELEIDSCEL)
BESTUUR = Principal("best", Role.BESTUUR, nis_code="22222")
KEY = bytes(range(32))


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    monkeypatch.delenv("WIJKBEELD_DEMO", raising=False)
    monkeypatch.delenv("WIJKBEELD_AUTH_MODE", raising=False)


@pytest.fixture
def store(tmp_path):
    return UserStore(tmp_path / "users.toml", hasher=FAST)


# --- users ---------------------------------------------------------------------------------


def test_add_and_verify_user(store):
    store.add_user("An.Peeters", "correct horse battery", "inspector", "An Peeters", wijk_code="A1")
    user = store.verify("an.peeters", "correct horse battery")
    assert user is not None and user.role is Role.INSPECTOR and user.wijk_code == "A1"
    assert user.principal == Principal("an.peeters", Role.INSPECTOR, "A1", None, "An Peeters")
    assert store.verify("an.peeters", "wrong password!") is None
    assert store.verify("nobody", "correct horse battery") is None


def test_file_holds_salted_hash_only(store):
    store.add_user("a1", "same-password-1", "coordinator")
    store.add_user("a2", "same-password-1", "coordinator")
    text = store.path.read_text()
    assert "same-password-1" not in text
    h1, h2 = (u.password_hash for u in store.users())
    assert h1.startswith("$argon2id$") and h1 != h2  # salted: same password, different hash
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600


def test_json_user_file(tmp_path):
    store = UserStore(tmp_path / "users.json", hasher=FAST)
    store.add_user("bestuur-x", "long enough pw", "bestuur", nis_code="22222")
    assert store.verify("bestuur-x", "long enough pw").nis_code == "22222"


def test_set_password_disable_remove(store):
    store.add_user("kk", "first-password", "beleidscel")
    store.set_password("kk", "second-password")
    assert store.verify("kk", "first-password") is None
    assert store.verify("kk", "second-password") is not None
    store.set_disabled("kk")
    assert store.verify("kk", "second-password") is None
    store.remove_user("kk")
    assert store.get("kk") is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"username": "x", "password": "long enough pw", "role": "coordinator"}, "Gebruikersnaam"),
        ({"username": "kort", "password": "short", "role": "coordinator"}, "minstens"),
        ({"username": "insp", "password": "long enough pw", "role": "inspector"}, "wijkcode"),
        ({"username": "best", "password": "long enough pw", "role": "bestuur"}, "NIS-code"),
        ({"username": "zz", "password": "long enough pw", "role": "chef"}, "Onbekende rol"),
        (
            {
                "username": "iz",
                "password": "long enough pw",
                "role": "inspector",
                "wijk_code": "Q9",
                "zone": ZONE,
            },
            "bestaat niet",
        ),
    ],
)
def test_add_user_refuses_invalid(store, kwargs, message):
    with pytest.raises(ValueError, match=message):
        store.add_user(**kwargs)


def test_duplicate_user_refused(store):
    store.add_user("dup", "long enough pw", "coordinator")
    with pytest.raises(ValueError, match="bestaat al"):
        store.add_user("DUP", "long enough pw", "coordinator")


def test_outdated_hash_upgraded_on_sign_in(tmp_path):
    UserStore(tmp_path / "u.toml", hasher=FAST).add_user("up", "long enough pw", "coordinator")
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    store = UserStore(tmp_path / "u.toml", hasher=stronger)
    assert store.verify("up", "long enough pw") is not None
    assert not stronger.check_needs_rehash(store.get("up").password_hash)


def test_demo_users_only_with_flag_and_no_file(tmp_path):
    path = tmp_path / "users.toml"
    assert ensure_demo_users(path, enabled=False, zone=ZONE, hasher=FAST) == []
    assert not path.exists()
    created = ensure_demo_users(path, enabled=True, zone=ZONE, hasher=FAST)
    assert [(u.username, u.role) for u in created] == [
        ("demo", Role.COORDINATOR),
        ("inspecteur-a1", Role.INSPECTOR),
        ("beleidscel", Role.BELEIDSCEL),
        ("bestuur-11111", Role.BESTUUR),
    ]
    assert ensure_demo_users(path, enabled=True, zone=ZONE, hasher=FAST) == []  # file exists
    # Demo accounts work only while the demo flag is on.
    assert UserStore(path, FAST, allow_demo=True).verify("demo", DEMO_PASSWORD) is not None
    assert UserStore(path, FAST, allow_demo=False).verify("demo", DEMO_PASSWORD) is None
    # Changing the password makes it a normal account.
    UserStore(path, hasher=FAST).set_password("demo", "a private password")
    assert UserStore(path, FAST).verify("demo", "a private password") is not None


def test_cli_add_user_password_stdin(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cli.toml"
    monkeypatch.setattr("sys.stdin", io.StringIO("cli-password-1\n"))
    code = cli.main(
        [
            "--users",
            str(path),
            "add-user",
            "Els",
            "--role",
            "inspector",
            "--wijk",
            "W05",
            "--name",
            "Els Claes",
            "--password-stdin",
        ]
    )
    assert code == 0, capsys.readouterr()
    assert UserStore(path).verify("els", "cli-password-1").wijk_code == "W05"
    monkeypatch.setattr("sys.stdin", io.StringIO("cli-password-1\n"))
    assert (
        cli.main(
            ["--users", str(path), "add-user", "x2", "--role", "inspector", "--password-stdin"]
        )
        == 2
    )
    assert "wijkcode" in capsys.readouterr().err
    assert cli.main(["--users", str(path), "list-users"]) == 0
    assert "els" in capsys.readouterr().out


def test_cli_account_changes_are_audited(tmp_path, monkeypatch, capsys):
    """Who gets an account, which role, a reset password or a blocked account: the audit log
    recorded sign-ins and page views, not who was let in (a new account left no trace)."""
    import json

    from etl.audit import AuditLog

    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    users = ["--users", str(tmp_path / "users.toml")]
    password = "cli-password-secret-1"
    for command in (
        ["add-user", "an", "--role", "inspector", "--wijk", "W02", "--password-stdin"],
        ["add-user", "x2", "--role", "inspector", "--password-stdin"],  # refused: no wijk
        ["set-password", "an", "--password-stdin"],
        ["disable-user", "an"],
        ["enable-user", "an"],
        ["unlock", "an"],
        ["remove-user", "an"],
        ["list-users"],
    ):
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        cli.main(users + command)
    capsys.readouterr()
    log = AuditLog(tmp_path / "state" / "audit.duckdb")
    changes = log.read(event="wijziging").iloc[::-1]
    assert [json.loads(d) for d in changes["detail"]] == [
        {"wat": "gebruiker_toegevoegd", "gebruiker": "an", "rol": "inspector", "wijk": "W02"}
        | {"via": "opdrachtregel"},
        {"wat": "wachtwoord_gewijzigd", "gebruiker": "an", "via": "opdrachtregel"},
        {"wat": "gebruiker_geblokkeerd", "gebruiker": "an", "via": "opdrachtregel"},
        {"wat": "gebruiker_gedeblokkeerd", "gebruiker": "an", "via": "opdrachtregel"},
        {"wat": "pogingen_gewist", "gebruiker": "an", "via": "opdrachtregel"},
        {"wat": "gebruiker_verwijderd", "gebruiker": "an", "via": "opdrachtregel"},
    ]
    assert len(log.read()) == 6  # reading the list changes nothing
    assert password not in changes["detail"].str.cat()
    assert log.verify_chain() is None
    # verify-audit says the last row and its hash in words (it printed a Python tuple).
    assert cli.main(users + ["verify-audit"]) == 0
    seq, digest = log.head()
    assert (
        capsys.readouterr()
        .out.strip()
        .endswith(f"keten intact, laatste rij {seq} met hash {digest}")
    )


# --- throttle ------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def make_throttle(tmp_path, clock, **kw):
    params = {
        "max_failures": 3,
        "client_max_failures": 10,
        "window_s": 900,
        "lockout_s": 300,
        "base_delay_s": 1,
        "max_delay_s": 30,
    }
    params.update(kw)
    return LoginThrottle(tmp_path / "attempts.json", clock=clock, **params)


def test_delay_grows_then_lockout(tmp_path):
    clock = Clock()
    t = make_throttle(tmp_path, clock)
    assert t.check("an", "10.0.0.1").allowed
    t.register_failure("an", "10.0.0.1")
    d = t.check("an", "10.0.0.1")
    assert not d.allowed and not d.locked and d.wait_s == pytest.approx(1)
    clock.now += 1
    assert t.check("an", "10.0.0.1").allowed
    t.register_failure("an", "10.0.0.1")
    clock.now += 1.5
    assert not t.check("an", "10.0.0.1").allowed  # second delay is 2 s
    clock.now += 0.5
    after = t.register_failure("an", "10.0.0.1")
    assert (
        after.locked
        and after.message == "Te veel mislukte pogingen; probeer opnieuw over 5 minuten."
    )
    clock.now += 299
    assert not t.check("an").allowed
    clock.now += 2
    assert t.check("an").allowed


def test_lockout_survives_restart_and_success_resets(tmp_path):
    clock = Clock()
    for _ in range(3):
        make_throttle(tmp_path, clock).register_failure("an", "10.0.0.1")
    fresh = make_throttle(tmp_path, clock)  # a restarted dashboard
    assert fresh.check("an").locked
    assert fresh.check("bart", "10.0.0.2").allowed  # other user, other client unaffected
    fresh.register_success("an", "10.0.0.1")
    assert fresh.check("an").allowed
    assert fresh.failures(client="10.0.0.1") == 3  # the client's count stays


def test_failures_expire_after_window(tmp_path):
    clock = Clock()
    t = make_throttle(tmp_path, clock)
    for _ in range(2):
        t.register_failure("an")
    clock.now += 901
    assert t.failures("an") == 0


def test_client_limit_across_user_names(tmp_path):
    clock = Clock()
    t = make_throttle(tmp_path, clock, client_max_failures=4)
    for i in range(4):
        t.register_failure(f"user{i}", "10.9.9.9")
    d = t.check("someone-new", "10.9.9.9")
    assert d.locked and "Te veel mislukte pogingen" in d.message
    assert t.check("someone-new", "10.1.1.1").allowed


def test_wait_messages_dutch():
    assert wait_message(300, True) == "Te veel mislukte pogingen; probeer opnieuw over 5 minuten."
    assert wait_message(45, True).endswith("over 45 seconden.")
    assert wait_message(61, False).endswith("over 2 minuten.")
    assert wait_message(1, False).endswith("over 1 seconde.")


# --- roles ---------------------------------------------------------------------------------


def test_role_labels_and_parse():
    assert Role.parse("Beleidscel") is Role.BELEIDSCEL
    assert Role.COORDINATOR.label == "Wijkcoördinator"
    with pytest.raises(ValueError, match="Onbekende rol"):
        Role.parse("admin")


def test_allowed_pages():
    assert allowed_pages(COORD) == set(ALL_PAGES)
    assert {"audit", "data"}.isdisjoint(allowed_pages(INSP) | allowed_pages(BELEID))
    # The beleidscel gets the console, restricted to aggregate marts (console_tables).
    assert "sql" not in allowed_pages(INSP) and "sql" in allowed_pages(BELEID)
    assert "dictionary" in allowed_pages(INSP) & allowed_pages(BELEID)
    assert allowed_pages(BESTUUR) == {"reports"}
    assert "exploration" in allowed_pages(BELEID)


def test_record_visibility_and_municipalities():
    assert can_see_records(COORD, "B1") and can_see_records(BELEID, "B1")
    assert can_see_records(INSP, "A1") and not can_see_records(INSP, "A2")
    assert not can_see_records(INSP, None)
    assert not can_see_records(BESTUUR, "B1")
    assert record_wijken(INSP, ZONE) == ["A1"]
    assert record_wijken(BESTUUR, ZONE) == []
    assert allowed_municipalities(INSP, ZONE) == ["11111", "22222"]
    assert allowed_municipalities(BESTUUR, ZONE) == ["22222"]
    assert allowed_municipalities(Principal("b", Role.BESTUUR, nis_code="99999"), ZONE) == []


@pytest.fixture
def records():
    return pd.DataFrame(
        {
            "pv_number": ["LE.55.L7.000001/2024", "LE.55.L7.000002/2024", "LE.55.L7.000003/2024"],
            "wijk_code": ["A1", "A2", "B1"],
            "category": ["Woninginbraak", "Fietsdiefstal", "Vandalisme"],
            "description": ["buurman Jan P. zag ...", "fiets", "graffiti"],
            "inspector": ["INP X", "INP Y", "INP Z"],
            "street": ["Kerkstraat", "Dorpsstraat", "Stationsstraat"],
        }
    )


def test_policy_coordinator_and_inspector(records):
    assert apply_record_policy(records, COORD, KEY).equals(records)
    own = apply_record_policy(records, INSP, KEY)
    assert own["wijk_code"].tolist() == ["A1"] and own["pv_number"].iloc[0].startswith("LE.")
    unlocated = records.assign(wijk_code=["A1", None, "A1"])
    assert len(apply_record_policy(unlocated, INSP, KEY)) == 2
    # Without a wijk column an inspector gets nothing: fail closed.
    assert apply_record_policy(records.drop(columns="wijk_code"), INSP, KEY).empty


def test_policy_beleidscel_pseudonymises(records):
    out = apply_record_policy(records, BELEID, KEY)
    assert len(out) == 3 and "description" not in out.columns
    assert out["pv_number"].str.match(r"^PV-[0-9A-F]{12}$").all()
    assert out["inspector"].str.startswith("INP-").all()
    assert not out.astype(str).apply(lambda c: c.str.contains("LE.55|INP X|Jan")).any().any()
    assert out["street"].tolist() == records["street"].tolist()
    assert records["pv_number"].iloc[0].startswith("LE.")  # input untouched
    with pytest.raises(ValueError):
        apply_record_policy(records, BELEID, None)


def test_policy_bestuur_gets_nothing(records):
    out = apply_record_policy(records, BESTUUR, KEY)
    assert out.empty and "description" not in out.columns


def test_pseudonyms_stable_and_keyed():
    a = pseudonymise_pv("LE.55.L7.012345/2024", KEY)
    assert a == pseudonymise_pv(" LE.55.L7.012345/2024 ", KEY)
    assert a != pseudonymise_pv("LE.55.L7.012346/2024", KEY)
    assert a != pseudonymise_pv("LE.55.L7.012345/2024", bytes(32))
    assert pseudonymise_pv(None, KEY) is None and pseudonymise_pv(float("nan"), KEY) is None
    assert pseudonymise_pv("x", KEY, prefix="ONG").startswith("ONG-")


def test_pseudonym_key_created_once(tmp_path):
    path = tmp_path / "k" / "pseudonym.key"
    key = load_pseudonym_key(path)
    assert len(key) == 32 and load_pseudonym_key(path) == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


# --- OIDC ----------------------------------------------------------------------------------


def test_auth_mode_resolution(monkeypatch):
    assert auth_mode() == "local"
    assert auth_mode({"auth": {"mode": "oidc"}}) == "oidc"
    assert auth_mode({"auth": {"mode": "oidc"}}, {"wijkbeeld": {"auth_mode": "local"}}) == "local"
    monkeypatch.setenv("WIJKBEELD_AUTH_MODE", "oidc")
    assert auth_mode({"auth": {"mode": "local"}}) == "oidc"
    monkeypatch.setenv("WIJKBEELD_AUTH_MODE", "ldap")
    with pytest.raises(ValueError, match="Onbekende aanmeldmodus"):
        auth_mode()
    monkeypatch.setenv("WIJKBEELD_AUTH_MODE", "none")
    with pytest.raises(ValueError, match="demovlag"):
        auth_mode()
    monkeypatch.setenv("WIJKBEELD_DEMO", "1")
    assert auth_mode() == "none"


MAPPING = RoleMapping.from_dict(
    {
        "users": [
            {"email": "An.Peeters@Police.be", "role": "inspector", "wijk_code": "A1"},
            {"email": "burgemeester@beedorp.be", "role": "bestuur", "nis_code": "22222"},
        ],
        "groups": [{"claim": "groups", "value": "wijkbeeld-beleidscel", "role": "beleidscel"}],
    }
)


def test_oidc_mapping():
    p = map_oidc_user(
        {"email": "an.peeters@police.be", "name": "An", "email_verified": True}, MAPPING
    )
    assert p == Principal("an.peeters@police.be", Role.INSPECTOR, "A1", None, "An")
    g = map_oidc_user({"email": "x@police.be", "groups": ["a", "wijkbeeld-beleidscel"]}, MAPPING)
    assert g.role is Role.BELEIDSCEL
    assert map_oidc_user({"email": "stranger@police.be"}, MAPPING) is None
    assert (
        map_oidc_user({"email": "an.peeters@police.be", "email_verified": False}, MAPPING) is None
    )
    assert map_oidc_user({"is_logged_in": False, "email": "an.peeters@police.be"}, MAPPING) is None
    assert map_oidc_user({}, MAPPING) is None


def test_oidc_mapping_file_validated(tmp_path):
    assert RoleMapping.load(tmp_path / "absent.toml").users == {}
    bad = tmp_path / "roles.toml"
    bad.write_text('[[users]]\nemail = "a@b.be"\nrole = "inspector"\n')
    with pytest.raises(ValueError, match="wijkcode"):
        RoleMapping.load(bad)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[[users]]\nemail = "a@b.be\n', "is geen geldig TOML-bestand: tekst niet afgesloten"),
        (
            '[[users]]\nrole = "coordinator"\n',
            "klopt niet: gebruiker 1: het veld 'email' ontbreekt",
        ),
        (
            '[[users]]\nemail = "a@b.be"\nrole = "coordinator"\n'
            '[[groups]]\nvalue = "wijkbeeld"\nrole = "beheer"\n',
            "klopt niet: groepsregel 1: Onbekende rol 'beheer'",
        ),
        ('users = "a@b.be"\n', "klopt niet: 'users' hoort een lijst [[users]] te zijn"),
    ],
    ids=["toml", "field", "group-role", "not-a-list"],
)
def test_oidc_mapping_file_mistakes_name_file_and_entry(tmp_path, text, said):
    """oidc_roles.toml is written by hand: the gate shows this message and lets nobody in
    (an AccountFileError), instead of Streamlit's English error page."""
    from dashboard.auth.users import AccountFileError

    roles = tmp_path / "oidc_roles.toml"
    roles.write_text(text, encoding="utf-8")
    with pytest.raises(AccountFileError) as caught:
        RoleMapping.load(roles)
    assert str(caught.value).startswith(f"Rollenbestand (OIDC) {roles} {said}"), caught.value


# --- SQL console ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "ATTACH 'other.duckdb'",
        "ATTACH 'other.duckdb' AS o; SELECT * FROM o.t",
        "COPY marts.incidents TO 'out.csv'",
        "COPY (SELECT 1) TO 'out.parquet'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "PRAGMA database_list",
        "SET enable_external_access = true",
        "CREATE TABLE x AS SELECT 1",
        "INSERT INTO marts.incidents VALUES (1)",
        "UPDATE marts.incidents SET category = 'x'",
        "DELETE FROM marts.incidents",
        "DROP TABLE marts.incidents",
        "ALTER TABLE marts.incidents ADD COLUMN y INT",
        "EXPORT DATABASE 'dump'",
        "IMPORT DATABASE 'dump'",
        "CALL pragma_version()",
        "SELECT 1; SELECT 2",
        "SELECT * FROM read_csv('data.csv')",
        "SELECT * FROM read_csv_auto('/etc/passwd')",
        "SELECT * FROM READ_PARQUET ('x.parquet')",
        "SELECT * FROM \"read_json\"('x.json')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM read_blob('/etc/hostname')",
        "SELECT * FROM glob('*')",
        "SELECT * FROM 'data.csv'",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM 'https://example.org/x.parquet'",
        "SELECT * FROM 's3://bucket/x.parquet'",
        "SELECT * FROM marts.incidents WHERE pv_number IN (SELECT * FROM 'x.csv')",
        "WITH a AS (SELECT * FROM read_csv_auto('x.csv')) SELECT * FROM a",
        "SELECT getenv('HOME')",
        "SELECT current_setting('enable_external_access')",
        "SELECT * FROM query('SELECT 1')",
        "SELECT * FROM sqlite_scan('x.db', 't')",
        "SELECT * FROM duckdb_settings()",
        "SELECT * FROM main.rejects",
        "SELECT * FROM raw.incidents",
        "SELECT * FROM rejects",
        "SELECT * FROM warehouse.marts.incidents",
        "WITH a AS (SELECT * FROM rejects), rejects AS (SELECT 1) SELECT * FROM a",
        # A CTE named like a system view read that view in its own body (an audit of the
        # fifty-eighth session: every column, ENUM dictionary and file path).
        "WITH duckdb_columns AS (SELECT * FROM duckdb_columns) SELECT * FROM duckdb_columns",
        "WITH a AS (SELECT 1), pg_settings AS (SELECT * FROM pg_settings) FROM pg_settings",
        "WITH RECURSIVE duckdb_databases AS (SELECT * FROM duckdb_databases) "
        "SELECT * FROM duckdb_databases",
        "WITH RECURSIVE sqlite_master AS (SELECT name FROM sqlite_master UNION ALL "
        "SELECT name FROM sqlite_master WHERE false) SELECT * FROM sqlite_master",
        "WITH t AS (SELECT * FROM t) SELECT * FROM t",
        "DESCRIBE",
        "SHOW TABLES",
        "EXPLAIN SELECT 1",
        "",
    ],
)
def test_console_refuses(sql):
    with pytest.raises(UnsafeSQL):
        check_console_sql(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT category, count(*) FROM marts.incidents GROUP BY ALL",
        "FROM marts.incidents LIMIT 5",
        "WITH per AS (SELECT wijk_code, count(*) n FROM marts.incidents GROUP BY 1) SELECT * FROM per;",
        "SELECT * FROM marts.incidents i JOIN marts.districts d ON d.code = i.wijk_code",
        "SELECT x FROM range(3) t(x)",
        "SELECT 'read_csv(1)' AS harmless_text FROM marts.incidents",
        "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) FROM t",
    ],
)
def test_console_accepts(sql):
    check_console_sql(sql)


def test_a_cte_named_like_a_system_view_is_refused_by_name():
    with pytest.raises(
        UnsafeSQL, match="'duckdb_tables' van een WITH-deel is die van een systeemtabel"
    ):
        check_console_sql("WITH duckdb_tables AS (SELECT 1) SELECT * FROM duckdb_tables")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.incidents AS SELECT i AS n, 'LE.' || i AS pv_number, "
        "CASE WHEN i % 2 = 0 THEN 'A1' ELSE 'B1' END AS wijk_code FROM range(3000) t(i)"
    )
    con.execute("CREATE TABLE main.rejects AS SELECT 'geheim' AS raw_row")
    con.close()
    (path.parent / "secret.csv").write_text("a\n1\n")
    return path


def test_console_runs_legit_query_with_row_limit(warehouse):
    con = console_connection(warehouse)
    df, truncated = run_console_query(
        con, "SELECT wijk_code, count(*) AS n FROM marts.incidents GROUP BY 1 ORDER BY 1"
    )
    assert df.to_dict("list") == {"wijk_code": ["A1", "B1"], "n": [1500, 1500]} and not truncated
    df, truncated = run_console_query(
        con, "SELECT * FROM marts.incidents ORDER BY n", row_limit=100
    )
    assert len(df) == 100 and truncated and df["n"].iloc[-1] == 99
    df, truncated = run_console_query(con, "SELECT * FROM marts.incidents", row_limit=3000)
    assert len(df) == 3000 and not truncated


def test_console_interrupts_slow_query(warehouse):
    con = console_connection(warehouse)
    start = time.perf_counter()
    with pytest.raises(ConsoleTimeout, match="afgebroken"):
        run_console_query(
            con,
            "SELECT sum(a.n * b.n * c.n) FROM marts.incidents a, marts.incidents b, marts.incidents c",
            timeout_s=0.5,
        )
    assert time.perf_counter() - start < 5
    assert run_console_query(con, "SELECT count(*) AS n FROM marts.incidents")[0]["n"][0] == 3000


def test_console_connection_beside_dashboard_connection(warehouse):
    # The dashboard keeps the warehouse open with other settings; the console must still open.
    from etl.duck import connect

    dashboard_con = connect(warehouse, read_only=True, spatial=False)
    try:
        df, _ = run_console_query(
            console_connection(warehouse), "SELECT count(*) AS n FROM marts.incidents"
        )
        assert df["n"][0] == 3000
    finally:
        dashboard_con.close()


def test_console_guard_runs_inside_run(warehouse):
    with pytest.raises(UnsafeSQL):
        run_console_query(console_connection(warehouse), "SELECT * FROM main.rejects")


def test_console_connection_cannot_reach_files_even_unguarded(warehouse):
    # Second layer: even if the guard had a hole, the connection itself refuses.
    con = console_connection(warehouse)
    csv = str(warehouse.parent / "secret.csv")
    for sql in (
        f"SELECT * FROM read_csv('{csv}')",
        f"SELECT * FROM '{csv}'",
        f"ATTACH '{warehouse.parent / 'x.duckdb'}'",
        "INSTALL httpfs",
    ):
        with pytest.raises(duckdb.Error):
            con.execute(sql)
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("SET enable_external_access = true")
    with pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE marts.x AS SELECT 1")  # read-only


# --- the Streamlit gate (AppTest, no server) -----------------------------------------------


def _gate_app():
    import streamlit as st

    from dashboard.auth import gate

    zone = {
        "municipalities": [{"nis_code": "11111", "name": "Aastad"}],
        "wijken": [{"code": "A1", "name": "A", "nis_code": "11111"}],
    }
    principal = gate.require_login(zone)
    st.write(f"Welkom {principal.label}")


def test_login_gate_local(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from etl.audit import AuditLog

    state = tmp_path / "state"
    UserStore(state / "users.toml", hasher=FAST).add_user(
        "an", "long enough pw", "coordinator", "An"
    )
    monkeypatch.setenv("WIJKBEELD_AUTH_MODE", "local")
    at = AppTest.from_function(_gate_app, default_timeout=30).run()
    assert not at.exception and not any("Welkom" in m.value for m in at.markdown)
    at.text_input[0].input("an")
    at.text_input[1].input("wrong password")
    at.button[0].click().run()
    assert "onjuist" in at.error[0].value
    # The delay after a failure holds even for the right password.
    at.text_input[0].input("an")
    at.text_input[1].input("long enough pw")
    at.button[0].click().run()
    assert "Even geduld" in at.error[0].value
    LoginThrottle().reset("an")
    at.text_input[0].input("an")
    at.text_input[1].input("long enough pw")
    at.button[0].click().run()
    assert any("Welkom An (Wijkcoördinator)" in m.value for m in at.markdown)
    log = AuditLog().read()
    # The attempt the delay refused is in the log too, with its reason (it left no trace);
    # a wait after one failure is no lock.
    assert log["event"].tolist() == ["aanmelding", "aanmelding_mislukt", "aanmelding_mislukt"]
    refused = json.loads(log.iloc[1]["detail"])
    assert refused["reden"] == "wachttijd" and refused["geblokkeerd"] is False


def test_filter_pages_by_role():
    from pathlib import Path
    from types import SimpleNamespace

    from dashboard.auth.gate import filter_pages

    def page(stem):
        return SimpleNamespace(_page=Path(f"views/{stem}.py"), url_path=stem)

    pages = {
        "Wijk": [page("briefing"), page("sources")],
        "Rapportering": [page("reports")],
        "Beheer": [page("data"), page("audit"), page("sql")],
    }
    kept = filter_pages(pages, INSP)
    assert {s: [p._page.stem for p in ps] for s, ps in kept.items()} == {
        "Wijk": ["briefing", "sources"]
    }
    assert [p._page.stem for p in filter_pages(pages, BESTUUR)["Rapportering"]] == ["reports"]
    assert sum(len(v) for v in filter_pages(pages, COORD).values()) == 6


def test_an_address_that_is_no_page_is_found_under_the_base_path():
    from dashboard.auth.gate import address_outside

    known = {"briefing", "traffic"}
    assert address_outside("http://localhost:8501/kaart", "", known) == "kaart"
    assert address_outside("http://localhost:8501/kaart/", "/", known) == "kaart"
    assert address_outside("https://politie.example/r%C3%A9gio", "", known) == "régio"
    # The root, a page, the sign-in placeholder, a nested path, no URL: none.
    for url in ("http://h/", "http://h", "http://h/traffic", "http://h/aanmelden", "http://h/a/b"):
        assert address_outside(url, "", known) is None, url
    assert address_outside(None, "", known) is None
    # Served under a base path (server.baseUrlPath = "wijkbeeld").
    assert address_outside("http://h/wijkbeeld/kaart", "wijkbeeld", known) == "kaart"
    assert address_outside("http://h/wijkbeeld", "/wijkbeeld/", known) is None
    assert address_outside("http://h/wijkbeeld/traffic", "wijkbeeld", known) is None
    assert address_outside("http://h/anders/kaart", "wijkbeeld", known) is None


def _stale(principal):
    """``principal`` as a session keeps it after Streamlit reloaded dashboard.auth.roles:
    its role a member of the earlier module's Role class (same values, other objects)."""
    import enum
    from dataclasses import make_dataclass

    stale_role = enum.StrEnum("Role", {r.name: r.value for r in Role})
    stale_class = make_dataclass(
        "Principal",
        ["username", "role", "wijk_code", "nis_code", "display_name"],
        frozen=True,
    )
    return stale_class(
        principal.username,
        stale_role(principal.role.value),
        principal.wijk_code,
        principal.nis_code,
        principal.display_name,
    )


ZONE_TWO = {"municipalities": [{"nis_code": "24038"}, {"nis_code": "24055"}]}


def test_a_principal_from_before_a_code_reload_keeps_its_limits():
    """After a source file changed, open sessions held Role members of the earlier module:
    'role is Role.BESTUUR' was false, so the mayor of Herent was offered Kortenberg's report,
    and the beleidscel saw real inspector names. Checks now compare by value and fail
    closed, and the session's principal is rebuilt with the current classes."""
    from dashboard.auth.roles import allowed_municipalities, current_classes

    mayor = Principal("b", Role.BESTUUR, nis_code="24038")
    stale = _stale(mayor)
    assert stale.role is not Role.BESTUUR and stale.role == Role.BESTUUR
    assert allowed_municipalities(stale, ZONE_TWO) == ["24038"]
    fresh = current_classes(stale)
    assert type(fresh) is Principal and fresh.role is Role.BESTUUR and fresh.nis_code == "24038"
    assert current_classes(mayor) is mayor
    assert allowed_pages(fresh) == {"reports"}
    inspector = _stale(Principal("i", Role.INSPECTOR, wijk_code="W01"))
    assert can_see_records(inspector, "W01") and not can_see_records(inspector, "W02")


def test_a_change_stands_when_its_audit_row_cannot_be_written(monkeypatch, caplog):
    from dashboard.auth import gate

    class LockedLog:
        def record_change(self, what, *args, **kwargs):
            if what == "onbekend":
                raise ValueError("Onbekende wijziging")
            raise duckdb.IOException("Could not set lock on file")

    monkeypatch.setattr(gate, "audit_log", LockedLog)
    monkeypatch.setattr(gate, "current_principal", lambda: None)
    assert gate.log_change("data", "upload", {"bestand": "a.csv"}) is False
    assert "Wijziging upload niet in het auditlog geschreven" in caplog.text
    with pytest.raises(ValueError):  # a wrong name is a bug, never swallowed
        gate.log_change("data", "onbekend")


def test_only_the_coordinators_pack_anchors_the_audit_log(tmp_path, monkeypatch):
    from dashboard.auth import gate
    from etl.audit import AuditLog

    log = AuditLog(tmp_path / "audit.duckdb")
    monkeypatch.setattr(gate, "audit_log", lambda: log)
    log.record("aanmelding", "coord")
    for principal, expected in (
        (Principal("coord", Role.COORDINATOR), log.head()),
        (Principal("insp", Role.INSPECTOR, wijk_code="W01"), None),
        (Principal("beleid", Role.BELEIDSCEL), None),
        (None, None),
    ):
        monkeypatch.setattr(gate, "current_principal", lambda p=principal: p)
        assert gate.audit_anchor() == expected


def test_the_state_folder_and_its_locks_are_the_owners_only(tmp_path, monkeypatch):
    """`demo-users` made the state folder 0755 and the .lock files 0644 beside 0600 files
    (an audit)."""
    import stat

    state = tmp_path / "state"
    monkeypatch.setenv("WIJKBEELD_STATE", str(state))
    monkeypatch.setenv("WIJKBEELD_DEMO", "1")
    assert cli.main(["--users", str(state / "users.toml"), "demo-users"]) == 0
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    made = [p for p in state.iterdir() if p.is_file()]
    assert any(p.name.endswith(".lock") for p in made), made
    for p in made:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p


def test_no_client_limit_for_the_machine_itself(tmp_path):
    """Every connection from the machine itself is 127.0.0.1 (read since an audit): behind a
    reverse proxy on the same host without X-Forwarded-For, failures of anyone locked out
    everyone (a review). The user-name limit still holds there."""
    clock = Clock()
    t = make_throttle(tmp_path, clock, client_max_failures=4)
    for i in range(6):
        t.register_failure(f"nobody{i}", "127.0.0.1")
        t.register_failure(f"niemand{i}", "::1")
    assert t.check("inspecteur-w01", "127.0.0.1").allowed
    assert t.check("inspecteur-w01", "::1").allowed
    for i in range(6):  # a dual-stack server's view of an IPv4 connection
        t.register_failure(f"nul{i}", "::ffff:127.0.0.1")
    assert t.check("inspecteur-w01", "::ffff:127.0.0.1").allowed
    for _ in range(3):
        t.register_failure("an", "127.0.0.1")
    assert not t.check("an", "127.0.0.1").allowed
    for i in range(4):
        t.register_failure(f"x{i}", "10.0.0.9")
    assert not t.check("iemand", "10.0.0.9").allowed
