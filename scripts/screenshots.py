#!/usr/bin/env python
"""Regenerate screenshots/ from the demo at 120x36: each of the five tabs, the quick lookup on every list, register preview and
progress, deregister confirmation, help, the audit trail, the jobs and a job's results. SVG from Textual, and PNG beside it when cairosvg is
installed (`pip install cairosvg`).

    .venv/bin/python scripts/screenshots.py

The emulator's sample data is anchored to a fixed day and the time zone is Asia/Seoul, so the
pictures change only when the dashboard does.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
ANCHOR_MS = 1_780_000_000_000  # 2026-05-28
SIZE = (120, 36)

os.environ["TZ"] = "Asia/Seoul"
time.tzset()
sys.path.insert(0, str(ROOT))


async def settle(pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def fill_and_send_reason(pilot, app, reason: str) -> None:
    """Deregister the row under the cursor with a reason note."""
    await pilot.press("d")
    await pilot.pause()
    app.screen.query_one("#reason").value = reason
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


def to_png(svg: Path) -> Path | None:
    try:
        import cairosvg
    except ImportError:
        return None
    png = svg.with_suffix(".png")
    text = svg.read_text(encoding="utf-8")
    # The PNG renderer has no per-glyph font fallback: runs of text with Hangul get a coding font
    # that has it (Debian fonts-nanum), when installed. The SVG itself is untouched.
    if Path("/usr/share/fonts/truetype/nanum/NanumGothicCoding.ttf").exists():
        text = re.sub(
            r"<text ([^>]*)>([^<]*[\uac00-\ud7a3][^<]*)</text>",
            r'<text style="font-family: NanumGothicCoding" \1>\2</text>',
            text,
        )
    cairosvg.svg2png(bytestring=text.encode("utf-8"), write_to=str(png), output_width=1600)
    return png


async def main() -> None:
    import tempfile

    import httpx
    from textual.widgets import Checkbox, TextArea

    from optout_tui.api.factory import build_lists
    from optout_tui.bulk.audit import AuditLog
    from optout_tui.bulk.journal import Journal
    from optout_tui.demo import demo_settings
    from optout_tui.emulator import EmulatorConfig, EmulatorServer
    from optout_tui.ui.app import OptOutApp

    OUT.mkdir(exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp, EmulatorServer(EmulatorConfig(anchor_ms=ANCHOR_MS)) as server:
        os.environ["XDG_STATE_HOME"] = tmp  # opens on the first tab, whatever tab the demo was left on
        profile, secrets = demo_settings(server)
        lists = build_lists(profile, secrets)
        journal_path = Path(tmp) / "journal.sqlite3"
        app = OptOutApp(
            lists,
            profile,
            secrets=secrets,
            lists_factory=build_lists,
            owns_lists=True,
            bulk_options={"journal": Journal(journal_path), "audit": AuditLog(journal_path)},
        )

        def shot(name: str) -> None:
            path = OUT / f"{name}.svg"
            app.save_screenshot(filename=path.name, path=str(OUT))
            written.append(path)

        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("down", "down", "space", "down", "space")
            shot("01-sms")
            await pilot.press("2")
            await settle(pilot)
            shot("02-email")
            await pilot.press("3")
            await settle(pilot)
            shot("03-080")
            await pilot.press("enter")
            await pilot.pause()
            shot("04-080-detail")
            await pilot.press("escape", "1")
            await settle(pilot)

            number = app.active_pane.entry_list.entry_at(4).number
            await pilot.press("l")
            field = app.screen.query_one("#lookup-value")
            field.value = f"+82 {number[1:3]} {number[3:7]} {number[7:]}"
            await pilot.press("enter")
            await settle(pilot)
            shot("05-lookup")
            await pilot.press("escape")

            await pilot.press("a")
            app.screen.query_one(TextArea).insert(
                "010-2000-0001\n+82 10 2000 0002\n01020000003\n010 2000 0001\nnot a number\n"
                "02-123-4567\n010.2000.0004\n010-2000-0005\n"
            )
            await pilot.pause(0.3)
            await settle(pilot)
            shot("06-register-preview")
            await pilot.press("escape", "y")  # esc asks before it throws the values away
            await settle(pilot)

            # a big paste sent slowly, to catch the progress bar mid-way
            httpx.post(f"{server.base_url}/_emulator/config", json={"latency_ms": 700}).raise_for_status()
            await pilot.press("a")
            app.screen.query_one(TextArea).insert("\n".join(f"0103{i:07d}" for i in range(12_000)))
            app.screen.query_one("#everywhere", Checkbox).value = False  # SMS alone: the bar moves visibly
            await pilot.pause(0.3)
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            shot("07-send-question")  # more than a handful: it asks first
            await pilot.press("y")
            await pilot.pause(1.0)
            shot("07-register-progress")
            await settle(pilot)
            httpx.post(f"{server.base_url}/_emulator/config", json={"latency_ms": 0}).raise_for_status()
            shot("08-register-done")
            await pilot.press("escape")
            await settle(pilot)

            await pilot.press("space", "space", "space", "d")
            app.screen.query_one("#reason").value = "ticket CS-4711: customer asked by phone"
            await pilot.pause()
            shot("09-deregister-confirm")
            await pilot.press("escape")

            await pilot.press("question_mark")
            await pilot.pause()
            shot("10-help")
            await pilot.press("escape")

            # a deregistration with a reason, then the audit trail and the jobs that made the changes
            await fill_and_send_reason(pilot, app, "ticket CS-4711: customer asked by phone")
            app.clear_notifications()
            await pilot.press("A")
            await settle(pilot)
            shot("11-audit")
            await pilot.press("escape")
            await pilot.press("J")
            await settle(pilot)
            shot("12-jobs")
            await pilot.press("down", "enter")
            await settle(pilot)
            shot("13-job-results")
            await pilot.press("escape", "escape")

            await pilot.press("4")  # the NHN Cloud lists: recipients per 080 number, blocked addresses
            await settle(pilot)
            shot("14-nhn-sms")
            await pilot.press("5")
            await settle(pilot)
            shot("15-nhn-email")

    for svg in written:
        png = to_png(svg)
        print(svg.relative_to(ROOT), "+ png" if png else "(no cairosvg: svg only)")


if __name__ == "__main__":
    asyncio.run(main())
