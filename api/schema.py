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
