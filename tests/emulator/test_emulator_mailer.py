"""Outbound Mailer unsubscribers as the docs describe them: required range, page object, counts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from .conftest import ANCHOR_MS, MAILER_PATH

EVERYTHING = "startUtc=0&endUtc=9999999999999"


def get(client, query: str, prefix: str = MAILER_PATH):
    return client.signed("GET", f"{prefix}?{query}" if query else prefix)


def all_addresses(client) -> list[str]:
    out, page = [], 0
    while True:
        body = get(client, f"{EVERYTHING}&size=7&page={page}").json()
        out += [c["address"] for c in body["content"]]
        if body["last"]:
            return out
        page += 1


def assert_bad_request(response):
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "77102"
    assert error["message"]
    assert "errorCode" in error


@pytest.mark.parametrize(
    "query",
    [
        "",
        "startUtc=0",
        "endUtc=9999999999999",
        "startDateTime=2025-01-01",
        "startUtc=abc&endUtc=1",
        "startDateTime=yesterday&endUtc=1",
    ],
)
def test_a_start_and_an_end_are_required(client, query):
    assert_bad_request(get(client, query))


@pytest.mark.parametrize(
    "extra", ["size=0", "page=-1", "isRegByManager=yes", "sort=address", "sort=createUtc,sideways"]
)
def test_bad_parameters_get_77102(client, extra):
    assert_bad_request(get(client, f"{EVERYTHING}&{extra}"))


def test_utc_wins_over_date_time(client):
    body = get(client, "startUtc=0&endUtc=9999999999999&startDateTime=2000-01-01&endDateTime=2000-01-02").json()
    assert body["totalElements"] == 30
    assert get(client, "startDateTime=2000-01-01&endDateTime=2000-01-02").json()["totalElements"] == 0
    assert (
        get(client, "startDateTime=2000-01-01%2000:00&endDateTime=2099-12-31%2023:59:59.999").json()["totalElements"]
        == 30
    )


def test_the_page_object_has_every_documented_field(client):
    body = get(client, f"{EVERYTHING}&size=4&page=0&sort=createUtc,desc").json()
    assert set(body) == {
        "content",
        "totalElements",
        "totalPages",
        "last",
        "numberOfElements",
        "first",
        "sort",
        "size",
        "number",
    }
    assert (body["totalElements"], body["totalPages"], body["size"], body["number"]) == (30, 8, 4, 0)
    assert (body["first"], body["last"], body["numberOfElements"]) == (True, False, 4)
    assert body["sort"] == [
        {
            "direction": "DESC",
            "property": "createUtc",
            "ignoreCase": False,
            "nullHandling": "NATIVE",
            "ascending": False,
            "descending": True,
        }
    ]
    entry = body["content"][0]
    assert set(entry) == {"address", "blockDate", "isRegByManager"}
    utc = entry["blockDate"]["utc"]
    kst = datetime.fromtimestamp(utc / 1000, timezone(timedelta(hours=9)))
    assert entry["blockDate"]["formattedDate"] == kst.strftime("%Y-%m-%d")
    assert entry["blockDate"]["formattedDateTime"] == kst.strftime("%Y-%m-%d %H:%M:%S ") + f"{utc % 1000:03d}"
    assert ANCHOR_MS - 731 * 86_400_000 < utc < ANCHOR_MS


def test_the_last_page_is_short_and_marked_last(client):
    body = get(client, f"{EVERYTHING}&size=4&page=7").json()
    assert (body["numberOfElements"], body["first"], body["last"], body["number"]) == (2, False, True, 7)
    assert get(client, f"{EVERYTHING}&size=4&page=8").json()["content"] == []


def test_size_defaults_to_ten(client):
    body = get(client, EVERYTHING).json()
    assert (body["size"], body["numberOfElements"], body["totalPages"]) == (10, 10, 3)


def test_a_page_size_over_the_cap_is_capped_and_reported(make_client):
    client = make_client(email_count=50, mailer_max_page_size=20)
    body = get(client, f"{EVERYTHING}&size=50").json()
    assert (body["size"], body["numberOfElements"], body["totalPages"], body["last"]) == (20, 20, 3, False)
    last = get(client, f"{EVERYTHING}&size=50&page=2").json()
    assert (last["numberOfElements"], last["last"]) == (10, True)


def test_sorting_and_filtering(client):
    desc = get(client, f"{EVERYTHING}&size=100&sort=createUtc,desc").json()["content"]
    asc = get(client, f"{EVERYTHING}&size=100").json()["content"]
    assert [c["blockDate"]["utc"] for c in desc] == sorted((c["blockDate"]["utc"] for c in asc), reverse=True)
    both = get(client, f"{EVERYTHING}&size=100&sort=isRegByManager,desc&sort=createUtc,desc").json()["content"]
    keys = [(c["isRegByManager"], c["blockDate"]["utc"]) for c in both]
    assert keys == sorted(keys, reverse=True)
    admins = get(client, f"{EVERYTHING}&size=100&isRegByManager=true").json()
    assert admins["totalElements"] == sum(c["isRegByManager"] for c in asc) > 0
    assert all(c["isRegByManager"] for c in admins["content"])


def test_email_address_is_an_exact_lookup(client):
    address = get(client, f"{EVERYTHING}&size=1").json()["content"][0]["address"]
    assert [c["address"] for c in get(client, f"{EVERYTHING}&emailAddress={address}").json()["content"]] == [address]
    assert get(client, f"{EVERYTHING}&emailAddress=x{address}").json()["totalElements"] == 0


def test_addresses_differing_only_in_case_are_one_entry_by_default(client):
    body = {"blockedReceivers": ["Case.Person@Naver.com"]}
    assert client.signed("POST", MAILER_PATH, json=body).json()["count"] == 1
    again = client.signed("POST", MAILER_PATH, json={"blockedReceivers": ["case.person@naver.com"]}).json()
    assert (again["count"], again["ignoreCount"]) == (0, 1)
    found = get(client, f"{EVERYTHING}&emailAddress=CASE.PERSON@naver.com").json()["content"]
    assert [c["address"] for c in found] == ["Case.Person@Naver.com"]  # stored as first sent
    gone = client.signed("DELETE", MAILER_PATH, json={"blockedReceivers": ["case.person@NAVER.com"]}).json()
    assert gone["count"] == 1 and "Case.Person@Naver.com" not in all_addresses(client)


def test_a_case_sensitive_mailer_compares_every_address_exactly(make_client):
    client = make_client(mailer_case_sensitive=True)
    first = client.signed("POST", MAILER_PATH, json={"blockedReceivers": ["Case.Person@naver.com"]}).json()
    second = client.signed("POST", MAILER_PATH, json={"blockedReceivers": ["case.person@naver.com"]}).json()
    assert first["count"] == second["count"] == 1  # two entries
    found = get(client, f"{EVERYTHING}&emailAddress=CASE.PERSON@naver.com").json()
    assert found["totalElements"] == 0
    found = get(client, f"{EVERYTHING}&emailAddress=Case.Person@naver.com").json()["content"]
    assert [c["address"] for c in found] == ["Case.Person@naver.com"]
    gone = client.signed("DELETE", MAILER_PATH, json={"blockedReceivers": ["CASE.PERSON@naver.com"]}).json()
    assert (gone["count"], gone["ignoreCount"]) == (0, 1)
    assert {"Case.Person@naver.com", "case.person@naver.com"} <= set(all_addresses(client))


def test_register_counts_new_ignored_and_malformed(client):
    known = all_addresses(client)[0]
    body = {"blockedReceivers": ["new.one@naver.com", known, "not-an-address", "new.one@naver.com"]}
    response = client.signed("POST", MAILER_PATH, json=body)
    assert response.status_code == 201
    assert response.json() == {"count": 1, "requestCount": 4, "ignoreCount": 3}
    listed = get(client, f"{EVERYTHING}&emailAddress=new.one@naver.com").json()["content"]
    assert listed[0]["isRegByManager"] is True
    assert len(all_addresses(client)) == 31


def test_delete_counts_removed_and_ignored(client):
    known = all_addresses(client)[:2]
    body = {"blockedReceivers": [*known, "nobody@daum.net"]}
    response = client.signed("DELETE", MAILER_PATH, json=body)
    assert response.status_code == 200
    assert response.json() == {"count": 2, "requestCount": 3, "ignoreCount": 1}
    assert set(all_addresses(client)).isdisjoint(known)


@pytest.mark.parametrize("body", [None, {}, {"blockedReceivers": []}, {"blockedReceivers": "a@b.kr"}, ["a@b.kr"]])
def test_a_missing_or_invalid_body_is_77102(client, body):
    for method in ("POST", "DELETE"):
        content = b"" if body is None else None
        response = client.signed(
            method, MAILER_PATH, json=body, content=content, headers={"Content-Type": "application/json"}
        )
        assert_bad_request(response)


def test_a_wrong_content_type_is_415_77002(client):
    response = client.signed(
        "POST",
        MAILER_PATH,
        content=b"blockedReceivers=a@b.kr",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "77002"


def test_an_unsupported_method_is_405_77001(client):
    response = client.signed("PUT", MAILER_PATH, json={"blockedReceivers": ["a@b.kr"]})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "77001"


@pytest.mark.parametrize("prefix", ["/api/v1-sgn", "/api/v1-jpn"])
def test_the_regional_bases_answer_too(client, prefix):
    assert get(client, EVERYTHING, prefix=f"{prefix}/unsubscribers").json()["totalElements"] == 30


# ---------------------------------------------------------------- *DateTime in Korean time, sorting, subscription

NEW_YEAR_UTC_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z = 2026-01-01 09:00 in Korea


@pytest.fixture
def new_year(make_client):
    """An emulator whose sample data ends a day before 2026-01-01T00:00Z, with one address blocked at that instant."""
    client = make_client(anchor_ms=NEW_YEAR_UTC_MS - 86_400_000)
    client.server.state.mail.register(["new.year@example.kr"], NEW_YEAR_UTC_MS)
    return client


def addresses(client, query: str) -> list[str]:
    response = get(client, f"{query}&size=100")
    assert response.status_code == 200, response.text
    return [c["address"] for c in response.json()["content"]]


@pytest.mark.parametrize("moment", ["2026-01-01%2009:00", "2026-01-01%2009:00:00.000", "2026-01-01%2009:00:00%20000"])
def test_date_times_are_korean_time(new_year, moment):
    """`startDateTime` 2026-01-01 09:00 is `startUtc` 2026-01-01T00:00Z (UTC+9, as the Korean page says)."""
    by_utc = addresses(new_year, f"startUtc={NEW_YEAR_UTC_MS}&endUtc={NEW_YEAR_UTC_MS}")
    assert by_utc == ["new.year@example.kr"]
    assert addresses(new_year, f"startDateTime={moment}&endDateTime={moment}") == by_utc
    assert addresses(new_year, f"startDateTime={moment}&endUtc={NEW_YEAR_UTC_MS}") == by_utc
    assert addresses(new_year, "startDateTime=2026-01-01&endDateTime=2026-01-01%2008:59:59.999") == []  # before it


def test_a_formatted_date_time_read_back_finds_its_entry(client):
    """The answer's `formattedDateTime` is Korean time too: given back as a range, it finds the same entry."""
    for entry in get(client, f"{EVERYTHING}&size=5").json()["content"]:
        moment = entry["blockDate"]["formattedDateTime"].replace(" ", "%20")
        assert entry["address"] in addresses(client, f"startDateTime={moment}&endDateTime={moment}")


