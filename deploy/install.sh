#!/bin/sh
# Install or update WE STRONG Drop on Debian 12 (docs/DEPLOY.md). Idempotent: a second run
# changes nothing. The staging VM (Vagrantfile) and an operator on real hardware run this.
#
#   sudo deploy/install.sh                 # everything: packages, venv, units, tor, timers
#   sudo deploy/install.sh --root DIR --no-packages --no-venv --no-systemctl
#                                          # files, users and permissions only, under DIR
#                                          # (how the tests run it on a shared machine)
set -eu

ROOT=""
PACKAGES=1
VENV=1
SYSTEMCTL=1
CHECKOUT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT=${2%/}; shift 2 ;;
    --no-packages) PACKAGES=0; shift ;;
    --no-venv) VENV=0; shift ;;
    --no-systemctl) SYSTEMCTL=0; shift ;;
    *) echo "usage: $0 [--root DIR] [--no-packages] [--no-venv] [--no-systemctl]" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then
  echo "run as root (sudo $0)" >&2
  exit 1
fi

say() { printf '%s\n' "$*"; }

# --- packages -------------------------------------------------------------------------------
if [ "$PACKAGES" = 1 ]; then
  missing=""
  for pkg in tor python3-venv; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    say "installing:$missing"
    apt-get update -qq
    # shellcheck disable=SC2086 # a list of package names
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  fi
  # Debian's own tor instance would be a second tor with a SOCKS port: ours replaces it.
  if [ "$SYSTEMCTL" = 1 ] && systemctl is-enabled --quiet tor.service 2>/dev/null; then
    systemctl disable --now tor.service
  fi
fi

# --- users: one per process; the apps and the jobs share the data group "westrong" ----------
getent group westrong >/dev/null || groupadd --system westrong
for user in westrong-source westrong-reviewer westrong-jobs westrong-tor; do
  if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$user"
  fi
done
for user in westrong-source westrong-reviewer westrong-jobs; do
  id -nG "$user" | tr ' ' '\n' | grep -qx westrong || usermod -a -G westrong "$user"
done

# --- folders --------------------------------------------------------------------------------
dir() { # dir MODE OWNER GROUP PATH
  install -d -m "$1" -o "$2" -g "$3" "$ROOT$4"
  chmod "$1" "$ROOT$4"
  chown "$2:$3" "$ROOT$4"
}
dir 0755 root root /etc/westrong
dir 0755 root root /opt/westrong
dir 0755 root root /etc/systemd/system
dir 0770 root westrong /var/lib/westrong
dir 2770 root westrong /var/lib/westrong/store
dir 2770 root westrong /var/lib/westrong/db
dir 0700 westrong-tor westrong-tor /var/lib/westrong-tor

# --- what production runs: gunicorn and tor configuration, units ----------------------------
copy() { # copy MODE SOURCE DESTINATION (unchanged files are not rewritten)
  install -C -m "$1" -o root -g root "$2" "$ROOT$3"
}
dir 0755 root root /opt/westrong/deploy
for sub in gunicorn tor; do
  dir 0755 root root "/opt/westrong/deploy/$sub"
  for file in "$CHECKOUT/deploy/$sub"/*; do
    case "$file" in *.pyc | */__pycache__) continue ;; esac
    copy 0644 "$file" "/opt/westrong/deploy/$sub/$(basename "$file")"
  done
done
for unit in "$CHECKOUT"/deploy/systemd/*; do
  copy 0644 "$unit" "/etc/systemd/system/$(basename "$unit")"
done

# --- one configuration file per process, readable by its own user only ---------------------
secret() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
config() { # config NAME GROUP (writes the file's text from standard input, once)
  path="$ROOT/etc/westrong/$1.toml"
  if [ ! -e "$path" ]; then
    (umask 077 && cat >"$path")
    say "created /etc/westrong/$1.toml"
  else
    cat >/dev/null
  fi
  chown "root:$2" "$path"
  chmod 0640 "$path"
}
SHARED='mode = "production"
database_url = "sqlite:////var/lib/westrong/db/westrong.sqlite"
store_root = "/var/lib/westrong/store"'
config source westrong-source <<EOF
$SHARED

[source]
secret_key = "$(secret)"
pepper = "$(secret)"
EOF
config reviewer westrong-reviewer <<EOF
$SHARED

[reviewer]
secret_key = "$(secret)"
totp_key = "$(secret)"
signing_key = "$(secret)"
EOF
config cli westrong-jobs <<EOF
$SHARED

[cli]
onion_dir = "/var/lib/westrong-tor"
EOF

# --- the application, its database, the onion services and the services -------------------
if [ "$VENV" = 1 ]; then
  venv="$ROOT/opt/westrong/venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  want=$(cd "$CHECKOUT" && git rev-parse HEAD 2>/dev/null || echo unknown)
  if [ "$(cat "$venv/.westrong-installed" 2>/dev/null || true)" != "$want" ]; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes --no-deps \
      -r "$CHECKOUT/requirements/main.lock"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "$CHECKOUT"
    printf '%s\n' "$want" >"$venv/.westrong-installed"
  fi
  # The command line seals new reviewers' TOTP secrets with the public half of the reviewer
  # interface's totp_key; it never holds the key itself (docs/decisions/038).
  if ! grep -q '^totp_public_key' "$ROOT/etc/westrong/cli.toml"; then
    public=$(sed -n 's/^totp_key = "\(.*\)"$/\1/p' "$ROOT/etc/westrong/reviewer.toml" |
      "$venv/bin/westrong" totp-public-key)
    printf 'totp_public_key = "%s"\n' "$public" >>"$ROOT/etc/westrong/cli.toml"
  fi
fi

if [ "$SYSTEMCTL" = 1 ]; then
  export WESTRONG_CONFIG=/etc/westrong/cli.toml
  runuser -u westrong-jobs -- /opt/westrong/venv/bin/westrong migrate
  /opt/westrong/venv/bin/westrong onion-config >/dev/null
  for app in source reviewer; do
    address=$(cat "/var/lib/westrong-tor/$app/hostname")
    grep -q '^onion_address' "/etc/westrong/$app.toml" ||
      printf 'onion_address = "%s"\n' "$address" >>"/etc/westrong/$app.toml"
  done
  source_address=$(cat /var/lib/westrong-tor/source/hostname)
  grep -q '^source_onion_address' /etc/westrong/reviewer.toml ||
    printf 'source_onion_address = "%s"\n' "$source_address" >>/etc/westrong/reviewer.toml
  systemctl daemon-reload
  for unit in westrong-source.service westrong-reviewer.service westrong-tor.service \
    westrong-purge.timer westrong-digest.timer westrong-onion-sync.timer; do
    systemctl is-enabled --quiet "$unit" || systemctl enable --now "$unit"
  done
  say "source onion:   $source_address"
  say "reviewer onion: $(cat /var/lib/westrong-tor/reviewer/hostname) (client keys only)"
fi
