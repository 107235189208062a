//! A small scriptable HTTP/1.1 server on loopback that misbehaves on purpose:
//! it answers each request as a test's script says (redirects, stalls,
//! endless bodies, odd tokens), so the client's defences can be tested.
//!
//! Everything is bounded: each connection lives at most [`CONNECTION_LIMIT`],
//! an endless body stops when the client goes away or at that limit, the
//! server stops after [`MAX_REQUESTS`] requests, and dropping it stops it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest one connection is served.
pub const CONNECTION_LIMIT: Duration = Duration::from_secs(10);
/// The most requests one server answers.
pub const MAX_REQUESTS: usize = 20_000;
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// When the whole request had arrived.
    pub received: std::time::Instant,
}

impl Request {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether this is a request to the OAuth2 token endpoint path `/oauth2/token`.
    pub fn is_token_request(&self) -> bool {
        self.target.starts_with("/oauth2/token")
    }
}

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A whole response.
    Full {
        /// The status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Says nothing, until the client gives up or the connection limit.
    Stall,
    /// A status line and headers, then `chunk` repeated without end
    /// (chunked encoding) until the client gives up or the connection limit.
    Endless {
        /// The status code.
        status: u16,
        /// The chunk sent over and over.
        chunk: Vec<u8>,
    },
    /// Announces `Content-Length: length` and sends `chunk` repeatedly
    /// (truncated to the length).
    Declared {
        /// The status code.
        status: u16,
        /// The announced length.
        length: u64,
        /// The chunk sent over and over.
        chunk: Vec<u8>,
    },
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, value: serde_json::Value) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
        }
    }

    /// A response with a body of another kind.
    pub fn text(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// Adds a header to a [`Reply::Full`].
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

type Script = dyn Fn(&Request, usize) -> Reply + Send + Sync;

/// A running misbehaving server; it stops when dropped.
pub struct Misbehaving {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Request>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Misbehaving {
    /// Serves on `127.0.0.1`, answering request number `n` (0-based) with
    /// `script(&request, n)`.
    pub async fn start(script: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let task = tokio::spawn({
            let seen = seen.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    if seen.lock().unwrap().len() >= MAX_REQUESTS {
                        break;
                    }
                    let (seen, script) = (seen.clone(), script.clone());
                    tokio::spawn(async move {
                        let _ = tokio::time::timeout(CONNECTION_LIMIT, serve(stream, seen, script))
                            .await;
                    });
                }
            }
        });
        Misbehaving { addr, seen, task }
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The token endpoint URL on this server.
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.url())
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests matched `filter`.
    pub fn count(&self, filter: impl Fn(&Request) -> bool) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|r| filter(r))
            .count()
    }
}

impl Drop for Misbehaving {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one connection: keep-alive requests until the client closes.
async fn serve(mut stream: TcpStream, seen: Arc<Mutex<Vec<Request>>>, script: Arc<Script>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let n = {
            let mut seen = seen.lock().unwrap();
            seen.push(request.clone());
            seen.len() - 1
        };
        let keep_going = match script(&request, n) {
            Reply::Full {
                status,
                headers,
                body,
            } => {
                let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                stream.write_all(head.as_bytes()).await.is_ok()
                    && stream.write_all(&body).await.is_ok()
            }
            Reply::Stall => {
                // Hold the connection open without answering; the connection
                // limit ends it.
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                false
            }
            Reply::Endless { status, chunk } => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                );
                let framed = [
                    format!("{:x}\r\n", chunk.len()).into_bytes(),
                    chunk,
                    b"\r\n".to_vec(),
                ]
                .concat();
                if stream.write_all(head.as_bytes()).await.is_ok() {
                    while stream.write_all(&framed).await.is_ok() {}
                }
                false
            }
            Reply::Declared {
                status,
                length,
                chunk,
            } => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n"
                );
                let mut left = length;
                let mut ok = stream.write_all(head.as_bytes()).await.is_ok();
                while ok && left > 0 && !chunk.is_empty() {
                    let n = chunk.len().min(left as usize);
                    ok = stream.write_all(&chunk[..n]).await.is_ok();
                    left -= n as u64;
                }
                false
            }
        };
        if !keep_going {
            return;
        }
    }
}

/// Reads one request (head, then a `content-length` body), or `None` when
/// the client closed or sent something too large.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Request> {
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if buffer.len() > MAX_HEAD || !read_more(stream, buffer).await {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    if length > MAX_BODY {
        return None;
    }
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        if !read_more(stream, buffer).await {
            return None;
        }
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    Some(Request {
        method,
        target,
        headers,
        body,
        received: std::time::Instant::now(),
    })
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            true
        }
    }
}
