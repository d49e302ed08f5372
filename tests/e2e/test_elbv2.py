"""Elastic Load Balancing v2 (application load balancers) through the real `aws elbv2` CLI,
boto3 and raw signed Query requests: every operation's lifecycle, pagination, tags, the
default rule, SetRulePriorities, and refused requests, each followed by a check that
nothing changed."""
import json
import re
import urllib.parse

import pytest

from wire import client_error, error_code, send, signed_headers

ACCOUNT = "000000000000"
ARN_ID = r"[0-9a-f]{16}"
SUBNETS = ["subnet-us-east-1a", "subnet-us-east-1b"]


@pytest.fixture
def elb(server):
    return server.boto3("elbv2")


@pytest.fixture
def loose(server):
    """A client without botocore's own parameter checks, to reach the server's."""
    return server.boto3("elbv2", parameter_validation=False)


def configuration(elb):
    """Everything the API shows, for 'nothing changed' checks."""
    balancers = elb.describe_load_balancers()["LoadBalancers"]
    groups = elb.describe_target_groups()["TargetGroups"]
    state = {"balancers": balancers, "groups": groups, "listeners": {}, "rules": {}, "attributes": {},
             "health": {}, "tags": {}}
    for balancer in balancers:
        arn = balancer["LoadBalancerArn"]
        state["attributes"][arn] = elb.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
        listeners = elb.describe_listeners(LoadBalancerArn=arn)["Listeners"]
        state["listeners"][arn] = listeners
        for listener in listeners:
            rules = elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
            state["rules"][listener["ListenerArn"]] = rules
            arns = [listener["ListenerArn"]] + [rule["RuleArn"] for rule in rules]
            state["tags"].update({d["ResourceArn"]: d["Tags"] for d in elb.describe_tags(ResourceArns=arns)["TagDescriptions"]})
    for group in groups:
        arn = group["TargetGroupArn"]
        state["attributes"][arn] = elb.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
        state["health"][arn] = elb.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    arns = [b["LoadBalancerArn"] for b in balancers] + [g["TargetGroupArn"] for g in groups]
    for start in range(0, len(arns), 20):
        for description in elb.describe_tags(ResourceArns=arns[start:start + 20])["TagDescriptions"]:
            state["tags"][description["ResourceArn"]] = description["Tags"]
    return state


def refused(elb, code, function, *args, **kwargs):
    """Calls an operation that must fail with `code`, checks that nothing changed, returns the message."""
    before = configuration(elb)
    error = client_error(function, *args, **kwargs)
    assert error.response["Error"]["Code"] == code, error.response["Error"]
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert configuration(elb) == before
    return error.response["Error"]["Message"]


def create_balancer(elb, name="web", subnets=SUBNETS, **kwargs):
    return elb.create_load_balancer(Name=name, Subnets=subnets, **kwargs)["LoadBalancers"][0]


def create_group(elb, name="blue", port=8080, target_type="ip", **kwargs):
    return elb.create_target_group(
        Name=name, Protocol="HTTP", Port=port, VpcId="vpc-1", TargetType=target_type, **kwargs)["TargetGroups"][0]


def forward(group):
    return [{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}]


@pytest.fixture
def site(elb):
    """A load balancer with an HTTP listener on port 80 forwarding to target group blue, and green unused."""
    balancer = create_balancer(elb)
    blue = create_group(elb, "blue")
    green = create_group(elb, "green", port=9090)
    listener = elb.create_listener(
        LoadBalancerArn=balancer["LoadBalancerArn"], Protocol="HTTP", Port=80, DefaultActions=forward(blue))["Listeners"][0]
    return {"balancer": balancer, "blue": blue, "green": green, "listener": listener}


def test_load_balancer_lifecycle_with_the_cli(server):
    created = server.aws(
        "elbv2", "create-load-balancer", "--name", "web", "--subnets", *SUBNETS,
        "--security-groups", "sg-0123", "--scheme", "internal", "--tags", "Key=team,Value=web")["LoadBalancers"][0]
    arn = created["LoadBalancerArn"]
    assert re.fullmatch(rf"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/web/{ARN_ID}", arn)
    assert created["DNSName"] == "127.0.1.1"
    assert created["State"]["Code"] == "provisioning"
    assert created["Type"] == "application" and created["Scheme"] == "internal"
    assert created["IpAddressType"] == "ipv4"
    assert created["SecurityGroups"] == ["sg-0123"]
    assert created["VpcId"].startswith("vpc-")
    assert created["CanonicalHostedZoneId"]
    assert [(z["ZoneName"], z["SubnetId"]) for z in created["AvailabilityZones"]] == [
        ("us-east-1a", "subnet-us-east-1a"), ("us-east-1b", "subnet-us-east-1b")]
    server.aws("elbv2", "wait", "load-balancer-available", "--load-balancer-arns", arn)
    [described] = server.aws("elbv2", "describe-load-balancers", "--names", "web")["LoadBalancers"]
    assert described["State"]["Code"] == "active"
    assert described["LoadBalancerArn"] == arn
    # The same request again is answered with the same load balancer (AWS's idempotence).
    again = server.aws("elbv2", "create-load-balancer", "--name", "web", "--subnets", *SUBNETS,
                       "--security-groups", "sg-0123", "--scheme", "internal")["LoadBalancers"][0]
    assert again["LoadBalancerArn"] == arn
    tags = server.aws("elbv2", "describe-tags", "--resource-arns", arn)["TagDescriptions"]
    assert tags == [{"ResourceArn": arn, "Tags": [{"Key": "team", "Value": "web"}]}]
    attributes = {a["Key"]: a["Value"] for a in server.aws(
        "elbv2", "describe-load-balancer-attributes", "--load-balancer-arn", arn)["Attributes"]}
    assert attributes["idle_timeout.timeout_seconds"] == "60"
    assert attributes["deletion_protection.enabled"] == "false"
    assert attributes["routing.http2.enabled"] == "true"
    modified = {a["Key"]: a["Value"] for a in server.aws(
        "elbv2", "modify-load-balancer-attributes", "--load-balancer-arn", arn,
        "--attributes", "Key=idle_timeout.timeout_seconds,Value=120")["Attributes"]}
    assert modified["idle_timeout.timeout_seconds"] == "120"
    server.aws("elbv2", "delete-load-balancer", "--load-balancer-arn", arn)
    result = server.aws("elbv2", "describe-load-balancers", "--names", "web", check=False)
    assert result.returncode != 0 and "(LoadBalancerNotFound)" in result.stderr
    # Deleting a load balancer that is gone succeeds, as on AWS.
    server.aws("elbv2", "delete-load-balancer", "--load-balancer-arn", arn)


