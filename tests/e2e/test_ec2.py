"""EC2 through the real `aws ec2` CLI and boto3: regions and zones, the default VPC,
VPCs, subnets, security groups, tags and filters, images and instance types, instances
and launch templates, with AWS's error codes for refused calls, each followed by a check
that nothing changed."""
import base64
import ipaddress
import re
import time

import pytest

from wire import client_error

AGENT_IMAGE = "ami-0a0d3121a1ec5a9e1"
ID = r"[0-9a-f]{17}"


@pytest.fixture
def ec2(server):
    return server.boto3("ec2")


def registry(ec2):
    """Everything the API shows, for 'nothing changed' checks."""
    instances = [
        {k: v for k, v in i.items() if k not in ("State", "StateReason", "StateTransitionReason")}
        for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
    ]
    return {
        "vpcs": sorted(ec2.describe_vpcs()["Vpcs"], key=lambda v: v["VpcId"]),
        "subnets": sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["SubnetId"]),
        "groups": sorted(ec2.describe_security_groups()["SecurityGroups"], key=lambda g: g["GroupId"]),
        "tags": ec2.describe_tags()["Tags"],
        "instances": sorted(instances, key=lambda i: i["InstanceId"]),
        "templates": ec2.describe_launch_templates()["LaunchTemplates"],
    }


def refused(ec2, code, function, **kwargs):
    """Calls an operation that must fail with `code`, checks that nothing changed, returns the message."""
    before = registry(ec2)
    error = client_error(function, **kwargs)
    assert error.response["Error"]["Code"] == code, error.response["Error"]
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert registry(ec2) == before
    return error.response["Error"]["Message"]


