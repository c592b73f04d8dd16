//! The connector config an operator pastes into the Logto Console, and its validation.

use crate::credentials_source::{parse_credentials_settings, CredentialsSettings, RawCredentialsSettings};
use crate::delivery::{self, Delivery, RawDelivery};
use crate::endpoint::parse_endpoint;
use crate::error::{Error, ErrorCode, Issue, Issues};
use crate::fields::{
    member_string, optional_bool, optional_choice, optional_integer, optional_string, present, required_string, string_field,
};
use crate::header;
use crate::limits::{
    self, DEFAULT_TIMEOUT_MS, MAX_BODY_BYTES, MAX_FIELD_BYTES, MAX_FROM_ALIAS_CHARS, MAX_RETRIES, MAX_TOKEN_BYTES,
    TIMEOUT_MS_RANGE,
};
use crate::redact::Redactor;
use crate::sign::Credentials;
use crate::template::{is_template_id, Template};
use crate::value::Value;

/// Usage types Logto needs for its full sign-in flows; the reference requires all four.
pub const REQUIRED_USAGE_TYPES: [&str; 4] = ["Register", "SignIn", "ForgotPassword", "Generic"];

/// Which body parameter carries the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentType {
    /// `HtmlBody`, with payload values HTML-escaped.
    Html,
    /// `TextBody`, values as they are.
    Text,
}

/// A DirectMail region and its endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    CnHangzhou,
    ApSoutheast1,
    ApSoutheast2,
    EuCentral1,
    UsEast1,
}

impl Region {
    /// Every region, in the Console's order.
    pub const ALL: [Region; 5] =
        [Region::CnHangzhou, Region::ApSoutheast1, Region::ApSoutheast2, Region::EuCentral1, Region::UsEast1];

    /// The region id Aliyun uses.
    pub fn id(self) -> &'static str {
        match self {
            Region::CnHangzhou => "cn-hangzhou",
            Region::ApSoutheast1 => "ap-southeast-1",
            Region::ApSoutheast2 => "ap-southeast-2",
            Region::EuCentral1 => "eu-central-1",
            Region::UsEast1 => "us-east-1",
        }
    }

    /// The region's DirectMail endpoint: cn-hangzhou has no region in its host name.
    pub fn endpoint(self) -> &'static str {
        match self {
            Region::CnHangzhou => "https://dm.aliyuncs.com/",
            Region::ApSoutheast1 => "https://dm.ap-southeast-1.aliyuncs.com/",
            Region::ApSoutheast2 => "https://dm.ap-southeast-2.aliyuncs.com/",
            Region::EuCentral1 => "https://dm.eu-central-1.aliyuncs.com/",
            Region::UsEast1 => "https://dm.us-east-1.aliyuncs.com/",
        }
    }

    /// The region's VPC endpoint, reachable only from inside Aliyun's network in that region:
    /// `dm-vpc.<region>.aliyuncs.com` (DirectMail's endpoint list in its API reference).
    pub fn vpc_endpoint(self) -> &'static str {
        match self {
            Region::CnHangzhou => "https://dm-vpc.cn-hangzhou.aliyuncs.com/",
            Region::ApSoutheast1 => "https://dm-vpc.ap-southeast-1.aliyuncs.com/",
            Region::ApSoutheast2 => "https://dm-vpc.ap-southeast-2.aliyuncs.com/",
            Region::EuCentral1 => "https://dm-vpc.eu-central-1.aliyuncs.com/",
            Region::UsEast1 => "https://dm-vpc.us-east-1.aliyuncs.com/",
        }
    }

    /// The region with this id.
    pub fn from_id(id: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.id() == id)
    }
}

/// Which of a region's endpoints requests go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    /// The public endpoint, over the internet.
    Public,
    /// The VPC endpoint, for a Logto that runs on Aliyun without internet access.
    Vpc,
}

/// How requests are signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureVersion {
    /// HMAC-SHA1 RPC signing (`SignatureVersion=1.0`, "V2" in Aliyun's SDK pages), as the official
    /// connector signs: the default, for drop-in parity.
    V2,
    /// `ACS3-HMAC-SHA256` in an `Authorization` header, which Aliyun's SDKs now use by default.
    V3,
}

impl SignatureVersion {
    /// The name the config uses.
    pub fn id(self) -> &'static str {
        match self {
            SignatureVersion::V2 => "v2",
            SignatureVersion::V3 => "v3",
        }
    }
}

