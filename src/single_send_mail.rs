//! The `SingleSendMail` request: the template chosen and rendered, DirectMail's own parameters
//! set, and the whole handed to the signer, which adds the envelope.
//!
//! Parameters follow DirectMail's SingleSendMail page (doc-detail 29444) as
//! `@logto/connector-aliyun-dm` 1.6 sends them, plus the newer ones it does not send.

use crate::attachments;
use crate::config::{Config, ContentType, SignatureVersion};
use crate::credentials_source::CredentialsSource;
use crate::delivery;
use crate::error::{Error, ErrorCode};
use crate::header::{header_safe, is_mail_address};
use crate::limits::{self, MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_SUBJECT_CHARS};
use crate::mailbox::{self, Mailbox};
use crate::message::Message;
use crate::options::Options;
use crate::sign::{self, Call, SignedRequest, Stamp, Version};
use crate::template::{self, Escape, RenderError, Template};
use crate::value::Value;
use serde::Serialize;
use std::borrow::Cow;

/// The API and version every request names.
const ACTION: &str = "SingleSendMail";
const VERSION: &str = "2015-11-23";

/// What a mail says: a subject and content to render, or a DirectMail console template.
enum Content<'a> {
    Text { subject: &'a str, content: &'a str },
    Console { template_id: &'a str },
}

/// The content for this send: a console template named for this send, Logto's i18n template, else
/// the config's template for the usage type and the payload's `locale`.
fn choose_content<'a>(config: &'a Config, message: &Message, options: &'a Options) -> Result<Content<'a>, Error> {
    if let Some(template_id) = &options.per_send.template_id {
        return Ok(Content::Console { template_id });
    }
    if let Some(custom) = &options.template {
        return Ok(Content::Text { subject: &custom.subject, content: &custom.content });
    }
    let locale = message.payload.get("locale").and_then(Value::as_str);
    let not_found = || Error::new(ErrorCode::TemplateNotFound, format!("Cannot find template for type: {}", message.usage_type));
    let chosen: &Template = template::select(&config.templates, &message.usage_type, locale).ok_or_else(not_found)?;
    match (&chosen.template_id, &chosen.subject, &chosen.content) {
        (Some(template_id), _, _) => Ok(Content::Console { template_id }),
        (None, Some(subject), Some(content)) => Ok(Content::Text { subject, content }),
        // The config's validation requires one or the other.
        _ => Err(not_found()),
    }
}

/// Picks and renders the template, sets every parameter and signs the request with `stamp`.
pub fn build_send_mail(config: &Config, message: &Message, options: &Options, stamp: Stamp) -> Result<SignedRequest, Error> {
    let mut signed = None;
    with_params(config, message, options, &mut |params| {
        let version = match config.signature_version {
            SignatureVersion::V2 => Version::V2,
            SignatureVersion::V3 => Version::V3,
        };
        let url = options.endpoint.as_deref().unwrap_or(config.endpoint());
        let call = Call { action: ACTION, version: VERSION, region_id: config.region.id(), url };
        signed = Some(sign::sign_request(&config.credentials, version, &call, params, stamp));
    })?;
    signed.ok_or_else(|| Error::new(ErrorCode::General, "The request was not signed"))
}

/// The hex SHA-256 of the mail's own parameters, canonically ordered, and of `extra` (what the
/// caller adds, such as its attachments' digests): equal for two sends of the same mail, whatever
/// their credentials, nonce or time. An idempotency key's store compares it.
pub fn fingerprint(config: &Config, message: &Message, options: &Options, extra: &str) -> Result<String, Error> {
    let mut hash = String::new();
    with_params(config, message, options, &mut |params| {
        let mut text = sign::CanonicalQuery::new(params.iter().copied()).into_string();
        text.push('\n');
        text.push_str(extra);
        hash = sign::v3::sha256_hex(text.as_bytes());
    })?;
    Ok(hash)
}

/// What receives a mail's parameters, as name-value pairs.
type ParamsSink<'a> = dyn FnMut(&[(&str, &str)]) + 'a;

