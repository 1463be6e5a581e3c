//! One small fault-injecting HTTP proxy for every real part the tests start: the
//! Moveo stand-in, moto (S3, SES, SQS) and the webhook receivers. Rules pick
//! requests by their head (method, path, headers) and do one of the faults below
//! to them; everything else passes through untouched.
//!
//! Every request gets its own upstream connection (`Connection: close`), so each
//! one meets the rules, whatever the client pools.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// What the proxy does to a request a rule picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Waits this long, then passes the request on.
    Latency(Duration),
    /// Reads the request and answers with a TCP reset; the upstream never sees it.
    Reset,
    /// Answers this status without passing the request on (`Retry-After: 1` on a 429).
    Status(u16),
    /// Passes the request on and returns the first half of the answer's bytes, then hangs up:
    /// the upstream acted, the client reads a cut answer.
    HalfAnswer,
    /// Passes the request on and hangs up before any answer: the upstream acted, the
    /// client never learns it.
    LoseAnswer,
    /// Reads the request and answers nothing until the proxy is healed; the upstream never
    /// sees it. Also the way a test stops a process at a chosen point, to kill it there.
    Hang,
}

impl Fault {
    /// Every fault a step is tested with.
    pub const MATRIX: [Fault; 6] = [
        Fault::Latency(Duration::from_millis(500)),
        Fault::Reset,
        Fault::Status(503),
        Fault::Status(429),
        Fault::HalfAnswer,
        Fault::Hang,
    ];
}

/// A request's head, as rules see it.
#[derive(Debug, Clone)]
pub struct Head {
    pub method: String,
    /// The path and query, as sent.
    pub path: String,
    headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn parse(raw: &str) -> Option<Head> {
        let mut lines = raw.split("\r\n");
        let mut first = lines.next()?.split(' ');
        let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Some(Head { method, path, headers })
    }

    fn content_length(&self) -> usize {
        self.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0)
    }
}

type Matcher = Box<dyn Fn(&Head) -> bool + Send + Sync>;

struct Rule {
    when: Matcher,
    fault: Fault,
    /// How many more requests it takes; `None` until healed.
    left: Option<usize>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    /// Requests a rule picked, in order.
    hits: Vec<(String, String, Fault)>,
    /// Bumped by `heal`: hung requests of an earlier generation are let go.
    generation: u64,
}

/// The proxy, on a free loopback port, in front of `127.0.0.1:{upstream}`.
pub struct Chaos {
    pub port: u16,
    state: Arc<(Mutex<State>, Condvar)>,
}

impl Chaos {
    pub fn start(upstream: u16) -> Chaos {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state: Arc<(Mutex<State>, Condvar)> = Arc::default();
        let shared = state.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || serve(client, upstream, &state));
            }
        });
        Chaos { port, state }
    }

    /// `http://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Does `fault` to every request `when` picks, until healed.
    pub fn inject(&self, when: impl Fn(&Head) -> bool + Send + Sync + 'static, fault: Fault) {
        self.add(Rule { when: Box::new(when), fault, left: None });
    }

    /// Does `fault` to the next `n` requests `when` picks.
    pub fn inject_times(&self, n: usize, when: impl Fn(&Head) -> bool + Send + Sync + 'static, fault: Fault) {
        self.add(Rule { when: Box::new(when), fault, left: Some(n) });
    }

    fn add(&self, rule: Rule) {
        self.state.0.lock().unwrap().rules.push(rule);
    }

    /// Drops every rule and lets hung requests go (their connections are closed).
    pub fn heal(&self) {
        let mut state = self.state.0.lock().unwrap();
        state.rules.clear();
        state.generation += 1;
        self.state.1.notify_all();
    }

    /// How many requests rules picked so far.
    pub fn hits(&self) -> usize {
        self.state.0.lock().unwrap().hits.len()
    }

    /// Waits until rules picked `n` requests; false if that took longer than `limit`.
    pub fn wait_for_hits(&self, n: usize, limit: Duration) -> bool {
        let state = self.state.0.lock().unwrap();
        let (state, _) = self.state.1.wait_timeout_while(state, limit, |s| s.hits.len() < n).unwrap();
        state.hits.len() >= n
    }

    /// The picked requests as "METHOD path", for messages.
    pub fn picked(&self) -> Vec<String> {
        self.state.0.lock().unwrap().hits.iter().map(|(m, p, f)| format!("{m} {p} ({f:?})")).collect()
    }
}

