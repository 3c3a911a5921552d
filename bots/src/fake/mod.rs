//! Local fakes of the messengers' APIs: real HTTP servers speaking the real request and answer
//! shapes, with the platforms' limits enforced, plus a control API through which tests and the
//! playground play the people on the other side.

mod server;
pub mod telegram;
pub mod vk;
