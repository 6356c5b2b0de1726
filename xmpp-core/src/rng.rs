//! The engine's seeded random generator: ChaCha20 (RFC 8439) as a keystream.
//!
//! Stream ids, stanza ids and SCRAM nonces come from here, so a run is reproducible from
//! its seed (quinn's `rng_seed`). Adapters seed it from the operating system; tests and
//! conformance transcripts seed it with a fixed value.

/// A ChaCha20 keystream generator keyed by a 32-byte seed.
#[derive(Clone)]
pub(crate) struct Rng {
    key: [u32; 8],
    counter: u64,
    block: [u8; 64],
    used: usize,
}

impl core::fmt::Debug for Rng {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Rng { .. }")
    }
}

const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

fn quarter(s: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(16);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(12);
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(8);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(7);
}

/// One ChaCha20 block (RFC 8439 §2.3) with a 64-bit counter and a zero nonce.
fn block(key: &[u32; 8], counter: u64, nonce: [u32; 3]) -> [u8; 64] {
    let mut init = [0u32; 16];
    init[..4].copy_from_slice(&SIGMA);
    init[4..12].copy_from_slice(key);
    init[12] = counter as u32;
    init[13] = nonce[0].wrapping_add((counter >> 32) as u32);
    init[14] = nonce[1];
    init[15] = nonce[2];
    let mut s = init;
    for _ in 0..10 {
        quarter(&mut s, 0, 4, 8, 12);
        quarter(&mut s, 1, 5, 9, 13);
        quarter(&mut s, 2, 6, 10, 14);
        quarter(&mut s, 3, 7, 11, 15);
        quarter(&mut s, 0, 5, 10, 15);
        quarter(&mut s, 1, 6, 11, 12);
        quarter(&mut s, 2, 7, 8, 13);
        quarter(&mut s, 3, 4, 9, 14);
    }
    let mut out = [0u8; 64];
    for (i, (w, i0)) in s.iter().zip(init.iter()).enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.wrapping_add(*i0).to_le_bytes());
    }
    out
}

impl Rng {
    /// A generator keyed by `seed`.
    pub(crate) fn new(seed: [u8; 32]) -> Self {
        let mut key = [0u32; 8];
        for (k, c) in key.iter_mut().zip(seed.chunks_exact(4)) {
            *k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        Rng {
            key,
            counter: 0,
            block: [0; 64],
            used: 64,
        }
    }

    /// Fills `out` with keystream bytes.
    pub(crate) fn fill(&mut self, out: &mut [u8]) {
        for b in out {
            if self.used == 64 {
                self.block = block(&self.key, self.counter, [0; 3]);
                self.counter = self.counter.wrapping_add(1);
                self.used = 0;
            }
            *b = self.block[self.used];
            self.used += 1;
        }
    }

    /// A uniformly random value below `bound` (`bound > 0`), without modulo bias.
    pub(crate) fn below(&mut self, bound: u32) -> u32 {
        let zone = u32::MAX - (u32::MAX - bound + 1) % bound;
        loop {
            let mut b = [0u8; 4];
            self.fill(&mut b);
            let v = u32::from_le_bytes(b);
            if v <= zone {
                return v % bound;
            }
        }
    }

    /// `len` characters from `[A-Za-z0-9]`: ids and SCRAM nonces (printable, no `,`).
    pub(crate) fn alnum(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| ALPHABET[self.below(ALPHABET.len() as u32) as usize] as char)
            .collect()
    }
}

/// Expands a 64-bit seed (transcripts, tests) into a 32-byte generator seed.
pub(crate) fn seed_from_u64(seed: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut x = seed;
    for chunk in out.chunks_exact_mut(8) {
        // splitmix64
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8439 §2.3.2 test vector (key 00..1f, nonce 000000090000004a00000000, counter 1).
    #[test]
    fn rfc8439_block_vector() {
        let mut key = [0u32; 8];
        for (i, k) in key.iter_mut().enumerate() {
            let b = (i * 4) as u8;
            *k = u32::from_le_bytes([b, b + 1, b + 2, b + 3]);
        }
        let out = block(&key, 1, [0x0900_0000, 0x4a00_0000, 0]);
        assert_eq!(&out[..8], &[0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15]);
        assert_eq!(
            &out[56..],
            &[0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e]
        );
    }

    #[test]
    fn same_seed_same_stream_and_ids_are_alnum() {
        let mut a = Rng::new(seed_from_u64(7));
        let mut b = Rng::new(seed_from_u64(7));
        let (x, y) = (a.alnum(100), b.alnum(100));
        assert_eq!(x, y);
        assert!(x.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(Rng::new(seed_from_u64(8)).alnum(100), x);
    }
}