@pytest.mark.parametrize(
    "sort",
    [
        "createUtc",
        "createUtc,asc",
        "createUtc,desc",
        "createUtc,DESC",
        "isRegByManager,desc",
        "isRegByManager,createUtc",
    ],
)
def test_the_documented_sort_properties_are_accepted(client, sort):
    assert get(client, f"{EVERYTHING}&sort={sort}").status_code == 200


@pytest.mark.parametrize(
    "sort", ["address", "blockDate,desc", "createdUtc,desc", "emailAddress", "utc", "desc", "createUtc,isRegBy"]
)
def test_any_other_sort_property_is_a_400_77102(client, sort):
    assert_bad_request(get(client, f"{EVERYTHING}&sort={sort}"))


@pytest.mark.parametrize(
    "method,body",
    [("GET", None), ("POST", {"blockedReceivers": ["a@example.kr"]}), ("DELETE", {"blockedReceivers": ["a@x.kr"]})],
)
def test_a_project_without_the_mailer_gets_403_77202_on_every_call(make_client, method, body):
    client = make_client(mailer_subscribed=False)
    response = client.signed(method, f"{MAILER_PATH}?{EVERYTHING}" if method == "GET" else MAILER_PATH, json=body)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "77202"
    assert client.signed("GET", MAILER_PATH, secret_key="wrong").status_code == 401  # the gateway checks first
