//! Signature V3, `ACS3-HMAC-SHA256`, one type per stage: canonical request, string-to-sign,
//! signature, and the `Authorization` header they make.
//!
//! Source: Aliyun's "V3 request structure and signature" page (help.aliyun.com, SDK reference,
//! `v3-request-structure-and-signature`), which `@alicloud/openapi-util`'s `getAuthorization`
//! follows; the property test in `js-tests/signature-v3.test.js` checks every stage against it.

use crate::{name_order, percent_encode_bytes, CanonicalQuery, Method};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::fmt::Write as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The algorithm's name, the first line of the string-to-sign and the first word of `Authorization`.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Appends `bytes` as lowercase hex, as V3 writes every hash.
fn push_hex(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    push_hex(&mut out, &Sha256::digest(bytes));
    out
}

/// The hex SHA-256 of the request body: the `x-acs-content-sha256` header and the canonical
/// request's last line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayloadHash(String);

impl PayloadHash {
    /// Hashes `body`, as sent.
    pub fn of(body: &[u8]) -> Self {
        PayloadHash(sha256_hex(body))
    }
}

text_stage!(PayloadHash, "The lowercase hex digest.");

/// Whether a header takes part in the signature: `host`, `content-type` and every `x-acs-*`.
pub fn is_signed_header(lowercase_name: &str) -> bool {
    lowercase_name == "host" || lowercase_name == "content-type" || lowercase_name.starts_with("x-acs-")
}

/// Stage 1: method, path, canonical query, canonical headers, signed header names and payload
/// hash, one per line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalRequest {
    text: String,
    signed_headers: String,
}

impl CanonicalRequest {
    /// Builds the canonical request. `path` is encoded segment by segment; `query` is sorted and
    /// encoded as the V1 canonical query is; of `headers`, those [`is_signed_header`] names are
    /// lower-cased, sorted, trimmed, and a repeated name's values joined with `,` in sorted order.
    pub fn new(method: Method, path: &str, query: &[(&str, &str)], headers: &[(&str, &str)], payload: &PayloadHash) -> Self {
        let mut signed: Vec<(String, &str)> = headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()))
            .filter(|(name, _)| is_signed_header(name))
            .collect();
        signed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| name_order(a.1, b.1)));

        let mut text = String::new();
        text.push_str(method.as_str());
        text.push('\n');
        if path.is_empty() {
            text.push('/');
        }
        for (i, segment) in path.split('/').enumerate() {
            if i > 0 {
                text.push('/');
            }
            let mut encoded = Vec::with_capacity(3 * segment.len() + 1);
            percent_encode_bytes(&mut encoded, segment.as_bytes());
            text.push_str(&String::from_utf8(encoded).unwrap_or_default());
        }
        text.push('\n');
        text.push_str(CanonicalQuery::new(query.iter().copied()).as_str());
        text.push('\n');
        let mut signed_headers = String::new();
        let mut previous: Option<&str> = None;
        for (name, value) in &signed {
            if previous == Some(name.as_str()) {
                text.pop();
                text.push(',');
            } else {
                if previous.is_some() {
                    signed_headers.push(';');
                }
                signed_headers.push_str(name);
                text.push_str(name);
                text.push(':');
            }
            text.push_str(value);
            text.push('\n');
            previous = Some(name.as_str());
        }
        text.push('\n');
        text.push_str(&signed_headers);
        text.push('\n');
        text.push_str(payload.as_str());
        CanonicalRequest { text, signed_headers }
    }

    /// The canonical request text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The signed header names, `;`-separated: the `SignedHeaders` of `Authorization`.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Stage 2: `ACS3-HMAC-SHA256\n` and the hex SHA-256 of the canonical request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringToSign(String);

impl StringToSign {
    /// Builds the string-to-sign of `request`.
    pub fn new(request: &CanonicalRequest) -> Self {
        let mut out = String::with_capacity(ALGORITHM.len() + 1 + 64);
        out.push_str(ALGORITHM);
        out.push('\n');
        push_hex(&mut out, &Sha256::digest(request.text.as_bytes()));
        StringToSign(out)
    }
}

text_stage!(StringToSign, "The string-to-sign text.");

/// Stage 3: hex HMAC-SHA256, keyed with the AccessKey secret itself (no `&`, unlike V1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature(String);

