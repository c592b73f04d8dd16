//! Every cap the core applies, in one place: DirectMail's own field limits (SingleSendMail, doc
//! detail 29444), and the sizes past which input is refused before it can grow wasm memory, which
//! never shrinks.

/// Subject: at most 100 characters (the stricter of the two published limits, and the one
/// `InvalidSubject.Malformed` states).
pub const MAX_SUBJECT_CHARS: usize = 100;
/// FromAlias: fewer than 15 characters.
pub const MAX_FROM_ALIAS_CHARS: usize = 14;
/// ToAddress: at most 100 comma-separated recipients.
pub const MAX_RECIPIENTS: usize = 100;
/// Longest `to` accepted, in bytes: 100 addresses of 256 bytes each, with their commas.
pub const MAX_TO_BYTES: usize = MAX_RECIPIENTS * 257;
/// Longest mail address accepted, in bytes.
pub const MAX_ADDRESS_BYTES: usize = 256;
/// Longest local part of an address, in bytes (RFC 5321).
pub const MAX_LOCAL_PART_BYTES: usize = 64;
/// TagName: 1 to 128 characters.
pub const MAX_TAG_NAME_CHARS: usize = 128;
/// `Headers`: DirectMail takes at most 10 and ignores any beyond.
pub const MAX_HEADERS: usize = 10;
/// Longest header name accepted, in bytes. DirectMail states none; its own names are under 40, and
/// a mail header line should stay under 78 characters.
pub const MAX_HEADER_NAME_BYTES: usize = 64;
/// `BccAddress`: at most 2 recipients.
pub const MAX_BCC: usize = 2;
/// Longest rendered body accepted, in bytes: DirectMail takes a few MB in a POST body.
pub const MAX_BODY_BYTES: usize = 2 << 20;
/// Longest rendered subject or alias before the API's own limits apply, in bytes.
pub const MAX_HEADER_BYTES: usize = 4096;

/// Longest template subject or content a send brings (Logto's i18n template) or `renderTemplate`
/// takes, in bytes: what a rendered body may be. A config's templates have no cap of their own.
pub const MAX_TEMPLATE_BYTES: usize = MAX_BODY_BYTES;
/// Longest short field (keys, account name, alias, endpoint, a header value), in bytes.
pub const MAX_FIELD_BYTES: usize = 1024;
/// Longest STS security token, in bytes; real ones are a few hundred to about 2,000.
pub const MAX_TOKEN_BYTES: usize = 8192;
/// Deepest nesting of a value; deeper input would risk overflowing the stack, a trap in wasm.
pub const MAX_DEPTH: usize = 32;

/// Per-request timeout when none is set, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// Per-request timeouts accepted, in milliseconds.
pub const TIMEOUT_MS_RANGE: (u32, u32) = (100, 120_000);
/// Most retries: retries are only for sends that cannot have delivered.
pub const MAX_RETRIES: u32 = 3;

/// Largest reply read, in bytes: DirectMail's replies are under 1 KB, so anything near this is not one.
pub const MAX_REPLY_BYTES: usize = 1 << 20;

/// Most parameters of an RPC call signed for the credentials providers and the operator's checks:
/// Aliyun's APIs take a few dozen at most.
pub const MAX_PARAMS: usize = 100;

/// Largest delivery event read, in bytes of text: DirectMail's are about 1 KB, and an MNS message
/// body is at most 64 KiB, base64 included.
pub const MAX_EVENT_BYTES: usize = 256 << 10;
/// How much of each text of an Aliyun error (its Code, Message, RequestId…) an error quotes, in
/// bytes: `SignatureDoesNotMatch` quotes the string-to-sign, which the operator may need whole.
pub const ALIYUN_TEXT_BYTES: usize = 4096;
/// How much of an unexpected reply body an error quotes, in bytes.
pub const BODY_EXCERPT_BYTES: usize = 512;

/// Length as Aliyun's Java server counts it: UTF-16 code units.
pub fn chars(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Files one mail may carry (DirectMail's attachment guide).
pub const MAX_ATTACHMENTS: usize = 100;
/// A mail with attachments may be 15 MB as sent, the files base64-encoded in it; Aliyun suggests
/// keeping the files themselves under 8 MB.
pub const MAX_MAIL_BYTES: u64 = 15 * 1024 * 1024;
/// An attachment's name, in bytes.
pub const MAX_ATTACHMENT_NAME_BYTES: usize = 255;
/// An idempotency key, in bytes: short enough for any store's key (Workers KV takes 512).
pub const MAX_IDEMPOTENCY_KEY_BYTES: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_like_java() {
        assert_eq!(chars("abc"), 3);
        assert_eq!(chars("中文"), 2);
        assert_eq!(chars("😀"), 2);
    }
}
