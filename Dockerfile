# Kundwebben production image: `docker build -t kundwebben .`
# Runs `serve` in production mode as a non-root user; configure it with environment
# variables or KW_CONFIG_FILE (README "Configuration", docs/deployment.md).

# --- build: the full toolchain compiles TypeScript to dist/ ---------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The product only: the demo and its local test servers (devtools/) run from source
# (`npm start`) and are neither compiled nor copied (src/build.test.ts checks dist/).
RUN npm run build

# --- runtime: production dependencies and the compiled code only ---------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    KW_MODE=production \
    KW_HOST=0.0.0.0 \
    KW_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY static ./static
COPY config ./config
COPY assets ./assets
# Only for a single-instance SQLite deployment (mount a volume here); PostgreSQL needs none.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
# 8080: the portal; 8443: the card-login listener (KW_CARD_PORT).
EXPOSE 8080 8443
# Liveness only: a database or Redis outage shows in /health/ready (for the load
# balancer), and restarting the container would not fix it.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.KW_PORT || 8080) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful shutdown (drain, finish requests in flight, close pools).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js", "serve"]
