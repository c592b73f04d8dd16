//! Template selection and `{{placeholder}}` rendering with connector-kit's semantics
//! (`replaceSendMessageHandlebars` and `getConfigTemplateByType` in `@logto/connector-kit` 5.x).

use crate::value::Value;
use serde::Serialize;

/// A mail template: a subject and content with `{{placeholders}}`, or the id of a template approved
/// in the DirectMail console; for one Logto locale, or for any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub usage_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// A DirectMail console template, sent as `Template` in place of subject and body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
}

/// Whether `id` can be a DirectMail console template's id: printable ASCII without spaces.
pub fn is_template_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_graphic())
}

/// The config template for `usage_type`, else the config's `Generic` one. Among a type's
/// templates, the one for `locale` wins (`zh-CN`, case aside), then one for its language (`zh`),
/// then the one for any locale.
pub fn select<'a>(templates: &'a [Template], usage_type: &str, locale: Option<&str>) -> Option<&'a Template> {
    let language = locale.and_then(|l| l.split('-').next());
    let of_type = |usage: &str| {
        let mut exact = None;
        let mut same_language = None;
        let mut any = None;
        for t in templates.iter().filter(|t| t.usage_type == usage) {
            match t.locale.as_deref() {
                None => any = any.or(Some(t)),
                Some(l) if locale.is_some_and(|locale| l.eq_ignore_ascii_case(locale)) => exact = exact.or(Some(t)),
                Some(l) if language.is_some_and(|language| l.eq_ignore_ascii_case(language)) => {
                    same_language = same_language.or(Some(t))
                }
                Some(_) => {}
            }
        }
        exact.or(same_language).or(any)
    };
    of_type(usage_type).or_else(|| of_type("Generic"))
}

/// How a payload value is written into the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// As JS `String(value)` writes it, like connector-kit.
    None,
    /// HTML-escaped, so a value cannot inject markup into an HTML body.
    Html,
}

/// Rendering stopped because the output grew past the allowed size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge;

/// Why [`render_strictly`] stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderError {
    /// The output grew past the allowed size.
    TooLarge,
    /// A placeholder has no value in the payload: its key, as written.
    Missing(String),
}

/// Renders `{{ key }}` and `{{a.b.c}}` placeholders from `payload`, up to `max_bytes` of output.
///
/// A placeholder whose root key is absent stays as it is; a present root with a missing or null
/// path renders as the empty string; anything else as JS `String(value)` would.
pub fn render(template: &str, payload: &Value, escape: Escape, max_bytes: usize) -> Result<String, TooLarge> {
    render_with(template, payload, escape, max_bytes, false).map_err(|_| TooLarge)
}

/// [`render`], except that a placeholder with no value (an absent key, or a missing or null
/// path) is an error rather than left as written or blank: a mail client's caller wants to know.
pub fn render_strictly(template: &str, payload: &Value, escape: Escape, max_bytes: usize) -> Result<String, RenderError> {
    render_with(template, payload, escape, max_bytes, true)
}

fn render_with(template: &str, payload: &Value, escape: Escape, max_bytes: usize, strict: bool) -> Result<String, RenderError> {
    let mut out = String::with_capacity(template.len().min(max_bytes));
    // Template text before `copied` is in `out`; the search for `{{` resumes at `from`.
    let (mut copied, mut from) = (0, 0);
    while let Some(open) = find_open(template.as_bytes(), from) {
        let Some((end, key)) = match_placeholder(template, open) else {
            // Like the regex, retry one character further on.
            from = open + 1;
            continue;
        };
        out.push_str(template.get(copied..open).unwrap_or(""));
        if !substitute(&mut out, template.get(open..end).unwrap_or(""), key, payload, escape) && strict {
            return Err(RenderError::Missing(key.to_owned()));
        }
        (copied, from) = (end, end);
        if out.len() > max_bytes {
            return Err(RenderError::TooLarge);
        }
    }
    out.push_str(template.get(copied..).unwrap_or(""));
    if out.len() > max_bytes {
        return Err(RenderError::TooLarge);
    }
    Ok(out)
}

/// The index of the next `{{` at or after `from`.
fn find_open(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.windows(2).position(|pair| pair == b"{{").map(|i| from + i)
}

