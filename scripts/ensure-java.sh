#!/usr/bin/env bash
# The HTML validity tests run the Nu HTML Checker (vnu.jar, from npm) on Java; install
# Debian's headless JRE when it is missing (needs root, as on CI).
exec bash "$(dirname "$0")/ensure-debian-package.sh" java default-jre-headless "HTML validity tests"
