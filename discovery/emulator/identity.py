"""The Entra ID side: OIDC discovery and the client-credentials token endpoint.

Only what MSAL (inside azure-identity's ClientSecretCredential) needs: the
openid-configuration document (issuer, authorization and token endpoints)
and `/{tenant}/oauth2/v2.0/token` with error answers shaped like AAD's.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from discovery.emulator.estate import Estate
from discovery.emulator.replies import Reply
from discovery.emulator.settings import EmulatorSettings
from discovery.emulator.tokens import TokenAuthority


def _aad_error(status: int, error: str, code: int, text: str) -> Reply:
    return Reply(
        status,
        orjson.dumps(
            {"error": error, "error_description": f"AADSTS{code}: {text}", "error_codes": [code]}
        ),
    )


class Identity:
    def __init__(
        self,
        estate: Estate,
        settings: EmulatorSettings,
        *,
        home_tenant: str,
        token_tenants: set[str],
        client_id: str,
        client_secret: str,
        tokens: TokenAuthority,
    ) -> None:
        self.estate = estate
        self.settings = settings
        self.home_tenant = home_tenant
        self.token_tenants = token_tenants
        self.client_id = client_id
        self.client_secret = client_secret
        self.tokens = tokens

    async def handle(self, request: web.Request, segments: list[str], base_url: str) -> Reply:
        tenant_name = request.path.split("/")[1]
        tenant = self.estate.tenant_by_name(tenant_name) or (
            tenant_name.lower() if tenant_name.lower() == self.home_tenant else None
        )
        if tenant is None:
            return Reply(
                400,
                orjson.dumps(
                    {
                        "error": "invalid_tenant",
                        "error_description": f"AADSTS90002: Tenant '{tenant_name}' not found.",
                        "error_codes": [90002],
                    }
                ),
            )
        if segments[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            if request.method != "GET":
                return Reply(405, b'{"error":"invalid_request"}')
            return Reply(200, orjson.dumps(self._configuration(f"{base_url}/{tenant}")))
        if segments[1:] == ["oauth2", "v2.0", "token"] and request.method == "POST":
            return self._token(tenant, await request.post(), base_url)
        return Reply(404, b'{"error":"not_found"}')

    @staticmethod
    def _configuration(base: str) -> dict[str, Any]:
        return {
            "issuer": f"{base}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "code id_token", "token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "tenant_region_scope": "EU",
        }

    def _token(self, tenant: str, form: Any, base_url: str) -> Reply:
        if form.get("grant_type") != "client_credentials":
            return _aad_error(
                400, "unsupported_grant_type", 70003, "The grant type is not supported."
            )
        client_id = form.get("client_id")
        if client_id != self.client_id:
            return _aad_error(
                401,
                "invalid_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{tenant}'.",
            )
        if form.get("client_secret") != self.client_secret:
            return _aad_error(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is "
                "the client secret value, not the client secret ID, for a secret added to app "
                f"'{client_id}'.",
            )
        if tenant not in self.token_tenants:
            return _aad_error(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{tenant}'. This can happen if the application has not been installed by the "
                "administrator of the tenant.",
            )
        scope = str(form.get("scope") or "")
        audience = scope.split(" ")[0].removesuffix("/.default") or base_url
        lifetime = self.settings.tokenLifetimeSeconds
        reported = self.settings.tokenReportedLifetimeSeconds or lifetime
        token = self.tokens.issue(tenant, lifetime, audience)
        body = {
            "token_type": "Bearer",
            "expires_in": reported,
            "ext_expires_in": reported,
            "access_token": token,
        }
        return Reply(200, orjson.dumps(body), tenant=tenant)
