# paperboy needs cgo and the sqlite_fts5 build tag on every go command.
TAGS := sqlite_fts5
GO   ?= go

.PHONY: build test vet fmt bench bench-alerts fuzz ci clean

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

fuzz:
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz FuzzParseDaily -fuzztime 60s ./adapters/huggingface

ci:
	.ci/run

clean:
	rm -rf bin
