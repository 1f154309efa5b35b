"""Token endpoints, and how the tenant a token names decides what a caller sees."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.mgmt.resource.subscriptions import SubscriptionClient

from discovery.emulator import running_emulator
from tests.emulator.helpers import (
    ARM_SCOPE,
    CUSTOMER,
    HOME,
    MANAGED_BY,
    PROJECTED,
    SUB_DELEGATED,
    SUB_HOME,
    SUB_PARTNER,
    client_kwargs,
    credential,
)


def _claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_token_names_the_tenant_it_was_issued_for(emu):
    token = credential(emu).get_token(ARM_SCOPE)
    claims = _claims(token.token)
    assert claims["tid"] == HOME
    assert int(str(claims["exp"])) == token.expires_on


def test_home_token_lists_own_and_lighthouse_delegated_subscriptions_only(emu):
    client = SubscriptionClient(credential(emu), **client_kwargs(emu))
    listed = {s.subscription_id: s for s in client.subscriptions.list()}
    assert set(listed) == {SUB_HOME, SUB_DELEGATED}
    assert SUB_PARTNER not in listed
    assert [t.tenant_id for t in listed[SUB_DELEGATED].managed_by_tenants] == [HOME]


def test_token_for_a_second_home_tenant_sees_that_tenants_subscriptions_only(make_estate):
    second_home = {"id": f"/tenants/{CUSTOMER}", "tenantId": CUSTOMER, "tenantCategory": "Home"}
    with running_emulator(make_estate(extra_tenants=[second_home])) as emu:
        client = SubscriptionClient(credential(emu, tenant=CUSTOMER), **client_kwargs(emu))
        assert [s.subscription_id for s in client.subscriptions.list()] == [SUB_DELEGATED]
        assert client.subscriptions.get(SUB_DELEGATED).tenant_id == CUSTOMER
        listing = [r for r in emu.request_log() if r["path"] == "/subscriptions"]
        assert listing[0]["tenant"] == CUSTOMER


def test_tenants_list_returns_every_tenant_of_the_estate_with_its_category(emu):
    client = SubscriptionClient(credential(emu), **client_kwargs(emu))
    categories = {t.tenant_id: t.tenant_category for t in client.tenants.list()}
    assert categories == {HOME: "Home", PROJECTED: "ProjectedBy", MANAGED_BY: "ManagedBy"}


def test_lighthouse_tenant_issues_no_token_to_the_principal(emu):
    with pytest.raises(ClientAuthenticationError, match="AADSTS700016"):
        credential(emu, tenant=PROJECTED).get_token(ARM_SCOPE)


def test_wrong_client_secret_gets_401_invalid_client_from_the_token_endpoint(emu):
    with pytest.raises(ClientAuthenticationError, match="AADSTS7000215"):
        credential(emu, secret="not-the-secret").get_token(ARM_SCOPE)
    token_calls = [r for r in emu.request_log() if r["path"].endswith("/oauth2/v2.0/token")]
    assert [r["status"] for r in token_calls] == [401]


def test_principal_tenant_in_emulator_json_decides_the_home_tenant(make_estate):
    with running_emulator(make_estate(emulator={"principal": {"tenantId": PROJECTED}})) as emu:
        assert emu.tenant_id == PROJECTED
        assert _claims(credential(emu).get_token(ARM_SCOPE).token)["tid"] == PROJECTED


def test_expired_token_gets_401_expired_authentication_token(make_estate: Callable[..., Path]):
    knobs = {"tokenLifetimeSeconds": 1, "tokenReportedLifetimeSeconds": 3600}
    with running_emulator(make_estate(emulator=knobs)) as emu:
        client = SubscriptionClient(credential(emu), **client_kwargs(emu))
        assert client.subscriptions.get(SUB_HOME).subscription_id == SUB_HOME
        time.sleep(1.2)
        with pytest.raises(ClientAuthenticationError) as caught:
            client.subscriptions.get(SUB_HOME)
        assert caught.value.error.code == "ExpiredAuthenticationToken"


def test_short_lived_tokens_are_renewed_by_the_unmodified_sdk(make_estate):
    with running_emulator(make_estate(emulator={"tokenLifetimeSeconds": 1})) as emu:
        client = SubscriptionClient(credential(emu), **client_kwargs(emu))
        assert client.subscriptions.get(SUB_HOME).subscription_id == SUB_HOME
        time.sleep(1.1)
        assert client.subscriptions.get(SUB_HOME).subscription_id == SUB_HOME
        statuses = [
            r["status"] for r in emu.request_log() if r["path"].startswith("/subscriptions")
        ]
        token_calls = [r for r in emu.request_log() if r["path"].endswith("/token")]
        assert statuses == [200, 200]
        assert len(token_calls) == 2
