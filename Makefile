# Thin wrapper over CMake presets. `make test` and `make run` install missing Debian packages
# first, so both work on a fresh Debian 12 machine.
JOBS ?= $(shell nproc)
SAMPLE ?= data/samples/sample.pcapng

.PHONY: all deps build build-asan test test-default test-asan run bench fuzz format clean

all: build

deps:
	./scripts/install-deps.sh

build:
	cmake --preset default >/dev/null
	cmake --build --preset default -j $(JOBS)

build-asan:
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)

# Everything: unit, golden, real-client and fuzz-corpus tests in the optimised build, then the
# unit tests and corpora again under AddressSanitizer + UndefinedBehaviorSanitizer.
test: deps
	$(MAKE) test-default
	$(MAKE) test-asan

test-default: build
	ctest --preset default -j $(JOBS)

test-asan: build-asan
	ctest --preset asan -j $(JOBS)

# The service on its embedded defaults: API on http://127.0.0.1:8080, the fingerprinting
# listener (and its page) on https://127.0.0.1:8443, state in ./var. Ctrl-C drains and stops.
run: deps build
	./build/fingerprint analyze --format table $(SAMPLE)
	./build/fingerprint serve

# Microbenchmarks (medians of 5), then fingerprint vs tshark on a capture of real TLS handshakes
# made on loopback and cached in build/bench-data, with peak RSS at 1x/10x/100x the capture
# (about 0.8 GB of pcaps there; needs capture rights on lo). docs/performance.md has the method.
bench: build
	./build/bench/fp_bench --benchmark_min_time=0.5 --benchmark_repetitions=5 \
		--benchmark_report_aggregates_only=true
	python3 bench/compare_tshark.py --bin build/fingerprint

# Runs each libFuzzer target for FUZZ_SECONDS (default 60) from its seed corpus.
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)
	./scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

format:
	find src tests fuzz bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf build build-asan build-fuzz
