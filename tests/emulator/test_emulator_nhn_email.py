"""NHN Cloud Email block receivers: the documented calls and codes, and one option per open question."""

from __future__ import annotations

import re

import pytest

from optout_tui.emulator import DEMO, EmulatorConfig

PATH = f"/email/v2.1/appKeys/{DEMO.nhn_email_app_key}/block-receivers"
SECRET = {"X-Secret-Key": DEMO.nhn_email_secret_key}
JAVA_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{1,3}$")


def call(client, method: str = "GET", *, path: str = PATH, headers=SECRET, **request):
    return client.http.request(method, path, headers=headers, **request)


def result(response) -> tuple[int, int, bool]:
    header = response.json()["header"]
    return response.status_code, header["resultCode"], header["isSuccessful"]


def listed(client, **params) -> dict:
    response = call(client, params=params)
    assert result(response) == (200, 0, True), response.text
    return response.json()["body"]


def items(*addresses, **extra) -> dict:
    return {**extra, "blockReceiverList": [{"mailAddress": address} for address in addresses]}


def addresses(client, **params) -> list[str]:
    return [row["mailAddress"] for row in listed(client, pageSize=1000, **params)["data"]]


# ---------------------------------------------------------------- list


def test_the_list_answers_the_documented_shape_newest_first(client):
    body = listed(client)
    assert set(body) == {"totalCount", "data"} and body["totalCount"] == 800
    assert len(body["data"]) == 15  # the default page size
    assert all(
        set(row) == {"mailAddress", "blockDate"} and JAVA_TIMESTAMP.match(row["blockDate"]) for row in body["data"]
    )
    dates = [row["blockDate"] for row in listed(client, pageSize=1000)["data"]]
    assert dates == sorted(dates, reverse=True)
    assert listed(client, pageNum=2, pageSize=15)["data"] == listed(client, pageSize=30)["data"][15:]
    assert listed(client, pageNum=99, pageSize=15) == {"totalCount": 800, "data": []}


