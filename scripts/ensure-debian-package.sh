#!/usr/bin/env bash
# Usage: ensure-debian-package.sh COMMAND PACKAGE WHO-NEEDS-IT
# Installs Debian's PACKAGE when COMMAND is missing (needs root, as on CI); otherwise says how.
set -euo pipefail
command_name=$1 package=$2 needed_by=$3
if command -v "$command_name" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$command_name is missing: run 'sudo apt-get install $package' ($needed_by need it)." >&2
  exit 1
fi
echo "Installing Debian's $package for the $needed_by…" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
