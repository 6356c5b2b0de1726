//! Logs in and echoes every chat message back to its sender.
//!
//! ```sh
//! cargo run -p xmpp-tokio --example echo_bot -- --jid bot@localhost --password botpass \
//!     [--host 127.0.0.1 --port 5222 [--direct-tls]] [--ca ca.pem] [--count N]
//! ```
//!
//! Without `--host` the server is found with DNS SRV (and the domain on port 5222 as the
//! fallback). `--ca FILE` trusts only that CA (for a test server); without it Mozilla's
//! roots are used. `--count N` exits after N echoes; otherwise it runs until Ctrl-C.

use std::process::ExitCode;

use xmpp_core::Event;
use xmpp_core::stanza::{Message, MessageType, Presence};
use xmpp_tokio::{ClientOptions, DisplayReason, Security, TlsOptions};

struct Args {
    jid: String,
    password: String,
    host: Option<String>,
    port: Option<u16>,
    direct_tls: bool,
    ca: Option<String>,
    count: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        jid: String::new(),
        password: String::new(),
        host: None,
        port: None,
        direct_tls: false,
        ca: None,
        count: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--jid" => args.jid = value()?,
            "--password" => args.password = value()?,
            "--host" => args.host = Some(value()?),
            "--port" => args.port = Some(value()?.parse().map_err(|e| format!("--port: {e}"))?),
            "--direct-tls" => args.direct_tls = true,
            "--ca" => args.ca = Some(value()?),
            "--count" => args.count = Some(value()?.parse().map_err(|e| format!("--count: {e}"))?),
            "-h" | "--help" => {
                return Err(
                    "usage: echo_bot --jid JID --password PASS [--host H] [--port P] \
                            [--direct-tls] [--ca CA.pem] [--count N]"
                        .into(),
                );
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.jid.is_empty() || args.password.is_empty() {
        return Err("--jid and --password are required (see --help)".into());
    }
    Ok(args)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("echo_bot: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let jid = args.jid.parse().map_err(|e| format!("--jid: {e}"))?;
    let mut options = ClientOptions::new(jid, args.password);
    if let Some(host) = args.host {
        let security = if args.direct_tls {
            Security::DirectTls
        } else {
            Security::StartTls
        };
        let port = args
            .port
            .unwrap_or(if args.direct_tls { 5223 } else { 5222 });
        options = options.with_server(host, port, security);
    }
    if let Some(ca) = args.ca {
        options = options.with_tls(TlsOptions::empty().add_ca_pem_file(ca)?);
    }
    let mut client = options.connect().await?;
    let tls = client.tls_info().map(|t| format!("{:?}", t.version));
    println!(
        "ONLINE {} mechanism={:?} tls={}",
        client.jid(),
        client.mechanism(),
        tls.as_deref().unwrap_or("none")
    );
    // Initial presence, so the server routes messages to this resource (RFC 6121 §4.2).
    client.send(Presence::builder().build()).await?;

    let mut echoed = 0u64;
    loop {
        let event = tokio::select! {
            e = client.next_event() => e,
            _ = tokio::signal::ctrl_c() => break,
        };
        match event {
            Some(Event::Stanza(stanza)) => {
                let Some(msg) = Message::from_element(stanza.root()) else {
                    continue;
                };
                let (Some(body), Some(from)) = (msg.body(), msg.from()) else {
                    continue;
                };
                if !matches!(msg.type_(), MessageType::Chat | MessageType::Normal) {
                    continue;
                }
                println!("ECHO to={from} body={body}");
                let reply = Message::builder()
                    .with_type(MessageType::Chat)
                    .with_to(from.into_owned())
                    .with_body(body.into_owned())
                    .build();
                client.send(reply).await?;
                echoed += 1;
                if args.count.is_some_and(|n| echoed >= n) {
                    break;
                }
            }
            Some(Event::Closed(reason)) => {
                return Err(format!("connection ended: {}", DisplayReason(&reason)).into());
            }
            Some(_) => {}
            None => return Err("connection ended".into()),
        }
    }
    let reason = client.close().await?;
    println!("CLOSED {}", DisplayReason(&reason));
    Ok(())
}
