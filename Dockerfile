# One image for every service; SERVICE picks which one runs (gateway, customer, catalog, cart,
# promotions, support). Sources run through tsx, so the image is the repository plus its
# production dependencies.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    TURBO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY packages ./packages
COPY subgraphs ./subgraphs
COPY apps ./apps
COPY tsconfig.base.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save --no-audit --no-fund tsx@4
ARG SERVICE=gateway
ENV SERVICE=${SERVICE}
USER node
CMD ["sh", "-c", "if [ \"$SERVICE\" = gateway ]; then exec npx tsx apps/gateway/src/index.ts; else exec npx tsx subgraphs/$SERVICE/src/index.ts; fi"]
