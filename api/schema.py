from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PartnerKeyAuthentication"
    name = "partnerKey"
    # Anonymous requests are welcome too: the key only changes the client's rate limit.
    optional = True

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A partner\'s key, sent as "Api-Key <key>", for its own rate limit.',
        }


ERROR_COMPONENTS = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrors": {
        "type": "object",
        "description": "Each rejected query parameter with what is wrong with it.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
}


def _response(description: str, component: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def document_error_responses(result, generator, request, public):
    """Every operation's error answers, so clients (and schemathesis) know them: a rejected
    parameter, an unknown key, the rate limit, and a missing object or page."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_COMPONENTS)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses["400"] = _response(
                "A query parameter is unknown or its value is invalid.", "ValidationErrors"
            )
            responses["401"] = _response("The API key sent is not known.", "Error")
            responses["429"] = _response(
                "Too many requests: wait as many seconds as Retry-After says.", "Error"
            )
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] in ("path", "query")}
            kinds = {p["in"] for p in operation.get("parameters", [])}
            if "path" in kinds or "page" in names:
                responses["404"] = _response("No published object here, or no such page.", "Error")
    return result
