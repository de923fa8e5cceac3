#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-nginx.sh BOLLARD SOURCE_DIR - bollard serve behind the production nginx
# front (deploy/nginx/bollard.conf, run on loopback by scripts/nginx-front)
#
# Starts bollard serve on a free loopback port, nginx in front of it with a
# fresh self-signed certificate, and checks with curl what the front promises:
# TLS 1.2 and 1.3 only with AEAD ciphers, HSTS, no version disclosed, the 1 MiB
# body limit, the login rate limit, client-supplied forwarding headers
# replaced, bollard's certificate checked, no secrets in the access log.
# Prints "ok: ..." or "FAIL: ..." per check; exit 1 on any failure, 77 (skip)
# when nginx, curl or openssl is missing.
set -u

bollard=${1:?usage: $0 BOLLARD_BINARY SOURCE_DIR}
srcdir=${2:?usage: $0 BOLLARD_BINARY SOURCE_DIR}
front=$srcdir/scripts/nginx-front
# Two workers are plenty here, however many CPUs the machine has.
NGINX_FRONT_WORKERS=2
export NGINX_FRONT_WORKERS

# nginx lives in /usr/sbin, which is not on every user's PATH.
PATH=$PATH:/usr/sbin:/sbin
for prog in nginx curl openssl; do
    if ! command -v "$prog" >/dev/null 2>&1; then
        echo "skip: $prog is not installed"
        exit 77
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bollard-t-nginx-XXXXXX") || exit 1
# Run as root, nginx's workers run as nobody and must reach their directory.
chmod 0711 "$tmp"
bollard_pid=''
echo_pid=''
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    trap '' PIPE # a closed output must not cut the cleanup short
    "$front" stop "$tmp/front" 2>/dev/null
    "$front" stop "$tmp/front2" 2>/dev/null
    if [ -n "$echo_pid" ]; then
        kill -QUIT "$echo_pid" 2>/dev/null
    fi
    if [ -n "$bollard_pid" ]; then
        kill -TERM "$bollard_pid" 2>/dev/null
        i=0
        while kill -0 "$bollard_pid" 2>/dev/null && [ "$i" -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        kill -KILL "$bollard_pid" 2>/dev/null
        wait "$bollard_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
trap 'exit 141' PIPE

failures=0
ok() { echo "ok: $*"; }
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
# fatal WHAT [FILE]: a failure the rest cannot run without.
fatal() {
    fail "$1"
    if [ $# -gt 1 ] && [ -f "$2" ]; then
        tail -n 20 "$2" | sed 's/^/#   /'
    fi
    exit 1
}

# free_port N: a random port P with P..P+N-1 free on loopback.
free_port() {
    tries=0
    while [ "$tries" -lt 100 ]; do
        tries=$((tries + 1))
        p=$(($(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000))
        i=0
        busy=''
        while [ "$i" -lt "$1" ]; do
            if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Hltn "sport = :$((p + i))")" ]; then
                busy=1
            fi
            i=$((i + 1))
        done
        if [ -z "$busy" ]; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# selfsigned NAME: NAME.crt and NAME.key in $tmp, CN and SAN localhost.
selfsigned() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
        -keyout "$tmp/$1.key" -out "$tmp/$1.crt" >/dev/null 2>&1
}

# --- bollard serve ----------------------------------------------------------

data=$tmp/data
"$bollard" init --data "$data" --origin t-nginx.test/bollard >"$tmp/init.log" 2>&1 ||
    fatal "bollard init" "$tmp/init.log"
[ -s "$data/tls.crt" ] && [ -s "$data/tls.key" ] ||
    fatal "bollard init wrote no tls.crt and tls.key in the data directory"

bport=$(free_port 1) || fatal "no free port"
"$bollard" serve --data "$data" --listen "127.0.0.1:$bport" --trust-proxy 127.0.0.1 \
    >"$tmp/serve.log" 2>&1 &
bollard_pid=$!

# bollard's own certificate must pass the check nginx makes: trusted as
# itself, for the name localhost.
i=0
until curl -s -o /dev/null --max-time 2 --cacert "$data/tls.crt" \
    --resolve "localhost:$bport:127.0.0.1" "https://localhost:$bport/healthz"; do
    i=$((i + 1))
    kill -0 "$bollard_pid" 2>/dev/null || fatal "bollard serve exited" "$tmp/serve.log"
    [ "$i" -lt 100 ] || fatal "bollard serve does not answer on 127.0.0.1:$bport" "$tmp/serve.log"
    sleep 0.2
done
ok "bollard serve answers over TLS, its certificate valid for localhost"

# --- nginx in front ---------------------------------------------------------

selfsigned front || fatal "openssl cannot make a certificate"
nport=$(free_port 1) || fatal "no free port"
"$front" start "$tmp/front" --listen "$nport" --upstream "127.0.0.1:$bport" \
    --cert "$tmp/front.crt" --key "$tmp/front.key" --upstream-ca "$data/tls.crt" \
    >"$tmp/front.log" 2>&1 || fatal "scripts/nginx-front start" "$tmp/front.log"
ok "nginx -t accepts the configuration and nginx starts"

base=https://localhost:$nport
# c ARGS...: curl through the front, checking nginx's certificate.
c() {
    curl -sS --max-time 20 --cacert "$tmp/front.crt" --resolve "localhost:$nport:127.0.0.1" "$@"
}

out=$(c -o "$tmp/body" -w '%{http_code} %{http_version}' "$base/healthz")
case $out in
"200 2") if grep -q '"ok"' "$tmp/body"; then ok "GET /healthz through nginx: 200 over HTTP/2"; else fail "GET /healthz through nginx: body $(head -c 200 "$tmp/body")"; fi ;;
"200 "*) fail "GET /healthz through nginx: 200 but HTTP version ${out#200 }, expected 2" ;;
*) fail "GET /healthz through nginx: status and HTTP version '$out', expected '200 2'" ;;
esac

