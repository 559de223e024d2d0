#!/usr/bin/env bash
# The HTML validity tests run the Nu HTML Checker (vnu.jar, from npm) on Java; install
# Debian's headless JRE when it is missing (needs root, as on CI).
set -euo pipefail
if command -v java >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Java is missing: run 'sudo apt-get install default-jre-headless' (HTML validity tests need it)." >&2
  exit 1
fi
echo "Installing Debian's default-jre-headless for the HTML validity tests…" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