impl Network {
    /// The name the config uses.
    pub fn id(self) -> &'static str {
        match self {
            Network::Public => "public",
            Network::Vpc => "vpc",
        }
    }
}

/// A validated connector config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The AccessKey pair and the STS token: empty for a role, whose credentials are fetched.
    pub credentials: Credentials,
    /// Where the credentials come from, and the endpoints that give a role's.
    pub credentials_settings: CredentialsSettings,
    pub account_name: String,
    pub from_alias: Option<String>,
    pub region: Region,
    pub network: Network,
    pub signature_version: SignatureVersion,
    pub templates: Vec<Template>,
    /// An endpoint that replaces the region's, such as a local emulator.
    pub endpoint: Option<String>,
    /// An endpoint that replaces Open Platform's, which grants attachment uploads.
    pub open_platform_endpoint: Option<String>,
    pub tag_name: Option<String>,
    pub click_trace: Option<bool>,
    /// `ReplyToAddress`: reply to the address configured for the sender in the DM console.
    pub reply_to_address: bool,
    pub reply_address: Option<String>,
    pub reply_address_alias: Option<String>,
    pub content_type: ContentType,
    pub timeout_ms: u32,
    pub retries: u32,
    /// DirectMail's newer parameters: headers, BCC, IP pool, unsubscribe, delivery-event headers.
    pub delivery: Delivery,
    /// Finds the secret and the token in what a server or the runtime says, for errors.
    pub redactor: Redactor,
    /// What is valid but will not work as the operator likely means (see [`config_warnings`]).
    pub warnings: Vec<Issue>,
}

impl Config {
    /// Where attachment uploads are granted: the override; else, when `endpoint` is a loopback
    /// address (which only a local emulator answers), that same emulator; else Open Platform.
    pub fn open_platform_endpoint(&self) -> &str {
        match (self.open_platform_endpoint.as_deref(), self.endpoint.as_deref()) {
            (Some(endpoint), _) => endpoint,
            (None, Some(endpoint)) if endpoint.starts_with("http://") => endpoint,
            _ => crate::attachments::OPEN_PLATFORM_ENDPOINT,
        }
    }

    /// Where requests go: the override, else the region's endpoint on the configured network.
    pub fn endpoint(&self) -> &str {
        match (self.endpoint.as_deref(), self.network) {
            (Some(endpoint), _) => endpoint,
            (None, Network::Public) => self.region.endpoint(),
            (None, Network::Vpc) => self.region.vpc_endpoint(),
        }
    }
}

crate::raw_fields! {
    /// The config as it arrives: every field loose, so validation can name each problem at once.
    pub struct RawConfig {
        access_key_id: "accessKeyId" => take,
        access_key_secret: "accessKeySecret" => take,
        account_name: "accountName" => take,
        from_alias: "fromAlias" => take,
        region_id: "regionId" => take,
        network: "network" => take,
        templates: "templates" => take,
        endpoint: "endpoint" => take,
        security_token: "securityToken" => take,
        tag_name: "tagName" => take,
        click_trace: "clickTrace" => take,
        reply_to_address: "replyToAddress" => take,
        reply_address: "replyAddress" => take,
        reply_address_alias: "replyAddressAlias" => take,
        content_type: "contentType" => take,
        timeout_ms: "timeoutMs" => take,
        retries: "retries" => take,
        signature_version: "signatureVersion" => take,
        headers: "headers" => take,
        bcc_address: "bccAddress" => take,
        ip_pool_id: "ipPoolId" => take,
        un_subscribe_link_type: "unSubscribeLinkType" => take,
        un_subscribe_filter_level: "unSubscribeFilterLevel" => take,
        delivery_event_headers: "deliveryEventHeaders" => take,
        credentials_source: "credentialsSource" => take,
        role_arn: "roleArn" => take,
        role_name: "roleName" => take,
        oidc_provider_arn: "oidcProviderArn" => take,
        oidc_token_file: "oidcTokenFile" => take,
        sts_endpoint: "stsEndpoint" => take,
        metadata_endpoint: "metadataEndpoint" => take,
        open_platform_endpoint: "openPlatformEndpoint" => take,
    }
}

/// What a config is for, which decides whether its templates are required.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A Logto connector: templates are required, with the four usage types Logto needs.
    Connector,
    /// A mail client, whose sends bring their own subject and body: templates are optional.
    Client,
}