for v in 1.2 1.3; do
    out=$(c -o /dev/null -w '%{http_code}' "--tlsv$v" --tls-max "$v" "$base/healthz" 2>&1)
    if [ "$out" = 200 ]; then ok "TLS $v accepted"; else fail "TLS $v: '$out', expected 200"; fi
done

# The client must really offer TLS 1.0/1.1: OpenSSL 3 refuses them at its
# default security level, so without SECLEVEL=0 this check would pass even
# against a server that allowed them.
c -o /dev/null --tlsv1.0 --tls-max 1.1 --ciphers 'DEFAULT:@SECLEVEL=0' "$base/healthz" 2>/dev/null
rc=$?
if [ "$rc" = 35 ]; then ok "TLS 1.1 and below refused in the handshake"; else fail "TLS 1.1 and below: curl exit status $rc, expected 35 (handshake refused)"; fi

c -o /dev/null --tlsv1.2 --tls-max 1.2 --ciphers 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384' \
    "$base/healthz" 2>/dev/null
rc=$?
if [ "$rc" = 35 ]; then ok "TLS 1.2 with CBC ciphers refused"; else fail "TLS 1.2 with CBC ciphers: curl exit status $rc, expected 35"; fi

if echo | openssl s_client -connect "127.0.0.1:$nport" -servername localhost -tls1_2 \
    >"$tmp/s_client" 2>&1 && grep -q 'Cipher is ECDHE' "$tmp/s_client"; then
    if grep -q 'TLS session ticket:' "$tmp/s_client"; then fail "TLS 1.2 session tickets are issued"; else ok "no TLS 1.2 session tickets"; fi
else
    fail "openssl s_client over TLS 1.2 did not connect"
fi

c -D "$tmp/headers" -o /dev/null "$base/healthz"
hsts=$(tr -d '\r' <"$tmp/headers" | sed -n 's/^[Ss]trict-[Tt]ransport-[Ss]ecurity: *//p')
case $hsts in
*max-age=31536000*includeSubDomains*) ok "HSTS: $hsts" ;;
*) fail "HSTS header '$hsts', expected max-age=31536000; includeSubDomains" ;;
esac
n=$(grep -ci '^strict-transport-security:' "$tmp/headers")
if [ "$n" = 1 ]; then ok "one HSTS header"; else fail "$n HSTS headers, expected 1"; fi
server=$(tr -d '\r' <"$tmp/headers" | sed -n 's/^[Ss]erver: *//p')
case $server in
*[0-9]*) fail "Server header discloses a version: '$server'" ;;
*) ok "Server header without version: '${server:-absent}'" ;;
esac

