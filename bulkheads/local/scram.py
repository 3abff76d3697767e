"""A minimal Kafka SASL/SCRAM-SHA-512 login over a socket, used as the broker readiness probe.

It speaks just SaslHandshake v1 and SaslAuthenticate v1 (RFC 5802 SCRAM), so waiting for the
broker needs no Kafka client library and a wrong credential is reported with the broker's
own message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import socket
import struct

MECHANISM = "SCRAM-SHA-512"
_SASL_HANDSHAKE, _SASL_AUTHENTICATE = 17, 36
_CLIENT_ID = b"bulkheads-probe"


class LoginRejected(Exception):
    """The broker answered and refused the credential (or the mechanism)."""


def scram_login(host: str, port: int, username: str, password: str, timeout: float = 5.0) -> None:
    """Authenticate once; return on success, raise ``LoginRejected`` or ``OSError``."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        channel = _Channel(sock)
        handshake = channel.call(_SASL_HANDSHAKE, _string(MECHANISM))
        error_code = struct.unpack_from(">h", handshake)[0]
        if error_code:
            raise LoginRejected(f"broker does not offer {MECHANISM} (error {error_code})")
        nonce = secrets.token_urlsafe(24)
        first_bare = f"n={_sasl_name(username)},r={nonce}"
        server_first = channel.authenticate(f"n,,{first_bare}".encode()).decode()
        fields = dict(item.split("=", 1) for item in server_first.split(","))
        if not fields["r"].startswith(nonce):
            raise LoginRejected("broker answered with a nonce that does not extend ours")
        salted = hashlib.pbkdf2_hmac(
            "sha512", password.encode(), base64.b64decode(fields["s"]), int(fields["i"])
        )
        client_key = _hmac(salted, b"Client Key")
        final_bare = f"c=biws,r={fields['r']}"
        auth_message = f"{first_bare},{server_first},{final_bare}".encode()
        signature = _hmac(hashlib.sha512(client_key).digest(), auth_message)
        proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
        server_final = channel.authenticate(
            f"{final_bare},p={base64.b64encode(proof).decode()}".encode()
        ).decode()
        expected = base64.b64encode(_hmac(_hmac(salted, b"Server Key"), auth_message)).decode()
        if server_final != f"v={expected}":
            raise LoginRejected(f"broker's final SCRAM message does not verify: {server_final}")


class _Channel:
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._correlation_id = 0

    def call(self, api_key: int, body: bytes) -> bytes:
        self._correlation_id += 1
        header = struct.pack(">hhih", api_key, 1, self._correlation_id, len(_CLIENT_ID))
        request = header + _CLIENT_ID + body
        self._sock.sendall(struct.pack(">i", len(request)) + request)
        size = struct.unpack(">i", self._read(4))[0]
        response = self._read(size)
        return response[4:]  # skip the correlation id of response header v0

    def authenticate(self, payload: bytes) -> bytes:
        response = self.call(_SASL_AUTHENTICATE, struct.pack(">i", len(payload)) + payload)
        error_code, message_length = struct.unpack_from(">hh", response)
        offset = 4 + max(message_length, 0)
        if error_code:
            message = response[4:offset].decode(errors="replace") if message_length > 0 else ""
            raise LoginRejected(f"SASL authentication failed (error {error_code}): {message}")
        auth_length = struct.unpack_from(">i", response, offset)[0]
        return response[offset + 4 : offset + 4 + auth_length]

    def _read(self, size: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < size:
            chunk = self._sock.recv(size - len(chunks))
            if not chunk:
                raise ConnectionError("broker closed the connection during SASL login")
            chunks += chunk
        return bytes(chunks)


def _string(value: str) -> bytes:
    encoded = value.encode()
    return struct.pack(">h", len(encoded)) + encoded


def _sasl_name(username: str) -> str:
    return username.replace("=", "=3D").replace(",", "=2C")


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha512).digest()
