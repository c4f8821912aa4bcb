#!/usr/bin/env bash
# The IAM and template security checks CI runs on template.yaml (docs/deploy.md, "Policy checks"):
#   1. scripts/lint_iam.py --self-test: the linter still reports an action scoped to a resource it
#      does not support (the rules-sync events:ListRules mistake of issue 11);
#   2. scripts/lint_iam.py: parliament on every IAM policy of the translated template; fails on any
#      finding not accepted in .ci/iam-allowlist.yaml;
#   3. checkov on the translated template; fails on any failed check not triaged in docs/deploy.md
#      ("Checkov findings"), so a new finding must be fixed or triaged, and a stale triage line goes.
# The tools live in a venv cached under ${XDG_CACHE_HOME:-$HOME/.cache}/freshet/, keyed by their
# pinned versions; a fresh machine installs them from PyPI once (about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."

PARLIAMENT_VERSION=1.6.4
SAM_TRANSLATOR_VERSION=1.115.0
CHECKOV_VERSION=3.3.30

venv="${XDG_CACHE_HOME:-$HOME/.cache}/freshet/iam-lint-parliament$PARLIAMENT_VERSION-samtranslator$SAM_TRANSLATOR_VERSION-checkov$CHECKOV_VERSION"
if [ ! -x "$venv/bin/checkov" ] || [ ! -f "$venv/.complete" ]; then
  echo "lint-iam: installing parliament $PARLIAMENT_VERSION, aws-sam-translator $SAM_TRANSLATOR_VERSION and checkov $CHECKOV_VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "parliament==$PARLIAMENT_VERSION" "aws-sam-translator==$SAM_TRANSLATOR_VERSION" "checkov==$CHECKOV_VERSION"
  touch "$venv/.complete"   # an interrupted install is redone, not half used
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$venv/bin/python" scripts/lint_iam.py --self-test
"$venv/bin/python" scripts/lint_iam.py --template template.yaml --allowlist .ci/iam-allowlist.yaml --translated "$work/translated.json"

# checkov exits 1 whenever a check fails; what matters is whether every failure is triaged.
"$venv/bin/checkov" -f "$work/translated.json" --framework cloudformation --skip-download --quiet --compact \
  -o json > "$work/checkov.json" 2> "$work/checkov.err" || true
"$venv/bin/python" scripts/lint_iam.py --checkov-report "$work/checkov.json" --triage docs/deploy.md \
  || { cat "$work/checkov.err" >&2; exit 1; }
