# hvscope - see README.md.  GNU make.
#
#   make              build $(BUILD)/hvscope
#   make run          build and run "hvscope check" on this host
#   make check        the whole test suite: the layers (check-layers), unit
#                     and end-to-end tests under AddressSanitizer+UBSan,
#                     then again under valgrind,
#                     every fuzz target for a fixed count (check-fuzz),
#                     then inside a real Xen dom0 under QEMU (check-xen)
#   make fuzz         libFuzzer targets (clang), FUZZ_SECONDS each
#                     (FUZZ_TARGETS: which; all by default)
#   make bench        benchmarks against the tools admins would otherwise run
#   make install      PREFIX=/usr/local DESTDIR= (also UNITDIR, MANDIR, MODDIR)
#   make dist         hvscope-VERSION.tar.gz for contrib/hvscope.spec

SHELL := /bin/bash
VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MODDIR ?= $(PREFIX)/lib/hvscope
DATADIR ?= $(PREFIX)/share/hvscope
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/hvscope
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Packages set UNITDIR=/lib/systemd/system (Debian 12) or %{_unitdir}.
UNITDIR ?= $(PREFIX)/lib/systemd/system
# node_exporter's textfile directory, which hvscope-check.service writes
# into: Debian's default; contrib/hvscope.spec sets RHEL's.
TEXTFILE_DIR ?= /var/lib/prometheus/node-exporter
SYSCONFDIR ?= /etc
DESTDIR ?=

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# ASan intercepts xdrmem_create and binds the real one when the program
# starts; libvirt's XDR comes from libtirpc, which the libvirt module would
# only bring later, so ASan would call glibc's old copy (a NULL operation
# table, a crash on the first RPC).  Load libtirpc from the start.
# The exporter module's libcrypt likewise: ASan intercepts crypt_r.
SAN_LIBS := -Wl,--no-as-needed $(shell pkg-config --libs libtirpc libcrypt 2>/dev/null) -Wl,--as-needed
else
BUILD ?= build
SANFLAGS :=
endif

CC ?= cc
PKG_CONFIG ?= pkg-config
# Every library through pkg-config.  The binary links only what every
# command uses (BIN_PKGS); the rest come with the modules below, each
# loaded by core/module.c when a command or probe first needs it, since
# dynamic loading is most of a short command's run.
BIN_PKGS := libcpuid libselinux yaml-0.1 jansson
PKGS := $(BIN_PKGS) libsemanage rpm libxml-2.0 ncursesw libmicrohttpd gnutls libarchive nettle zlib
MOD_PKGS := libvirt xenstat
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) $(MOD_PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) libcrypt) -lpthread -lm
BIN_LIBS := $(shell $(PKG_CONFIG) --libs $(BIN_PKGS)) -lpthread -lm

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral -Wmissing-prototypes -Wstrict-prototypes -Wvla
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -I. $(PKG_CFLAGS) \
	-D_GNU_SOURCE -DHVSCOPE_VERSION='"$(VERSION)"' \
	-DHVSCOPE_RULES_DIR='"$(DATADIR)/rules"' -DHVSCOPE_SYSCONF_RULES_DIR='"$(SYSCONFDIR)/hvscope/rules.d"' \
	-DHVSCOPE_MODULE_DIR='"$(MODDIR)"' \
	-MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS)

