# Makefile — the front door. CMake builds; tools/*.sh do the rest:
#   make            Release build into build/release
#   make test       ASan/UBSan build, private PostgreSQL + Redis, ctest and
#                   the Lua specs; last line "N passed, N failed"
#   make demo       the bot locally, in the foreground (Ctrl-C stops all)
#   make bench      wrk against a Release build, then the bot and order benchmarks
#   make bench-bot  only the bot benchmark: Bot API over HTTPS, against a grammY
#                   bot (BENCH_BOT_API=emulator: the emulator, plain HTTP)
#   make bench-peer the same HTTPS comparison alone (tools/bench_peer.sh)
#   make bench-orders  only the order benchmark (bench/README.md)
#   make fuzz       60 s of libFuzzer on the HTTP request parser, 60 s on the JSON decoder
#   make check      compile and self-test scripts, rules and templates
# Every target but clean first runs tools/deps.sh, a no-op once installed.

.PHONY: deps build build-asan test demo bench bench-bot bench-peer bench-orders fuzz check clean
MAKEFLAGS += --no-print-directory
.DEFAULT_GOAL := build

deps:
	@tools/deps.sh

build: deps
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
	cmake --build build/release -j2

build-asan: deps
	cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGULDASTA_SANITIZE=ON
	cmake --build build/asan -j2

test: deps build-asan
	@tools/test.sh build/asan

demo: deps build
	@tools/demo.sh build/release

bench: deps build
	@tools/bench.sh build/release

bench-bot: deps build
	@tools/bench.sh build/release bot

bench-orders: deps build
	@tools/bench.sh build/release orders

bench-peer: deps build
	@tools/bench_peer.sh build/release

# The core library is instrumented too (SANITIZE + fuzzer-no-link): without
# it libFuzzer would see coverage of the fuzz target's own file only, and
# ASan would miss overflows inside the parser we are fuzzing. New inputs
# land in build/fuzz/corpus; engine/fuzz/corpus only seeds it.
fuzz: deps
	CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DGULDASTA_FUZZ=ON -DGULDASTA_SANITIZE=ON -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link
	cmake --build build/fuzz -j2 --target fuzz_http_request fuzz_json_decode
	mkdir -p build/fuzz/corpus build/fuzz/corpus-json
	if [ -d engine/fuzz/corpus ]; then cp -R engine/fuzz/corpus/. build/fuzz/corpus/; fi
	if [ -d engine/fuzz/corpus-json ]; then cp -R engine/fuzz/corpus-json/. build/fuzz/corpus-json/; fi
	build/fuzz/fuzz_http_request -max_total_time=60 build/fuzz/corpus
	build/fuzz/fuzz_json_decode -max_total_time=60 build/fuzz/corpus-json

check: deps build
	build/release/guldasta check

# Stop any private PostgreSQL/Redis first: deleting their data under them
# would leave orphan daemons holding ports.
clean:
	@for d in build/services-*; do [ ! -d "$$d" ] || tools/services.sh stop "$$d"; done
	rm -rf build
