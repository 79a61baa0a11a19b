# crm: one non-recursive Makefile. Objects go to build/ (or $(BUILD)).
PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
PKGS     = yaml-0.1 libgit2 libcrypto
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wmissing-prototypes \
           -Wwrite-strings -Wno-unused-parameter -Wno-missing-field-initializers
CPPFLAGS += -Iinclude -MMD -MP
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
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

.PHONY: all test check unit e2e sanitize valgrind install clean demo bench deps fuzz crash

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

# The end-to-end tests are one Criterion binary that runs the built crm.
$(BUILD)/tests/e2e/e2e: $(E2E_OBJ) $(LIBCRM)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(E2E_OBJ) $(LIBCRM) $(PKG_LIBS) $(TEST_LIBS) -lm

# deps: install the Debian packages the build and tests need, when missing.
deps:
	@sh tools/deps.sh

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t --jobs 2; done

e2e: $(CRM) $(BUILD)/tests/e2e/e2e
	CRM_BIN=$(abspath $(CRM)) CRM_SRC=$(abspath .) $(BUILD)/tests/e2e/e2e --jobs 2

# check: install what is missing, then the whole suite, again under
# ASan/UBSan, and the valgrind run. Sub-makes, so that flags from pkg-config
# are read after deps.sh has installed the packages.
check:
	@sh tools/deps.sh
	$(MAKE) unit e2e
	$(MAKE) crash CRASH_KILLS=100
	$(MAKE) sanitize
	$(MAKE) valgrind
test: check

sanitize:
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

# fuzz: the YAML reader, validator and editor, then the schema loader, under
# libFuzzer (clang), seeded with the examples; FUZZ_SECONDS each. Not part of check.
FUZZ_SECONDS ?= 60
fuzz:
	@mkdir -p build/fuzz/corpus
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Iinclude \
	    $(PKG_CFLAGS) tests/fuzz/fuzz_record.c $(LIB_SRC) $(PKG_LIBS) -lm -o build/fuzz/fuzz_record
	cp examples/book/customers/*/*/*.yaml examples/broken/*.yaml build/fuzz/corpus/
	build/fuzz/fuzz_record -max_total_time=$(FUZZ_SECONDS) -max_len=8192 build/fuzz/corpus
	@mkdir -p build/fuzz/schema-corpus
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Iinclude \
	    $(PKG_CFLAGS) tests/fuzz/fuzz_schema.c $(LIB_SRC) $(PKG_LIBS) -lm -o build/fuzz/fuzz_schema
	cp schema/customer.schema.yaml build/fuzz/schema-corpus/
	build/fuzz/fuzz_schema -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/schema-corpus

install: $(CRM)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/crm $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(CRM) $(DESTDIR)$(PREFIX)/bin/crm
	install -m 644 schema/customer.schema.yaml $(DESTDIR)$(PREFIX)/share/crm/customer.schema.yaml
	install -m 644 doc/crm.1 $(DESTDIR)$(PREFIX)/share/man/man1/crm.1

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
