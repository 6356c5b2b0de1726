//! The engine's random seed, from the operating system's CSPRNG.

/// 32 bytes from the operating system's cryptographically secure generator (through
/// `ring`'s `SystemRandom`, as rustls's `ring` provider exposes it): the seed of the
/// engine's stream ids, stanza ids and SCRAM nonces.
///
/// # Panics
///
/// If the operating system has no working random source (rustls could not run either).
pub fn os_seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    rustls::crypto::ring::default_provider()
        .secure_random
        .fill(&mut seed)
        .expect("the operating system's random source failed");
    seed
}

#[cfg(test)]
mod tests {
    #[test]
    fn seeds_differ() {
        assert_ne!(super::os_seed(), super::os_seed());
    }
}
