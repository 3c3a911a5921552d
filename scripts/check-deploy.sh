#!/usr/bin/env bash
# Validates the deployment files without a container runtime (none runs here): both compose files
# through docker-compose's own parser (with .env.example's values), and the nginx configurations
# through `nginx -t`. Tools missing on this machine are reported and skipped (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp compose.yaml compose.two-servers.yaml "$work/"
cp -r deploy "$work/"
{ grep -v '^#' .env.example; echo SERVER1_HOST=10.0.0.1; echo SERVER2_HOST=10.0.0.2; echo REDIS_PASSWORD=x; } > "$work/.env"

if command -v docker-compose >/dev/null 2>&1; then
  (cd "$work" && docker-compose -f compose.yaml config -q \
    && docker-compose -f compose.two-servers.yaml --profile server1 --profile server2 --profile server2-bots config -q)
  echo "compose files: valid" >&2
else
  echo "docker-compose missing (apt-get install docker-compose): compose files not checked" >&2
fi

if command -v nginx >/dev/null 2>&1; then
  # the template as the nginx image fills it in, each config inside a minimal main file
  sed 's/${CHAT_UPSTREAM}/10.0.0.1:8001/' deploy/nginx/two-servers.conf.template > "$work/two-servers.conf"
  for conf in "$PWD/deploy/nginx/one-server.conf" "$work/two-servers.conf"; do
    printf 'pid %s/nginx.pid;\nerror_log stderr;\nevents {}\nhttp { access_log off; include %s; }\n' "$work" "$conf" > "$work/nginx.conf"
    nginx -t -q -c "$work/nginx.conf" -e stderr
  done
  echo "nginx configurations: valid" >&2
else
  echo "nginx missing (apt-get install nginx-light): nginx configurations not checked" >&2
fi
