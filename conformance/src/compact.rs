//! Compaction of input steps (FORMAT.md, "Compaction"): the text is fed as written except
//! that whitespace-only text between elements is dropped, other text is trimmed, and text
//! inside SASL elements loses all whitespace. Malformed markup that still tokenizes (a
//! mismatched end tag, say) is kept: hostile input is a legitimate step.

use xmlparser::{ElementEnd, Token, Tokenizer};

use crate::xml::{NS_SASL, Scope};

/// A compacted input step and what it does to the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compacted {
    /// The bytes to feed.
    pub text: String,
    /// How many stream headers it opens.
    pub stream_opens: usize,
    /// Whether it holds a SASL `<success/>`.
    pub sasl_success: bool,
}

/// A start tag being read: prefix, local name and raw attributes.
type StartTag<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str, &'a str)>);

/// Compacts `text`, resolving namespaces in `ctx` (updated by a stream header in `text`).
pub fn compact(text: &str, ctx: &mut Scope) -> Result<Compacted, String> {
    let (body, decl_end) = split_declaration(text)?;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..decl_end]);
    let mut cursor = decl_end;
    let mut scopes: Vec<(Scope, bool)> = Vec::new();
    let mut tag: Option<StartTag<'_>> = None;
    let mut stream_opens = 0;
    let mut sasl_success = false;
    for token in Tokenizer::from_fragment(text, body) {
        let token = token.map_err(|e| format!("cannot tokenize ({e}); use !raw for such input"))?;
        match token {
            Token::ElementStart { prefix, local, .. } => {
                tag = Some((prefix.as_str(), local.as_str(), Vec::new()));
            }
            Token::Attribute {
                prefix,
                local,
                value,
                ..
            } => {
                if let Some((_, _, attrs)) = tag.as_mut() {
                    attrs.push((prefix.as_str(), local.as_str(), value.as_str()));
                }
            }
            Token::ElementEnd { end, .. } => match end {
                ElementEnd::Open | ElementEnd::Empty => {
                    let Some((prefix, local, attrs)) = tag.take() else {
                        continue;
                    };
                    let parent = scopes.last().map_or(&*ctx, |(s, _)| s);
                    let scope = parent.child(attrs.into_iter());
                    let ns = scope.resolve(prefix).unwrap_or_default();
                    let sasl = ns == NS_SASL;
                    sasl_success |= sasl && local == "success";
                    if end == ElementEnd::Open {
                        // Any depth-0 `stream` opens a stream, whatever its namespace: a
                        // header with a wrong namespace still owes the peer a response
                        // header (RFC 6120 §4.9.1.3).
                        if scopes.is_empty() && local == "stream" {
                            stream_opens += 1;
                            *ctx = scope;
                        } else {
                            scopes.push((scope, sasl));
                        }
                    }
                }
                ElementEnd::Close(..) => {
                    scopes.pop();
                }
            },
            Token::Text { text: t } => {
                let span = t.range();
                out.push_str(&text[cursor..span.start]);
                cursor = span.end;
                let in_sasl = scopes.last().is_some_and(|(_, sasl)| *sasl);
                if in_sasl {
                    out.extend(t.as_str().chars().filter(|c| !c.is_whitespace()));
                } else {
                    out.push_str(t.as_str().trim());
                }
            }
            _ => {}
        }
    }
    out.push_str(&text[cursor..]);
    Ok(Compacted {
        text: out.trim().to_owned(),
        stream_opens,
        sasl_success,
    })
}

/// Splits off a leading `<?xml ...?>`: returns the range after it and where it ends.
fn split_declaration(text: &str) -> Result<(std::ops::Range<usize>, usize), String> {
    let lead = text.len() - text.trim_start().len();
    if text[lead..].starts_with("<?xml") {
        let end = text[lead..]
            .find("?>")
            .ok_or("unterminated XML declaration")?
            + lead
            + 2;
        Ok((end..text.len(), end))
    } else {
        Ok((0..text.len(), 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Compacted {
        compact(text, &mut Scope::default()).unwrap()
    }

    #[test]
    fn drops_whitespace_between_elements_and_trims_text() {
        let c = run("<message xmlns='jabber:client'>\n   <body>  Art thou?\n  </body>\n</message>");
        assert_eq!(
            c.text,
            "<message xmlns='jabber:client'><body>Art thou?</body></message>"
        );
    }

    #[test]
    fn tags_are_kept_as_written() {
        let c = run("<a xmlns='u'\n   b=\"1\"   c='2'/>");
        assert_eq!(c.text, "<a xmlns='u'\n   b=\"1\"   c='2'/>");
    }

    #[test]
    fn sasl_text_loses_all_whitespace() {
        let c = run(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X'>biwsbj1qdWxp\n  ZXQscj1vTXNU</auth>",
        );
        assert_eq!(
            c.text,
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X'>biwsbj1qdWxpZXQscj1vTXNU</auth>"
        );
        assert!(!c.sasl_success);
        assert!(
            run("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1w\n ZQ==</success>")
                .sasl_success
        );
    }

    #[test]
    fn stream_header_is_counted_and_sets_context() {
        let mut ctx = Scope::default();
        let c = compact(
            "<?xml version='1.0'?>\n<stream:stream xmlns='jabber:client'\n xmlns:stream='http://etherx.jabber.org/streams'>",
            &mut ctx,
        )
        .unwrap();
        assert_eq!(c.stream_opens, 1);
        assert_eq!(ctx.default_ns.as_deref(), Some("jabber:client"));
        assert!(c.text.starts_with("<?xml version='1.0'?><stream:stream"));
        let wrong = compact("<s:stream xmlns:s='urn:wrong'>", &mut Scope::default()).unwrap();
        assert_eq!(wrong.stream_opens, 1);
    }

    #[test]
    fn mismatched_tags_are_kept_but_garbage_is_refused() {
        assert_eq!(run("<a xmlns='u'><b></a>").text, "<a xmlns='u'><b></a>");
        assert!(compact("<a <<", &mut Scope::default()).is_err());
    }
}
