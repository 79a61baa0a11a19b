# crm: one non-recursive Makefile. Objects go to build/ (or $(BUILD)).
PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
PKGS     = yaml-0.1 libgit2 libcrypto libpcre2-8 sqlite3
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wmissing-prototypes \
           -Wwrite-strings -Wno-unused-parameter -Wno-missing-field-initializers
CPPFLAGS += -Iinclude -MMD -MP -pthread
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -pthread
TEST_CFLAGS := $(shell pkg-config --cflags criterion 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs criterion 2>/dev/null)

LIB_SRC  := $(wildcard src/lib/*.c)
CMD_SRC  := $(wildcard src/cmd/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)
E2E_SRC  := $(wildcard tests/e2e/*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/default_schema.o
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)
E2E_OBJ  := $(E2E_SRC:%.c=$(BUILD)/%.o)

LIBCRM   := $(BUILD)/libcrm.a
CRM      := $(BUILD)/crm
FAULT_SO := $(BUILD)/tests/fault/fault.so

.PHONY: all test check unit e2e sanitize valgrind install clean demo bench deps faults crash

all: $(CRM)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(PKG_CFLAGS) $(TEST_CFLAGS) -c $< -o $@

# The default schema is compiled in, so that `crm init` works wherever crm is.
$(BUILD)/gen/default_schema.c: schema/customer.schema.yaml
	@mkdir -p $(dir $@)
	{ echo 'const unsigned char crm_default_schema[] = {'; \
	  od -An -v -tx1 $< | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0};'; \
	  echo 'const unsigned long crm_default_schema_len = sizeof crm_default_schema - 1;'; } > $@

$(BUILD)/gen/default_schema.o: $(BUILD)/gen/default_schema.c
	$(CC) $(CFLAGS) -c $< -o $@

$(LIBCRM): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(CRM): $(CMD_OBJ) $(LIBCRM)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(LIBCRM) $(PKG_LIBS) -lm

# Each unit test file is its own Criterion binary, linked against the library.
$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIBCRM)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBCRM) $(PKG_LIBS) $(TEST_LIBS) -lm

# The end-to-end tests are one Criterion binary that runs the built crm
# (and the fault shim beside it, for the tests of full and failing disks).
$(BUILD)/tests/e2e/e2e: $(E2E_OBJ) $(LIBCRM) | $(FAULT_SO)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(E2E_OBJ) $(LIBCRM) $(PKG_LIBS) $(TEST_LIBS) -lm

# fault.so: an LD_PRELOAD shim that fails the Nth write/fsync/rename/open/mkdir
# (tests/fault/fault.c). Plain flags: it is preloaded into sanitized crm too.
$(FAULT_SO): tests/fault/fault.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra -fPIC -shared -o $@ $< -ldl

# faults: every write, fsync, rename, open and mkdir that follow, add and stage
# make, failed one at a time (tests/fault/sweep.sh).
faults: $(CRM) $(FAULT_SO)
	bash tests/fault/sweep.sh $(abspath $(CRM)) $(abspath $(FAULT_SO))

# deps: install the Debian packages the build and tests need, when missing.
deps:
	@sh tools/deps.sh

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t --jobs 2; done

e2e: $(CRM) $(BUILD)/tests/e2e/e2e
	CRM_BIN=$(abspath $(CRM)) CRM_SRC=$(abspath .) $(BUILD)/tests/e2e/e2e --jobs 2

# check: install what is missing; the unit and end-to-end tests, built with
# ASan/UBSan (the same tests as `make unit e2e`, with every memory error
# fatal: running them twice cost CI minutes and found nothing more); the
# fault sweep, crash loop and valgrind run on the plain build; a short run
# of every fuzz target. Sub-makes, so that flags from pkg-config are read
# after deps.sh has installed the packages.
check:
	@sh tools/deps.sh
	$(MAKE) sanitize
	$(MAKE) $(CRM)
	$(MAKE) faults
	$(MAKE) crash CRASH_KILLS=100
	$(MAKE) fuzz-ci
	$(MAKE) valgrind
test: check

# LSAN_OPTIONS: Criterion's runner leaks a little of its own (tests/lsan.supp).
sanitize:
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	$(MAKE) BUILD=build/asan CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' \
	        LDFLAGS='-fsanitize=address,undefined' unit e2e

# crash: SIGKILL crm follow/add/set/stage CRASH_KILLS times in a 50-record
# book and check that no record is torn, no reported follow-up lost or
# doubled, git fsck clean, HEAD/index/tree agreeing (check runs 100 kills:
# about 0.15 s of CPU per round, 1.3 rounds per kill).
CRASH_KILLS ?= 1000
crash: $(CRM)
	python3 tests/crash/crash.py --crm $(abspath $(CRM)) --kills $(CRASH_KILLS)

valgrind: $(CRM)
	sh tests/valgrind.sh $(abspath $(CRM))

demo:
	@sh tools/deps.sh
	$(MAKE) $(CRM)
	sh tools/demo.sh $(abspath $(CRM))

bench: $(CRM)
	sh bench/run.sh $(abspath $(CRM))

# Fuzzing under libFuzzer (clang, with ASan and UBSan). Each target is
# tests/fuzz/fuzz_NAME.c, seeded from tests/fuzz/corpus/NAME/ (committed) and
# FUZZ_SEEDS_NAME; what it learns goes to build/fuzz/corpus/NAME/, a crash to
# build/fuzz/crash-NAME-*. `make fuzz` runs each FUZZ_SECONDS, `make fuzz-NAME`
# one, `make fuzz-ci` (part of check) each FUZZ_CI_SECONDS. A new target is
# one line: FUZZ_TARGETS += NAME (FUZZ_MAX_LEN_NAME if 4096 does not suit).
FUZZ_TARGETS      := record schema path recmerge
FUZZ_MAX_LEN_record := 8192
FUZZ_MAX_LEN_schema := 65536
FUZZ_MAX_LEN_path   := 512
FUZZ_MAX_LEN_recmerge := 16384
FUZZ_SEEDS_record := examples/book/customers examples/broken
FUZZ_SEEDS_schema := schema
FUZZ_SEEDS_recmerge := examples/book/customers
FUZZ_SECONDS    ?= 60
FUZZ_CI_SECONDS ?= 15
FUZZ_CC     ?= clang
FUZZ_DIR    := $(BUILD)/fuzz
FUZZ_CFLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB    := $(FUZZ_DIR)/libcrm.a

.PHONY: fuzz fuzz-ci $(FUZZ_TARGETS:%=fuzz-%)

$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(LIB_SRC:%.c=$(FUZZ_DIR)/%.o)
	@rm -f $@
	ar rcs $@ $^

.SECONDARY: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/tests/fuzz/fuzz_%.o)
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(PKG_LIBS) -lm

fuzz: $(FUZZ_TARGETS:%=fuzz-%)

fuzz-ci:
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_CI_SECONDS)

$(FUZZ_TARGETS:%=fuzz-%): fuzz-%: $(FUZZ_DIR)/fuzz_%
	@mkdir -p $(FUZZ_DIR)/corpus/$*
	$(FUZZ_DIR)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -max_len=$(or $(FUZZ_MAX_LEN_$*),4096) \
	    -timeout=10 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crash-$*- \
	    $(FUZZ_DIR)/corpus/$* tests/fuzz/corpus/$* $(FUZZ_SEEDS_$*)

install: $(CRM)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/crm $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(CRM) $(DESTDIR)$(PREFIX)/bin/crm
	install -m 644 schema/customer.schema.yaml $(DESTDIR)$(PREFIX)/share/crm/customer.schema.yaml
	install -m 644 doc/crm.1 $(DESTDIR)$(PREFIX)/share/man/man1/crm.1

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
