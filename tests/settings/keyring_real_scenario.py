"""Scenarios run inside scripts/with_keyring.sh against a real (throwaway) gnome-keyring Secret Service.

Not collected by pytest (no test_ prefix): test_keyring_real.py runs it in a subprocess. Each step
that matters runs in its own process, so "stored" means stored in the Secret Service, not in memory.
Exits non-zero with a message on the first failed check.
"""

from __future__ import annotations

import os
import subprocess
import sys

SECRETS = {
    "NCLOUD_ACCESS_KEY": "RealKeyringAccess0001",
    "NCLOUD_SECRET_KEY": "real-keyring-secret-key-000000000000001",
    "NHN_USER_ACCESS_KEY_ID": "RealKeyringNhnUser01",
    "NHN_SECRET_ACCESS_KEY": "real-keyring-nhn-secret-01",
}
CLI = [sys.executable, "-m", "optout_tui"]


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=False, input=stdin, capture_output=True, text=True, timeout=60)


def read_in_another_process(username: str) -> str:
    code = (
        "import keyring, sys; v = keyring.get_password('optout-tui', sys.argv[1]); print('<none>' if v is None else v)"
    )
    done = run([sys.executable, "-c", code, username])
    check(done.returncode == 0, f"second process could not read the keyring: {done.stderr.strip()}")
    return done.stdout.strip()


def roundtrip() -> None:
    import keyring

    check(
        type(keyring.get_keyring()).__name__ == "Keyring" and "SecretService" in type(keyring.get_keyring()).__module__,
        f"expected the Secret Service backend, got {keyring.get_keyring()}",
    )
    stdin = "".join(f"{name}={value}\n" for name, value in SECRETS.items())
    stored = run(
        [*CLI, "--profile", "ci", "credentials", "set", "--stdin", "--sens-service-id", "ncp:sms:kr:1:ci"], stdin
    )
    check(stored.returncode == 0, f"credentials set failed: {stored.stdout}{stored.stderr}")
    check("stored 4 secret(s)" in stored.stdout, f"unexpected output: {stored.stdout}")

    check(
        read_in_another_process("ci:ncloud_secret_key") == SECRETS["NCLOUD_SECRET_KEY"],
        "a second process did not read back the stored secret key",
    )
    check(
        read_in_another_process("ci:nhn_user_access_key_id") == SECRETS["NHN_USER_ACCESS_KEY_ID"],
        "a second process did not read back the NHN key id",
    )

    shown = run([*CLI, "--profile", "ci", "credentials", "show"])
    check(shown.returncode == 0, f"credentials show failed: {shown.stderr}")
    check("keyring    keyring.backends.SecretService.Keyring" in shown.stdout, f"backend not shown: {shown.stdout}")
    check(shown.stdout.count(" keyring\n") == 4, f"sources not 'keyring': {shown.stdout}")
    for value in SECRETS.values():
        check(value not in shown.stdout + shown.stderr, "show printed a secret in clear")

    from optout_tui.credentials.diagnosis import keyring_status
    from optout_tui.credentials.stores import load_secrets

    check(keyring_status().usable, "keyring_status() says unusable")
    check(load_secrets("ci").ncloud_access_key == SECRETS["NCLOUD_ACCESS_KEY"], "load_secrets did not read the keyring")

    deleted = run([*CLI, "--profile", "ci", "credentials", "delete", "--yes"])
    check(
        deleted.returncode == 0 and "deleted 4 secret(s)" in deleted.stdout,
        f"delete failed: {deleted.stdout}{deleted.stderr}",
    )
    check(read_in_another_process("ci:ncloud_secret_key") == "<none>", "the secret is still there after delete")
    print("roundtrip ok")


def locked() -> None:
    import secretstorage

    connection = secretstorage.dbus_init()
    collection = secretstorage.get_default_collection(connection)
    collection.lock()
    check(collection.is_locked(), "could not lock the throwaway collection")

    from optout_tui.credentials.diagnosis import keyring_status
    from optout_tui.credentials.stores import load_secrets_report

    status = keyring_status(timeout=10)
    check(not status.usable and "locked" in (status.problem or ""), f"locked collection not reported: {status}")
    os.environ["NCLOUD_ACCESS_KEY"] = SECRETS["NCLOUD_ACCESS_KEY"]
    report = load_secrets_report("ci", timeout=10)
    check(report.secrets.ncloud_access_key == SECRETS["NCLOUD_ACCESS_KEY"], "environment did not still work")
    refused = run([*CLI, "credentials", "set", "--stdin"], "NCLOUD_SECRET_KEY=abcdefghijklmnopqrstu\n")
    check(
        refused.returncode == 2 and "locked" in refused.stderr,
        f"set on a locked keyring: {refused.stdout}{refused.stderr}",
    )
    print("locked ok")


if __name__ == "__main__":
    {"roundtrip": roundtrip, "locked": locked}[sys.argv[1]]()
