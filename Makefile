# lode — run `make` or `make help` for the targets.
SHELL := /bin/bash
GO ?= go
export CGO_ENABLED := 1
BIN := bin/lode
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
FUZZTIME ?= 30s

.DEFAULT_GOAL := help

.PHONY: help
help: ## show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## build bin/lode
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/lode

.PHONY: demo
demo: build ## build lode, then let its embedded model complete a line of lode's own code
	@line=$$(grep -n 'return fail(stderr, "explain", err, exitUsage)' cmd/lode/explain.go | sed -n 2p | cut -d: -f1); \
	[ -n "$$line" ] || { echo "make demo: its line is gone from cmd/lode/explain.go; pick another"; exit 1; }; \
	echo "\$$ bin/lode complete --replay cmd/lode/explain.go:$$line:14"; \
	./$(BIN) complete --replay cmd/lode/explain.go:$$line:14

.PHONY: test
test: ## run the whole test suite (vet, race, end-to-end when editors are present)
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1; }
	$(GO) test -race -timeout 20m ./...

.PHONY: race
race: ## run the unit tests with the race detector, short mode
	$(GO) test -race -short ./...

.PHONY: lint
lint: ## go vet and gofmt check
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }

.PHONY: fmt
fmt: ## format the Go code
	gofmt -w $$(git ls-files '*.go')

.PHONY: fuzz
fuzz: ## run the fuzz targets for FUZZTIME each
	$(GO) test ./lsp/server -run '^$$' -fuzz '^FuzzServe$$' -fuzztime $(FUZZTIME) -parallel 1

.PHONY: bench
bench: ## run the benchmarks (count 6, for benchstat)
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./context/... ./completion/...

.PHONY: eval
eval: build ## measure retrieval and the embedded model on the Go standard library
	./$(BIN) eval context $$($(GO) env GOROOT)/src
	./$(BIN) eval ngram $$($(GO) env GOROOT)/src

.PHONY: soak
soak: ## type into a file of this repository for SOAK (default 15m) against lode serve; p50/p99 and RSS each minute
	LODE_SOAK=$${SOAK:-15m} $(GO) test -count=1 -run '^TestSoak$$' -v -timeout 0 ./cmd/lode

.PHONY: load
load: ## run the overhead, large-document and retrieval benchmarks idle and beside stress-ng --cpu 4, side by side
	./scripts/load.sh

.PHONY: e2e
e2e: ## run the end-to-end tests in real editors (requires them: LODE_E2E=1)
	LODE_E2E=1 $(GO) test -count=1 -v -timeout 15m ./editors/...

.PHONY: vscode
vscode: build ## build the VS Code extension for this platform, lode inside (editors/vscode/lode-PLATFORM.vsix)
	cd editors/vscode && npm ci --no-audit --no-fund && node scripts/package.mjs --lode ../../$(BIN)

# Another platform: GOOS=linux GOARCH=arm64 CC=aarch64-linux-gnu-gcc make vscode-target
# (lode needs cgo for tree-sitter: CC must be a C cross compiler for it).
VSCODE_TARGET = $(strip $(subst windows,win32,$(shell GOOS=$(GOOS) GOARCH=$(GOARCH) $(GO) env GOOS))-$(subst amd64,x64,$(shell GOOS=$(GOOS) GOARCH=$(GOARCH) $(GO) env GOARCH)))
.PHONY: vscode-target
vscode-target: ## build the VS Code extension for GOOS/GOARCH (with CC a cross compiler): editors/vscode/lode-TARGET.vsix
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/lode-$(VSCODE_TARGET) ./cmd/lode
	cd editors/vscode && npm ci --no-audit --no-fund && node scripts/package.mjs --lode ../../bin/lode-$(VSCODE_TARGET) --target $(VSCODE_TARGET)

.PHONY: editors
editors: vscode ## build the editor clients

.PHONY: generate
generate: ## regenerate docs/settings.md and the VS Code settings from the schema
	$(GO) generate ./internal/config
	$(GO) test ./editors -run TestVSCodeSettings -update

.PHONY: clean
clean: ## remove build outputs
	rm -rf bin dist editors/vscode/dist editors/vscode/bin editors/vscode/*.vsix .ci/artifacts