CORE_SRC := core/clock.c core/json.c core/procself.c core/scrub.c core/secret.c core/util.c core/buf.c core/err.c core/root.c core/escape.c core/spawn.c core/tmpguard.c core/atomicfile.c core/json_in.c core/yaml.c core/opts.c core/module.c
PROBE_SRC := probe/fact.c probe/fact_load.c probe/ctx.c probe/ask.c probe/probe.c probe/offline.c probe/cpu.c probe/hypervisor.c probe/kvm.c probe/host.c \
	probe/path.c probe/msr.c probe/cpusec.c probe/mm.c probe/cpuset.c probe/pinning.c probe/nested.c probe/versions.c probe/secure.c probe/packages.c probe/dpkgver.c probe/svc.c probe/services_systemd.c probe/services.c probe/services_sos.c probe/services_image.c probe/selinux.c probe/resources.c probe/resources_sos.c probe/netcfg.c probe/grubdefault.c probe/bls.c probe/bootcfg.c \
	probe/guest.c probe/guests.c probe/guest_xen.c probe/guest_xml.c probe/sxp.c probe/pyval.c probe/pyops.c probe/pylex.c probe/pyvars.c probe/pyexpr.c probe/xencfg.c probe/xenspec.c \
	probe/guest_copy.c probe/sos_own.c probe/bundle_in.c probe/unpack.c probe/rpmdb.c probe/netxml.c probe/selocal.c \
	probe/svirt.c
RULES_SRC := rules/field.c rules/expect.c rules/rule.c rules/ruleset.c rules/engine.c rules/report.c rules/report_html.c rules/fleet.c rules/check.c
HV_SRC := hv/snapshot.c hv/pcpu.c hv/snap_pack.c hv/hv.c hv/snap_keys.c hv/snap_json.c hv/snap_load.c
MODULES := $(BUILD)/hv-libvirt.so $(BUILD)/hv-xenstat.so $(BUILD)/cmd-top.so $(BUILD)/cmd-exporter.so $(BUILD)/cmd-bundle.so \
	$(BUILD)/probe-unpack.so $(BUILD)/probe-rpm.so $(BUILD)/probe-xml.so $(BUILD)/probe-semanage.so
TUI_SRC := tui/fields.c tui/batch.c tui/pcpu.c tui/detail.c tui/sampler.c tui/term.c tui/draw.c tui/replay_keys.c tui/screen.c tui/replay.c tui/top.c
EXPORTER_SRC := exporter/series.c exporter/devices.c exporter/families.c exporter/fam_tune.c exporter/fam_jobs.c exporter/fam_perf.c exporter/collectors.c exporter/metrics.c exporter/webtls.c exporter/webauth.c exporter/webconfig.c exporter/ratelimit.c exporter/sampling.c exporter/readiness.c exporter/ahead.c \
	exporter/scrape.c exporter/gzip.c exporter/http.c exporter/listen.c exporter/serve.c
DIAG_SRC := diag/clean.c diag/archive.c diag/copy.c diag/listing.c diag/command.c diag/collect_virt.c diag/collect_check.c diag/collect.c diag/collect_hv.c diag/make.c
CLI_SRC := cli/cmd_check.c cli/cmd_fleet.c cli/cmd_top.c cli/cmd_exporter.c cli/cmd_bundle.c
LIB_SRC := $(CORE_SRC) $(PROBE_SRC) $(RULES_SRC) $(HV_SRC) $(TUI_SRC) $(EXPORTER_SRC) $(DIAG_SRC) $(CLI_SRC)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
# The parts in modules of their own, and the libraries each brings.
TOP_MOD_SRC := $(filter-out tui/fields.c,$(TUI_SRC))
EXPORTER_MOD_SRC := exporter/webtls.c exporter/webauth.c exporter/webconfig.c exporter/ratelimit.c exporter/sampling.c exporter/readiness.c \
	exporter/ahead.c exporter/scrape.c exporter/gzip.c exporter/http.c exporter/listen.c exporter/serve.c
