# ilnet — make run | make test | make bench | make stop
# Everything the project needs is installed by these targets on Debian.

PORT      ?= 8080
MAIL_PORT ?= 8025
WORKERS   ?= 4
CC        ?= cc
SANITIZE  ?=
STATIC_VERSION := $(shell cat www/static/* 2>/dev/null | sha256sum | cut -c1-12)
ROOT      := $(CURDIR)
VAR       := $(ROOT)/var
BUILD     := $(ROOT)/build$(if $(SANITIZE),-san)
PKGS      := fcgi sqlite3 libcjson libcurl check libsodium zlib

DEB_PKGS  := nginx libfcgi-dev libsqlite3-dev libcjson-dev libcurl4-openssl-dev \
             check libsubunit-dev libsodium-dev zlib1g-dev pkg-config sqlite3 python3 \
             python3-icalendar python3-pyproj chromium wrk curl valgrind tzdata

# Scripts from npm at the versions www/npm/package.json pins (package-lock.json
# holds their hashes), copied to www/vendor/NAME-VERSION/ by `make`.
vpin = $(shell sed -n 's/^ *"$(1)": "\([0-9.]*\)".*/\1/p' www/npm/package.json)
LEAFLET_V := $(call vpin,leaflet)
MC_V      := $(call vpin,leaflet.markercluster)
VENDOR    := www/vendor/leaflet-$(LEAFLET_V)/leaflet.js www/vendor/leaflet.markercluster-$(MC_V)/leaflet.markercluster.js

CFLAGS    ?= -O2 -g
CFLAGS    += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wformat=2 -Wshadow \
             -Wstrict-prototypes -Wmissing-prototypes -Wvla -Iinclude \
             -DILNET_ROOT='"$(ROOT)"' -fno-strict-aliasing -fstack-protector-strong \
             -DILNET_STATIC_VERSION='"$(STATIC_VERSION)"' \
             -DILNET_LEAFLET='"$(LEAFLET_V)"' -DILNET_MARKERCLUSTER='"$(MC_V)"'
ifneq ($(SANITIZE),)
# GCC 12 misreports format arguments under UBSan (format-truncation/overflow).
CFLAGS    += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -O1 -Wno-format-truncation -Wno-format-overflow
LDFLAGS   += -fsanitize=$(SANITIZE)
endif

LIB_CFLAGS = $(shell pkg-config --cflags fcgi sqlite3 libcjson libcurl libsodium zlib 2>/dev/null)
LIBS       = $(shell pkg-config --libs sqlite3 libcjson libcurl libsodium zlib 2>/dev/null) -lfcgi -lm
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

CORE      := arena buf decode req html route db auth mail ical layout app policy region csv survey chart money grant demo cache usage writeq supervise backup seats summary geo season convene boundary walvfs zip
PAGES     := routes login home people schools orgs steward scan scans results profile grants visits portfolio connect map nations outbox convening wants cohorts
CORE_OBJ  := $(CORE:%=$(BUILD)/%.o)
PAGE_OBJ  := $(PAGES:%=$(BUILD)/%.o)
UNIT_SRC  := $(wildcard tests/unit/*.c)
INT_SRC   := $(wildcard tests/integration/*.c)

.PHONY: all deps run stop test lint unit integration browser bench scale valgrind sanitize clean geo-data vendor

all: $(BUILD)/ilnet

# Install what is missing (Debian).  Quiet when all is there.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/.deps-ok: | deps
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/%.o: cgi-bin/%.c include/*.h | $(BUILD)/.deps-ok
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(BUILD)/layout.o: $(wildcard www/static/*)

$(BUILD)/ilnet: $(BUILD)/main.o $(CORE_OBJ) $(PAGE_OBJ) | $(VENDOR)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/map.o: www/npm/package.json $(wildcard www/static/*)

# The map's scripts: installed from the lock file (npm ci checks each
# package's hash), then copied under their versions' names.
vendor: $(VENDOR)
$(VENDOR) &: www/npm/package.json www/npm/package-lock.json | $(BUILD)/.deps-ok
	cd www/npm && npm ci --no-audit --no-fund --silent --ignore-scripts
	rm -rf www/vendor && mkdir -p www/vendor/leaflet-$(LEAFLET_V) www/vendor/leaflet.markercluster-$(MC_V)
	cp www/npm/node_modules/leaflet/dist/leaflet.js www/npm/node_modules/leaflet/dist/leaflet.css \
	  www/npm/node_modules/leaflet/LICENSE www/vendor/leaflet-$(LEAFLET_V)/
	cp www/npm/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	  www/npm/node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	  www/npm/node_modules/leaflet.markercluster/MIT-LICENCE.txt www/vendor/leaflet.markercluster-$(MC_V)/
	touch $(VENDOR)

$(BUILD)/unit-tests: $(UNIT_SRC) $(CORE_OBJ) $(PAGE_OBJ) include/*.h
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -Itests -o $@ $(UNIT_SRC) $(CORE_OBJ) $(PAGE_OBJ) \
	  $(LDFLAGS) $(LIBS) $(CHECK_LIBS)

$(BUILD)/integration-tests: $(INT_SRC) tests/integration/*.h | $(BUILD)/.deps-ok
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -Itests/integration -o $@ $(INT_SRC) \
	  $(LDFLAGS) $(shell pkg-config --libs libcurl sqlite3 libsodium zlib) $(CHECK_LIBS)

# ---- make run / make stop ----------------------------------------------

export ILNET_DEMO_PASSWORD ?= ilnet-demo-2026

run: $(BUILD)/ilnet
	@mkdir -p $(VAR)
	@$(MAKE) --no-print-directory stop >/dev/null 2>&1 || true
	@$(BUILD)/ilnet migrate && $(BUILD)/ilnet demo
	@sed -e 's|@PORT@|$(PORT)|g' -e 's|@ROOT@|$(ROOT)|g' -e 's|@VAR@|$(VAR)|g' \
	  -e "s|@USER@|$$( [ $$(id -u) = 0 ] && echo 'user root root;' )|" \
	  nginx/ilnet.conf.in > $(VAR)/nginx.conf
	@# Demo mail: unless ILNET_SMTP_URL names a relay, a local catcher keeps
	@# every message as a file in var/mail (read them there, or on /admin/outbox).
	@if [ -z "$${ILNET_SMTP_URL:-}" ]; then \
	  setsid /usr/bin/python3 tests/smtp_sink.py $(MAIL_PORT) $(VAR)/mail >>$(VAR)/mail.log 2>&1 < /dev/null & \
	  echo $$! > $(VAR)/mail.pid; fi
	@ILNET_WORKERS=$(WORKERS) ILNET_BASE_URL=http://127.0.0.1:$(PORT) ILNET_SOCKET_GROUP=$$(id -g) \
	  ILNET_SMTP_URL=$${ILNET_SMTP_URL:-smtp://127.0.0.1:$(MAIL_PORT)} \
	  setsid $(BUILD)/ilnet serve >>$(VAR)/ilnet.log 2>&1 < /dev/null & echo $$! > $(VAR)/ilnet.pid
	@for i in $$(seq 50); do [ -S $(VAR)/ilnet.sock ] && break; sleep 0.1; done
	@nginx -e $(VAR)/nginx-error.log -c $(VAR)/nginx.conf -p $(VAR)/
	@echo ""
	@echo "ilnet is running at http://127.0.0.1:$(PORT)/"
	@echo "Demo logins (password: $$ILNET_DEMO_PASSWORD):"
	@echo "  admin@example.org     administrator"
	@echo "  staff@example.org     foundation staff"
	@echo "  coach@example.org     intermediary staff"
	@echo "  leader@example.org    school leader (three schools)"
	@echo "  steward@example.org   nation data steward"
	@echo "  host@example.org      school leader who hosts site visits"
	@[ -n "$${ILNET_SMTP_URL:-}" ] || echo "Mail: every message ilnet sends is a file in $(VAR)/mail (admins: /admin/outbox)"
	@echo "Logs: $(VAR)/ilnet.log   Stop: make stop"

stop:
	@[ -f $(VAR)/nginx.pid ] && kill $$(cat $(VAR)/nginx.pid) 2>/dev/null; rm -f $(VAR)/nginx.pid
	@[ -f $(VAR)/ilnet.pid ] && kill $$(cat $(VAR)/ilnet.pid) 2>/dev/null; rm -f $(VAR)/ilnet.pid
	@[ -f $(VAR)/mail.pid ] && kill $$(cat $(VAR)/mail.pid) 2>/dev/null; rm -f $(VAR)/mail.pid
	@for i in $$(seq 50); do [ -S $(VAR)/ilnet.sock ] || break; sleep 0.1; done
	@echo "ilnet stopped"

# ---- tests ----------------------------------------------------------------

# The integration suite runs once here, on the sanitized build (sanitize);
# the browser suite and valgrind use the plain one.  `make integration`
# runs it on the plain build.  Together within 20 minutes on 2 cores.
# The browser suite mostly waits on Chromium and the stack, so it runs
# beside the memory checks (valgrind, then the sanitized suites): two jobs
# on two cores, each one's output printed when it ends.
test: lint unit
	$(MAKE) --no-print-directory -j2 -Otarget browser valgrind sanitize

# Markup passed to html() as an argument is escaped: refuse it at build time.
lint:
	python3 tests/lint_html.py cgi-bin
	python3 db/figures_sql.py --check

# The unit and integration suites again, built with AddressSanitizer and
# UBSan (a report in a worker's log fails the integration run).
sanitize:
	$(MAKE) --no-print-directory SANITIZE=address,undefined unit integration

unit: $(BUILD)/unit-tests
	CK_FORK=$(if $(SANITIZE),no,yes) ILNET_MIGRATIONS=$(ROOT)/db/migrations \
	  ILNET_INSTRUMENTS=$(ROOT)/db/instruments $(BUILD)/unit-tests

integration: $(BUILD)/ilnet $(BUILD)/integration-tests
	ILNET_BIN=$(BUILD)/ilnet ILNET_ROOT=$(ROOT) $(BUILD)/integration-tests

# The browser suite: playwright-core, axe-core and the Nu HTML Checker
# (vnu-jar, run with Debian's Java; its install script, which would fetch
# a Java of its own, is not run) at the versions package-lock.json pins.
BROWSER_DIR := tests/browser
browser: $(BUILD)/ilnet
	@cd $(BROWSER_DIR) && [ -d node_modules/playwright-core ] && [ -f node_modules/vnu-jar/build/dist/vnu.jar ] || \
	  npm ci --no-audit --no-fund --silent --ignore-scripts
	ILNET_BIN=$(BUILD)/ilnet ILNET_ROOT=$(ROOT) node --test $(BROWSER_DIR)/

# The map's outlines, db/geo/region.txt, are committed: regenerate them from
# the pinned us-atlas only when that pin changes (needs the npm registry).
geo-data:
	@cd db/geo && [ -d node_modules/us-atlas ] || npm ci --no-audit --no-fund --silent
	python3 db/geo/make_region.py > db/geo/region.txt.new && mv db/geo/region.txt.new db/geo/region.txt

# The bench's ceiling: a bare libfcgi responder (hello, or one FULL insert).
$(BUILD)/bench-bare: tests/bench/bare.c | $(BUILD)/.deps-ok
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -o $@ $< $(LDFLAGS) $(shell pkg-config --libs sqlite3) -lfcgi

bench: $(BUILD)/ilnet $(BUILD)/bench-bare
	ILNET_BIN=$(BUILD)/ilnet BENCH_BARE=$(BUILD)/bench-bare ILNET_ROOT=$(ROOT) tests/bench/run

# ilnet on a synthetic national network (tests/gen_network.py), measured in
# server time against a goal of 200 ms a request.  Not part of `make test`.
scale: $(BUILD)/ilnet
	ILNET_BIN=$(BUILD)/ilnet ILNET_ROOT=$(ROOT) tests/bench/scale

valgrind: $(BUILD)/ilnet
	ILNET_BIN=$(BUILD)/ilnet ILNET_ROOT=$(ROOT) tests/valgrind

clean:
	rm -rf build build-san www/vendor www/npm/node_modules
