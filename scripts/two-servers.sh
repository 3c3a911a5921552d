#!/usr/bin/env bash
# The original's two-server layout as processes on this machine, with a smoke scenario across
# them (tests/e2e/two_servers.rs): server 1 = its own Redis + `groupbuy chat`; server 2 = `groupbuy
# api`, a worker for every queue and two schedulers against PostgreSQL. A join on server 2 reaches
# a chat client on server 1, a deadline moves a procurement once, a notification arrives.
# The README's test command runs the same test with the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
cargo test --test e2e two_servers -- --nocapture
