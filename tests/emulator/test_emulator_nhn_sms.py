"""The NHN Cloud SMS 080 recipients emulator over loopback: the documented calls, every code of the notes, and
each open question played both ways (shared/api/nhn-sms-080-recipients.md)."""

from __future__ import annotations

import re

import pytest

from optout_tui.emulator import DEMO

JSON = {"Content-Type": "application/json;charset=UTF-8"}


def call(client, method, path, *, params=None, json=None, headers=None, secret=DEMO.nhn_sms_secret_key, **where):
    """A call under /sms/{version}/appKeys/{appKey}/blockservice, authenticated like the docs' examples."""
    version, app_key = where.get("version", "v3.0"), where.get("app_key", DEMO.nhn_sms_app_key)
    sent = {**JSON, **({"X-Secret-Key": secret} if secret is not None else {}), **(headers or {})}
    url = f"/sms/{version}/appKeys/{app_key}/blockservice{path}"
    return client.http.request(method, url, params=params, json=json, headers=sent)


def code_of(response) -> int:
    head = response.json()["header"]
    assert head["isSuccessful"] is (head["resultCode"] == 0)
    return head["resultCode"]


def numbers(client) -> dict:
    return client.server.state.nhn_sms.numbers


def with_count(client, count: int) -> str:
    return next(n for n, entry in numbers(client).items() if len(entry.recipients) == count)


# ---------------------------------------------------------------- the sample data and the documented calls


def test_sample_data_has_every_status_both_lengths_an_empty_number_and_shared_recipients(client):
    answer = call(client, "GET", "/unsubscribe-nos", params={"pageSize": 100}).json()
    rows = answer["body"]["data"]
    assert answer["body"]["totalCount"] == len(rows) == 6 and code_of(call(client, "GET", "/unsubscribe-nos")) == 0
    assert {r["status"] for r in rows} == {"USED", "RESERVE_USE", "EXTERNAL_REGIST", "TERMINATE", "EXTERNAL_TERMINATE"}
    assert {r["shareType"] for r in rows} == {"MASTER", "SHARE"} and {len(r["unsubscribeNo"]) for r in rows} == {10, 11}
    assert [r["startDateTime"] for r in rows if r["status"] == "RESERVE_USE"] == [None]
    counts = sorted(len(e.recipients) for e in numbers(client).values())
    assert counts == [0, 3, 15, 25, 42, 137]
    first, second = list(numbers(client).values())[:2]
    assert len(set(first.recipients) & set(second.recipients)) == 5
    dates = [
        r["requestDate"] for r in call(client, "GET", "/recipients", params={"pageSize": 1000}).json()["body"]["data"]
    ]
    assert len(dates) == 222 and dates == sorted(dates, reverse=True)  # every number's, newest first
    assert {len(d.rsplit(".", 1)[1]) for d in dates} == {1, 2, 3}  # a Java Timestamp: .0, .12, .123
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{1,3}", d) for d in dates)


def test_recipient_pages_are_one_based_with_a_total_count(client):
    number = with_count(client, 42)
    rows = [
        call(client, "GET", "/recipients", params={"unsubscribeNo": number, "pageNum": page, "pageSize": 10}).json()[
            "body"
        ]
        for page in (1, 2, 5, 6)
    ]
    assert [(b["pageNum"], b["pageSize"], b["totalCount"], len(b["data"])) for b in rows] == [
        (1, 10, 42, 10),
        (2, 10, 42, 10),
        (5, 10, 42, 2),
        (6, 10, 42, 0),
    ]
    default = call(client, "GET", "/recipients", params={"unsubscribeNo": number}).json()["body"]
    assert (default["pageNum"], default["pageSize"], len(default["data"])) == (1, 15, 15)
    assert default["data"][:10] == rows[0]["data"]
    for bad in ({"pageNum": 0}, {"pageSize": 1001}, {"pageSize": "x"}, {"unsubscribeNo": "0" * 26}):
        assert code_of(call(client, "GET", "/recipients", params=bad)) == 4
    one = call(
        client, "GET", "/recipients", params={"unsubscribeNo": number, "recipientNo": rows[1]["data"][3]["recipientNo"]}
    )
    assert [r["recipientNo"] for r in one.json()["body"]["data"]] == [rows[1]["data"][3]["recipientNo"]]
    empty = call(client, "GET", "/recipients", params={"unsubscribeNo": with_count(client, 0)}).json()["body"]
    assert (empty["totalCount"], empty["data"]) == (0, [])


