# chainprobe container image: multi-stage, non-root, read-only root filesystem friendly.
# Build: docker build -t chainprobe .
# Run:   docker run --read-only -v $PWD/probes:/etc/chainprobe:ro -p 9488:9488 chainprobe \
#          --config /etc/chainprobe/chain138.yaml

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY probes ./probes
COPY docs ./docs
# `chainprobe` on PATH, as the runbook's `kubectl exec ... -- chainprobe --once` expects.
RUN chmod +x dist/src/main.js && ln -s /app/dist/src/main.js /usr/local/bin/chainprobe
# The image's built-in unprivileged user; nothing is written at run time.
USER node
EXPOSE 9488
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "dist/src/cli/healthcheck.js", "9488"]
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["--config", "probes/chain138.yaml"]
