//! Where to connect: DNS SRV (RFC 6120 §3.2, XEP-0368) and RFC 2782 ordering.
//!
//! A client looks up `_xmpps-client._tcp.DOMAIN` (direct TLS, XEP-0368) and
//! `_xmpp-client._tcp.DOMAIN` (STARTTLS), merges both answers, orders them by priority and,
//! within a priority, by a weighted random draw ([`order_records`], RFC 2782), and tries
//! each target in turn. When neither name has records it falls back to `DOMAIN:5222` with
//! STARTTLS (RFC 6120 §3.2.2). A lone record with target `.` means "no service here"
//! (RFC 2782), and no fallback happens.
//!
//! The ordering is a pure function of the records and a random source, so it is tested
//! with a seeded generator; the resolver itself is only used when the application gives no
//! explicit host.

use hickory_resolver::Resolver;
use hickory_resolver::name_server::TokioConnectionProvider;

/// Default STARTTLS client port (RFC 6120 §3.2.2).
pub const DEFAULT_CLIENT_PORT: u16 = 5222;

/// How the TLS session of a target starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Security {
    /// Plain TCP first, then STARTTLS negotiated on the XMPP stream (RFC 6120 §5); what
    /// `_xmpp-client._tcp` records and the port-5222 fallback mean.
    StartTls,
    /// TLS from the first byte with ALPN `xmpp-client` (XEP-0368); what
    /// `_xmpps-client._tcp` records mean.
    DirectTls,
}

/// One DNS SRV record (RFC 2782), as far as XMPP uses it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SrvRecord {
    /// Lower is tried first.
    pub priority: u16,
    /// Relative share among records of the same priority.
    pub weight: u16,
    /// TCP port.
    pub port: u16,
    /// Host name to connect to (without the trailing dot); `.` alone means "no service".
    pub target: String,
    /// Which service name the record came from.
    pub security: Security,
}

/// A host and port to try, in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// Host name or IP address literal.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Direct TLS or STARTTLS.
    pub security: Security,
}

/// Orders SRV records as RFC 2782 prescribes: ascending priority; within one priority,
/// repeatedly draw a record with probability proportional to its weight (zero-weight records
/// keep a small chance: they are placed first and selected when the draw is 0).
/// The draw is in `0..=sum` as RFC 2782 writes it, so record *i* of a group (in
/// answer order, zero weights first) is picked with probability
/// `(weight_i + [i is first]) / (sum + 1)`.
///
/// `uniform(max)` must return a uniformly distributed number in `0..=max`. Records with
/// target `.` are dropped.
pub fn order_records(
    mut records: Vec<SrvRecord>,
    uniform: &mut impl FnMut(u32) -> u32,
) -> Vec<SrvRecord> {
    records.retain(|r| !is_dot(&r.target));
    // Stable: records of equal priority keep their answer order, and zero weights go
    // first within a priority, as RFC 2782's selection algorithm requires.
    records.sort_by_key(|r| (r.priority, r.weight != 0));
    let mut out = Vec::with_capacity(records.len());
    let mut rest = records.as_slice();
    while let Some(first) = rest.first() {
        let n = rest
            .iter()
            .take_while(|r| r.priority == first.priority)
            .count();
        let (group, tail) = rest.split_at(n);
        let mut group: Vec<&SrvRecord> = group.iter().collect();
        while !group.is_empty() {
            let total: u32 = group.iter().map(|r| u32::from(r.weight)).sum();
            let draw = uniform(total).min(total);
            let mut running = 0u32;
            let pick = group
                .iter()
                .position(|r| {
                    running += u32::from(r.weight);
                    running >= draw
                })
                .unwrap_or(group.len() - 1);
            out.push(group.remove(pick).clone());
        }
        rest = tail;
    }
    out
}

