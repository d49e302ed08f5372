"""Clusters end to end: CreateCluster, DescribeClusters, ListClusters, DeleteCluster,
UpdateCluster and UpdateClusterSettings through the real aws CLI and boto3."""
import pytest

from wire import client_error, error_code

ACCOUNT = "000000000000"

CONFIGURATION = {
    "executeCommandConfiguration": {
        "kmsKeyId": "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "logging": "OVERRIDE",
        "logConfiguration": {
            "cloudWatchLogGroupName": "/ecs/exec/demo",
            "cloudWatchEncryptionEnabled": True,
            "s3BucketName": "exec-audit",
            "s3EncryptionEnabled": True,
            "s3KeyPrefix": "demo/",
        },
    },
    "managedStorageConfiguration": {
        "kmsKeyId": "arn:aws:kms:us-east-1:000000000000:key/aaaa1111-12ab-34cd-56ef-1234567890ab",
        "fargateEphemeralStorageKmsKeyId": "arn:aws:kms:us-east-1:000000000000:key/bbbb2222-12ab-34cd-56ef-1234567890ab",
    },
}

TAGS = [{"key": "team", "value": "platform"}, {"key": "env", "value": "dev"}]

COUNTS = ("registeredContainerInstancesCount", "runningTasksCount", "pendingTasksCount", "activeServicesCount")


def region(server):
    return server.env.get("AWS_DEFAULT_REGION", "us-east-1")


def cluster_arn(server, name):
    return f"arn:aws:ecs:{region(server)}:{ACCOUNT}:cluster/{name}"


def assert_zero_counts(cluster):
    for member in COUNTS:
        assert type(cluster[member]) is int and cluster[member] == 0, (member, cluster.get(member))


def create_demo(server):
    """The demo cluster, created with boto3 (the aws CLI costs a second per call)."""
    return server.boto3().create_cluster(
        clusterName="demo", tags=TAGS, settings=[{"name": "containerInsights", "value": "enabled"}],
        configuration=CONFIGURATION)["cluster"]


def test_create_cluster_returns_the_full_cluster(server):
    import json

    cluster = server.aws(
        "ecs", "create-cluster", "--cluster-name", "demo",
        "--tags", json.dumps(TAGS),
        "--settings", "name=containerInsights,value=enabled",
        "--configuration", json.dumps(CONFIGURATION))["cluster"]
    assert cluster["clusterArn"] == cluster_arn(server, "demo")
    assert cluster["clusterName"] == "demo"
    assert cluster["status"] == "ACTIVE"
    assert cluster["tags"] == TAGS
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert cluster["configuration"] == CONFIGURATION
    assert_zero_counts(cluster)
    assert cluster.get("capacityProviders", []) == []
    assert cluster.get("defaultCapacityProviderStrategy", []) == []


def test_describe_clusters_without_include_leaves_out_the_optional_parts(server):
    create_demo(server)
    response = server.boto3().describe_clusters(clusters=["demo"])
    assert response["failures"] == []
    [cluster] = response["clusters"]
    assert cluster["clusterArn"] == cluster_arn(server, "demo")
    assert cluster["status"] == "ACTIVE"
    assert_zero_counts(cluster)
    assert not cluster.get("tags")
    assert not cluster.get("statistics")
    assert not cluster.get("settings")


def describe_with(server, include):
    [cluster] = server.boto3().describe_clusters(clusters=["demo"], include=[include])["clusters"]
    assert cluster["clusterName"] == "demo"
    assert_zero_counts(cluster)
    return cluster


def test_describe_clusters_include_settings(server):
    create_demo(server)
    cluster = describe_with(server, "SETTINGS")
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert not cluster.get("tags")
    assert not cluster.get("statistics")


def test_describe_clusters_include_statistics(server):
    create_demo(server)
    cluster = describe_with(server, "STATISTICS")
    statistics = {entry["name"]: entry["value"] for entry in cluster["statistics"]}
    assert len(statistics) == len(cluster["statistics"]), "statistic names repeat"
    for name in ("runningEC2TasksCount", "pendingEC2TasksCount", "activeEC2ServiceCount",
                 "drainingEC2ServiceCount", "runningFargateTasksCount", "pendingFargateTasksCount",
                 "activeFargateServiceCount", "drainingFargateServiceCount"):
        assert statistics.get(name) == "0", (name, statistics)
    assert all(value == "0" for value in statistics.values()), statistics
    assert not cluster.get("tags")
    assert not cluster.get("settings")


def test_describe_clusters_include_tags(server):
    create_demo(server)
    cluster = describe_with(server, "TAGS")
    assert cluster["tags"] == TAGS
    assert not cluster.get("statistics")
    assert not cluster.get("settings")


def test_describe_clusters_include_configurations(server):
    create_demo(server)
    cluster = describe_with(server, "CONFIGURATIONS")
    assert cluster["configuration"] == CONFIGURATION
    assert not cluster.get("tags")
    assert not cluster.get("statistics")


