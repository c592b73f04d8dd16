//! Decoded views of a text, each byte of which remembers the span of the original text it came
//! from. A credential that a server or proxy re-encoded (JSON or HTML escapes, percent-encoding,
//! quoted-printable, base64 or hex, or layers of these) appears in clear in one of the views, and
//! the span tells what to mask in the text as it was written.

use std::ops::Range;

/// One decoded byte and the span of the original text that encodes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub byte: u8,
    pub start: usize,
    pub end: usize,
}

/// A run of decoded bytes; a credential is only looked for within one run, never across two.
pub type Run = Vec<Unit>;

/// How many times escapes are decoded in a row: a string-to-sign quoted in a JSON reply holds the
/// token percent-encoded twice, inside JSON escapes.
const UNESCAPE_LAYERS: usize = 3;

/// Shortest base64 run worth decoding: 11 characters carry 8 bytes.
const MIN_BASE64_CHARS: usize = 11;
/// Shortest hex run worth decoding: 16 digits carry 8 bytes.
const MIN_HEX_DIGITS: usize = 16;

/// Every view of `text`: as written; with its escapes decoded, layer after layer; and each of
/// those with its base64 runs decoded at each of the four alignments and its hex runs at each of
/// the two, and those with their escapes decoded in turn. The number of views is bounded, and each
/// is made in time linear in the text.
pub fn views(text: &str) -> Vec<Run> {
    let raw: Run = text.bytes().enumerate().map(|(i, byte)| Unit { byte, start: i, end: i + 1 }).collect();
    let textual = unescaped_layers(vec![raw]);
    let mut all = textual.clone();
    for run in &textual {
        let binary: Vec<Run> =
            (0..4).flat_map(|offset| base64_runs(run, offset)).chain((0..2).flat_map(|offset| hex_runs(run, offset))).collect();
        all.extend(unescaped_layers(binary));
    }
    all
}

/// `runs`, followed by each run's escapes decoded, up to [`UNESCAPE_LAYERS`] times while that
/// changes anything.
fn unescaped_layers(runs: Vec<Run>) -> Vec<Run> {
    let mut all = Vec::with_capacity(runs.len());
    for run in runs {
        let mut current = run;
        for _ in 0..UNESCAPE_LAYERS {
            match unescape(&current) {
                Some(next) => {
                    all.push(std::mem::replace(&mut current, next));
                }
                None => break,
            }
        }
        all.push(current);
    }
    all
}

