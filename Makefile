# saker: the two set-up commands (`make run`, `make test`) and the developer targets.
# Every target installs what it needs first, so a fresh Debian 12 machine works as root.

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

# Debian 12 packages the project builds and tests with (idempotent).
DEBIAN_PACKAGES := cmake ninja-build pkg-config git clang-19 lld-19 llvm-19-dev \
	libclang-rt-19-dev clang-format libbpf-dev bpftool libelf-dev zlib1g-dev \
	libyaml-cpp-dev libspdlog-dev nlohmann-json3-dev catch2 libre2-dev \
	runc busybox-static containerd libgrpc++-dev libprotobuf-dev protobuf-compiler \
	protobuf-compiler-grpc golang-github-containerd-containerd-dev \
	libcurl4-openssl-dev libssl-dev libcpp-httplib-dev gnuplot-nox \
	golang-go golang-gopkg-yaml.v3-dev golang-github-xeipuuv-gojsonschema-dev binutils iproute2

APT_STAMP := $(BUILD)/.deps-installed

.PHONY: deps build run test asan fuzz fuzz-rules format clean

deps: $(APT_STAMP)
$(APT_STAMP): Makefile
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES); \
	else echo "saker: not root or no apt-get; assuming build dependencies are installed"; fi
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/build.ninja: $(APT_STAMP) CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# `make run` loads the rules saker.yaml names, as Falco orders them: Falco's stable rules, saker's
# add-on rules, then the local file and rules.d (each only when present). Falco's rules come from
# the corpus beside the repository (or FALCO_RULES=path) in place of /etc/falco/falco_rules.yaml.
FALCO_RULES ?= ../shared/rules-corpus/falco_rules.yaml
run: build
	$(BUILD)/runtime/saker run -c saker.yaml \
	  $(if $(wildcard $(FALCO_RULES)),-o 'rules_files[0]=$(FALCO_RULES)')

# A test that cannot run here (no root, no BPF, a tool missing) is reported "Skipped", counted
# below; SAKER_REQUIRE_BPF=1 (CI) turns such a skip into a failure (tests/support/root_guard.h).
# A kernel that refuses a feature (fexit on this VM) stays a skip: that is a property, not setup.
test: build
	@cd $(BUILD) && rc=0; ctest --output-on-failure -j $(JOBS) --output-junit ctest-junit.xml || rc=$$?; \
	  skipped=$$(grep -c '<skipped' ctest-junit.xml || true); \
	  echo "make test: $$skipped test(s) skipped$$([ "$$skipped" != 0 ] && echo ' (listed above as Skipped; SAKER_REQUIRE_BPF=1 fails those that lack root or BPF; a kernel without a feature stays a skip)')"; \
	  exit $$rc

# AddressSanitizer + UBSan build of everything, tests included.
asan: $(APT_STAMP)
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSAKER_SANITIZE=ON $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# libFuzzer targets for a bounded time each (FUZZ_SECONDS), one after the other, from the corpus
# in tests/fuzz/corpus, which a clean run merges its new inputs into and minimizes (FUZZ_MERGE=0:
# leave it). Executions and coverage per target: printed, and appended to
# $(ASAN_BUILD)/tests/fuzz/fuzz-report.tsv. FUZZ_TARGETS="parser loader" runs only those.
FUZZ_SECONDS ?= 60
fuzz: $(APT_STAMP)
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSAKER_SANITIZE=ON $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target fuzz_targets
	tests/fuzz/run-all $(ASAN_BUILD)/tests/fuzz $(FUZZ_SECONDS)

# The generated-rules differential test (JIT and interpreter against the generator's expected
# answers) at length: FUZZ_RULES rules from seed FUZZ_SEED (the bounded run in `make test` is
# 2000 rules).
FUZZ_RULES ?= 200000
FUZZ_SEED ?= $(shell date +%s)
fuzz-rules: build
	SAKER_GEN_RULES=$(FUZZ_RULES) SAKER_GEN_SEED=$(FUZZ_SEED) \
	  $(BUILD)/tests/codegen/codegen_tests "generated rules: *"

format:
	git ls-files '*.h' '*.cpp' '*.c' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
