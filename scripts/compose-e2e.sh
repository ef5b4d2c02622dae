#!/usr/bin/env bash
# The compose e2e: builds the images (with local stand-in base images when the official ones cannot be
# pulled), starts docker-compose.yml with the fakes profile and two workers, waits for health, runs
# test/compose/journey.mjs against the published ports, then tears everything down (down -v).
# Needs a running Docker daemon, docker-compose (or the compose plugin), Node.js on the host.
set -euo pipefail
cd "$(dirname "$0")/.."

export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-nestauth_e2e}"
export APP_IMAGE="${APP_IMAGE:-nest-auth-cn:e2e}" FAKES_IMAGE="${FAKES_IMAGE:-nest-auth-cn-fakes:e2e}"
# Ports away from the defaults, so a developer's own stack or `npm start` on this machine is not in the way.
export API_PORT="${API_PORT:-13000}" FAKES_RONGLIAN_PORT="${FAKES_RONGLIAN_PORT:-14010}"
export FAKES_WEIBO_PORT="${FAKES_WEIBO_PORT:-14020}" FAKES_WECHAT_PORT="${FAKES_WECHAT_PORT:-14030}"
export FAKES_MAIL_PORT="${FAKES_MAIL_PORT:-14026}"
# The browser-facing Weibo URL: what the user (here the journey) opens on the host.
export WEIBO_AUTHORIZE_URL="http://127.0.0.1:$FAKES_WEIBO_PORT/oauth2/authorize"
ENV_FILE=test/compose/fakes.env
LOG_DIR="${COMPOSE_E2E_LOGS:-/tmp/compose-e2e}"
mkdir -p "$LOG_DIR"
WORKERS=2

log() { echo "[compose-e2e $(date -u +%H:%M:%S)] $*"; }
timed() {
  local what=$1 start=$SECONDS
  shift
  "$@"
  log "$what: $((SECONDS - start)) s"
}

COMPOSE=(docker-compose)
docker compose version >/dev/null 2>&1 && COMPOSE=(docker compose)
COMPOSE+=(--env-file "$ENV_FILE" --profile fakes)
compose() { "${COMPOSE[@]}" "$@"; }

base_images() {
  local images line
  images="$(timeout 1200 scripts/docker/base-images.sh)"
  for line in $images; do export "${line?}"; log "$line"; done
}

# Build output goes to a file, shown when the build fails. Timeouts keep a stuck build inside the CI limit.
build() {
  local log=$1
  shift
  timeout 1200 docker build --force-rm --label org.nest-auth-cn.e2e=1 "$@" . >"$LOG_DIR/$log" 2>&1 || { tail -n 80 "$LOG_DIR/$log"; log "docker build failed: $LOG_DIR/$log"; return 1; }
}

build_images() {
  local args=(--build-arg "NODE_IMAGE=$NODE_IMAGE")
  [ -z "${NPM_REGISTRY:-}" ] || args+=(--build-arg "NPM_REGISTRY=$NPM_REGISTRY")
  build build-app.log "${args[@]}" -t "$APP_IMAGE"
  build build-fakes.log "${args[@]}" --target fakes -t "$FAKES_IMAGE"
  # The images the previous run tagged, now untagged: without this every CI run would leave ~1 GB behind.
  docker image prune -f --filter label=org.nest-auth-cn.e2e=1 >/dev/null
  log "image sizes: $(docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^($APP_IMAGE|$FAKES_IMAGE) " | tr '\n' ' ')"
}

