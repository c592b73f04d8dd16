//! Aliyun DirectMail `SingleSendMail` for Logto: config validation, templates, the request and
//! reply parsing, as a pure core on std and serde. It knows nothing of JS: the wasm binding
//! (`crates/aliyun-dm-wasm`) reads values into its serde types and hands requests to the host's
//! fetch. The signer (`crates/aliyun-rpc-sign`) owns the request's envelope.

// A panic in wasm is a trap that leaves the instance unusable: none may be reachable from input.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod attachments;
pub mod config;
pub mod credentials_source;
pub mod delivery;
pub mod delivery_event;
pub mod endpoint;
pub mod error;
pub mod fields;
pub mod header;
pub mod limits;
pub mod mailbox;
pub mod message;
pub mod normalized;
pub mod options;
pub mod redact;
pub mod response;
pub mod rpc_call;
pub mod single_send_mail;
pub mod template;
pub mod value;

/// The Aliyun RPC signer, its own crate with its own vectors.
pub use aliyun_rpc_sign as sign;
pub use config::{parse_config, parse_config_for, Config, Purpose, RawConfig};
pub use delivery_event::{parse_delivery_event, DeliveryEvent, RawDeliveryEvent};
pub use error::{Error, ErrorCode};
pub use message::{parse_message, Message, RawMessage};
pub use options::{parse_options, Options, RawOptions};
pub use response::{parse_reply, RawReply, SendResult};
pub use sign::{Nonce, SignedRequest, Stamp, Timestamp};
pub use single_send_mail::build_send_mail;
pub use value::Value;
