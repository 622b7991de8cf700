//! A minimal HTTP/1.1 client over one keep-alive TCP connection: enough to read the emulator's
//! counters and to generate load without pulling an HTTP stack into the measurement.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One keep-alive connection to `host:port`.
pub(crate) struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
}

/// Host and port of an `http://host:port` URL.
pub(crate) fn host_port(url: &str) -> Result<String, String> {
    url.strip_prefix("http://")
        .map(|rest| rest.trim_end_matches('/').to_string())
        .ok_or_else(|| format!("not a plain http URL: {url}"))
}

impl Connection {
    /// Connects to the `http://host:port` base URL.
    pub(crate) fn open(url: &str) -> Result<Connection, String> {
        let host = host_port(url)?;
        let stream = TcpStream::connect(&host).map_err(|e| format!("connect {host}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(|e| e.to_string())?;
        let writer = stream.try_clone().map_err(|e| e.to_string())?;
        Ok(Connection {
            reader: BufReader::new(stream),
            writer,
            host,
        })
    }

    /// Sends one request without a body and returns `(status, body)`.
    pub(crate) fn request(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
    ) -> Result<(u16, Vec<u8>), String> {
        self.request_with(method, path, token, "", b"")
    }

    /// Sends one request with extra header lines (each ending in `\r\n`) and a JSON body.
    pub(crate) fn request_with(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        headers: &str,
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), String> {
        let mut message = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.host,
            body.len()
        )
        .into_bytes();
        message.extend_from_slice(body);
        self.writer
            .write_all(&message)
            .map_err(|e| format!("send {method} {path}: {e}"))?;
        self.read_response()
    }

    fn read_response(&mut self) -> Result<(u16, Vec<u8>), String> {
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {line:?}"))?;
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().map_err(|_| "bad content-length")?;
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    return Err("chunked responses are not supported".into());
                }
            }
        }
        let mut body = vec![0; length];
        self.reader
            .read_exact(&mut body)
            .map_err(|e| e.to_string())?;
        Ok((status, body))
    }
}

/// One request on a fresh connection, for occasional control calls.
pub(crate) fn once(
    url: &str,
    method: &str,
    path: &str,
    token: &str,
) -> Result<(u16, Vec<u8>), String> {
    Connection::open(url)?.request(method, path, token)
}
