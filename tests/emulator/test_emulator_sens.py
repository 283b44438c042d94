"""SENS opt-out numbers as the docs describe them: validation, paging, register and delete."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from optout_tui.emulator import EmulatorServer

from .conftest import SENS_PATH, Client, small

KST = timezone(timedelta(hours=9))


def kst_ms(register_time: str) -> int:
    return int(datetime.strptime(register_time, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=KST).timestamp() * 1000)


def all_pages(client, page_size: int, extra: str = "") -> list[list[dict]]:
    pages, index = [], 0
    while True:
        response = client.signed("GET", f"{SENS_PATH}?pageSize={page_size}&pageIndex={index}{extra}")
        assert response.status_code == 200, response.text
        pages.append(response.json())
        if len(pages[-1]) < page_size:
            return pages
        index += 1


def is_sens_error(body: dict, status: int) -> bool:
    """Either documented shape: {status, errors, errorMessage} or {status, error, message}."""
    return body["status"] == status and (
        {"errors", "errorMessage"} <= body.keys() or {"error", "message"} <= body.keys()
    )


@pytest.mark.parametrize(
    "query",
    [
        "pageSize=0",
        "pageSize=101",
        "pageSize=ten",
        "pageIndex=-1",
        "clientTelNo=010-1234-5678",
        "startTime=yesterday",
        "startTime=2000&endTime=1000",
    ],
)
def test_bad_list_parameters_get_400_with_a_sens_error_body(client, query):
    response = client.signed("GET", f"{SENS_PATH}?{query}")
    assert response.status_code == 400
    assert is_sens_error(response.json(), 400)


def test_errors_come_in_both_documented_shapes(client):
    bodies = [client.signed("GET", f"{SENS_PATH}?pageSize=0").json() for _ in range(2)]
    assert {"errors", "errorMessage"} <= bodies[0].keys()
    assert {"error", "message"} <= bodies[1].keys()


def test_the_error_shape_can_be_pinned(make_client):
    client = make_client(sens_error_shape="message")
    bodies = [client.signed("GET", f"{SENS_PATH}?pageSize=0").json() for _ in range(3)]
    assert all(body.keys() == {"status", "error", "message"} for body in bodies)


def test_pages_are_newest_first_and_end_on_a_short_page(client):  # 40 entries
    pages = all_pages(client, 15)
    assert [len(p) for p in pages] == [15, 15, 10]
    entries = [e for p in pages for e in p]
    times = [kst_ms(e["registerTime"]) for e in entries]
    assert times == sorted(times, reverse=True)
    assert len({e["clientTelNo"] for e in entries}) == 40
    assert {e["registerType"] for e in entries} == {"C", "M"}
    assert all(e["clientTelNo"].isdigit() and e["clientTelNo"].startswith("01") for e in entries)


def test_exactly_full_pages_are_followed_by_an_empty_page(client):
    assert [len(p) for p in all_pages(client, 20)] == [20, 20, 0]


def test_an_empty_period_is_an_empty_array(client):
    assert client.signed("GET", f"{SENS_PATH}?startTime=0&endTime=1000").json() == []


def test_start_and_end_time_filter_on_registration_time(client):
    entries = [e for p in all_pages(client, 100) for e in p]
    times = sorted(kst_ms(e["registerTime"]) for e in entries)
    start, end = times[10], times[29]
    inside = [e for p in all_pages(client, 7, f"&startTime={start}&endTime={end}") for e in p]
    assert len(inside) == 20
    assert all(start <= kst_ms(e["registerTime"]) <= end for e in inside)


def test_client_tel_no_is_an_exact_lookup(client):
    first = client.signed("GET", f"{SENS_PATH}?pageSize=1").json()[0]
    number = first["clientTelNo"]
    assert client.signed("GET", f"{SENS_PATH}?clientTelNo={number}").json() == [first]
    assert client.signed("GET", f"{SENS_PATH}?clientTelNo={number[:-1]}").json() == []


def test_register_returns_the_items_and_keeps_the_original_time_of_known_numbers(client):
    existing = client.signed("GET", f"{SENS_PATH}?pageSize=100").json()[-1]  # the oldest
    body = [{"clientTelNo": "01099990000"}, {"clientTelNo": existing["clientTelNo"]}]
    response = client.signed("POST", SENS_PATH, json=body)
    assert response.status_code == 202
    answer = response.json()
    assert [e["clientTelNo"] for e in answer] == ["01099990000", existing["clientTelNo"]]
    assert answer[0]["registerType"] == "M"
    assert answer[1] == existing
    newest = client.signed("GET", f"{SENS_PATH}?pageSize=1").json()
    assert newest == [answer[0]]
    assert len([e for p in all_pages(client, 100) for e in p]) == 41


@pytest.mark.parametrize("answer", ["every", "new"])
def test_a_registration_answers_every_number_or_only_the_new_ones_with_a_date(make_client, answer):
    """The docs' example answer shows two times: read as every number asked for, an old one with its original
    time; the other reading, only the numbers added, is the second behaviour. Either answer carries a Date."""
    client = make_client(sens_register_answer=answer)
    existing = client.signed("GET", f"{SENS_PATH}?pageSize=100").json()[5]
    body = [{"clientTelNo": "01099990001"}, {"clientTelNo": existing["clientTelNo"]}, {"clientTelNo": "01099990002"}]
    response = client.signed("POST", SENS_PATH, json=body)
    assert response.status_code == 202 and response.headers["date"].endswith(" GMT")
    listed = response.json()
    assert [e["clientTelNo"] for e in listed] == (
        ["01099990001", existing["clientTelNo"], "01099990002"] if answer == "every" else ["01099990001", "01099990002"]
    )
    assert existing in listed if answer == "every" else existing not in listed
    assert client.signed("POST", SENS_PATH, json=body[:1]).json() == (listed[:1] if answer == "every" else [])
    assert client.signed("DELETE", SENS_PATH, json=body).headers["date"]


def test_the_register_answer_is_checked(make_client):
    with pytest.raises(ValueError, match="every or new"):
        make_client(sens_register_answer="some")


def test_the_register_status_is_configurable(make_client):
    client = make_client(sens_register_status=201)
    assert client.signed("POST", SENS_PATH, json=[{"clientTelNo": "01011112222"}]).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        [],
        [{"clientTelNo": "010-1111-2222"}],
        [{"clientTelNo": 1011112222}],
        [{"number": "01011112222"}],
        {"clientTelNo": "01011112222"},
        [{"clientTelNo": f"010{i:08d}"} for i in range(1001)],
    ],
)
def test_register_and_delete_validate_the_body(client, body):
    for method in ("POST", "DELETE"):
        response = client.signed(method, SENS_PATH, json=body)
        assert response.status_code == 400, (method, response.text)
        assert is_sens_error(response.json(), 400)
    assert len([e for p in all_pages(client, 100) for e in p]) == 40


def test_a_thousand_items_is_allowed(client):
    body = [{"clientTelNo": f"0105555{i:04d}"} for i in range(1000)]
    assert len(client.signed("POST", SENS_PATH, json=body).json()) == 1000
    assert client.signed("DELETE", SENS_PATH, json=body).status_code == 204


@pytest.mark.parametrize(
    "content",
    [
        b'[{"clientTelNo":"01066660001"},{"clientTelNo":"01066660002"}]',  # as clients write it (the fast path)
        b'[ {"clientTelNo": "01066660001"},\n  {"clientTelNo": "01066660002"} ]',  # any other JSON spacing
        b'[{"clientTelNo":"01066660001","memo":"x"},{"clientTelNo":"01066660002"}]',  # extra keys are ignored
    ],
)
def test_a_body_is_read_as_json_whatever_its_spacing(client, content):
    response = client.signed("POST", SENS_PATH, content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 202, response.text
    assert [e["clientTelNo"] for e in response.json()] == ["01066660001", "01066660002"]


@pytest.mark.parametrize(
    "content",
    [
        b'[{"clientTelNo":"0106666000a"}]',
        b'[{"clientTelNo":""}]',
        b'[{"clientTelNo":"' + b"1" * 19 + b'"}]',
        b'[{"clientTelNo":"01066660001"},{"clientTelNo":"01066660002"}',
    ],
)
def test_a_compact_body_with_a_bad_number_is_still_refused(client, content):
    response = client.signed("POST", SENS_PATH, content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text


def test_a_non_json_body_is_unsupported_media(client):
    response = client.signed(
        "POST",
        SENS_PATH,
        content=b"clientTelNo=01011112222",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415


def test_delete_answers_204_without_a_body_and_removes_the_numbers(client):
    entries = [e for p in all_pages(client, 100) for e in p]
    gone = [entries[3]["clientTelNo"], entries[17]["clientTelNo"], "01000000000"]
    response = client.signed("DELETE", SENS_PATH, json=[{"clientTelNo": n} for n in gone])
    assert response.status_code == 204
    assert response.content == b""
    assert client.signed("GET", f"{SENS_PATH}?clientTelNo={gone[0]}").json() == []
    after = [e for p in all_pages(client, 9) for e in p]
    assert [e for e in entries if e["clientTelNo"] not in gone] == after


def test_an_unsupported_method_gets_a_sens_405(client):
    response = client.signed("PUT", SENS_PATH, json=[])
    assert response.status_code == 405


# ---------------------------------------------------------------- SENS as seen live: "nothing found" is an empty 404


@pytest.fixture(scope="module")
def empty_404():
    with EmulatorServer(small(sens_empty_404=True)) as server:
        made = Client(server)
        yield made
        made.http.close()


@pytest.mark.parametrize(
    "query",
    [
        "startTime=0&endTime=1000",  # an empty period
        "pageSize=20&pageIndex=2",  # past the last entry (40 of them)
        "clientTelNo=01012340000",  # a number not on the list
        "clientTelNo=01012340000&pageIndex=1",
    ],
)
def test_with_empty_404_a_list_that_finds_nothing_is_a_404_without_a_body(empty_404, query):
    response = empty_404.signed("GET", f"{SENS_PATH}?{query}")
    assert (response.status_code, response.content) == (404, b"")


def test_with_empty_404_what_is_found_is_answered_as_usual(empty_404):
    assert [len(p) for p in all_pages(empty_404, 25)] == [25, 15]
    number = empty_404.signed("GET", f"{SENS_PATH}?pageSize=1").json()[0]["clientTelNo"]
    assert [e["clientTelNo"] for e in empty_404.signed("GET", f"{SENS_PATH}?clientTelNo={number}").json()] == [number]


def test_with_empty_404_an_unknown_service_id_is_listed_as_an_empty_404_too(empty_404):
    """The live report could not tell an empty list from an unknown service id: the emulator plays the reading
    under which a client cannot either. A change for an unknown service id keeps its SENS error body."""
    other = SENS_PATH.replace(":demo/", ":other/")
    response = empty_404.signed("GET", f"{other}?pageSize=10")
    assert (response.status_code, response.content) == (404, b"")
    refused = empty_404.signed("POST", other, json=[{"clientTelNo": "01012340000"}])
    assert refused.status_code == 404 and is_sens_error(refused.json(), 404)


def test_without_empty_404_an_unknown_service_id_is_a_404_with_a_sens_error_body(client):
    response = client.signed("GET", f"{SENS_PATH.replace(':demo/', ':other/')}?pageSize=10")
    assert response.status_code == 404 and is_sens_error(response.json(), 404)
