//! Aliyun RPC signatures, one type per stage: "SignatureVersion 1.0" with HMAC-SHA1 here (what
//! Aliyun's SDK pages now call V2), and `ACS3-HMAC-SHA256` in [`v3`].
//!
//! Sources: DirectMail "Request signatures" (doc-detail 29442) and the RPC signature page
//! (doc-detail 28139).

#![cfg_attr(not(test), no_std)]
// A panic in wasm is a trap that leaves the instance unusable: none may be reachable from input.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

extern crate alloc;

/// `as_str` and `Display` for a stage that is text: each shows exactly what was hashed or sent.
macro_rules! text_stage {
    ($stage:ident, $doc:literal) => {
        impl $stage {
            #[doc = $doc]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl core::fmt::Display for $stage {
            fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

pub mod envelope;
pub mod v3;

pub use envelope::{sign_request, Call, Credentials, Nonce, SignedRequest, Stamp, Timestamp, Version};

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use base64::Engine as _;
use core::cmp::Ordering;
use core::fmt;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// The HTTP method, which is part of what is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    /// Parses `GET` or `POST`, in any case, as the reference upper-cases it.
    pub fn parse(s: &str) -> Option<Method> {
        if s.eq_ignore_ascii_case("GET") {
            Some(Method::Get)
        } else if s.eq_ignore_ascii_case("POST") {
            Some(Method::Post)
        } else {
            None
        }
    }

    /// The method as it appears in the string-to-sign.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Each byte percent-encoded, padded to four bytes, with the encoded length in the last: `a` is
/// `a??1`, a space `%203`. Only `A-Z a-z 0-9 - _ . ~` stay as they are; hex is uppercase.
// Built at compile time, where an out-of-range index fails the build rather than a send.
#[allow(clippy::indexing_slicing)]
const ENCODED: [[u8; 4]; 256] = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut table = [[0; 4]; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') {
            [c, 0, 0, 1]
        } else {
            [b'%', HEX[b >> 4], HEX[b & 0xF], 3]
        };
        b += 1;
    }
    table
};

/// Percent-encodes `src` into `dst`, which needs `3 * src.len() + 1` bytes; returns the length
/// written. Each byte stores its whole table entry and advances by the entry's length: no branch
/// per byte, which is what this hottest loop of a send needs in wasm.
fn encode_into_slice(dst: &mut [u8], src: &[u8]) -> usize {
    let mut at = 0;
    for &b in src {
        // The lookup cannot miss (a u8 indexes 256 entries); `get` keeps clippy's no-panic lint.
        let entry = ENCODED.get(usize::from(b)).copied().unwrap_or([0; 4]);
        if let Some(slot) = dst.get_mut(at..at + 4) {
            slot.copy_from_slice(&entry);
        }
        at += usize::from(entry[3]);
    }
    at
}

/// Writes `byte` at `at` in a buffer sized for it; returns the next position.
fn put_byte(out: &mut [u8], at: usize, byte: u8) -> usize {
    if let Some(slot) = out.get_mut(at) {
        *slot = byte;
    }
    at + 1
}

/// Appends `s` percent-encoded; the output is ASCII whatever `s` holds.
fn percent_encode_bytes(out: &mut Vec<u8>, s: &[u8]) {
    let start = out.len();
    out.resize(start + 3 * s.len() + 1, 0);
    let written = out.get_mut(start..).map_or(0, |dst| encode_into_slice(dst, s));
    out.truncate(start + written);
}

/// Feeds `s` percent-encoded to `sink` in chunks, through a buffer on the stack.
fn percent_encode_chunks(s: &[u8], mut sink: impl FnMut(&[u8])) {
    const CHUNK: usize = 128;
    let mut buf = [0; 3 * CHUNK + 1];
    for chunk in s.chunks(CHUNK) {
        let written = encode_into_slice(&mut buf, chunk);
        sink(buf.get(..written).unwrap_or_default());
    }
}

/// Percent-encoded bytes as a String: they are all ASCII, so the check cannot fail.
fn ascii_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// `s` percent-encoded: only `A-Z a-z 0-9 - _ . ~` stay, as UTF-8 bytes, and hex is uppercase.
pub fn percent_encode(s: &str) -> String {
    let mut out = Vec::with_capacity(3 * s.len() + 1);
    percent_encode_bytes(&mut out, s.as_bytes());
    ascii_string(out)
}

/// Orders parameter names as the JS and Java SDKs do: by UTF-16 code unit of the raw name.
///
/// This equals code point order except between U+E000..U+FFFF and astral characters, where
/// Aliyun's Java server and `@alicloud/openapi-util` both sort by UTF-16.
fn name_order(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// Stage 1: `name=value` pairs sorted by raw name, percent-encoded, joined with `&`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalQuery(String);

impl CanonicalQuery {
    /// Builds the canonical query from every parameter except `Signature`.
    pub fn new<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self::from_pairs(params.into_iter().collect())
    }

    /// One non-generic body, so the sort is compiled once.
    fn from_pairs(mut pairs: Vec<(&str, &str)>) -> Self {
        // Stable, so a repeated name keeps its values in the order given.
        pairs.sort_by(|a, b| name_order(a.0, b.0));
        // Sized once for the worst case (every byte escaped, and the table's 4-byte writes), then
        // filled in place and cut to what was written: one memset instead of one per value.
        let worst = pairs.iter().map(|(n, v)| 3 * (n.len() + v.len()) + 2).sum::<usize>() + 4;
        let mut out = vec![0; worst];
        let mut at = 0;
        for (i, (name, value)) in pairs.iter().enumerate() {
            if i > 0 {
                at = put_byte(&mut out, at, b'&');
            }
            at += encode_into_slice(out.get_mut(at..).unwrap_or_default(), name.as_bytes());
            at = put_byte(&mut out, at, b'=');
            at += encode_into_slice(out.get_mut(at..).unwrap_or_default(), value.as_bytes());
        }
        out.truncate(at);
        CanonicalQuery(ascii_string(out))
    }

    /// The canonical query text, without a copy.
    pub fn into_string(self) -> String {
        self.0
    }
}

text_stage!(CanonicalQuery, "The canonical query text; it is also a valid form or query string.");

/// Stage 2: `METHOD&%2F&percentEncode(canonical query)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringToSign(String);

impl StringToSign {
    /// Builds the string-to-sign for `method`.
    pub fn new(method: Method, query: &CanonicalQuery) -> Self {
        let mut out = Vec::with_capacity(query.0.len() * 3 / 2 + 8);
        out.extend_from_slice(method.as_str().as_bytes());
        out.extend_from_slice(b"&%2F&");
        percent_encode_bytes(&mut out, query.0.as_bytes());
        StringToSign(ascii_string(out))
    }
}

text_stage!(StringToSign, "The string-to-sign text.");

/// Stage 3: base64(HMAC-SHA1(key = secret + "&", string-to-sign)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature(String);

impl Signature {
    /// Signs with the AccessKey secret; the secret is not kept.
    pub fn new(secret: &str, string_to_sign: &StringToSign) -> Self {
        let mut mac = hmac_for(secret);
        mac.update(string_to_sign.0.as_bytes());
        Self::from_mac(mac)
    }

    /// The signature of `query`'s string-to-sign, which is fed to HMAC as it is encoded rather
    /// than built: what a send needs, as only the signature goes into its body.
    pub fn of_query(key: &SigningKey, method: Method, query: &CanonicalQuery) -> Self {
        let mut mac = key.mac.clone();
        mac.update(method.as_str().as_bytes());
        mac.update(b"&%2F&");
        percent_encode_chunks(query.0.as_bytes(), |chunk| mac.update(chunk));
        Self::from_mac(mac)
    }

    fn from_mac(mac: Hmac<Sha1>) -> Self {
        Signature(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
    }
}

text_stage!(Signature, "The base64 signature.");

/// HMAC-SHA1 keyed with `secret + "&"`; the key is not kept beyond the MAC's own state.
fn hmac_for(secret: &str) -> Hmac<Sha1> {
    let mut key = Vec::with_capacity(secret.len() + 1);
    key.extend_from_slice(secret.as_bytes());
    key.push(b'&');
    // HMAC takes keys of any length: a long key is hashed, a short one padded (RFC 2104).
    <Hmac<Sha1> as KeyInit>::new_from_slice(&key).unwrap_or_else(|_| <Hmac<Sha1> as KeyInit>::new(&Default::default()))
}

/// An AccessKey secret with its HMAC state already keyed. A config keeps one, so each signature
/// starts from a copy instead of hashing the key's two pad blocks again.
#[derive(Clone)]
pub struct SigningKey {
    secret: String,
    mac: Hmac<Sha1>,
}

impl SigningKey {
    /// Keys HMAC-SHA1 with `secret + "&"`.
    pub fn new(secret: impl Into<String>) -> Self {
        let secret = secret.into();
        let mac = hmac_for(&secret);
        SigningKey { secret, mac }
    }

    /// The secret itself, for the normalised config only.
    pub fn expose(&self) -> &str {
        &self.secret
    }
}

// The keyed state is a function of the secret, so the secrets alone decide equality.
impl PartialEq for SigningKey {
    fn eq(&self, other: &Self) -> bool {
        self.secret == other.secret
    }
}

impl Eq for SigningKey {}

/// Never shows the secret, nor the keyed state derived from it.
impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// All three stages of one signing, for debugging a `SignatureDoesNotMatch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    pub canonical_query: CanonicalQuery,
    pub string_to_sign: StringToSign,
    pub signature: Signature,
}

/// Signs `params` (which must not include `Signature`) for `method` with `secret`.
pub fn sign<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>, method: Method, secret: &str) -> Signed {
    let canonical_query = CanonicalQuery::new(params);
    let string_to_sign = StringToSign::new(method, &canonical_query);
    let signature = Signature::new(secret, &string_to_sign);
    Signed { canonical_query, string_to_sign, signature }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_characters_like_the_sdks() {
        assert_eq!(percent_encode("a b*c~d+e/f'g!h(i)"), "a%20b%2Ac~d%2Be%2Ff%27g%21h%28i%29");
        assert_eq!(percent_encode("é中"), "%C3%A9%E4%B8%AD");
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn sorts_by_raw_name_and_keeps_empty_values() {
        let q = CanonicalQuery::new([("b", ""), ("a_", "1"), ("a", "2"), ("B", "3")]);
        assert_eq!(q.as_str(), "B=3&a=2&a_=1&b=");
    }

    #[test]
    fn sorts_any_order_stably() {
        let q = CanonicalQuery::new([("d", "1"), ("c", "2"), ("b", "3"), ("a", "4"), ("b", "5"), ("a", "6")]);
        assert_eq!(q.as_str(), "a=4&a=6&b=3&b=5&c=2&d=1");
    }

    #[test]
    fn sorts_astral_before_private_use_like_utf16() {
        let q = CanonicalQuery::new([("\u{E000}", "x"), ("\u{10000}", "y")]);
        assert_eq!(q.as_str(), "%F0%90%80%80=y&%EE%80%80=x");
    }

    #[test]
    fn the_string_to_sign_encodes_the_canonical_query_once_more() {
        let q = CanonicalQuery::new([("Subject", "a b%&=é<>"), ("To", "x@y.z"), ("", ""), ("~", "*")]);
        let sts = StringToSign::new(Method::Post, &q);
        assert_eq!(sts.as_str(), format!("POST&%2F&{}", percent_encode(q.as_str())));
    }

    #[test]
    fn signing_while_encoding_equals_signing_the_built_string() {
        let long = "<p>é &amp; 中</p>".repeat(40);
        let q = CanonicalQuery::new([("HtmlBody", long.as_str()), ("To", "x@y.z"), ("", "")]);
        for method in [Method::Get, Method::Post] {
            let built = Signature::new("secret", &StringToSign::new(method, &q));
            assert_eq!(Signature::of_query(&SigningKey::new("secret"), method, &q), built);
        }
    }

    #[test]
    fn a_signing_key_compares_by_secret_and_never_shows_it() {
        let key = SigningKey::new("top-secret");
        assert_eq!(key, SigningKey::new("top-secret"));
        assert_ne!(key, SigningKey::new("other"));
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
        // A copy signs like a fresh key: the kept state is only ever cloned.
        let q = CanonicalQuery::new([("A", "1")]);
        let first = Signature::of_query(&key, Method::Post, &q);
        assert_eq!(Signature::of_query(&key.clone(), Method::Post, &q), first);
        assert_eq!(
            Signature::of_query(&key, Method::Post, &q),
            Signature::new("top-secret", &StringToSign::new(Method::Post, &q))
        );
    }

    #[test]
    fn get_and_post_sign_differently() {
        let params = [("A", "1")];
        assert_ne!(sign(params, Method::Get, "s").signature, sign(params, Method::Post, "s").signature);
    }
}
