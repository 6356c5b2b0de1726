//! The runner against a scripted fake engine: a correct transcript passes, and each kind of
//! mismatch (output, event, close condition, counts, unclaimed output, chunking, the stream
//! header rule, TLS) makes a transcript fail.

mod common;

use common::{Fake, Rule, Script};
use conformance::chunking::Plan;
use conformance::engine::{Engine, EngineEvent, Setup};
use conformance::parser::parse;
use conformance::runner::{Failure, run};

const CLIENT_HEADER: &str = "<stream:stream to='example.com' version='1.0' \
    xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

fn client_script() -> Script {
    Script {
        on_start: CLIENT_HEADER,
        rules: vec![
            Rule::new(
                "</stream:features>",
                "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>",
            ),
            Rule::new("</iq>", "").event(EngineEvent::Online {
                jid: "a@example.com/r".into(),
            }),
            Rule::new("</message>", "").event(EngineEvent::Stanza),
        ],
        on_secured: "",
        idle: Some((std::time::Duration::from_secs(30), " ")),
        on_eof: "</stream:stream>",
        stuck_deadline: false,
    }
}

const HAPPY: &str = "\
title: fake happy path
spec: none
role: client
domain: example.com
tls: none
---
# the client opens
C: <stream:stream to='example.com' version='1.0'
     xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>
S: <stream:stream from='example.com' id='s1' version='1.0'
     xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>
S: <stream:features>
     <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>
   </stream:features>
C: <iq id='{any}' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>
S: <iq id='b1' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>
     <jid>a@example.com/r</jid></bind></iq>
!event online a@example.com/r
S: <message from='b@example.com'><body>hi</body></message>
!stanzas 1
!expect-nothing
!open
C: <message to='b@example.com'><body>yo</body></message>
!time +30s
!raw C: \\x20
!eof
!closed none
";

fn run_with(script: Script, text: &str) -> Result<(), Failure> {
    let transcript = parse(text, "test").expect("the transcript parses");
    let factory = move |setup: &Setup<'_>| -> Result<Box<dyn Engine>, String> {
        Ok(Fake::start(script.clone(), setup))
    };
    run(&transcript, &factory)
}

fn must_fail(script: Script, text: &str, message_part: &str) -> Failure {
    let failure = run_with(script, text).expect_err("the transcript must fail");
    assert!(
        failure.message.contains(message_part),
        "failure {failure} does not mention {message_part:?}"
    );
    failure
}

#[test]
fn a_correct_transcript_passes_under_every_plan() {
    run_with(client_script(), HAPPY).unwrap();
}

#[test]
fn wrong_expected_output_fails_with_a_diff() {
    let text = HAPPY.replace(
        "C: <iq id='{any}' type='set'>",
        "C: <iq id='{any}' type='get'>",
    );
    let failure = must_fail(client_script(), &text, "differs");
    let diff = failure.diff.unwrap();
    assert!(
        diff.contains("- <iq xmlns='jabber:client' id='{any}' type='get'>"),
        "{diff}"
    );
    assert!(
        diff.contains("+ <iq xmlns='jabber:client' id='b1' type='set'>"),
        "{diff}"
    );
    assert_eq!(failure.line, 15);
}

#[test]
fn a_missing_event_fails() {
    let text = HAPPY.replace(
        "!event online a@example.com/r",
        "!event online a@example.com/x",
    );
    must_fail(client_script(), &text, "expected event");
    let text = HAPPY.replace("!stanzas 1", "!stanzas 1\n!event secured");
    must_fail(client_script(), &text, "expected event");
}

#[test]
fn a_wrong_close_condition_fails() {
    let text = HAPPY.replace("!closed none", "!closed not-well-formed");
    must_fail(client_script(), &text, "expected `<stream:error>`");
}

#[test]
fn a_wrong_stanza_count_fails() {
    let text = HAPPY.replace("!stanzas 1", "!stanzas 2");
    must_fail(client_script(), &text, "expected 2 stanza event(s)");
}

#[test]
fn output_where_nothing_is_expected_fails() {
    let text = HAPPY.replace("!raw C: \\x20", "!expect-nothing");
    must_fail(client_script(), &text, "expected no output");
    let text = HAPPY.replace("!raw C: \\x20", "!raw C: \\x20\\x20");
    must_fail(client_script(), &text, "raw bytes");
}

#[test]
fn unclaimed_output_at_the_end_fails() {
    let text = HAPPY.replace("!raw C: \\x20\n!eof\n!closed none\n", "");
    must_fail(client_script(), &text, "no step claims");
}