/// Validates a Logto connector config, collecting every problem with its path under `invalid_config`.
pub fn parse_config(raw: &RawConfig) -> Result<Config, Error> {
    parse_config_for(raw, Purpose::Connector)
}

/// Validates `raw` for `purpose`, collecting every problem with its path under `invalid_config`.
pub fn parse_config_for(raw: &RawConfig, purpose: Purpose) -> Result<Config, Error> {
    let mut issues = Issues::default();
    fn field(v: &Option<Value>) -> Option<&Value> {
        present(v.as_ref())
    }
    // What the official connector accepts loads, so that a stored config keeps sending after an
    // upgrade: where DirectMail will refuse it, a warning says so, and DirectMail's answer reaches
    // the operator with a hint. Only what is unsafe on the wire is refused.
    let mut warnings = Issues::default();
    let credentials_settings = parse_credentials_settings(
        &RawCredentialsSettings {
            credentials_source: field(&raw.credentials_source),
            role_arn: field(&raw.role_arn),
            role_name: field(&raw.role_name),
            oidc_provider_arn: field(&raw.oidc_provider_arn),
            oidc_token_file: field(&raw.oidc_token_file),
            sts_endpoint: field(&raw.sts_endpoint),
            metadata_endpoint: field(&raw.metadata_endpoint),
        },
        &mut issues,
        &mut warnings,
    );
    let source = &credentials_settings.source;
    // A role's credentials are fetched for each sender: the config's keys, if any, are not read.
    let (access_key_id, access_key_secret) = if source.needs_access_key() {
        (
            required_string(field(&raw.access_key_id), "accessKeyId", &mut issues),
            required_string(field(&raw.access_key_secret), "accessKeySecret", &mut issues),
        )
    } else {
        for (key, given) in [
            ("accessKeyId", &raw.access_key_id),
            ("accessKeySecret", &raw.access_key_secret),
            ("securityToken", &raw.security_token),
        ] {
            if field(given).is_some() {
                warnings.push(key, format!("is not used with credentialsSource {}: the role's credentials sign", source.id()));
            }
        }
        (String::new(), String::new())
    };
    let account_name = required_string(field(&raw.account_name), "accountName", &mut issues);
    for (key, given) in
        [("accessKeyId", &raw.access_key_id), ("accessKeySecret", &raw.access_key_secret), ("accountName", &raw.account_name)]
    {
        let read = key == "accountName" || source.needs_access_key();
        if read && matches!(field(given), Some(Value::String(s)) if s.is_empty()) {
            warnings.push(key, "is empty: DirectMail will refuse every send");
        }
    }
    // It goes into the From header: one line, and one address.
    if !header::is_header_value(&account_name) {
        issues.push("accountName", "must be one line, without control characters: it goes into the From header");
    } else if account_name.chars().any(header::is_invisible) {
        issues
            .push("accountName", "must not contain invisible or bidirectional-control characters: it goes into the From header");
    } else if header::lists_addresses(&account_name) {
        issues.push("accountName", "must be one mail address, not a list: the sender address set up in the DirectMail console");
    } else if !account_name.is_empty() && !header::is_mail_address(&account_name) {
        warnings.push(
            "accountName",
            "is not one mail address (spaces included): DirectMail sends only from a sender address set up in its console",
        );
    }
    let from_alias = optional_string(field(&raw.from_alias), "fromAlias", &mut issues);
    let region = match optional_string(field(&raw.region_id), "regionId", &mut issues) {
        None => Region::CnHangzhou,
        Some(id) => Region::from_id(&id).unwrap_or_else(|| {
            let ids: Vec<&str> = Region::ALL.iter().map(|r| r.id()).collect();
            issues.push("regionId", format!("must be one of {}", ids.join(", ")));
            Region::CnHangzhou
        }),
    };
    let network =
        optional_choice(field(&raw.network), "network", &[("public", Network::Public), ("vpc", Network::Vpc)], &mut issues)
            .unwrap_or(Network::Public);
    let signature_version = optional_choice(
        field(&raw.signature_version),
        "signatureVersion",
        &[("v2", SignatureVersion::V2), ("v3", SignatureVersion::V3)],
        &mut issues,
    )
    .unwrap_or(SignatureVersion::V2);
    let endpoint = optional_string(field(&raw.endpoint), "endpoint", &mut issues)
        .and_then(|e| parse_endpoint(&e).map_err(|why| issues.push("endpoint", why)).ok());
    let open_platform_endpoint = optional_string(field(&raw.open_platform_endpoint), "openPlatformEndpoint", &mut issues)
        .and_then(|e| parse_endpoint(&e).map_err(|why| issues.push("openPlatformEndpoint", why)).ok());
    if from_alias.as_deref().is_some_and(|a| limits::chars(a) > MAX_FROM_ALIAS_CHARS) {
        let message = format!("is longer than DirectMail's {MAX_FROM_ALIAS_CHARS} characters: DirectMail may refuse the send");
        warnings.push("fromAlias", message);
    }
    let templates = match (field(&raw.templates), purpose) {
        (None, Purpose::Client) => Vec::new(),
        (templates, _) => parse_templates(templates, purpose, &mut issues),
    };
    let security_token = field(&raw.security_token)
        .filter(|_| credentials_settings.source.needs_access_key())
        .and_then(|v| string_field(v, "securityToken", MAX_TOKEN_BYTES, &mut issues));
    let tag_name = optional_string(field(&raw.tag_name), "tagName", &mut issues);
    if tag_name.as_deref().is_some_and(|t| !header::is_tag_name(t)) {
        issues.push("tagName", "must be 1 to 128 letters, digits, _ or -");
    }
    let click_trace = optional_bool(field(&raw.click_trace), "clickTrace", &mut issues);
    let reply_to_address = optional_bool(field(&raw.reply_to_address), "replyToAddress", &mut issues).unwrap_or(false);
    let reply_address = optional_string(field(&raw.reply_address), "replyAddress", &mut issues);
    if reply_address.as_deref().is_some_and(|a| !header::is_mail_address(a)) {
        issues.push("replyAddress", "must be one mail address");
    }
    let reply_address_alias = optional_string(field(&raw.reply_address_alias), "replyAddressAlias", &mut issues);
    let content_type = optional_choice(
        field(&raw.content_type),
        "contentType",
        &[("html", ContentType::Html), ("text", ContentType::Text)],
        &mut issues,
    )
    .unwrap_or(ContentType::Html);
    let (min, max) = TIMEOUT_MS_RANGE;
    let timeout_ms = optional_integer(field(&raw.timeout_ms), "timeoutMs", min, max, &mut issues).unwrap_or(DEFAULT_TIMEOUT_MS);
    let retries = optional_integer(field(&raw.retries), "retries", 0, MAX_RETRIES, &mut issues).unwrap_or(0);
    let delivery = delivery::parse_delivery(
        RawDelivery {
            headers: field(&raw.headers),
            bcc_address: field(&raw.bcc_address),
            ip_pool_id: field(&raw.ip_pool_id),
            unsubscribe_link_type: field(&raw.un_subscribe_link_type),
            unsubscribe_filter_level: field(&raw.un_subscribe_filter_level),
            delivery_event_headers: field(&raw.delivery_event_headers),
        },
        &mut issues,
    );
    // With V3 the key id and the token travel in headers, which hold printable ASCII only; a fetch
    // would otherwise refuse the request with a TypeError that quotes the value.
    if signature_version == SignatureVersion::V3 {
        if !header::is_http_header_value(&access_key_id) {
            issues.push("accessKeyId", "must be printable ASCII with signatureVersion v3, which sends it in a header");
        }
        if security_token.as_deref().is_some_and(|t| !header::is_http_header_value(t)) {
            issues.push("securityToken", "must be printable ASCII with signatureVersion v3, which sends it in a header");
        }
    }
    warnings.0.extend(config_warnings(region, click_trace, tag_name.as_deref(), content_type, &templates));
    issues.finish(ErrorCode::InvalidConfig, || Config {
        warnings: warnings.0,
        redactor: Redactor::new([access_key_secret.as_str(), security_token.as_deref().unwrap_or("")]),
        credentials: Credentials::new(access_key_id, access_key_secret, security_token),
        credentials_settings,
        account_name,
        from_alias,
        region,
        network,
        signature_version,
        templates,
        endpoint,
        open_platform_endpoint,
        tag_name,
        click_trace,
        reply_to_address,
        reply_address,
        reply_address_alias,
        content_type,
        timeout_ms,
        retries,
        delivery,
    })
}

