#!/usr/bin/env bash
# Installs (once) and prints the AWS Lambda Runtime Interface Emulator that `tributary invoke` runs functions under:
# the one inside the SAM CLI wheel the project installs into .tools/ (about a minute the first time).
#
#   scripts/install-rie.sh          prints its path; `tributary invoke` finds it there by itself
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_rie
echo "$AWS_LAMBDA_RIE"
