//! Local fakes of the messengers' APIs: real HTTP servers speaking the real wire shapes, for
//! tests and for trying the bots without a token.

pub mod vk;
