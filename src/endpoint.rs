//! An endpoint override: https anywhere, plain http only to loopback (a local emulator), written
//! exactly as fetch will send it.
//!
//! V3 signs the host and the path as written, and fetch sends them as the WHATWG URL parser
//! rewrites them: `HTTPS://DM.Example.com:0443/a/../%2e%2e\\x` goes out as
//! `https://dm.example.com/x`, and the signature no longer matches. So an endpoint is accepted
//! only in the form that parser leaves unchanged, and any other is refused naming what to change.

use crate::limits::MAX_FIELD_BYTES;

/// Checks an endpoint override and returns it with a `/` path when it had none.
pub fn parse_endpoint(url: &str) -> Result<String, String> {
    if url.len() > MAX_FIELD_BYTES {
        return Err(format!("must be at most {MAX_FIELD_BYTES} bytes"));
    }
    if url.bytes().any(|b| b <= b' ' || b == 0x7F || b >= 0x80) {
        return Err("must be an absolute URL without spaces or control characters".into());
    }
    let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else if strip_prefix_ignore_case(url, "https://").or_else(|| strip_prefix_ignore_case(url, "http://")).is_some() {
        return Err("must spell its scheme in lowercase, as fetch sends it".into());
    } else {
        return Err("must start with https:// (or http:// for a loopback address)".into());
    };
    // Every byte is now printable ASCII, so any byte index is a char boundary.
    let authority_end = rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#' | b'\\')).unwrap_or(rest.len());
    let (authority, path) = (rest.get(..authority_end).unwrap_or(rest), rest.get(authority_end..).unwrap_or(""));
    if authority.bytes().any(|b| b == b'@') {
        return Err("must not contain credentials".into());
    }
    let (host, port) = split_host_port(authority).ok_or("has an invalid host or port")?;
    if host.is_empty() {
        return Err("has no host".into());
    }
    check_host(host, authority.starts_with('['))?;
    if let Some(port) = port {
        check_port(port, if https { "443" } else { "80" })?;
    }
    if !https && !is_loopback(host) {
        return Err("must use https unless the host is loopback (127.0.0.0/8, ::1, localhost)".into());
    }
    if path.bytes().any(|b| matches!(b, b'?' | b'#')) {
        return Err("must not have a query or fragment".into());
    }
    check_path(path)?;
    let mut normalized = url.to_owned();
    if path.is_empty() {
        normalized.push('/');
    }
    Ok(normalized)
}

/// A host as the URL parser writes it: a lowercase name, a dotted-decimal IPv4 address without
/// leading zeros (the parser reads `0x7f.1` and `0177.0.0.1` as 127.0.0.1), or `[::1]`.
fn check_host(host: &str, bracketed: bool) -> Result<(), String> {
    // The parser rewrites IPv6 addresses to their shortest form; only loopback's is taken, for an
    // emulator: DirectMail's endpoints are names.
    if bracketed {
        return if host == "::1" { Ok(()) } else { Err("may be an IPv6 address only as [::1]: use a host name".into()) };
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("must spell its host in lowercase, as fetch sends it".into());
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return Err("has an empty label in its host (a leading, trailing or doubled dot)".into());
    }
    if !labels.iter().all(|l| l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')) {
        return Err("must have a host of letters, digits, - and _ (punycode for other names)".into());
    }
    // The parser reads a host whose last label is a number as an IPv4 address, in any base.
    let last = labels.last().copied().unwrap_or_default();
    let numeric = last.bytes().all(|b| b.is_ascii_digit())
        || last.strip_prefix("0x").is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
    let canonical_octet = |l: &&str| l.parse::<u8>().is_ok_and(|n| n.to_string() == *l);
    if numeric && !(labels.len() == 4 && labels.iter().all(canonical_octet)) {
        return Err(
            "must write an IPv4 address as four decimal numbers without leading zeros (fetch reads other forms as one)".into()
        );
    }
    Ok(())
}

/// A port as the URL parser keeps it: 1 to 65535 in decimal without leading zeros, and not the
/// scheme's default, which it drops.
fn check_port(port: &str, default: &str) -> Result<(), String> {
    let number = port.parse::<u16>().ok().filter(|n| *n > 0 && n.to_string() == port && port.bytes().all(|b| b.is_ascii_digit()));
    match number {
        None => Err("has an invalid port: 1 to 65535, without leading zeros".into()),
        Some(_) if port == default => Err(format!("names the default port {default}, which fetch leaves out: leave it out")),
        Some(_) => Ok(()),
    }
}

