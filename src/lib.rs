//! Aliyun DirectMail `SingleSendMail` for Logto: config validation, templates, signing and reply
//! parsing, as a pure core on std and serde. It knows nothing of JS: the wasm binding
//! (`crates/aliyun-dm-wasm`) reads values into its serde types and hands requests to the host's fetch.

// A panic in wasm is a trap that leaves the instance unusable: none may be reachable from input.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod config;
pub mod delivery;
pub mod error;
pub mod limits;
pub mod mailbox;
pub mod redact;
pub mod request;
pub mod response;
pub mod template;
pub mod value;

/// The Aliyun RPC signer, its own crate with its own vectors.
pub use aliyun_rpc_sign as sign;
pub use config::{parse_config, parse_config_for, Config, Purpose, RawConfig};
pub use error::{Error, ErrorCode};
pub use request::{
    build_send_mail, parse_message, parse_options, Message, Nonce, Options, RawMessage, RawOptions, RequestContext,
    SignedRequest, Timestamp,
};
pub use response::{parse_reply, RawReply, SendResult};
pub use value::Value;
