/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/netcfg.c and probe/grubdefault.c: an image's network and GRUB
 * settings read from small trees written here, with the inputs that go
 * wrong (a source that includes itself, quotes, masks, backups). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/grubdefault.h"
#include "probe/netcfg.h"

static char root[64];

static void put(const char *path, const char *text)
{
	char *full = xasprintf("%s%s", root, path);
	for (char *p = full + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(full, 0755);
		*p = '/';
	}
	FILE *f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(full);
}

static int setup(void **state)
{
	(void)state;
	umask(022);
	strcpy(root, "/tmp/hvscope-netcfg-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", root);
	int r = system(cmd);
	free(cmd);
	return r == 0 ? 0 : -1;
}

static void test_ifupdown(void **state)
{
	(void)state;
	/* a file that sources itself and its directory: read a bounded number of times */
	put("/etc/network/interfaces", "source interfaces\nsource-directory /etc/network/interfaces.d\n"
				       "iface br0 inet manual\n  bridge-ports none\n"
				       "iface eth0 inet dhcp\n# bridge_ports eth1\n"
				       "auto eth1\n    bridge_ports eth1\n");
	put("/etc/network/interfaces.d/vm-bridge", "iface vmbr1 inet6 auto\n\tbridge_ports eth2\n");
	put("/etc/network/interfaces.d/skipped.cfg", "iface vmbr2 inet manual\n\tbridge_ports eth3\n");
	struct netcfg nc;
	netcfg_read(root, &nc);
	assert_int_equal(nc.n, 2);
	assert_string_equal(nc.v[0].name, "br0");
	assert_string_equal(nc.v[0].where, "/etc/network/interfaces:3");
	assert_non_null(netcfg_find(&nc, "vmbr1"));
	assert_string_equal(netcfg_find(&nc, "vmbr1")->where, "/etc/network/interfaces.d/vm-bridge:1");
	assert_null(netcfg_find(&nc, "vmbr2"));
	assert_null(netcfg_find(&nc, "eth0"));
	assert_null(netcfg_find(&nc, "eth1")); /* bridge_ports after auto belongs to no iface */
	assert_true(nc.read.n < 600);
	netcfg_free(&nc);
}

static void test_networkd_nm_ifcfg(void **state)
{
	(void)state;
	put("/usr/lib/systemd/network/50-a.netdev", "[NetDev]\nName=vendorbr\nKind=bridge\n");
	put("/etc/systemd/network/50-a.netdev", "[NetDev]\nName=localbr\nKind=bridge\n");
	put("/usr/lib/systemd/network/60-masked.netdev", "[NetDev]\nName=maskedbr\nKind=bridge\n");
	put("/etc/systemd/network/60-masked.netdev", "");
	put("/etc/systemd/network/70-vlan.netdev", "[NetDev]\nName=vlan5\nKind=vlan\n[Bridge]\nKind=bridge\n");
	put("/etc/NetworkManager/system-connections/Wired connection 1", "[connection]\nid=Wired connection 1\ntype=ethernet\n");
	put("/etc/NetworkManager/system-connections/br5.nmconnection",
	    "[connection]\nid=br5\ntype=bridge\ninterface-name=br5\n[bridge]\ntype=ignored\n");
	char *km = xasprintf("%s/etc/NetworkManager/system-connections/br5.nmconnection", root);
	assert_int_equal(chmod(km, 0600), 0);
	free(km);
	put("/etc/NetworkManager/system-connections/loose.nmconnection", "[connection]\ntype=bridge\ninterface-name=br4\n");
	put("/etc/NetworkManager/system-connections/br6.nmconnection.orig", "[connection]\ntype=bridge\ninterface-name=br6\n");
	put("/etc/sysconfig/network-scripts/ifcfg-br7", "TYPE='Bridge'\nONBOOT=yes\n");
	put("/etc/sysconfig/network-scripts/ifcfg-br8.rpmsave", "TYPE=Bridge\n");
	put("/etc/sysconfig/network-scripts/ifcfg-eth0", "DEVICE=eth0\nBRIDGE=br7\n");
	put("/etc/libvirt/qemu/networks/autostart/default.xml",
	    "<network>\n  <name>default</name>\n  <bridge name='virbr0' stp='on' delay='0'/>\n</network>\n");
	put("/etc/libvirt/qemu/networks/autostart/broken.xml", "<network><bridge name=");
	put("/etc/netplan/10-a.yaml", "network:\n  bridges:\n    br10: {interfaces: [eth5]}\n    br11:\n      dhcp4: true\n");
	put("/etc/netplan/20-broken.yaml", "network: [bridges: {br12: \n");
	put("/etc/netplan/30-alias.yaml", "a: &x {br13: {}}\nnetwork:\n  bridges: *x\n");
	put("/etc/netplan/40-list.yaml", "network:\n  bridges: [br14]\n");
	put("/etc/sysconfig/network/ifcfg-br15", "BRIDGE='yes'\nBRIDGE_PORTS=''\n");
	struct netcfg nc;
	netcfg_read(root, &nc);
	assert_non_null(netcfg_find(&nc, "br10"));
	assert_string_equal(netcfg_find(&nc, "br11")->where, "/etc/netplan/10-a.yaml:4");
	assert_null(netcfg_find(&nc, "br12"));
	assert_non_null(netcfg_find(&nc, "br13")); /* an alias is the node it names */
	assert_null(netcfg_find(&nc, "br14"));
	assert_string_equal(netcfg_find(&nc, "br15")->where, "/etc/sysconfig/network/ifcfg-br15:1");
	assert_non_null(netcfg_find(&nc, "localbr"));
	assert_string_equal(netcfg_find(&nc, "localbr")->where, "/etc/systemd/network/50-a.netdev:3");
	assert_null(netcfg_find(&nc, "vendorbr"));
	assert_null(netcfg_find(&nc, "maskedbr"));
	assert_null(netcfg_find(&nc, "vlan5"));
	assert_non_null(netcfg_find(&nc, "br5"));
	assert_string_equal(netcfg_find(&nc, "br5")->where, "/etc/NetworkManager/system-connections/br5.nmconnection:3");
	assert_null(netcfg_find(&nc, "br6"));
	assert_null(netcfg_find(&nc, "br4")); /* mode 0644: NetworkManager refuses it */
	bool said = false;
	for (size_t i = 0; i < nc.read.n; i++)
		said |= strstr(nc.read.v[i], "loose.nmconnection (mode 0644: NetworkManager refuses") != NULL;
	assert_true(said);
	assert_non_null(netcfg_find(&nc, "br7"));
	assert_null(netcfg_find(&nc, "br8"));
	assert_non_null(netcfg_find(&nc, "virbr0"));
	assert_string_equal(netcfg_find(&nc, "virbr0")->where, "/etc/libvirt/qemu/networks/autostart/default.xml:3");
	netcfg_free(&nc);
}