def test_each_load_balancer_gets_its_own_loopback_address(elb):
    addresses = [create_balancer(elb, name)["DNSName"] for name in ["a", "b", "c"]]
    assert addresses == ["127.0.1.1", "127.0.1.2", "127.0.1.3"]
    elb.delete_load_balancer(LoadBalancerArn=elb.describe_load_balancers(Names=["b"])["LoadBalancers"][0]["LoadBalancerArn"])
    assert create_balancer(elb, "d")["DNSName"] == "127.0.1.2"


def test_a_shared_load_balancer_address(make_server):
    server = make_server(extra_args=["--load-balancer-address", "0.0.0.0"])
    elb = server.boto3("elbv2")
    web, api = create_balancer(elb, "web"), create_balancer(elb, "api")
    assert web["DNSName"] == api["DNSName"] == "0.0.0.0"
    blue, green = create_group(elb, "blue"), create_group(elb, "green")
    elb.create_listener(LoadBalancerArn=web["LoadBalancerArn"], Protocol="HTTP", Port=80, DefaultActions=forward(blue))
    message = refused(elb, "DuplicateListener", elb.create_listener, LoadBalancerArn=api["LoadBalancerArn"],
                      Protocol="HTTP", Port=80, DefaultActions=forward(green))
    assert "share an address" in message
    elb.create_listener(LoadBalancerArn=api["LoadBalancerArn"], Protocol="HTTP", Port=81, DefaultActions=forward(green))


def test_subnet_zones_and_refused_load_balancers(elb):
    zones = create_balancer(elb, "rr", subnets=["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"])["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    # A subnet keeps the zone it was first given.
    zones = create_balancer(elb, "again", subnets=["subnet-0ccc", "subnet-eu-west-1a"])["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == ["us-east-1c", "eu-west-1a"]
    assert "two different Availability Zones" in refused(
        elb, "ValidationError", elb.create_load_balancer, Name="one", Subnets=["subnet-us-east-1a"])
    assert "same Availability Zone" in refused(
        elb, "InvalidConfigurationRequest", elb.create_load_balancer, Name="same",
        Subnets=["subnet-us-east-1a", "subnet-0aaa"])
    assert "application load balancers only" in refused(
        elb, "InvalidConfigurationRequest", elb.create_load_balancer, Name="net", Subnets=SUBNETS, Type="network")
    assert "different settings" in refused(
        elb, "DuplicateLoadBalancerName", elb.create_load_balancer, Name="rr", Subnets=SUBNETS)
    for name, text in [("internal-web", "internal-"), ("web_1", "alphanumeric"), ("-web", "hyphen"), ("w" * 33, "32")]:
        assert text in refused(elb, "ValidationError", elb.create_load_balancer, Name=name, Subnets=SUBNETS)
    refused(elb, "ValidationError", elb.create_load_balancer, Name="both", Subnets=SUBNETS,
            SubnetMappings=[{"SubnetId": "subnet-us-east-1c"}])
    mapped = elb.create_load_balancer(Name="mapped", SubnetMappings=[{"SubnetId": s} for s in SUBNETS])["LoadBalancers"][0]
    assert [z["SubnetId"] for z in mapped["AvailabilityZones"]] == SUBNETS


def test_deletion_protection(elb):
    arn = create_balancer(elb)["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}])
    assert "deletion protection" in refused(elb, "OperationNotPermitted", elb.delete_load_balancer, LoadBalancerArn=arn)
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}])
    elb.delete_load_balancer(LoadBalancerArn=arn)
    assert elb.describe_load_balancers()["LoadBalancers"] == []


def test_load_balancer_attribute_errors(elb, loose):
    arn = create_balancer(elb)["LoadBalancerArn"]
    for value in ["0", "4001", "soon"]:
        refused(elb, "InvalidConfigurationRequest", elb.modify_load_balancer_attributes, LoadBalancerArn=arn,
                Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": value}])
    assert "not recognized" in refused(elb, "ValidationError", elb.modify_load_balancer_attributes, LoadBalancerArn=arn,
                                       Attributes=[{"Key": "idle.timeout", "Value": "5"}])
    refused(elb, "InvalidConfigurationRequest", elb.modify_load_balancer_attributes, LoadBalancerArn=arn,
            Attributes=[{"Key": "access_logs.s3.enabled", "Value": "true"}])
    # A bad value anywhere refuses the whole request.
    refused(elb, "InvalidConfigurationRequest", elb.modify_load_balancer_attributes, LoadBalancerArn=arn,
            Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "30"},
                        {"Key": "deletion_protection.enabled", "Value": "maybe"}])
    assert "less than or equal to 20" in refused(
        elb, "ValidationError", loose.modify_load_balancer_attributes, LoadBalancerArn=arn,
        Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "30"}] * 21)