/// Matches `{{\s*([\w.]+)\s*}}` at byte `open` of `s`: where the match ends, and the key.
fn match_placeholder(s: &str, open: usize) -> Option<(usize, &str)> {
    let key_start = skip_js_space(s, open + 2);
    let key_len =
        s.as_bytes().get(key_start..)?.iter().take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.').count();
    if key_len == 0 {
        return None;
    }
    let key = s.get(key_start..key_start + key_len)?;
    let close = skip_js_space(s, key_start + key_len);
    (s.as_bytes().get(close..close + 2)? == b"}}").then_some((close + 2, key))
}

/// The first index at or after `i` that is not JS whitespace.
fn skip_js_space(s: &str, mut i: usize) -> usize {
    while let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()).filter(|&c| is_js_space(c)) {
        i += c.len_utf8();
    }
    i
}

/// JS regex `\s`: ECMAScript WhiteSpace and LineTerminator (unlike Rust, not U+0085; plus U+FEFF).
pub(crate) fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// The dot-separated parts of a key. Keys are ASCII (`[\w.]+`), so no part can fail the check.
fn key_parts(key: &str) -> impl Iterator<Item = &str> {
    key.as_bytes().split(|&b| b == b'.').map(|part| core::str::from_utf8(part).unwrap_or(""))
}

/// Writes what `placeholder` (with `key`) renders to; false when the payload has no value for it.
fn substitute(out: &mut String, placeholder: &str, key: &str, payload: &Value, escape: Escape) -> bool {
    let root = key_parts(key).next().unwrap_or("");
    // connector-kit uses `root in payload`; JSON payloads have no prototype, so own keys decide.
    if root.is_empty() || payload.get(root).is_none() {
        out.push_str(placeholder);
        return false;
    }
    match resolve(payload, key) {
        Resolved::Missing => return false,
        Resolved::Value(v) => write_js_string(out, v, escape),
        Resolved::Length(n) => out.push_str(&n.to_string()),
    }
    true
}

enum Resolved<'a> {
    Missing,
    Value(&'a Value),
    /// `array.length`, which JS property access yields.
    Length(usize),
}

/// connector-kit's `getValue`: walk the dotted path, yielding undefined once off an object.
fn resolve<'a>(payload: &'a Value, path: &str) -> Resolved<'a> {
    let mut current = Resolved::Value(payload);
    for part in key_parts(path) {
        current = match current {
            Resolved::Value(object @ Value::Object(_)) => object.get(part).map_or(Resolved::Missing, Resolved::Value),
            Resolved::Value(Value::Array(items)) => {
                if part == "length" {
                    Resolved::Length(items.len())
                } else {
                    array_index(part).and_then(|i| items.get(i)).map_or(Resolved::Missing, Resolved::Value)
                }
            }
            _ => Resolved::Missing,
        };
    }
    match current {
        Resolved::Value(Value::Null) => Resolved::Missing,
        other => other,
    }
}

/// A canonical array index as JS property keys spell it: `0` or no leading zero.
fn array_index(part: &str) -> Option<usize> {
    if part.is_empty() || (part.len() > 1 && part.starts_with('0')) || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// Writes `value` as JS `String(value)` does (null/undefined as `""`, as `?? ''` and `join` do).
pub fn write_js_string(out: &mut String, value: &Value, escape: Escape) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // The JS edge hands payload numbers over as text, as `String(n)` writes them; a native
        // caller that passes a number gets Rust's shortest round-trip form.
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => match escape {
            Escape::None => out.push_str(s),
            Escape::Html => push_html_escaped(out, s),
        },
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_js_string(out, item, escape);
            }
        }
        Value::Object(_) => out.push_str("[object Object]"),
    }
}

