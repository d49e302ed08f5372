"""TagResource, UntagResource and ListTagsForResource on clusters and task definitions."""
import pytest

from wire import error_code

ACCOUNT = "000000000000"


def region(server):
    return server.env.get("AWS_DEFAULT_REGION", "us-east-1")


def cluster_arn(server, name):
    return f"arn:aws:ecs:{region(server)}:{ACCOUNT}:cluster/{name}"


def td_arn(server, family, revision):
    return f"arn:aws:ecs:{region(server)}:{ACCOUNT}:task-definition/{family}:{revision}"


def by_key(tags):
    return sorted(tags, key=lambda tag: tag["key"])


def tags_of(ecs, arn):
    return by_key(ecs.list_tags_for_resource(resourceArn=arn)["tags"])


@pytest.fixture
def resources(server):
    """A cluster and a task definition, each created with one tag; returns (ecs, [arns])."""
    ecs = server.boto3()
    ecs.create_cluster(clusterName="tagged", tags=[{"key": "team", "value": "platform"}])
    ecs.register_task_definition(
        family="tagged", containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}],
        tags=[{"key": "team", "value": "platform"}])
    return ecs, [cluster_arn(server, "tagged"), td_arn(server, "tagged", 1)]


def test_tags_given_at_creation_are_listed(resources):
    ecs, arns = resources
    for arn in arns:
        assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "platform"}]


def test_tag_overwrite_and_untag(resources):
    ecs, arns = resources
    for arn in arns:
        ecs.tag_resource(resourceArn=arn, tags=[
            {"key": "env", "value": "dev"}, {"key": "owner", "value": "alice"}, {"key": "empty", "value": ""}])
        assert tags_of(ecs, arn) == by_key([
            {"key": "team", "value": "platform"}, {"key": "env", "value": "dev"},
            {"key": "owner", "value": "alice"}, {"key": "empty", "value": ""}])
        # The same key again overwrites its value.
        ecs.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "prod"}])
        assert {tag["key"]: tag["value"] for tag in tags_of(ecs, arn)}["env"] == "prod"
        assert len(tags_of(ecs, arn)) == 4
        # Untag removes the named keys; a key that is not there is ignored.
        ecs.untag_resource(resourceArn=arn, tagKeys=["owner", "empty", "not-there"])
        assert tags_of(ecs, arn) == by_key([{"key": "team", "value": "platform"}, {"key": "env", "value": "prod"}])
        ecs.untag_resource(resourceArn=arn, tagKeys=["team", "env"])
        assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_tags_show_up_in_describe(server, resources):
    ecs, (cluster, task_definition) = resources
    ecs.tag_resource(resourceArn=cluster, tags=[{"key": "env", "value": "dev"}])
    ecs.tag_resource(resourceArn=task_definition, tags=[{"key": "env", "value": "dev"}])
    [described] = ecs.describe_clusters(clusters=["tagged"], include=["TAGS"])["clusters"]
    assert by_key(described["tags"]) == by_key([{"key": "team", "value": "platform"}, {"key": "env", "value": "dev"}])
    response = ecs.describe_task_definition(taskDefinition="tagged:1", include=["TAGS"])
    assert by_key(response["tags"]) == by_key([{"key": "team", "value": "platform"}, {"key": "env", "value": "dev"}])


def test_tagging_with_the_aws_cli(server, resources):
    ecs, (cluster, _) = resources
    server.aws("ecs", "tag-resource", "--resource-arn", cluster, "--tags", "key=env,value=dev", "key=team,value=core")
    ecs.untag_resource(resourceArn=cluster, tagKeys=["env"])
    assert server.aws("ecs", "list-tags-for-resource", "--resource-arn", cluster)["tags"] == [
        {"key": "team", "value": "core"}]


