"""The offline guard of conftest.py really blocks the network."""

import socket

import pytest


def test_connections_to_other_hosts_are_refused():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        with pytest.raises(RuntimeError, match="tests must run offline"):
            s.connect(("192.0.2.1", 80))  # TEST-NET-1, never routed


def test_loopback_connections_are_allowed():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.connect(server.getsockname())
