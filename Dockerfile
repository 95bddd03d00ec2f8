# paperboy's container image: `make docker` (or `docker build -t paperboy .`).
#
# Two stages. The build stage compiles the binary with cgo (go-sqlite3 is C)
# and the sqlite_fts5 tag, against Debian bookworm's glibc; the runtime stage
# is the same Debian release, slim, so the binary finds the glibc it was
# linked with. README.md, "Running as a service", shows how to run it.

ARG GO_VERSION=1.26.8
ARG DEBIAN_RELEASE=bookworm

FROM golang:${GO_VERSION}-${DEBIAN_RELEASE} AS build
WORKDIR /src
# The modules first, in their own layer: a change to the code alone does not
# download them again.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
# VERSION, when given, replaces main.version (`paperboy version`, and the
# User-Agent sent to Hugging Face and arXiv); `make docker` gives the tag when
# HEAD is a release. The build context has no .git (see .dockerignore), so
# the go command cannot stamp the commit itself: COMMIT (main.buildCommit)
# names it, and `make docker` passes it.
ARG VERSION=
ARG COMMIT=
ENV CGO_ENABLED=1
RUN go build -tags sqlite_fts5 -trimpath -buildvcs=false \
        -ldflags "-s -w ${VERSION:+-X main.version=${VERSION}} ${COMMIT:+-X main.buildCommit=${COMMIT}}" \
        -o /out/paperboy ./cmd/paperboy \
    && /out/paperboy version

FROM debian:${DEBIAN_RELEASE}-slim
# ca-certificates: HTTPS to Hugging Face, arXiv, Discord and Slack.
# tzdata: channel time zones from Debian's zone database, which security
# updates keep current (the binary also embeds Go's copy as a fallback).
# wget: the HEALTHCHECK's probe (the slim image has neither curl nor wget).
# noninteractive: tzdata would otherwise ask for a zone.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates tzdata wget \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*
# A fixed, numeric, unprivileged user: the volume's files belong to it, and
# an orchestrator can check that the image does not run as root.
RUN groupadd --gid 10001 paperboy \
    && useradd --uid 10001 --gid paperboy --home-dir /data --no-create-home --no-log-init \
        --shell /usr/sbin/nologin paperboy \
    && install -d -o paperboy -g paperboy -m 0700 /data \
    && install -d -m 0755 /etc/paperboy
COPY --from=build /out/paperboy /usr/local/bin/paperboy

# The database (paperboy.db, its -wal and -shm, the daemon's .lock) lives in
# /data. It is also the working directory, so a command run without --db,
# `docker run --rm -v paperboy-data:/data paperboy status`, finds it too.
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001

# paperboy stops cleanly on SIGTERM (the message in flight is recorded as sent
# or as to be checked). Give it more than limits.shutdown_grace (10s by
# default) before the kill: `docker run --stop-timeout 30` or, in Compose,
# `stop_grace_period: 30s`.
STOPSIGNAL SIGTERM

# /healthz is served by `paperboy run` on its own listener, set by --listen
# (or http.listen in the config) and off by default; CMD turns it on, on the
# loopback address only, which is enough for a probe run inside the
# container. An image run with another CMD must keep --listen
# 127.0.0.1:9090 (or http.listen) for this check to pass. --no-proxy: a
# proxy set for outbound requests must not receive the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["wget", "--no-proxy", "-q", "-T", "3", "-O", "-", "http://127.0.0.1:9090/healthz"]

ENTRYPOINT ["/usr/local/bin/paperboy"]
# The config is mounted read-only at /etc/paperboy/paperboy.yaml (it holds no
# secrets: tokens come from the environment, -e DISCORD_BOT_TOKEN=…). A
# missing config stops paperboy at start with one line (exit code 2) instead
# of running with only the console channel.
CMD ["run", "--config", "/etc/paperboy/paperboy.yaml", "--db", "/data/paperboy.db", "--listen", "127.0.0.1:9090"]
