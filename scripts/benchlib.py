"""What the benchmark scripts share."""

from __future__ import annotations

from pathlib import Path


def compile_package() -> None:
    """Byte-compile the package first, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as
    on these machines) an editable install would otherwise compile every module on every run."""
    import compileall

    import optout_tui

    compileall.compile_dir(Path(optout_tui.__file__).parent, quiet=1)
