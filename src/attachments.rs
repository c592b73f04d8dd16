//! Attachments, which DirectMail takes only as files uploaded to its OSS bucket first (what its
//! SDK calls the "Advance" flow of `SingleSendMail`): the limits, checked before anything is
//! uploaded; the `AuthorizeFileUpload` call (openplatform, 2019-12-19) that grants one upload; the
//! grant read from its reply, as the form fields of a policy-signed OSS upload; and the
//! `Attachments` parameters of the send. The files' bytes never come here: the JS layer hands them
//! from the caller to fetch.

use crate::config::{Config, SignatureVersion};
use crate::endpoint::is_loopback;
use crate::error::{Error, ErrorCode, Issues};
use crate::fields::{present, string_field};
use crate::header::{breaks_headers, is_invisible};
use crate::limits::{MAX_ATTACHMENTS, MAX_ATTACHMENT_NAME_BYTES, MAX_MAIL_BYTES};
use crate::sign::{self, Call, SignedRequest, Stamp, Version};
use crate::value::Value;
use serde::Serialize;

/// Open Platform's API that grants an upload to DirectMail's bucket.
const AUTHORIZE_ACTION: &str = "AuthorizeFileUpload";
const AUTHORIZE_VERSION: &str = "2019-12-19";
/// Open Platform's endpoint, as Aliyun's SDKs call it.
pub const OPEN_PLATFORM_ENDPOINT: &str = "https://openplatform.aliyuncs.com/";
/// What OSS answers a form upload with, when asked to (`success_action_status`).
pub const UPLOAD_STATUS: u16 = 201;

/// Size of `bytes` base64-encoded in a mail: four characters for three bytes, in lines of 76.
fn encoded_size(bytes: u64) -> u64 {
    let text = bytes.div_ceil(3) * 4;
    text + text.div_ceil(76) * 2
}

/// Checks a mail's attachments (`[{filename, size}]`, the JS layer's reading of each file) against
/// DirectMail's limits, naming each problem `attachments[i].filename` or `attachments`.
pub fn check_attachments(list: &Value) -> Result<usize, Error> {
    let mut issues = Issues::default();
    let Value::Array(items) = list else {
        return Err(Error::invalid(ErrorCode::InvalidRequestParameters, "attachments", "expected an array"));
    };
    if items.len() > MAX_ATTACHMENTS {
        let message = format!("has {} files; DirectMail takes at most {MAX_ATTACHMENTS} in one mail", items.len());
        issues.push("attachments", message);
    }
    let mut total = 0u64;
    for (i, item) in items.iter().enumerate() {
        let path = format!("attachments[{i}].filename");
        match present(item.get("filename")).and_then(|v| string_field(v, &path, MAX_ATTACHMENT_NAME_BYTES, &mut issues)) {
            None if present(item.get("filename")).is_none() => issues.push(&path, "is required"),
            None => {}
            Some(name) if name.trim().is_empty() => issues.push(&path, "must not be empty"),
            Some(name) if name.chars().any(|c| breaks_headers(c) || is_invisible(c)) => {
                issues.push(&path, "must be one line, without control or invisible characters: it names the file in the mail")
            }
            Some(_) => {}
        }
        match item.get("size") {
            Some(Value::Number(n)) if n.fract() == 0.0 && *n >= 0.0 && *n <= 9.0e15 => {
                total = total.saturating_add(encoded_size(*n as u64))
            }
            _ => issues.push(format!("attachments[{i}].content"), "has no size that can be read"),
        }
    }
    if total > MAX_MAIL_BYTES {
        // Tenths of a MB in whole numbers: formatting a float would add kilobytes to the wasm.
        let tenths = u128::from(total) * 10 / 1_048_576;
        let message = format!(
            "come to {}.{} MB base64-encoded, over the {} MB DirectMail takes for a mail: keep the files under 8 MB in all",
            tenths / 10,
            tenths % 10,
            MAX_MAIL_BYTES >> 20
        );
        issues.push("attachments", message);
    }
    issues.finish(ErrorCode::InvalidRequestParameters, || items.len())
}

/// Signs `AuthorizeFileUpload` for DirectMail (`Product=Dm`) in the config's region, with the
/// config's credentials and signature version.
pub fn authorize_upload(config: &Config, stamp: Stamp) -> SignedRequest {
    let region = config.region.id();
    let (version, params): (Version, &[(&str, &str)]) = match config.signature_version {
        // V2 carries RegionId as a common parameter; V3 only among the API's own, as the SDK sends it.
        SignatureVersion::V2 => (Version::V2, &[("Product", "Dm")]),
        SignatureVersion::V3 => (Version::V3, &[("Product", "Dm"), ("RegionId", region)]),
    };
    let call =
        Call { action: AUTHORIZE_ACTION, version: AUTHORIZE_VERSION, region_id: region, url: config.open_platform_endpoint() };
    sign::sign_request(&config.credentials, version, &call, params, stamp)
}