impl Signature {
    /// Signs with the AccessKey secret; the secret is not kept.
    pub fn new(secret: &str, string_to_sign: &StringToSign) -> Self {
        // HMAC takes keys of any length (RFC 2104), so the fallback is never taken.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        mac.update(string_to_sign.0.as_bytes());
        let mut out = String::with_capacity(64);
        push_hex(&mut out, &mac.finalize().into_bytes());
        Signature(out)
    }
}

text_stage!(Signature, "The lowercase hex signature.");

/// The `Authorization` header: algorithm, `Credential`, `SignedHeaders` and `Signature`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization(String);

impl Authorization {
    /// The header value for `access_key_id`'s `signature` over `request`.
    pub fn new(access_key_id: &str, request: &CanonicalRequest, signature: &Signature) -> Self {
        let mut out = String::with_capacity(ALGORITHM.len() + access_key_id.len() + request.signed_headers.len() + 110);
        out.push_str(ALGORITHM);
        out.push_str(" Credential=");
        out.push_str(access_key_id);
        out.push_str(",SignedHeaders=");
        out.push_str(&request.signed_headers);
        out.push_str(",Signature=");
        out.push_str(signature.as_str());
        Authorization(out)
    }

    /// The header value, without a copy.
    pub fn into_string(self) -> String {
        self.0
    }
}

text_stage!(Authorization, "The header value.");

/// All stages of one V3 signing, for debugging a `SignatureDoesNotMatch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    pub canonical_request: CanonicalRequest,
    pub string_to_sign: StringToSign,
    pub signature: Signature,
    pub authorization: Authorization,
}

/// Signs a request whose body hashes to `payload`, with every stage kept.
pub fn sign(
    method: Method,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    payload: &PayloadHash,
    access_key_id: &str,
    secret: &str,
) -> Signed {
    let canonical_request = CanonicalRequest::new(method, path, query, headers, payload);
    let string_to_sign = StringToSign::new(&canonical_request);
    let signature = Signature::new(secret, &string_to_sign);
    let authorization = Authorization::new(access_key_id, &canonical_request, &signature);
    Signed { canonical_request, string_to_sign, signature, authorization }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_hash_of_nothing_is_sha256_of_the_empty_string() {
        assert_eq!(PayloadHash::of(b"").as_str(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn only_host_content_type_and_x_acs_headers_are_signed_lowercased_and_sorted() {
        let headers = [
            ("X-Acs-Date", " 2024-01-02T03:04:05Z "),
            ("User-Agent", "x"),
            ("host", "dm.aliyuncs.com"),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("x-acs-action", "SingleSendMail"),
            ("Authorization", "old"),
        ];
        let request = CanonicalRequest::new(Method::Post, "/", &[], &headers, &PayloadHash::of(b""));
        assert_eq!(request.signed_headers(), "content-type;host;x-acs-action;x-acs-date");
        assert_eq!(
            request.as_str(),
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:dm.aliyuncs.com\n\
             x-acs-action:SingleSendMail\nx-acs-date:2024-01-02T03:04:05Z\n\n\
             content-type;host;x-acs-action;x-acs-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn a_repeated_header_joins_its_sorted_values() {
        let headers = [("x-acs-b", "2"), ("X-ACS-B", "1"), ("x-acs-a", "0")];
        let request = CanonicalRequest::new(Method::Get, "/", &[], &headers, &PayloadHash::of(b""));
        assert!(request.as_str().contains("\nx-acs-a:0\nx-acs-b:1,2\n\nx-acs-a;x-acs-b\n"), "{}", request);
    }

    #[test]
    fn the_path_is_encoded_by_segment_and_the_query_like_v1() {
        let request = CanonicalRequest::new(Method::Get, "/a b/c*", &[("b", "x y"), ("a", "")], &[], &PayloadHash::of(b""));
        assert!(request.as_str().starts_with("GET\n/a%20b/c%2A\na=&b=x%20y\n\n\n"), "{}", request);
    }

    #[test]
    fn the_authorization_names_the_key_the_signed_headers_and_the_signature() {
        let signed = sign(Method::Post, "/", &[], &[("host", "h")], &PayloadHash::of(b""), "AK", "secret");
        assert_eq!(
            signed.authorization.as_str(),
            format!("ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature={}", signed.signature)
        );
        assert_eq!(signed.signature.as_str().len(), 64);
        assert!(signed.string_to_sign.as_str().starts_with("ACS3-HMAC-SHA256\n"));
    }
}
