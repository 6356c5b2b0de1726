//! Our server role against clients: the `server` example's code (included below, run
//! in-process on 127.0.0.1 with a throw-away CA from rcgen).
//!
//! - `our_client_and_our_server`: our client adapter ↔ our server adapter, always run:
//!   SCRAM-SHA-256-PLUS over TLS 1.3, a message each way, clean close.
//! - `real_clients_against_our_server`: bob is online with our client; alice sends him a
//!   message with each real client (slixmpp from PyPI, go-sendxmpp and sendxmpp from
//!   Debian) over STARTTLS. The matrix (client, mechanism the server saw, transport,
//!   result) is printed and written to `target/tmp/interop/our-server.md`. A client that is
//!   not installed is skipped visibly with the reason; `XMPP_INTEROP=require` makes that a
//!   failure, `XMPP_INTEROP=off` skips everything (visibly). Install the clients with
//!   `interop/install-peers.sh` (Debian, root).

#[path = "../examples/server.rs"]
#[allow(dead_code)]
mod example;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use xmpp_core::sasl::{ChannelBindingPolicy, Mechanism};
use xmpp_core::stanza::{Message, MessageType, Presence};
use xmpp_core::tls::TlsVersion;
use xmpp_core::{CloseReason, Event};
use xmpp_tokio::{Client, ClientOptions, Security, TlsOptions};

const STEP: Duration = Duration::from_secs(30);

/// A throw-away CA and a leaf for `localhost` (and 127.0.0.1) in `dir`: `ca.pem`,
/// `localhost.crt`, `localhost.key`.
fn make_certs(dir: &Path) {
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "xmpp-tokio test CA");
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let mut leaf =
        rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    leaf.distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    std::fs::write(dir.join("localhost.crt"), leaf_cert.pem()).unwrap();
    std::fs::write(dir.join("localhost.key"), leaf_key.serialize_pem()).unwrap();
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("interop")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The example server on 127.0.0.1 (random port) with alice and bob; its log lines.
async fn start_server(dir: &Path) -> (u16, broadcast::Receiver<String>) {
    make_certs(dir);
    let args = example::parse_args(
        [
            "--cert",
            dir.join("localhost.crt").to_str().unwrap(),
            "--key",
            dir.join("localhost.key").to_str().unwrap(),
            "--user",
            "alice:alicepass",
            "--user",
            "bob:bobpass",
            "--listen",
            "127.0.0.1:0",
        ]
        .into_iter()
        .map(String::from),
    )
    .unwrap();
    let options = example::options(&args).unwrap();
    let server = example::Server::new(&args.domain, &args.users, args.iterations, false).unwrap();
    let log = server.subscribe();
    let listener = TcpListener::bind(args.listen).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(Arc::new(server).serve(listener, options));
    (port, log)
}

fn client(user: &str, port: u16, ca: &Path) -> ClientOptions {
    let tls = TlsOptions::empty().add_ca_pem_file(ca).unwrap();
    ClientOptions::new(
        format!("{user}@localhost").parse().unwrap(),
        format!("{user}pass"),
    )
    .with_server("127.0.0.1", port, Security::StartTls)
    .with_tls(tls)
}

/// Waits for a chat message with `body` (trailing whitespace ignored); its `from`.
async fn receive(client: &mut Client, body: &str) -> Result<String, String> {
    let wait = async {
        while let Some(ev) = client.next_event().await {
            if let Event::Stanza(el) = ev
                && let Some(msg) = Message::from_element(el.root())
                && msg.body().is_some_and(|b| b.trim_end() == body)
            {
                return Ok(msg.from().map(|f| f.into_owned()).unwrap_or_default());
            }
        }
        Err("the receiver's stream ended".to_owned())
    };
    tokio::time::timeout(STEP, wait)
        .await
        .unwrap_or_else(|_| Err(format!("{body:?} not received within {STEP:?}")))
}