crate::raw_fields! {
    /// `AuthorizeFileUpload`'s reply, as JSON reads it.
    pub struct RawGrant {
        bucket: "Bucket" => take,
        endpoint: "Endpoint" => take,
        object_key: "ObjectKey" => take,
        access_key_id: "AccessKeyId" => take,
        encoded_policy: "EncodedPolicy" => take,
        signature: "Signature" => take,
    }
}

/// One granted upload: where to POST the form, its fields in order (the file goes last), and the
/// URL DirectMail fetches the file from, as the SDK writes it.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadGrant {
    pub url: String,
    pub fields: Vec<(&'static str, String)>,
    /// The file part's name: the object key.
    pub key: String,
    pub attachment_url: String,
}

/// A bucket name as OSS allows one.
fn is_bucket(s: &str) -> bool {
    (3..=63).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An OSS endpoint (`oss-cn-hangzhou.aliyuncs.com`), or a loopback `host:port` (only an emulator
/// answers with one); whether it is loopback.
fn oss_endpoint(s: &str) -> Option<bool> {
    let (host, port) = match s.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host, Some(port))
        }
        Some(_) => return None,
        None => (s, None),
    };
    if is_loopback(host) {
        return port.map(|_| true);
    }
    let label =
        |l: &str| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (port.is_none() && host.ends_with(".aliyuncs.com") && host.split('.').all(label)).then_some(false)
}

/// An object key that goes into a URL as it is: printable ASCII without what a URL would read as
/// a delimiter.
fn is_object_key(s: &str) -> bool {
    (1..=1023).contains(&s.len())
        && !s.starts_with('/')
        && s.bytes().all(|b| (0x21..0x7F).contains(&b) && !b"\"<>\\^`{|}#?%".contains(&b))
}

/// Reads a grant, checking each field by its shape: the upload goes where the reply says, so a
/// reply that is not Aliyun's cannot send a file anywhere but an Aliyun OSS host (or a loopback
/// emulator). No field is quoted in an error.
pub fn parse_upload_grant(raw: RawGrant) -> Result<UploadGrant, Error> {
    let text = |value: &Option<Value>| present(value.as_ref()).and_then(Value::as_str).map(str::to_owned);
    let token = |value: &Option<Value>| {
        text(value).filter(|s| !s.is_empty() && s.len() <= 8192 && s.bytes().all(|b| (0x21..0x7F).contains(&b)))
    };
    let mut wrong = Vec::new();
    let bucket = text(&raw.bucket).filter(|b| is_bucket(b));
    let endpoint = text(&raw.endpoint).and_then(|e| oss_endpoint(&e).map(|loopback| (e, loopback)));
    let key = text(&raw.object_key).filter(|k| is_object_key(k));
    let access_key_id = token(&raw.access_key_id);
    let policy = token(&raw.encoded_policy);
    let signature = token(&raw.signature);
    for (name, ok) in [
        ("Bucket", bucket.is_some()),
        ("Endpoint", endpoint.is_some()),
        ("ObjectKey", key.is_some()),
        ("AccessKeyId", access_key_id.is_some()),
        ("EncodedPolicy", policy.is_some()),
        ("Signature", signature.is_some()),
    ] {
        if !ok {
            wrong.push(name);
        }
    }
    let (Some(bucket), Some((endpoint, loopback)), Some(key), Some(access_key_id), Some(policy), Some(signature)) =
        (bucket, endpoint, key, access_key_id, policy, signature)
    else {
        let message = format!("AuthorizeFileUpload answered without a usable {}", wrong.join(", "));
        return Err(Error::invalid_reply(200, message));
    };
    // The SDK posts to `{Bucket}.{Endpoint}` unless its client asks for OSS acceleration, which
    // this package does not: UseAccelerate is not read.
    let url = if loopback { format!("http://{endpoint}/") } else { format!("https://{bucket}.{endpoint}/") };
    let attachment_url = format!("http://{bucket}.{endpoint}/{key}");
    let fields = vec![
        ("OSSAccessKeyId", access_key_id),
        ("policy", policy),
        ("Signature", signature),
        ("key", key.clone()),
        ("success_action_status", UPLOAD_STATUS.to_string()),
    ];
    Ok(UploadGrant { url, fields, key, attachment_url })
}

/// An uploaded attachment, as a send's `attachments` option names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub url: String,
}

