//! A real TLS handshake on loopback, through the SDK's own TLS setup (rustls
//! with the compiled-in provider and the platform verifier): a server whose
//! certificate nobody vouches for is refused, with an error that says why.

use std::sync::Arc;

use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use sinch_imported_numbers::{AuthMode, Client, ErrorKind, RetryPolicy};
use workspace_tests::{phone, PROJECT};

#[tokio::test]
async fn an_untrusted_certificate_is_refused_after_a_real_handshake() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (handshakes, mut outcomes) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let outcome = acceptor
                .accept(stream)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string());
            let _ = handshakes.send(outcome);
        }
    });

    let client = Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id("k")
        .key_secret("s")
        .base_url(format!("https://localhost:{port}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        client.get(&phone("+12065550134")),
    )
    .await
    .expect("no hang")
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.to_string().contains("certificate"), "{err}");
    // The server saw a handshake that the client broke off.
    let server_side = outcomes.recv().await.unwrap();
    assert!(server_side.is_err(), "{server_side:?}");
}
