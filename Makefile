# SPDX-License-Identifier: Apache-2.0
#
# bollard - the two commands a newcomer needs, and a few more for developers.
#
#   make demo    install what is missing, build, set up the demo and run it
#   make check   install what is missing, start a throw-away PostgreSQL, build,
#                run every test (normal build with warnings as errors, then the
#                ASan+UBSan build); see scripts/check
#
#   make build   just build (build/)
#   make bench   run the benchmarks at full size (scripts/bench)
#   make soak    the crash and power-cut tests at full length (SOAK_RUNS each)
#   make fuzz    run every fuzz target under libFuzzer for FUZZ_SECONDS each
#   make format  format the C sources with the committed .clang-format
#   make clean   remove the build directories
#
# Everything real happens in Meson (meson.build) and in scripts/.

SHARED_DIR   ?= ../shared
FUZZ_SECONDS ?= 60
SOAK_RUNS    ?= 200
MESON_OPTS   ?=
JOBS         ?= $(shell nproc 2>/dev/null || echo 2)

BUILD      := build
BUILD_ASAN := build-asan
BUILD_FUZZ := build-fuzz

.PHONY: all deps build demo check bench soak fuzz format clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --werror -Dshared_dir=$(SHARED_DIR) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	scripts/demo $(BUILD)/src/cli/bollard

check: deps
	SHARED_DIR=$(SHARED_DIR) JOBS=$(JOBS) scripts/check

bench: build
	scripts/bench $(BUILD)

soak: build
	BOL_CRASH_RUNS=$(SOAK_RUNS) $(BUILD)/tests/store/test_crash $(BUILD)/tests/store/crash_writer
	BOL_POWERCUT_RUNS=$(SOAK_RUNS) $(BUILD)/tests/store/test_faults

$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) -Dshared_dir=$(SHARED_DIR) \
	    -Dfuzzing_engine=libfuzzer -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dhardening_check=false $(MESON_OPTS)

fuzz: deps $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ)
	SHARED_DIR=$(SHARED_DIR) scripts/fuzz $(BUILD_FUZZ) $(FUZZ_SECONDS)

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
