#!/usr/bin/env bash
# Run a command against a temporary PostgreSQL cluster.
#
#   scripts/with-postgres.sh COMMAND [ARGS...]
#
# The script creates a new cluster in a temporary directory, starts it on a free
# port on 127.0.0.1 only, and creates the database "coproduce". It then runs
# COMMAND as the current user, with this variable exported:
#
#   DATABASE_URL=postgres://<superuser>@127.0.0.1:<port>/coproduce
#
# When COMMAND exits (or the script is interrupted), the cluster is stopped and
# the directory is deleted. The script exits with COMMAND's exit status.
#
# It needs the PostgreSQL server binaries (Debian package "postgresql"). The
# Makefile installs them. PostgreSQL will not run as root, so when this script
# runs as root the server runs as the "postgres" system user. COMMAND still runs
# as root. The superuser is then "postgres", otherwise it is the current user.
#
# The cluster is for tests only: it trusts every local connection and runs with
# fsync off.
#
# Example:
#   scripts/with-postgres.sh bash -c 'psql "$DATABASE_URL" -c "select 1"'
set -euo pipefail

prog="with-postgres"
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }

if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    [[ $# -eq 0 ]] && exit 2
    exit 0
fi

# ------------------------------------------------------------ find the binaries
find_bindir() {
    local d best=""
    # Newest Debian cluster version that has initdb (sort -V handles 9.6 < 15).
    while IFS= read -r d; do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && best="$d"
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V)
    if [[ -z "$best" ]] && command -v pg_config >/dev/null 2>&1; then
        d="$(pg_config --bindir 2>/dev/null || true)"
        [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]] && best="$d"
    fi
    printf '%s' "$best"
}

bindir="$(find_bindir)"
if [[ -z "$bindir" ]]; then
    die "PostgreSQL server binaries not found (no initdb in /usr/lib/postgresql/*/bin or in pg_config --bindir).
Install the Debian package 'postgresql' (e.g. with 'make' or 'apt-get install postgresql')."
fi
for tool in initdb pg_ctl pg_isready createdb postgres; do
    [[ -x "$bindir/$tool" ]] || die "$bindir/$tool is missing"
done

# ------------------------------------------------------------ who runs the server
is_root=0
[[ "$(id -u)" -eq 0 ]] && is_root=1
if [[ "$is_root" -eq 1 ]]; then
    id postgres >/dev/null 2>&1 ||
        die "running as root but there is no 'postgres' system user (install the Debian package 'postgresql')"
    command -v runuser >/dev/null 2>&1 || die "running as root but 'runuser' is not available"
    superuser="postgres"
    as_server_user() { runuser -u postgres -- "$@"; }
else
    superuser="$(id -un)"
    as_server_user() { "$@"; }
fi

# ------------------------------------------------------------ temporary directory
workdir=""
command_status=""

# shellcheck disable=SC2329  # invoked by the EXIT trap
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # Exit with COMMAND's status if it ran, even if cleanup fails.
    if [[ -n "$command_status" ]]; then
        status="$command_status"
    fi
    # postmaster.pid exists while a server runs (also if pg_ctl start timed out).
    if [[ -n "$workdir" && -f "$workdir/data/postmaster.pid" ]]; then
        if ! server pg_ctl -D "$workdir/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
            printf '%s: warning: pg_ctl stop failed; killing the server\n' "$prog" >&2
            local pid
            pid="$(head -n 1 "$workdir/data/postmaster.pid" 2>/dev/null || true)"
            if [[ "$pid" =~ ^[0-9]+$ ]]; then
                kill -QUIT "$pid" 2>/dev/null || true
                sleep 1
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
    fi
    if [[ -n "$workdir" && -d "$workdir" ]]; then
        rm -rf -- "$workdir"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a PostgreSQL tool as the server user, from inside the work directory (the
# postgres user may not be able to read the caller's working directory).
server() {
    local tool="$1"
    shift
    (cd "$workdir" && as_server_user "$bindir/$tool" "$@")
}

workdir="$(mktemp -d "${TMPDIR:-/tmp}/with-postgres.XXXXXX")"
if [[ "$is_root" -eq 1 ]]; then
    chown postgres: "$workdir"
    if ! runuser -u postgres -- test -w "$workdir"; then
        # The postgres user can't get into the parent directory (for example
        # TMPDIR=/root/tmp). Use /tmp instead, which everyone can traverse.
        rm -rf -- "$workdir"
        workdir="$(mktemp -d /tmp/with-postgres.XXXXXX)"
        chown postgres: "$workdir"
        runuser -u postgres -- test -w "$workdir" ||
            die "the postgres user cannot write to $workdir"
    fi
fi

# ------------------------------------------------------------ initdb
locale_arg="--locale=C"
if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    locale_arg="--locale=C.UTF-8"
fi
if ! server initdb -D "$workdir/data" -U "$superuser" -E UTF8 "$locale_arg" \
    --auth-local=trust --auth-host=trust --no-sync >"$workdir/initdb.log" 2>&1; then
    cat "$workdir/initdb.log" >&2
    die "initdb failed"
fi
mkdir -p "$workdir/socket"
if [[ "$is_root" -eq 1 ]]; then
    chown postgres: "$workdir/socket"
fi

# ------------------------------------------------------------ start the server
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

base_conf="$(cat "$workdir/data/postgresql.conf")"
port=""
for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    # Another process could take the port between free_port and the server
    # starting. If so, try again with a new port.
    {
        printf '%s\n\n# Added by scripts/with-postgres.sh\n' "$base_conf"
        printf "listen_addresses = '127.0.0.1'\n"
        printf 'port = %s\n' "$port"
        printf "unix_socket_directories = '%s'\n" "$workdir/socket"
        printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n'
    } >"$workdir/data/postgresql.conf"
    : >"$workdir/postgres.log"
    if [[ "$is_root" -eq 1 ]]; then
        chown postgres: "$workdir/postgres.log"
    fi
    if server pg_ctl -D "$workdir/data" -l "$workdir/postgres.log" -w -t 60 start >/dev/null 2>&1; then
        break
    fi
    if grep -q 'could not bind\|Address already in use' "$workdir/postgres.log" && [[ $attempt -lt 5 ]]; then
        continue
    fi
    cat "$workdir/postgres.log" >&2
    die "PostgreSQL did not start"
done

ready=0
for _ in $(seq 1 100); do
    if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres; then
        ready=1
        break
    fi
    sleep 0.1
done
if [[ "$ready" -ne 1 ]]; then
    cat "$workdir/postgres.log" >&2
    die "PostgreSQL is not accepting connections on 127.0.0.1:$port"
fi

server createdb -h 127.0.0.1 -p "$port" -U "$superuser" coproduce ||
    die "createdb coproduce failed"

version="$("$bindir/postgres" --version | sed -E 's/^[^0-9]*([0-9][0-9.]*).*/\1/')"
printf '%s: PostgreSQL %s on 127.0.0.1:%s (temporary cluster in %s)\n' \
    "$prog" "$version" "$port" "$workdir" >&2

# ------------------------------------------------------------ run the command
export DATABASE_URL="postgres://${superuser}@127.0.0.1:${port}/coproduce"
set +e
"$@"
command_status=$?
set -e
exit "$command_status"
