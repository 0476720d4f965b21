#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine, then runs the whole suite:
# Debian's Chromium (browser tests) and a Java runtime (the W3C HTML checker), a virtual
# environment with the package and its test extra, axe-core from npm, then lint, types and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  npm ci --silent --no-audit --no-fund --prefix tests/browser >/dev/null
fi

.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
