#!/usr/bin/env bash
# Runs Parley's whole test suite: typecheck, lint, unit and integration tests
# (store suites on SQLite, and on PostgreSQL when DATABASE_URL is set; multi-node
# suites when REDIS_URL is set), then the browser suite. Installs whatever the
# tests need when it is missing: npm packages, Debian's chromium.
set -uo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

step "dependencies"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || exit 1
fi
if ! command -v chromium >/dev/null 2>&1; then
  step "installing Debian's chromium for the browser suite"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null || exit 1
fi

# The deployment tests run docs/deploy's nginx and Caddy configurations and make
# certificates with openssl. Installed without starting their services: the
# tests start their own instances on free loopback ports.
missing=()
for pair in openssl:openssl nginx:nginx caddy:caddy systemd-analyze:systemd; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian's ${missing[*]} for the deployment tests"
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null && as_root chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  rc=$?
  [ "$own_policy" = 1 ] && as_root rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || exit 1
fi
# SIEM export (docs/operations.md): the tests run their own rsyslogd (TCP, TLS through gtls,
# RELP through imrelp) on loopback ports; installed without starting the machine's syslog.
rsyslog_modules=/usr/lib/x86_64-linux-gnu/rsyslog
if [ ! -x /usr/sbin/rsyslogd ] || [ ! -f "$rsyslog_modules/lmnsd_gtls.so" ] || [ ! -f "$rsyslog_modules/imrelp.so" ]; then
  step "installing Debian's rsyslog, rsyslog-gnutls and rsyslog-relp for the SIEM export tests"
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null && as_root chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq rsyslog rsyslog-gnutls rsyslog-relp >/dev/null
  rc=$?
  [ "$own_policy" = 1 ] && as_root rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || exit 1
fi
# Files (docs/files.md): the tests start their own clamd with the repository's EICAR
# signature, and OCR images with Debian's tesseract and its English data.
if ! command -v clamd >/dev/null 2>&1 && [ ! -x /usr/sbin/clamd ]; then
  step "installing Debian's clamav-daemon for the files suite"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq clamav-daemon >/dev/null || exit 1
fi
if ! command -v tesseract >/dev/null 2>&1 || [ -z "$(ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata 2>/dev/null)" ]; then
  step "installing Debian's tesseract-ocr (English) for the files suite"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null || exit 1
fi

step "build (web apps into dist/web, Node entry points into dist/)"
npm run --silent build || exit 1

step "typecheck"
npm run --silent typecheck || exit 1

step "lint"
npm run --silent lint || exit 1

step "tests (unit + integration, then browser)"
mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
rc=$?
node scripts/test-summary.mjs test-results/vitest.json || rc=1
exit $rc