/// The targets for `domain` from the records of both SRV names: the RFC 2782 order of
/// the merged records, or `domain:5222` (STARTTLS) when there are none. `Err` when the
/// records exist but all say "no service" (target `.`).
pub fn targets_from_records(
    domain: &str,
    records: Vec<SrvRecord>,
    uniform: &mut impl FnMut(u32) -> u32,
) -> Result<Vec<Target>, crate::Error> {
    if records.is_empty() {
        return Ok(vec![Target {
            host: domain.to_owned(),
            port: DEFAULT_CLIENT_PORT,
            security: Security::StartTls,
        }]);
    }
    let ordered = order_records(records, uniform);
    if ordered.is_empty() {
        return Err(crate::Error::ServiceUnavailable(domain.to_owned()));
    }
    Ok(ordered
        .into_iter()
        .map(|r| Target {
            host: r.target,
            port: r.port,
            security: r.security,
        })
        .collect())
}

fn is_dot(target: &str) -> bool {
    target.is_empty() || target == "."
}

/// Looks up both SRV names for `domain` with the system's resolver configuration (or the
/// name servers given) and returns the ordered targets (see [`targets_from_records`]).
/// A failed or empty look-up counts as "no records" (fallback to port 5222).
pub async fn resolve(
    domain: &str,
    name_servers: Option<&[std::net::SocketAddr]>,
) -> Result<Vec<Target>, crate::Error> {
    let resolver = build_resolver(name_servers)?;
    let mut records = Vec::new();
    for (prefix, security) in [
        ("_xmpps-client._tcp.", Security::DirectTls),
        ("_xmpp-client._tcp.", Security::StartTls),
    ] {
        let name = format!("{prefix}{domain}.");
        if let Ok(answer) = resolver.srv_lookup(name).await {
            for srv in answer.iter() {
                let target = srv.target().to_utf8();
                records.push(SrvRecord {
                    priority: srv.priority(),
                    weight: srv.weight(),
                    port: srv.port(),
                    target: target.trim_end_matches('.').to_owned(),
                    security,
                });
            }
        }
    }
    let mut rng = SplitMix::from_os();
    targets_from_records(domain, records, &mut |max| rng.uniform(max))
}

fn build_resolver(
    name_servers: Option<&[std::net::SocketAddr]>,
) -> Result<Resolver<TokioConnectionProvider>, crate::Error> {
    use hickory_resolver::config::{NameServerConfigGroup, ResolverConfig};
    match name_servers {
        Some(addrs) => {
            let ips: Vec<std::net::IpAddr> = addrs.iter().map(|a| a.ip()).collect();
            let port = addrs.first().map_or(53, |a| a.port());
            let group = NameServerConfigGroup::from_ips_clear(&ips, port, true);
            let config = ResolverConfig::from_parts(None, Vec::new(), group);
            Ok(Resolver::builder_with_config(config, TokioConnectionProvider::default()).build())
        }
        None => Resolver::builder_tokio()
            .map(|b| b.build())
            .map_err(|e| crate::Error::Config(format!("system DNS configuration: {e}"))),
    }
}