# The production image runs as `node` with a HEALTHCHECK, holds all of dist/bundle as the build made it (the
# CommonJS entries load the .mjs bundles and read the password list next to them) and neither the fakes nor
# the dev toolchain.
check_runtime_image() {
  local config top built shipped dev
  config="$(docker image inspect -f '{{.Config.User}} {{if .Config.Healthcheck}}healthcheck{{end}}' "$APP_IMAGE")"
  [ "$config" = 'node healthcheck' ] || { log "the runtime image must run as node with a HEALTHCHECK: $config"; return 1; }
  [ "$(runtime_sh 'id -u')" != 0 ] || { log "the runtime image runs as root"; return 1; }
  top="$(runtime_sh 'echo $(ls -A /app) / $(ls -A dist)')"
  [ "$top" = 'dist node_modules package.json web / bundle src' ] \
    || { log "the runtime image holds more than dist/{bundle,src}, web, package.json and node_modules: $top"; return 1; }
  built="$(docker run --rm --entrypoint sh "$FAKES_IMAGE" -c 'cd dist/bundle && ls -A')"
  shipped="$(runtime_sh 'cd dist/bundle && ls -A')"
  [ "$built" = "$shipped" ] || { log "dist/bundle differs from the build's: $(echo "$shipped" | tr '\n' ' ')"; return 1; }
  dev="$(runtime_sh 'for p in jest esbuild vite typescript smtp-server mailparser @nestjs/cli @swc/core; do
    [ ! -e "node_modules/$p" ] || echo "$p"; done')"
  [ -z "$dev" ] || { log "the runtime image holds dev dependencies: $(echo "$dev" | tr '\n' ' ')"; return 1; }
}
runtime_sh() { docker run --rm --entrypoint sh "$APP_IMAGE" -c "$1"; }

container_state() { docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1" 2>/dev/null; }

wait_healthy() {
  local api deadline=$((SECONDS + 180))
  api="$(compose ps -q api)"
  until [ "$(container_state "$api")" = 'running healthy' ]; do
    [ $SECONDS -lt $deadline ] || { log "api not healthy after 180 s: $(container_state "$api")"; return 1; }
    case "$(container_state "$api")" in exited*|dead*) log "api exited"; return 1 ;; esac
    sleep 1
  done
  until node -e "fetch('http://127.0.0.1:$FAKES_RONGLIAN_PORT/_fake/stats').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; do
    [ $SECONDS -lt $deadline ] || { log "the fakes are not answering on :$FAKES_RONGLIAN_PORT"; return 1; }
    sleep 1
  done
}

stack_up() {
  timeout 300 "${COMPOSE[@]}" up -d --no-build --scale "worker=$WORKERS" >/dev/null
  wait_healthy
}

journey() {
  WORKER_CONTAINERS="$(compose ps -q worker | tr '\n' ' ')" API_URL="http://127.0.0.1:$API_PORT" \
    timeout 300 node test/compose/journey.mjs
}

# docker stop sends SIGTERM; a worker that finished its active jobs exits 0.
check_stopped_worker() {
  local id code
  for id in $(compose ps -a -q worker); do
    [ "$(docker inspect -f '{{.State.Status}}' "$id")" = exited ] || continue
    code="$(docker inspect -f '{{.State.ExitCode}}' "$id")"
    [ "$code" = 0 ] || { log "the stopped worker exited with $code, not 0 (graceful)"; return 1; }
    log "the stopped worker exited 0 (graceful shutdown)"
  done
}

on_exit() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    log "FAILED (exit $rc); container states and logs follow"
    compose ps -a || true
    compose logs --no-color --tail=150 || true
  fi
  timeout 120 "${COMPOSE[@]}" down -v --remove-orphans --timeout 10 >/dev/null 2>&1 || log "compose down failed"
  exit $rc
}

main() {
  docker info >/dev/null 2>&1 || { log "no Docker daemon reachable"; exit 1; }
  timed 'base images' base_images
  timed 'project images (runtime + fakes)' build_images
  check_runtime_image
  trap on_exit EXIT
  compose down -v --remove-orphans --timeout 10 >/dev/null 2>&1 || true # a previous run killed midway
  timed 'stack up (postgres, redis, migrate, api, worker x2, fakes) until healthy' \
    stack_up
  timed 'journey' journey
  check_stopped_worker
  log "compose e2e passed"
}

main "$@"
