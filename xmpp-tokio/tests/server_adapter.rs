//! The server adapter's questions in virtual time: a slow `Authenticator` does not stall
//! the loop, and the negotiation deadline still applies while an answer is pending.

use std::sync::Arc;
use std::time::Duration;

use xmpp_core::connection::{TimeoutKind, Timeouts};
use xmpp_core::sasl::{Mechanism, SaslCondition};
use xmpp_core::{AuthAnswer, AuthRequest, CloseReason, Event, TlsPolicy};
use xmpp_tokio::server::{Authenticator, BoxFuture, ServerOptions};
use xmpp_tokio::{ClientOptions, Error, Security};

/// Accepts alice/secret over PLAIN after `delay` of (virtual) thinking.
struct Slow {
    delay: Duration,
}

impl Authenticator for Slow {
    fn authenticate(&self, request: AuthRequest) -> BoxFuture<AuthAnswer> {
        let delay = self.delay;
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            match request {
                AuthRequest::Plain { username, password }
                    if username == "alice" && password == "secret" =>
                {
                    AuthAnswer::Accept { username: None }
                }
                _ => AuthAnswer::Reject(SaslCondition::NotAuthorized),
            }
        })
    }
}

fn client() -> ClientOptions {
    ClientOptions::new("alice@localhost".parse().unwrap(), "secret").map_config(|c| {
        c.with_tls_policy(TlsPolicy::Disabled)
            .with_plain_without_tls(true)
            .with_mechanisms(vec![Mechanism::Plain])
    })
}

#[tokio::test(start_paused = true)]
async fn a_slow_answer_does_not_block_the_loop() {
    let (ours, theirs) = tokio::io::duplex(4096);
    let auth: Arc<dyn Authenticator> = Arc::new(Slow {
        delay: Duration::from_secs(20),
    });
    let server = tokio::spawn(async move {
        let mut conn = ServerOptions::insecure("localhost")
            .accept(theirs, auth)
            .await
            .unwrap();
        let jid = conn.jid().clone();
        // Wait for the client's message.
        while let Some(ev) = conn.next_event().await {
            if let Event::Stanza(el) = ev {
                return (jid, el.as_str().to_owned());
            }
        }
        panic!("no stanza");
    });
    let start = tokio::time::Instant::now();
    let client = client()
        .connect_over(ours, Security::StartTls)
        .await
        .unwrap();
    let took = start.elapsed();
    assert!(
        (Duration::from_secs(20)..Duration::from_secs(21)).contains(&took),
        "{took:?}"
    );
    let msg = xmpp_core::stanza::Message::builder()
        .with_to("bob@localhost")
        .with_body("hi")
        .build();
    client.handle().send(msg).await.unwrap();
    let (jid, stanza) = server.await.unwrap();
    assert_eq!(jid.bare().as_str(), "alice@localhost");
    assert!(stanza.contains(&format!("from='{jid}'")), "{stanza}");
}

#[tokio::test(start_paused = true)]
async fn the_negotiation_deadline_applies_while_an_answer_is_pending() {
    let (ours, theirs) = tokio::io::duplex(4096);
    let auth: Arc<dyn Authenticator> = Arc::new(Slow {
        delay: Duration::from_secs(3600),
    });
    let server = tokio::spawn(async move {
        let options = ServerOptions::insecure("localhost").map_config(|c| {
            let mut t = Timeouts::default();
            t.negotiation = Some(Duration::from_secs(30));
            c.with_timeouts(t)
        });
        let start = tokio::time::Instant::now();
        let result = options.accept(theirs, auth).await;
        (result.err(), start.elapsed())
    });
    let client = client().connect_over(ours, Security::StartTls).await;
    let (err, took) = server.await.unwrap();
    assert!(
        (Duration::from_secs(30)..Duration::from_secs(31)).contains(&took),
        "{took:?}"
    );
    match err {
        Some(Error::Closed(reason)) => {
            assert_eq!(*reason, CloseReason::Timeout(TimeoutKind::Negotiation))
        }
        other => panic!("{other:?}"),
    }
    // The client saw the server's stream error.
    match client {
        Err(e) => assert!(e.to_string().contains("connection-timeout"), "{e}"),
        Ok(_) => panic!("the client went online"),
    }
}
