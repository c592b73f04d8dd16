//! Mailboxes in Logto's per-locale email templates (`sendFrom`, `replyTo`), read as
//! `@logto/connector-kit` 5.1's `parseSendFrom` reads them, so that `"Name <addr>"` gives the
//! display name `Name`.

use crate::template::is_js_space;

/// A mailbox: an address and maybe a display name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    pub email: String,
    pub name: Option<String>,
}

/// connector-kit's `stripHeaderControlChars`: every code point up to 31, and 127, removed.
fn strip_controls(s: &str) -> String {
    s.chars().filter(|&c| u32::from(c) > 31 && c != '\u{7F}').collect()
}

/// JS `String.prototype.trim`.
fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_space)
}

/// connector-kit's `sanitizeMailboxDisplayName` and `sanitizeMailboxAddress`, which are the same:
/// controls and angle brackets removed, then trimmed.
fn sanitize(s: &str) -> String {
    js_trim(&strip_controls(s).replace(['<', '>'], "")).to_owned()
}

/// `Name <email>`, found without backtracking as connector-kit's `parseMailboxFormat` does: the
/// address is between the last `<` after any earlier `>` and the final `>`.
fn parse_mailbox_format(value: &str) -> Option<(Option<&str>, &str)> {
    let close = value.len().checked_sub(1).filter(|_| value.ends_with('>'))?;
    let search_from = value.get(..close)?.rfind('>').map_or(0, |at| at + 1);
    let open = search_from + value.get(search_from..)?.find('<')?;
    if close <= open {
        return None;
    }
    let email = js_trim(value.get(open + 1..close)?);
    if email.is_empty() {
        return None;
    }
    let name = js_trim(value.get(..open)?);
    Some(((!name.is_empty()).then_some(name), email))
}

/// connector-kit's `parseSendFrom(rendered, fallbackEmail, fallbackName)`.
pub fn parse_send_from(rendered: &str, fallback_email: &str, fallback_name: Option<&str>) -> Mailbox {
    let stripped = strip_controls(rendered);
    let value = js_trim(&stripped);
    if let Some((name, email)) = parse_mailbox_format(value) {
        return Mailbox { email: sanitize(email), name: name.map(sanitize) };
    }
    if value.contains('@') && !value.contains(' ') {
        return Mailbox { email: sanitize(value), name: None };
    }
    let display = if value.is_empty() { fallback_name.filter(|n| !n.is_empty()) } else { Some(value) };
    let name = display.map(sanitize).filter(|n| !n.is_empty());
    Mailbox { email: sanitize(fallback_email), name }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(rendered: &str) -> (String, Option<String>) {
        let m = parse_send_from(rendered, "noreply@example.com", Some("Fallback"));
        (m.email, m.name)
    }

    #[test]
    fn reads_send_from_as_connector_kit_does() {
        // The cases of connector-kit's own smtp-mailbox tests.
        assert_eq!(parsed("Support <support@example.com>"), ("support@example.com".into(), Some("Support".into())));
        assert_eq!(parsed("My <App> <support@example.com>"), ("support@example.com".into(), Some("My App".into())));
        assert_eq!(parsed("Brand <bad<addr@example.com>"), ("badaddr@example.com".into(), Some("Brand".into())));
        assert_eq!(parsed("Test App"), ("noreply@example.com".into(), Some("Test App".into())));
        assert_eq!(parsed("support@example.com"), ("support@example.com".into(), None));
        assert_eq!(parsed("  "), ("noreply@example.com".into(), Some("Fallback".into())));
        assert_eq!(parsed("A\r\nB <x@y.z>"), ("x@y.z".into(), Some("AB".into())));
        assert_eq!(parsed("<>"), ("noreply@example.com".into(), None));
    }
}
