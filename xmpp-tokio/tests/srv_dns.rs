//! SRV look-ups through hickory-resolver against a tiny DNS responder on loopback (no
//! network DNS needed): both XMPP service names, merging, fallback and the `.` target.

use std::net::SocketAddr;

use tokio::net::UdpSocket;
use xmpp_tokio::srv::{self, Target};
use xmpp_tokio::{Error, Security};

/// (owner name, priority, weight, port, target) records the responder knows.
type Zone = Vec<(&'static str, u16, u16, u16, &'static str)>;

/// Answers SRV queries from `zone` (NXDOMAIN for other names) until the test ends.
async fn dns_server(zone: Zone) -> SocketAddr {
    let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = sock.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        loop {
            let Ok((n, peer)) = sock.recv_from(&mut buf).await else {
                return;
            };
            if let Some(reply) = answer(&buf[..n], &zone) {
                let _ = sock.send_to(&reply, peer).await;
            }
        }
    });
    addr
}

/// A DNS response (RFC 1035 §4.1) to `query` with the matching SRV records (RFC 2782).
fn answer(query: &[u8], zone: &Zone) -> Option<Vec<u8>> {
    if query.len() < 12 {
        return None;
    }
    // The question's name: labels up to the root label, then QTYPE and QCLASS.
    let mut i = 12;
    let mut labels = Vec::new();
    loop {
        let len = usize::from(*query.get(i)?);
        i += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(query.get(i..i + len)?).to_lowercase());
        i += len;
    }
    let question_end = i + 4;
    let qtype = u16::from_be_bytes([*query.get(i)?, *query.get(i + 1)?]);
    let name = labels.join(".");
    let records: Vec<_> = zone.iter().filter(|r| qtype == 33 && r.0 == name).collect();
    let mut out = Vec::new();
    out.extend_from_slice(&query[..2]); // id
    let rcode = if records.is_empty() { 3 } else { 0 }; // NXDOMAIN or NOERROR
    out.extend_from_slice(&[0x81, 0x80 | rcode]); // response, RD, RA
    out.extend_from_slice(&1u16.to_be_bytes()); // QDCOUNT
    out.extend_from_slice(&(records.len() as u16).to_be_bytes()); // ANCOUNT
    out.extend_from_slice(&[0, 0, 0, 0]); // NSCOUNT, ARCOUNT
    out.extend_from_slice(&query[12..question_end]);
    for (_, priority, weight, port, target) in records {
        let mut rdata = Vec::new();
        rdata.extend_from_slice(&priority.to_be_bytes());
        rdata.extend_from_slice(&weight.to_be_bytes());
        rdata.extend_from_slice(&port.to_be_bytes());
        for label in target.split('.').filter(|l| !l.is_empty()) {
            rdata.push(label.len() as u8);
            rdata.extend_from_slice(label.as_bytes());
        }
        rdata.push(0);
        out.extend_from_slice(&[0xc0, 0x0c]); // the question's name
        out.extend_from_slice(&33u16.to_be_bytes()); // SRV
        out.extend_from_slice(&1u16.to_be_bytes()); // IN
        out.extend_from_slice(&60u32.to_be_bytes()); // TTL
        out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        out.extend_from_slice(&rdata);
    }
    Some(out)
}

fn target(host: &str, port: u16, security: Security) -> Target {
    Target {
        host: host.into(),
        port,
        security,
    }
}

#[tokio::test]
async fn both_service_names_are_merged_by_priority() {
    let ns = dns_server(vec![
        (
            "_xmpps-client._tcp.example.test",
            5,
            0,
            5223,
            "tls.example.test",
        ),
        (
            "_xmpp-client._tcp.example.test",
            10,
            0,
            5222,
            "a.example.test",
        ),
        (
            "_xmpp-client._tcp.example.test",
            20,
            0,
            5222,
            "b.example.test",
        ),
    ])
    .await;
    let targets = srv::resolve("example.test", Some(&[ns])).await.unwrap();
    assert_eq!(
        targets,
        [
            target("tls.example.test", 5223, Security::DirectTls),
            target("a.example.test", 5222, Security::StartTls),
            target("b.example.test", 5222, Security::StartTls),
        ]
    );
}

#[tokio::test]
async fn no_records_fall_back_to_the_domain() {
    let ns = dns_server(Vec::new()).await;
    let targets = srv::resolve("nothing.test", Some(&[ns])).await.unwrap();
    assert_eq!(targets, [target("nothing.test", 5222, Security::StartTls)]);
}

#[tokio::test]
async fn dot_target_means_no_service() {
    let ns = dns_server(vec![("_xmpp-client._tcp.closed.test", 0, 0, 0, ".")]).await;
    let err = srv::resolve("closed.test", Some(&[ns])).await.unwrap_err();
    assert!(matches!(err, Error::ServiceUnavailable(d) if d == "closed.test"));
}

#[tokio::test]
async fn connect_follows_srv_to_a_loopback_port() {
    // The SRV record points at a closed loopback port: the attempt list shows the target
    // came from DNS (no fallback to the domain itself, which would not resolve).
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let zone: Zone = vec![("_xmpp-client._tcp.srv.test", 0, 0, port, "127.0.0.1")];
    let ns = dns_server(zone).await;
    let err = xmpp_tokio::ClientOptions::new("a@srv.test".parse().unwrap(), "x")
        .with_name_servers(vec![ns])
        .connect()
        .await
        .unwrap_err();
    match err {
        Error::Connect(attempts) => {
            assert_eq!(attempts.len(), 1, "{attempts:?}");
            assert!(attempts[0].target.starts_with(&format!("127.0.0.1:{port}")));
        }
        other => panic!("{other}"),
    }
}
