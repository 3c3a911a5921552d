#!/usr/bin/env bash
# Builds the web cabinet into webapp/dist (served by the API at /).
exec bash "$(dirname "$0")/../scripts/build-web-app.sh" webapp
