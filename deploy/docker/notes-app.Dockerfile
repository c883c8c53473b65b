# syntax=docker/dockerfile:1
# The example socket app (examples/notes-app), from the project's own build output: its jar and
# the client libraries of the runtime (runtime/target/datafold/lib). Build from the repository root:
#   docker build -f deploy/docker/notes-app.Dockerfile -t datafold-notes-app .
# Same base image as the node (node.Dockerfile explains the choice); the layers with Java are shared.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*

# The app's user (uid 10002) is in the group of the app socket (gid 10100, as in the node image);
# that membership is all it has of the node.
RUN groupadd --gid 10002 notes \
 && groupadd --gid 10100 datafold-socket \
 && useradd --uid 10002 --gid notes --groups datafold-socket --no-create-home \
      --home-dir /var/lib/notes-app --shell /usr/sbin/nologin notes \
 && mkdir -p /var/lib/notes-app /run/datafold-socket \
 && chown notes:notes /var/lib/notes-app \
 && chmod 0700 /var/lib/notes-app

COPY --chown=root:root runtime/target/datafold/lib/ /opt/notes-app/lib/
COPY --chown=root:root examples/notes-app/target/notes-app.jar /opt/notes-app/notes-app.jar
COPY --chown=root:root --chmod=0755 deploy/docker/notes-app-entrypoint.sh /usr/local/bin/notes-app

# The app's key (its own volume), and the node's app socket folder (shared, read by group).
VOLUME ["/var/lib/notes-app", "/run/datafold-socket"]

ENV DATAFOLD_SOCKET=/run/datafold-socket/datafold.sock \
    NOTES_KEY=/var/lib/notes-app/notes.key \
    JAVA_OPTS="-Xmx64m -XX:MaxMetaspaceSize=64m -XX:TieredStopAtLevel=1"

# By name, so that the supplementary group datafold-socket applies (a uid:gid would drop it).
USER notes
WORKDIR /var/lib/notes-app

ENTRYPOINT ["/usr/local/bin/notes-app"]
CMD ["run"]
