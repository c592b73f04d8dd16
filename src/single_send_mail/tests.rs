use super::*;
use crate::config::parse_config;
use crate::message::parse_message;
use crate::options::{parse_options, CustomTemplate, RawOptions};
use crate::sign::{Nonce, Timestamp};

fn json<T: serde::de::DeserializeOwned>(s: &str) -> T {
    serde_json::from_str(s).unwrap()
}

fn config() -> Config {
    config_with("")
}

fn config_with(extra: &str) -> Config {
    parse_config(&json(&format!(
        r#"{{"accessKeyId":"testid","accessKeySecret":"testsecret","accountName":"noreply@mail.example.com",
        "fromAlias":"Logto"{extra},"templates":[
        {{"usageType":"SignIn","subject":"Sign-in code {{{{code}}}}","content":"<p>Your code is {{{{code}}}}</p>"}},
        {{"usageType":"SignIn","locale":"fr","templateId":"1001"}},
        {{"usageType":"Register","subject":"s","content":"c"}},
        {{"usageType":"ForgotPassword","subject":"s","content":"c"}},
        {{"usageType":"Generic","subject":"Generic {{{{code}}}}","content":"g {{{{code}}}}"}}]}}"#
    )))
    .unwrap()
}

fn message(kind: &str) -> Message {
    parse_message(json(&format!(r#"{{"to":"a@b.c","type":"{kind}","payload":{{"code":"123456"}}}}"#))).unwrap()
}

fn options(c: &Config, text: &str) -> Options {
    parse_options(json::<RawOptions>(text), "", c).unwrap()
}

fn with_template(template: CustomTemplate) -> Options {
    Options { template: Some(template), ..Options::default() }
}

fn build(c: &Config, m: &Message, o: &Options) -> Result<SignedRequest, Error> {
    let (nonce, timestamp) = (Nonce::parse("n-1").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
    build_send_mail(c, m, o, Stamp { nonce: &nonce, timestamp: &timestamp })
}

/// The body's parameters, decoded.
fn params(req: &SignedRequest) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    req.body.split('&').map(|pair| pair.split_once('=').unwrap()).map(|(n, v)| (decode(n), decode(v))).collect()
}

fn get(req: &SignedRequest, name: &str) -> Option<String> {
    params(req).into_iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

#[test]
fn sets_every_parameter_and_the_signer_adds_the_envelope() {
    let req = build(&config(), &message("SignIn"), &Options::default()).unwrap();
    assert_eq!(req.url, "https://dm.aliyuncs.com/");
    let names: Vec<String> = params(&req).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        names,
        [
            "AccessKeyId",
            "AccountName",
            "Action",
            "AddressType",
            "Format",
            "FromAlias",
            "HtmlBody",
            "RegionId",
            "ReplyToAddress",
            "SignatureMethod",
            "SignatureNonce",
            "SignatureVersion",
            "Subject",
            "Timestamp",
            "ToAddress",
            "Version",
            "Signature"
        ]
    );
    assert_eq!(get(&req, "HtmlBody").as_deref(), Some("<p>Your code is 123456</p>"));
    assert_eq!(req.headers, [("Content-Type", "application/x-www-form-urlencoded".to_owned())]);
}

#[test]
fn the_i18n_template_is_honoured_whole() {
    let (cfg, msg) = (config(), message("SignIn"));
    let template = |send_from: &str, reply_to: Option<&str>| CustomTemplate {
        subject: "S".into(),
        content: "C {{code}}".into(),
        send_from: Some(send_from.into()),
        reply_to: reply_to.map(Into::into),
        content_type: Some(ContentType::Text),
    };
    let named = template("Support <help@example.com>", Some("Help Desk <help@example.com>"));
    let req = build(&cfg, &msg, &with_template(named)).unwrap();
    assert_eq!(get(&req, "FromAlias").as_deref(), Some("Support"), "the display name, as parseSendFrom gives it");
    assert_eq!(get(&req, "AccountName").as_deref(), Some("noreply@mail.example.com"), "DirectMail sends from accountName");
    assert_eq!(get(&req, "ReplyAddress").as_deref(), Some("help@example.com"));
    assert_eq!(get(&req, "ReplyAddressAlias").as_deref(), Some("Help Desk"));
    assert_eq!((get(&req, "TextBody").as_deref(), get(&req, "HtmlBody")), (Some("C 123456"), None));
    let rendered = template("Foo {{code}}", None);
    assert_eq!(get(&build(&cfg, &msg, &with_template(rendered)).unwrap(), "FromAlias").as_deref(), Some("Foo 123456"));
    // An address alone gives no alias; the config's is not used then, as parseSendFrom has it.
    let bare = template("help@example.com", None);
    assert_eq!(get(&build(&cfg, &msg, &with_template(bare)).unwrap(), "FromAlias"), None);
    let mut with_reply = config();
    with_reply.reply_address = Some("config@example.com".into());
    let unusable = template("S", Some("Reply-to {{to}}"));
    let req = build(&with_reply, &msg, &with_template(unusable)).unwrap();
    assert_eq!(get(&req, "ReplyAddress").as_deref(), Some("config@example.com"), "a replyTo that is no address is left out");
}

#[test]
fn per_send_settings_win_over_the_config_and_are_not_rendered() {
    let c = config_with(r#","tagName":"config-tag","headers":{"List-Unsubscribe":"<mailto:u@x.y>"},"bccAddress":"audit@x.y""#);
    let o = options(
        &c,
        r#"{"fromAlias":"{{code}}","replyTo":"Help <help@x.y>","tagName":"send-tag","headers":{"Message-ID":"<1@x.y>"},
        "bccAddress":"other@x.y"}"#,
    );
    let req = build(&c, &message("SignIn"), &o).unwrap();
    assert_eq!(get(&req, "FromAlias").as_deref(), Some("{{code}}"));
    assert_eq!(
        (get(&req, "ReplyAddress").as_deref(), get(&req, "ReplyAddressAlias").as_deref()),
        (Some("help@x.y"), Some("Help"))
    );
    assert_eq!(get(&req, "TagName").as_deref(), Some("send-tag"));
    assert_eq!(get(&req, "BccAddress").as_deref(), Some("other@x.y"));
    assert_eq!(get(&req, "Headers").as_deref(), Some(r#"{"List-Unsubscribe":"<mailto:u@x.y>","Message-ID":"<1@x.y>"}"#));
    // Without them, the config's.
    let req = build(&c, &message("SignIn"), &Options::default()).unwrap();
    assert_eq!((get(&req, "TagName").as_deref(), get(&req, "BccAddress").as_deref()), (Some("config-tag"), Some("audit@x.y")));
    assert_eq!(get(&req, "FromAlias").as_deref(), Some("Logto"));
}

#[test]
fn a_per_send_console_template_replaces_subject_and_body() {
    let c = config();
    let o = options(&c, r#"{"templateId":"2002"}"#);
    let req = build(&c, &message("Generic"), &o).unwrap();
    assert_eq!(get(&req, "Template").as_deref(), Some(r#"{"TemplateData":{"code":"123456"},"TemplateId":"2002"}"#));
    assert_eq!((get(&req, "Subject"), get(&req, "HtmlBody")), (None, None));
}

#[test]
fn empty_alias_is_left_out() {
    let mut c = config();
    c.from_alias = Some(String::new());
    let req = build(&c, &message("Generic"), &Options::default()).unwrap();
    assert_eq!(get(&req, "FromAlias"), None);
}

#[test]
fn html_values_are_escaped_and_headers_lose_line_breaks() {
    let mut c = config();
    c.templates[0].subject = Some("Hi {{code}}\r\nBcc: x@y.z".into());
    let m = parse_message(json(r#"{"to":"a@b.c","type":"SignIn","payload":{"code":"<b>&\n"}}"#)).unwrap();
    let req = build(&c, &m, &Options::default()).unwrap();
    assert_eq!(get(&req, "Subject").as_deref(), Some("Hi <b>&Bcc: x@y.z"));
    assert_eq!(get(&req, "HtmlBody").as_deref(), Some("<p>Your code is &lt;b&gt;&amp;\n</p>"));
    c.content_type = ContentType::Text;
    let req = build(&c, &m, &Options::default()).unwrap();
    assert_eq!((get(&req, "HtmlBody"), get(&req, "TextBody").as_deref()), (None, Some("<p>Your code is <b>&\n</p>")));
}

#[test]
fn every_header_field_loses_controls_and_line_separators() {
    let breaking = "a\u{0}b\u{0B}c\u{0C}d\u{7F}e\u{85}f\u{2028}g\u{2029}h\ti\r\nj";
    let mut c = config();
    c.templates[0].subject = Some(breaking.into());
    c.from_alias = Some("A\u{2028}B\u{85}".into());
    c.reply_address_alias = Some(breaking.into());
    let req = build(&c, &message("SignIn"), &Options::default()).unwrap();
    assert_eq!(get(&req, "Subject").as_deref(), Some("abcdefghij"));
    assert_eq!(get(&req, "ReplyAddressAlias").as_deref(), Some("abcdefghij"));
    assert_eq!(get(&req, "FromAlias").as_deref(), Some("AB"));
    let custom = CustomTemplate {
        subject: "S".into(),
        content: "C".into(),
        send_from: Some("X\u{2029}{{code}}\u{0}".into()),
        reply_to: None,
        content_type: None,
    };
    let req = build(&c, &message("SignIn"), &with_template(custom)).unwrap();
    assert_eq!(get(&req, "FromAlias").as_deref(), Some("X123456"));
}

#[test]
fn limits_are_checked_before_sending() {
    let long = |field: &str, c: &Config, code: &str| {
        let m = parse_message(json(&format!(r#"{{"to":"a@b.c","type":"SignIn","payload":{{"code":"{code}"}}}}"#))).unwrap();
        let e = build(c, &m, &Options::default()).unwrap_err();
        assert_eq!(e.paths(), [field], "{e}");
    };
    long("Subject", &config(), &"x".repeat(90));
}

#[test]
fn a_long_alias_is_sent_as_the_official_connector_sends_it() {
    let mut c = config();
    c.from_alias = Some("fifteen chars!!".into());
    assert_eq!(
        get(&build(&c, &message("SignIn"), &Options::default()).unwrap(), "FromAlias").as_deref(),
        Some("fifteen chars!!")
    );
}

#[test]
fn optional_parameters_are_sent_when_configured() {
    let c = config_with(
        r#","securityToken":"tok","tagName":"signup","clickTrace":true,"replyToAddress":true,
        "replyAddress":"help@example.com","replyAddressAlias":"Help""#,
    );
    let req = build(&c, &message("SignIn"), &Options::default()).unwrap();
    for (k, v) in [
        ("SecurityToken", "tok"),
        ("TagName", "signup"),
        ("ClickTrace", "1"),
        ("ReplyToAddress", "true"),
        ("ReplyAddress", "help@example.com"),
        ("ReplyAddressAlias", "Help"),
    ] {
        assert_eq!(get(&req, k).as_deref(), Some(v), "{k}");
    }
}

#[test]
fn the_security_token_never_shows_in_debug() {
    let c = config_with(r#","securityToken":"sts-token-value""#);
    let req = build(&c, &message("SignIn"), &Options::default()).unwrap();
    assert!(req.body.contains("sts-token-value"));
    let debug = format!("{req:?} {c:?}");
    assert!(!debug.contains("sts-token-value") && !debug.contains("testsecret"), "{debug}");
}

#[test]
fn v3_sends_only_the_apis_parameters_in_the_body() {
    let c = config_with(r#","signatureVersion":"v3","securityToken":"tok-123""#);
    let req = build(&c, &message("SignIn"), &Options::default()).unwrap();
    let names: Vec<String> = params(&req).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["AccountName", "AddressType", "FromAlias", "HtmlBody", "ReplyToAddress", "Subject", "ToAddress"]);
    assert!(!req.body.contains("tok-123"), "{}", req.body);
    let header = |name: &str| req.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
    assert_eq!(header("x-acs-action"), Some("SingleSendMail"));
    assert_eq!(header("x-acs-version"), Some("2015-11-23"));
    assert_eq!(header("x-acs-security-token"), Some("tok-123"));
}

#[test]
fn the_newer_parameters_are_sent_when_configured() {
    let c = config_with(
        r#","headers":{"X-User-Trace":"t1"},"deliveryEventHeaders":true,"bccAddress":["audit@example.com"],
        "ipPoolId":"pool-1","unSubscribeLinkType":"default","unSubscribeFilterLevel":"mailfrom""#,
    );
    let m = parse_message(json(r#"{"to":"a@b.c","type":"SignIn","payload":{"code":"1","user":{"id":"u1"}}}"#)).unwrap();
    let req = build(&c, &m, &Options::default()).unwrap();
    assert_eq!(get(&req, "BccAddress").as_deref(), Some("audit@example.com"));
    assert_eq!(get(&req, "IpPoolId").as_deref(), Some("pool-1"));
    assert_eq!(get(&req, "UnSubscribeLinkType").as_deref(), Some("default"));
    assert_eq!(get(&req, "UnSubscribeFilterLevel").as_deref(), Some("mailfrom"));
    assert_eq!(
        get(&req, "Headers").as_deref(),
        Some(r#"{"X-User-Trace":"t1","X-User-Notify-Logto-Usage-Type":"SignIn","X-User-Notify-Logto-User-Id":"u1"}"#)
    );
}

#[test]
fn a_console_template_replaces_subject_and_body_for_its_locale() {
    let c = config();
    let fr = parse_message(json(r#"{"to":"a@b.c","type":"SignIn","payload":{"code":"42","locale":"fr-CA"}}"#)).unwrap();
    let req = build(&c, &fr, &Options::default()).unwrap();
    assert_eq!(get(&req, "Template").as_deref(), Some(r#"{"TemplateData":{"code":"42","locale":"fr-CA"},"TemplateId":"1001"}"#));
    assert_eq!((get(&req, "Subject"), get(&req, "HtmlBody")), (None, None));
    let en = parse_message(json(r#"{"to":"a@b.c","type":"SignIn","payload":{"code":"42","locale":"en"}}"#)).unwrap();
    let req = build(&c, &en, &Options::default()).unwrap();
    assert_eq!((get(&req, "Template"), get(&req, "Subject").as_deref()), (None, Some("Sign-in code 42")));
}

#[test]
fn an_endpoint_option_replaces_the_configs() {
    let c = config();
    let o = parse_options(json(r#"{"endpoint":"http://127.0.0.1:9/"}"#), "options.", &c).unwrap();
    assert_eq!(build(&c, &message("SignIn"), &o).unwrap().url, "http://127.0.0.1:9/");
}