def test_fifty_tags_allowed_fifty_one_refused(resources):
    ecs, arns = resources
    for arn in arns:
        tags = [{"key": f"k{n:02d}", "value": str(n)} for n in range(51)]
        assert error_code(ecs.tag_resource, resourceArn=arn, tags=tags) == "InvalidParameterException"
        assert tags_of(ecs, arn) == [{"key": "team", "value": "platform"}]
        # 49 new + the existing one makes 50: allowed; one more key is refused.
        ecs.tag_resource(resourceArn=arn, tags=tags[:49])
        assert len(tags_of(ecs, arn)) == 50
        assert error_code(ecs.tag_resource, resourceArn=arn, tags=[{"key": "extra", "value": "x"}]) == \
            "InvalidParameterException"
        # Overwriting an existing key keeps the count at 50: allowed.
        ecs.tag_resource(resourceArn=arn, tags=[{"key": "k00", "value": "changed"}])
        assert len(tags_of(ecs, arn)) == 50


def test_create_with_fifty_one_tags_is_refused(server):
    ecs = server.boto3()
    tags = [{"key": f"k{n:02d}", "value": str(n)} for n in range(51)]
    assert error_code(ecs.create_cluster, clusterName="many", tags=tags) == "InvalidParameterException"
    assert ecs.list_clusters()["clusterArns"] == []
    assert error_code(
        ecs.register_task_definition, family="many", tags=tags,
        containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}]) == "InvalidParameterException"
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []


@pytest.mark.parametrize("key", ["aws:team", "AWS:team", "Aws:Team"])
def test_aws_prefix_is_reserved(resources, key):
    ecs, arns = resources
    for arn in arns:
        assert error_code(ecs.tag_resource, resourceArn=arn, tags=[{"key": key, "value": "x"}]) == \
            "InvalidParameterException"
        assert tags_of(ecs, arn) == [{"key": "team", "value": "platform"}]


def test_aws_prefix_is_refused_at_creation(server):
    ecs = server.boto3()
    assert error_code(
        ecs.create_cluster, clusterName="reserved", tags=[{"key": "aws:owner", "value": "x"}]) == \
        "InvalidParameterException"
    assert ecs.list_clusters()["clusterArns"] == []


def test_tag_key_and_value_lengths(resources):
    ecs, (cluster, _) = resources
    ecs.tag_resource(resourceArn=cluster, tags=[{"key": "k" * 128, "value": "v" * 256}])
    assert error_code(ecs.tag_resource, resourceArn=cluster, tags=[{"key": "k" * 129, "value": "v"}]) == \
        "InvalidParameterException"
    assert error_code(ecs.tag_resource, resourceArn=cluster, tags=[{"key": "k", "value": "v" * 257}]) == \
        "InvalidParameterException"
    assert len(tags_of(ecs, cluster)) == 2


def test_unknown_cluster_arn_is_cluster_not_found(server):
    ecs = server.boto3()
    arn = cluster_arn(server, "ghost")
    assert error_code(ecs.tag_resource, resourceArn=arn, tags=[{"key": "a", "value": "b"}]) == \
        "ClusterNotFoundException"
    assert error_code(ecs.untag_resource, resourceArn=arn, tagKeys=["a"]) == "ClusterNotFoundException"
    assert error_code(ecs.list_tags_for_resource, resourceArn=arn) == "ClusterNotFoundException"


def test_unknown_task_definition_arn_is_not_found(server):
    ecs = server.boto3()
    arn = td_arn(server, "ghost", 1)
    assert error_code(ecs.tag_resource, resourceArn=arn, tags=[{"key": "a", "value": "b"}]) in (
        "ResourceNotFoundException", "ClientException")
    assert error_code(ecs.list_tags_for_resource, resourceArn=arn) in ("ResourceNotFoundException", "ClientException")


@pytest.mark.parametrize("arn", [
    "garbage",
    "arn:aws:ecs:us-east-1:000000000000",
    "arn:aws:ecs:us-east-1:000000000000:cluster",
    "arn:aws:ecs:us-east-1:000000000000:widget/thing",
    "arn:aws:s3:::bucket",
])
def test_malformed_arn_is_invalid_parameter(server, arn):
    ecs = server.boto3()
    assert error_code(ecs.tag_resource, resourceArn=arn, tags=[{"key": "a", "value": "b"}]) == \
        "InvalidParameterException"
    assert error_code(ecs.untag_resource, resourceArn=arn, tagKeys=["a"]) == "InvalidParameterException"
    assert error_code(ecs.list_tags_for_resource, resourceArn=arn) == "InvalidParameterException"
