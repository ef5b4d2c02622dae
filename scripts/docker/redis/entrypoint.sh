#!/bin/sh
# Debian's redis-server starts in protected mode without a config file, refusing other containers;
# the official image turns it off the same way.
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  set -- redis-server --bind '* -::*' --protected-mode no "$@"
fi
exec "$@"
