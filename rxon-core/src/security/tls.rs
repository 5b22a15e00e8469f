//! rustls configurations for both sides: a worker's client (system roots, an extra CA,
//! a client certificate for mTLS) and an orchestrator's server (certificate, optional or
//! required client certificates). Certificates and keys are PEM files; every problem with one
//! is an error naming the file, never a panic.

use crate::error::{Result, RxonError};
use rustls::RootCertStore;
use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn tls_error(what: &str, path: &Path, err: impl std::fmt::Display) -> RxonError {
    RxonError::invalid_value(format!("{what} {}: {err}", path.display()))
        .with_detail("path", path.display().to_string())
}

/// Reads every certificate of a PEM file.
pub fn load_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| tls_error("cannot read certificates from", path, e))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| tls_error("bad certificate in", path, e))?;
    if certs.is_empty() {
        return Err(tls_error(
            "no certificate in",
            path,
            "the file holds no CERTIFICATE block",
        ));
    }
    Ok(certs)
}

/// Reads the private key of a PEM file (PKCS#8, PKCS#1 or SEC1).
pub fn load_private_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| tls_error("cannot read a private key from", path, e))
}

/// How a worker's client verifies the orchestrator and proves itself.
#[derive(Debug, Clone, Default)]
pub struct ClientTlsOptions {
    /// Trust the system's root certificates (on by default through [`ClientTlsOptions::new`]).
    pub system_roots: bool,
    /// Also trust the certificates of this PEM file (a private CA).
    pub ca_file: Option<PathBuf>,
    /// Present this certificate chain and key (PEM files) for mutual TLS.
    pub client_cert: Option<(PathBuf, PathBuf)>,
}

impl ClientTlsOptions {
    /// System roots, no extra CA, no client certificate.
    pub fn new() -> Self {
        ClientTlsOptions {
            system_roots: true,
            ca_file: None,
            client_cert: None,
        }
    }
}

/// Builds the client configuration.
pub fn client_config(options: &ClientTlsOptions) -> Result<Arc<rustls::ClientConfig>> {
    let mut roots = RootCertStore::empty();
    if options.system_roots {
        // Unreadable system certificates are skipped, as every TLS client does.
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
    }
    if let Some(ca) = &options.ca_file {
        for cert in load_certificates(ca)? {
            roots
                .add(cert)
                .map_err(|e| tls_error("unusable CA certificate in", ca, e))?;
        }
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| RxonError::invalid_value(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots);
    let config = match &options.client_cert {
        Some((cert, key)) => builder
            .with_client_auth_cert(load_certificates(cert)?, load_private_key(key)?)
            .map_err(|e| tls_error("unusable client certificate", cert, e))?,
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// Whether an orchestrator asks workers for certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// No client certificates.
    #[default]
    None,
    /// Verified when presented; connections without one are accepted.
    Optional,
    /// Every connection must present a certificate the CA signed.
    Required,
}

impl std::str::FromStr for ClientAuth {
    type Err = RxonError;

    /// `none`, `optional` or `required`, as every binding's options spell it.
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "none" => Ok(ClientAuth::None),
            "optional" => Ok(ClientAuth::Optional),
            "required" => Ok(ClientAuth::Required),
            other => Err(RxonError::invalid_value(format!(
                "client_auth must be 'none', 'optional' or 'required', not {other:?}"
            ))),
        }
    }
}

/// An orchestrator's TLS: its certificate, and how it treats client certificates.
#[derive(Debug, Clone)]
pub struct ServerTlsOptions {
    /// Certificate chain (PEM).
    pub cert_file: PathBuf,
    /// Private key (PEM).
    pub key_file: PathBuf,
    /// CA that signs worker certificates (PEM); needed unless `client_auth` is `None`.
    pub client_ca: Option<PathBuf>,
    /// Whether client certificates are asked for.
    pub client_auth: ClientAuth,
}

/// Builds the server configuration.
pub fn server_config(options: &ServerTlsOptions) -> Result<Arc<rustls::ServerConfig>> {
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| RxonError::invalid_value(format!("TLS setup failed: {e}")))?;
    let builder = match (options.client_auth, &options.client_ca) {
        (ClientAuth::None, _) => builder.with_no_client_auth(),
        (_, None) => {
            return Err(RxonError::invalid_value(
                "client certificates need a client CA file (client_ca)",
            ));
        }
        (auth, Some(ca)) => {
            let mut roots = RootCertStore::empty();
            for cert in load_certificates(ca)? {
                roots
                    .add(cert)
                    .map_err(|e| tls_error("unusable client CA certificate in", ca, e))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider());
            let verifier = if auth == ClientAuth::Optional {
                verifier.allow_unauthenticated()
            } else {
                verifier
            };
            let verifier = verifier.build().map_err(|e| tls_error("unusable client CA", ca, e))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(
            load_certificates(&options.cert_file)?,
            load_private_key(&options.key_file)?,
        )
        .map_err(|e| tls_error("unusable server certificate", &options.cert_file, e))?;
    Ok(Arc::new(config))
}

/// The Common Name of a DER certificate's subject, if it has one.
#[cfg(feature = "listener")]
pub fn common_name(cert: &CertificateDer<'_>) -> Option<String> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).ok()?;
    let name = parsed.subject().iter_common_name().next()?;
    name.as_str().ok().map(str::to_string)
}
