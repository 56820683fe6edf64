#!/usr/bin/env bash
# Validates schema/openapi.yaml as OpenAPI 3.1, installing openapi-spec-validator from PyPI if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install --user --quiet openapi-spec-validator
python3 - <<'PY'
import sys, yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
try:
    with open("schema/openapi.yaml") as f:
        spec = yaml.safe_load(f)
except yaml.YAMLError as e:
    sys.exit(f"schema/openapi.yaml is not YAML: {e}")
if not str(spec.get("openapi", "")).startswith("3.1"):
    sys.exit("schema/openapi.yaml: openapi must be 3.1.x")
try:
    validate(spec)
except OpenAPIValidationError as e:
    sys.exit(f"schema/openapi.yaml is not valid OpenAPI 3.1: {e}")
print("schema/openapi.yaml: valid OpenAPI 3.1")
PY
