# One image for every service; SERVICE picks which one runs (gateway, customer, catalog, cart,
# promotions, support, messenger-ingress). Sources run through tsx's Node loader (`node --import tsx`), the same
# command `npm start` uses in development, so the image is the repository plus the production
# dependencies of the lockfile: tsx is one of them.
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
ARG SERVICE=gateway
ENV SERVICE=${SERVICE}
USER node
# `exec` replaces the shell, so node itself is PID 1 and receives `docker stop`'s SIGTERM: it stops
# taking connections, finishes the requests in flight and exits 0 well within Docker's 10 s.
# apps/all-in-one/test/container-stop.e2e.test.ts runs this very command line.
CMD ["sh", "-c", "if [ \"$SERVICE\" = gateway ]; then exec node --import tsx apps/gateway/src/index.ts; elif [ \"$SERVICE\" = messenger-ingress ]; then exec node --import tsx apps/messenger-ingress/src/index.ts; else exec node --import tsx subgraphs/$SERVICE/src/index.ts; fi"]