static void test_grub_default(void **state)
{
	(void)state;
	struct grub_default gd;
	assert_int_equal(grub_default_read(root, &gd), -ENOENT);
	grub_default_free(&gd);
	put("/etc/default/grub", "GRUB_DEFAULT='Debian GNU/Linux, with Xen hypervisor'\n"
				 "export GRUB_CMDLINE_LINUX=\"console=ttyS0 ${GRUB_X}\"\n"
				 "GRUB_CMDLINE_LINUX_DEFAULT=quiet # comment\n"
				 "if true; then\n  GRUB_DEFAULT=7\nfi\n"
				 "GRUB_DISTRIBUTOR=`lsb_release -i -s`\n");
	put("/etc/default/grub.d/50-xen.cfg", "GRUB_CMDLINE_XEN='dom0_mem=$NOT_EXPANDED'\n"
					       "GRUB_CMDLINE_XEN=\"$GRUB_CMDLINE_XEN loglvl=all\"\n");
	assert_int_equal(grub_default_read(root, &gd), 0);
	assert_string_equal(gd.def, "Debian GNU/Linux, with Xen hypervisor");
	assert_string_equal(gd.def_where, "/etc/default/grub:1");
	assert_string_equal(gd.cmdline_linux, "console=ttyS0  quiet");
	assert_string_equal(gd.cmdline_xen, "dom0_mem=$NOT_EXPANDED loglvl=all");
	assert_false(gd.xen_override);
	grub_default_free(&gd);

	put("/etc/default/grub.d/xen.cfg", "if [ \"$XEN_OVERRIDE_GRUB_DEFAULT\" = \"1\" ]; then\n\tGRUB_DEFAULT=$(printf x)\nfi\n");
	assert_int_equal(grub_default_read(root, &gd), 0);
	assert_true(gd.xen_override);
	grub_default_free(&gd);
	put("/etc/default/grub.d/xen.cfg", "XEN_OVERRIDE_GRUB_DEFAULT=0\nif [ \"$XEN_OVERRIDE_GRUB_DEFAULT\" = \"1\" ]; then\n"
					    "\tGRUB_DEFAULT=$(printf x)\nfi\n");
	assert_int_equal(grub_default_read(root, &gd), 0);
	assert_false(gd.xen_override);
	grub_default_free(&gd);

	char *why = NULL;
	assert_int_equal(grub_first_entry_xen(root, &why), -1);
	free(why);
	put("/etc/grub.d/10_linux", "");
	put("/etc/grub.d/20_linux_xen", "");
	put("/boot/xen-4.17-amd64.gz", "");
	assert_int_equal(grub_first_entry_xen(root, &why), 0);
	free(why);
	put("/etc/grub.d/08_linux_xen", "");
	assert_int_equal(grub_first_entry_xen(root, &why), 1);
	assert_non_null(strstr(why, "08_linux_xen runs before 10_linux"));
	free(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ifupdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_networkd_nm_ifcfg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grub_default, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
