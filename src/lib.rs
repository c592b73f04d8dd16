//! Aliyun DirectMail `SingleSendMail` for Logto: config validation, templates, RPC signing and
//! reply parsing, as a pure core; `wasm` is the thin JS boundary.

// No std in the wasm: the core needs only `alloc`, and without std the binary carries none of its
// panic-hook and formatting machinery. Native builds (tests, benches, fuzzing) keep std.
#![cfg_attr(target_arch = "wasm32", no_std)]
// A panic in wasm is a trap that leaves the instance unusable: none may be reachable from input.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

extern crate alloc;

/// What std's prelude would bring: the `alloc` types every module uses.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::String;
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

pub mod config;
pub mod error;
#[cfg(any(test, target_arch = "wasm32"))]
mod heap;
pub mod json;
pub mod limits;
pub mod request;
pub mod response;
pub mod template;
pub mod text;
pub mod value;

#[cfg(target_arch = "wasm32")]
mod wasm;

/// The Aliyun RPC signer, its own crate so it builds at opt-level 3.
pub use aliyun_rpc_sign as sign;
pub use config::{parse_config, Config};
pub use error::{Error, ErrorCode};
pub use request::{build_send_mail, parse_message, Message, Nonce, RequestContext, SignedRequest, Timestamp};
pub use response::{parse_reply, SendResult};
pub use value::Value;
