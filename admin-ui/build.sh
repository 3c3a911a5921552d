#!/usr/bin/env bash
# Builds the admin app into admin-ui/dist (served by the API at /admin-panel/).
exec bash "$(dirname "$0")/../scripts/build-web-app.sh" admin-ui