def test_register_at_most_10_then_remove_recording_who(client):
    number = with_count(client, 3)
    ten = [f"0106666{i:04d}" for i in range(11)]
    assert code_of(call(client, "POST", "/recipients", json={"unsubscribeNo": number, "recipientNoList": ten})) == 4
    answer = call(client, "POST", "/recipients", json={"unsubscribeNo": number, "recipientNoList": ten[:10]})
    assert answer.status_code == 200 and answer.json() == {
        "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}
    }
    assert set(ten[:10]) <= set(numbers(client)[number].recipients)
    query = f"unsubscribeNo={number}&updateUser=alice%40demo&recipientNoList={ten[0]},{ten[1]}&recipientNoList={ten[2]}"
    removed = client.http.delete(
        f"/sms/v3.0/appKeys/{DEMO.nhn_sms_app_key}/blockservice/recipients/removes?{query}",
        headers={"X-Secret-Key": DEMO.nhn_sms_secret_key},
    )
    assert removed.json() == {
        "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
        "body": None,
    }
    assert client.server.state.nhn_sms.removals == [(number, v, "alice@demo") for v in ten[:3]]
    for missing in ("updateUser", "unsubscribeNo", "recipientNoList"):
        params = {"unsubscribeNo": number, "updateUser": "a", "recipientNoList": ten[3]}
        del params[missing]
        assert code_of(call(client, "DELETE", "/recipients/removes", params=params)) == 4
    too_long = {"unsubscribeNo": number, "updateUser": "x" * 101, "recipientNoList": ten[3]}
    assert code_of(call(client, "DELETE", "/recipients/removes", params=too_long)) == 4


# ---------------------------------------------------------------- every code of the notes


def test_each_code_the_calls_can_meet(client):
    number = with_count(client, 15)
    assert code_of(call(client, "GET", "/unsubscribe-nos", app_key="WrongAppKey000000000")) == -1001
    assert code_of(call(client, "GET", "/unsubscribe-nos", app_key="bad-key")) == -1000
    assert code_of(call(client, "GET", "/unsubscribe-nos", secret="wrong")) == -1004
    assert code_of(call(client, "GET", "/unsubscribe-nos", secret=None)) == -1004
    dates = {
        "unsubscribeNo": number,
        "startRequestDate": "2026-01-02 00:00:00",
        "endRequestDate": "2026-01-01 00:00:00",
    }
    assert code_of(call(client, "GET", "/recipients", params=dates)) == -1005
    assert code_of(call(client, "GET", "/recipients", params={"startRequestDate": "2026-01-01"})) == -2000
    bad = {"unsubscribeNo": number, "recipientNoList": ["01012345678", "010-1234-5678"]}
    assert code_of(call(client, "POST", "/recipients", json=bad)) == -2019
    assert "01012345678" not in numbers(client)[number].recipients  # refused whole
    assert (
        code_of(
            call(
                client, "POST", "/recipients", json={"unsubscribeNo": "0800000000", "recipientNoList": ["01012345678"]}
            )
        )
        == -6004
    )
    assert code_of(call(client, "GET", "/unsubscribe-nos/0800000000")) == -6004
    assert code_of(call(client, "GET", "/recipients", params={"unsubscribeNo": "0800000000"})) == -6004
    assert code_of(call(client, "GET", "/unsubscribe-nos", version="v2.4")) == -9995
    assert code_of(call(client, "POST", "/recipients", json={}, headers={"Content-Type": "text/plain"})) == -9996
    assert (
        code_of(call(client, "POST", "/recipients", headers={"Content-Type": "application/json"}, json=None)) == -9997
    )
    assert code_of(call(client, "GET", "/no-such-call")) == -9998
    assert code_of(call(client, "PUT", "/recipients")) == -9998
    assert code_of(call(client, "POST", "/recipients", json=["01012345678"])) == 4


@pytest.mark.parametrize(
    ("account", "code", "status"),
    [
        ("disabled", -1002, 403),
        ("ip-denied", -1004, 403),
        ("blocked", -1008, 403),
        ("not-joined", -6000, 403),
        ("failing", -9999, 500),
    ],
)
@pytest.mark.parametrize("failures", ["http", "200"])
def test_the_project_state_refuses_every_call(make_client, account, code, status, failures):
    client = make_client(nhn_sms_account=account, nhn_sms_failure_status=failures)
    for method, path in (("GET", "/unsubscribe-nos"), ("GET", "/recipients"), ("POST", "/recipients")):
        answer = call(client, method, path, json={} if method == "POST" else None)
        assert (answer.status_code, code_of(answer)) == (200 if failures == "200" else status, code)
        assert answer.json()["body"] is None


@pytest.mark.parametrize("failures", ["http", "200"])
def test_the_http_status_of_a_failure(make_client, failures):
    client = make_client(nhn_sms_failure_status=failures)
    for kwargs, status in (
        ({"app_key": "Wrong0000"}, 401),
        ({"secret": "wrong"}, 403),
        ({"version": "v2.4"}, 404),
        ({"params": {"pageNum": 0}}, 400),
    ):
        answer = call(client, "GET", "/recipients", **kwargs)
        assert answer.status_code == (200 if failures == "200" else status)
        assert answer.json()["header"]["isSuccessful"] is False


def test_injected_faults_come_in_the_nhn_header(client):
    client.control("fail-next", {"count": 1, "status": "429", "route": "nhn-sms"})
    answer = call(client, "GET", "/unsubscribe-nos")
    assert answer.status_code == 429 and code_of(answer) == -9999
    assert code_of(call(client, "GET", "/unsubscribe-nos")) == 0


