#!/bin/sh
# Entry point of the notes app container.
#   notes-app keygen   make the app's key ($NOTES_KEY, mode 0600) once and print its public key,
#                      which the node's owner trusts: bin/datafold shell perm:trust <key> 0 notes
#   notes-app run      run the app against $DATAFOLD_SOCKET with that key
set -eu
# JAVA_OPTS: JVM options (the image sets small memory bounds), split on spaces.
CP="/opt/notes-app/lib/*:/opt/notes-app/notes-app.jar"
case "${1:-run}" in
  keygen)
    # shellcheck disable=SC2086
    exec java ${JAVA_OPTS:-} -cp "$CP" org.datafold.client.internal.cli.ClientCli keygen "$NOTES_KEY" ;;
  run)
    if [ ! -f "$NOTES_KEY" ]; then
      echo "notes-app: no key at $NOTES_KEY; make one with: docker compose run --rm notes-app keygen" >&2
      exit 2
    fi
    # shellcheck disable=SC2086
    exec java ${JAVA_OPTS:-} -cp "$CP" org.datafold.examples.notes.NotesApp "$NOTES_KEY" "$DATAFOLD_SOCKET" ;;
  *)
    echo "usage: notes-app [keygen|run]" >&2
    exit 64 ;;
esac
