#!/bin/sh
# The team's engine launcher; here it runs the worker servewright ships (its path first).
echo "my-engine launcher: starting $(basename "$1")"
exec node "$@"