def test_describe_clusters_include_everything_with_the_aws_cli(server):
    create_demo(server)
    response = server.aws(
        "ecs", "describe-clusters", "--clusters", cluster_arn(server, "demo"), "nope",
        "--include", "SETTINGS", "STATISTICS", "TAGS", "CONFIGURATIONS")
    [cluster] = response["clusters"]
    assert response["failures"] == [{"arn": cluster_arn(server, "nope"), "reason": "MISSING"}]
    assert cluster["clusterName"] == "demo"
    assert cluster["tags"] == TAGS
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert cluster["configuration"] == CONFIGURATION
    assert cluster["statistics"] and all(entry["value"] == "0" for entry in cluster["statistics"])
    assert_zero_counts(cluster)


def test_describe_clusters_reports_unknown_names_and_arns_as_missing(server):
    create_demo(server)
    response = server.boto3().describe_clusters(clusters=["nope", "demo", cluster_arn(server, "ghost")])
    assert [cluster["clusterName"] for cluster in response["clusters"]] == ["demo"]
    assert response["failures"] == [
        {"arn": cluster_arn(server, "nope"), "reason": "MISSING"},
        {"arn": cluster_arn(server, "ghost"), "reason": "MISSING"},
    ]


def test_create_cluster_is_idempotent(server):
    ecs = server.boto3()
    first = ecs.create_cluster(clusterName="twice")["cluster"]
    second = ecs.create_cluster(clusterName="twice")["cluster"]
    assert first["clusterArn"] == second["clusterArn"] == cluster_arn(server, "twice")
    assert second["status"] == "ACTIVE"
    assert ecs.list_clusters()["clusterArns"] == [cluster_arn(server, "twice")]


def test_create_cluster_without_a_name_creates_default(server):
    cluster = server.aws("ecs", "create-cluster")["cluster"]
    assert cluster["clusterName"] == "default"
    assert cluster["clusterArn"] == cluster_arn(server, "default")
    assert cluster["status"] == "ACTIVE"
    assert_zero_counts(cluster)
    response = server.boto3().describe_clusters()
    assert response["failures"] == []
    assert [c["clusterArn"] for c in response["clusters"]] == [cluster_arn(server, "default")]


def test_describe_clusters_without_names_reports_missing_default(server):
    response = server.boto3().describe_clusters()
    assert response["clusters"] == []
    assert response["failures"] == [{"arn": cluster_arn(server, "default"), "reason": "MISSING"}]


def make_clusters(server, count=25):
    ecs = server.boto3()
    names = [f"c{index:02d}" for index in range(count)]
    for name in names:
        ecs.create_cluster(clusterName=name)
    return {cluster_arn(server, name) for name in names}


def test_list_clusters_pagination_with_boto3(server):
    expected = make_clusters(server)
    ecs = server.boto3()
    for page_size in (1, 7, 25, 100):
        seen = []
        token = None
        pages = 0
        while True:
            kwargs = {"maxResults": page_size}
            if token:
                kwargs["nextToken"] = token
            page = ecs.list_clusters(**kwargs)
            pages += 1
            assert len(page["clusterArns"]) <= page_size
            seen.extend(page["clusterArns"])
            token = page.get("nextToken")
            if not token:
                break
            assert pages <= 30, "pagination does not end"
        assert len(seen) == len(set(seen)), f"duplicates with maxResults={page_size}"
        assert set(seen) == expected, f"gaps with maxResults={page_size}"
    # Without maxResults everything fits one page (ECS's default page is 100).
    page = ecs.list_clusters()
    assert set(page["clusterArns"]) == expected and "nextToken" not in page


def test_list_clusters_pagination_with_the_aws_cli(server):
    expected = make_clusters(server)
    # The CLI follows nextToken itself: small pages, everything comes back.
    everything = server.aws("ecs", "list-clusters", "--page-size", "3")["clusterArns"]
    assert len(everything) == 25 and set(everything) == expected
    # --max-items cuts the output and hands out a token to continue from.
    seen = []
    token = None
    for _ in range(10):
        args = ["ecs", "list-clusters", "--max-items", "13", "--page-size", "4"]
        if token:
            args += ["--starting-token", token]
        page = server.aws(*args)
        assert len(page["clusterArns"]) <= 13
        seen.extend(page["clusterArns"])
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == 25
    assert set(seen) == expected


def test_list_clusters_rejects_an_invalid_next_token(server):
    make_clusters(server, 3)
    ecs = server.boto3()
    assert error_code(ecs.list_clusters, nextToken="not-a-token") == "InvalidParameterException"
    token = ecs.list_clusters(maxResults=1)["nextToken"]
    assert error_code(ecs.list_clusters, nextToken=token[::-1] + "x") == "InvalidParameterException"


@pytest.mark.parametrize("max_results", [0, 101, -1])
def test_list_clusters_rejects_max_results_out_of_range(server, max_results):
    assert error_code(server.boto3().list_clusters, maxResults=max_results) == "InvalidParameterException"


