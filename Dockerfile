# One image for every service; SERVICE picks which one runs (gateway, customer, catalog, cart,
# promotions, support, messenger-ingress). The build stage compiles each service to one JavaScript
# file (`npm run build`: scripts/bundle-services.mjs); the image runs it with plain `node`, on the
# production dependencies of the lockfile. The repository's files stay beside the compiled ones:
# the services read their schemas, migrations and the supergraph from them at start-up.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY subgraphs ./subgraphs
COPY apps ./apps
COPY scripts ./scripts
COPY tsconfig.base.json ./
RUN npm ci --no-audit --no-fund && npm run build

FROM node:24-bookworm-slim
WORKDIR /app
# 64 MB semi-spaces for the young generation: request handling allocates many short-lived objects,
# and with the default 16 MB the scavenger took a quarter of a subgraph's CPU under load (README
# "All cores and the gateway's hot path").
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=64 \
    TURBO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY packages ./packages
COPY subgraphs ./subgraphs
COPY apps ./apps
COPY tsconfig.base.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/apps/gateway/dist ./apps/gateway/dist
COPY --from=build /app/apps/messenger-ingress/dist ./apps/messenger-ingress/dist
COPY --from=build /app/subgraphs/customer/dist ./subgraphs/customer/dist
COPY --from=build /app/subgraphs/catalog/dist ./subgraphs/catalog/dist
COPY --from=build /app/subgraphs/cart/dist ./subgraphs/cart/dist
COPY --from=build /app/subgraphs/promotions/dist ./subgraphs/promotions/dist
COPY --from=build /app/subgraphs/support/dist ./subgraphs/support/dist
ARG SERVICE=gateway
ENV SERVICE=${SERVICE}
USER node
# `exec` replaces the shell, so node itself is PID 1 and receives `docker stop`'s SIGTERM: it stops
# taking connections, finishes the requests in flight and exits 0 well within Docker's 10 s.
# apps/all-in-one/test/container-stop.e2e.test.ts runs this very command line.
CMD ["sh", "-c", "if [ \"$SERVICE\" = gateway ] || [ \"$SERVICE\" = messenger-ingress ]; then exec node apps/$SERVICE/dist/index.js; else exec node subgraphs/$SERVICE/dist/index.js; fi"]
