#!/usr/bin/env bash
# Checks the image tarball that `mvn -Pimage package` writes, without a container runtime:
# its manifest and config (the service's entrypoint, ports 8080 and 8081, a user that is
# not root, MEMBERSHIP_DATA_DIR on a volume), then, as root and unless --config-only, runs
# it: its layers unpacked into a directory and started as its config says (user,
# environment, entrypoint) in fresh mount, PID and network namespaces (unshare, chroot),
# until /actuator/health on 8081 answers UP. Needs jq, and for the run util-linux and iproute2.
#
#   scripts/check-image.sh [--config-only] [IMAGE.tar]     default: infra/target/membership-image.tar
set -euo pipefail

if [ "${1:-}" = "--inside" ]; then
  # The run, inside the new namespaces: $2 the unpacked root, $3 the user, $4 a file
  # of the environment (one per line), the rest the entrypoint.
  root="$2" user="$3" envfile="$4"; shift 4
  mount --make-rprivate /
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs tmpfs "$root/tmp"
  ip link set lo up
  mapfile -t environment < "$envfile"
  chroot --userspec="$user" "$root" /usr/bin/env -i "${environment[@]}" "$@" > "$root.log" 2>&1 &
  service=$!
  status=1
  for _ in $(seq 1 90); do
    if health="$(curl -fsS http://127.0.0.1:8081/actuator/health 2>/dev/null)"; then
      echo "check-image: /actuator/health on 8081: $(jq -c '{status, db: .components.db.status, kafka: .components.kafka.status}' <<<"$health")"
      if [ "$(jq -r .status <<<"$health")" = UP ]; then status=0; fi
      echo "check-image: the data directory, written by the service: $(ls -n "$root/var/lib/membership" | awk 'NR>1 {print $3":"$4, $9}' | tr '\n' ' ')"
      break
    fi
    kill -0 $service 2>/dev/null || { echo "check-image: the service exited; its log:"; tail -20 "$root.log"; break; }
    sleep 2
  done
  kill $service 2>/dev/null || true
  wait $service 2>/dev/null || true
  exit $status
fi

config_only=false
if [ "${1:-}" = "--config-only" ]; then config_only=true; shift; fi
image="$(realpath "${1:-infra/target/membership-image.tar}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/image"
tar -xf "$image" -C "$work/image"
config="$work/image/$(jq -r '.[0].Config' "$work/image/manifest.json")"

fail() { echo "check-image: $*" >&2; exit 1; }
echo "check-image: $(jq -r '.[0].RepoTags | join(", ")' "$work/image/manifest.json"), $(jq '.[0].Layers | length' "$work/image/manifest.json") layers"
echo "check-image: entrypoint $(jq -c .config.Entrypoint "$config")"
jq -e '.config.Entrypoint | any(. == "io.membership.infra.MembershipApplication")' "$config" >/dev/null \
  || fail "the entrypoint does not start io.membership.infra.MembershipApplication"
echo "check-image: ports $(jq -c '.config.ExposedPorts | keys' "$config")"
jq -e '.config.ExposedPorts | has("8080/tcp") and has("8081/tcp")' "$config" >/dev/null || fail "8080 and 8081 are not both exposed"
user="$(jq -r '.config.User // ""' "$config")"
echo "check-image: user $user"
case "${user%%:*}" in ''|0|root) fail "the image runs as root" ;; esac
data_dir="$(jq -r '.config.Env[] | select(startswith("MEMBERSHIP_DATA_DIR=")) | sub("^[^=]*="; "")' "$config")"
echo "check-image: MEMBERSHIP_DATA_DIR=$data_dir, volumes $(jq -c '.config.Volumes | keys' "$config")"
[ -n "$data_dir" ] || fail "MEMBERSHIP_DATA_DIR is not set"
jq -e --arg dir "$data_dir" '.config.Volumes | has($dir)' "$config" >/dev/null || fail "$data_dir is not a volume"
echo "check-image: the configuration is as it should be"
$config_only && exit 0

[ "$(id -u)" -eq 0 ] || fail "running the image needs root (unshare, chroot); --config-only checks the configuration alone"
mkdir "$work/root"
for layer in $(jq -r '.[0].Layers[]' "$work/image/manifest.json"); do
  tar --numeric-owner --warning=no-unknown-keyword -xf "$work/image/$layer" -C "$work/root"
done
jq -r '.config.Env[]' "$config" > "$work/env"
mapfile -t entrypoint < <(jq -r '.config.Entrypoint[]' "$config")
echo "check-image: starting it as $user in new namespaces"
unshare --mount --pid --net --fork "$0" --inside "$work/root" "$user" "$work/env" "${entrypoint[@]}"