def test_the_sample_shares_a_fifth_with_the_mailer_and_keeps_some_capitals(client):
    state = client.server.state
    mine = addresses(client)
    assert len({a.lower() for a in mine} & set(state.mail.addresses)) >= min(len(state.mail.addresses), 800 // 5)
    assert any(a != a.lower() for a in mine)


def test_version_2_0_answers_too(client):
    assert result(call(client, path=PATH.replace("v2.1", "v2.0"))) == (200, 0, True)


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_the_order_is_an_option(make_client, order):
    client = make_client(nhn_email_count=30, nhn_email_order=order)
    dates = [row["blockDate"] for row in listed(client, pageSize=100)["data"]]
    assert dates == sorted(dates, reverse=order == "newest")


@pytest.mark.parametrize("inclusive", [True, False])
def test_the_end_date_takes_its_own_instant_or_not(make_client, inclusive):
    client = make_client(nhn_email_count=0, nhn_email_end_inclusive=inclusive)
    body = {"blockReceiverList": [{"mailAddress": "a@example.kr", "blockDate": "2025-01-02 03:04:05"}]}
    assert result(call(client, "POST", json=body))[1] == 0
    assert addresses(client, startBlockDate="2025-01-02 03:04:05") == ["a@example.kr"]
    assert addresses(client, endBlockDate="2025-01-02 03:04:05") == (["a@example.kr"] if inclusive else [])
    assert addresses(client, endBlockDate="2025-01-02 03:04:06") == ["a@example.kr"]


@pytest.mark.parametrize("case_sensitive", [False, True])
@pytest.mark.parametrize("match", ["exact", "partial"])
def test_the_address_filter_case_and_match_are_options(make_client, case_sensitive, match):
    client = make_client(nhn_email_count=0, nhn_email_case_sensitive=case_sensitive, nhn_email_address_match=match)
    assert result(call(client, "POST", json=items("Kim.Minsu@example.kr", "minsu@example.kr")))[1] == 0
    assert addresses(client, mailAddress="Kim.Minsu@example.kr") == ["Kim.Minsu@example.kr"]
    assert addresses(client, mailAddress="kim.minsu@example.kr") == ([] if case_sensitive else ["Kim.Minsu@example.kr"])
    found = addresses(client, mailAddress="minsu@example.kr")
    assert sorted(found) == (
        ["minsu@example.kr"] if match == "exact" or case_sensitive else ["Kim.Minsu@example.kr", "minsu@example.kr"]
    )


# ---------------------------------------------------------------- register, remove


def test_register_takes_its_own_date_and_remove_takes_it_off(client):
    body = {"blockReceiverList": [{"mailAddress": "dated@example.kr", "blockDate": "2025-01-02 03:04:05"}]}
    response = call(client, "POST", json=body)
    assert result(response) == (200, 0, True) and response.json()["body"] is None
    assert listed(client, mailAddress="dated@example.kr")["data"] == [
        {"mailAddress": "dated@example.kr", "blockDate": "2025-01-02 03:04:05.0"}
    ]
    assert result(call(client, "PUT", json=items("dated@example.kr", deleted=True))) == (200, 0, True)
    assert listed(client, mailAddress="dated@example.kr")["totalCount"] == 0


@pytest.mark.parametrize("mode", ["keep", "overwrite", "-2310", "-2304"])
def test_registering_a_listed_address_follows_the_option(make_client, mode):
    client = make_client(nhn_email_count=5, nhn_email_listed=mode)
    old = listed(client)["data"][0]
    body = {
        "blockReceiverList": [
            {"mailAddress": "new@example.kr"},
            {"mailAddress": old["mailAddress"], "blockDate": "2025-01-02 03:04:05"},
        ]
    }
    status, code, ok = result(call(client, "POST", json=body))
    now = listed(client, mailAddress=old["mailAddress"])["data"][0]["blockDate"]
    if mode in ("keep", "overwrite"):
        assert (status, code, ok) == (200, 0, True)
        assert now == (old["blockDate"] if mode == "keep" else "2025-01-02 03:04:05.0")
        assert addresses(client, mailAddress="new@example.kr") == ["new@example.kr"]
    else:
        assert (code, ok) == (int(mode), False) and now == old["blockDate"]
        assert addresses(client, mailAddress="new@example.kr") == []  # a refused call keeps nothing


@pytest.mark.parametrize("mode,code,kept", [("refuse", -2310, 0), ("ignore", 0, 1)])
def test_an_address_twice_in_one_call_follows_the_option(make_client, mode, code, kept):
    client = make_client(nhn_email_count=0, nhn_email_repeat=mode)
    assert result(call(client, "POST", json=items("twice@example.kr", "TWICE@example.kr")))[1] == code
    assert len(addresses(client)) == kept


@pytest.mark.parametrize("mode", ["refuse", "partial"])
def test_an_invalid_address_among_valid_ones_follows_the_option(make_client, mode):
    client = make_client(nhn_email_count=0, nhn_email_bad_in_batch=mode)
    response = call(client, "POST", json=items("good@example.kr", "bad@localhost"))
    assert result(response) == ((200, -2308, False) if mode == "refuse" else (200, 1000, True))
    assert addresses(client) == ([] if mode == "refuse" else ["good@example.kr"])
    assert result(call(client, "POST", json=items("bad@localhost", "worse")))[1] == -2308  # nothing valid at all


@pytest.mark.parametrize(
    "mode,answer,left",
    [("ignore", (200, 0, True), 0), ("partial", (200, 1000, True), 0), ("error", (200, -2302, False), 1)],
)
def test_removing_an_address_not_listed_follows_the_option(make_client, mode, answer, left):
    client = make_client(nhn_email_count=1, nhn_email_remove_missing=mode)
    present = addresses(client)[0]
    assert result(call(client, "PUT", json=items(present, "missing@example.kr", deleted=True))) == answer
    assert len(addresses(client)) == left


# ---------------------------------------------------------------- authentication and codes


AUTH = [
    ({"path": PATH.replace(DEMO.nhn_email_app_key, "WrongAppKey")}, {}, -1000, 401),
    ({"headers": {}}, {}, -1004, 401),
    ({"headers": {"X-Secret-Key": "Wrong123"}}, {}, -1004, 401),
    ({}, {"nhn_email_service": "missing"}, -1001, 401),
    ({}, {"nhn_email_service": "disabled"}, -1002, 401),
    ({}, {"nhn_email_service": "blocked"}, -1005, 403),
]


@pytest.mark.parametrize("failure_status", ["200", "http"])
@pytest.mark.parametrize("request_args,settings,code,http_status", AUTH)
def test_authentication_codes(make_client, failure_status, request_args, settings, code, http_status):
    client = make_client(nhn_email_count=3, nhn_email_failure_status=failure_status, **settings)
    expected = (200 if failure_status == "200" else http_status, code, False)
    assert result(call(client, **request_args)) == expected
    assert result(call(client, "POST", json=items("a@example.kr"), **request_args)) == expected


JSON_TYPE = {**SECRET, "Content-Type": "application/json"}
CODES = [
    (-2000, "GET", {"params": {"startBlockDate": "2025-01-02"}}, 400),
    (-2000, "POST", {"json": {"blockReceiverList": [{"mailAddress": "a@b.kr", "blockDate": "soon"}]}}, 400),
    (-2048, "GET", {"params": {"pageSize": 1001}}, 400),
    (-2302, "GET", {"params": {"pageNum": 0}}, 400),
    (-2302, "GET", {"params": {"pageSize": 0}}, 400),
    (-2302, "PUT", {"json": items("a@b.kr")}, 400),
    (-2302, "PUT", {"json": items("a@b.kr", deleted="true")}, 400),
    (-2303, "POST", {"json": items(*(f"a{i}@b.kr" for i in range(1001)))}, 400),
    (-2305, "POST", {"json": {}}, 400),
    (-2305, "PUT", {"json": {"deleted": True, "blockReceiverList": []}}, 400),
    (-2308, "POST", {"json": items("not an address")}, 400),
    (-9993, "GET", {"params": {"pageNum": "one"}}, 400),
    (-9995, "POST", {"json": ["a@b.kr"]}, 400),
    (-9995, "POST", {"json": {"blockReceiverList": ["a@b.kr"]}}, 400),
    (-9996, "POST", {"content": b"{}", "headers": {**SECRET, "Content-Type": "text/plain"}}, 415),
    (-9997, "PUT", {"content": b"{", "headers": JSON_TYPE}, 400),
    (-9998, "DELETE", {"json": items("a@b.kr")}, 404),
    (-9998, "GET", {"path": f"/email/v2.1/appKeys/{DEMO.nhn_email_app_key}/block-receiver"}, 404),
]


@pytest.mark.parametrize("failure_status", ["200", "http"])
@pytest.mark.parametrize("code,method,request_args,http_status", CODES)
def test_every_documented_code(make_client, failure_status, code, method, request_args, http_status):
    client = make_client(nhn_email_count=3, nhn_email_failure_status=failure_status)
    response = call(client, method, **request_args)
    assert result(response) == (200 if failure_status == "200" else http_status, code, False)
    assert response.json()["body"] is None and response.json()["header"]["resultMessage"]


def test_a_smaller_cap_and_a_failing_service(make_client):
    client = make_client(nhn_email_count=0, nhn_email_max_list=3, nhn_email_service="failing")
    assert result(call(client, "POST", json=items(*(f"a{i}@b.kr" for i in range(4)))))[1] == -2303
    assert result(call(client, "POST", json=items("a@b.kr")))[1] == -2309
    assert result(call(client, "PUT", json=items("a@b.kr", deleted=True)))[1] == 0  # removal still works


@pytest.mark.parametrize("status,code", [("503", -9999), ("500", -9999), ("429", -9999), ("401", -1000)])
def test_injected_faults_answer_in_nhn_email_words(client, status, code):
    client.control("fail-next", {"status": status, "route": "nhn-email"})
    assert result(call(client)) == (int(status), code, False)
    assert result(call(client)) == (200, 0, True)


def test_an_unknown_option_value_is_refused():
    with pytest.raises(ValueError, match="nhn_email_listed"):
        EmulatorConfig(nhn_email_listed="replace")