# ---------------------------------------------------------------- the open questions, both ways


@pytest.mark.parametrize("name", ["recipientNoList", "recipientNo"])
def test_the_remove_parameter_name(make_client, name):
    client = make_client(nhn_sms_remove_param=name)
    number = with_count(client, 25)
    first, second = list(numbers(client)[number].recipients)[:2]
    other = "recipientNo" if name == "recipientNoList" else "recipientNoList"
    refused = call(
        client, "DELETE", "/recipients/removes", params={"unsubscribeNo": number, "updateUser": "u", other: first}
    )
    assert code_of(refused) == 4 and first in numbers(client)[number].recipients
    taken = {"unsubscribeNo": number, "updateUser": "u", name: f"{first},{second}"}
    assert code_of(call(client, "DELETE", "/recipients/removes", params=taken)) == 0
    assert first not in numbers(client)[number].recipients and second not in numbers(client)[number].recipients


@pytest.mark.parametrize(
    ("mode", "code", "kept"), [("ignore", 0, False), ("reject", -2019, True), ("partial", -2019, False)]
)
def test_removing_a_recipient_not_on_the_number(make_client, mode, code, kept):
    client = make_client(nhn_sms_remove_missing=mode)
    number = with_count(client, 25)
    listed = next(iter(numbers(client)[number].recipients))
    params = {"unsubscribeNo": number, "updateUser": "u", "recipientNoList": f"{listed},01099998888"}
    answer = call(client, "DELETE", "/recipients/removes", params=params)
    assert code_of(answer) == code and (listed in numbers(client)[number].recipients) is kept
    if code:
        assert answer.json()["header"]["resultMessage"] == "Unregistered recipientNo."


@pytest.mark.parametrize(("mode", "renewed"), [("keep", False), ("renew", True)])
def test_registering_a_recipient_already_on_the_number(make_client, mode, renewed):
    client = make_client(nhn_sms_register_existing=mode)
    number = with_count(client, 25)
    listed = next(iter(numbers(client)[number].recipients))
    before = numbers(client)[number].recipients[listed]
    answer = call(client, "POST", "/recipients", json={"unsubscribeNo": number, "recipientNoList": [listed]})
    assert code_of(answer) == 0 and (numbers(client)[number].recipients[listed] != before) is renewed


@pytest.mark.parametrize("needed", [False, True])
def test_listing_recipients_without_an_080_number(make_client, needed):
    client = make_client(nhn_sms_list_needs_number=needed)
    answer = call(client, "GET", "/recipients")
    assert code_of(answer) == (4 if needed else 0)
    assert code_of(call(client, "GET", "/recipients", params={"unsubscribeNo": with_count(client, 3)})) == 0


@pytest.mark.parametrize("echo", ["requested", "rows"])
def test_the_page_size_answered(make_client, echo):
    client = make_client(nhn_sms_page_size_echo=echo)
    body = call(client, "GET", "/recipients", params={"unsubscribeNo": with_count(client, 3), "pageSize": 15}).json()[
        "body"
    ]
    assert (body["pageSize"], len(body["data"])) == (15 if echo == "requested" else 3, 3)


@pytest.mark.parametrize("shape", ["list", "object"])
def test_one_080_numbers_data_as_a_list_or_an_object(make_client, shape):
    client = make_client(nhn_sms_one_number_data=shape)
    number = with_count(client, 3)
    data = call(client, "GET", f"/unsubscribe-nos/{number}").json()["body"]["data"]
    item = data[0] if shape == "list" else data
    assert isinstance(data, list if shape == "list" else dict) and item["unsubscribeNo"] == number


@pytest.mark.parametrize("inclusive", [True, False])
def test_whether_the_end_date_is_inclusive(make_client, inclusive):
    client = make_client(nhn_sms_end_inclusive=inclusive)
    number = with_count(client, 137)
    rows = call(client, "GET", "/recipients", params={"unsubscribeNo": number, "pageSize": 1000}).json()["body"]["data"]
    edge = next(r for r in rows if r["requestDate"].endswith(".0"))  # on a whole second
    params = {"unsubscribeNo": number, "recipientNo": edge["recipientNo"], "endRequestDate": edge["requestDate"][:19]}
    found = call(client, "GET", "/recipients", params=params).json()["body"]["data"]
    assert found == ([edge] if inclusive else [])


@pytest.mark.parametrize(
    ("answer", "status", "code"), [("-1004", 403, -1004), ("-1000", 401, -1000), ("401", 401, None)]
)
def test_a_wrong_secret_key(make_client, answer, status, code):
    client = make_client(nhn_sms_bad_secret=answer)
    refused = call(client, "GET", "/unsubscribe-nos", secret="wrong")
    assert refused.status_code == status
    if code is None:  # a gateway's bare 401, without the NHN header
        assert "header" not in refused.json()
    else:
        assert code_of(refused) == code
    assert code_of(call(client, "GET", "/unsubscribe-nos")) == 0
