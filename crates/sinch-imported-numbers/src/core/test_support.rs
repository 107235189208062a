//! What the crate's unit tests share for talking to loopback servers: the
//! SDK's own HTTP client, and a server that answers every connection with
//! the same raw bytes (for answers no well-behaved server gives).

/// The HTTP client the SDK builds (TLS set up as in production).
pub(crate) fn http_client() -> reqwest::Client {
    super::tls::http_client_builder().unwrap().build().unwrap()
}

/// Serves `response` (raw HTTP, sent as is after the request is read) to
/// every connection on loopback; its base URL, `http://127.0.0.1:PORT`.
pub(crate) async fn raw_server(response: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(&response).await;
            });
        }
    });
    url
}
