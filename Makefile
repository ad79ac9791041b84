# linli — GNU Make with pkg-config.  `make` builds build/linli.
# Quick start: `make run` (serve the demo) and `make test` (everything,
# under AddressSanitizer and UndefinedBehaviorSanitizer).

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libmicrohttpd jansson libsodium sqlite3 libpq libqrencode xlsxwriter

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))

# Tables such as the JSON field lists leave trailing members zero on purpose.
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla -Wno-missing-field-initializers
BASE_CFLAGS := -std=c17 -D_GNU_SOURCE -Isrc $(WARN)
CFLAGS ?= -O2 -g
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDLIBS := -lpthread -lm

SRC := $(shell find src -name '*.c' | LC_ALL=C sort)
LIB_SRC := $(filter-out src/main.c,$(SRC))
OBJ := $(SRC:src/%.c=build/obj/%.o)
ASAN_OBJ := $(SRC:src/%.c=build/asan/obj/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:src/%.c=build/asan/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/asan/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

DB ?= linli.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all run test unit api e2e fuzz fuzz-smoke bench deps deps-test deps-bench \
	asan clean format check-format durability

all: build/linli

build/linli: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

# ---- sanitizer build, used by every test ----
asan: build/asan/linli $(UNIT_BIN)

build/asan/linli: $(ASAN_OBJ)
	$(CC) -O1 -g $(SAN) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O1 -g $(SAN) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/test_%: tests/unit/test_%.c $(ASAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O1 -g $(SAN) $(PKG_CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka) \
		-o $@ $< $(ASAN_LIB_OBJ) $(PKG_LIBS) $(shell $(PKG_CONFIG) --libs cmocka) $(LDLIBS)

# ---- libFuzzer targets (clang) ----
# The library is compiled once with coverage instrumentation
# (fuzzer-no-link); each target links it with its own driver.
FUZZ_CFLAGS := -std=c17 -D_GNU_SOURCE -Isrc -g -O1
FUZZ_SAN := -fsanitize=address,undefined
FUZZ_OBJ := $(LIB_SRC:src/%.c=build/fuzz/obj/%.o)

build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< $(FUZZ_OBJ) \
		$(PKG_LIBS) $(LDLIBS)

fuzz: deps-test $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do echo "== $$f (60 s)"; \
	  mkdir -p build/fuzz/corpus/$$(basename $$f); \
	  $$f -max_total_time=60 build/fuzz/corpus/$$(basename $$f) tests/fuzz/seeds/$$(basename $$f) || exit 1; done

fuzz-smoke: $(FUZZ_BIN)
	@bash tests/fuzz/smoke.sh $(FUZZ_BIN)

# ---- the two commands ----
deps:
	@bash scripts/deps.sh build

deps-test:
	@bash scripts/deps.sh test

deps-bench:
	@bash scripts/deps.sh bench

run: deps
	@$(MAKE) --no-print-directory build/linli
	@if [ ! -f "$(DB)" ]; then \
	  echo "Creating $(DB) with the demo community..."; \
	  ./build/linli init --demo --db "$(DB)"; fi
	./build/linli serve --db "$(DB)" --listen "$(LISTEN)"

test: deps-test
	@$(MAKE) --no-print-directory asan $(FUZZ_BIN) build/linli
	@bash tests/run.sh

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done

api: build/asan/linli
	LINLI_BIN=$(CURDIR)/build/asan/linli node --test tests/api/

e2e: build/asan/linli
	cd tests/e2e && LINLI_BIN=$(CURDIR)/build/asan/linli node --test

# HTTP (linli vs nginx), the opinion map (vs numpy/scikit-learn) and the
# budget rules (Equal Shares vs greedy), each with its reference in the run.
bench: deps-bench build/linli
	@bash bench/run.sh
	@bash bench/opinion.sh
	@bash bench/budget.sh
	@bash bench/import.sh
	@bash bench/tally.sh
	@bash bench/residents.sh
	@bash bench/roster.sh
	@bash bench/emergency.sh
	@bash bench/votes.sh

clean:
	rm -rf build

format:
	clang-format -i $(SRC) $(wildcard src/*/*.h src/*.h tests/unit/*.c tests/fuzz/*.c)

-include $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)
