#!/bin/sh
# `npm ci` when package-lock.json matches package.json. A lockfile written while the registry lacked some
# platform packages (@swc/core-*, @rollup/rollup-*, @msgpackr-extract/*) is refused by `npm ci` (EUSAGE);
# then install from package.json (exact versions) and say so. Any other failure fails the build.
set -eu
log=/tmp/npm-ci.log
if npm ci --no-audit --no-fund "$@" >"$log" 2>&1; then rm -f "$log"; exit 0; fi
if ! grep -q 'code EUSAGE' "$log"; then cat "$log" >&2; exit 1; fi
grep 'Missing:' "$log" | head -n 5 >&2
echo 'npm-install: package-lock.json is out of sync with package.json (npm ci refused it); using npm install' >&2
rm -f "$log"
npm install --no-audit --no-fund "$@"
