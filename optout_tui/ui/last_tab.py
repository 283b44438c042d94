"""The tab each profile was last left on, so the dashboard opens where the person left it.

A remembered choice, not configuration: a small JSON file in the user state directory (never the config
file, which people edit), owner-only like every file of this tool. Missing or unreadable means the first
tab; a failure to write it never disturbs the dashboard.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs

from ..config import APP_NAME
from ..private_files import open_private


def state_path() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)) / "dashboard.json"


def _read() -> dict[str, Any]:
    try:
        data = json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("last_tab"), dict) else {}


def load(profile: str) -> str | None:
    tab = _read().get("last_tab", {}).get(profile)
    return tab if isinstance(tab, str) else None


def save(profile: str, tab: str) -> None:
    data = _read()
    data.setdefault("last_tab", {})[profile] = tab
    path = state_path()
    part = path.with_name(f".{path.name}.{os.getpid()}")  # written whole, then renamed: never half a file
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open_private(part, replace=True) as fh:
            json.dump(data, fh)
        os.replace(part, path)
    except OSError:
        pass