/// Reads a send's `attachments` option (`[{name, url}]`, after the uploads), naming each problem.
pub fn parse_uploaded(value: &Value, path: &str, issues: &mut Issues) -> Vec<Attachment> {
    let Value::Array(items) = value else {
        issues.push(path, "expected an array of {name, url}");
        return Vec::new();
    };
    if items.len() > MAX_ATTACHMENTS {
        issues.push(path, format!("has {} files; DirectMail takes at most {MAX_ATTACHMENTS}", items.len()));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = |key: &str, max: usize, issues: &mut Issues| {
            let at = format!("{path}[{i}].{key}");
            match present(item.get(key)) {
                None => {
                    issues.push(&at, "is required");
                    None
                }
                Some(v) => string_field(v, &at, max, issues),
            }
        };
        let name = field("name", MAX_ATTACHMENT_NAME_BYTES, issues);
        let url = field("url", 2048, issues);
        if name.as_deref().is_some_and(|n| n.trim().is_empty() || n.chars().any(|c| breaks_headers(c) || is_invisible(c))) {
            issues.push(format!("{path}[{i}].name"), "must be one line, without control or invisible characters");
        }
        if url.as_deref().is_some_and(|u| !u.starts_with("http://") && !u.starts_with("https://")) {
            issues.push(format!("{path}[{i}].url"), "must be the http(s) URL of the uploaded file");
        }
        if let (Some(name), Some(url)) = (name, url) {
            out.push(Attachment { name, url });
        }
    }
    out
}

/// The `Attachments` parameters, numbered from 1 as Aliyun's SDKs flatten a list of objects.
pub fn attachment_params(attachments: &[Attachment]) -> Vec<(String, &str)> {
    let mut params = Vec::with_capacity(attachments.len() * 2);
    for (i, a) in attachments.iter().enumerate() {
        params.push((format!("Attachments.{}.AttachmentName", i + 1), a.name.as_str()));
        params.push((format!("Attachments.{}.AttachmentUrl", i + 1), a.url.as_str()));
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> RawGrant {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_limits_are_checked_before_any_upload() {
        let list = |items: &str| serde_json::from_str::<Value>(items).unwrap();
        assert_eq!(check_attachments(&list(r#"[{"filename":"a.pdf","size":1000}]"#)), Ok(1));
        let e = check_attachments(&list(r#"[{"filename":"a\nb","size":1},{"filename":" ","size":1},{"size":-1}]"#)).unwrap_err();
        assert_eq!(
            e.paths(),
            ["attachments[0].filename", "attachments[1].filename", "attachments[2].filename", "attachments[2].content"]
        );
        // 11.3 MiB of files is 15.3 MiB base64-encoded in lines.
        let e = check_attachments(&list(r#"[{"filename":"big.bin","size":11850000}]"#)).unwrap_err();
        assert_eq!(e.paths(), ["attachments"]);
        // Sizes that would overflow a sum are refused, not wrapped.
        let huge = format!("[{}]", vec![r#"{"filename":"a","size":9000000000000000}"#; 3000].join(","));
        assert_eq!(check_attachments(&list(&huge)).unwrap_err().paths(), ["attachments", "attachments"]);
        let many = format!("[{}]", vec![r#"{"filename":"a","size":1}"#; 101].join(","));
        assert_eq!(check_attachments(&list(&many)).unwrap_err().paths(), ["attachments"]);
    }

    #[test]
    fn a_grant_is_read_by_its_shape() {
        let good = r#"{"Bucket":"dm-upload","Endpoint":"oss-cn-hangzhou.aliyuncs.com","ObjectKey":"dm/1/a.tmp",
            "AccessKeyId":"LTAIoss","EncodedPolicy":"eyJ9","Signature":"c2ln","UseAccelerate":false}"#;
        let grant = parse_upload_grant(raw(good)).unwrap();
        assert_eq!(grant.url, "https://dm-upload.oss-cn-hangzhou.aliyuncs.com/");
        assert_eq!(grant.attachment_url, "http://dm-upload.oss-cn-hangzhou.aliyuncs.com/dm/1/a.tmp");
        assert_eq!(grant.fields.last(), Some(&("success_action_status", "201".to_owned())));
        let local = good.replace("oss-cn-hangzhou.aliyuncs.com", "127.0.0.1:8787");
        assert_eq!(parse_upload_grant(raw(&local)).unwrap().url, "http://127.0.0.1:8787/");
        for bad in ["evil.example.com", "oss.aliyuncs.com.evil.com", "127.0.0.1", "oss-cn-hangzhou.aliyuncs.com:444"] {
            let e = parse_upload_grant(raw(&good.replace("oss-cn-hangzhou.aliyuncs.com", bad))).unwrap_err();
            assert!(e.message.contains("Endpoint"), "{bad}: {}", e.message);
        }
        let e = parse_upload_grant(raw(r#"{"Bucket":"Bad_Bucket","ObjectKey":"a?b"}"#)).unwrap_err();
        assert!(e.message.contains("Bucket, Endpoint, ObjectKey, AccessKeyId, EncodedPolicy, Signature"), "{}", e.message);
    }
}
