//! DirectMail's field limits, checked before sending (DESIGN §4; SingleSendMail, doc-detail 29444).

/// Subject: at most 100 characters (the stricter of the two published limits, and the one
/// `InvalidSubject.Malformed` states).
pub const MAX_SUBJECT_CHARS: usize = 100;
/// FromAlias: fewer than 15 characters.
pub const MAX_FROM_ALIAS_CHARS: usize = 14;
/// ToAddress: at most 100 comma-separated recipients.
pub const MAX_RECIPIENTS: usize = 100;
/// TagName: 1 to 128 characters.
pub const MAX_TAG_NAME_CHARS: usize = 128;
/// Longest rendered body accepted, in bytes: DirectMail takes a few MB in a POST body.
pub const MAX_BODY_BYTES: usize = 2 << 20;

/// Length as Aliyun's Java server counts it: UTF-16 code units.
pub fn chars(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Whether `tag` is a valid TagName: 1–128 letters, digits, `_` or `-`.
pub fn is_tag_name(tag: &str) -> bool {
    !tag.is_empty() && tag.len() <= MAX_TAG_NAME_CHARS && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A plausible single mail address: `local@domain`, no spaces, commas or control characters.
pub fn is_mail_address(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && address.len() <= 256
        && !address.chars().any(|c| c.is_whitespace() || c.is_control() || c == ',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_like_java() {
        assert_eq!(chars("abc"), 3);
        assert_eq!(chars("中文"), 2);
        assert_eq!(chars("😀"), 2);
    }

    #[test]
    fn tag_names_and_addresses() {
        assert!(is_tag_name("signup_2024-a"));
        assert!(!is_tag_name("") && !is_tag_name("a b") && !is_tag_name(&"x".repeat(129)));
        assert!(is_mail_address("a@b.co") && is_mail_address("a.b+c@mail.example.com"));
        for bad in ["", "a", "a@b", "@b.c", "a@.b", "a@b.", "a b@c.d", "a@b.c,d@e.f", "a@b.c\n"] {
            assert!(!is_mail_address(bad), "{bad:?}");
        }
    }
}