def test_target_group_lifecycle(server, elb):
    created = server.aws(
        "elbv2", "create-target-group", "--name", "blue", "--protocol", "HTTP", "--port", "8080",
        "--vpc-id", "vpc-1", "--target-type", "instance", "--health-check-path", "/health",
        "--health-check-interval-seconds", "10", "--health-check-timeout-seconds", "4",
        "--healthy-threshold-count", "3", "--unhealthy-threshold-count", "4", "--matcher", "HttpCode=200-299",
        "--tags", "Key=app,Value=blue")["TargetGroups"][0]
    arn = created["TargetGroupArn"]
    assert re.fullmatch(rf"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/blue/{ARN_ID}", arn)
    assert created["Protocol"] == "HTTP" and created["Port"] == 8080 and created["TargetType"] == "instance"
    assert created["HealthCheckPath"] == "/health" and created["HealthCheckPort"] == "traffic-port"
    assert (created["HealthCheckIntervalSeconds"], created["HealthCheckTimeoutSeconds"]) == (10, 4)
    assert (created["HealthyThresholdCount"], created["UnhealthyThresholdCount"]) == (3, 4)
    assert created["Matcher"] == {"HttpCode": "200-299"}
    assert created["LoadBalancerArns"] == []
    defaults = create_group(elb, "defaults")
    assert (defaults["HealthCheckPath"], defaults["HealthCheckIntervalSeconds"], defaults["HealthCheckTimeoutSeconds"],
            defaults["HealthyThresholdCount"], defaults["UnhealthyThresholdCount"], defaults["Matcher"]) == (
        "/", 30, 5, 5, 2, {"HttpCode": "200"})
    assert defaults["HealthCheckEnabled"] is True and defaults["ProtocolVersion"] == "HTTP1"
    [by_name] = elb.describe_target_groups(Names=["blue"])["TargetGroups"]
    assert by_name == created
    modified = server.aws("elbv2", "modify-target-group", "--target-group-arn", arn, "--health-check-path", "/ready",
                          "--matcher", json.dumps({"HttpCode": "200,204"}))["TargetGroups"][0]
    assert modified["HealthCheckPath"] == "/ready" and modified["Matcher"] == {"HttpCode": "200,204"}
    attributes = {a["Key"]: a["Value"] for a in elb.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]}
    assert attributes["deregistration_delay.timeout_seconds"] == "300"
    assert attributes["stickiness.enabled"] == "false" and attributes["stickiness.type"] == "lb_cookie"
    assert attributes["stickiness.lb_cookie.duration_seconds"] == "86400"
    assert attributes["load_balancing.algorithm.type"] == "round_robin"
    assert attributes["slow_start.duration_seconds"] == "0"
    changed = {a["Key"]: a["Value"] for a in server.aws(
        "elbv2", "modify-target-group-attributes", "--target-group-arn", arn, "--attributes",
        "Key=deregistration_delay.timeout_seconds,Value=30", "Key=stickiness.enabled,Value=true",
        "Key=load_balancing.algorithm.type,Value=least_outstanding_requests",
        "Key=slow_start.duration_seconds,Value=60")["Attributes"]}
    assert (changed["deregistration_delay.timeout_seconds"], changed["stickiness.enabled"],
            changed["load_balancing.algorithm.type"], changed["slow_start.duration_seconds"]) == (
        "30", "true", "least_outstanding_requests", "60")
    # The same settings again return the same target group; other settings are a duplicate.
    assert create_group(elb, "defaults")["TargetGroupArn"] == defaults["TargetGroupArn"]
    assert "different settings" in refused(elb, "DuplicateTargetGroupName", create_group, elb, "defaults", port=81)
    server.aws("elbv2", "delete-target-group", "--target-group-arn", arn)
    assert error_code(elb.describe_target_groups, TargetGroupArns=[arn]) == "TargetGroupNotFound"


def test_target_group_errors(elb, loose):
    group = create_group(elb)
    arn = group["TargetGroupArn"]
    cases = [
        ("ValidationError", dict(HealthCheckIntervalSeconds=301)),
        ("ValidationError", dict(HealthCheckTimeoutSeconds=121)),
        ("ValidationError", dict(HealthCheckIntervalSeconds=10, HealthCheckTimeoutSeconds=10)),
        ("ValidationError", dict(HealthyThresholdCount=11)),
        ("ValidationError", dict(UnhealthyThresholdCount=11)),
        ("ValidationError", dict(Matcher={"HttpCode": "600"})),
        ("ValidationError", dict(Matcher={"HttpCode": "200-"})),
        ("ValidationError", dict(HealthCheckPath="health")),
        ("ValidationError", dict(HealthCheckPort="port-80")),
        ("ValidationError", dict(HealthCheckEnabled=False)),
    ]
    for code, changes in cases:
        refused(elb, code, loose.modify_target_group, TargetGroupArn=arn, **changes)
        refused(elb, code, loose.create_target_group, Name="new", Protocol="HTTP", Port=80, **changes)
    refused(elb, "InvalidConfigurationRequest", elb.create_target_group, Name="tcp", Protocol="TCP", Port=80, VpcId="vpc-1")
    refused(elb, "InvalidConfigurationRequest", elb.create_target_group, Name="fn", TargetType="lambda")
    refused(elb, "ValidationError", elb.create_target_group, Name="noport", Protocol="HTTP", VpcId="vpc-1")
    for key, value in [("deregistration_delay.timeout_seconds", "3601"), ("slow_start.duration_seconds", "10"),
                       ("stickiness.lb_cookie.duration_seconds", "604801"), ("stickiness.type", "app_cookie"),
                       ("load_balancing.algorithm.type", "fastest"), ("proxy_protocol_v2.enabled", "true")]:
        refused(elb, "InvalidConfigurationRequest", elb.modify_target_group_attributes, TargetGroupArn=arn,
                Attributes=[{"Key": key, "Value": value}])
    refused(elb, "ValidationError", elb.modify_target_group_attributes, TargetGroupArn=arn,
            Attributes=[{"Key": "stickiness.nonsense", "Value": "1"}])


