# syntax=docker/dockerfile:1
# The DataFold node, from the project's own build output (runtime/target/datafold).
# Build from the repository root after `mvn -B verify` (or package):
#   docker build -f deploy/docker/node.Dockerfile -t datafold-node .
# Run it with deploy/docker/compose.yaml, which adds what an image cannot carry: read-only root
# filesystem, no capabilities, no new privileges, no network, resource limits (docs/containers.md).
#
# Base image: Debian 12 (bookworm) slim with Debian's OpenJDK 17 runtime: the same distribution and
# Java the project is built and tested on, security updates from Debian, nothing fetched at build
# time but the base image and Debian packages. Override with --build-arg BASE_IMAGE=... to pin a
# digest (debian:bookworm-slim@sha256:...).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

# Java (headless runtime) and bash (bin/datafold); no recommends, lists removed afterwards.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless bash \
 && rm -rf /var/lib/apt/lists/*

# Users: the node (uid 10001) and a group for the app socket (gid 10100) that it shares with the
# users of the app containers. The node user belongs to it so that it may give it to the socket.
RUN groupadd --gid 10001 datafold \
 && groupadd --gid 10100 datafold-socket \
 && useradd --uid 10001 --gid datafold --groups datafold-socket --no-create-home \
      --home-dir /opt/datafold --shell /usr/sbin/nologin datafold

# The assembled runtime (without any data, sockets, logs or framework cache of a local run: see
# node.Dockerfile.dockerignore), owned by root and read-only for the node.
COPY --chown=root:root runtime/target/datafold /opt/datafold
COPY --chown=root:root --chmod=0755 deploy/docker/node-entrypoint.sh /usr/local/bin/datafold-node

# The app socket in a folder of its own, the volume shared with the apps (mode 0750, group
# datafold-socket; the socket itself 0660). The admin socket stays in run/, never shared.
RUN sed -i \
      -e 's|^path = .*|path = /run/datafold-socket/datafold.sock|' \
      -e 's|^group =.*|group = datafold-socket|' \
      /opt/datafold/etc/org.datafold.transport.uds.cfg \
 && grep -q '^path = /run/datafold-socket/datafold.sock$' /opt/datafold/etc/org.datafold.transport.uds.cfg \
 && grep -q '^group = datafold-socket$' /opt/datafold/etc/org.datafold.transport.uds.cfg \
 && rm -rf /opt/datafold/data /opt/datafold/run /opt/datafold/logs /opt/datafold/cache \
 && ln -s /tmp/datafold/run /opt/datafold/run \
 && ln -s /tmp/datafold/logs /opt/datafold/logs \
 && ln -s /tmp/datafold/cache /opt/datafold/cache \
 && mkdir -p /var/lib/datafold /run/datafold-socket \
 && chown datafold:datafold /var/lib/datafold \
 && chmod 0700 /var/lib/datafold \
 && chown datafold:datafold-socket /run/datafold-socket \
 && chmod 0750 /run/datafold-socket

# The data folder (node only) and the app socket folder (shared with the apps).
VOLUME ["/var/lib/datafold", "/run/datafold-socket"]

ENV DATAFOLD_DATA=/var/lib/datafold \
    DATAFOLD_SOCKET=/run/datafold-socket/datafold.sock

# By name, so that the supplementary group datafold-socket applies (a uid:gid would drop it).
USER datafold
WORKDIR /opt/datafold

# Ready when the node says so over its admin socket (what `bin/datafold start` waits for).
HEALTHCHECK --interval=15s --timeout=20s --start-period=60s --retries=3 \
  CMD ["/opt/datafold/bin/datafold", "shell", "--wait", "10", "fold:status"]

ENTRYPOINT ["/usr/local/bin/datafold-node"]
