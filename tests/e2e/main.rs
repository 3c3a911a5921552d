//! End-to-end tests against real PostgreSQL over real HTTP. One binary, so it builds once.

mod support;

mod auth;
mod bad_input;
mod bank_at_most_once;
mod bot_telegram;
mod chat;
mod chat_notifications;
mod chat_processes;
mod chat_rest;
mod concurrency;
mod contract_misc;
mod contract_procurements;
mod contract_users;
mod crash;
mod fanout;
mod fault_run;
mod jobs;
mod lifecycle;
mod openapi_truth;
mod payments;
mod queues;
mod redis_restart;
mod safety_nets;
mod scheduling;
mod smoke;
mod sockets;
mod webhook;