def test_targets_and_their_health(server, elb, site):
    # Instance targets are ECS container instances: register one with that EC2 id.
    server.boto3().create_cluster()
    server.boto3().register_container_instance(
        instanceIdentityDocument='{"instanceId": "i-0123456789abcdef0", "availabilityZone": "us-east-1a"}',
        totalResources=[{"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                        {"name": "MEMORY", "type": "INTEGER", "integerValue": 1024}])
    green, blue = site["green"]["TargetGroupArn"], site["blue"]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=green, Targets=[{"Id": "127.0.0.1", "Port": 9001}, {"Id": "127.0.0.2"}])
    health = elb.describe_target_health(TargetGroupArn=green)["TargetHealthDescriptions"]
    assert [(h["Target"]["Id"], h["Target"]["Port"]) for h in health] == [("127.0.0.1", 9001), ("127.0.0.2", 9090)]
    assert {h["TargetHealth"]["State"] for h in health} == {"unused"}
    assert {h["TargetHealth"]["Reason"] for h in health} == {"Target.NotInUse"}
    assert [h["HealthCheckPort"] for h in health] == ["9001", "9090"]
    elb.register_targets(TargetGroupArn=blue, Targets=[{"Id": "127.0.0.3", "Port": 8081}])
    [used] = elb.describe_target_health(TargetGroupArn=blue)["TargetHealthDescriptions"]
    # In use: `initial`, registering or (once the first check has run) checking.
    assert used["TargetHealth"]["State"] == "initial"
    assert used["TargetHealth"]["Reason"] in ("Elb.RegistrationInProgress", "Elb.InitialHealthChecking")
    [missing] = elb.describe_target_health(TargetGroupArn=blue, Targets=[{"Id": "127.0.0.9", "Port": 1}])[
        "TargetHealthDescriptions"]
    assert missing["TargetHealth"] == {"State": "unused", "Reason": "Target.NotRegistered",
                                       "Description": "Target is not registered to the target group"}
    assert "not registered" in refused(elb, "InvalidTarget", elb.deregister_targets, TargetGroupArn=green,
                                       Targets=[{"Id": "127.0.0.1", "Port": 1}])
    refused(elb, "InvalidTarget", elb.register_targets, TargetGroupArn=green, Targets=[{"Id": "i-0123456789abcdef0"}])
    refused(elb, "InvalidTarget", elb.register_targets, TargetGroupArn=green, Targets=[{"Id": "999.0.0.1"}])
    instances = create_group(elb, "instances", target_type="instance")["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=instances, Targets=[{"Id": "i-0123456789abcdef0", "Port": 32768}])
    refused(elb, "InvalidTarget", elb.register_targets, TargetGroupArn=instances, Targets=[{"Id": "i-0fffffffffffffff0"}])
    refused(elb, "InvalidTarget", elb.register_targets, TargetGroupArn=instances, Targets=[{"Id": "10.0.0.1"}])
    elb.deregister_targets(TargetGroupArn=green, Targets=[{"Id": "127.0.0.1", "Port": 9001}])
    assert [h["Target"]["Id"] for h in elb.describe_target_health(TargetGroupArn=green)["TargetHealthDescriptions"]] == [
        "127.0.0.2"]
    unknown = green[:-16] + "ffffffffffffffff"
    refused(elb, "TargetGroupNotFound", elb.register_targets, TargetGroupArn=unknown, Targets=[{"Id": "127.0.0.1"}])
    refused(elb, "TargetGroupNotFound", elb.describe_target_health, TargetGroupArn=unknown)


def test_listener_lifecycle(server, elb, site):
    listener = site["listener"]
    arn = listener["ListenerArn"]
    balancer = site["balancer"]["LoadBalancerArn"]
    balancer_id = balancer.rsplit("/", 1)[1]
    assert re.fullmatch(rf"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:listener/app/web/{balancer_id}/{ARN_ID}", arn)
    assert listener["Protocol"] == "HTTP" and listener["Port"] == 80
    [action] = listener["DefaultActions"]
    assert action["TargetGroupArn"] == site["blue"]["TargetGroupArn"]
    assert action["ForwardConfig"]["TargetGroups"] == [{"TargetGroupArn": site["blue"]["TargetGroupArn"], "Weight": 1}]
    listed = server.aws("elbv2", "describe-listeners", "--load-balancer-arn", balancer)["Listeners"]
    assert [l["ListenerArn"] for l in listed] == [arn]
    [group] = elb.describe_target_groups(LoadBalancerArn=balancer)["TargetGroups"]
    assert group["TargetGroupName"] == "blue" and group["LoadBalancerArns"] == [balancer]
    moved = server.aws("elbv2", "modify-listener", "--listener-arn", arn, "--port", "8080", "--default-actions",
                       json.dumps([{"Type": "fixed-response", "FixedResponseConfig": {
                           "StatusCode": "503", "ContentType": "text/plain", "MessageBody": "maintenance <soon> & \"later\""}}]))
    [moved] = moved["Listeners"]
    assert moved["Port"] == 8080
    assert moved["DefaultActions"][0]["FixedResponseConfig"]["MessageBody"] == "maintenance <soon> & \"later\""
    # blue is no longer in use: its targets report so.
    assert elb.describe_target_groups(Names=["blue"])["TargetGroups"][0]["LoadBalancerArns"] == []
    refused(elb, "DuplicateListener", elb.create_listener, LoadBalancerArn=balancer, Protocol="HTTP", Port=8080,
            DefaultActions=forward(site["green"]))
    refused(elb, "UnsupportedProtocol", elb.create_listener, LoadBalancerArn=balancer, Protocol="HTTPS", Port=443,
            DefaultActions=forward(site["green"]), Certificates=[{"CertificateArn": "arn:aws:acm:us-east-1:0:certificate/x"}])
    refused(elb, "IncompatibleProtocols", elb.create_listener, LoadBalancerArn=balancer, Protocol="TCP", Port=81,
            DefaultActions=forward(site["green"]))
    server.aws("elbv2", "delete-listener", "--listener-arn", arn)
    assert elb.describe_listeners(LoadBalancerArn=balancer)["Listeners"] == []
    assert error_code(elb.describe_listeners, ListenerArns=[arn]) == "ListenerNotFound"
    assert error_code(elb.delete_listener, ListenerArn=arn) == "ListenerNotFound"


def test_weighted_forward_redirect_and_fixed_response(elb, site):
    balancer = site["balancer"]["LoadBalancerArn"]
    blue, green = site["blue"]["TargetGroupArn"], site["green"]["TargetGroupArn"]
    [listener] = elb.create_listener(
        LoadBalancerArn=balancer, Protocol="HTTP", Port=8080,
        DefaultActions=[{"Type": "forward", "ForwardConfig": {
            "TargetGroups": [{"TargetGroupArn": blue, "Weight": 80}, {"TargetGroupArn": green, "Weight": 20}],
            "TargetGroupStickinessConfig": {"Enabled": True, "DurationSeconds": 300}}}])["Listeners"]
    [action] = listener["DefaultActions"]
    assert "TargetGroupArn" not in action
    assert action["ForwardConfig"]["TargetGroups"] == [{"TargetGroupArn": blue, "Weight": 80},
                                                       {"TargetGroupArn": green, "Weight": 20}]
    assert action["ForwardConfig"]["TargetGroupStickinessConfig"] == {"Enabled": True, "DurationSeconds": 300}
    [redirect] = elb.create_listener(
        LoadBalancerArn=balancer, Protocol="HTTP", Port=8081,
        DefaultActions=[{"Type": "redirect", "RedirectConfig": {"Port": "8080", "StatusCode": "HTTP_302"}}])["Listeners"]
    assert redirect["DefaultActions"][0]["RedirectConfig"] == {
        "Protocol": "#{protocol}", "Port": "8080", "Host": "#{host}", "Path": "/#{path}", "Query": "#{query}",
        "StatusCode": "HTTP_302"}
    assert "loop" in refused(elb, "InvalidLoadBalancerAction", elb.create_listener, LoadBalancerArn=balancer,
                             Protocol="HTTP", Port=8082,
                             DefaultActions=[{"Type": "redirect", "RedirectConfig": {"StatusCode": "HTTP_301"}}])
    refused(elb, "ValidationError", elb.create_listener, LoadBalancerArn=balancer, Protocol="HTTP", Port=8082,
            DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200", "ContentType": "text/xml"}}])
    refused(elb, "ValidationError", elb.create_listener, LoadBalancerArn=balancer, Protocol="HTTP", Port=8082,
            DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "302"}}])
    refused(elb, "InvalidLoadBalancerAction", elb.create_listener, LoadBalancerArn=balancer, Protocol="HTTP", Port=8082,
            DefaultActions=[{"Type": "authenticate-oidc", "Order": 1, "AuthenticateOidcConfig": {
                "Issuer": "i", "AuthorizationEndpoint": "a", "TokenEndpoint": "t", "UserInfoEndpoint": "u",
                "ClientId": "c"}}] + [dict(forward(site["green"])[0], Order=2)])
    refused(elb, "ValidationError", elb.create_listener, LoadBalancerArn=balancer, Protocol="HTTP", Port=8082,
            DefaultActions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": [
                {"TargetGroupArn": blue, "Weight": 1000}]}}])


