# What each command's usage text lists is what its man page defines, and
# README says what the exporter takes.
. "$(dirname "$0")/lib.sh"
need python3
python3 "$E2E_DIR/usage_vs_man.py" "$HVSCOPE" "$TOP/man" || fail "usage texts and man pages differ"
hv check --help | grep -q "sosreport" || fail "check's usage text does not say --bundle reads sosreports"
for k in client_auth_type client_ca_file min_version cipher_suites http_server_config '/-/healthy' SIGHUP; do
	grep -qF -- "$k" "$TOP/README.md" || fail "README's exporter section does not mention $k"
done
