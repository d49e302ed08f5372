"""Hand-written valid inputs for the operations whose random inputs rarely succeed, so
that the fuzz reaches their success paths (and the resources later calls name exist).
Each takes (pick, rng, n): `pick(name, fallback)` chooses a known value by member name."""
import time


def _container(rng):
    return {"name": "app", "image": "admiral-test/busybox:latest", "memory": rng.choice([16, 64, 128]),
            "essential": True, "command": ["sleep", "3600"],
            "portMappings": [{"containerPort": 8080, "hostPort": 0, "protocol": "tcp"}]}


ECS = {
    "CreateCluster": lambda pick, rng, n: {"clusterName": f"fz-cluster-{n}"},
    "RegisterTaskDefinition": lambda pick, rng, n: {
        "family": pick("family", f"fz-family-{n}"), "containerDefinitions": [_container(rng)],
        "networkMode": rng.choice(["bridge", "host"])},
    "RegisterContainerInstance": lambda pick, rng, n: {
        "cluster": pick("cluster", "default"),
        "totalResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 4096},
            {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22"]},
        ],
        "attributes": [{"name": "ecs.availability-zone", "value": rng.choice(["us-east-1a", "us-east-1b"])}]},
    "CreateService": lambda pick, rng, n: {
        "cluster": pick("cluster", "default"), "serviceName": f"fz-service-{n}",
        "taskDefinition": pick("taskDefinitionArn", "fz-family-1"), "desiredCount": rng.randint(0, 3)},
    "UpdateService": lambda pick, rng, n: {
        "cluster": pick("cluster", "default"), "service": pick("serviceName", "fz-service-1"),
        "desiredCount": rng.choice([0, 1, 2, 5000, 2147483647])},
    "RunTask": lambda pick, rng, n: {
        "cluster": pick("cluster", "default"), "taskDefinition": pick("taskDefinitionArn", "fz-family-1"),
        "count": rng.randint(1, 10)},
}

ELBV2 = {
    "CreateTargetGroup": lambda pick, rng, n: {
        "Name": f"fz-tg-{n}", "Protocol": "HTTP", "Port": 8080, "VpcId": "vpc-00000000",
        "TargetType": rng.choice(["instance", "ip"]), "HealthCheckPath": "/"},
    "CreateLoadBalancer": lambda pick, rng, n: {
        "Name": f"fz-lb-{n}", "Subnets": ["subnet-00000001", "subnet-00000002"], "Type": "application"},
    "CreateListener": lambda pick, rng, n: {
        "LoadBalancerArn": pick("LoadBalancerArn", "arn:none"), "Protocol": "HTTP", "Port": rng.randint(20000, 60000),
        "DefaultActions": [{"Type": "forward", "TargetGroupArn": pick("TargetGroupArn", "arn:none")}]},
    "RegisterTargets": lambda pick, rng, n: {
        "TargetGroupArn": pick("TargetGroupArn", "arn:none"),
        "Targets": [{"Id": "127.0.0.1", "Port": rng.randint(20000, 60000)}]},
}

CLOUDWATCH = {
    "PutMetricData": lambda pick, rng, n: {
        "Namespace": "Fuzz", "MetricData": [
            {"MetricName": f"m{rng.randint(0, 5)}", "Value": rng.uniform(0, 100), "Unit": "Count",
             "Dimensions": [{"Name": "d", "Value": str(rng.randint(0, 3))}]}]},
    "PutMetricAlarm": lambda pick, rng, n: {
        "AlarmName": f"fz-alarm-{n}", "MetricName": "m1", "Namespace": "Fuzz", "Statistic": "Average",
        "Period": 60, "EvaluationPeriods": 1, "Threshold": 50.0, "ComparisonOperator": "GreaterThanThreshold"},
    "PutDashboard": lambda pick, rng, n: {"DashboardName": f"fz-dash-{n}", "DashboardBody": '{"widgets":[]}'},
}

LOGS = {
    "CreateLogGroup": lambda pick, rng, n: {"logGroupName": f"/fz/group-{n}"},
    "CreateLogStream": lambda pick, rng, n: {
        "logGroupName": pick("logGroupName", "/fz/group-1"), "logStreamName": f"stream-{n}"},
    "PutLogEvents": lambda pick, rng, n: {
        "logGroupName": pick("logGroupName", "/fz/group-1"), "logStreamName": pick("logStreamName", "stream-1"),
        "logEvents": [{"timestamp": int(time.time() * 1000), "message": "fuzz"}]},
}

AUTOSCALING = {
    "RegisterScalableTarget": lambda pick, rng, n: {
        "ServiceNamespace": "ecs", "ScalableDimension": "ecs:service:DesiredCount",
        "ResourceId": f"service/{pick('clusterName', 'default')}/{pick('serviceName', 'fz-service-1')}",
        "MinCapacity": 0, "MaxCapacity": rng.randint(1, 10)},
}

SEEDS = {"ecs": ECS, "elbv2": ELBV2, "cloudwatch": CLOUDWATCH, "logs": LOGS, "application-autoscaling": AUTOSCALING}


def seed_for(service, operation):
    return SEEDS.get(service, {}).get(operation)
