//! Keeps credentials out of everything an error shows, even when a server echoes them back.
//!
//! DirectMail's `SignatureDoesNotMatch` message quotes the whole string-to-sign, `SecurityToken`
//! included (percent-encoded twice), and a proxy's error page may echo the request body in any
//! encoding it likes. So every text from a server or from the runtime passes through
//! [`Redactor::redact`] before it enters an error, in two passes:
//!
//! 1. the forms a credential is known to take are replaced wherever they appear;
//! 2. the text is decoded every way it can be ([`views`]: JSON, JS and HTML escapes, percent,
//!    quoted-printable, base64 and hex at every alignment, and layers of these), and every span of
//!    the original text whose decoded form shares a run of [`MIN_CREDENTIAL_BYTES`] characters
//!    with a credential, ignoring ASCII case, is masked. Truncated, re-cased and re-encoded echoes
//!    are caught without listing their encodings.
//!
//! Only credentials are masked, so the rest of a string-to-sign, and DirectMail's Code, Message
//! and RequestId, stay readable.

mod views;

use crate::sign::percent_encode;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// What stands in for a credential.
pub const REDACTED: &str = "<redacted>";

/// Shortest credential searched for, in bytes, and the length of the shared run that marks a span
/// as a credential. Aliyun's AccessKey secrets are 30 characters and STS tokens hundreds; a
/// shorter value (a placeholder in a test config) would match ordinary text and turn every message
/// into noise.
pub const MIN_CREDENTIAL_BYTES: usize = 8;

/// Finds a set of credentials in whatever form a server or a log writes them, and masks them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Redactor {
    /// Every known form of every credential, longest first, so no shorter form cuts into a longer one.
    needles: Vec<String>,
    /// Every run of [`MIN_CREDENTIAL_BYTES`] bytes of every credential, ASCII-lowercased, packed
    /// into a number; sorted, for a binary search.
    runs: Vec<u64>,
}

impl Redactor {
    /// A redactor for `credentials` (the AccessKey secret, the STS token); those shorter than
    /// [`MIN_CREDENTIAL_BYTES`] are skipped.
    pub fn new<'a>(credentials: impl IntoIterator<Item = &'a str>) -> Self {
        let credentials: Vec<&str> = credentials.into_iter().filter(|c| c.len() >= MIN_CREDENTIAL_BYTES).collect();
        let mut needles: Vec<String> = credentials.iter().copied().flat_map(forms).collect();
        needles.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        needles.dedup();
        let mut runs: Vec<u64> = credentials
            .iter()
            .flat_map(|c| c.as_bytes().windows(MIN_CREDENTIAL_BYTES).map(|w| packed(w.iter().copied())))
            .collect();
        runs.sort_unstable();
        runs.dedup();
        Redactor { needles, runs }
    }

    /// `text` with every credential masked by [`REDACTED`]: its known forms first, then every span
    /// that decodes to a run of one.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = Cow::Owned(out.replace(needle.as_str(), REDACTED));
            }
        }
        let spans = self.credential_spans(&out);
        if spans.is_empty() {
            return out;
        }
        Cow::Owned(masked(&out, spans))
    }

    /// Whether a success's id, already checked to be digits (EnvId) or a UUID (RequestId), holds a
    /// run of a credential as written, or hex-encoded in its leading hex run at either alignment,
    /// ignoring ASCII case. Those shapes hold no escape, and a UUID's later hex runs are too short
    /// for eight bytes; base64 would have to come out as hex digits in a UUID's pattern, which
    /// printable text's does only by rare accident. Much cheaper than the views
    /// [`Redactor::redact`] takes, and it runs on every send.
    pub fn holds_run_in_id(&self, id: &str) -> bool {
        let found = |bytes: &[u8]| {
            bytes.windows(MIN_CREDENTIAL_BYTES).any(|w| self.runs.binary_search(&packed(w.iter().copied())).is_ok())
        };
        let hex = |offset: usize| -> Vec<u8> {
            let digits: Vec<u8> = id.bytes().skip(offset).map_while(|b| (b as char).to_digit(16).map(|d| d as u8)).collect();
            digits.chunks_exact(2).filter_map(|pair| pair.first().zip(pair.last()).map(|(h, l)| h << 4 | l)).collect()
        };
        found(id.as_bytes()) || found(&hex(0)) || found(&hex(1))
    }

    /// The spans of `text` that decode to a run of a credential, sorted and merged.
    fn credential_spans(&self, text: &str) -> Vec<Range<usize>> {
        if self.runs.is_empty() || text.len() < MIN_CREDENTIAL_BYTES {
            return Vec::new();
        }
        let mut spans = Vec::new();
        for run in views::views(text) {
            for window in run.windows(MIN_CREDENTIAL_BYTES) {
                let key = packed(window.iter().map(|u| u.byte));
                if let (true, Some(first), Some(last)) = (self.runs.binary_search(&key).is_ok(), window.first(), window.last()) {
                    spans.push(first.start..last.end);
                }
            }
        }
        spans.sort_unstable_by_key(|s| s.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        merged
    }

    /// The longest known form, in bytes: a window this much past a cut holds any form that starts
    /// before it.
    pub fn longest(&self) -> usize {
        self.needles.first().map_or(0, String::len)
    }
}