/// Checks no other connector makes: settings that validate but will not do what they say. They are
/// returned as warnings, never thrown, so a config that works keeps working.
fn config_warnings(
    region: Region,
    click_trace: Option<bool>,
    tag_name: Option<&str>,
    content_type: ContentType,
    templates: &[Template],
) -> Vec<Issue> {
    let mut warnings = Issues::default();
    for (i, template) in templates.iter().enumerate() {
        if template.content.as_ref().is_some_and(|content| content.len() > MAX_BODY_BYTES) {
            let message = format!("is larger than the {MAX_BODY_BYTES} bytes a send takes: sends with it will be refused");
            warnings.push(format!("templates[{i}].content"), message);
        }
    }
    if region == Region::ApSoutheast2 {
        warnings.push("regionId", "ap-southeast-2 (Sydney) is listed as closed for DirectMail: mail sent there may be refused");
    }
    if click_trace == Some(true) {
        // DirectMail tracks clicks only in mail with an email tag, in an HTML body with <body>.
        if tag_name.is_none() {
            warnings.push("clickTrace", "DirectMail tracks clicks only in mail sent with a tagName; set one");
        }
        if content_type == ContentType::Html {
            for (i, template) in templates.iter().enumerate() {
                let content = template.content.as_deref();
                if content.is_some_and(|content| !content.to_ascii_lowercase().contains("<body")) {
                    warnings.push(
                        format!("templates[{i}].content"),
                        "has no <body> element, and DirectMail tracks clicks only inside one",
                    );
                }
            }
        }
    }
    warnings.0
}

