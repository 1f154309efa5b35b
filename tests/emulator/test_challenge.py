"""The 401 challenge that resolves a subscription's tenant, and cross-tenant reads."""

from __future__ import annotations

import re

import pytest
import requests
from azure.core.exceptions import ClientAuthenticationError
from azure.mgmt.resource.subscriptions import SubscriptionClient

from tests.emulator.helpers import (
    FOREIGN_TENANT,
    HOME,
    PARTNER,
    SUB_FOREIGN,
    SUB_HOME,
    SUB_PARTNER,
    client_kwargs,
    credential,
)


def _bare_get(emu, subscription: str) -> requests.Response:
    return requests.get(
        f"{emu.arm_url}/subscriptions/{subscription}",
        params={"api-version": "2022-12-01"},
        verify=str(emu.ca_file),
        timeout=10,
    )


def _challenge_tenant(response: requests.Response) -> str:
    header = response.headers["WWW-Authenticate"]
    assert 'error="invalid_token"' in header
    match = re.search(r'authorization_uri="https://login\.windows\.net/([0-9a-f-]{36})"', header)
    assert match, header
    return match.group(1)


@pytest.mark.parametrize(
    ("subscription", "tenant"),
    [(SUB_HOME, HOME), (SUB_PARTNER, PARTNER), (SUB_FOREIGN, FOREIGN_TENANT)],
)
def test_tokenless_subscription_read_answers_401_naming_its_tenant(emu, subscription, tenant):
    response = _bare_get(emu, subscription)
    assert response.status_code == 401
    assert _challenge_tenant(response) == tenant


def test_tokenless_read_of_an_unknown_subscription_answers_404(emu):
    response = _bare_get(emu, "9d1e7c3a-0000-4000-8000-000000000404")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "SubscriptionNotFound"


def test_token_of_another_tenant_gets_401_invalid_authentication_token_tenant(emu):
    client = SubscriptionClient(credential(emu), **client_kwargs(emu))
    with pytest.raises(ClientAuthenticationError) as caught:
        client.subscriptions.get(SUB_PARTNER)
    assert caught.value.error.code == "InvalidAuthenticationTokenTenant"
    assert PARTNER in caught.value.response.headers["WWW-Authenticate"]


def test_token_not_issued_by_the_emulator_answers_401_invalid_authentication_token(emu):
    real = credential(emu).get_token("https://management.azure.com/.default").token
    header, payload, _ = real.split(".")
    response = requests.get(
        f"{emu.arm_url}/subscriptions/{SUB_HOME}",
        params={"api-version": "2022-12-01"},
        headers={"Authorization": f"Bearer {header}.{payload}.forged"},
        verify=str(emu.ca_file),
        timeout=10,
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"
