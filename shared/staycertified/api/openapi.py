"""Print the OpenAPI document: `python -m staycertified.api.openapi > docs/openapi.json`."""

from __future__ import annotations

import sys

from staycertified.api.resolver import openapi_document

if __name__ == "__main__":
    sys.stdout.write(openapi_document())
