//! The one rule for what may stand in a mail header's value, and DirectMail's rules for the
//! fields that go into headers: tag names and addresses.

use crate::limits::{MAX_ADDRESS_BYTES, MAX_LOCAL_PART_BYTES, MAX_TAG_NAME_CHARS};
use std::borrow::Cow;

/// Whether a character could end or start a header line, or hide in one: every C0 and C1 control
/// (CR, LF, NUL, VT, FF, NEL among them), DEL, and Unicode's line and paragraph separators.
pub fn breaks_headers(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Whether a character is invisible or reorders text: Unicode's bidirectional controls (U+061C,
/// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and its default-ignorable characters (zero-width
/// spaces and joiners, U+FEFF, the soft hyphen, variation selectors, tags…). In an address they
/// make two different texts look the same; in an error or a log they hide or reorder what follows.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Whether `value` stays on one header line.
pub fn is_header_value(value: &str) -> bool {
    !value.chars().any(breaks_headers)
}

/// Whether `value` can be an HTTP header value as fetch sends it: printable ASCII only (fetch
/// refuses anything else with a TypeError that quotes the value).
pub fn is_http_header_value(value: &str) -> bool {
    value.bytes().all(|b| (0x20..0x7F).contains(&b))
}

/// A rendered header value (Subject, FromAlias, ReplyAddressAlias) with every [`breaks_headers`]
/// character removed, so no value can start a new header line.
pub fn header_safe<'a>(s: impl Into<Cow<'a, str>>) -> Cow<'a, str> {
    let s = s.into();
    if is_header_value(&s) {
        s
    } else {
        Cow::Owned(s.chars().filter(|&c| !breaks_headers(c)).collect())
    }
}

/// Whether `tag` is a valid TagName: 1–128 letters, digits, `_` or `-`.
pub fn is_tag_name(tag: &str) -> bool {
    !tag.is_empty() && tag.len() <= MAX_TAG_NAME_CHARS && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `value` names more than one address (a list where one sender is meant): more than one
/// `@`, or a `,` or `;` between addresses.
pub fn lists_addresses(value: &str) -> bool {
    value.matches('@').count() > 1 || (value.contains('@') && value.contains([',', ';']))
}

/// A single mail address as DirectMail takes one: `local@domain`, at most 256 bytes. The local
/// part is dot-separated atoms of RFC 5322's `atext` (or characters past ASCII); the domain is
/// dot-separated labels of letters, digits and `-`. Nothing invisible, bidirectional, blank or
/// separating (`;`, `,`, a second `@`) passes, so no list or look-alike does.
pub fn is_mail_address(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    // Past ASCII: letters of other scripts, never a control, a blank or an invisible character.
    let visible = |c: char| !c.is_ascii() && !c.is_whitespace() && !c.is_control() && !is_invisible(c);
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c) || visible(c);
    let label = |c: char| c.is_ascii_alphanumeric() || c == '-' || visible(c);
    let dotted = |part: &str, ok: &dyn Fn(char) -> bool| part.split('.').all(|atom| !atom.is_empty() && atom.chars().all(ok));
    address.len() <= MAX_ADDRESS_BYTES
        && local.len() <= MAX_LOCAL_PART_BYTES
        && dotted(local, &atext)
        && domain.contains('.')
        && dotted(domain, &label)
        && !domain.split('.').any(|l| l.starts_with('-') || l.ends_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_and_addresses() {
        assert!(is_tag_name("signup_2024-a"));
        assert!(!is_tag_name("") && !is_tag_name("a b") && !is_tag_name(&"x".repeat(129)));
        assert!(is_mail_address("a@b.co") && is_mail_address("a.b+c@mail.example.com"));
        assert!(is_mail_address("o'neil+tag@例え.jp") && is_mail_address("用户@example.com"));
        for bad in [
            "",
            "a",
            "a@b",
            "@b.c",
            "a@.b",
            "a@b.",
            "a b@c.d",
            "a@b.c,d@e.f",
            "a@b.c\n",
            "a@@b.cd",
            "a@b.c;d@e.f",
            "a..b@c.d",
            ".a@b.c",
            "a.@b.c",
            "a@-b.c",
            "a@b..c",
            "\u{200B}a@b.c",
            "a\u{FEFF}@b.c",
            "a@b\u{202E}.c",
            "a\u{2028}@b.c",
            "\"a b\"@c.d",
        ] {
            assert!(!is_mail_address(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_list_of_addresses_is_told_from_one() {
        for list in ["a@b.c,d@e.f", "a@b.c; d@e.f", "a@b.c d@e.f", "a@b.c,"] {
            assert!(lists_addresses(list), "{list:?}");
        }
        for one in ["a@b.c", " a@b.c ", "noreply", "", "Team, Inc"] {
            assert!(!lists_addresses(one), "{one:?}");
        }
    }

    #[test]
    fn header_values_lose_every_line_breaking_character() {
        let breaking = "a\u{0}b\u{0B}c\u{0C}d\u{7F}e\u{85}f\u{2028}g\u{2029}h\ti\r\nj";
        assert!(!is_header_value(breaking));
        assert_eq!(header_safe(breaking), "abcdefghij");
        assert!(matches!(header_safe("plain"), Cow::Borrowed("plain")));
    }
}
