"""User administration: ``python -m dashboard.auth <command>``.

Examples::

    python -m dashboard.auth add-user an.peeters --role inspector --wijk W01 --name "An Peeters"
    echo "$PW" | python -m dashboard.auth add-user beleid --role beleidscel --password-stdin
    python -m dashboard.auth set-password an.peeters
    python -m dashboard.auth list-users
    python -m dashboard.auth disable-user an.peeters
    python -m dashboard.auth unlock an.peeters
    python -m dashboard.auth demo-users          # only with WIJKBEELD_DEMO=1 and no user file
    python -m dashboard.auth verify-audit
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from dashboard.auth.roles import Role


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Wachtwoord: ")
        if getpass.getpass("Herhaal wachtwoord: ") != password:
            raise SystemExit("De wachtwoorden verschillen.")
    if not password:
        raise SystemExit("Leeg wachtwoord.")
    return password


def _zone_or_none():
    from etl.config import load_zone

    try:
        return load_zone()
    except FileNotFoundError:
        return None


def _end_sessions(username: str) -> str:
    """Revoke the user's session tokens (dashboard.auth.sessions); a note for the output.

    A session of the user that is open ends at its next click (the gate checks its token on
    every run), and the browser's cookie signs no one in again.
    """
    from dashboard.auth.sessions import SessionStore

    n = SessionStore().revoke_user(username)
    return f" ({n} aangemelde sessie{'s' if n != 1 else ''} beëindigd)" if n else ""


def _audit(what: str, username: str, **detail) -> None:
    """Audit an account change made here, as the system account that ran the command.

    The change is made before it is logged; a log that cannot be written says so on
    stderr and does not undo it.
    """
    from etl.audit import AuditLog

    try:
        actor = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        actor = None
    try:
        AuditLog().record_change(
            what, actor, detail={"gebruiker": username, **detail, "via": "opdrachtregel"}
        )
    except Exception as exc:  # noqa: BLE001 - a locked log file must not undo the change
        print(f"Let op: niet in het auditlog geschreven ({exc})", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.auth",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--users", type=Path, help="gebruikersbestand (standaard state_dir()/users.toml)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    add = sub.add_parser("add-user", help="gebruiker toevoegen")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--wijk", help="wijkcode (verplicht voor inspector)")
    add.add_argument("--nis", help="NIS-code van de gemeente (verplicht voor bestuur)")
    add.add_argument("--name", default="", help="weergavenaam")
    add.add_argument("--password-stdin", action="store_true", help="wachtwoord van stdin lezen")

    pw = sub.add_parser("set-password", help="wachtwoord wijzigen")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")

    for name, text in (
        ("disable-user", "account blokkeren"),
        ("enable-user", "account deblokkeren"),
        ("remove-user", "gebruiker verwijderen"),
        ("unlock", "mislukte pogingen wissen"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("username")

    sub.add_parser("list-users", help="gebruikers tonen (zonder hashes)")
    sub.add_parser("demo-users", help="demo-accounts aanmaken (demovlag, geen gebruikersbestand)")
    sub.add_parser("verify-audit", help="hashketen van het auditlog controleren")

    args = parser.parse_args(argv)
    from dashboard.auth.users import UserStore, ensure_demo_users

    store = UserStore(args.users)
    try:
        if args.command == "add-user":
            user = store.add_user(
                args.username,
                _read_password(args),
                args.role,
                display_name=args.name,
                wijk_code=args.wijk,
                nis_code=args.nis,
                zone=_zone_or_none(),
            )
            print(f"Gebruiker {user.username} ({user.role.label}) toegevoegd aan {store.path}")
            scope = {"wijk": user.wijk_code} if user.wijk_code else {}
            if user.nis_code:
                scope["nis"] = user.nis_code
            _audit("gebruiker_toegevoegd", user.username, rol=user.role.value, **scope)
        elif args.command == "set-password":
            store.set_password(args.username, _read_password(args))
            print(f"Wachtwoord van {args.username} gewijzigd{_end_sessions(args.username)}")
            _audit("wachtwoord_gewijzigd", args.username)
        elif args.command in ("disable-user", "enable-user"):
            store.set_disabled(args.username, args.command == "disable-user")
            print(
                f"{args.username}: {'geblokkeerd' if args.command == 'disable-user' else 'actief'}"
                + (_end_sessions(args.username) if args.command == "disable-user" else "")
            )
            blocked = args.command == "disable-user"
            _audit(f"gebruiker_{'geblokkeerd' if blocked else 'gedeblokkeerd'}", args.username)
        elif args.command == "remove-user":
            store.remove_user(args.username)
            print(f"{args.username} verwijderd{_end_sessions(args.username)}")
            _audit("gebruiker_verwijderd", args.username)
        elif args.command == "unlock":
            from dashboard.auth.throttle import LoginThrottle

            LoginThrottle().reset(args.username)
            print(f"Mislukte pogingen van {args.username} gewist")
            _audit("pogingen_gewist", args.username)
        elif args.command == "list-users":
            for u in store.users():
                scope = u.wijk_code or u.nis_code or ""
                flags = " ".join(
                    f for f, on in (("geblokkeerd", u.disabled), ("demo", u.demo)) if on
                )
                print(
                    f"{u.username:24} {u.role.value:12} {scope:8} {u.display_name} {flags}".rstrip()
                )
        elif args.command == "demo-users":
            created = ensure_demo_users(store.path)
            if not created:
                print(
                    "Niets gedaan: demovlag niet gezet (WIJKBEELD_DEMO=1) of gebruikersbestand bestaat al"
                )
            for u in created:
                print(f"demo-account {u.username} ({u.role.label})")
        elif args.command == "verify-audit":
            from etl.audit import AuditLog

            log = AuditLog()
            broken = log.verify_chain()
            if broken is not None:
                print(f"Auditlog {log.path}: keten gebroken vanaf rij {broken}")
                return 1
            head = log.head()
            # Words, not a Python tuple: the row and its hash to write down elsewhere.
            print(
                f"Auditlog {log.path}: keten intact, laatste rij {head[0]} met hash {head[1]}"
                if head
                else f"Auditlog {log.path}: keten intact, nog geen gebeurtenissen"
            )
    except (ValueError, KeyError) as exc:
        print(f"Fout: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