BUNDLE_MOD_SRC := $(DIAG_SRC)
UNPACK_MOD_SRC := probe/unpack.c
RPM_MOD_SRC := probe/rpmdb.c
XML_MOD_SRC := probe/guest_xml.c probe/netxml.c
SEMANAGE_MOD_SRC := probe/selocal.c
MOD_SRC := $(TOP_MOD_SRC) $(EXPORTER_MOD_SRC) $(BUNDLE_MOD_SRC) $(UNPACK_MOD_SRC) $(RPM_MOD_SRC) $(XML_MOD_SRC) $(SEMANAGE_MOD_SRC)
BIN_OBJ := $(filter-out $(MOD_SRC:%.c=$(BUILD)/%.o),$(LIB_OBJ))
MAIN_OBJ := $(BUILD)/cli/hvscope.o

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run check check-layers check-asan check-valgrind check-fuzz check-xen unit e2e install uninstall fuzz bench dist clean
all: $(BUILD)/hvscope $(MODULES)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libhvscope.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# What the binary holds: everything outside the modules.
$(BUILD)/libhvscope-bin.a: $(BIN_OBJ)
	@rm -f $@
	ar rcs $@ $^

# -rdynamic: the modules call back into the layers below them.
$(BUILD)/hvscope: $(MAIN_OBJ) $(BUILD)/libhvscope-bin.a
	$(CC) $(ALL_LDFLAGS) -rdynamic -o $@ $(MAIN_OBJ) -Wl,--whole-archive $(BUILD)/libhvscope-bin.a -Wl,--no-whole-archive $(BIN_LIBS) $(SAN_LIBS)

# A module names libc even where it calls only its own library: Debian's
# policy (lintian) asks every shared object for it.
MOD_LIBC := -Wl,--push-state,--no-as-needed -lc -Wl,--pop-state

$(BUILD)/%.pic.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (module)"
	@$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

LIBVIRT_MOD_SRC := hv/lv_cache.c hv/lv_conn.c hv/lv_call.c hv/lv_map.c hv/lv_records.c hv/lv_job.c hv/lv_query_node.c hv/lv_query.c hv/lv_query_dev.c hv/lv_query_tune.c hv/lv_query_perf.c hv/lv_query_dirty.c \
	hv/lv_fill.c hv/lv_share.c hv/lv_extra.c hv/lv_dump.c hv/libvirt.c
$(BUILD)/hv-libvirt.so: $(LIBVIRT_MOD_SRC:%.c=$(BUILD)/%.pic.o)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(shell $(PKG_CONFIG) --libs libvirt libxml-2.0) -lpthread $(MOD_LIBC)

$(BUILD)/hv-xenstat.so: $(BUILD)/hv/xenstat.pic.o $(BUILD)/hv/xen_dm.pic.o
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(shell $(PKG_CONFIG) --libs xenstat xencontrol) $(MOD_LIBC)

$(BUILD)/cmd-top.so: $(TOP_MOD_SRC:%.c=$(BUILD)/%.pic.o)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(shell $(PKG_CONFIG) --libs ncursesw) -lpthread -lm $(MOD_LIBC)

$(BUILD)/cmd-exporter.so: $(EXPORTER_MOD_SRC:%.c=$(BUILD)/%.pic.o)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(shell $(PKG_CONFIG) --libs libmicrohttpd gnutls nettle libxml-2.0 libcrypt zlib) -lpthread -lm $(MOD_LIBC)

$(BUILD)/cmd-bundle.so: $(BUNDLE_MOD_SRC:%.c=$(BUILD)/%.pic.o)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(shell $(PKG_CONFIG) --libs libarchive nettle libcpuid) -lpthread $(MOD_LIBC)

$(BUILD)/probe-unpack.so: $(UNPACK_MOD_SRC:%.c=$(BUILD)/%.pic.o)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(shell $(PKG_CONFIG) --libs libarchive) $(MOD_LIBC)

$(BUILD)/probe-rpm.so: $(RPM_MOD_SRC:%.c=$(BUILD)/%.pic.o)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(shell $(PKG_CONFIG) --libs rpm) $(MOD_LIBC)

$(BUILD)/probe-xml.so: $(XML_MOD_SRC:%.c=$(BUILD)/%.pic.o)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(shell $(PKG_CONFIG) --libs libxml-2.0) $(MOD_LIBC)