# --- body size ---
head -c 2097152 /dev/zero | tr '\0' 'x' >"$tmp/big"
out=$(c -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' --data-binary "@$tmp/big" "$base/api/v1/containers" 2>&1)
# bollard would say 413 too: the error log shows that nginx said it.
if [ "$out" = 413 ] && grep -q 'client intended to send too large body' "$tmp/front/error.log"; then
    ok "2 MiB body refused by nginx with 413"
elif [ "$out" = 413 ]; then
    fail "2 MiB body: 413, but not from nginx (client_max_body_size)"
else
    fail "2 MiB body: status '$out', expected 413"
fi
if grep -qi '^content-type: application/problem+json' "$tmp/headers"; then ok "413 is application/problem+json"; else fail "413 content type: $(grep -i '^content-type' "$tmp/headers")"; fi
if grep -q 'nginx' "$tmp/body" || tr -d '\r' <"$tmp/headers" | grep -qi '^server:.*[0-9]'; then
    fail "413 answer discloses the server or its version: $(head -c 200 "$tmp/body")"
else
    ok "413 answer does not name the server's version"
fi
head -c 524288 "$tmp/big" >"$tmp/half"
out=$(c -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "@$tmp/half" "$base/api/v1/containers" 2>&1)
case $out in
413) fail "512 KiB body refused with 413: nginx must allow what bollard allows" ;;
*) ok "512 KiB body passes nginx (bollard answered $out)" ;;
esac
# An EDI upload may be larger: the 2 MiB body reaches bollard, which asks
# who sends it (401) instead of nginx refusing its size.
out=$(c -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/EDIFACT' \
    --data-binary "@$tmp/big" "$base/api/v1/edi/import?visit=X" 2>&1)
case $out in
401) ok "2 MiB EDI upload passes nginx to bollard (401 without credentials)" ;;
*) fail "2 MiB EDI upload through nginx: status '$out', expected bollard's 401" ;;
esac

out=$(c -o /dev/null -w '%{http_code}' "$base/metrics")
if [ "$out" = 404 ]; then ok "/metrics not served through nginx"; else fail "/metrics through nginx: $out, expected 404"; fi

# --- the access log keeps neither query strings nor credentials ---
c -o /dev/null -H 'Authorization: Bearer bk1_LOGSECRETKEY' -H 'Cookie: __Host-bollard_session=LOGSECRETCOOKIE' \
    "$base/api/v1/containers/MSCU1234566?q=LOGSECRETQUERY"
sleep 0.2
if [ ! -s "$tmp/front/access.log" ]; then
    fail "no access log written"
elif grep -q 'LOGSECRET' "$tmp/front/access.log"; then
    fail "the access log holds a query string, key or cookie: $(grep LOGSECRET "$tmp/front/access.log" | head -1)"
elif grep -q '/api/v1/containers/MSCU1234566' "$tmp/front/access.log"; then
    ok "the access log keeps the path, not the query string, key or cookie"
else
    fail "the request is missing from the access log"
fi

# --- forwarding headers, seen by an upstream that echoes them ---
# A second front, before a small nginx that answers with the headers it got.
selfsigned echo || fatal "openssl cannot make a certificate"
eport=$(free_port 1) || fatal "no free port"
mkdir -p "$tmp/echo"
user_line=''
if [ "$(id -u)" -eq 0 ]; then
    user_line="user nobody $(id -gn nobody);"
