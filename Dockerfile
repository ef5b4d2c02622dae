# Multi-stage build: compile with dev dependencies, run with production dependencies only, as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY test/fakes ./test/fakes
COPY test/support ./test/support
COPY web ./web
COPY scripts ./scripts
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# API by default; the worker service runs `node dist/bundle/worker.js`.
# A smaller young generation keeps an idle API near 150 MB resident (README, Performance).
CMD ["node", "--max-semi-space-size=2", "dist/bundle/main.js"]