/// The value of an ASCII hex digit.
fn hex_value(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

/// The number made of the `count` hex digits at `at`, if they all are.
fn hex_number(run: &[Unit], at: usize, count: usize) -> Option<u32> {
    let digits = run.get(at..at + count)?;
    digits.iter().try_fold(0u32, |n, u| Some(n * 16 + u32::from(hex_value(u.byte)?)))
}

/// The decimal or hex number of an HTML character reference starting at `at` (after `&#`), and
/// where it ends (past its `;`, which may be missing).
fn html_number(run: &[Unit], mut at: usize) -> Option<(u32, usize)> {
    let radix = if run.get(at).is_some_and(|u| u.byte | 0x20 == b'x') {
        at += 1;
        16
    } else {
        10
    };
    let first = at;
    let mut n: u32 = 0;
    while let Some(d) = run.get(at).and_then(|u| (u.byte as char).to_digit(radix)) {
        n = n.saturating_mul(radix).saturating_add(d);
        at += 1;
        if at - first > 8 {
            return None;
        }
    }
    if at == first {
        return None;
    }
    if run.get(at).is_some_and(|u| u.byte == b';') {
        at += 1;
    }
    Some((n, at))
}

/// HTML's named references for the characters tokens, secrets and their encodings are made of.
const HTML_NAMES: &[(&str, char)] = &[
    ("amp;", '&'),
    ("lt;", '<'),
    ("gt;", '>'),
    ("quot;", '"'),
    ("apos;", '\''),
    ("sol;", '/'),
    ("equals;", '='),
    ("plus;", '+'),
    ("percnt;", '%'),
    ("num;", '#'),
    ("colon;", ':'),
    ("period;", '.'),
    ("lowbar;", '_'),
    ("hyphen;", '-'),
    ("dash;", '-'),
    ("excl;", '!'),
    ("ast;", '*'),
    ("lpar;", '('),
    ("rpar;", ')'),
    ("nbsp;", ' '),
];

/// A named HTML reference at `at` (after `&`): its character and where it ends.
fn html_name(run: &[Unit], at: usize) -> Option<(char, usize)> {
    HTML_NAMES.iter().find_map(|(name, c)| {
        let units = run.get(at..at + name.len())?;
        units.iter().zip(name.bytes()).all(|(u, b)| u.byte.to_ascii_lowercase() == b).then_some((*c, at + name.len()))
    })
}

/// The escape starting at `at`, if one does: the bytes it stands for and where it ends. JSON and
/// JS (`\uXXXX`, `\/`, `\xXX`), percent (`%XX`, `%uXXXX`), quoted-printable (`=XX`, soft line
/// breaks) and HTML (`&#…;`, `&name;`).
fn escape_at(run: &[Unit], at: usize) -> Option<(Vec<u8>, usize)> {
    let next = |k: usize| run.get(at + k).map(|u| u.byte);
    let chars = |c: char| c.encode_utf8(&mut [0; 4]).as_bytes().to_vec();
    match run.get(at)?.byte {
        b'\\' => match next(1)? {
            b'u' => {
                let high = hex_number(run, at + 2, 4)?;
                // A surrogate pair is two escapes that make one character.
                if (0xD800..0xDC00).contains(&high) && next(6) == Some(b'\\') && next(7) == Some(b'u') {
                    if let Some(low) = hex_number(run, at + 8, 4).filter(|l| (0xDC00..0xE000).contains(l)) {
                        let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?;
                        return Some((chars(c), at + 12));
                    }
                }
                Some((chars(char::from_u32(high).unwrap_or('\u{FFFD}')), at + 6))
            }
            b'x' => Some((vec![hex_number(run, at + 2, 2)? as u8], at + 4)),
            b'n' => Some((vec![b'\n'], at + 2)),
            b'r' => Some((vec![b'\r'], at + 2)),
            b't' => Some((vec![b'\t'], at + 2)),
            b'b' => Some((vec![0x08], at + 2)),
            b'f' => Some((vec![0x0C], at + 2)),
            c @ (b'/' | b'\\' | b'"' | b'\'') => Some((vec![c], at + 2)),
            _ => None,
        },
        b'%' if next(1) == Some(b'u') => Some((chars(char::from_u32(hex_number(run, at + 2, 4)?)?), at + 6)),
        b'%' => Some((vec![hex_number(run, at + 1, 2)? as u8], at + 3)),
        b'=' => match (next(1)?, next(2)) {
            (b'\n', _) => Some((Vec::new(), at + 2)),
            (b'\r', Some(b'\n')) => Some((Vec::new(), at + 3)),
            _ => Some((vec![hex_number(run, at + 1, 2)? as u8], at + 3)),
        },
        b'&' if next(1) == Some(b'#') => {
            let (n, end) = html_number(run, at + 2)?;
            Some((chars(char::from_u32(n).unwrap_or('\u{FFFD}')), end))
        }
        b'&' => html_name(run, at + 1).map(|(c, end)| (chars(c), end)),
        _ => None,
    }
}

/// `run` with every escape decoded, each decoded byte spanning its whole escape; `None` when it
/// holds none.
fn unescape(run: &[Unit]) -> Option<Run> {
    let mut out = Vec::with_capacity(run.len());
    let mut changed = false;
    let mut at = 0;
    while let Some(unit) = run.get(at) {
        // An escape ends past `at`, so its last unit exists.
        match escape_at(run, at).and_then(|(bytes, end)| Some((bytes, end, run.get(end - 1)?.end))) {
            Some((bytes, end, stop)) => {
                out.extend(bytes.into_iter().map(|byte| Unit { byte, start: unit.start, end: stop }));
                changed = true;
                at = end;
            }
            None => {
                out.push(*unit);
                at += 1;
            }
        }
    }
    changed.then_some(out)
}

/// The 6-bit value of a base64 character, standard or URL-safe.
fn base64_value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Line breaks inside base64 or hex, as MIME and logs wrap them; skipped, never ending a run.
fn is_wrap(byte: u8) -> bool {
    matches!(byte, b'\r' | b'\n')
}

/// The maximal runs of units whose bytes `digit` accepts (line breaks inside them skipped), each
/// with its units' digit values.
fn digit_runs(run: &[Unit], digit: fn(u8) -> Option<u8>) -> Vec<Vec<(u8, Range<usize>)>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for unit in run {
        match digit(unit.byte) {
            Some(value) => current.push((value, unit.start..unit.end)),
            None if is_wrap(unit.byte) => {}
            None if current.is_empty() => {}
            None => runs.push(std::mem::take(&mut current)),
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// The bytes that each base64 run of `run` decodes to, starting `offset` characters into it.
fn base64_runs(run: &[Unit], offset: usize) -> Vec<Run> {
    let runs = digit_runs(run, base64_value).into_iter().filter(|r| r.len() >= MIN_BASE64_CHARS + offset);
    runs.map(|digits| {
        let mut out = Vec::with_capacity(digits.len() * 3 / 4);
        for group in digits.get(offset..).unwrap_or_default().chunks(4) {
            let bits = group.iter().fold(0u32, |acc, (v, _)| acc << 6 | u32::from(*v)) << (6 * (4 - group.len()));
            let (Some((_, first)), Some((_, last))) = (group.first(), group.last()) else { continue };
            let (start, end) = (first.start, last.end);
            // Two characters make one byte, three make two, four make three.
            for k in 0..group.len().saturating_sub(1) {
                out.push(Unit { byte: (bits >> (16 - 8 * k)) as u8, start, end });
            }
        }
        out
    })
    .collect()
}

/// The bytes that each hex run of `run` decodes to, starting `offset` digits into it.
fn hex_runs(run: &[Unit], offset: usize) -> Vec<Run> {
    let runs = digit_runs(run, hex_value).into_iter().filter(|r| r.len() >= MIN_HEX_DIGITS + offset);
    runs.map(|digits| {
        let pairs = digits.get(offset..).unwrap_or_default().chunks_exact(2);
        pairs
            .filter_map(|pair| match pair {
                [(high, first), (low, last)] => Some(Unit { byte: high << 4 | low, start: first.start, end: last.end }),
                _ => None,
            })
            .collect()
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<Vec<u8>> {
        views(text).into_iter().map(|run| run.into_iter().map(|u| u.byte).collect()).collect()
    }

    fn holds(text: &str, needle: &str) -> bool {
        texts(text).iter().any(|v| v.windows(needle.len()).any(|w| w == needle.as_bytes()))
    }

    #[test]
    fn decodes_each_escape_and_layers_of_them() {
        for text in [
            r"a\/b\u003dc\u002Bd",
            "a%2Fb%3Dc%2Bd",
            "a%252Fb%253Dc%252Bd",
            "a=2Fb=3Dc=\r\n=2Bd",
            "a&#47;b&#x3D;c&plus;d",
            "a&sol;b&equals;c&#43d",
            r"a\x2fb\x3dc\x2bd",
            r#"{"m":"a%2Fb%3Dc\u0025\u0032\u0042d"}"#,
        ] {
            assert!(
                holds(text, "a/b=c+d"),
                "{text:?}: {:?}",
                texts(text).iter().map(|v| String::from_utf8_lossy(v).into_owned()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn decodes_base64_and_hex_at_every_alignment() {
        use base64::Engine as _;
        let secret = "STS.credential/with+bits";
        for prefix in ["", "x", "xy", "xyz"] {
            let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{prefix}{secret}"));
            assert!(holds(&format!("id={b64}"), secret), "{prefix:?} {b64}");
            let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{prefix}{secret}"));
            assert!(holds(&format!("Q{url}"), secret));
            let hex: String = format!("{prefix}{secret}").bytes().map(|b| format!("{b:02X}")).collect();
            assert!(holds(&format!("0{hex}"), secret));
        }
        let wrapped = base64::engine::general_purpose::STANDARD.encode(secret);
        let (head, tail) = wrapped.split_at(10);
        assert!(holds(&format!("{head}\r\n{tail}"), secret));
    }

    #[test]
    fn spans_point_at_the_original_text() {
        let text = "x&#x41;%42y";
        let run = &views(text)[1];
        let a = run.iter().find(|u| u.byte == b'A').unwrap();
        assert_eq!(&text[a.start..a.end], "&#x41;");
        let b = run.iter().find(|u| u.byte == b'B').unwrap();
        assert_eq!(&text[b.start..b.end], "%42");
    }
}
