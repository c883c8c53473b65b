#!/bin/sh
# Entry point of the node container: the root filesystem is read-only, so the node's run/ (admin
# socket, pid), logs/ and framework cache/ are links into /tmp (a tmpfs); make their targets, then
# run the node in the foreground (SIGTERM stops it cleanly).
set -eu
umask 077
mkdir -p /tmp/datafold/run /tmp/datafold/logs /tmp/datafold/cache
exec /opt/datafold/bin/datafold run
