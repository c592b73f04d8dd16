//! The whole envelope of an Aliyun RPC call, added around the API's own parameters: the
//! credentials, the nonce and the timestamp (both inputs, so a test can pin a request), and
//! either V2's common parameters in the form body or V3's `x-acs-*` headers.
//!
//! Sources: the public-parameter pages (DirectMail doc-detail 29440, RPC doc-detail 28139) for V2,
//! and Aliyun's "V3 request structure and signature" page for V3.

use crate::{percent_encode, v3, CanonicalQuery, Method, Signature, SigningKey};
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

/// An AccessKey pair, and the STS token that comes with temporary credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    key: SigningKey,
    security_token: Option<String>,
}

impl Credentials {
    /// Credentials from a key id, its secret and, for temporary credentials, the STS token.
    pub fn new(access_key_id: impl Into<String>, secret: impl Into<String>, security_token: Option<String>) -> Self {
        Credentials { access_key_id: access_key_id.into(), key: SigningKey::new(secret), security_token }
    }

    /// The AccessKey id, which is sent and is no secret.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret, for the normalised config and for finding it in what a server echoes.
    pub fn secret(&self) -> &str {
        self.key.expose()
    }

    /// The STS token, for the normalised config and for finding it in what a server echoes.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }
}

/// Shows the key id only: the secret and the token are secrets.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let token = self.security_token.as_ref().map(|_| "<redacted>");
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &"<redacted>")
            .field("security_token", &token)
            .finish()
    }
}

/// The `SignatureNonce` (V2) or `x-acs-signature-nonce` (V3): unique per request, retries included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nonce(String);

impl Nonce {
    /// A UUID v4 from 16 random bytes.
    pub fn uuid_v4(mut bytes: [u8; 16]) -> Nonce {
        bytes[6] = (bytes[6] & 0x0F) | 0x40;
        bytes[8] = (bytes[8] & 0x3F) | 0x80;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(36);
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            for nibble in [b >> 4, b & 0xF] {
                s.push(char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0')));
            }
        }
        Nonce(s)
    }

    /// A caller-chosen nonce (for tests and dry runs): 1 to 64 printable ASCII characters.
    pub fn parse(s: &str) -> Option<Nonce> {
        let ok = !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| Nonce(s.to_owned()))
    }

    /// The nonce text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The `Timestamp` (V2) or `x-acs-date` (V3): UTC as `YYYY-MM-DDThh:mm:ssZ`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timestamp(String);

impl Timestamp {
    /// The timestamp for a Unix time in milliseconds (as JS `Date.now()`), years 1970 to 9999.
    pub fn from_unix_millis(ms: f64) -> Option<Timestamp> {
        if !(0.0..253_402_300_800_000.0).contains(&ms) {
            return None;
        }
        // `ms` is not negative here, so truncation is floor (f64::floor needs std).
        let secs = (ms / 1000.0) as i64;
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let mut text = *b"0000-00-00T00:00:00Z";
        let fields = [(0, 4, y), (5, 2, m), (8, 2, d), (11, 2, rem / 3600), (14, 2, rem / 60 % 60), (17, 2, rem % 60)];
        for (at, width, mut value) in fields {
            // Every field is non-negative and fits its width (years are 1970..=9999 here).
            for slot in text.get_mut(at..at + width)?.iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        }
        Some(Timestamp(String::from_utf8(text.to_vec()).ok()?))
    }

    /// A caller-chosen timestamp, which must have the exact `YYYY-MM-DDThh:mm:ssZ` shape.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let shape = b"dddd-dd-ddTdd:dd:ddZ";
        let b = s.as_bytes();
        let ok = b.len() == shape.len() && b.iter().zip(shape).all(|(c, p)| if *p == b'd' { c.is_ascii_digit() } else { c == p });
        ok.then(|| Timestamp(s.to_owned()))
    }

    /// The timestamp text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// How a request is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// HMAC-SHA1 over the form (`SignatureVersion=1.0`, "V2" in Aliyun's SDK pages).
    V2,
    /// `ACS3-HMAC-SHA256` in an `Authorization` header.
    V3,
}

/// Which API is called, where, and in which region.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    /// The API, such as `SingleSendMail`.
    pub action: &'a str,
    /// The product's API version, such as `2015-11-23`.
    pub version: &'a str,
    /// The region id, a V2 common parameter.
    pub region_id: &'a str,
    /// The endpoint URL the request is POSTed to.
    pub url: &'a str,
}

/// The per-request inputs: never read from a clock or an RNG here.
#[derive(Clone, Copy, Debug)]
pub struct Stamp<'a> {
    /// Unique to this request.
    pub nonce: &'a Nonce,
    /// When this request is signed.
    pub timestamp: &'a Timestamp,
}

/// The form body's content type: every parameter travels in a POST body.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// A signed POST: what goes to fetch.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// Where it is POSTed.
    pub url: String,
    /// `Content-Type`, and for V3 the `x-acs-*` headers and `Authorization`.
    pub headers: Vec<(&'static str, String)>,
    /// The form body: the canonical query, plus `Signature` for V2.
    pub body: String,
}

