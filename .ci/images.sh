#!/usr/bin/env bash
# Local images for the tests (no registry here). Owned by the sidecar work; filled in there.
set -euo pipefail