def test_default_vpc_zones_and_regions_as_in_a_new_account(server):
    zones = server.aws("ec2", "describe-availability-zones")["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert all(z["State"] == "available" and z["RegionName"] == "us-east-1" for z in zones)
    regions = server.aws("ec2", "describe-regions")["Regions"]
    assert [r["RegionName"] for r in regions] == ["us-east-1"]

    vpcs = server.aws("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"]
    assert len(vpcs) == 1 and vpcs[0]["CidrBlock"] == "172.31.0.0/16" and vpcs[0]["IsDefault"] is True
    assert re.fullmatch(r"vpc-" + ID, vpcs[0]["VpcId"])
    subnets = server.aws("ec2", "describe-subnets", "--filters", f"Name=vpc-id,Values={vpcs[0]['VpcId']}")["Subnets"]
    assert sorted((s["AvailabilityZone"], s["CidrBlock"]) for s in subnets) == [
        ("us-east-1a", "172.31.0.0/20"), ("us-east-1b", "172.31.16.0/20"), ("us-east-1c", "172.31.32.0/20")]
    assert all(s["DefaultForAz"] and s["AvailableIpAddressCount"] == 4091 for s in subnets)
    groups = server.aws("ec2", "describe-security-groups", "--group-names", "default")["SecurityGroups"]
    assert groups[0]["VpcId"] == vpcs[0]["VpcId"]
    assert groups[0]["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]


def test_availability_zones_are_a_server_setting(make_server):
    server = make_server(extra_args=["--availability-zones", "us-east-1a,us-east-1d"])
    zones = server.aws("ec2", "describe-availability-zones")["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == ["us-east-1a", "us-east-1d"]
    subnets = server.aws("ec2", "describe-subnets")["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in subnets) == ["us-east-1a", "us-east-1d"]


def test_vpcs_and_subnets_with_their_rules(server, ec2):
    vpc = server.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16",
                     "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=main}]")["Vpc"]
    vpc_id = vpc["VpcId"]
    assert vpc["Tags"] == [{"Key": "Name", "Value": "main"}]
    subnet = server.aws("ec2", "create-subnet", "--vpc-id", vpc_id, "--cidr-block", "10.0.1.0/24",
                        "--availability-zone", "us-east-1b")["Subnet"]
    assert subnet["AvailabilityZone"] == "us-east-1b" and subnet["AvailableIpAddressCount"] == 251
    other = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1a")["Subnet"]

    assert "conflicts" in refused(ec2, "InvalidSubnet.Conflict", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.0.1.128/25")
    refused(ec2, "InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.1.0.0/24")
    refused(ec2, "InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.0.3.0/29")
    refused(ec2, "InvalidParameterValue", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.0.3.0/24",
            AvailabilityZone="us-west-2a")
    refused(ec2, "InvalidVpcID.NotFound", ec2.create_subnet, VpcId="vpc-0123456789abcdef0", CidrBlock="10.0.3.0/24")
    refused(ec2, "InvalidVpcID.NotFound", ec2.describe_vpcs, VpcIds=["vpc-0123456789abcdef0"])
    refused(ec2, "InvalidSubnetID.NotFound", ec2.describe_subnets, SubnetIds=["subnet-0123456789abcdef0"])
    refused(ec2, "DependencyViolation", ec2.delete_vpc, VpcId=vpc_id)

    # Filters: wildcards, several values (or), several filters (and), tags; unknown names refused.
    found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                          {"Name": "cidr-block", "Values": ["10.0.1.*", "10.0.9.0/24"]}])["Subnets"]
    assert [s["SubnetId"] for s in found] == [subnet["SubnetId"]]
    found = ec2.describe_subnets(Filters=[{"Name": "availability-zone", "Values": ["us-east-1a"]},
                                          {"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert [s["SubnetId"] for s in found] == [other["SubnetId"]]
    assert [v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["ma?n"]}])["Vpcs"]] == [vpc_id]
    refused(ec2, "InvalidParameterValue", ec2.describe_vpcs, Filters=[{"Name": "colour", "Values": ["red"]}])

    ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    ec2.delete_subnet(SubnetId=other["SubnetId"])
    ec2.delete_vpc(VpcId=vpc_id)
    assert [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]] == []


def test_pagination_of_subnets(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    made = {ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.1.{n}.0/24")["Subnet"]["SubnetId"] for n in range(8)}
    pages = list(ec2.get_paginator("describe_subnets").paginate(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}], PaginationConfig={"PageSize": 5}))
    assert [len(p["Subnets"]) for p in pages] == [5, 3]
    assert {s["SubnetId"] for p in pages for s in p["Subnets"]} == made


def test_security_groups_and_their_rules(server, ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    group_id = server.aws("ec2", "create-security-group", "--group-name", "web", "--description", "web servers",
                          "--vpc-id", vpc_id)["GroupId"]
    assert re.fullmatch(r"sg-" + ID, group_id)
    refused(ec2, "InvalidGroup.Duplicate", ec2.create_security_group, GroupName="web", Description="x", VpcId=vpc_id)
    server.aws("ec2", "authorize-security-group-ingress", "--group-id", group_id, "--protocol", "tcp",
               "--port", "80", "--cidr", "0.0.0.0/0")
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8100, "UserIdGroupPairs": [{"GroupId": group_id}]}])
    refused(ec2, "InvalidPermission.Duplicate", ec2.authorize_security_group_ingress, GroupId=group_id,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    assert sorted((p["IpProtocol"], p["FromPort"], p["ToPort"]) for p in group["IpPermissions"]) == [
        ("tcp", 80, 80), ("tcp", 8000, 8100)]
    found = ec2.describe_security_groups(Filters=[{"Name": "ip-permission.from-port", "Values": ["8000"]}])
    assert [g["GroupId"] for g in found["SecurityGroups"]] == [group_id]
    ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    refused(ec2, "InvalidPermission.NotFound", ec2.revoke_security_group_ingress, GroupId=group_id,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.2/32"}]}])
    refused(ec2, "InvalidGroup.NotFound", ec2.describe_security_groups, GroupIds=["sg-0123456789abcdef0"])
    refused(ec2, "DependencyViolation", ec2.delete_vpc, VpcId=vpc_id)
    ec2.delete_security_group(GroupId=group_id)
    ec2.delete_vpc(VpcId=vpc_id)


def test_tags(server, ec2):
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    server.aws("ec2", "create-tags", "--resources", vpc_id, "--tags", "Key=Env,Value=prod", "Key=Team,Value=core")
    tags = server.aws("ec2", "describe-tags", "--filters", f"Name=resource-id,Values={vpc_id}")["Tags"]
    assert [(t["Key"], t["Value"], t["ResourceType"]) for t in tags] == [("Env", "prod", "vpc"), ("Team", "core", "vpc")]
    assert ec2.describe_vpcs(Filters=[{"Name": "tag-key", "Values": ["Team"]}])["Vpcs"][0]["VpcId"] == vpc_id
    refused(ec2, "InvalidVpcID.NotFound", ec2.create_tags, Resources=["vpc-0123456789abcdef0"],
            Tags=[{"Key": "A", "Value": "b"}])
    ec2.delete_tags(Resources=[vpc_id], Tags=[{"Key": "Env"}])
    assert [t["Key"] for t in ec2.describe_tags()["Tags"]] == ["Team"]


def test_images_and_instance_types(server, ec2):
    images = server.aws("ec2", "describe-images", "--owners", "amazon",
                        "--filters", "Name=name,Values=admiral-ecs-*")["Images"]
    assert [(i["ImageId"], i["Name"], i["State"]) for i in images] == [(AGENT_IMAGE, "admiral-ecs-agent", "available")]
    refused(ec2, "InvalidAMIID.NotFound", ec2.describe_images, ImageIds=["ami-0123456789abcdef0"])
    types = ec2.describe_instance_types(InstanceTypes=["t3.micro", "m5.large", "c5.4xlarge", "r5.xlarge"])["InstanceTypes"]
    assert {t["InstanceType"]: (t["VCpuInfo"]["DefaultVCpus"], t["MemoryInfo"]["SizeInMiB"]) for t in types} == {
        "t3.micro": (2, 1024), "m5.large": (2, 8192), "c5.4xlarge": (16, 32768), "r5.xlarge": (4, 32768)}
    everything = [t for p in ec2.get_paginator("describe_instance_types").paginate() for t in p["InstanceTypes"]]
    assert len(everything) == 19


def wait_for_state(ec2, instance_id, states, timeout=30):
    deadline = time.time() + timeout
    while True:
        instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
        if instance["State"]["Name"] in states or time.time() > deadline:
            return instance
        time.sleep(0.2)


def test_instances_and_their_errors(server, ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.3.1.0/28", AvailabilityZone="us-east-1c")["Subnet"]
    group_id = ec2.create_security_group(GroupName="agents", Description="agents", VpcId=vpc_id)["GroupId"]
    default_group = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]

    refused(ec2, "InvalidParameter", ec2.run_instances, ImageId=AGENT_IMAGE, MinCount=1, MaxCount=1,
            SubnetId=subnet["SubnetId"], SecurityGroupIds=[default_group])
    refused(ec2, "InvalidAMIID.NotFound", ec2.run_instances, ImageId="ami-0123456789abcdef0", MinCount=1, MaxCount=1)
    refused(ec2, "InvalidSubnetID.NotFound", ec2.run_instances, ImageId=AGENT_IMAGE, MinCount=1, MaxCount=1,
            SubnetId="subnet-0123456789abcdef0")
    refused(ec2, "InvalidParameterValue", ec2.run_instances, ImageId=AGENT_IMAGE, MinCount=1, MaxCount=1,
            InstanceType="p4d.24xlarge")
    refused(ec2, "InsufficientFreeAddressesInSubnet", ec2.run_instances, ImageId=AGENT_IMAGE, MinCount=12,
            MaxCount=12, SubnetId=subnet["SubnetId"])

    user_data = "#!/bin/bash\necho ECS_CLUSTER=web >> /etc/ecs/ecs.config\n"
    reservation = server.aws(
        "ec2", "run-instances", "--image-id", AGENT_IMAGE, "--instance-type", "t3.small", "--count", "2",
        "--subnet-id", subnet["SubnetId"], "--security-group-ids", group_id, "--user-data", user_data,
        "--tag-specifications", "ResourceType=instance,Tags=[{Key=Name,Value=agent}]")
    assert re.fullmatch(r"r-" + ID, reservation["ReservationId"])
    instances = reservation["Instances"]
    assert [i["PrivateIpAddress"] for i in instances] == ["10.3.1.4", "10.3.1.5"]
    for index, instance in enumerate(instances):
        assert re.fullmatch(r"i-" + ID, instance["InstanceId"])
        assert instance["State"] == {"Code": 0, "Name": "pending"}
        assert instance["AmiLaunchIndex"] == index
        assert instance["Placement"]["AvailabilityZone"] == "us-east-1c"
        assert instance["SubnetId"] == subnet["SubnetId"] and instance["VpcId"] == vpc_id
        assert instance["SecurityGroups"] == [{"GroupId": group_id, "GroupName": "agents"}]
        assert instance["Tags"] == [{"Key": "Name", "Value": "agent"}]
    ids = [i["InstanceId"] for i in instances]
    assert ec2.describe_subnets(SubnetIds=[subnet["SubnetId"]])["Subnets"][0]["AvailableIpAddressCount"] == 9

    # The instance provider the server has by default decides whether they run; either way
    # they leave pending, and a failed launch says why.
    for instance_id in ids:
        state = wait_for_state(ec2, instance_id, {"running", "terminated"})
        assert state["State"]["Name"] in ("running", "terminated")
        if state["State"]["Name"] == "terminated":
            assert state["StateReason"]["Code"] == "Server.InternalError"

    found = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["agent"]},
                                            {"Name": "availability-zone", "Values": ["us-east-1c"]}])
    assert sorted(i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]) == sorted(ids)
    refused(ec2, "InvalidInstanceID.NotFound", ec2.describe_instances, InstanceIds=["i-0123456789abcdef0"])
    refused(ec2, "InvalidParameterValue", ec2.describe_instances, Filters=[{"Name": "flavour", "Values": ["x"]}])
    statuses = ec2.describe_instance_status(InstanceIds=ids, IncludeAllInstances=True)["InstanceStatuses"]
    assert sorted(s["InstanceId"] for s in statuses) == sorted(ids)

    live = [i for i in ids if wait_for_state(ec2, i, {"running", "terminated"})["State"]["Name"] == "running"]
    if live:
        refused(ec2, "DependencyViolation", ec2.delete_subnet, SubnetId=subnet["SubnetId"])
    changes = ec2.terminate_instances(InstanceIds=ids)["TerminatingInstances"]
    assert sorted(c["InstanceId"] for c in changes) == sorted(ids)
    for change in changes:
        assert change["CurrentState"]["Name"] in ("shutting-down", "terminated")
    for instance_id in ids:
        instance = wait_for_state(ec2, instance_id, {"terminated"})
        assert instance["State"] == {"Code": 48, "Name": "terminated"}
    ec2.delete_subnet(SubnetId=subnet["SubnetId"])


