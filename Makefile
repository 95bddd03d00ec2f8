# paperboy needs cgo and the sqlite_fts5 build tag on every go command.
TAGS := sqlite_fts5
GO   ?= go

.PHONY: build test vet fmt bench bench-alerts bench-1m fuzz fuzz-all ci clean

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
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzParseQuery$$' -fuzztime $(FUZZTIME) ./bot
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzRender$$' -fuzztime $(FUZZTIME) ./adapters/discord
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzRender$$' -fuzztime $(FUZZTIME) ./adapters/slack

ci:
	.ci/run

clean:
	rm -rf bin
