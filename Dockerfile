# Multi-stage build. The runtime stage (the default target) holds only what runs: the bundled API and worker
# (all of dist/bundle: the CommonJS entries, the ES module bundles, the password list), the compiled migrations
# (dist/src), the SPA (web/dist) and production dependencies, owned by root and run as the non-root `node`
# user. No secret and no setting is baked in: compose or the orchestrator passes them (docs/docker.md).
# The `fakes` target adds the fake providers for trying the stack. Dependencies come from package-lock.json
# (`npm ci`): a lockfile out of sync with package.json fails the build (fix: `npm install`, commit the lockfile).
#
#   docker build -t nest-auth-cn .
#   docker build --build-arg NPM_REGISTRY=https://registry.npmmirror.com -t nest-auth-cn .
#   docker build --build-arg NODE_IMAGE=<local image> …   (any Debian-based image with node, npm and a node user)
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
ARG NPM_REGISTRY=https://registry.npmjs.org/
ENV npm_config_registry=${NPM_REGISTRY} npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci && npm cache clean --force

FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY .prettierrc.json ./
COPY scripts/bundle.mjs scripts/client-types.mjs ./scripts/
COPY packages/client ./packages/client
COPY src ./src
COPY test/fakes ./test/fakes
COPY test/support ./test/support
COPY web ./web
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
ARG NPM_REGISTRY=https://registry.npmjs.org/
ENV npm_config_registry=${NPM_REGISTRY} npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
WORKDIR /app
COPY package.json package-lock.json ./
# typescript is an optional peer of @nestjs/swagger (its build-time plugin), so `--omit=dev` still installs the
# project's dev copy; nothing that runs loads it.
RUN npm ci --omit=dev && npm cache clean --force \
 && rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver

# Fake Ronglian, Weibo, WeChat and an SMTP sink (compose profile `fakes`); never used in production.
FROM build AS fakes
ENV NODE_ENV=production
USER node
EXPOSE 4010 4020 4030 2525 4026
CMD ["node", "dist/test/fakes/main.js", "--host=0.0.0.0"]

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/bundle ./dist/bundle
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/web/dist ./web/dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# API by default; the worker runs `node dist/bundle/worker.js`, migrations `node dist/src/database/migrate.js`.
# A smaller young generation keeps an idle API near 150 MB resident (README, Performance).
CMD ["node", "--max-semi-space-size=8", "dist/bundle/main.js"]