def test_run_instances_in_the_default_vpc_and_with_a_client_token(ec2):
    first = ec2.run_instances(ImageId=AGENT_IMAGE, MinCount=1, MaxCount=1, ClientToken="token-1",
                              Placement={"AvailabilityZone": "us-east-1b"})
    again = ec2.run_instances(ImageId=AGENT_IMAGE, MinCount=1, MaxCount=1, ClientToken="token-1",
                              Placement={"AvailabilityZone": "us-east-1b"})
    assert again["ReservationId"] == first["ReservationId"]
    instance = first["Instances"][0]
    assert instance["Placement"]["AvailabilityZone"] == "us-east-1b"
    assert ipaddress.ip_address(instance["PrivateIpAddress"]) in ipaddress.ip_network("172.31.16.0/20")
    assert [g["GroupName"] for g in instance["SecurityGroups"]] == ["default"]
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])


def test_launch_templates(server, ec2):
    user_data = base64.b64encode(b"ECS_CLUSTER=batch\n").decode()
    template = server.aws("ec2", "create-launch-template", "--launch-template-name", "agents",
                          "--launch-template-data",
                          f'{{"ImageId":"{AGENT_IMAGE}","InstanceType":"m5.large","UserData":"{user_data}"}}')
    template_id = template["LaunchTemplate"]["LaunchTemplateId"]
    assert re.fullmatch(r"lt-" + ID, template_id)
    assert template["LaunchTemplate"]["LatestVersionNumber"] == 1
    refused(ec2, "InvalidLaunchTemplateName.AlreadyExistsException", ec2.create_launch_template,
            LaunchTemplateName="agents", LaunchTemplateData={"ImageId": AGENT_IMAGE})
    version = ec2.create_launch_template_version(LaunchTemplateId=template_id, SourceVersion="1",
                                                 LaunchTemplateData={"InstanceType": "c5.large"})
    assert version["LaunchTemplateVersion"]["VersionNumber"] == 2
    assert version["LaunchTemplateVersion"]["LaunchTemplateData"]["ImageId"] == AGENT_IMAGE
    ec2.modify_launch_template(LaunchTemplateId=template_id, DefaultVersion="2")
    described = ec2.describe_launch_templates(LaunchTemplateNames=["agents"])["LaunchTemplates"][0]
    assert (described["DefaultVersionNumber"], described["LatestVersionNumber"]) == (2, 2)
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template_id, Versions=["$Latest", "1"])
    assert [v["VersionNumber"] for v in versions["LaunchTemplateVersions"]] == [2, 1]
    reservation = ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateName": "agents"})
    assert reservation["Instances"][0]["InstanceType"] == "c5.large"
    ec2.terminate_instances(InstanceIds=[reservation["Instances"][0]["InstanceId"]])
    wait_for_state(ec2, reservation["Instances"][0]["InstanceId"], {"terminated"})
    refused(ec2, "InvalidLaunchTemplateId.VersionNotFound", ec2.modify_launch_template,
            LaunchTemplateId=template_id, DefaultVersion="7")
    ec2.delete_launch_template(LaunchTemplateId=template_id)
    refused(ec2, "InvalidLaunchTemplateName.NotFoundException", ec2.describe_launch_templates,
            LaunchTemplateNames=["agents"])


