"""The sample estate's prod-web subscription: load balancer, application gateway."""

from __future__ import annotations

from discovery.estates.arm import child, ref, resource, stable_guid
from discovery.estates.sample_source.builder import Estate
from discovery.estates.sample_source.ids import (
    HUB_VNET,
    WEB,
    WEB_VNET,
    WEU,
    N,
    net_id,
    vm_resource_id,
)


def add_web(e: Estate) -> None:
    """The prod-web subscription: load balancer, application gateway."""
    s, rg = WEB, "rg-network"
    web_rg = "rg-web"
    nsg_web = e.nsg(
        s,
        rg,
        "nsg-web",
        [
            dict(name="allow-lb-https-backend", priority=100, source="Internet", ports="8443"),
            dict(
                name="allow-rdp-admins",
                priority=110,
                source="*",
                ports="3389",
                description="opened during migration",
            ),
            dict(
                name="deny-smb-internet",
                priority=90,
                access="Deny",
                source="Internet",
                ports=["139", "445"],
            ),
        ],
    )
    nsg_agw = e.nsg(
        s,
        rg,
        "nsg-appgw",
        [
            dict(
                name="allow-gateway-manager",
                priority=100,
                source="GatewayManager",
                ports="65200-65535",
            ),
            dict(name="allow-web-internet", priority=110, source="Internet", ports=["80", "443"]),
        ],
    )
    e.vnet(
        s,
        rg,
        "vnet-web",
        "10.2.0.0/16",
        [("snet-appgw", "10.2.0.0/24", nsg_agw, None), ("snet-web", "10.2.1.0/24", nsg_web, None)],
        peerings=[
            Estate.peering("peer-web-to-hub", HUB_VNET, ["10.0.0.0/16"], use_remote_gateways=True)
        ],
    )
    lb = net_id(s, web_rg, "loadBalancers", "lb-web")
    fe = f"{lb}/frontendIPConfigurations/fe-web"
    pool = f"{lb}/backendAddressPools/be-web"
    lb_rule = f"{lb}/loadBalancingRules/lbr-https"
    nat_rule = f"{lb}/inboundNatRules/nat-rdp-web-01"
    probe = f"{lb}/probes/probe-8443"
    pip_lb = e.public_ip(
        s, web_rg, "pip-lb-web", "20.61.30.6", attached_to=fe, fqdn_label="contoso-web"
    )
    web_nics = []
    for index, name in enumerate(("web-01", "web-02")):
        vm_id = vm_resource_id(s, web_rg, name)
        nic_id = net_id(s, web_rg, "networkInterfaces", f"nic-{name}")
        web_nics.append(f"{nic_id}/ipConfigurations/ipconfig1")
        e.nic(
            s,
            web_rg,
            f"nic-{name}",
            [
                dict(
                    name="ipconfig1",
                    ip=f"10.2.1.{4 + index}",
                    subnet=f"{WEB_VNET}/subnets/snet-web",
                    pools=[pool],
                    nat_rules=[nat_rule] if index == 0 else None,
                )
            ],
            vm=vm_id,
        )
        e.vm(s, web_rg, name, [nic_id], os="Windows")
    e.add(
        resource(
            lb,
            f"{N}/loadBalancers",
            WEU,
            {
                "backendAddressPools": [
                    child(
                        lb,
                        "backendAddressPools",
                        "be-web",
                        f"{N}/loadBalancers/backendAddressPools",
                        backendIPConfigurations=[ref(x) for x in web_nics],
                        loadBalancingRules=[ref(lb_rule)],
                    ),
                ],
                "frontendIPConfigurations": [
                    child(
                        lb,
                        "frontendIPConfigurations",
                        "fe-web",
                        f"{N}/loadBalancers/frontendIPConfigurations",
                        inboundNatRules=[ref(nat_rule)],
                        loadBalancingRules=[ref(lb_rule)],
                        privateIPAllocationMethod="Dynamic",
                        publicIPAddress=ref(pip_lb),
                    ),
                ],
                "inboundNatPools": [],
                "inboundNatRules": [
                    child(
                        lb,
                        "inboundNatRules",
                        "nat-rdp-web-01",
                        f"{N}/loadBalancers/inboundNatRules",
                        backendIPConfiguration=ref(web_nics[0]),
                        backendPort=3389,
                        enableFloatingIP=False,
                        enableTcpReset=False,
                        frontendIPConfiguration=ref(fe),
                        frontendPort=50001,
                        idleTimeoutInMinutes=4,
                        protocol="Tcp",
                    ),
                ],
                "loadBalancingRules": [
                    child(
                        lb,
                        "loadBalancingRules",
                        "lbr-https",
                        f"{N}/loadBalancers/loadBalancingRules",
                        backendAddressPool=ref(pool),
                        backendAddressPools=[ref(pool)],
                        backendPort=8443,
                        disableOutboundSnat=True,
                        enableFloatingIP=False,
                        enableTcpReset=True,
                        frontendIPConfiguration=ref(fe),
                        frontendPort=443,
                        idleTimeoutInMinutes=4,
                        loadDistribution="Default",
                        probe=ref(probe),
                        protocol="Tcp",
                    ),
                ],
                "outboundRules": [],
                "probes": [
                    child(
                        lb,
                        "probes",
                        "probe-8443",
                        f"{N}/loadBalancers/probes",
                        intervalInSeconds=5,
                        loadBalancingRules=[ref(lb_rule)],
                        numberOfProbes=1,
                        port=8443,
                        probeThreshold=1,
                        protocol="Tcp",
                    ),
                ],
                "resourceGuid": stable_guid("guid", lb),
            },
            sku={"name": "Standard", "tier": "Regional"},
        )
    )
    agw = net_id(s, web_rg, "applicationGateways", "agw-web")
    pip_agw = e.public_ip(
        s,
        web_rg,
        "pip-agw-web",
        "20.61.30.5",
        attached_to=f"{agw}/frontendIPConfigurations/appGwPublicFrontendIp",
    )
    agw_fip = f"{agw}/frontendIPConfigurations/appGwPublicFrontendIp"
    e.add(
        resource(
            agw,
            f"{N}/applicationGateways",
            WEU,
            {
                "authenticationCertificates": [],
                "backendAddressPools": [
                    child(
                        agw,
                        "backendAddressPools",
                        "pool-web",
                        f"{N}/applicationGateways/backendAddressPools",
                        backendAddresses=[{"ipAddress": "10.2.1.4"}, {"ipAddress": "10.2.1.5"}],
                    ),
                ],
                "backendHttpSettingsCollection": [
                    child(
                        agw,
                        "backendHttpSettingsCollection",
                        "https-8443",
                        f"{N}/applicationGateways/backendHttpSettingsCollection",
                        cookieBasedAffinity="Disabled",
                        pickHostNameFromBackendAddress=False,
                        port=8443,
                        protocol="Https",
                        requestTimeout=30,
                    ),
                ],
                "enableHttp2": True,
                "frontendIPConfigurations": [
                    child(
                        agw,
                        "frontendIPConfigurations",
                        "appGwPublicFrontendIp",
                        f"{N}/applicationGateways/frontendIPConfigurations",
                        privateIPAllocationMethod="Dynamic",
                        publicIPAddress=ref(pip_agw),
                    ),
                ],
                "frontendPorts": [
                    child(
                        agw,
                        "frontendPorts",
                        "port_443",
                        f"{N}/applicationGateways/frontendPorts",
                        port=443,
                    ),
                    child(
                        agw,
                        "frontendPorts",
                        "port_80",
                        f"{N}/applicationGateways/frontendPorts",
                        port=80,
                    ),
                ],
                "gatewayIPConfigurations": [
                    child(
                        agw,
                        "gatewayIPConfigurations",
                        "appGatewayIpConfig",
                        f"{N}/applicationGateways/gatewayIPConfigurations",
                        subnet=ref(f"{WEB_VNET}/subnets/snet-appgw"),
                    ),
                ],
                "httpListeners": [
                    child(
                        agw,
                        "httpListeners",
                        "listener-https",
                        f"{N}/applicationGateways/httpListeners",
                        frontendIPConfiguration=ref(agw_fip),
                        frontendPort=ref(f"{agw}/frontendPorts/port_443"),
                        hostNames=[],
                        protocol="Https",
                        requireServerNameIndication=False,
                        sslCertificate=ref(f"{agw}/sslCertificates/cert-contoso-web"),
                    ),
                    child(
                        agw,
                        "httpListeners",
                        "listener-http",
                        f"{N}/applicationGateways/httpListeners",
                        frontendIPConfiguration=ref(agw_fip),
                        frontendPort=ref(f"{agw}/frontendPorts/port_80"),
                        hostNames=[],
                        protocol="Http",
                        requireServerNameIndication=False,
                    ),
                ],
                "operationalState": "Running",
                "probes": [],
                "redirectConfigurations": [],
                "requestRoutingRules": [
                    child(
                        agw,
                        "requestRoutingRules",
                        "rule-https",
                        f"{N}/applicationGateways/requestRoutingRules",
                        backendAddressPool=ref(f"{agw}/backendAddressPools/pool-web"),
                        backendHttpSettings=ref(f"{agw}/backendHttpSettingsCollection/https-8443"),
                        httpListener=ref(f"{agw}/httpListeners/listener-https"),
                        priority=100,
                        ruleType="Basic",
                    ),
                    child(
                        agw,
                        "requestRoutingRules",
                        "rule-http",
                        f"{N}/applicationGateways/requestRoutingRules",
                        backendAddressPool=ref(f"{agw}/backendAddressPools/pool-web"),
                        backendHttpSettings=ref(f"{agw}/backendHttpSettingsCollection/https-8443"),
                        httpListener=ref(f"{agw}/httpListeners/listener-http"),
                        priority=110,
                        ruleType="Basic",
                    ),
                ],
                "resourceGuid": stable_guid("guid", agw),
                "rewriteRuleSets": [],
                "sku": {
                    "capacity": 2,
                    "family": "Generation_1",
                    "name": "Standard_v2",
                    "tier": "Standard_v2",
                },
                "sslCertificates": [
                    child(
                        agw,
                        "sslCertificates",
                        "cert-contoso-web",
                        f"{N}/applicationGateways/sslCertificates",
                        publicCertData="MIIDfTCCAmWgAwIBAgIQEXAMPLEONLYcontosoWebCert",
                    ),
                ],
                "trustedRootCertificates": [],
                "urlPathMaps": [],
            },
            zones=["1", "2", "3"],
        )
    )

    # a second gateway, WAF_v2 with a policy in Detection mode: exposed, with "waf": "detection"
    agw_api = net_id(s, web_rg, "applicationGateways", "agw-api")
    waf_policy = net_id(s, web_rg, "ApplicationGatewayWebApplicationFirewallPolicies", "wafp-api")
    agw_api_fip = f"{agw_api}/frontendIPConfigurations/appGwPublicFrontendIp"
    pip_agw_api = e.public_ip(s, web_rg, "pip-agw-api", "20.61.30.7", attached_to=agw_api_fip)
    e.add(
        resource(
            waf_policy,
            f"{N}/ApplicationGatewayWebApplicationFirewallPolicies",
            WEU,
            {
                "applicationGateways": [ref(agw_api)],
                "customRules": [],
                "managedRules": {
                    "exclusions": [],
                    "managedRuleSets": [
                        {"ruleGroupOverrides": [], "ruleSetType": "OWASP", "ruleSetVersion": "3.2"}
                    ],
                },
                "policySettings": {
                    "fileUploadLimitInMb": 100,
                    "maxRequestBodySizeInKb": 128,
                    "mode": "Detection",
                    "requestBodyCheck": True,
                    "state": "Enabled",
                },
                "resourceState": "Enabled",
            },
        )
    )
    e.add(
        resource(
            agw_api,
            f"{N}/applicationGateways",
            WEU,
            {
                "backendAddressPools": [
                    child(
                        agw_api,
                        "backendAddressPools",
                        "pool-api",
                        f"{N}/applicationGateways/backendAddressPools",
                        backendAddresses=[{"ipAddress": "10.2.1.5"}],
                    ),
                ],
                "backendHttpSettingsCollection": [
                    child(
                        agw_api,
                        "backendHttpSettingsCollection",
                        "https-8443",
                        f"{N}/applicationGateways/backendHttpSettingsCollection",
                        cookieBasedAffinity="Disabled",
                        port=8443,
                        protocol="Https",
                        requestTimeout=30,
                    ),
                ],
                "firewallPolicy": ref(waf_policy),
                "frontendIPConfigurations": [
                    child(
                        agw_api,
                        "frontendIPConfigurations",
                        "appGwPublicFrontendIp",
                        f"{N}/applicationGateways/frontendIPConfigurations",
                        privateIPAllocationMethod="Dynamic",
                        publicIPAddress=ref(pip_agw_api),
                    ),
                ],
                "frontendPorts": [
                    child(
                        agw_api,
                        "frontendPorts",
                        "port_443",
                        f"{N}/applicationGateways/frontendPorts",
                        port=443,
                    ),
                ],
                "gatewayIPConfigurations": [
                    child(
                        agw_api,
                        "gatewayIPConfigurations",
                        "appGatewayIpConfig",
                        f"{N}/applicationGateways/gatewayIPConfigurations",
                        subnet=ref(f"{WEB_VNET}/subnets/snet-appgw"),
                    ),
                ],
                "httpListeners": [
                    child(
                        agw_api,
                        "httpListeners",
                        "listener-https",
                        f"{N}/applicationGateways/httpListeners",
                        frontendIPConfiguration=ref(agw_api_fip),
                        frontendPort=ref(f"{agw_api}/frontendPorts/port_443"),
                        hostNames=["api.contoso.example"],
                        protocol="Https",
                        requireServerNameIndication=True,
                        sslCertificate=ref(f"{agw_api}/sslCertificates/cert-contoso-api"),
                    ),
                ],
                "operationalState": "Running",
                "requestRoutingRules": [
                    child(
                        agw_api,
                        "requestRoutingRules",
                        "rule-https",
                        f"{N}/applicationGateways/requestRoutingRules",
                        backendAddressPool=ref(f"{agw_api}/backendAddressPools/pool-api"),
                        backendHttpSettings=ref(
                            f"{agw_api}/backendHttpSettingsCollection/https-8443"
                        ),
                        httpListener=ref(f"{agw_api}/httpListeners/listener-https"),
                        priority=100,
                        ruleType="Basic",
                    ),
                ],
                "resourceGuid": stable_guid("guid", agw_api),
                "sku": {
                    "capacity": 2,
                    "family": "Generation_1",
                    "name": "WAF_v2",
                    "tier": "WAF_v2",
                },
                "sslCertificates": [
                    child(
                        agw_api,
                        "sslCertificates",
                        "cert-contoso-api",
                        f"{N}/applicationGateways/sslCertificates",
                        publicCertData="MIIDfTCCAmWgAwIBAgIQEXAMPLEONLYcontosoApiCert",
                    ),
                ],
            },
            zones=["1", "2", "3"],
        )
    )
