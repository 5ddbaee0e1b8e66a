//! The sandbox through its router (no socket), checked against API.md: one test binary, one
//! module per area.

mod addressing;
mod audit;
mod crash;
mod domains;
mod envelope;
mod keys;
mod load;
mod order;
mod partner_auth;
mod seed;
mod sessions;
mod sign_in_load;
mod storage;
mod support;
mod users;