/// A small non-cryptographic generator (SplitMix64) for the weighted draw; seeded from the
/// operating system's CSPRNG in production.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn from_os() -> Self {
        let seed = crate::seed::os_seed();
        let mut s = [0u8; 8];
        s.copy_from_slice(&seed[..8]);
        SplitMix(u64::from_le_bytes(s))
    }

    #[cfg(test)]
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=max` (Lemire's multiply-shift; the bias is below 2^-32).
    pub(crate) fn uniform(&mut self, max: u32) -> u32 {
        let range = u64::from(max) + 1;
        ((u128::from(self.next()) * u128::from(range)) >> 64) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(priority: u16, weight: u16, target: &str) -> SrvRecord {
        SrvRecord {
            priority,
            weight,
            port: 5222,
            target: target.into(),
            security: Security::StartTls,
        }
    }

    fn names(v: &[SrvRecord]) -> Vec<&str> {
        v.iter().map(|r| r.target.as_str()).collect()
    }

    #[test]
    fn priority_orders_first() {
        let mut rng = SplitMix::new(1);
        let out = order_records(
            vec![
                rec(20, 5, "c"),
                rec(10, 1, "a"),
                rec(30, 0, "d"),
                rec(10, 1, "b"),
            ],
            &mut |m| rng.uniform(m),
        );
        let n = names(&out);
        assert_eq!(n.len(), 4);
        assert!(n[..2].contains(&"a") && n[..2].contains(&"b"));
        assert_eq!(&n[2..], &["c", "d"]);
    }

    #[test]
    fn draw_follows_rfc2782_running_sums() {
        // Answer order w2, w0, w3; zero weights go first: w0, w2, w3 with running sums
        // 0, 2, 5. A draw of 0 picks w0, 1..=2 picks w2, 3..=5 picks w3.
        let records = vec![rec(1, 2, "w2"), rec(1, 0, "w0"), rec(1, 3, "w3")];
        let script = |draws: Vec<u32>| {
            let mut it = draws.into_iter();
            order_records(records.clone(), &mut |_| it.next().unwrap())
        };
        assert_eq!(names(&script(vec![0, 0, 0])), ["w0", "w2", "w3"]);
        assert_eq!(names(&script(vec![5, 0, 0])), ["w3", "w0", "w2"]);
        assert_eq!(names(&script(vec![2, 1, 0])), ["w2", "w3", "w0"]);
        assert_eq!(names(&script(vec![3, 0, 0])), ["w3", "w0", "w2"]);
        // After w2 is gone the sums are 0, 3: a draw of 1 picks w3.
        assert_eq!(names(&script(vec![1, 1, 0])), ["w2", "w3", "w0"]);
    }

    #[test]
    fn weights_are_proportional() {
        let mut rng = SplitMix::new(0x5eed);
        let mut first = [0u32; 2];
        for _ in 0..20_000 {
            let out = order_records(vec![rec(0, 1, "light"), rec(0, 3, "heavy")], &mut |m| {
                rng.uniform(m)
            });
            first[usize::from(out[0].target == "heavy")] += 1;
        }
        // RFC 2782 draws from 0..=sum inclusive, so the record listed first also wins a draw
        // of 0: P(heavy first) = 3/5 with "light" listed first. Allow ±2 points.
        let share = f64::from(first[1]) / 20_000.0;
        assert!((0.58..0.62).contains(&share), "heavy first {share}");
    }

    #[test]
    fn zero_weights_alone_are_all_tried() {
        let mut rng = SplitMix::new(7);
        let out = order_records(
            vec![rec(0, 0, "a"), rec(0, 0, "b"), rec(0, 0, "c")],
            &mut |m| rng.uniform(m),
        );
        let mut n = names(&out);
        n.sort_unstable();
        assert_eq!(n, ["a", "b", "c"]);
    }

    #[test]
    fn merged_direct_tls_and_starttls() {
        let mut rng = SplitMix::new(3);
        let mut direct = rec(5, 0, "tls.example");
        direct.security = Security::DirectTls;
        direct.port = 5223;
        let t = targets_from_records(
            "example",
            vec![rec(10, 0, "plain.example"), direct],
            &mut |m| rng.uniform(m),
        )
        .unwrap();
        assert_eq!(t[0].security, Security::DirectTls);
        assert_eq!((t[0].host.as_str(), t[0].port), ("tls.example", 5223));
        assert_eq!(t[1].security, Security::StartTls);
    }

    #[test]
    fn no_records_fall_back_to_domain_5222() {
        let t = targets_from_records("example.org", Vec::new(), &mut |_| 0).unwrap();
        assert_eq!(
            t,
            [Target {
                host: "example.org".into(),
                port: 5222,
                security: Security::StartTls
            }]
        );
    }

    #[test]
    fn dot_target_means_no_service() {
        let err = targets_from_records("example.org", vec![rec(0, 0, ".")], &mut |_| 0);
        assert!(matches!(err, Err(crate::Error::ServiceUnavailable(d)) if d == "example.org"));
    }

    #[test]
    fn uniform_stays_in_range() {
        let mut rng = SplitMix::new(99);
        for max in [0u32, 1, 2, 7, 65535, u32::MAX] {
            for _ in 0..1000 {
                assert!(rng.uniform(max) <= max);
            }
        }
        assert!((0..100).map(|_| rng.uniform(1)).any(|x| x == 1));
    }
}
