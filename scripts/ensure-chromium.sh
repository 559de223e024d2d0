#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it when missing (needs root, as on CI).
exec bash "$(dirname "$0")/ensure-debian-package.sh" chromium chromium "browser tests"
