"""Test-session guards: no network, and the seeds are unchanged at the end.

* Unit tests run offline: opening a connection to anything but this machine
  raises, so a hidden download fails loudly instead of passing on a connected
  laptop. (Notebooks run in their own kernels; ``tests/test_environment.py``
  scans them for download calls.)
* The seeds' checksums are taken when the session starts and compared when it
  ends, after every test, doctest and notebook has run: the session fails if
  anything wrote to ``seeds/``.
"""

import hashlib
import ipaddress
import socket

import pytest

from analysis.paths import SEEDS_DIR


def _seed_digests() -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(SEEDS_DIR.iterdir())
        if p.is_file()
    }


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        if not _is_local(address):
            raise RuntimeError(f"tests must run offline; attempted connection to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


def pytest_sessionstart(session):
    session.config._seed_digests = _seed_digests()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_seed_digests", None)
    if before is not None and _seed_digests() != before:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "seeds/ changed during the test session: seeds are raw data, never written"
        if reporter is not None:
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
