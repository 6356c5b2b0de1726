//! The `conformance` command: one line per transcript, the summary line, the exit status,
//! and diffs with `--verbose`.

use std::path::PathBuf;
use std::process::Command;

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conformance-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bundled(name: &str) -> String {
    let path = conformance::report::bundled_dir()
        .join("rfc6120")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn reports_each_transcript_and_fails_on_any_failure() {
    let dir = scratch_dir("mixed");
    let good = bundled("4.4-server-initiated-close.xmpp");
    std::fs::write(dir.join("a-good.xmpp"), &good).unwrap();
    let bad = good.replace("!closed none", "!closed system-shutdown");
    std::fs::write(dir.join("b-bad.xmpp"), bad).unwrap();
    std::fs::write(dir.join("ignored.txt"), "not a transcript").unwrap();

    let (status, out) = run(&[dir.as_os_str()]);
    assert_eq!(status, Some(1), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("pass  the server closes its stream"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("FAIL  the server closes its stream"),
        "{out}"
    );
    assert!(
        lines[2].contains("b-bad.xmpp") && lines[2].contains("system-shutdown"),
        "{out}"
    );
    assert_eq!(lines.last(), Some(&"1 passed, 1 failed"));
    let shows_output = |out: &str| out.lines().any(|l| l.trim() == "</stream:stream>");
    assert!(!shows_output(&out), "no diff without --verbose: {out}");

    let (status, out) = run(&[dir.join("b-bad.xmpp").as_os_str(), "--verbose".as_ref()]);
    assert_eq!(status, Some(1));
    assert!(
        shows_output(&out),
        "the verbose report shows the output: {out}"
    );

    let (status, out) = run(&[dir.join("a-good.xmpp").as_os_str()]);
    assert_eq!(
        (status, out.lines().last()),
        (Some(0), Some("1 passed, 0 failed"))
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_arguments_are_refused() {
    let (status, _) = run(&["--frobnicate".as_ref()]);
    assert_eq!(status, Some(2));
    let (status, _) = run(&["/no/such/transcripts".as_ref()]);
    assert_eq!(status, Some(2));
}
