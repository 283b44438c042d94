"""`optout-tui emulator` standalone: prints where it listens and what to paste, stops cleanly."""

from __future__ import annotations

import logging
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from optout_tui.api.ncp_signing import signed_headers
from optout_tui.emulator import DEMO, EmulatorConfig, EmulatorServer

CMD = [sys.executable, "-m", "optout_tui", "emulator"]


def start(*args: str) -> tuple[subprocess.Popen, str, list[str]]:
    proc = subprocess.Popen(
        [*CMD, "--port", "0", "--sms-count", "30", "--email-count", "10", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Press Ctrl-C"):
            break
    base = next(m.group(1) for line in lines if (m := re.match(r"listening on (http://127\.0\.0\.1:\d+)$", line)))
    return proc, base, lines


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serves_prints_what_to_paste_and_stops_cleanly(signum):
    proc, base, lines = start("--latency-ms", "1")
    try:
        env = dict(re.findall(r"^\s*export ([A-Z_]+)=(\S+)$", "\n".join(lines), re.MULTILINE))
        assert env["OPTOUT_SENS_URL"] == env["OPTOUT_HUB_URL"] == env["OPTOUT_NHN_OAUTH_URL"] == base
        assert env["OPTOUT_MAILER_URL"] == f"{base}/api/v1"
        assert env["OPTOUT_SENS_SERVICE_ID"] == DEMO.sens_service_id
        assert env["NCLOUD_SECRET_KEY"] == DEMO.ncloud_secret_key
        assert env["NHN_SECRET_ACCESS_KEY"] == DEMO.nhn_secret_access_key
        assert {"OPTOUT_NHN_APP_KEY", "NCLOUD_ACCESS_KEY", "NHN_USER_ACCESS_KEY_ID"} <= env.keys()

        target = f"/sms/v2/services/{env['OPTOUT_SENS_SERVICE_ID']}/unsubscribes?pageSize=100"
        headers = signed_headers("GET", target, env["NCLOUD_ACCESS_KEY"], env["NCLOUD_SECRET_KEY"])
        assert len(httpx.get(base + target, headers=headers).json()) == 30
    finally:
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert "Traceback" not in out + err


def test_refuses_a_non_loopback_host():
    result = subprocess.run(
        [*CMD, "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "loopback" in result.stderr
    assert result.stdout == ""


def test_a_port_in_use_is_one_line_not_a_traceback():
    proc, base, _ = start()
    try:
        port = base.rsplit(":", 1)[1]
        result = subprocess.run([*CMD, "--port", port], capture_output=True, text=True, timeout=30, check=False)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr and "--port" in result.stderr
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def test_the_emulator_server_speaks_plain_http_to_other_clients():
    """curl and friends: `Expect: 100-continue` is answered, a request that is not HTTP gets a 400."""
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0)) as server:
        with socket.create_connection((server.host, server.port), timeout=5) as sock:
            sock.sendall(
                b"POST /_emulator/config HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 2\r\nExpect: 100-continue\r\n\r\n"
            )
            assert sock.recv(1024).startswith(b"HTTP/1.1 100 ")  # before the body is sent
            sock.sendall(b"{}")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200 ")
        with socket.create_connection((server.host, server.port), timeout=5) as sock:
            sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            assert sock.recv(1024).startswith(b"HTTP/1.1 400 ")


def read_head(sock: socket.socket) -> bytes:
    """Read one whole response (with a Content-Length body) off `sock`; its head."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"content-length: *(\d+)", head, re.IGNORECASE).group(1))
    while len(body) < length:
        body += sock.recv(4096)
    return head


def test_stopping_with_connections_open_is_quiet_and_cuts_a_request_in_flight(caplog):
    """An idle keep-alive connection and a request hanging in a "timeout" fault (30 s) do not hold up
    the stop, and nothing is logged: no asyncio task errors, no server traceback."""
    server = EmulatorServer(EmulatorConfig(sms_count=0, email_count=0)).start()
    with (
        socket.create_connection((server.host, server.port), timeout=10) as idle,
        socket.create_connection((server.host, server.port), timeout=10) as hung,
    ):
        idle.sendall(b"GET /_emulator/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_head(idle).startswith(b"HTTP/1.1 200 ")  # then the connection stays open for a next request
        with httpx.Client(base_url=server.base_url) as client:
            assert client.post("/_emulator/fail-next", json={"status": "timeout", "route": "sens"}).status_code == 200
        hung.sendall(f"GET /sms/v2/services/{DEMO.sens_service_id}/unsubscribes HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        for _ in range(1000):  # until the request is in its hang
            if server.state.faults.injected:
                break
            time.sleep(0.01)
        assert server.state.faults.injected == 1
        server.stop()
        assert idle.recv(4096) == b""  # closed by the server
        assert not hung.recv(4096).startswith(b"HTTP/1.1 504 ")  # cut, not left to hang until its 504
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == [], caplog.text
