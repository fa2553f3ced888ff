# syntax=docker/dockerfile:1
# Node 24 LTS: supported until April 2028, a year longer than Node 22. The code also runs on Node 20
# (package.json engines, CI's Node): what keeps development there is the toolchain (nock 14, the jest
# setup), not the runtime — probot 14 accepts ^20.18.1 || >=22 and @kubernetes/client-node 1.x sets
# no limit — so the image can run the newer LTS.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build stage: compile TypeScript with the dev dependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies only, non-root, nothing written outside /tmp.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# Probot listens on localhost unless told otherwise; in a container the probes and the Service
# reach the pod's own address.
ENV HOST=0.0.0.0
# Caps the heap below the 256 MiB container limit (deploy/app.yaml), so GC runs before an OOM kill; a
# 1 MB young generation keeps RSS near 140 MB instead of ~175 MB for a little more GC work (`npm run bench`).
ENV NODE_OPTIONS="--max-old-space-size=160 --max-semi-space-size=1"
# `workshop-readiness demo` (and plan, infra) run in the image, on the bundled examples.
ENV PATH=/app/bin:$PATH
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds from source, which the runtime image does not carry.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force && rm -rf /root/.npm
COPY --from=build /app/dist ./dist
COPY templates ./templates
COPY examples ./examples
COPY app.yml LICENSE ./
COPY bin ./bin
# The image's own non-root user (uid 1000); deploy/app.yaml runs it with a read-only root filesystem.
USER node
EXPOSE 3000
# For plain Docker; Kubernetes uses the Deployment's probes instead. The slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# node runs as PID 1 with no npx or npm wrapper in between, so SIGTERM reaches the app, which stops
# taking deliveries, drains its work and exits (src/server/shutdown.ts). It starts no child processes.
CMD ["node", "dist/server/main.js"]
