# libFuzzer targets of tests/fuzz, built with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer apart from the gcc build of the project.
# Driven by `make fuzz' of the top Makefile (run from the build
# directory): make -f $(srcdir)/tests/fuzz/fuzz.mk srcdir=... all|run
#
# Debian packages: clang libclang-rt-14-dev (scripts/vybes-dev installs
# them).

FUZZ_CC ?= clang
FUZZ_TIME ?= 30
FUZZ_DIR ?= fuzz

PKGS = json-c libmongoc-1.0 hiredis libnats libcurl openssl libargon2 \
	libsecp256k1 fcgi libcrypt
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
CFLAGS_FUZZ = -g -O1 $(SAN) -D_GNU_SOURCE -DSYSCONFDIR='"/etc"' \
	-DPACKAGE_VERSION='"fuzz"' \
	-DRUNSTATEDIR='"/run"' -I$(srcdir)/src \
	$(shell pkg-config --cflags $(PKGS))
LIBS_FUZZ = $(shell pkg-config --libs $(PKGS)) -lpthread

TARGETS = json http router multipart media jwt eip712 ethtx rlp cfg strip \
	rds_cluster fcgi
# The programs' mains, and the media decoders (libvips and FFmpeg, linked
# into vybes-worker only; no target reaches them).
LIBSRC = $(filter-out %/main.c %/vybesctl.c %/worker.c %/mdec.c, \
	$(wildcard $(srcdir)/src/*.c))
OBJS = $(patsubst $(srcdir)/src/%.c,$(FUZZ_DIR)/obj/%.o,$(LIBSRC))
BINS = $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(TARGETS))

all: $(BINS)

$(FUZZ_DIR)/obj/%.o: $(srcdir)/src/%.c $(wildcard $(srcdir)/src/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS_FUZZ) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/libvybes-fuzz.a: $(OBJS)
	rm -f $@
	ar rcs $@ $(OBJS)

$(FUZZ_DIR)/fuzz_%: $(srcdir)/tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libvybes-fuzz.a
	$(FUZZ_CC) $(CFLAGS_FUZZ) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_DIR)/libvybes-fuzz.a $(LIBS_FUZZ)

# The HTTP layer reads its request through the tests' in-memory http_io,
# the metadata removal its file through their in-memory source and sink.
$(FUZZ_DIR)/fuzz_http: $(srcdir)/tests/unit/memio.c
$(FUZZ_DIR)/fuzz_strip: $(srcdir)/tests/unit/memstrip.c
$(FUZZ_DIR)/fuzz_http $(FUZZ_DIR)/fuzz_strip: $(FUZZ_DIR)/fuzz_%: \
    $(srcdir)/tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libvybes-fuzz.a
	$(FUZZ_CC) $(CFLAGS_FUZZ) -I$(srcdir)/tests/unit -fsanitize=fuzzer \
	    -o $@ $(filter %.c,$^) $(FUZZ_DIR)/libvybes-fuzz.a $(LIBS_FUZZ)

# fuzz_fcgi links a copy of Debian's libfcgi.a whose calls to malloc,
# calloc, realloc and free go to the target's fz_fcgi_*(), which set
# aside libfcgi 2.4.2's own integer overflow in ReadParams() (see
# tests/fuzz/fuzz_fcgi.c).
FCGI_A = $(shell $(FUZZ_CC) -print-file-name=libfcgi.a)
$(FUZZ_DIR)/libfcgi-fuzz.a: $(FCGI_A) $(srcdir)/tests/fuzz/fuzz.mk
	@mkdir -p $(@D)
	objcopy --redefine-sym malloc=fz_fcgi_malloc \
	    --redefine-sym calloc=fz_fcgi_calloc \
	    --redefine-sym realloc=fz_fcgi_realloc \
	    --redefine-sym free=fz_fcgi_free $(FCGI_A) $@
$(FUZZ_DIR)/fuzz_fcgi: $(srcdir)/tests/fuzz/fuzz_fcgi.c \
    $(FUZZ_DIR)/libvybes-fuzz.a $(FUZZ_DIR)/libfcgi-fuzz.a
	$(FUZZ_CC) $(CFLAGS_FUZZ) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_DIR)/libvybes-fuzz.a $(FUZZ_DIR)/libfcgi-fuzz.a $(LIBS_FUZZ)

# Each target of FUZZ_TARGETS for FUZZ_TIME seconds from its seed
# corpus.
FUZZ_TARGETS ?= $(TARGETS)
run: all
	$(srcdir)/tests/fuzz/run $(FUZZ_TIME) $(srcdir)/tests/fuzz/corpus \
	    $(FUZZ_DIR) $(FUZZ_TARGETS)

.PHONY: all run