def test_delete_cluster(server):
    create_demo(server)
    ecs = server.boto3()
    ecs.create_cluster(clusterName="keep")
    deleted = server.aws("ecs", "delete-cluster", "--cluster", "demo")["cluster"]
    assert deleted["clusterArn"] == cluster_arn(server, "demo")
    assert deleted["status"] == "INACTIVE"
    assert ecs.list_clusters()["clusterArns"] == [cluster_arn(server, "keep")]
    response = ecs.describe_clusters(clusters=["demo"])
    assert response["failures"] == []
    [cluster] = response["clusters"]
    assert cluster["clusterArn"] == cluster_arn(server, "demo")
    assert cluster["status"] == "INACTIVE"
    assert error_code(ecs.delete_cluster, cluster="demo") == "ClusterNotFoundException"
    assert error_code(ecs.delete_cluster, cluster="never-existed") == "ClusterNotFoundException"


def test_delete_cluster_by_arn_then_create_again(server):
    create_demo(server)
    ecs = server.boto3()
    assert ecs.delete_cluster(cluster=cluster_arn(server, "demo"))["cluster"]["status"] == "INACTIVE"
    again = ecs.create_cluster(clusterName="demo")["cluster"]
    assert again["status"] == "ACTIVE"
    assert ecs.list_clusters()["clusterArns"] == [cluster_arn(server, "demo")]
    [cluster] = ecs.describe_clusters(clusters=["demo"])["clusters"]
    assert cluster["status"] == "ACTIVE"


def test_update_cluster_settings_merges(server):
    create_demo(server)
    ecs = server.boto3()
    updated = ecs.update_cluster_settings(
        cluster="demo", settings=[{"name": "containerInsights", "value": "disabled"}])["cluster"]
    assert updated["clusterArn"] == cluster_arn(server, "demo")
    assert updated["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    updated = ecs.update_cluster_settings(
        cluster=cluster_arn(server, "demo"), settings=[{"name": "containerInsights", "value": "enhanced"}])["cluster"]
    assert updated["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    [cluster] = ecs.describe_clusters(clusters=["demo"], include=["SETTINGS", "TAGS", "CONFIGURATIONS"])["clusters"]
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    assert cluster["tags"] == TAGS
    assert cluster["configuration"] == CONFIGURATION


def test_update_cluster_settings_rejects_a_bad_value(server):
    create_demo(server)
    ecs = server.boto3()
    assert error_code(
        ecs.update_cluster_settings, cluster="demo",
        settings=[{"name": "containerInsights", "value": "sometimes"}]) == "InvalidParameterException"
    [cluster] = ecs.describe_clusters(clusters=["demo"], include=["SETTINGS"])["clusters"]
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert error_code(
        ecs.update_cluster_settings, cluster="ghost",
        settings=[{"name": "containerInsights", "value": "enabled"}]) == "ClusterNotFoundException"


def test_update_cluster(server):
    create_demo(server)
    ecs = server.boto3()
    configuration = {"executeCommandConfiguration": {"logging": "DEFAULT"}}
    updated = ecs.update_cluster(cluster="demo", configuration=configuration)["cluster"]
    assert updated["clusterArn"] == cluster_arn(server, "demo")
    assert updated["configuration"] == configuration
    updated = ecs.update_cluster(cluster="demo", settings=[{"name": "containerInsights", "value": "disabled"}])["cluster"]
    assert updated["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    [cluster] = ecs.describe_clusters(clusters=["demo"], include=["SETTINGS", "TAGS", "CONFIGURATIONS"])["clusters"]
    assert cluster["configuration"] == configuration, "a settings-only update must keep the configuration"
    assert cluster["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    assert cluster["tags"] == TAGS
    assert cluster["status"] == "ACTIVE"
    assert error_code(ecs.update_cluster, cluster="ghost", configuration=configuration) == "ClusterNotFoundException"
    assert error_code(
        ecs.update_cluster, cluster="demo",
        settings=[{"name": "containerInsights", "value": "maybe"}]) == "InvalidParameterException"


@pytest.mark.parametrize("name", ["bad name", "bad/name", "bad:name", "ünïcode", "x" * 256, "dot.ted"])
def test_create_cluster_rejects_invalid_names(server, name):
    ecs = server.boto3()
    error = client_error(ecs.create_cluster, clusterName=name)
    assert error.response["Error"]["Code"] == "InvalidParameterException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ecs.list_clusters()["clusterArns"] == []


def test_create_cluster_accepts_the_longest_valid_name(server):
    name = "A-z_0" * 51  # 255 characters
    cluster = server.boto3().create_cluster(clusterName=name)["cluster"]
    assert cluster["clusterName"] == name
    assert cluster["clusterArn"] == cluster_arn(server, name)


def test_cluster_arn_uses_the_region_the_request_is_signed_for(server):
    import wire

    response = wire.call(server, "CreateCluster", {"clusterName": "regional"}, region="eu-west-1")
    assert response.status == 200, response
    assert response.json["cluster"]["clusterArn"] == f"arn:aws:ecs:eu-west-1:{ACCOUNT}:cluster/regional"


def test_describe_clusters_limits(server):
    ecs = server.boto3()
    assert error_code(ecs.describe_clusters, clusters=[f"c{n}" for n in range(101)]) == "InvalidParameterException"
    assert error_code(ecs.describe_clusters, clusters=["default"], include=["BOGUS"]) == "InvalidParameterException"
