"""Signatures (HMAC-SHA256 and Ed25519 over the canonical form, computed in the core) and the
TLS helpers of the reference: ``SSLContext`` factories and the client certificate's identity."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from rxon_core._native import (
    sign_bubbling_chain,
    sign_bubbling_chain_hmac,
    sign_payload,
    sign_payload_ed25519,
    verify_bubbling_chain_hmac,
    verify_bubbling_chain_signature,
    verify_signature,
    verify_signature_ed25519,
)

__all__ = [
    "create_server_ssl_context",
    "create_client_ssl_context",
    "extract_cert_identity",
    "sign_payload",
    "verify_signature",
    "sign_payload_ed25519",
    "verify_signature_ed25519",
    "sign_bubbling_chain",
    "verify_bubbling_chain_signature",
    "sign_bubbling_chain_hmac",
    "verify_bubbling_chain_hmac",
]


def create_server_ssl_context(
    cert_path: str | Path,
    key_path: str | Path,
    ca_path: str | Path | None = None,
    require_client_cert: bool = False,
) -> ssl.SSLContext:
    """A server context with the server's certificate; clients are verified against
    ``ca_path`` (mutual TLS), required when ``require_client_cert``, else optional."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile=str(cert_path), keyfile=str(key_path))
    if ca_path:
        context.load_verify_locations(cafile=str(ca_path))
    context.verify_mode = ssl.CERT_REQUIRED if require_client_cert else ssl.CERT_OPTIONAL
    return context


def create_client_ssl_context(
    ca_path: str | Path | None = None,
    cert_path: str | Path | None = None,
    key_path: str | Path | None = None,
) -> ssl.SSLContext:
    """A worker's context: the system roots plus ``ca_path``, and a client certificate for
    mutual TLS. rxon_core's ``HttpTransport`` (TLS in Rust) uses the files it records."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if ca_path:
        context.load_verify_locations(cafile=str(ca_path))
    with_certificate = bool(cert_path and key_path)
    if with_certificate:
        context.load_cert_chain(certfile=str(cert_path), keyfile=str(key_path))
    context._rxon_files = (  # type: ignore[attr-defined]
        str(ca_path) if ca_path else None,
        str(cert_path) if with_certificate else None,
        str(key_path) if with_certificate else None,
    )
    return context


def extract_cert_identity(request: Any) -> str | None:
    """The common name of the client certificate on an aiohttp request's TLS connection, if any."""
    ssl_object = request.transport.get_extra_info("ssl_object")
    certificate = ssl_object.getpeercert() if ssl_object else None
    if not certificate:
        return None
    for rdn in certificate.get("subject", ()):
        for name, value in rdn:
            if name == "commonName":
                return str(value)
    return None