/// A path as the URL parser keeps it: no backslash (read as `/`), no `.` or `..` segment in any
/// spelling (resolved away, `%2e` included), and none of the characters it percent-encodes.
fn check_path(path: &str) -> Result<(), String> {
    if path.contains('\\') {
        return Err("must not contain a backslash (fetch sends it as /)".into());
    }
    if let Some(c) = path.chars().find(|c| matches!(c, '"' | '<' | '>' | '`' | '{' | '}')) {
        return Err(format!("must percent-encode {c:?} in its path, as fetch does"));
    }
    let dot = |segment: &str| {
        let lower = segment.to_ascii_lowercase().replace("%2e", ".");
        lower == "." || lower == ".."
    };
    if path.split('/').any(dot) {
        return Err("must not have a . or .. segment in its path (fetch resolves them away)".into());
    }
    Ok(())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| s.get(prefix.len()..)).flatten()
}

/// `s` split at the first `byte` (an ASCII one, so both halves are on char boundaries).
fn split_at_byte(s: &str, byte: u8) -> Option<(&str, &str)> {
    let at = s.bytes().position(|b| b == byte)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// Splits `host[:port]` or `[v6][:port]`.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = split_at_byte(v6, b']')?;
        return match after.strip_prefix(':') {
            Some(port) => Some((host, Some(port))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    match split_at_byte(authority, b':') {
        Some((host, port)) => Some((host, Some(port))),
        None => Some((authority, None)),
    }
}

/// `localhost`, `::1`, or a dotted-decimal address in 127.0.0.0/8.
pub(crate) fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "::1" {
        return true;
    }
    let is_octet = |o: &[u8]| {
        (1..=3).contains(&o.len())
            && o.iter().all(u8::is_ascii_digit)
            && o.iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0')) <= 255
    };
    let mut octets = host.as_bytes().split(|&b| b == b'.');
    octets.next() == Some(b"127".as_slice()) && octets.clone().count() == 3 && octets.all(is_octet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_allows_https_or_loopback_http_only() {
        assert_eq!(parse_endpoint("https://dm.example.com").unwrap(), "https://dm.example.com/");
        assert_eq!(parse_endpoint("http://127.0.0.1:8080/").unwrap(), "http://127.0.0.1:8080/");
        assert!(parse_endpoint("http://[::1]:8080/x").is_ok());
        assert!(parse_endpoint("http://localhost:1").is_ok());
        assert!(parse_endpoint("http://127.255.0.9/").is_ok());
        for good in ["https://dm.ap-southeast-1.aliyuncs.com/", "https://[::1]:8443/a/b.c/%2F", "https://x1.example.com/..a/"] {
            assert_eq!(parse_endpoint(good).as_deref(), Ok(good));
        }
        for bad in [
            "http://example.com/",
            "http://127.0.0.1@evil.com/",
            "http://127.0.0.1.evil.com/",
            "ftp://127.0.0.1/",
            "https://",
            "https://h:99999999/",
            "https://h/?q",
            "https://h /",
            "http://[::1/",
            "http://127.0.0.256/",
            "http://127.+0.0.1/",
            "http://127.0.1/",
            "http://127..0.1/",
            "HTTPS://dm.example.com/",
            "https://DM.example.com/",
            "https://dm.example.com./",
            "https://dm.example.com:443/",
            "https://dm.example.com:0443/",
            "https://dm.example.com:/",
            "http://127.0.0.1:080/",
            "http://0x7f.1:8080/",
            "http://0177.0.0.1:8080/",
            "http://127.1:8080/",
            "http://127.0.0.01:8080/",
            "https://1.2.3.4.5/",
            "https://[0:0::1]/",
            "https://[::ffff:1.2.3.4]/",
            "https://[2001:db8::1]/",
            "https://dm.example.com/a/../",
            "https://dm.example.com/%2e%2e/",
            "https://dm.example.com/.%2E/x",
            "https://dm.example.com/./",
            "https://dm.example.com\\x",
            "https://dm.example.com/a\\b",
            "https://dm.example.com/{x}",
            "https://dm%2eexample.com/",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad} should be refused");
        }
    }
}
