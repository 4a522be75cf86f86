#!/usr/bin/env bash
# Local images for the tests: no registry is reachable, so they are built here. Idempotent: an image that
# exists is kept (FAULTLINE_REBUILD_IMAGES=1 rebuilds).
#   faultline/busybox:local   FROM scratch + Debian's static busybox (httpd, sh, sleep, nc): container targets
#   faultline/stress-ng:local FROM scratch + Debian's static busybox, Debian's stress-ng and the libraries ldd names,
#                             /tmp (1777): the stress targets of Pumba's bats suite (it installs stress-ng in an alpine
#                             image with apk, from Alpine's registry)
#   faultline/jre-base:local  Debian bookworm minbase + openjdk-17-jre-headless, iproute2, iptables, stress-ng (util-linux
#                             brings nsenter): the base of the sidecar and sample service images
#   faultline/jre17-scratch:local, faultline/jre25-scratch:local
#                             FROM scratch: a jlinked JRE of the host's JDK 17 / Temurin 25 (FAULTLINE_JDK25_HOME) and
#                             the libraries it links, /tmp (1777), nothing else: no shell, no passwd, user 4321:4321.
#                             The JVM-attach targets (sidecar jvm ITs), as distroless as an image gets
set -euo pipefail
need() { [ "${FAULTLINE_REBUILD_IMAGES:-0}" = 1 ] || ! docker image inspect "$1" >/dev/null 2>&1; }

if need faultline/busybox:local; then
  dir=$(mktemp -d)
  cp /bin/busybox "$dir/busybox"
  cat > "$dir/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
CMD ["sh"]
DOCKERFILE
  docker build -q -t faultline/busybox:local "$dir" >/dev/null
  rm -rf "$dir"
  echo "built faultline/busybox:local"
fi

if need faultline/stress-ng:local; then
  root=$(mktemp -d)
  install -D /bin/busybox "$root/bin/busybox"
  for a in $("$root/bin/busybox" --list); do [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"; done
  install -D "$(command -v stress-ng)" "$root/usr/bin/stress-ng"
  ldd "$(command -v stress-ng)" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u \
    | while read -r lib; do cp -L --parents "$lib" "$root"; done
  install -d -m 1777 "$root/tmp"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/bin:/bin' -c 'CMD ["sh"]' - faultline/stress-ng:local >/dev/null
  rm -rf "$root"
  echo "built faultline/stress-ng:local"
fi

if need faultline/jre-base:local; then
  # the Debian mirror apt is configured with (deb822 .sources or a one-line sources.list), else deb.debian.org;
  # commented snapshot URLs are skipped: a snapshot mirror serves no current Release file
  apt_mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's|^URIs:[[:space:]]*\(http[^[:space:]]*/debian\)/*[[:space:]]*$|\1|p' | head -1 || true)
  [ -n "$apt_mirror" ] || apt_mirror=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '$3 ~ /^bookworm$/ && $2 ~ /\/debian\/?$/ {print $2; exit}' || true)
  mirror=${FAULTLINE_DEBIAN_MIRROR:-${apt_mirror:-http://deb.debian.org/debian}}
  root=$(mktemp -d)
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,iproute2,iptables,stress-ng bookworm "$root" "$mirror" >/tmp/faultline-debootstrap.log 2>&1 \
    || { echo "debootstrap failed:"; tail -20 /tmp/faultline-debootstrap.log; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - faultline/jre-base:local >/dev/null
  rm -rf "$root"
  echo "built faultline/jre-base:local"
fi

# jlink (not a copy: Debian's JDK links its conf into /etc) plus every library ldd names; tar + import keeps /tmp's mode
scratch_jre() { # tag jdk-home
  need "$1" || return 0
  local root; root=$(mktemp -d)
  "$2/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.net,jdk.naming.rmi,jdk.zipfs \
    --strip-debug --no-header-files --no-man-pages --output "$root/opt/java"
  find "$root/opt/java" \( -name '*.so' -o -path '*/bin/java' \) -exec ldd {} + 2>/dev/null \
    | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u \
    | grep -v "^$root/" | while read -r lib; do cp -L --parents "$lib" "$root"; done
  install -d -m 1777 "$root/tmp"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/opt/java/bin' -c 'USER 4321:4321' - "$1" >/dev/null
  rm -rf "$root"
  echo "built $1"
}
scratch_jre faultline/jre17-scratch:local "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
scratch_jre faultline/jre25-scratch:local "${FAULTLINE_JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
