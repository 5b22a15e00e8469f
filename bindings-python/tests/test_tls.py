"""TLS with the reference's helpers: a context from ``create_client_ssl_context`` drives
rxon_core's ``HttpTransport`` (TLS in Rust) over mutual TLS; ``create_server_ssl_context`` and
``extract_cert_identity`` serve ``HttpListener`` on aiohttp. Certificates are made here."""

import datetime
import ipaddress
import ssl
from pathlib import Path
from typing import Any

import pytest
import rxon_core
from aiohttp import web
from conftest import run
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from rxon_core.transports.http_server import HttpListener


def issue(
    folder: Path, name: str, common_name: str, ca: tuple[x509.Certificate, Any] | None
) -> tuple[x509.Certificate, Any]:
    """A certificate (a CA when ``ca`` is None) written as ``name.pem`` and ``name.key``."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca[0].subject if ca else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca is None, path_length=None), critical=True)
    )
    if ca is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
    certificate = builder.sign(ca[1] if ca else key, hashes.SHA256())
    (folder / f"{name}.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (folder / f"{name}.key").write_bytes(key_pem)
    return certificate, key


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pki")
    ca = issue(folder, "ca", "rxon test CA", None)
    issue(folder, "server", "127.0.0.1", ca)
    issue(folder, "client", "worker-cn", ca)
    # A certificate for the same name from a CA the listener does not trust.
    other_ca = issue(folder, "other-ca", "another CA", None)
    issue(folder, "intruder", "worker-cn", other_ca)
    return folder


def server_tls(pki: Path) -> dict[str, str]:
    """The listener's TLS options: its certificate, client certificates required from the CA."""
    return {
        "cert_file": str(pki / "server.pem"),
        "key_file": str(pki / "server.key"),
        "client_ca": str(pki / "ca.pem"),
        "client_auth": "required",
    }


def test_a_client_context_from_the_helper_drives_the_rust_transport_over_mutual_tls(pki: Path) -> None:
    seen: list[dict[str, Any]] = []

    async def handler(action: str, payload: Any, context: dict[str, Any]) -> Any:
        seen.append(context)
        return None

    async def scenario() -> None:
        tls = server_tls(pki)
        async with rxon_core.Listener("127.0.0.1", 0, handler, tls=tls) as listener:
            url = f"https://127.0.0.1:{listener.port}"
            context = rxon_core.create_client_ssl_context(pki / "ca.pem", pki / "client.pem", pki / "client.key")
            assert isinstance(context, ssl.SSLContext)
            transport = rxon_core.create_transport(url, "w1", "token", ssl_context=context)
            await transport.connect()
            try:
                assert await transport.register(rxon_core.WorkerRegistration(worker_id="w1")) == {
                    "status": "registered"
                }
            finally:
                await transport.close()
            assert seen[0]["cert_identity"] == "worker-cn"

            # Without the client certificate the listener refuses the connection.
            anonymous = rxon_core.HttpTransport(url, "w2", "token", rxon_core.create_client_ssl_context(pki / "ca.pem"))
            await anonymous.connect()
            try:
                with pytest.raises(rxon_core.RxonNetworkError):
                    await anonymous.register(rxon_core.WorkerRegistration(worker_id="w2"))
            finally:
                await anonymous.close()

    run(scenario())


def test_a_context_made_elsewhere_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="create_client_ssl_context"):
        rxon_core.HttpTransport("https://127.0.0.1:9", "w1", "t", ssl.create_default_context())


def test_http_listener_on_a_server_context_reads_the_client_identity(pki: Path) -> None:
    seen: list[dict[str, Any]] = []

    async def handler(action: str, payload: Any, context: dict[str, Any]) -> Any:
        seen.append(context)
        return None

    async def scenario() -> None:
        app = web.Application()
        listener = HttpListener(app)
        listener.setup_routes()
        await listener.start(handler)
        server_context = rxon_core.create_server_ssl_context(
            pki / "server.pem", pki / "server.key", pki / "ca.pem", require_client_cert=True
        )
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            context = rxon_core.create_client_ssl_context(pki / "ca.pem", pki / "client.pem", pki / "client.key")
            transport = rxon_core.HttpTransport(f"https://127.0.0.1:{port}", "w1", "token", context)
            await transport.connect()
            try:
                await transport.register(rxon_core.WorkerRegistration(worker_id="w1"))
            finally:
                await transport.close()
        finally:
            await runner.cleanup()
        assert seen[0]["cert_identity"] == "worker-cn"

    run(scenario())


def test_mutual_tls_refuses_another_cas_certificate_and_a_name_that_is_not_the_worker(pki: Path) -> None:
    """Required client certificates: one from another CA is refused at the handshake; with
    zero trust on, a trusted certificate whose name is not the worker's is refused (403)."""
    seen: list[str] = []

    async def handler(action: str, payload: Any, context: dict[str, Any]) -> Any:
        seen.append(action)
        return None

    async def scenario() -> None:
        tls = server_tls(pki)
        auth = {"workers": {"worker-cn": "token", "w-other": "token"}}
        async with rxon_core.Listener("127.0.0.1", 0, handler, tls=tls, auth=auth) as listener:
            url = f"https://127.0.0.1:{listener.port}"
            intruder = rxon_core.create_client_ssl_context(pki / "ca.pem", pki / "intruder.pem", pki / "intruder.key")
            transport = rxon_core.HttpTransport(url, "worker-cn", "token", intruder)
            await transport.connect()
            try:
                with pytest.raises(rxon_core.RxonNetworkError):
                    await transport.poll_task(timeout=0.1)
            finally:
                await transport.close()

            trusted = rxon_core.create_client_ssl_context(pki / "ca.pem", pki / "client.pem", pki / "client.key")
            other_name = rxon_core.HttpTransport(url, "w-other", "token", trusted)
            await other_name.connect()
            try:
                with pytest.raises(rxon_core.RxonAuthError, match="does not match worker_id"):
                    await other_name.poll_task(timeout=0.1)
            finally:
                await other_name.close()

            matching = rxon_core.HttpTransport(url, "worker-cn", "token", trusted)
            await matching.connect()
            try:
                assert await matching.poll_task(timeout=0.1) is None
            finally:
                await matching.close()
        assert seen == ["poll"], "only the worker whose certificate names it reached the handler"

    run(scenario())