fn parse_templates(value: Option<&Value>, purpose: Purpose, issues: &mut Issues) -> Vec<Template> {
    let items = match value {
        None => {
            issues.push("templates", "is required");
            return Vec::new();
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            issues.push("templates", format!("expected array, got {}", other.type_name()));
            return Vec::new();
        }
    };
    let mut templates = Vec::with_capacity(items.len());
    let mut complete = true;
    for (i, item) in items.iter().enumerate() {
        match parse_template(item, &format!("templates[{i}]"), issues) {
            Some(t) => templates.push(t),
            None => complete = false,
        }
    }
    // Like the reference, name the missing usage types only when every template parsed.
    if complete && purpose == Purpose::Connector {
        // A template for one locale does not stand in for a required type: other locales need one too.
        let missing: Vec<&str> = REQUIRED_USAGE_TYPES
            .into_iter()
            .filter(|required| !templates.iter().any(|t| t.usage_type == *required && t.locale.is_none()))
            .collect();
        if !missing.is_empty() {
            issues.push("templates", format!("Template with UsageType ({}) should be provided!", missing.join(", ")));
        }
    }
    templates
}

fn parse_template(item: &Value, path: &str, issues: &mut Issues) -> Option<Template> {
    if !matches!(item, Value::Object(_)) {
        issues.push(path, format!("expected object, got {}", item.type_name()));
        return None;
    }
    let problems_before = issues.0.len();
    let has = |key: &str| present(item.get(key)).is_some();
    let mut text = |key: &str, max: usize, required: bool| member_string(item, path, key, max, required, issues);
    // A console template replaces subject and content, so they are required only without one.
    let console = has("templateId");
    let usage_type = text("usageType", MAX_FIELD_BYTES, true);
    let locale = text("locale", MAX_FIELD_BYTES, false);
    let template_id = text("templateId", MAX_FIELD_BYTES, false);
    // No size cap of its own: the official connector takes any, and the JS layer caps the config
    // as a whole before it is copied into wasm. A body too large to send is a warning.
    let subject = text("subject", usize::MAX, !console);
    let content = text("content", usize::MAX, !console);
    if template_id.as_deref().is_some_and(|id| !is_template_id(id)) {
        issues.push(format!("{path}.templateId"), "must be the id of a DirectMail console template");
    }
    if locale.as_deref().is_some_and(|l| l.is_empty() || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')) {
        issues.push(format!("{path}.locale"), "must be a language tag such as en or zh-CN");
    }
    (issues.0.len() == problems_before).then(|| Template {
        usage_type: usage_type.unwrap_or_default(),
        locale,
        subject,
        content,
        template_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn raw(s: &str) -> RawConfig {
        serde_json::from_str(s).unwrap()
    }

    fn valid() -> RawConfig {
        raw(r#"{"accessKeyId":"id","accessKeySecret":"topsecret","accountName":"a@b.c",
            "templates":[{"usageType":"SignIn","subject":"s","content":"c"},
            {"usageType":"Register","subject":"s","content":"c"},
            {"usageType":"ForgotPassword","subject":"s","content":"c"},
            {"usageType":"Generic","subject":"s","content":"c"}]}"#)
    }

    #[test]
    fn accepts_a_minimal_config_with_defaults() {
        let c = parse_config(&valid()).unwrap();
        assert_eq!(c.region, Region::CnHangzhou);
        assert_eq!(c.endpoint(), "https://dm.aliyuncs.com/");
        assert_eq!(c.from_alias, None);
    }

    #[test]
    fn collects_every_problem_with_its_path() {
        let e = parse_config(&raw(r#"{"accessKeyId":1,"accountName":"a@b.c,d@e.f","regionId":"cn-shanghai",
            "templates":[{"usageType":"SignIn","subject":2}]}"#))
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConfig);
        assert_eq!(
            e.paths(),
            ["accessKeyId", "accessKeySecret", "accountName", "regionId", "templates[0].subject", "templates[0].content"]
        );
    }

    #[test]
    fn account_name_refuses_a_header_line_or_a_list_and_warns_of_the_rest() {
        for bad in ["A\r\nBcc: e@x.c", "a@b.c,d@e.f", "a@b.c; d@e.f", "a@b.c\u{2028}"] {
            let mut config = valid();
            config.account_name = Some(Value::String(bad.into()));
            assert_eq!(parse_config(&config).unwrap_err().paths(), ["accountName"], "{bad:?}");
        }
        // The official connector sends these; DirectMail answers, with a hint.
        for odd in ["accountName", "a@b.c ", " a@b.c", "a b@c.d", ""] {
            let mut config = valid();
            config.account_name = Some(Value::String(odd.into()));
            let parsed = parse_config(&config).unwrap_or_else(|e| panic!("{odd:?}: {e}"));
            assert_eq!(parsed.account_name, odd, "sent as written");
            assert!(parsed.warnings.iter().any(|w| w.path == "accountName"), "{odd:?} warns");
        }
    }

    #[test]
    fn empty_credentials_load_with_a_warning() {
        let mut config = valid();
        config.access_key_id = Some(Value::String(String::new()));
        config.access_key_secret = Some(Value::String(String::new()));
        let parsed = parse_config(&config).unwrap();
        let paths: Vec<&str> = parsed.warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(paths, ["accessKeyId", "accessKeySecret"]);
    }

    #[test]
    fn any_number_and_size_of_templates_loads() {
        let mut config = valid();
        let mut items: Vec<Value> = Vec::new();
        for i in 0..200 {
            items.push(serde_json::from_str(&format!(r#"{{"usageType":"T{i}","subject":"s","content":"c"}}"#)).unwrap());
        }
        let big = "x".repeat(crate::limits::MAX_BODY_BYTES + 1);
        for usage in crate::config::REQUIRED_USAGE_TYPES {
            items.push(serde_json::from_str(&format!(r#"{{"usageType":"{usage}","subject":"s","content":"{big}"}}"#)).unwrap());
        }
        config.templates = Some(Value::Array(items));
        let parsed = parse_config(&config).unwrap();
        assert_eq!(parsed.templates.len(), 204);
        assert!(parsed.warnings.iter().any(|w| w.path == "templates[200].content"), "too large to send: a warning");
    }

    #[test]
    fn names_missing_usage_types_like_the_reference() {
        let e = parse_config(&raw(r#"{"accessKeyId":"i","accessKeySecret":"s","accountName":"a@b.example",
            "templates":[{"usageType":"SignIn","subject":"s","content":"c"}]}"#))
        .unwrap_err();
        assert_eq!(e.message, "templates: Template with UsageType (Register, ForgotPassword, Generic) should be provided!");
    }

    #[test]
    fn the_secret_never_shows_in_debug_or_errors() {
        let mut with_token = valid();
        with_token.security_token = Some(Value::String("sts-token-value".into()));
        let c = parse_config(&with_token).unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains("topsecret") && !debug.contains("sts-token-value"), "{debug}");
        let mut bad = valid();
        bad.region_id = Some(Value::String("topsecret".into()));
        let e = parse_config(&bad).unwrap_err();
        assert!(!format!("{e:?} {e}").contains("topsecret"));
    }

    #[test]
    fn optional_fields_are_validated_and_named() {
        let mut bad = valid();
        bad.from_alias = Some(Value::Number(15.0));
        bad.security_token = Some(Value::Number(1.0));
        bad.tag_name = Some(Value::String("no spaces".into()));
        bad.click_trace = Some(Value::String("1".into()));
        bad.reply_to_address = Some(Value::Number(1.0));
        bad.reply_address = Some(Value::String("nobody".into()));
        bad.content_type = Some(Value::String("markdown".into()));
        bad.timeout_ms = Some(Value::Number(1.5));
        bad.retries = Some(Value::Number(9.0));
        let e = parse_config(&bad).unwrap_err();
        assert_eq!(
            e.paths(),
            [
                "fromAlias",
                "securityToken",
                "tagName",
                "clickTrace",
                "replyToAddress",
                "replyAddress",
                "contentType",
                "timeoutMs",
                "retries"
            ]
        );
    }

    #[test]
    fn a_long_from_alias_loads_with_a_warning() {
        let mut config = valid();
        config.from_alias = Some(Value::String("x".repeat(15)));
        let parsed = parse_config(&config).unwrap();
        assert_eq!(parsed.warnings.iter().map(|w| w.path.as_str()).collect::<Vec<_>>(), ["fromAlias"]);
    }

    #[test]
    fn settings_that_will_not_work_are_warnings_not_errors() {
        assert!(parse_config(&valid()).unwrap().warnings.is_empty());
        let mut config = valid();
        config.region_id = Some(Value::String("ap-southeast-2".into()));
        config.click_trace = Some(Value::Bool(true));
        let parsed = parse_config(&config).unwrap();
        let paths: Vec<&str> = parsed.warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "regionId",
                "clickTrace",
                "templates[0].content",
                "templates[1].content",
                "templates[2].content",
                "templates[3].content"
            ]
        );
        config.tag_name = Some(Value::String("signup".into()));
        config.content_type = Some(Value::String("text".into()));
        config.region_id = None;
        assert!(parse_config(&config).unwrap().warnings.is_empty(), "a tag, and no HTML body to look in");
    }

    #[test]
    fn the_vpc_network_uses_the_regions_vpc_endpoint_unless_one_is_given() {
        let mut config = valid();
        config.network = Some(Value::String("vpc".into()));
        config.region_id = Some(Value::String("ap-southeast-1".into()));
        assert_eq!(parse_config(&config).unwrap().endpoint(), "https://dm-vpc.ap-southeast-1.aliyuncs.com/");
        config.region_id = None;
        assert_eq!(parse_config(&config).unwrap().endpoint(), "https://dm-vpc.cn-hangzhou.aliyuncs.com/");
        config.endpoint = Some(Value::String("http://127.0.0.1:8080/".into()));
        assert_eq!(parse_config(&config).unwrap().endpoint(), "http://127.0.0.1:8080/");
        config.network = Some(Value::String("lan".into()));
        assert_eq!(parse_config(&config).unwrap_err().paths(), ["network"]);
    }

    #[test]
    fn a_client_config_needs_no_templates_but_checks_any_it_has() {
        let client = raw(r#"{"accessKeyId":"id","accessKeySecret":"topsecret","accountName":"a@b.c"}"#);
        assert!(parse_config_for(&client, Purpose::Client).unwrap().templates.is_empty());
        assert_eq!(parse_config(&client).unwrap_err().paths(), ["templates"]);
        let one = raw(r#"{"accessKeyId":"id","accessKeySecret":"topsecret","accountName":"a@b.c",
            "templates":[{"usageType":"Generic","templateId":"1001"},{"usageType":"SignIn"}]}"#);
        assert_eq!(
            parse_config_for(&one, Purpose::Client).unwrap_err().paths(),
            ["templates[1].subject", "templates[1].content"]
        );
    }

    #[test]
    fn v3_needs_header_safe_key_id_and_token() {
        let mut config = valid();
        config.signature_version = Some(Value::String("v3".into()));
        config.security_token = Some(Value::String("tok\nen-中".into()));
        config.access_key_id = Some(Value::String("id é".into()));
        assert_eq!(parse_config(&config).unwrap_err().paths(), ["accessKeyId", "securityToken"]);
        config.signature_version = None;
        assert!(parse_config(&config).is_ok(), "V2 sends both in the form body");
    }
}
