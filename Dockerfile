# One image, two entry points: dist/server.js (API, which also serves the console) and dist/worker.js (worker).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY console/package.json ./console/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY console ./console
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
COPY package.json ./
COPY mappings ./mappings
# Volumes mounted here (checkpoints, exports) must be writable by the unprivileged user.
RUN mkdir -p /var/lib/sillage/checkpoints /var/lib/sillage/exports && chown -R node:node /var/lib/sillage
USER node
EXPOSE 3000
CMD ["node", "--max-old-space-size=1024", "dist/server.js"]
