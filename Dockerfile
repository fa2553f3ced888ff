# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies only, non-root.
FROM node:20.19-bookworm-slim
ENV NODE_ENV=production
# Caps the heap below the 256 MiB container limit (deploy/app.yaml), so GC runs before an OOM kill.
ENV NODE_OPTIONS=--max-old-space-size=160
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds from source, which the runtime image does not carry.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY templates ./templates
COPY app.yml ./
COPY bin ./bin
USER node
EXPOSE 3000
# Probot serves /probot and the app adds /healthz; node has no curl in the slim image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
CMD ["npx", "--no-install", "probot", "run", "./dist/index.js"]