def test_rules_and_the_default_rule(server, elb, site):
    listener = site["listener"]["ListenerArn"]
    green = site["green"]
    first = server.aws(
        "elbv2", "create-rule", "--listener-arn", listener, "--priority", "10",
        "--conditions", "Field=path-pattern,Values=/green/*",
        "--actions", f"Type=forward,TargetGroupArn={green['TargetGroupArn']}")["Rules"][0]
    listener_part = listener.split(":listener/", 1)[1]
    assert re.fullmatch(
        rf"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:listener-rule/{re.escape(listener_part)}/{ARN_ID}",
        first["RuleArn"])
    assert first["Priority"] == "10" and first["IsDefault"] is False
    assert first["Conditions"] == [{"Field": "path-pattern", "Values": ["/green/*"],
                                    "PathPatternConfig": {"Values": ["/green/*"]}}]
    conditions = [
        {"Field": "host-header", "HostHeaderConfig": {"Values": ["*.example.com"]}},
        {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Env", "Values": ["green"]}},
        {"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["GET"]}},
        {"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "v", "Value": "2"}]}},
        {"Field": "source-ip", "SourceIpConfig": {"Values": ["127.0.0.0/8"]}},
    ]
    second = elb.create_rule(ListenerArn=listener, Priority=20, Conditions=conditions, Actions=forward(green),
                             Tags=[{"Key": "rule", "Value": "second"}])["Rules"][0]
    assert [c["Field"] for c in second["Conditions"]] == [c["Field"] for c in conditions]
    assert second["Conditions"][1]["HttpHeaderConfig"] == {"HttpHeaderName": "X-Env", "Values": ["green"]}
    rules = server.aws("elbv2", "describe-rules", "--listener-arn", listener)["Rules"]
    assert [(r["Priority"], r["IsDefault"]) for r in rules] == [("10", False), ("20", False), ("default", True)]
    default = rules[-1]
    assert default["Conditions"] == [] and default["Actions"] == site["listener"]["DefaultActions"]
    assert "default rule cannot be deleted" in refused(elb, "OperationNotPermitted", elb.delete_rule,
                                                       RuleArn=default["RuleArn"])
    refused(elb, "OperationNotPermitted", elb.set_rule_priorities,
            RulePriorities=[{"RuleArn": default["RuleArn"], "Priority": 5}])
    refused(elb, "OperationNotPermitted", elb.modify_rule, RuleArn=default["RuleArn"],
            Conditions=[{"Field": "path-pattern", "Values": ["/x"]}])
    # SetRulePriorities swaps two rules atomically.
    swapped = server.aws("elbv2", "set-rule-priorities", "--rule-priorities",
                         f"RuleArn={first['RuleArn']},Priority=20", f"RuleArn={second['RuleArn']},Priority=10")["Rules"]
    assert sorted((r["RuleArn"], r["Priority"]) for r in swapped) == sorted(
        [(first["RuleArn"], "20"), (second["RuleArn"], "10")])
    assert [r["RuleArn"] for r in elb.describe_rules(ListenerArn=listener)["Rules"]][:2] == [
        second["RuleArn"], first["RuleArn"]]
    refused(elb, "PriorityInUse", elb.create_rule, ListenerArn=listener, Priority=10,
            Conditions=[{"Field": "path-pattern", "Values": ["/dup"]}], Actions=forward(green))
    third = elb.create_rule(ListenerArn=listener, Priority=30, Conditions=[{"Field": "path-pattern", "Values": ["/3"]}],
                            Actions=forward(green))["Rules"][0]
    refused(elb, "PriorityInUse", elb.set_rule_priorities,
            RulePriorities=[{"RuleArn": first["RuleArn"], "Priority": 30}, {"RuleArn": second["RuleArn"], "Priority": 11}])
    modified = elb.modify_rule(RuleArn=third["RuleArn"], Conditions=[{"Field": "path-pattern", "Values": ["/three"]}],
                               Actions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "204"}}])["Rules"][0]
    assert modified["Conditions"][0]["Values"] == ["/three"]
    assert modified["Actions"] == [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "204"}}]
    # Changing the default rule's actions changes the listener's default actions.
    elb.modify_rule(RuleArn=default["RuleArn"], Actions=forward(green))
    [listener_now] = elb.describe_listeners(ListenerArns=[listener])["Listeners"]
    assert listener_now["DefaultActions"][0]["TargetGroupArn"] == green["TargetGroupArn"]
    [by_arn] = elb.describe_rules(RuleArns=[second["RuleArn"]])["Rules"]
    assert by_arn["Priority"] == "10"
    server.aws("elbv2", "delete-rule", "--rule-arn", third["RuleArn"])
    assert error_code(elb.describe_rules, RuleArns=[third["RuleArn"]]) == "RuleNotFound"
    assert error_code(elb.delete_rule, RuleArn=third["RuleArn"]) == "RuleNotFound"