/// `bytes` (a run of [`MIN_CREDENTIAL_BYTES`]) ASCII-lowercased and packed into a number: the one
/// key both the credentials' runs and the text's windows are compared by.
fn packed(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0u64, |acc, b| acc << 8 | u64::from(b.to_ascii_lowercase()))
}

/// `text` with each of `spans` (sorted, disjoint), widened to whole characters, replaced by
/// [`REDACTED`].
fn masked(text: &str, spans: Vec<Range<usize>>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut kept = 0;
    for Range { mut start, mut end } in spans {
        start = start.max(kept);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if end <= kept {
            continue;
        }
        if start >= kept {
            out.push_str(text.get(kept..start).unwrap_or(""));
            out.push_str(REDACTED);
        }
        kept = end;
    }
    out.push_str(text.get(kept..).unwrap_or(""));
    out
}

/// Never shows what it looks for.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Redactor({} forms, {} runs)", self.needles.len(), self.runs.len())
    }
}

/// The forms a credential takes in what servers and logs write: as it is; percent-encoded once (a
/// form body) and twice (inside a string-to-sign), in either hex case, and as JS's
/// encodeURIComponent and form encoding write it; base64, standard and URL-safe, padded or not;
/// and JSON-escaped, as JSON.stringify writes it and with everything past ASCII as `\u` escapes.
fn forms(credential: &str) -> Vec<String> {
    let once = percent_encode(credential);
    let twice = percent_encode(&once);
    let uri_component = js_uri_component(credential);
    let mut forms = vec![
        credential.to_owned(),
        lower_hex(&once),
        lower_hex(&twice),
        uri_component.replace("%20", "+"),
        percent_encode(&uri_component),
        once.replace("%20", "+"),
        once,
        twice,
        uri_component,
    ];
    for engine in [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
        forms.push(engine.encode(credential));
    }
    for (ascii, upper) in [(false, false), (true, false), (true, true)] {
        forms.push(json_escaped(credential, ascii, upper));
    }
    forms
}

/// Percent-encoding with lowercase hex digits, as some servers write it.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut digits_left = 0;
    for c in encoded.chars() {
        if c == '%' {
            digits_left = 2;
            out.push(c);
        } else if digits_left > 0 {
            digits_left -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// JS `encodeURIComponent`: like the RPC encoding, but `! ' ( ) *` stay as they are.
fn js_uri_component(credential: &str) -> String {
    percent_encode(credential).replace("%21", "!").replace("%27", "'").replace("%28", "(").replace("%29", ")").replace("%2A", "*")
}

/// The inside of a JSON string holding `s`, escaped as `JSON.stringify` escapes it; with `ascii`,
/// every character past ASCII as `\uXXXX` too, in uppercase hex with `upper`.
pub fn json_escaped(s: &str, ascii: bool, upper: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 || (ascii && !c.is_ascii()) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&if upper { format!("\\u{unit:04X}") } else { format!("\\u{unit:04x}") });
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "STS.Tok+en/\"q\"\n中文 x!";

    #[test]
    fn every_form_is_redacted_and_nothing_else() {
        let r = Redactor::new(["s3cret-key", TOKEN]);
        let once = percent_encode(TOKEN);
        let samples = [
            format!("server string to sign is:POST&%2F&SecurityToken%3D{}%26Timestamp", percent_encode(&once)),
            format!("SecurityToken={once}&ToAddress=a"),
            format!("SecurityToken={}&x", lower_hex(&once)),
            format!("{{\"token\":\"{}\"}}", json_escaped(TOKEN, false, false)),
            format!("{{\"token\":\"{}\"}}", json_escaped(TOKEN, true, true)),
            format!("b64 {} and {}", STANDARD.encode(TOKEN), URL_SAFE_NO_PAD.encode(TOKEN)),
            format!("form {}", js_uri_component(TOKEN).replace("%20", "+")),
            "key s3cret-key&".to_owned(),
        ];
        for sample in samples {
            let out = r.redact(&sample);
            assert!(out.contains(REDACTED), "{sample:?} -> {out:?}");
            for form in forms(TOKEN).iter().chain(forms("s3cret-key").iter()) {
                assert!(!out.contains(form.as_str()), "{form:?} left in {out:?}");
            }
        }
        assert_eq!(
            r.redact("POST&%2F&AccessKeyId%3Dtestid%26Action%3DSingleSendMail"),
            "POST&%2F&AccessKeyId%3Dtestid%26Action%3DSingleSendMail"
        );
    }

    #[test]
    fn ids_are_checked_as_written_and_hex_encoded() {
        let r = Redactor::new(["1234567890123456", "abcdef0123-token"]);
        assert!(r.holds_run_in_id("99123456789"));
        assert!(r.holds_run_in_id("ABCDEF01-0000-0000-0000-000000000000"));
        let hex: String = "34567890".bytes().map(|b| format!("{b:02x}")).collect();
        assert!(r.holds_run_in_id(&hex) && r.holds_run_in_id(&format!("7{hex}")));
        assert!(!r.holds_run_in_id("600000123") && !r.holds_run_in_id("0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"));
    }

    #[test]
    fn shows_no_credential_and_skips_placeholders() {
        let r = Redactor::new(["topsecret", ""]);
        assert!(!format!("{r:?}").contains("topsecret"));
        assert_eq!(Redactor::new(["", "s"]).redact("a message with its s"), "a message with its s");
        assert!(r.longest() >= "topsecret".len());
    }
}
