"""The launch protocol: OIDC login initiation, id_token validation, JWKS endpoint."""
