//! The TLS backend: rustls, verifying servers with the operating system's
//! trust store (rustls-platform-verifier), with the crypto provider chosen by
//! a cargo feature:
//!
//! * `tls-ring` (default): *ring*. Builds in seconds, with no C toolchain
//!   work beyond a small build script.
//! * `tls-aws-lc`: aws-lc-rs, for those who need its algorithms or FIPS
//!   builds; it takes far longer to compile. Wins when both are enabled.
//! * neither: the process-wide rustls `CryptoProvider` you install yourself
//!   (`CryptoProvider::install_default`) before building a client.
//!
//! The client's TLS configuration is built here and handed to reqwest, so
//! nothing process-wide is changed. With the `http2` feature, ALPN offers
//! HTTP/2 first; without it, HTTP/1.1 only.

use std::sync::Arc;

use rustls_platform_verifier::BuilderVerifierExt as _;

use crate::error::{Error, ErrorKind, Result};

/// A `reqwest::ClientBuilder` with this crate's TLS configuration, for
/// [`ClientBuilder::reqwest_client`](crate::ClientBuilder::reqwest_client)
/// or the generated client's `new_with_client` (add `redirect(Policy::none())`
/// for API calls).
///
/// An escape hatch: it ties your code to the reqwest version this crate uses.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder> {
    Ok(reqwest::Client::builder().tls_backend_preconfigured(client_config()?))
}

/// The rustls client configuration: the chosen provider, safe protocol
/// versions, the platform verifier, and ALPN for the HTTP versions built in.
fn client_config() -> Result<rustls::ClientConfig> {
    let fail = |what: String| Error::new(ErrorKind::Other, format!("TLS setup failed: {what}"));
    let provider = provider().ok_or_else(|| {
        fail("no crypto provider: enable the `tls-ring` or `tls-aws-lc` feature of sinch-imported-numbers, or install a rustls CryptoProvider".into())
    })?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail(e.to_string()))?
        .with_platform_verifier()
        .map_err(|e| fail(e.to_string()))?
        .with_no_client_auth();
    config.alpn_protocols = if cfg!(feature = "http2") {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(config)
}

fn provider() -> Option<Arc<rustls::crypto::CryptoProvider>> {
    #[cfg(feature = "tls-aws-lc")]
    return Some(Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
    return Some(Arc::new(rustls::crypto::ring::default_provider()));
    #[allow(unreachable_code)]
    rustls::crypto::CryptoProvider::get_default().cloned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_features_configure_tls_without_global_state() {
        let config = super::client_config().expect("a provider is compiled in");
        assert_eq!(config.alpn_protocols.last().unwrap(), b"http/1.1");
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        super::http_client_builder().unwrap().build().unwrap();
    }
}
