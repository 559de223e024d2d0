#!/usr/bin/env bash
# The shared page bench (../shared/bench/peers/with-moderato.sh) against this checkout, in
# production mode: `bash bench/peers.sh` (~15 min; REPEATS=1 DURATION=5 for a quick look).
#
# Its targets run `gunicorn config.wsgi`, which loads the fail-closed production settings, and
# the harness passes our environment on to every target it starts (it merges os.environ under
# each target's own env). So, rather than loosening production for local runs, this gives the
# run what production asks for: a throwaway random SECRET_KEY (new each run, never written
# down) and, because the bench speaks plain HTTP on 127.0.0.1 with no TLS proxy in front,
# SECURE_SSL_REDIRECT=false (otherwise every page is a 301 to https). HSTS and secure cookies
# stay as they are; bench/public.py does the same for `make bench`.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED_BENCH:-$HERE/../shared/bench}
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY SECURE_SSL_REDIRECT=false
unset DEMO_PASSWORD REDIS_URL DJANGO_SETTINGS_MODULE
exec bash "$SHARED/peers/with-moderato.sh" "$HERE"
