#!/usr/bin/env bash
# tools/tls_test_ca.sh DIR — a private CA and a certificate for 127.0.0.1
# and localhost signed by it, for the HTTPS specs and the bot benchmark's
# fake Bot API. Writes into DIR:
#
#   ca.pem, ca.key          the private CA
#   server.pem, server.key  the server's certificate and key
#   bundle.pem              the system's CA bundle with ca.pem appended: what
#                           SSL_CERT_FILE names so that the engine trusts the
#                           private CA the way production trusts Telegram's,
#                           with the cost of the whole real bundle
#
# Keys are P-256: quick to make, and what Telegram's servers use too.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir"
cd "$dir"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 7 -subj "/CN=Guldasta test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req "${ec[@]}" -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 \
    -extfile server.ext -out server.pem 2>/dev/null
system=$(openssl version -d | sed 's/^OPENSSLDIR: "\(.*\)"$/\1/')/cert.pem
cat "$system" ca.pem > bundle.pem
rm -f server.csr server.ext ca.srl
