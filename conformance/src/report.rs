//! Finding transcripts, running them, and the one-line-per-transcript report.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::engine::EngineFactory;
use crate::parser::parse_file;
use crate::runner::{Failure, run};

/// The transcripts bundled with this crate.
pub fn bundled_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("transcripts")
}

/// Every `.xmpp` file under `paths` (files are taken as given, folders searched
/// recursively), sorted and deduplicated. A path that does not exist is an error.
pub fn discover(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found)?;
        } else if path.is_file() {
            found.push(path.clone());
        } else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{}: no such file or folder", path.display()),
            ));
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "xmpp") {
            found.push(path);
        }
    }
    Ok(())
}

/// The result of one transcript.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The file.
    pub path: PathBuf,
    /// Its title (the file name if it could not be parsed).
    pub title: String,
    /// Its `spec`, if any.
    pub spec: Option<String>,
    /// `Ok` if it passed under every plan.
    pub result: Result<(), Failure>,
}

/// Parses and runs one transcript file.
pub fn run_file(path: &Path, factory: &dyn EngineFactory) -> Outcome {
    match parse_file(path) {
        Ok(t) => Outcome {
            path: path.to_owned(),
            title: t.header.title.clone(),
            spec: t.header.spec.clone(),
            result: run(&t, factory),
        },
        Err(e) => Outcome {
            path: path.to_owned(),
            title: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            spec: None,
            result: Err(Failure {
                plan: None,
                line: e.line,
                message: format!("cannot parse the transcript: {}", e.message),
                diff: None,
            }),
        },
    }
}

/// Totals of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Transcripts that passed.
    pub passed: usize,
    /// Transcripts that failed.
    pub failed: usize,
}

/// Writes one outcome's line (and with `verbose`, its diff).
pub fn write_outcome(out: &mut dyn Write, outcome: &Outcome, verbose: bool) -> io::Result<()> {
    let spec = outcome
        .spec
        .as_deref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    match &outcome.result {
        Ok(()) => writeln!(out, "pass  {}{spec}", outcome.title),
        Err(failure) => {
            writeln!(out, "FAIL  {}{spec}", outcome.title)?;
            writeln!(out, "      {}: {failure}", outcome.path.display())?;
            if verbose && let Some(diff) = &failure.diff {
                for line in diff.lines() {
                    writeln!(out, "      {line}")?;
                }
            }
            Ok(())
        }
    }
}

/// Runs every transcript under `paths`, writing the report and the summary line.
pub fn run_paths(
    paths: &[PathBuf],
    factory: &dyn EngineFactory,
    verbose: bool,
    out: &mut dyn Write,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    for path in discover(paths)? {
        let outcome = run_file(&path, factory);
        match outcome.result {
            Ok(()) => summary.passed += 1,
            Err(_) => summary.failed += 1,
        }
        write_outcome(out, &outcome, verbose)?;
    }
    writeln!(out, "{} passed, {} failed", summary.passed, summary.failed)?;
    Ok(summary)
}