fn chat(to: &str, body: &str) -> xmpp_core::xml::XmlElement {
    Message::builder()
        .with_type(MessageType::Chat)
        .with_to(to)
        .with_body(body)
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_and_our_server() {
    let dir = scratch("our-server-pair");
    let (port, _log) = start_server(&dir).await;
    let ca = dir.join("ca.pem");
    let plus = |user: &str| {
        client(user, port, &ca)
            .with_tls(
                TlsOptions::empty()
                    .add_ca_pem_file(&ca)
                    .unwrap()
                    .with_versions(&[&xmpp_tokio::rustls::version::TLS13]),
            )
            .map_config(|c| {
                c.with_mechanisms([Mechanism::ScramSha256Plus])
                    .with_channel_binding(ChannelBindingPolicy::Required)
            })
    };
    let mut alice = plus("alice").connect().await.expect("alice online");
    let mut bob = plus("bob").connect().await.expect("bob online");
    for c in [&alice, &bob] {
        assert_eq!(c.mechanism(), Some(Mechanism::ScramSha256Plus));
        assert_eq!(c.tls_info().unwrap().version, TlsVersion::Tls13);
        assert_eq!(c.jid().domain(), "localhost");
    }
    // Available presence: bare-JID messages go to available resources only.
    bob.send(Presence::builder().build()).await.unwrap();
    alice.send(Presence::builder().build()).await.unwrap();
    // The server echoes presence to the sender (RFC 6121 §4.2.2): a sync point.
    for c in [&mut alice, &mut bob] {
        let me = c.jid().clone();
        let wait = async {
            while let Some(ev) = c.next_event().await {
                if let Event::Stanza(el) = ev
                    && el.name() == "presence"
                    && el.attr("from").as_deref() == Some(me.as_str())
                {
                    return;
                }
            }
        };
        tokio::time::timeout(STEP, wait)
            .await
            .expect("presence echo");
    }
    alice.send(chat("bob@localhost", "hi bob")).await.unwrap();
    let from = receive(&mut bob, "hi bob").await.unwrap();
    assert_eq!(from, alice.jid().as_str());
    bob.send(chat(alice.jid().as_str(), "hi alice"))
        .await
        .unwrap();
    let from = receive(&mut alice, "hi alice").await.unwrap();
    assert_eq!(from, bob.jid().as_str());
    // Unknown recipient: service-unavailable back to the sender.
    alice
        .send(chat("nobody@localhost", "anyone?"))
        .await
        .unwrap();
    let bounced = tokio::time::timeout(STEP, async {
        while let Some(ev) = alice.next_event().await {
            if let Event::Stanza(el) = ev
                && el.attr("type").as_deref() == Some("error")
            {
                return el.as_str().to_owned();
            }
        }
        String::new()
    })
    .await
    .unwrap();
    assert!(bounced.contains("service-unavailable"), "{bounced}");
    assert_eq!(alice.close().await.unwrap(), CloseReason::Local);
    assert_eq!(bob.close().await.unwrap(), CloseReason::Local);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Auto,
    Require,
    Off,
}

fn mode() -> Mode {
    match std::env::var("XMPP_INTEROP").as_deref() {
        Ok("require") => Mode::Require,
        Ok("off" | "0" | "skip") => Mode::Off,
        _ => Mode::Auto,
    }
}

fn on_path(bin: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|p| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(p.join(bin))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Why a client cannot run here.
fn missing(case: &Case) -> Option<String> {
    let hint = "run interop/install-peers.sh as root (Debian)";
    match case.client {
        Peer::Slixmpp => {
            if !on_path("python3") {
                return Some(format!("python3 is not installed ({hint})"));
            }
            let ok = std::process::Command::new("python3")
                .args(["-c", "import slixmpp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            (!ok).then(|| format!("the python3 on PATH has no slixmpp module ({hint})"))
        }
        Peer::GoSendxmpp => {
            (!on_path("go-sendxmpp")).then(|| format!("go-sendxmpp is not installed ({hint})"))
        }
        Peer::Sendxmpp => {
            (!on_path("sendxmpp")).then(|| format!("sendxmpp is not installed ({hint})"))
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Peer {
    Slixmpp,
    GoSendxmpp,
    Sendxmpp,
}

struct Case {
    name: &'static str,
    client: Peer,
    transport: &'static str,
    /// slixmpp's `--tls` mode.
    slix_tls: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "slixmpp",
        client: Peer::Slixmpp,
        transport: "STARTTLS (direct-TLS attempt disabled)",
        slix_tls: "starttls",
    },
    Case {
        name: "slixmpp, its default connect",
        client: Peer::Slixmpp,
        transport: "direct-TLS ClientHello on the STARTTLS port, then STARTTLS",
        slix_tls: "starttls-after-direct",
    },
    Case {
        name: "go-sendxmpp",
        client: Peer::GoSendxmpp,
        transport: "STARTTLS",
        slix_tls: "",
    },
    Case {
        name: "sendxmpp",
        client: Peer::Sendxmpp,
        transport: "STARTTLS",
        slix_tls: "",
    },
];

fn version(case: &Case) -> String {
    let out = match case.client {
        Peer::Slixmpp => std::process::Command::new("python3")
            .args(["-c", "import slixmpp; print(slixmpp.__version__)"])
            .output(),
        Peer::GoSendxmpp => std::process::Command::new("dpkg-query")
            .args(["-W", "-f=${Version}", "go-sendxmpp"])
            .output(),
        Peer::Sendxmpp => std::process::Command::new("dpkg-query")
            .args(["-W", "-f=${Version}", "sendxmpp"])
            .output(),
    };
    out.ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "?".to_owned())
}

/// Runs the client as alice: one message to bob@localhost.
async fn run_client(case: &Case, port: u16, ca: &Path, body: &str) -> Result<(), String> {
    let addr = format!("127.0.0.1:{port}");
    let interop = Path::new(env!("CARGO_MANIFEST_DIR")).join("../interop");
    let mut cmd = match case.client {
        Peer::Slixmpp => {
            let mut c = tokio::process::Command::new("python3");
            c.arg(interop.join("slixmpp_send.py"))
                .args(["--jid", "alice@localhost", "--password", "alicepass"])
                .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .args(["--tls", case.slix_tls, "--timeout", "20"])
                .arg("--cafile")
                .arg(ca)
                .args(["--to", "bob@localhost", "--body", body]);
            c
        }
        Peer::GoSendxmpp => {
            let mut c = tokio::process::Command::new("go-sendxmpp");
            c.env("SSL_CERT_FILE", ca)
                .args(["-u", "alice@localhost", "-p", "alicepass", "-j", &addr])
                .arg("bob@localhost");
            c
        }
        Peer::Sendxmpp => {
            let mut c = tokio::process::Command::new("sendxmpp");
            c.args(["-t", "-u", "alice", "-p", "alicepass", "-j", &addr])
                .args(["-o", "localhost", "-a"])
                .arg(ca)
                .args(["--message-type", "chat", "bob@localhost"]);
            c
        }
    };
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| format!("spawn: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // go-sendxmpp and sendxmpp read the body from stdin.
        if case.client != Peer::Slixmpp {
            let _ = stdin.write_all(body.as_bytes()).await;
        }
    }
    let out = tokio::time::timeout(Duration::from_secs(40), child.wait_with_output())
        .await
        .map_err(|_| "the client did not finish within 40 s".to_owned())?
        .map_err(|e| format!("wait: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let mut why = format!("exit {}", out.status);
        for line in String::from_utf8_lossy(&out.stderr)
            .lines()
            .chain(String::from_utf8_lossy(&out.stdout).lines())
            .filter(|l| !l.contains("uninitialized"))
            .take(3)
        {
            let _ = write!(why, "; {line}");
        }
        Err(why)
    }
}

/// The server's log lines so far.
fn drain(log: &mut broadcast::Receiver<String>) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        match log.try_recv() {
            Ok(l) => lines.push(l),
            Err(broadcast::error::TryRecvError::Lagged(_)) => {}
            Err(_) => return lines,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_clients_against_our_server() {
    let mut md = String::from(
        "## real clients → our `server` example\n\n\
         | client | mechanism (server's view) | transport | result |\n|---|---|---|---|\n",
    );
    let mut skipped = Vec::new();
    let mut failed = 0;
    let mut runnable = Vec::new();
    for case in CASES {
        let why = match mode() {
            Mode::Off => Some("XMPP_INTEROP=off".to_owned()),
            _ => missing(case),
        };
        match why {
            Some(why) => skipped.push(format!("SKIPPED our-server: {}: {why}", case.name)),
            None => runnable.push(case),
        }
    }
    if !runnable.is_empty() {
        let dir = scratch("our-server");
        let (port, mut log) = start_server(&dir).await;
        let ca = dir.join("ca.pem");
        let mut bob = client("bob", port, &ca)
            .connect()
            .await
            .expect("bob online");
        bob.send(Presence::builder().build()).await.unwrap();
        let me = bob.jid().clone();
        tokio::time::timeout(STEP, async {
            while let Some(ev) = bob.next_event().await {
                if let Event::Stanza(el) = ev
                    && el.name() == "presence"
                    && el.attr("from").as_deref() == Some(me.as_str())
                {
                    return;
                }
            }
        })
        .await
        .expect("bob's presence echo");
        for case in runnable {
            drain(&mut log);
            let body = format!("via {} ({})", case.name, std::process::id());
            let result = match run_client(case, port, &ca, &body).await {
                Ok(()) => receive(&mut bob, &body)
                    .await
                    .map(|from| format!("bob (our client) received {body:?} from {from}")),
                Err(e) => Err(e),
            };
            let lines = drain(&mut log);
            let login = lines
                .iter()
                .find(|l| l.starts_with("LOGIN alice@localhost/"));
            let mechanism = login
                .and_then(|l| l.split(" mechanism=").nth(1))
                .and_then(|m| m.split(' ').next())
                .unwrap_or("-");
            let tls = login
                .and_then(|l| l.split(" tls=").nth(1))
                .and_then(|m| m.split(' ').next())
                .unwrap_or("-");
            let refused: Vec<&String> = lines.iter().filter(|l| l.starts_with("REFUSED")).collect();
            let mut transport = format!("{}, {tls}", case.transport);
            for r in &refused {
                let _ = write!(transport, "; server: {r}");
            }
            let result = match result {
                Ok(s) => format!("PASS: {s}"),
                Err(e) => {
                    failed += 1;
                    format!("FAIL: {e}")
                }
            };
            let _ = writeln!(
                md,
                "| {} ({}) | {mechanism} | {transport} | {result} |",
                case.name,
                version(case)
            );
        }
        assert_eq!(bob.close().await.unwrap(), CloseReason::Local);
    }
    for s in &skipped {
        let _ = write!(md, "\n{s}\n");
    }
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop/our-server.md");
    let _ = std::fs::create_dir_all(path.parent().unwrap());
    let _ = std::fs::write(&path, &md);
    let _ = writeln!(
        std::io::stderr().lock(),
        "\n{md}\n(summary written to {})",
        path.display()
    );
    assert_eq!(
        failed, 0,
        "{failed} real-client check(s) against our server failed"
    );
    if mode() == Mode::Require && !skipped.is_empty() {
        panic!(
            "XMPP_INTEROP=require but {} real-client check(s) were skipped",
            skipped.len()
        );
    }
}