def test_the_registry_survives_a_restart(make_server):
    server = make_server()
    vpc_id = server.aws("ec2", "create-vpc", "--cidr-block", "10.4.0.0/16")["Vpc"]["VpcId"]
    default_vpc = server.aws("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"][0]["VpcId"]
    data_dir = server.data_dir
    server.stop()
    again = make_server(data_dir=data_dir)
    vpcs = {v["VpcId"] for v in again.aws("ec2", "describe-vpcs")["Vpcs"]}
    assert vpcs == {vpc_id, default_vpc}


def test_unknown_actions_and_versions(server):
    result = server.aws("ec2", "describe-key-pairs", check=False)
    assert result.returncode != 0 and "InvalidAction" in result.stderr


def test_load_balancers_take_subnets_and_groups_from_the_registry(server, ec2):
    elb = server.boto3("elbv2")
    subnets = sorted(ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"],
                     key=lambda s: s["AvailabilityZone"])
    default_vpc = subnets[0]["VpcId"]
    group_id = ec2.create_security_group(GroupName="alb", Description="alb")["GroupId"]
    balancer = elb.create_load_balancer(Name="web", Subnets=[s["SubnetId"] for s in subnets[:2]],
                                        SecurityGroups=[group_id])["LoadBalancers"][0]
    assert balancer["VpcId"] == default_vpc
    assert sorted((z["ZoneName"], z["SubnetId"]) for z in balancer["AvailabilityZones"]) == [
        (s["AvailabilityZone"], s["SubnetId"]) for s in subnets[:2]]

    error = client_error(elb.create_load_balancer, Name="bad", Subnets=[subnets[0]["SubnetId"], "subnet-0123456789abcdef0"])
    assert error.response["Error"]["Code"] == "SubnetNotFound"
    other_vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    other_group = ec2.create_security_group(GroupName="elsewhere", Description="x", VpcId=other_vpc)["GroupId"]
    error = client_error(elb.create_load_balancer, Name="bad", Subnets=[s["SubnetId"] for s in subnets[:2]],
                         SecurityGroups=[other_group])
    assert error.response["Error"]["Code"] == "InvalidSecurityGroup"
    error = client_error(elb.set_security_groups, LoadBalancerArn=balancer["LoadBalancerArn"], SecurityGroups=[other_group])
    assert error.response["Error"]["Code"] == "InvalidSecurityGroup"
    assert [b["LoadBalancerName"] for b in elb.describe_load_balancers()["LoadBalancers"]] == ["web"]

    changed = elb.set_subnets(LoadBalancerArn=balancer["LoadBalancerArn"], Subnets=[s["SubnetId"] for s in subnets[1:]])
    assert sorted(z["ZoneName"] for z in changed["AvailabilityZones"]) == [s["AvailabilityZone"] for s in subnets[1:]]

    # Made-up subnet names keep the older convention (the zone is the name's suffix).
    legacy = elb.create_load_balancer(Name="legacy", Subnets=["subnet-us-east-1a", "subnet-us-east-1b"])["LoadBalancers"][0]
    assert sorted(z["ZoneName"] for z in legacy["AvailabilityZones"]) == ["us-east-1a", "us-east-1b"]


def test_the_ecs_optimized_ami_parameter_names_the_agent_image(server):
    found = server.aws("ssm", "get-parameters", "--names",
                       "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id", "/nope")
    assert [(p["Name"], p["Value"]) for p in found["Parameters"]] == [
        ("/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id", AGENT_IMAGE)]
    assert found["InvalidParameters"] == ["/nope"]
    ssm = server.boto3("ssm")
    value = ssm.get_parameter(Name="/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")
    assert value["Parameter"]["Value"] == AGENT_IMAGE
    assert client_error(ssm.get_parameter, Name="/nope").response["Error"]["Code"] == "ParameterNotFound"
