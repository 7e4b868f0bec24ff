# One image for all four services; SERVICE picks which one runs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# pdftotext: the ingest service reads PDF text with poppler (pdf.js is the fallback); tesseract OCRs scans (the WASM build is the fallback).
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils tesseract-ocr tesseract-ocr-eng && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# A fresh named volume takes this directory's owner, so the unprivileged user can write to it.
RUN mkdir -p /data && chown node:node /data
USER node
ARG SERVICE
ENV SERVICE=${SERVICE}
CMD ["sh", "-c", "exec node dist/apps/${SERVICE}/apps/${SERVICE}/src/main.js"]