#[test]
fn a_closed_stream_is_not_open() {
    let text = HAPPY.replace("!closed none", "!open");
    must_fail(client_script(), &text, "expected an open stream");
}

#[test]
fn a_transcript_that_passes_only_whole_fails() {
    let mut script = client_script();
    script.rules[2].needs_one_piece = true;
    let failure = run_with(script, HAPPY).expect_err("must fail when split");
    assert_eq!(failure.plan, Some(Plan::Bytewise), "{failure}");
}

#[test]
fn an_application_stanza_the_engine_refuses_fails() {
    // After `!eof` the fake refuses to send; the runner must not pretend it sent.
    let text = HAPPY.replace(
        "!closed none\n",
        "!closed none\nC: <message to='b@example.com'><body>late</body></message>\n",
    );
    must_fail(client_script(), &text, "refused the stanza");
}

const SERVER_HEADER_ERROR: &str = "\
role: server
domain: example.com
tls: none
---
C: <stream:stream to='example.com' version='2.0'
     xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>
!closed unsupported-version
";

fn server_script(output: String) -> Script {
    Script {
        rules: vec![
            Rule::new("version='2.0'", output).event(EngineEvent::Closed {
                reason: "unsupported-version".into(),
            }),
        ],
        ..Script::default()
    }
}

#[test]
fn a_stream_error_needs_the_owed_stream_header() {
    let error = "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
        <unsupported-version xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
        </stream:error></stream:stream>";
    let header = "<stream:stream from='example.com' id='x' version='1.0' xmlns='jabber:client' \
        xmlns:stream='http://etherx.jabber.org/streams'>";
    run_with(
        server_script(format!("{header}{error}")),
        SERVER_HEADER_ERROR,
    )
    .unwrap();
    must_fail(server_script(error.into()), SERVER_HEADER_ERROR, "§4.9.1.3");
    let text =
        SERVER_HEADER_ERROR.replace("unsupported-version\n", "invalid-namespace|bad-format\n");
    must_fail(
        server_script(format!("{header}{error}")),
        &text,
        "expected stream error condition",
    );
}

const TLS: &str = "\
role: client
domain: example.com
---
C: <stream:stream to='example.com' version='1.0'
     xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>
S: <stream:stream from='example.com' id='s1' version='1.0'
     xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>
S: <stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>
   </stream:features>
C: <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>
S: <proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>
!tls
!event secured
C: <stream:stream to='example.com' version='1.0'
     xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>
S: <stream:stream from='example.com' id='s2' version='1.0'
     xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>
S: <stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>
C: <iq id='b1' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>
";

fn tls_script() -> Script {
    let mut proceed = Rule::new("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "");
    proceed.starts_tls = true;
    Script {
        on_start: CLIENT_HEADER,
        rules: vec![
            Rule::new(
                "</stream:features>",
                "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
            ),
            proceed,
            Rule::new(
                "</stream:features>",
                "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>",
            ),
        ],
        on_secured: CLIENT_HEADER,
        ..Script::default()
    }
}

#[test]
fn tls_steps_run_through_the_in_memory_peer() {
    run_with(tls_script(), TLS).unwrap();
    // The comparison really sees the decrypted stream.
    let text = TLS.replace("C: <iq id='b1' type='set'>", "C: <iq id='b2' type='set'>");
    must_fail(tls_script(), &text, "differs");
}

#[test]
fn a_handshake_that_never_starts_fails() {
    let mut script = tls_script();
    script.rules[1].starts_tls = false;
    must_fail(script, TLS, "TLS handshake did not complete");
}

#[test]
fn a_deadline_that_does_not_move_after_its_timeout_fails() {
    let mut script = client_script();
    script.stuck_deadline = true;
    must_fail(script, HAPPY, "next deadline is not");
}

#[test]
fn time_delivers_each_due_deadline_in_order() {
    // Three idle periods in one step: three keepalives, each at its own deadline.
    let text = HAPPY.replace(
        "!time +30s\n!raw C: \\x20",
        "!time +90s\n!raw C: \\x20\\x20\\x20",
    );
    run_with(client_script(), &text).unwrap();
    let text = HAPPY.replace(
        "!time +30s\n!raw C: \\x20",
        "!time +29s\n!expect-nothing\n!time +1s\n!raw C: \\x20",
    );
    run_with(client_script(), &text).unwrap();
}
