# paperboy needs cgo and the sqlite_fts5 build tag on every go command.
TAGS := sqlite_fts5
GO   ?= go

.PHONY: build test vet fmt bench bench-alerts bench-1m fuzz fuzz-all crash-test fault-test docker docker-test ci clean

build:
	$(GO) build -tags $(TAGS) -o bin/paperboy ./cmd/paperboy

test:
	$(GO) test -tags $(TAGS) ./...

vet:
	$(GO) vet -tags $(TAGS) ./...

fmt:
	gofmt -l -w .

bench:
	$(GO) test -tags $(TAGS) -run '^$$' -bench IngestCorpus -benchtime 5x -count 5 ./cmd/paperboy

bench-alerts:
	$(GO) test -tags $(TAGS) -run '^$$' -bench 'Alerts$$' -benchtime 1x -count 5 ./cmd/paperboy

# Search at 1M papers: builds the synthetic store once (minutes), then the
# search benchmarks, the LIKE baseline and the exactness test.
bench-1m:
	PAPERBOY_1M=1 $(GO) test -tags $(TAGS) -run '^$$' -bench 'Search1M$$' -benchtime 150x -timeout 60m ./cmd/paperboy
	PAPERBOY_1M=1 $(GO) test -tags $(TAGS) -run '^$$' -bench 'SearchLike1M' -benchtime 3x -timeout 60m ./cmd/paperboy
	PAPERBOY_1M=1 $(GO) test -tags $(TAGS) -run 'TestSearchExact1M' -v -timeout 60m ./cmd/paperboy

fuzz:
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz FuzzParseDaily -fuzztime 60s ./adapters/huggingface

# The fuzz runs of docs/RELIABILITY.md: each target for FUZZTIME, one at a
# time (fuzzing uses every core).
FUZZTIME ?= 5m
fuzz-all:
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzParseDaily$$' -fuzztime $(FUZZTIME) ./adapters/huggingface
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzParseFeed$$' -fuzztime $(FUZZTIME) ./adapters/arxiv
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzParseAtom$$' -fuzztime $(FUZZTIME) ./adapters/arxiv
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzParseListRecords$$' -fuzztime $(FUZZTIME) ./adapters/arxiv
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzParseQuery$$' -fuzztime $(FUZZTIME) ./bot
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzRender$$' -fuzztime $(FUZZTIME) ./adapters/discord
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzInteractionCommand$$' -fuzztime $(FUZZTIME) ./adapters/discord
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzRender$$' -fuzztime $(FUZZTIME) ./adapters/slack
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzSlashPayload$$' -fuzztime $(FUZZTIME) ./adapters/slack
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzInteractionPayload$$' -fuzztime $(FUZZTIME) ./adapters/slack
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzElementToPlatforms$$' -fuzztime $(FUZZTIME) ./cmd/paperboy
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzConfig$$' -fuzztime $(FUZZTIME) ./cmd/paperboy

# The crash and fault tests of docs/RELIABILITY.md: 30 days or more of
# digests and alerts through the real binary, killed with SIGKILL at random
# moments (at least KILLS times with work outstanding; the run adds weeks
# until it gets there), or with 20% of platform and 30% of source requests
# failing. SEED=n repeats a run; `go test` runs a short version of each.
# The figures in docs/RELIABILITY.md: make crash-test KILLS=1000
KILLS ?= 200
crash-test:
	PAPERBOY_CRASH=1 PAPERBOY_KILLS=$(KILLS) PAPERBOY_SEED=$(SEED) $(GO) test -tags $(TAGS) -run '^TestCrashKill9$$' -count 1 -v -timeout 60m ./cmd/paperboy

fault-test:
	PAPERBOY_FAULTS=1 PAPERBOY_SEED=$(SEED) $(GO) test -tags $(TAGS) -run '^TestFaults$$' -count 1 -v -timeout 30m ./cmd/paperboy

# The container image (Dockerfile), with docker, else podman. Neither CI nor
# `make test` needs it. VERSION: the release tag (v1.2.3 gives 1.2.3) when
# HEAD has one, else main.version stays; COMMIT: HEAD, -dirty with
# uncommitted changes. Both show in `paperboy version`.
CONTAINER ?= $(shell command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 && echo docker || (command -v podman >/dev/null 2>&1 && echo podman) || echo docker)
IMAGE     ?= paperboy
VERSION   ?= $(shell git describe --tags --match 'v[0-9]*' --exact-match 2>/dev/null | sed 's/^v//')
COMMIT    ?= $(shell c=$$(git rev-parse --short=12 HEAD 2>/dev/null) && { git diff --quiet HEAD 2>/dev/null || c=$$c-dirty; } && echo $$c)
# podman writes OCI images by default, which have no HEALTHCHECK.
CONTAINER_BUILD_FLAGS ?= $(if $(filter podman,$(notdir $(CONTAINER))),--format docker)
docker:
	$(CONTAINER) build $(CONTAINER_BUILD_FLAGS) --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) -t $(IMAGE) .

# Builds the image and runs it (cmd/paperboy/docker_test.go); skipped where
# no container runtime works.
docker-test:
	PAPERBOY_DOCKER=1 PAPERBOY_CONTAINER=$(CONTAINER) $(GO) test -tags $(TAGS) -run '^TestDockerImage$$' -count 1 -v -timeout 30m ./cmd/paperboy

ci:
	.ci/run

clean:
	rm -rf bin
