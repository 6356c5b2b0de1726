//! `cargo run -p conformance -- [PATH ...] [--verbose]`: runs transcripts against
//! `xmpp-core` and prints one line per transcript and a summary.

use std::path::PathBuf;
use std::process::ExitCode;

use conformance::report::{bundled_dir, run_paths};

const USAGE: &str = "usage: conformance [--verbose] [PATH ...]

Runs every .xmpp transcript under the given files or folders (default: the bundled
transcripts) whole, byte by byte and in random splits, and prints one line per transcript
and `N passed, M failed`. Exits non-zero if any failed. --verbose prints each failure's diff.";

fn main() -> ExitCode {
    let mut verbose = false;
    let mut paths = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--verbose" | "-v") => verbose = true,
            Some("--help" | "-h") => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            Some(flag) if flag.starts_with('-') => {
                eprintln!("unknown option {flag}\n\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() {
        paths.push(bundled_dir());
    }
    let mut out = std::io::stdout().lock();
    match run_paths(&paths, &conformance::xmpp::start, verbose, &mut out) {
        Ok(summary) if summary.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("conformance: {e}");
            ExitCode::from(2)
        }
    }
}
