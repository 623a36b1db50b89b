# hookbot: multi-stage build, small runtime image, non-root user, healthcheck on /healthz.

# --- build stage: production dependencies (better-sqlite3 is a native addon; the toolchain stays here) ---
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

# --- runtime stage ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    DATABASE_PATH=/data/hookbot.db
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY commands ./commands
COPY parsers ./parsers
COPY formatters ./formatters
COPY drizzle ./drizzle
COPY drizzle-pg ./drizzle-pg
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The same command as `npm start`, without npm in the process tree (so SIGTERM reaches hookbot directly).
CMD ["node", "--max-semi-space-size=4", "--import", "tsx", "src/main.ts"]
