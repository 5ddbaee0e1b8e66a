//! A scripted HTTP/1.1 server on loopback for fault injection: the n-th request gets the n-th
//! fault of the script (the last one repeats), one connection per request. It counts requests,
//! so tests can assert the exact number of attempts.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// `200` with `{"data": {"ok": true}}`.
    Ok,
    /// An error envelope with this status and code, `details.retry_after_seconds` and a
    /// `Retry-After` header when given.
    Envelope {
        status: u16,
        code: &'static str,
        details_retry: Option<u32>,
        header_retry: Option<u32>,
    },
    /// Any status, content type and body.
    Raw {
        status: u16,
        content_type: &'static str,
        body: String,
    },
    /// Waits this long, then answers like [`Fault::Ok`].
    Slow(Duration),
    /// Reads the request, then resets the connection without answering.
    Reset,
    /// `200` with a JSON content type and a chunked body that never ends (64 KiB chunks of
    /// spaces after `{"data":`), until the client hangs up.
    Endless,
    /// `200` declaring a `content-length` of this many bytes, then sending as many as the
    /// client takes.
    Declared(u64),
}

impl Fault {
    /// An error envelope without any retry hint.
    pub fn status(status: u16, code: &'static str) -> Self {
        Fault::Envelope {
            status,
            code,
            details_retry: None,
            header_retry: None,
        }
    }

    /// A 200 with this body as JSON.
    pub fn json_200(body: &str) -> Self {
        Fault::Raw {
            status: 200,
            content_type: "application/json",
            body: body.to_owned(),
        }
    }
}

/// A running fault server; it stops with the test's runtime.
pub struct FaultServer {
    origin: String,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    streamed: Arc<AtomicUsize>,
}

impl FaultServer {
    /// Serves `script` on `127.0.0.1:0`.
    pub async fn start(script: Vec<Fault>) -> Self {
        assert!(!script.is_empty(), "a script needs at least one fault");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let origin = format!("http://{}", listener.local_addr().expect("local addr"));
        let requests = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let streamed = Arc::new(AtomicUsize::new(0));
        let (counter, accepted, sent) = (
            Arc::clone(&requests),
            Arc::clone(&connections),
            Arc::clone(&streamed),
        );
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepted.fetch_add(1, Ordering::SeqCst);
                let script = script.clone();
                let (counter, sent) = (Arc::clone(&counter), Arc::clone(&sent));
                tokio::spawn(async move {
                    let _ = serve_one(stream, &script, &counter, &sent).await;
                });
            }
        });
        Self {
            origin,
            requests,
            connections,
            streamed,
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Requests received so far (counted once the request was read).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Connections accepted so far, whether or not a request came on them.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Body bytes written by [`Fault::Endless`] and [`Fault::Declared`] answers so far.
    pub fn streamed(&self) -> usize {
        self.streamed.load(Ordering::SeqCst)
    }
}

/// The request id the server sends with its n-th answer (1-based).
pub fn request_id(n: usize) -> String {
    format!("req_01JDFAULT{n:016}")
}

async fn serve_one(
    mut stream: TcpStream,
    script: &[Fault],
    counter: &AtomicUsize,
    streamed: &AtomicUsize,
) -> std::io::Result<()> {
    if !read_request(&mut stream).await? {
        return Ok(()); // the client opened a connection and sent nothing
    }
    let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
    let fault = script
        .get(n - 1)
        .or(script.last())
        .cloned()
        .unwrap_or(Fault::Ok);
    let ok_body = r#"{"data":{"ok":true}}"#.to_owned();
    let (status, content_type, body, retry_after) = match fault {
        Fault::Ok => (200, "application/json", ok_body, None),
        Fault::Slow(wait) => {
            tokio::time::sleep(wait).await;
            (200, "application/json", ok_body, None)
        }
        Fault::Reset => {
            stream.set_zero_linger()?;
            return Ok(()); // dropped: RST, no answer
        }
        Fault::Endless => return endless(stream, n, None, streamed).await,
        Fault::Declared(length) => return endless(stream, n, Some(length), streamed).await,
        Fault::Raw {
            status,
            content_type,
            body,
        } => (status, content_type, body, None),
        Fault::Envelope {
            status,
            code,
            details_retry,
            header_retry,
        } => {
            let details = details_retry
                .map(|s| format!(r#","details":{{"retry_after_seconds":{s}}}"#))
                .unwrap_or_default();
            let body = format!(r#"{{"error":{{"code":"{code}","message":"scripted"{details}}}}}"#);
            (status, "application/json", body, header_retry)
        }
    };
    let retry_after = retry_after
        .map(|s| format!("retry-after: {s}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status} Scripted\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         peeker-request-id: {}\r\n{retry_after}connection: close\r\n\r\n",
        body.len(),
        request_id(n),
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// A 200 whose body goes on until the client hangs up: chunked, or with a `content-length` of
/// `declared` (then sent raw).
async fn endless(
    mut stream: TcpStream,
    n: usize,
    declared: Option<u64>,
    streamed: &AtomicUsize,
) -> std::io::Result<()> {
    let framing = match declared {
        Some(length) => format!("content-length: {length}"),
        None => "transfer-encoding: chunked".to_owned(),
    };
    let head = format!(
        "HTTP/1.1 200 Endless\r\ncontent-type: application/json\r\n{framing}\r\n\
         peeker-request-id: {}\r\nconnection: close\r\n\r\n",
        request_id(n),
    );
    stream.write_all(head.as_bytes()).await?;
    let mut chunk = vec![b' '; 64 * 1024];
    chunk[..8].copy_from_slice(b"{\"data\":");
    loop {
        if declared.is_none() {
            stream
                .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                .await?;
        }
        stream.write_all(&chunk).await?;
        if declared.is_none() {
            stream.write_all(b"\r\n").await?;
        }
        streamed.fetch_add(chunk.len(), Ordering::SeqCst);
        chunk[..8].fill(b' ');
    }
}

/// Reads one request (head and `content-length` body). `false` if the connection closed first.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<bool> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(false);
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(false);
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Ok(true)
}
