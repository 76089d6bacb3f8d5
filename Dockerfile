# Demo images, built from source by `docker compose up --build` (nothing needed but Docker).
# Stages: frontend (npm), backend and rssim (Go), rssim runtime, and last the Grafana image
# with the plugin, which is what `docker build .` gives.

# The Grafana the plugin is installed into: the current 13.x by default; 12.x (the oldest the
# plugin supports is 12.0.0) with `GRAFANA_IMAGE=grafana/grafana:12.4.0 docker compose up --build`
# or `docker build --build-arg GRAFANA_IMAGE=grafana/grafana:12.4.0 .`.
ARG GRAFANA_IMAGE=grafana/grafana:13.2.3

FROM node:20.19.5-bookworm AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM golang:1.26.5-bookworm AS gobuild
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY pkg ./pkg
ARG TARGETARCH
# The executable name Grafana looks for: <plugin.json executable>_linux_<arch>.
RUN CGO_ENABLED=0 GOOS=linux GOARCH=${TARGETARCH:-amd64} \
    go build -trimpath -ldflags '-w -s' -o /out/gpx_rscerts_linux_${TARGETARCH:-amd64} ./pkg
RUN CGO_ENABLED=0 GOOS=linux GOARCH=${TARGETARCH:-amd64} \
    go build -trimpath -ldflags '-w -s' -o /out/rssim ./pkg/cmd/rssim

FROM alpine:3.22.1 AS rssim
COPY --from=gobuild /out/rssim /usr/local/bin/rssim
USER 65534
EXPOSE 8070
ENTRYPOINT ["/usr/local/bin/rssim"]

FROM ${GRAFANA_IMAGE}
ENV GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=seed-rscerts-datasource \
    # Demo only: everyone is admin, no login.
    GF_AUTH_ANONYMOUS_ENABLED=true \
    GF_AUTH_ANONYMOUS_ORG_ROLE=Admin \
    GF_AUTH_DISABLE_LOGIN_FORM=true \
    GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH=/var/lib/grafana/plugins/seed-rscerts-datasource/dashboards/redis-software-certificates.json
COPY --from=frontend /src/dist /var/lib/grafana/plugins/seed-rscerts-datasource
COPY --from=gobuild /out/gpx_rscerts_linux_* /var/lib/grafana/plugins/seed-rscerts-datasource/
