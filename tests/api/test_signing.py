from optout_tui.api.ncp_signing import signature, signed_headers, verify


def test_known_answer_vector_from_the_vendor_docs():
    assert (
        signature(
            "GET",
            "/vserver/v2/getServerInstanceList?responseFormatType=json",
            "1234567890123",
            "TestAccessKey",
            "TestSecretKey",
        )
        == "FPsYYX8fuMAgi+cue3eACOW0dNtIwu1LYWfg/megA2M="
    )


def test_timestamp_header_equals_the_signed_timestamp():
    headers = signed_headers("GET", "/a?b=1", "AK", "SK", timestamp_ms=1_700_000_000_000)
    assert headers["x-ncp-apigw-timestamp"] == "1700000000000"
    assert headers["x-ncp-apigw-signature-v2"] == signature("GET", "/a?b=1", "1700000000000", "AK", "SK")


def test_verify_rejects_an_altered_query_and_a_skewed_clock():
    now = 1_700_000_000_000
    headers = signed_headers("GET", "/a?b=1", "AK", "SK", timestamp_ms=now)
    assert verify("GET", "/a?b=1", headers, "AK", "SK", now_ms=now) is None
    assert verify("GET", "/a?b=2", headers, "AK", "SK", now_ms=now) == "signature mismatch"
    assert "window" in verify("GET", "/a?b=1", headers, "AK", "SK", now_ms=now + 5 * 60 * 1000)
    assert verify("GET", "/a?b=1", headers, "AK", "SK", now_ms=now + 4 * 60 * 1000) is None