/// Picks and renders the template, sets every parameter, and hands them to `use_params`: a `dyn`
/// callback, so the long body is compiled once for both of its callers (the wasm is smaller).
fn with_params(config: &Config, message: &Message, options: &Options, use_params: &mut ParamsSink) -> Result<(), Error> {
    // A role's config holds no signing key: the JS layer fetches the role's credentials and makes
    // a sender with them, so reaching here with a role is a caller's mistake, never a bad signature.
    let source = &config.credentials_settings.source;
    if *source != CredentialsSource::AccessKey {
        let message = format!(
            "credentialsSource {} needs its credentials fetched: send with the mail client or the Logto connector, which fetch them",
            source.id()
        );
        return Err(Error::invalid(ErrorCode::InvalidConfig, "credentialsSource", message));
    }
    let content = choose_content(config, message, options)?;
    let payload = &message.payload;
    let per_send = &options.per_send;
    let custom = options.template.as_ref();
    let invalid = |field: &str, message: String| Error::invalid(ErrorCode::InvalidRequestParameters, field, message);
    let render = |field: &'static str, text: &str, escape: Escape, max: usize| {
        let rendered = if options.strict_placeholders {
            template::render_strictly(text, payload, escape, max)
        } else {
            template::render(text, payload, escape, max).map_err(|_| RenderError::TooLarge)
        };
        rendered.map_err(|e| match e {
            RenderError::TooLarge => invalid(field, format!("renders to more than {max} bytes")),
            RenderError::Missing(key) => {
                invalid(field, format!("has {{{{{key}}}}}, which has no value in the payload (`data`, in the mail client)"))
            }
        })
    };
    let content_type = custom.and_then(|c| c.content_type).unwrap_or(config.content_type);
    // This send's sender (a mail client's `from`), else the config's.
    let account_name = per_send.account_name.as_deref().unwrap_or(&config.account_name);
    let (subject, html_body, text_body, console_template) = match content {
        Content::Console { template_id } => (None, None, None, Some(delivery::template_param(template_id, payload))),
        Content::Text { subject, content } => {
            let subject = header_safe(render("Subject", subject, Escape::None, MAX_HEADER_BYTES)?).into_owned();
            let subject_chars = limits::chars(&subject);
            if subject_chars > MAX_SUBJECT_CHARS {
                return Err(invalid(
                    "Subject",
                    format!("renders to {subject_chars} characters; DirectMail takes at most {MAX_SUBJECT_CHARS}"),
                ));
            }
            // Values in an HTML body are escaped, so a user's name cannot inject markup; text goes as it is.
            match content_type {
                ContentType::Html => {
                    let html = render("HtmlBody", content, Escape::Html, MAX_BODY_BYTES)?;
                    // A plain-text alternative goes beside it, when this send gives one.
                    let text =
                        per_send.text.as_deref().map(|t| render("TextBody", t, Escape::None, MAX_BODY_BYTES)).transpose()?;
                    (Some(subject), Some(html), text, None)
                }
                ContentType::Text => {
                    (Some(subject), None, Some(render("TextBody", content, Escape::None, MAX_BODY_BYTES)?), None)
                }
            }
        }
    };
    if per_send.text.is_some() && html_body.is_none() {
        return Err(invalid("text", "goes beside an HTML body, as its plain-text alternative: this mail has none".into()));
    }
    // This send's alias wins, as written; then the i18n template's non-empty sendFrom, read as
    // connector-kit's parseSendFrom reads it (`Name <addr>` gives `Name`; DirectMail sends from
    // accountName, whatever address it names); then the config's. An empty alias is never sent; a
    // long one is, as the official connector sends it, and DirectMail's answer has a hint.
    let from_alias = match (&per_send.from_alias, custom.and_then(|c| c.send_from.as_deref()).filter(|s| !s.is_empty())) {
        (Some(alias), _) => Some(Cow::Borrowed(alias.as_str())),
        (None, Some(send_from)) => {
            let rendered = render("FromAlias", send_from, Escape::None, MAX_HEADER_BYTES)?;
            mailbox::parse_send_from(&rendered, account_name, config.from_alias.as_deref()).name.map(Cow::Owned)
        }
        (None, None) => config.from_alias.as_deref().map(Cow::Borrowed),
    }
    .map(header_safe)
    .filter(|alias| !alias.is_empty());
    // This send's reply-to wins; then the i18n template's when it renders to a mailbox (anything
    // else is left out, as the official connector leaves every replyTo out: Logto's own test
    // templates hold `Reply-to {{to}}`); then the config's reply address and its alias.
    let i18n_reply_to = match custom.and_then(|c| c.reply_to.as_deref()).filter(|s| !s.is_empty()) {
        Some(reply_to) => {
            let rendered = render("ReplyAddress", reply_to, Escape::None, MAX_HEADER_BYTES)?;
            Some(mailbox::parse_send_from(&rendered, "", None)).filter(|m| is_mail_address(&m.email))
        }
        None => None,
    };
    let (reply_address, reply_address_alias): (Option<&str>, Option<&str>) =
        match per_send.reply_to.as_ref().or(i18n_reply_to.as_ref()) {
            Some(Mailbox { email, name }) => (Some(email), name.as_deref()),
            None => (config.reply_address.as_deref(), config.reply_address_alias.as_deref()),
        };
    let extra = &config.delivery;
    let headers = delivery::headers_param(extra, &per_send.headers, &message.usage_type, payload);
    let reply_address_alias = reply_address_alias.map(header_safe).filter(|alias| !alias.is_empty());

    let listed: [(&str, Option<&str>); 18] = [
        ("AccountName", Some(account_name)),
        ("AddressType", Some("1")),
        ("BccAddress", per_send.bcc_address.as_deref().or(extra.bcc_address.as_deref())),
        ("ClickTrace", config.click_trace.map(|on| if on { "1" } else { "0" })),
        ("FromAlias", from_alias.as_deref()),
        ("Headers", headers.as_deref()),
        ("HtmlBody", html_body.as_deref()),
        ("IpPoolId", extra.ip_pool_id.as_deref()),
        ("ReplyAddress", reply_address),
        ("ReplyAddressAlias", reply_address_alias.as_deref()),
        ("ReplyToAddress", Some(if config.reply_to_address { "true" } else { "false" })),
        ("Subject", subject.as_deref()),
        ("TagName", per_send.tag_name.as_deref().or(config.tag_name.as_deref())),
        ("Template", console_template.as_deref()),
        ("TextBody", text_body.as_deref()),
        ("ToAddress", Some(&message.to)),
        ("UnSubscribeFilterLevel", extra.unsubscribe_filter_level),
        ("UnSubscribeLinkType", extra.unsubscribe_link_type),
    ];
    let attachments = attachments::attachment_params(&per_send.attachments);
    let mut params: Vec<(&str, &str)> = listed.into_iter().filter_map(|(name, value)| Some((name, value?))).collect();
    params.extend(attachments.iter().map(|(name, value)| (name.as_str(), *value)));
    use_params(&params);
    Ok(())
}

/// `{url, method, headers, body}`: what the dry run returns and what a send hands to fetch.
#[derive(Debug, Serialize)]
pub struct HttpRequest<'a> {
    pub url: &'a str,
    pub method: &'static str,
    pub headers: Headers<'a>,
    pub body: &'a str,
}

/// Header names and values, serialized as one object.
#[derive(Debug)]
pub struct Headers<'a>(pub &'a [(&'static str, String)]);

impl Serialize for Headers<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, value)| (*name, value.as_str())))
    }
}

/// The signed request as the dry run returns it and a send hands it to fetch: a POST.
pub fn http(request: &SignedRequest) -> HttpRequest<'_> {
    HttpRequest { url: &request.url, method: "POST", headers: Headers(&request.headers), body: &request.body }
}

#[cfg(test)]
mod tests;
