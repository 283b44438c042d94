"""`export -o FILE` writes owner-only, by the file's extension, and never replaces a file unasked."""

from __future__ import annotations

import json
import stat


def test_export_to_a_file_is_owner_only_and_never_replaces_one_without_force(optout, tmp_path):
    assert optout("sync", "--list", "email").returncode == 0
    target = tmp_path / "x.json"
    first = optout("export", "email", "-o", "x.json")
    assert first.returncode == 0, first.stderr
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 150
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    target.write_text("kept\n", encoding="utf-8")
    refused = optout("export", "email", "-o", "x.json")  # no terminal to ask on
    assert refused.returncode == 2 and refused.stderr.strip().count("\n") == 0
    assert "x.json exists: add --force" in refused.stderr and target.read_text(encoding="utf-8") == "kept\n"

    target.chmod(0o644)
    forced = optout("export", "email", "-o", "x.json", "--force")
    assert forced.returncode == 0, forced.stderr
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 150
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
