#!/usr/bin/env bash
# Builds a container base image for the -Pimage profile from Debian's packages alone, for
# machines that reach Debian's mirrors but no container registry: a minimal Debian 12
# (bookworm) root with openjdk-17-jre-headless, made by debootstrap, written as a
# `docker save`-style tarball (manifest.json, config, one layer) that Jib takes as
# `tar://` base image. Needs root (debootstrap) and debootstrap itself
# (`apt-get install debootstrap`).
#
#   scripts/build-base-image.sh [OUTPUT.tar]      default: target/membership-base.tar
#   mvn -B -Pimage package -pl infra -am -Djib.from.image=tar://$PWD/target/membership-base.tar
#
# With registry access the profile's default base (a Temurin JRE image) needs none of this.
set -euo pipefail

output="${1:-target/membership-base.tar}"
suite="${MEMBERSHIP_BASE_SUITE:-bookworm}"
mirror="${MEMBERSHIP_BASE_MIRROR:-http://deb.debian.org/debian}"
java_home=/usr/lib/jvm/java-17-openjdk-amd64

if [ "$(id -u)" -ne 0 ]; then
  echo "build-base-image: debootstrap needs root; run it with sudo" >&2
  exit 1
fi
command -v debootstrap >/dev/null || { echo "build-base-image: install debootstrap first (apt-get install debootstrap)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"

# minbase: essential packages and apt only; the JRE and the CA certificates on top.
debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates "$suite" "$root" "$mirror"
test -x "$root$java_home/bin/java"
# Nothing that only apt or a running system needs: package lists, caches, logs, and the
# mounts debootstrap leaves behind.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
  "$root"/var/log/* "$root"/tmp/* "$root"/proc/* "$root"/sys/* "$root"/dev/*

mkdir -p "$work/image"
# Numeric owners and a fixed modification time: the same packages give the same layer.
tar --numeric-owner --sort=name --mtime='2000-01-01 00:00:00Z' -C "$root" -cf "$work/image/layer.tar" .
layer_digest="$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)"
cat > "$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home","LANG=C.UTF-8"]},"rootfs":{"type":"layers","diff_ids":["sha256:$layer_digest"]},"history":[{"created_by":"scripts/build-base-image.sh: debootstrap --variant=minbase $suite with openjdk-17-jre-headless"}]}
JSON
config_digest="$(sha256sum "$work/image/config.json" | cut -d' ' -f1)"
mv "$work/image/config.json" "$work/image/$config_digest.json"
cat > "$work/image/manifest.json" <<JSON
[{"Config":"$config_digest.json","RepoTags":["membership-base:$suite-jre17"],"Layers":["layer.tar"]}]
JSON

mkdir -p "$(dirname "$output")"
tar -C "$work/image" -cf "$output" manifest.json "$config_digest.json" layer.tar
echo "build-base-image: wrote $output (membership-base:$suite-jre17, $(du -h "$output" | cut -f1))"
