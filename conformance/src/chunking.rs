//! How input steps are cut into the pieces fed to the engine (FORMAT.md, "Chunking").

use std::fmt;

use crate::rng::SplitMix64;

/// One way of feeding input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Each input step in one piece.
    Whole,
    /// One byte at a time.
    Bytewise,
    /// Random piece sizes drawn from the transcript's seed.
    Random(u64),
}

impl Plan {
    /// The three plans every transcript runs under.
    pub fn all(seed: u64) -> [Plan; 3] {
        [Plan::Whole, Plan::Bytewise, Plan::Random(seed)]
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Plan::Whole => f.write_str("whole"),
            Plan::Bytewise => f.write_str("byte by byte"),
            Plan::Random(seed) => write!(f, "random splits (seed {seed})"),
        }
    }
}

/// Cuts byte strings according to a plan.
#[derive(Debug, Clone)]
pub struct Chunker {
    plan: Plan,
    rng: SplitMix64,
}

impl Chunker {
    /// A chunker for `plan`.
    pub fn new(plan: Plan) -> Chunker {
        let seed = match plan {
            Plan::Random(seed) => seed,
            _ => 0,
        };
        Chunker {
            plan,
            rng: SplitMix64::new(seed),
        }
    }

    /// The pieces of `data`, in order; their concatenation is `data`.
    pub fn split<'a>(&mut self, data: &'a [u8]) -> Vec<&'a [u8]> {
        match self.plan {
            Plan::Whole => vec![data],
            Plan::Bytewise => data.chunks(1).collect(),
            Plan::Random(_) => {
                let mut pieces = Vec::new();
                let mut rest = data;
                while !rest.is_empty() {
                    // Mostly short pieces, sometimes long ones, so both kinds of
                    // boundary (mid-token and mid-stanza) are exercised.
                    let max = if self.rng.next_u64().is_multiple_of(4) {
                        64
                    } else {
                        8
                    };
                    let n = 1 + (self.rng.next_u64() % max) as usize;
                    let (head, tail) = rest.split_at(n.min(rest.len()));
                    pieces.push(head);
                    rest = tail;
                }
                pieces
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_concatenate_to_the_input() {
        let data: Vec<u8> = (0..=255).collect();
        for plan in Plan::all(7) {
            let pieces = Chunker::new(plan).split(&data);
            assert_eq!(pieces.concat(), data, "{plan}");
        }
        assert_eq!(Chunker::new(Plan::Bytewise).split(&data).len(), 256);
        assert_eq!(Chunker::new(Plan::Whole).split(&data).len(), 1);
    }

    #[test]
    fn random_splits_depend_on_the_seed_only() {
        let data = [0u8; 200];
        let sizes = |seed| -> Vec<usize> {
            Chunker::new(Plan::Random(seed))
                .split(&data)
                .iter()
                .map(|p| p.len())
                .collect()
        };
        assert_eq!(sizes(1), sizes(1));
        assert_ne!(sizes(1), sizes(2));
        assert!(sizes(1).len() > 3);
    }
}
