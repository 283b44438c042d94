"""The dashboard's header names the NAVER Cloud zone when it is not the public one."""

from __future__ import annotations

from optout_tui.api.base import Lists
from optout_tui.settings import Profile
from optout_tui.ui.app import OptOutApp
from optout_tui.ui.widgets.top_bar import TopBar


async def test_the_header_shows_a_zone_other_than_public():
    assert TopBar(Profile()).badges == ["LIVE"]
    assert TopBar(Profile(zone="fin", read_only=True)).badges == ["READ-ONLY", "FIN ZONE", "LIVE"]
    app = OptOutApp(Lists(), Profile(name="agency", zone="gov"), open_credentials_on_start=False)
    async with app.run_test(size=(120, 36)):
        line = app.query_one(TopBar).render().plain
        assert "profile: agency" in line and "GOV ZONE" in line and line.rstrip().endswith("LIVE")
