# SPDX-License-Identifier: Apache-2.0
#
# bollard - the two commands a newcomer needs, and a few more for developers.
#
#   make demo    install what is missing, build, set up the demo and run it
#   make check   install what is missing, build, run every test (normal build
#                with warnings as errors, then the ASan+UBSan build)
#
#   make build   just build (build/)
#   make fuzz    run every fuzz target under libFuzzer for FUZZ_SECONDS each
#   make format  format the C sources with the committed .clang-format
#   make clean   remove the build directories
#
# Everything real happens in Meson (meson.build) and in scripts/.

SHARED_DIR   ?= ../shared
FUZZ_SECONDS ?= 60
MESON_OPTS   ?=
JOBS         ?= $(shell nproc 2>/dev/null || echo 2)

BUILD      := build
BUILD_ASAN := build-asan
BUILD_FUZZ := build-fuzz

.PHONY: all deps build demo check check-normal check-asan fuzz format clean

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
	$(MAKE) --no-print-directory check-normal check-asan

check-normal: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	meson test -C $(BUILD) --print-errorlogs --num-processes $(JOBS)

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) --werror -Dshared_dir=$(SHARED_DIR) \
	    -Db_sanitize=address,undefined -Db_lundef=false -Dhardening_check=false \
	    -Dc_args='-fno-sanitize-recover=all -fno-omit-frame-pointer' $(MESON_OPTS)

check-asan: $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    meson test -C $(BUILD_ASAN) --print-errorlogs --num-processes $(JOBS) \
	    --timeout-multiplier 4

$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) -Dshared_dir=$(SHARED_DIR) \
	    -Dfuzzing_engine=libfuzzer -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dhardening_check=false $(MESON_OPTS)

fuzz: deps $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ)
	scripts/fuzz $(BUILD_FUZZ) $(FUZZ_SECONDS)

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