/// Appends `s` HTML-escaped, copying the runs between special characters whole. Every special
/// character is ASCII, so each cut falls on a char boundary.
fn push_html_escaped(out: &mut String, s: &str) {
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(s.get(copied..i).unwrap_or(""));
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(s.get(copied..).unwrap_or(""));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    fn r(template: &str, payload: &str) -> String {
        render(template, &json(payload), Escape::None, usize::MAX).unwrap()
    }

    #[test]
    fn strictly_a_placeholder_without_a_value_is_an_error() {
        let payload: Value = serde_json::from_str(r#"{"code":"1","user":{"name":null},"list":[]}"#).unwrap();
        let strictly = |t: &str| render_strictly(t, &payload, Escape::None, 100);
        assert_eq!(strictly("{{code}} {{list.length}}"), Ok("1 0".to_owned()));
        for (template, key) in
            [("{{missing}}", "missing"), ("{{user.name}}", "user.name"), ("{{ list.0 }}", "list.0"), ("{{code.x}}", "code.x")]
        {
            assert_eq!(strictly(template), Err(RenderError::Missing(key.to_owned())), "{template}");
        }
        assert_eq!(render("{{missing}}|{{user.name}}", &payload, Escape::None, 100), Ok("{{missing}}|".to_owned()));
    }

    #[test]
    fn renders_like_connector_kit() {
        assert_eq!(r("Code {{code}}, {{ code }}", r#"{"code":"123"}"#), "Code 123, 123");
        assert_eq!(r("{{code}}", "{}"), "{{code}}");
        assert_eq!(r("{{a.b.c}}", r#"{"a":{}}"#), "");
        assert_eq!(r("{{a.b}}", r#"{"a":{"b":null}}"#), "");
        assert_eq!(r("{{a}}", r#"{"a":null}"#), "");
        assert_eq!(r("{{a}}|{{b}}|{{c}}", r#"{"a":{"x":1},"b":[1,null,[2,"x"]],"c":false}"#), "[object Object]|1,,2,x|false");
        assert_eq!(r("{{n}} {{f}}", r#"{"n":42,"f":2.50}"#), "42 2.5");
        assert_eq!(r("{{l.length}} {{l.1}} {{l.01}} {{s.length}}", r#"{"l":[5,6],"s":"abc"}"#), "2 6  ");
        assert_eq!(r("{{{code}}} {{.x}} {{}} {{ code-x }}", r#"{"code":"1"}"#), "{1} {{.x}} {{}} {{ code-x }}");
        assert_eq!(r("{{\u{3000}code\u{FEFF}}} {{\u{85}code}}", r#"{"code":"1"}"#), "1 {{\u{85}code}}");
    }

    #[test]
    fn html_escape_applies_to_values_only() {
        let out = render("<b>{{name}}</b>", &json(r#"{"name":"<i>&'\""}"#), Escape::Html, usize::MAX).unwrap();
        assert_eq!(out, "<b>&lt;i&gt;&amp;&#39;&quot;</b>");
    }

    #[test]
    fn stops_when_output_exceeds_the_cap() {
        let payload = json(r#"{"a":"0123456789"}"#);
        assert_eq!(render(&"{{a}}".repeat(100), &payload, Escape::None, 999), Err(TooLarge));
        assert!(render(&"{{a}}".repeat(100), &payload, Escape::None, 1000).is_ok());
    }

    fn template(usage: &str, locale: Option<&str>) -> Template {
        let name = format!("{usage}/{}", locale.unwrap_or("*"));
        Template {
            usage_type: usage.into(),
            locale: locale.map(Into::into),
            subject: Some(name),
            content: None,
            template_id: None,
        }
    }

    fn chosen(all: &[Template], usage: &str, locale: Option<&str>) -> Option<String> {
        select(all, usage, locale).and_then(|t| t.subject.clone())
    }

    #[test]
    fn selects_type_then_generic() {
        let all = [template("SignIn", None), template("Generic", None)];
        assert_eq!(chosen(&all, "SignIn", None).as_deref(), Some("SignIn/*"));
        assert_eq!(chosen(&all, "BindMfa", Some("fr")).as_deref(), Some("Generic/*"));
        assert_eq!(select(&all[..1], "BindMfa", None), None);
    }

    #[test]
    fn selects_the_locale_then_its_language_then_any() {
        let all = [
            template("SignIn", Some("zh")),
            template("SignIn", None),
            template("SignIn", Some("zh-TW")),
            template("Generic", Some("fr")),
            template("Generic", None),
        ];
        assert_eq!(chosen(&all, "SignIn", Some("zh-tw")).as_deref(), Some("SignIn/zh-TW"));
        assert_eq!(chosen(&all, "SignIn", Some("zh-CN")).as_deref(), Some("SignIn/zh"));
        assert_eq!(chosen(&all, "SignIn", Some("en")).as_deref(), Some("SignIn/*"));
        assert_eq!(chosen(&all, "SignIn", None).as_deref(), Some("SignIn/*"));
        assert_eq!(chosen(&all, "BindMfa", Some("fr-CA")).as_deref(), Some("Generic/fr"));
    }
}