impl Drop for Chaos {
    fn drop(&mut self) {
        self.heal();
    }
}

/// The fault for `head`, if a rule picks it, counted as a hit.
fn pick(head: &Head, state: &(Mutex<State>, Condvar)) -> Option<(Fault, u64)> {
    let mut s = state.0.lock().unwrap();
    let i = s.rules.iter().position(|r| r.left != Some(0) && (r.when)(head))?;
    let rule = &mut s.rules[i];
    if let Some(left) = rule.left.as_mut() {
        *left -= 1;
    }
    let fault = rule.fault;
    s.hits.push((head.method.clone(), head.path.clone(), fault));
    state.1.notify_all();
    Some((fault, s.generation))
}

fn serve(mut client: TcpStream, upstream: u16, state: &(Mutex<State>, Condvar)) {
    let Some(raw_head) = read_head(&mut client) else { return };
    let Some(head) = Head::parse(&raw_head) else { return };
    let picked = pick(&head, state);
    match picked {
        Some((Fault::Reset, _)) => {
            // A zero linger makes close() send RST instead of FIN.
            let _ = socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO));
            return;
        }
        Some((Fault::Status(status), _)) => {
            let retry_after = if status == 429 { "Retry-After: 1\r\n" } else { "" };
            let _ = client.write_all(
                format!(
                    "HTTP/1.1 {status} Injected\r\n{retry_after}Content-Type: text/plain\r\nContent-Length: 0\r\n\
                     Connection: close\r\n\r\n"
                )
                .as_bytes(),
            );
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
        Some((Fault::Hang, generation)) => {
            let s = state.0.lock().unwrap();
            let _unused = state.1.wait_while(s, |s| s.generation == generation).unwrap();
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
        Some((Fault::Latency(pause), _)) => std::thread::sleep(pause),
        _ => {}
    }
    let Ok(mut server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let _ = server.write_all(with_connection_close(&raw_head).as_bytes());
    // The body: by its length, or (chunked, or unknown) whatever the client sends until it waits.
    let mut to_server = client.try_clone().unwrap();
    let mut upstream_in = server.try_clone().unwrap();
    let length = head.content_length();
    let chunked = head.header("transfer-encoding").is_some_and(|v| v.contains("chunked"));
    std::thread::spawn(move || {
        if chunked {
            let _ = std::io::copy(&mut to_server, &mut upstream_in);
        } else {
            let _ = std::io::copy(&mut (&mut to_server).take(length as u64), &mut upstream_in);
        }
    });
    match picked.map(|(f, _)| f) {
        Some(Fault::LoseAnswer) => {
            // Wait for the upstream to act (its first byte of answer), then hang up on the client.
            let mut byte = [0u8; 1];
            let _ = server.read(&mut byte);
            let _ = client.shutdown(Shutdown::Both);
        }
        Some(Fault::HalfAnswer) => {
            let mut answer = Vec::new();
            let _ = server.read_to_end(&mut answer);
            let _ = client.write_all(&answer[..answer.len() / 2]);
            let _ = client.shutdown(Shutdown::Both);
        }
        _ => {
            let _ = std::io::copy(&mut server, &mut client);
            let _ = client.shutdown(Shutdown::Both);
        }
    }
}

fn read_head(client: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    String::from_utf8(head).ok()
}

fn with_connection_close(head: &str) -> String {
    let mut out = String::with_capacity(head.len() + 20);
    for (i, line) in head.split("\r\n").enumerate() {
        if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
        if i == 0 {
            out.push_str("Connection: close\r\n");
        }
    }
    // `split` gave two empty lines at the end; one blank line ends the head.
    out.truncate(out.trim_end_matches("\r\n").len());
    out.push_str("\r\n\r\n");
    out
}

#[test]
fn a_head_gets_connection_close_once_and_keeps_its_end() {
    let head = "PUT /b/k HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\n";
    assert_eq!(
        with_connection_close(head),
        "PUT /b/k HTTP/1.1\r\nConnection: close\r\nHost: x\r\nContent-Length: 3\r\n\r\n"
    );
}