def test_rule_condition_errors(elb, loose, site):
    listener = site["listener"]["ListenerArn"]
    green = forward(site["green"])

    def bad(code, conditions, text="", client=elb, priority=1):
        message = refused(elb, code, client.create_rule, ListenerArn=listener, Priority=priority,
                          Conditions=conditions, Actions=green)
        assert text in message, message

    bad("ValidationError", [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/a", "/b", "/c", "/d"]}}],
        "at most 3 values")
    bad("ValidationError", [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/a", "/b", "/c"]}},
                            {"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["GET", "PUT", "POST"]}}],
        "at most 5 condition values")
    bad("ValidationError", [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/a*", "/b*?"]}},
                            {"Field": "host-header", "HostHeaderConfig": {"Values": ["*.*.ex?mple.com"]}}],
        "wildcards")
    bad("ValidationError", [{"Field": "host-header", "Values": ["a.example.com"]},
                            {"Field": "host-header", "Values": ["b.example.com"]}], "only one 'host-header'")
    bad("ValidationError", [{"Field": "host-header", "Values": ["exa_mple.com"]}], "can contain only")
    bad("ValidationError", [{"Field": "host-header", "Values": ["localhost"]}], "at least one '.'")
    bad("ValidationError", [{"Field": "host-header", "Values": ["a" * 125 + ".com"]}], "the limit is 128")
    bad("ValidationError", [{"Field": "path-pattern", "Values": ["/a b"]}], "can contain only")
    bad("ValidationError", [{"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "Host", "Values": ["x"]}}],
        "host-header condition")
    bad("ValidationError", [{"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["get"]}}], "A-Z")
    bad("ValidationError", [{"Field": "source-ip", "SourceIpConfig": {"Values": ["10.0.0.1"]}}], "CIDR")
    bad("ValidationError", [{"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "k"}]}}], "needs a Value")
    bad("ValidationError", [{"Field": "cookie", "Values": ["x"]}], "must be one of")
    bad("ValidationError", [{"Field": "path-pattern", "HostHeaderConfig": {"Values": ["a.example.com"]}}],
        "takes PathPatternConfig")
    bad("ValidationError", [], "at least one condition")
    bad("InvalidConfigurationRequest", [{"Field": "path-pattern", "PathPatternConfig": {"RegexValues": ["^/a$"]}}], "Regex")
    bad("ValidationError", [{"Field": "path-pattern", "Values": ["/a"]}], "less than or equal to 50000",
        client=loose, priority=50001)
    refused(elb, "TargetGroupNotFound", elb.create_rule, ListenerArn=listener, Priority=1,
            Conditions=[{"Field": "path-pattern", "Values": ["/a"]}],
            Actions=[{"Type": "forward", "TargetGroupArn": site["green"]["TargetGroupArn"][:-16] + "ffffffffffffffff"}])
    refused(elb, "ListenerNotFound", elb.create_rule, ListenerArn=listener[:-16] + "ffffffffffffffff", Priority=1,
            Conditions=[{"Field": "path-pattern", "Values": ["/a"]}], Actions=green)


def test_a_target_group_in_use_cannot_be_deleted(elb, site):
    blue, green = site["blue"]["TargetGroupArn"], site["green"]["TargetGroupArn"]
    assert "in use" in refused(elb, "ResourceInUse", elb.delete_target_group, TargetGroupArn=blue)
    rule = elb.create_rule(ListenerArn=site["listener"]["ListenerArn"], Priority=1,
                           Conditions=[{"Field": "path-pattern", "Values": ["/g"]}], Actions=forward(site["green"]))
    refused(elb, "ResourceInUse", elb.delete_target_group, TargetGroupArn=green)
    # A target group serves one load balancer only.
    other = create_balancer(elb, "other")
    refused(elb, "TargetGroupAssociationLimit", elb.create_listener, LoadBalancerArn=other["LoadBalancerArn"],
            Protocol="HTTP", Port=80, DefaultActions=forward(site["green"]))
    elb.delete_rule(RuleArn=rule["Rules"][0]["RuleArn"])
    elb.delete_target_group(TargetGroupArn=green)
    elb.delete_listener(ListenerArn=site["listener"]["ListenerArn"])
    elb.delete_target_group(TargetGroupArn=blue)
    assert elb.describe_target_groups()["TargetGroups"] == []


def test_tags_on_every_resource(server, elb, site):
    rule = elb.create_rule(ListenerArn=site["listener"]["ListenerArn"], Priority=1,
                           Conditions=[{"Field": "path-pattern", "Values": ["/g"]}], Actions=forward(site["green"]))["Rules"][0]
    arns = [site["balancer"]["LoadBalancerArn"], site["blue"]["TargetGroupArn"], site["listener"]["ListenerArn"],
            rule["RuleArn"]]
    server.aws("elbv2", "add-tags", "--resource-arns", *arns, "--tags", "Key=env,Value=dev", "Key=team,Value=web")
    elb.add_tags(ResourceArns=arns[:1], Tags=[{"Key": "env", "Value": "prod"}])
    server.aws("elbv2", "remove-tags", "--resource-arns", arns[1], "--tag-keys", "team", "absent")
    described = {d["ResourceArn"]: d["Tags"] for d in elb.describe_tags(ResourceArns=arns)["TagDescriptions"]}
    assert described == {
        arns[0]: [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "web"}],
        arns[1]: [{"Key": "env", "Value": "dev"}],
        arns[2]: [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "web"}],
        arns[3]: [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "web"}],
    }
    refused(elb, "DuplicateTagKeys", elb.add_tags, ResourceArns=arns,
            Tags=[{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}])
    refused(elb, "TooManyTags", elb.add_tags, ResourceArns=arns,
            Tags=[{"Key": f"k{n}", "Value": "v"} for n in range(49)])
    refused(elb, "ValidationError", elb.add_tags, ResourceArns=arns, Tags=[{"Key": "aws:owner", "Value": "me"}])
    refused(elb, "ValidationError", elb.add_tags, ResourceArns=arns, Tags=[{"Key": "bad#key", "Value": "v"}])
    for arn, code in zip(arns, ["LoadBalancerNotFound", "TargetGroupNotFound", "ListenerNotFound", "RuleNotFound"]):
        gone = arn[:-16] + "ffffffffffffffff"
        refused(elb, code, elb.add_tags, ResourceArns=[arns[0], gone], Tags=[{"Key": "x", "Value": "y"}])
        assert error_code(elb.describe_tags, ResourceArns=[gone]) == code
    refused(elb, "ValidationError", elb.describe_tags, ResourceArns=["arn:aws:ecs:us-east-1:0:cluster/x"])


def test_pagination(server, elb):
    names = [f"group-{n}" for n in range(7)]
    for name in reversed(names):
        create_group(elb, name)
    pages = list(elb.get_paginator("describe_target_groups").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(page["TargetGroups"]) for page in pages] == [3, 3, 1]
    assert [g["TargetGroupName"] for page in pages for g in page["TargetGroups"]] == names
    # The CLI's --page-size is the API's PageSize: one page and its NextMarker, which --marker follows.
    page = server.aws("elbv2", "describe-target-groups", "--page-size", "2")
    assert [g["TargetGroupName"] for g in page["TargetGroups"]] == names[:2]
    page = server.aws("elbv2", "describe-target-groups", "--page-size", "2", "--marker", page["NextMarker"])
    assert [g["TargetGroupName"] for g in page["TargetGroups"]] == names[2:4]
    # --max-items lets the CLI follow the markers itself.
    listed = server.aws("elbv2", "describe-target-groups", "--max-items", "5")["TargetGroups"]
    assert [g["TargetGroupName"] for g in listed] == names[:5]
    assert [g["TargetGroupName"] for g in server.aws("elbv2", "describe-target-groups")["TargetGroups"]] == names
    first = elb.describe_target_groups(PageSize=2)
    assert "NextMarker" in first
    # A target group created between pages neither repeats nor hides the others.
    create_group(elb, "group-00")
    second = elb.describe_target_groups(PageSize=2, Marker=first["NextMarker"])
    assert [g["TargetGroupName"] for g in first["TargetGroups"]] == ["group-0", "group-1"]
    assert [g["TargetGroupName"] for g in second["TargetGroups"]] == ["group-2", "group-3"]
    refused(elb, "ValidationError", elb.describe_target_groups, Marker="not-a-marker")
    for name in ["c", "a", "b"]:
        create_balancer(elb, name)
    pages = list(elb.get_paginator("describe_load_balancers").paginate(PaginationConfig={"PageSize": 2}))
    assert [b["LoadBalancerName"] for page in pages for b in page["LoadBalancers"]] == ["a", "b", "c"]
    limits = {l["Name"]: l["Max"] for l in server.aws("elbv2", "describe-account-limits")["Limits"]}
    assert limits["rules-per-application-load-balancer"] == "100"
    assert limits["condition-values-per-alb-rule"] == "5"


def test_unknown_and_malformed_arns(elb, site):
    balancer = site["balancer"]["LoadBalancerArn"]
    gone = balancer[:-16] + "ffffffffffffffff"
    refused(elb, "LoadBalancerNotFound", elb.describe_load_balancers, LoadBalancerArns=[balancer, gone])
    refused(elb, "LoadBalancerNotFound", elb.describe_load_balancers, Names=["web", "gone"])
    refused(elb, "LoadBalancerNotFound", elb.describe_listeners, LoadBalancerArn=gone)
    refused(elb, "LoadBalancerNotFound", elb.describe_load_balancer_attributes, LoadBalancerArn=gone)
    refused(elb, "LoadBalancerNotFound", elb.modify_load_balancer_attributes, LoadBalancerArn=gone,
            Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "5"}])
    refused(elb, "LoadBalancerNotFound", elb.describe_target_groups, LoadBalancerArn=gone)
    refused(elb, "ListenerNotFound", elb.describe_rules, ListenerArn=site["listener"]["ListenerArn"][:-16] + "f" * 16)
    refused(elb, "TargetGroupNotFound", elb.modify_target_group, TargetGroupArn=site["blue"]["TargetGroupArn"][:-16] + "f" * 16,
            HealthCheckPath="/x")
    # The right id with the wrong name is not found either.
    refused(elb, "LoadBalancerNotFound", elb.describe_load_balancers, LoadBalancerArns=[balancer.replace("/web/", "/webx/")])
    for arn in ["web", "arn:aws:elasticloadbalancing:us-east-1:0:loadbalancer/net/web/0123456789abcdef",
                site["blue"]["TargetGroupArn"]]:
        assert "not a valid load balancer ARN" in refused(elb, "ValidationError", elb.describe_load_balancers,
                                                          LoadBalancerArns=[arn])
    refused(elb, "ValidationError", elb.describe_load_balancers, LoadBalancerArns=[balancer], Names=["web"])
    refused(elb, "ValidationError", elb.describe_listeners)


def signed_query(server, body, region="us-east-1"):
    """Posts a raw form body signed for elasticloadbalancing; returns the Response."""
    headers = signed_headers(
        server.endpoint, body, None, server.env["AWS_ACCESS_KEY_ID"], server.env["AWS_SECRET_ACCESS_KEY"],
        region=region, service="elasticloadbalancing", content_type="application/x-www-form-urlencoded; charset=utf-8")
    return send(server.endpoint, "POST", "/", body=body.encode(), headers=headers)


def xml_value(response, name):
    match = re.search(rf"<{name}>(.*?)</{name}>", response.body.decode())
    return match.group(1) if match else None


def test_malformed_query_bodies(server, elb, site):
    before = configuration(elb)
    cases = [
        ("Version=2015-12-01&Name=x", "MissingAction"),
        ("Action=CreateLoadBalancer&Version=2012-06-01&LoadBalancerName=x", "InvalidAction"),
        ("Action=DescribeLoadBalancers", "InvalidAction"),
        ("Action=Explode&Version=2015-12-01", "InvalidAction"),
        ("Action=CreateTargetGroup&Version=2015-12-01&Name=x&Protocol=HTTP&Port=eighty", "ValidationError"),
        ("Action=CreateTargetGroup&Version=2015-12-01&Name=x&Protocol=SPDY&Port=80", "ValidationError"),
        ("Action=CreateRule&Version=2015-12-01&Priority=1", "ValidationError"),
        ("Action=CreateListener&Version=2015-12-01&LoadBalancerArn=" + urllib.parse.quote(site["balancer"]["LoadBalancerArn"])
         + "&Protocol=HTTP&Port=81&DefaultActions.member.1.Type=teleport", "ValidationError"),
        ("Action=ModifyLoadBalancerAttributes&Version=2015-12-01&LoadBalancerArn=x&Attributes.member.1.Key=a"
         "&Attributes.member.1.Value=b", "ValidationError"),
        ("Action=RegisterTargets&Version=2015-12-01&TargetGroupArn=" + urllib.parse.quote(site["blue"]["TargetGroupArn"])
         + "&Targets.member.1.Port=80", "ValidationError"),
        ("\x00\xff garbage", "MissingAction"),
    ]
    for body, code in cases:
        response = signed_query(server, body)
        assert response.status == 400, (body, response)
        assert response.header("Content-Type") == "text/xml"
        assert response.body.startswith(b"<ErrorResponse"), response
        assert xml_value(response, "Code") == code, (body, response)
        assert xml_value(response, "RequestId") == response.header("x-amzn-RequestId")
    assert configuration(elb) == before
    described = signed_query(server, "Action=DescribeLoadBalancers&Version=2015-12-01")
    assert described.status == 200
    assert described.body.startswith(
        b'<DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">')
    unsigned = send(server.endpoint, "POST", "/", body=b"Action=DescribeLoadBalancers&Version=2015-12-01",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert unsigned.status == 403 and xml_value(unsigned, "Code") == "MissingAuthenticationToken"


def test_arns_follow_the_request_region(server):
    elb = server.boto3("elbv2")
    arn = create_balancer(elb)["LoadBalancerArn"]
    import boto3
    import botocore.config
    west = boto3.client("elbv2", endpoint_url=server.endpoint, region_name="eu-west-1",
                        aws_access_key_id=server.env["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=server.env["AWS_SECRET_ACCESS_KEY"],
                        config=botocore.config.Config(retries={"max_attempts": 0}))
    [seen] = west.describe_load_balancers()["LoadBalancers"]
    assert seen["LoadBalancerArn"] == arn.replace(":us-east-1:", ":eu-west-1:")
    assert west.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["LoadBalancerName"] == "web"


def test_the_configuration_survives_a_killed_server(make_server):
    first = make_server()
    elb = first.boto3("elbv2")
    balancer = create_balancer(elb)
    group = create_group(elb)
    listener = elb.create_listener(LoadBalancerArn=balancer["LoadBalancerArn"], Protocol="HTTP", Port=80,
                                   DefaultActions=forward(group))["Listeners"][0]
    elb.create_rule(ListenerArn=listener["ListenerArn"], Priority=3, Conditions=[{"Field": "path-pattern", "Values": ["/a"]}],
                    Actions=forward(group))
    elb.register_targets(TargetGroupArn=group["TargetGroupArn"], Targets=[{"Id": "127.0.0.1"}])
    before = configuration(elb)
    first.kill()
    second = make_server(data_dir=first.data_dir)
    elb = second.boto3("elbv2", access_key=first.env["AWS_ACCESS_KEY_ID"], secret_key=first.env["AWS_SECRET_ACCESS_KEY"])
    assert configuration(elb) == before
    assert create_balancer(elb, "next")["DNSName"] == "127.0.1.2"