$(BUILD)/probe-semanage.so: $(SEMANAGE_MOD_SRC:%.c=$(BUILD)/%.pic.o)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(shell $(PKG_CONFIG) --libs libsemanage) $(MOD_LIBC)

# The unit tests link every part, modules' too, and export it: core/module.c
# finds what a module would hold in the test itself.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhvscope.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -rdynamic -o $@ $< -Wl,--whole-archive $(BUILD)/libhvscope.a -Wl,--no-whole-archive \
		$(PKG_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# test_libvirt samples through the libvirt module (found beside the
# hvscope binary) and starts and stops libvirt test-driver domains itself;
# linked as the binary is (-rdynamic, the whole library): the module calls
# back into core/ and hv/hv.c.
$(BUILD)/tests/test_libvirt: tests/unit/test_libvirt.c $(BUILD)/libhvscope.a $(MODULES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -rdynamic -o $@ $< -Wl,--whole-archive $(BUILD)/libhvscope.a -Wl,--no-whole-archive \
		$(PKG_LIBS) $(shell $(PKG_CONFIG) --libs libvirt cmocka)

# test_lv_map tests the libvirt module's pure mapping (and the XML
# cache's parsing) on canned records: built in, with libvirt's headers
# and no libvirt library.
$(BUILD)/tests/test_lv_map: tests/unit/test_lv_map.c hv/lv_map.c hv/lv_cache.c $(BUILD)/libhvscope.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< hv/lv_map.c hv/lv_cache.c $(BUILD)/libhvscope.a $(PKG_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# Runs the freshly built binary against this host; exit 0-2 are verdicts
# (pass / warnings / failures), 3 means it could not run.
run: all
	@HVSCOPE_RULES_PATH=rules/profiles $(BUILD)/hvscope check; rc=$$?; \
	echo "hvscope check exited $$rc (0 all pass, 1 warnings, 2 failures, 3 could not run)"; test $$rc -lt 3

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do $(UNIT_WRAP) $$t || fail=1; done; exit $$fail

# End-to-end tests drive an installed copy, as a user would have it.
STAGE := $(abspath $(BUILD))/stage
e2e: all
	$(MAKE) --no-print-directory install PREFIX=$(STAGE) DESTDIR= SYSCONFDIR=$(STAGE)/etc BUILD=$(BUILD) SANITIZE=$(SANITIZE)
	HVSCOPE=$(STAGE)/bin/hvscope tests/e2e/run.sh

check-asan:
	$(MAKE) --no-print-directory SANITIZE=1 unit e2e

check-valgrind:
	$(MAKE) --no-print-directory SANITIZE=0 all $(UNIT_BIN)
	$(MAKE) --no-print-directory SANITIZE=0 unit UNIT_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
	HVSCOPE=$(abspath build)/hvscope HVSCOPE_RULES_PATH=$(abspath rules/profiles) tests/e2e/valgrind.sh

# A real Xen 4.17 with a Debian 12 dom0, booted under QEMU: hvscope, built
# with the sanitizers and installed as a package would install it, checked
# inside dom0 against xl, xentop and libvirt's Xen driver (tests/xen/); then
# the same image's kernel without Xen, systemd as PID 1, for the service
# facts against Debian's own libvirt units; and that boot again as a host
# contrib/ansible's role manages over SSH, with this machine beside it.
XEN_BUILD := build/xen
# The second Xen boot's CPU: AMD-V, which TCG emulates, with nested paging,
# so that Xen offers HVM (PVH and HVM guests run there; the first boot,
# Nehalem, keeps libvirt's Xen driver, which does not start on it).
XEN_HVM_CPU ?= qemu64,+svm,+npt
check-xen:
	rm -rf $(XEN_BUILD)/payload
	$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(XEN_BUILD) PREFIX=/usr SYSCONFDIR=/etc \
		DESTDIR=$(abspath $(XEN_BUILD))/payload install
	HVSCOPE_BUILD=$(abspath $(XEN_BUILD)) HVSCOPE_PAYLOAD=$(abspath $(XEN_BUILD))/payload tests/xen/run.sh
	HVSCOPE=$(abspath $(XEN_BUILD))/payload/usr/bin/hvscope \
		HVSCOPE_DOM0_IMAGE=$${HVSCOPE_XEN_IMAGE:-$$(HVSCOPE_BUILD=$(abspath $(XEN_BUILD)) tests/xen/build-image.sh \
			$${HVSCOPE_XEN_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/hvscope/xen})} bash tests/e2e/test_golden_dom0.sh
	HVSCOPE_XEN_CPU=$(XEN_HVM_CPU) HVSCOPE_XEN_OUT=$(abspath $(XEN_BUILD))/xen-hvm-results \
		HVSCOPE_BUILD=$(abspath $(XEN_BUILD)) HVSCOPE_PAYLOAD=$(abspath $(XEN_BUILD))/payload tests/xen/run.sh
	HVSCOPE_BOOT=systemd HVSCOPE_BUILD=$(abspath $(XEN_BUILD)) HVSCOPE_PAYLOAD=$(abspath $(XEN_BUILD))/payload tests/xen/run.sh
	HVSCOPE_BUILD=$(abspath $(XEN_BUILD)) HVSCOPE_PAYLOAD=$(abspath $(XEN_BUILD))/payload tests/xen/ansible.sh

# Every fuzz target for a fixed number of inputs: the same work on any
# machine, a finding fails the check.
check-fuzz:
	$(MAKE) --no-print-directory fuzz FUZZ_RUNS=$(or $(FUZZ_RUNS),4000)

# Calls and includes run down the layers of DESIGN.md, never in a loop:
# the calls as the objects of the binary and of every module show them
# (a function loaded from a module through core/module.c is named by its
# header, which the caller includes: the check sees that edge).
check-layers: all
	tests/layers/run.sh
	python3 tools/layers.py $(BUILD) $(MAIN_OBJ) $(BIN_OBJ) $(patsubst %.c,$(BUILD)/%.pic.o,$(MOD_SRC) $(LIBVIRT_MOD_SRC) hv/xenstat.c hv/xen_dm.c)

check: check-layers check-asan check-valgrind check-fuzz check-xen

# contrib/ansible's role and example play, installed as documentation
# (examples/ansible): an admin copies the role into a roles path.
ANSIBLE_DIRS := roles/hvscope/defaults roles/hvscope/meta roles/hvscope/tasks roles/hvscope/templates
ANSIBLE_FILES := README.md hvscope-check.yml inventory.example.yml \
	$(patsubst contrib/ansible/%,%,$(sort $(wildcard $(addprefix contrib/ansible/,$(addsuffix /*,$(ANSIBLE_DIRS))))))
MAN1 := man/hvscope.1 man/hvscope-check.1 man/hvscope-fleet.1 man/hvscope-top.1 man/hvscope-exporter.1 man/hvscope-bundle.1
MAN5 := man/hvscope-rules.5
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(SYSCONFDIR)/hvscope/rules.d
	install -m 755 $(BUILD)/hvscope $(DESTDIR)$(BINDIR)/hvscope
	install -d $(DESTDIR)$(MODDIR)
	install -m 644 $(MODULES) $(DESTDIR)$(MODDIR)/
	install -m 644 rules/profiles/*.yaml $(DESTDIR)$(DATADIR)/rules/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DOCDIR)/examples
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 contrib/bash-completion/hvscope $(DESTDIR)$(BASHCOMPDIR)/hvscope
	sed 's|/usr/bin/hvscope|$(BINDIR)/hvscope|' contrib/systemd/hvscope-exporter.service > $(DESTDIR)$(UNITDIR)/hvscope-exporter.service
	chmod 644 $(DESTDIR)$(UNITDIR)/hvscope-exporter.service
	sed -e 's|/usr/bin/hvscope|$(BINDIR)/hvscope|' -e 's|@TEXTFILE_DIR@|$(TEXTFILE_DIR)|' contrib/systemd/hvscope-check.service \
		> $(DESTDIR)$(UNITDIR)/hvscope-check.service
	install -m 644 contrib/systemd/hvscope-check.timer $(DESTDIR)$(UNITDIR)/hvscope-check.timer
	chmod 644 $(DESTDIR)$(UNITDIR)/hvscope-check.service
	install -m 644 contrib/prometheus/hvscope-alerts.yml contrib/prometheus/hvscope-federation.yml \
		contrib/grafana/hvscope-dashboard.json $(DESTDIR)$(DOCDIR)/examples/
	install -d $(DESTDIR)$(SYSCONFDIR)/sos/extras.d
	sed 's|/usr/bin/hvscope|$(BINDIR)/hvscope|' contrib/sos/hvscope > $(DESTDIR)$(SYSCONFDIR)/sos/extras.d/hvscope
	chmod 644 $(DESTDIR)$(SYSCONFDIR)/sos/extras.d/hvscope
	for d in $(ANSIBLE_DIRS); do install -d $(DESTDIR)$(DOCDIR)/examples/ansible/$$d; done
	for f in $(ANSIBLE_FILES); do install -m 644 contrib/ansible/$$f $(DESTDIR)$(DOCDIR)/examples/ansible/$$f; done
	install -m 644 contrib/systemd/hvscope-exporter.socket $(DESTDIR)$(DOCDIR)/examples/
	sed 's|/usr/bin/hvscope|$(BINDIR)/hvscope|' contrib/systemd/hvscope-exporter-socket.conf > $(DESTDIR)$(DOCDIR)/examples/hvscope-exporter-socket.conf
	chmod 644 $(DESTDIR)$(DOCDIR)/examples/hvscope-exporter-socket.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hvscope $(DESTDIR)$(BASHCOMPDIR)/hvscope $(DESTDIR)$(UNITDIR)/hvscope-exporter.service \
		$(DESTDIR)$(UNITDIR)/hvscope-check.service $(DESTDIR)$(UNITDIR)/hvscope-check.timer
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1))) $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5)))
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(MODDIR) $(DESTDIR)$(DOCDIR)
	-rmdir $(DESTDIR)$(SYSCONFDIR)/hvscope/rules.d $(DESTDIR)$(SYSCONFDIR)/hvscope 2>/dev/null
	rm -f $(DESTDIR)$(SYSCONFDIR)/sos/extras.d/hvscope
	-rmdir $(DESTDIR)$(SYSCONFDIR)/sos/extras.d $(DESTDIR)$(SYSCONFDIR)/sos 2>/dev/null

FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
# -rdynamic: core/module.c finds what a module would hold in the fuzzer,
# which links every part it reaches; no module directory is looked in.
FUZZ_CFLAGS := -std=gnu11 -g -O1 -rdynamic -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I. $(PKG_CFLAGS) -D_GNU_SOURCE \
	-DHVSCOPE_MODULE_DIR=\"/nonexistent\"
# The targets make fuzz builds and runs (FUZZ_TARGETS=sos: that one only);
# each one's sources, and its extra flags and libraries where it has any.
FUZZ_TARGETS ?= rules xencfg scrub guestxml bundle sos
FUZZ_SRC_rules := tests/fuzz/fuzz_rules.c rules/field.c rules/expect.c rules/rule.c rules/ruleset.c $(PROBE_SRC) $(CORE_SRC)
FUZZ_SRC_xencfg := tests/fuzz/fuzz_xencfg.c probe/xencfg.c probe/pylex.c probe/pyvars.c probe/pyexpr.c probe/pyval.c probe/pyops.c probe/xenspec.c probe/sxp.c $(CORE_SRC)
FUZZ_SRC_scrub := tests/fuzz/fuzz_scrub.c diag/clean.c $(CORE_SRC)
FUZZ_SRC_guestxml := tests/fuzz/fuzz_guestxml.c $(PROBE_SRC) $(CORE_SRC)
FUZZ_SRC_bundle := tests/fuzz/fuzz_bundle.c hv/snap_load.c hv/snap_keys.c hv/snapshot.c hv/snap_pack.c hv/hv.c $(PROBE_SRC) $(CORE_SRC)
FUZZ_LIBS_bundle := -ldl
FUZZ_SRC_sos := tests/fuzz/fuzz_sos.c $(PROBE_SRC) $(CORE_SRC)
define fuzz_build
clang $(FUZZ_CFLAGS) $(FUZZ_FLAGS_$(1)) -o build/fuzz/fuzz_$(1) $(FUZZ_SRC_$(1)) $(PKG_LIBS) $(FUZZ_LIBS_$(1))

endef
fuzz:
	@mkdir -p build/fuzz
	$(foreach t,$(FUZZ_TARGETS),$(call fuzz_build,$(t)))
	@for t in $(FUZZ_TARGETS); do mkdir -p build/fuzz/corpus-$$t; cp -n tests/fuzz/corpus-$$t/* build/fuzz/corpus-$$t/ 2>/dev/null; \
	  echo "fuzz_$$t: $(if $(FUZZ_RUNS),$(FUZZ_RUNS) runs,$(FUZZ_SECONDS) s)"; \
	  dict=; [ ! -f tests/fuzz/fuzz_$$t.dict ] || dict=-dict=tests/fuzz/fuzz_$$t.dict; \
	  build/fuzz/fuzz_$$t $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_SECONDS)) -print_final_stats=1 $$dict \
	    -artifact_prefix=build/fuzz/fuzz_$$t- build/fuzz/corpus-$$t > build/fuzz/fuzz_$$t.log 2>&1; rc=$$?; \
	  grep -E 'stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY' build/fuzz/fuzz_$$t.log; \
	  if [ $$rc -ne 0 ]; then grep -v -E '^(#[0-9]|INFO|")' build/fuzz/fuzz_$$t.log | tail -40; exit 1; fi; done

bench: all
	HVSCOPE=$(abspath $(BUILD))/hvscope HVSCOPE_RULES_PATH=$(abspath rules/profiles) bench/check-vs-virt-host-validate.sh
	HVSCOPE=$(abspath $(BUILD))/hvscope bench/top-vs-virsh-domstats.sh
	HVSCOPE=$(abspath $(BUILD))/hvscope bench/exporter-vs-libvirt-exporter.sh
	HVSCOPE=$(abspath $(BUILD))/hvscope bench/exporter-collectors.sh
	HVSCOPE=$(abspath $(BUILD))/hvscope bench/exporter-collectors.sh testdriver
	HVSCOPE=$(abspath $(BUILD))/hvscope HVSCOPE_RULES_PATH=$(abspath rules/profiles) bench/bundle-vs-sosreport.sh
	HVSCOPE=$(abspath $(BUILD))/hvscope HVSCOPE_RULES_PATH=$(abspath rules/profiles) bench/textfile.sh

# The source tarball the RPM spec builds from (tracked files only).
dist:
	git archive --format=tar.gz --prefix=hvscope-$(VERSION)/ -o hvscope-$(VERSION).tar.gz HEAD

clean:
	rm -rf build

# Only the compilers' dependency files (not a dom0 root someone keeps here),
# also of a BUILD outside build/ (BUILD=build-asan): a header change there
# must rebuild its objects too.
-include $(sort $(shell find build $(BUILD) -name xen-cache -prune -o -name '*.d' -type f -print 2>/dev/null))
