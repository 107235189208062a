//! Runs the fake Imported Numbers API server until interrupted.
//!
//! `cargo run -p sinch-imported-numbers-fake -- [--port N]`

use sinch_imported_numbers_fake::FakeServer;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut port = 8080u16;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|v| v.parse::<u16>())) {
            ("--port", Some(Ok(p))) => port = p,
            _ => {
                eprintln!("usage: sinch-imported-numbers-fake [--port N]");
                std::process::exit(2);
            }
        }
    }
    let server = match FakeServer::builder().port(port).start().await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    println!("Imported Numbers fake listening on {}", server.base_url());
    println!("  SINCH_IMPORTED_NUMBERS_URL={}", server.base_url());
    println!(
        "  SINCH_KEY_ID={}  SINCH_KEY_SECRET={}",
        server.key_id(),
        server.key_secret()
    );
    println!("  OAuth2 token URL: {}", server.token_url());
    std::future::pending::<()>().await;
}
