#!/usr/bin/env bash
# Deploys a stage, then applies the database migrations with the stage's migrate function.
# Usage: npm run deploy -- --stage dev [--region eu-west-1]
# Any failure (the stack update, or a migration) ends the script with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."

npx sls deploy "$@"
echo "Applying database migrations..."
# `sls invoke` fails when the function reports an error, so a failed migration fails the deploy.
npx sls invoke --function migrate --log "$@"