fi
cat >"$tmp/echo/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $tmp/echo/nginx.pid;
lock_file $tmp/echo/nginx.lock;
error_log $tmp/echo/error.log warn;
events { worker_connections 64; }
http {
    client_body_temp_path $tmp/echo/client_body_temp;
    proxy_temp_path $tmp/echo/proxy_temp;
    fastcgi_temp_path $tmp/echo/fastcgi_temp;
    uwsgi_temp_path $tmp/echo/uwsgi_temp;
    scgi_temp_path $tmp/echo/scgi_temp;
    access_log off;
    server {
        listen 127.0.0.1:$eport ssl;
        ssl_certificate $tmp/echo.crt;
        ssl_certificate_key $tmp/echo.key;
        location / {
            default_type text/plain;
            return 200 "xff=[\$http_x_forwarded_for] real=[\$http_x_real_ip] forwarded=[\$http_forwarded]\n";
        }
    }
}
EOF
nginx -p "$tmp/echo" -c "$tmp/echo/nginx.conf" -e "$tmp/echo/error.log" >"$tmp/echo.log" 2>&1 ||
    fatal "the echo nginx does not start" "$tmp/echo.log"
i=0
until [ -s "$tmp/echo/nginx.pid" ] || [ "$i" -ge 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
echo_pid=$(cat "$tmp/echo/nginx.pid" 2>/dev/null)
[ -n "$echo_pid" ] || fatal "the echo nginx wrote no pid file" "$tmp/echo/error.log"

e2port=$(free_port 1) || fatal "no free port"
"$front" start "$tmp/front2" --listen "$e2port" --upstream "127.0.0.1:$eport" \
    --cert "$tmp/front.crt" --key "$tmp/front.key" --upstream-ca "$tmp/echo.crt" \
    >"$tmp/front2.log" 2>&1 || fatal "scripts/nginx-front start (echo)" "$tmp/front2.log"
# c2 ARGS...: curl through the second front.
c2() {
    curl -sS --max-time 20 --cacert "$tmp/front.crt" --resolve "localhost:$e2port:127.0.0.1" "$@"
}
seen=$(c2 -H 'X-Forwarded-For: 203.0.113.66' -H 'X-Real-IP: 203.0.113.66' \
    -H 'Forwarded: for=203.0.113.66' "https://localhost:$e2port/api/v1/whoami")
case $seen in
"xff=[127.0.0.1] real=[127.0.0.1] forwarded=[]") ok "client's X-Forwarded-For, X-Real-IP and Forwarded replaced by its address" ;;
*203.0.113.66*) fail "a client-supplied forwarding header reaches the upstream: $seen" ;;
*) fail "forwarding headers at the upstream: '$seen'" ;;
esac

# The same front, told to trust another certificate than the upstream's, must
# refuse to talk to it.
"$front" stop "$tmp/front2"
"$front" start "$tmp/front2" --listen "$e2port" --upstream "127.0.0.1:$eport" \
    --cert "$tmp/front.crt" --key "$tmp/front.key" --upstream-ca "$tmp/front.crt" \
    >"$tmp/front2.log" 2>&1 || fatal "scripts/nginx-front start (echo, wrong CA)" "$tmp/front2.log"
out=$(c2 -o "$tmp/body" -w '%{http_code}' "https://localhost:$e2port/healthz")
if [ "$out" = 503 ] && grep -q 'certificate verify' "$tmp/front2/error.log"; then
    ok "an upstream whose certificate does not verify is refused (503)"
else
    fail "upstream with an untrusted certificate: status $out, body $(head -c 100 "$tmp/body")"
fi
"$front" stop "$tmp/front2"

# --- login rate limit: last, since it uses up this address's allowance ---
codes=''
n429=0
i=0
while [ "$i" -lt 20 ]; do
    code=$(c -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data '{"user":"t-nginx.nobody","password":"not-the-password"}' \
        "$base/api/v1/login" 2>/dev/null)
    codes="$codes $code"
    [ "$code" = 429 ] && n429=$((n429 + 1))
    i=$((i + 1))
done
first=${codes# }
first=${first%% *}
case $first in
429 | 5* | 000) fail "the first login attempt did not reach bollard: status $first" ;;
*) ok "a login attempt reaches bollard (status $first)" ;;
esac
if [ "$n429" -ge 10 ]; then
    ok "burst of 20 logins: $n429 refused with 429 ($codes )"
else
    fail "burst of 20 logins: only $n429 answered 429, expected at least 10 ($codes )"
fi

kill -0 "$bollard_pid" 2>/dev/null || fail "bollard serve died during the test"

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
exit 0