/// Shows the URL and the header names only: the body and the headers can carry the STS token.
impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("SignedRequest").field("url", &self.url).field("headers", &names).finish_non_exhaustive()
    }
}

/// Signs a POST of `params` (the API's own parameters) as `call`, adding the envelope.
pub fn sign_request(
    credentials: &Credentials,
    version: Version,
    call: &Call,
    params: &[(&str, &str)],
    stamp: Stamp,
) -> SignedRequest {
    match version {
        Version::V2 => sign_v2(credentials, call, params, stamp),
        Version::V3 => sign_v3(credentials, call, params, stamp),
    }
}

/// V2: the common parameters join the API's in the body, and `Signature` is appended.
fn sign_v2(credentials: &Credentials, call: &Call, params: &[(&str, &str)], stamp: Stamp) -> SignedRequest {
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 10);
    pairs.extend_from_slice(params);
    pairs.extend_from_slice(&[
        ("AccessKeyId", credentials.access_key_id()),
        ("Action", call.action),
        ("Format", "json"),
        ("RegionId", call.region_id),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", stamp.nonce.as_str()),
        ("SignatureVersion", "1.0"),
        ("Timestamp", stamp.timestamp.as_str()),
        ("Version", call.version),
    ]);
    if let Some(token) = credentials.security_token() {
        pairs.push(("SecurityToken", token));
    }
    let query = CanonicalQuery::new(pairs);
    let signature = Signature::of_query(&credentials.key, Method::Post, &query);
    let encoded_signature = percent_encode(signature.as_str());
    let mut body = query.into_string();
    body.reserve_exact("&Signature=".len() + encoded_signature.len());
    body.push_str("&Signature=");
    body.push_str(&encoded_signature);
    SignedRequest { url: call.url.to_owned(), headers: vec![("Content-Type", CONTENT_TYPE.to_owned())], body }
}

/// V3: the body holds the API's parameters only; the envelope travels in signed headers, with
/// `authorization` last. `host` is signed but not listed: fetch sends it from the URL, and a
/// Worker may not set it.
fn sign_v3(credentials: &Credentials, call: &Call, params: &[(&str, &str)], stamp: Stamp) -> SignedRequest {
    let body = CanonicalQuery::new(params.iter().copied()).into_string();
    let payload = v3::PayloadHash::of(body.as_bytes());
    let mut headers: Vec<(&'static str, String)> = vec![
        ("content-type", CONTENT_TYPE.to_owned()),
        ("x-acs-action", call.action.to_owned()),
        ("x-acs-content-sha256", payload.as_str().to_owned()),
        ("x-acs-date", stamp.timestamp.as_str().to_owned()),
        ("x-acs-signature-nonce", stamp.nonce.as_str().to_owned()),
        ("x-acs-version", call.version.to_owned()),
    ];
    if let Some(token) = credentials.security_token() {
        // As Alibaba's SDKs send temporary credentials: the key id and the token, both signed.
        headers.push(("x-acs-accesskey-id", credentials.access_key_id().to_owned()));
        headers.push(("x-acs-security-token", token.to_owned()));
    }
    let (host, path) = host_and_path(call.url);
    let mut signed: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    signed.push(("host", &host));
    let canonical = v3::CanonicalRequest::new(Method::Post, path, &[], &signed, &payload);
    let signature = v3::Signature::new(credentials.secret(), &v3::StringToSign::new(&canonical));
    let authorization = v3::Authorization::new(credentials.access_key_id(), &canonical, &signature);
    headers.push(("authorization", authorization.into_string()));
    SignedRequest { url: call.url.to_owned(), headers, body }
}

/// The `Host` header fetch sends for an endpoint URL (lower-cased, without a default port), and
/// the URL's path.
pub fn host_and_path(url: &str) -> (String, &str) {
    let (https, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme.eq_ignore_ascii_case("https"), rest),
        None => (true, url),
    };
    let (authority, path) = rest.find('/').map_or((rest, "/"), |at| rest.split_at(at));
    let default_port = if https { ":443" } else { ":80" };
    let host = authority.strip_suffix(default_port).unwrap_or(authority);
    (host.to_ascii_lowercase(), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp() -> (Nonce, Timestamp) {
        (Nonce::parse("n-1").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap())
    }

    const CALL: Call =
        Call { action: "SingleSendMail", version: "2015-11-23", region_id: "cn-hangzhou", url: "https://dm.aliyuncs.com/" };

    #[test]
    fn v2_adds_the_common_parameters_and_signs_them() {
        let (nonce, timestamp) = stamp();
        let credentials = Credentials::new("testid", "testsecret", Some("tok-123".into()));
        let request = sign_request(
            &credentials,
            Version::V2,
            &CALL,
            &[("ToAddress", "a@b.c")],
            Stamp { nonce: &nonce, timestamp: &timestamp },
        );
        let (query, signature) = request.body.rsplit_once("&Signature=").unwrap();
        assert_eq!(
            query,
            "AccessKeyId=testid&Action=SingleSendMail&Format=json&RegionId=cn-hangzhou&SecurityToken=tok-123\
             &SignatureMethod=HMAC-SHA1&SignatureNonce=n-1&SignatureVersion=1.0&Timestamp=2024-01-02T03%3A04%3A05Z\
             &ToAddress=a%40b.c&Version=2015-11-23"
        );
        let pairs: Vec<(String, String)> = [
            ("AccessKeyId", "testid"),
            ("Action", "SingleSendMail"),
            ("Format", "json"),
            ("RegionId", "cn-hangzhou"),
            ("SecurityToken", "tok-123"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "n-1"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2024-01-02T03:04:05Z"),
            ("ToAddress", "a@b.c"),
            ("Version", "2015-11-23"),
        ]
        .iter()
        .map(|(n, v)| ((*n).into(), (*v).into()))
        .collect();
        let direct = crate::sign(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())), Method::Post, "testsecret");
        assert_eq!(signature, percent_encode(direct.signature.as_str()));
        assert_eq!(request.headers, [("Content-Type", CONTENT_TYPE.to_owned())]);
    }

    #[test]
    fn v3_moves_the_envelope_to_signed_headers() {
        let (nonce, timestamp) = stamp();
        let credentials = Credentials::new("testid", "testsecret", Some("tok-123".into()));
        let params = [("ToAddress", "a@b.c"), ("AccountName", "n@x.y")];
        let request = sign_request(&credentials, Version::V3, &CALL, &params, Stamp { nonce: &nonce, timestamp: &timestamp });
        assert_eq!(request.body, "AccountName=n%40x.y&ToAddress=a%40b.c");
        let header = |name: &str| request.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
        assert_eq!(header("x-acs-date"), Some("2024-01-02T03:04:05Z"));
        assert_eq!(header("x-acs-signature-nonce"), Some("n-1"));
        assert_eq!(header("x-acs-security-token"), Some("tok-123"));
        assert_eq!(header("host"), None, "fetch sets Host from the URL");
        let mut signed: Vec<(&str, &str)> =
            request.headers.iter().filter(|(n, _)| *n != "authorization").map(|(n, v)| (*n, v.as_str())).collect();
        signed.push(("host", "dm.aliyuncs.com"));
        let payload = v3::PayloadHash::of(request.body.as_bytes());
        let expected = v3::sign(Method::Post, "/", &[], &signed, &payload, "testid", "testsecret");
        assert_eq!(header("authorization"), Some(expected.authorization.as_str()));
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let (nonce, timestamp) = stamp();
        let credentials = Credentials::new("testid", "top-secret-value", Some("sts-token-value".into()));
        let debug = format!("{credentials:?}");
        assert!(debug.contains("testid") && !debug.contains("top-secret") && !debug.contains("sts-token"), "{debug}");
        for version in [Version::V2, Version::V3] {
            let request = sign_request(&credentials, version, &CALL, &[], Stamp { nonce: &nonce, timestamp: &timestamp });
            let debug = format!("{request:?}");
            assert!(!debug.contains("sts-token") && !debug.contains("top-secret"), "{debug}");
        }
    }

    #[test]
    fn the_host_is_signed_as_fetch_sends_it() {
        assert_eq!(host_and_path("https://DM.aliyuncs.com:443/"), ("dm.aliyuncs.com".into(), "/"));
        assert_eq!(host_and_path("http://127.0.0.1:8787/dm/"), ("127.0.0.1:8787".into(), "/dm/"));
        assert_eq!(host_and_path("http://[::1]:80/"), ("[::1]".into(), "/"));
    }

    #[test]
    fn uuid_v4_and_timestamps_are_well_formed() {
        assert_eq!(Nonce::uuid_v4([0xFF; 16]).as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(Nonce::uuid_v4([0; 16]).as_str(), "00000000-0000-4000-8000-000000000000");
        assert_eq!(Timestamp::from_unix_millis(0.0).unwrap().as_str(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::from_unix_millis(1_476_944_876_999.0).unwrap().as_str(), "2016-10-20T06:27:56Z");
        assert_eq!(Timestamp::from_unix_millis(951_782_400_000.0).unwrap().as_str(), "2000-02-29T00:00:00Z");
        assert_eq!(Timestamp::from_unix_millis(253_402_300_799_999.0).unwrap().as_str(), "9999-12-31T23:59:59Z");
        assert!(Timestamp::from_unix_millis(-1.0).is_none());
        assert!(Timestamp::from_unix_millis(f64::NAN).is_none());
        assert!(Timestamp::parse("2016-10-20 06:27:56Z").is_none());
        assert!(Nonce::parse("").is_none() && Nonce::parse("a b").is_none() && Nonce::parse(&"x".repeat(65)).is_none());
    }
}
