"""CloudWatch's API as users drive it: the aws CLI and boto3 (awsJson 1.0, gzip-compressed
PutMetricData) and the Query protocol of older SDKs, against a real server."""
import datetime
import http.server
import json
import random
import threading
import time
import urllib.parse

import pytest

from conftest import wait_for
from wire import client_error, error_code, send, signed_headers

UTC = datetime.timezone.utc


def now():
    return datetime.datetime.now(UTC)


def minute_floor(moment):
    return moment.replace(second=0, microsecond=0)


def exact_percentile(values, p):
    """The value of rank floor(p/100 * (n - 1)) in sorted order, the rank Admiral's percentiles estimate."""
    ordered = sorted(values)
    return ordered[int(p / 100 * (len(ordered) - 1))]


@pytest.fixture
def cw(server):
    return server.boto3("cloudwatch")


def stats(cw, namespace, name, start, end, period=60, dimensions=(), **kwargs):
    return cw.get_metric_statistics(
        Namespace=namespace, MetricName=name, Dimensions=list(dimensions), StartTime=start, EndTime=end,
        Period=period, **kwargs)["Datapoints"]


def test_cli_put_metric_data_then_statistics_are_exact(server):
    start = minute_floor(now()) - datetime.timedelta(minutes=10)
    values = [3.0, 7.0, 11.0, 1.5]
    for index, value in enumerate(values):
        stamp = (start + datetime.timedelta(minutes=index % 2, seconds=5 * index)).isoformat()
        server.aws("cloudwatch", "put-metric-data", "--namespace", "Shop", "--metric-name", "Orders",
                   "--dimensions", "Store=north", "--unit", "Count", "--value", str(value), "--timestamp", stamp)
    listed = server.aws("cloudwatch", "list-metrics", "--namespace", "Shop")["Metrics"]
    assert listed == [{"Namespace": "Shop", "MetricName": "Orders",
                       "Dimensions": [{"Name": "Store", "Value": "north"}]}]
    out = server.aws(
        "cloudwatch", "get-metric-statistics", "--namespace", "Shop", "--metric-name", "Orders",
        "--dimensions", "Name=Store,Value=north", "--start-time", start.isoformat(),
        "--end-time", (start + datetime.timedelta(minutes=5)).isoformat(), "--period", "60",
        "--statistics", "Sum", "Average", "Minimum", "Maximum", "SampleCount")
    points = sorted(out["Datapoints"], key=lambda point: point["Timestamp"])
    assert out["Label"] == "Orders"
    assert [(p["SampleCount"], p["Sum"], p["Minimum"], p["Maximum"], p["Average"], p["Unit"]) for p in points] == [
        (2.0, 14.0, 3.0, 11.0, 7.0, "Count"),
        (2.0, 8.5, 1.5, 7.0, 4.25, "Count"),
    ]
    # One period over both minutes.
    total = stats(server.boto3("cloudwatch"), "Shop", "Orders", start, start + datetime.timedelta(minutes=5),
                  period=300, dimensions=[{"Name": "Store", "Value": "north"}], Statistics=["Sum", "SampleCount"])
    assert [(p["Sum"], p["SampleCount"]) for p in total] == [(22.5, 4.0)]


def test_values_and_counts_keep_their_distribution_for_percentiles(cw):
    rng = random.Random(7)
    values = [rng.expovariate(1 / 200) for _ in range(1500)]
    stamp = minute_floor(now()) - datetime.timedelta(minutes=2)
    for offset in range(0, len(values), 150):
        chunk = values[offset:offset + 150]
        cw.put_metric_data(Namespace="Latency", MetricData=[
            {"MetricName": "Response", "Timestamp": stamp, "Values": chunk, "Counts": [1.0] * len(chunk),
             "Unit": "Milliseconds"}])
    # Counts weigh values: 5 × 10 and 1 × 1000.
    cw.put_metric_data(Namespace="Latency", MetricData=[
        {"MetricName": "Weighted", "Timestamp": stamp, "Values": [10.0, 1000.0], "Counts": [5.0, 1.0]}])
    points = stats(cw, "Latency", "Response", stamp, stamp + datetime.timedelta(minutes=1),
                   ExtendedStatistics=["p50", "p90", "p99", "p99.9"], Statistics=["SampleCount", "Sum"])
    assert len(points) == 1
    point = points[0]
    assert point["SampleCount"] == 1500
    assert point["Sum"] == pytest.approx(sum(values), rel=1e-9)
    for name, p in [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9)]:
        assert point["ExtendedStatistics"][name] == pytest.approx(exact_percentile(values, p), rel=0.01), name
    weighted = stats(cw, "Latency", "Weighted", stamp, stamp + datetime.timedelta(minutes=1),
                     Statistics=["SampleCount", "Average"], ExtendedStatistics=["p50"])[0]
    assert weighted["SampleCount"] == 6
    assert weighted["Average"] == pytest.approx((50 + 1000) / 6)
    assert weighted["ExtendedStatistics"]["p50"] == pytest.approx(10.0, rel=0.01)


def test_large_put_metric_data_arrives_gzipped_and_is_stored(cw):
    captured = {}

    def capture(request, **_):
        captured["encoding"] = request.headers.get("Content-Encoding")

    cw.meta.events.register("before-send.cloudwatch.PutMetricData", capture)
    stamp = minute_floor(now()) - datetime.timedelta(minutes=1)
    data = [{"MetricName": f"m{n}", "Dimensions": [{"Name": "Shard", "Value": str(n)}], "Timestamp": stamp,
             "Values": [float(v) for v in range(150)], "Counts": [1.0] * 150} for n in range(20)]
    cw.put_metric_data(Namespace="Bulk", MetricData=data)
    assert captured["encoding"] in ("gzip", b"gzip")
    names = {metric["MetricName"] for metric in cw.list_metrics(Namespace="Bulk")["Metrics"]}
    assert names == {f"m{n}" for n in range(20)}
    point = stats(cw, "Bulk", "m7", stamp, stamp + datetime.timedelta(minutes=1),
                  dimensions=[{"Name": "Shard", "Value": "7"}], Statistics=["Sum", "SampleCount", "Maximum"])[0]
    assert (point["Sum"], point["SampleCount"], point["Maximum"]) == (sum(range(150)), 150, 149)


@pytest.mark.parametrize("datum,namespace,code", [
    ({"MetricName": "m", "Value": 1.0, "Dimensions": [{"Name": f"d{n}", "Value": "v"} for n in range(31)]},
     "Mine", "InvalidParameterValue"),
    ({"MetricName": "m", "Value": 1.0}, "AWS/ECS", "InvalidParameterValue"),
    ({"MetricName": "m", "Value": 1.0, "Timestamp": "PAST"}, "Mine", "InvalidParameterValue"),
    ({"MetricName": "m", "Value": 1.0, "Timestamp": "FUTURE"}, "Mine", "InvalidParameterValue"),
    ({"MetricName": "m"}, "Mine", "InvalidParameterCombination"),
    ({"MetricName": "m", "Value": 1.0, "Values": [1.0]}, "Mine", "InvalidParameterCombination"),
    ({"MetricName": "m", "Values": [1.0, 2.0], "Counts": [1.0]}, "Mine", "InvalidParameterValue"),
    ({"MetricName": "m", "Value": 1.0, "StorageResolution": 5}, "Mine", "InvalidParameterValue"),
])
def test_bad_put_metric_data_is_refused_and_stores_nothing(cw, datum, namespace, code):
    datum = dict(datum)
    if datum.get("Timestamp") == "PAST":
        datum["Timestamp"] = now() - datetime.timedelta(days=15)
    if datum.get("Timestamp") == "FUTURE":
        datum["Timestamp"] = now() + datetime.timedelta(hours=3)
    good = {"MetricName": "good", "Value": 1.0}
    assert error_code(cw.put_metric_data, Namespace=namespace, MetricData=[good, datum]) == code
    assert cw.list_metrics()["Metrics"] == []


def test_wrong_types_and_bad_periods_get_cloudwatch_errors(server, cw):
    body = json.dumps({"Namespace": "Mine", "MetricData": [{"MetricName": "m", "Value": "high"}]}).encode()
    headers = signed_headers(
        server.endpoint, body, "GraniteServiceVersion20100801.PutMetricData", server.env["AWS_ACCESS_KEY_ID"],
        server.env["AWS_SECRET_ACCESS_KEY"], service="monitoring", content_type="application/x-amz-json-1.0")
    response = send(server.endpoint, "POST", "/", body=body, headers=headers)
    assert response.status == 400
    assert response.header("x-amzn-query-error") == "InvalidParameterValue;Sender"
    assert "MetricData.member.1.Value" in response.json["message"]
    start = now() - datetime.timedelta(hours=1)
    error = client_error(cw.get_metric_statistics, Namespace="Mine", MetricName="m", StartTime=start,
                         EndTime=now(), Period=45, Statistics=["Sum"])
    assert error.response["Error"]["Code"] == "InvalidParameterValue"
    assert error_code(cw.get_metric_statistics, Namespace="Mine", MetricName="m",
                      StartTime=now() - datetime.timedelta(days=2), EndTime=now(), Period=60,
                      Statistics=["Sum"]) == "InvalidParameterCombination"
    assert cw.list_metrics()["Metrics"] == []
    # A constant over two days at 1-second periods would be 172,800 datapoints: refused.
    assert error_code(cw.get_metric_data, StartTime=now() - datetime.timedelta(days=2), EndTime=now(),
                      MetricDataQueries=[{"Id": "flat", "Expression": "1", "Period": 1}]) == "InvalidParameterValue"


def test_get_metric_data_with_metric_math(cw):
    base = minute_floor(now()) - datetime.timedelta(minutes=6)
    for minute in range(5):
        stamp = base + datetime.timedelta(minutes=minute)
        cw.put_metric_data(Namespace="App", MetricData=[
            {"MetricName": "Errors", "Timestamp": stamp, "Value": float(minute)},
            {"MetricName": "Requests", "Timestamp": stamp, "Value": 10.0 * (minute + 1)},
        ])

    def stat(query_id, name):
        return {"Id": query_id, "ReturnData": False,
                "MetricStat": {"Metric": {"Namespace": "App", "MetricName": name}, "Period": 60, "Stat": "Sum"}}

    result = cw.get_metric_data(
        StartTime=base, EndTime=base + datetime.timedelta(minutes=5), ScanBy="TimestampAscending",
        MetricDataQueries=[
            stat("errors", "Errors"), stat("requests", "Requests"),
            {"Id": "rate", "Expression": "100 * errors / requests", "Label": "Error rate"},
            {"Id": "total", "Expression": "SUM(METRICS())"},
            {"Id": "growth", "Expression": "DIFF(requests)"},
        ])
    by_id = {item["Id"]: item for item in result["MetricDataResults"]}
    assert set(by_id) == {"rate", "total", "growth"}
    assert by_id["rate"]["Label"] == "Error rate"
    assert by_id["rate"]["Values"] == pytest.approx([0.0, 5.0, 100 * 2 / 30, 7.5, 8.0])
    assert by_id["total"]["Values"] == pytest.approx([10.0, 21.0, 32.0, 43.0, 54.0])
    assert by_id["growth"]["Values"] == pytest.approx([10.0, 10.0, 10.0, 10.0])
    assert all(item["StatusCode"] == "Complete" for item in result["MetricDataResults"])
    # Pages of MaxDatapoints, newest first by default.
    first = cw.get_metric_data(StartTime=base, EndTime=base + datetime.timedelta(minutes=5), MaxDatapoints=3,
                               MetricDataQueries=[{**stat("errors", "Errors"), "ReturnData": True}])
    assert first["MetricDataResults"][0]["Values"] == [4.0, 3.0, 2.0]
    second = cw.get_metric_data(StartTime=base, EndTime=base + datetime.timedelta(minutes=5), MaxDatapoints=3,
                                NextToken=first["NextToken"],
                                MetricDataQueries=[{**stat("errors", "Errors"), "ReturnData": True}])
    assert second["MetricDataResults"][0]["Values"] == [1.0, 0.0]
    assert "NextToken" not in second


def test_alarm_goes_to_alarm_and_back_with_reasons_and_history(cw):
    cw.put_metric_alarm(
        AlarmName="hot", Namespace="Load", MetricName="Cpu", Statistic="Average", Period=10, EvaluationPeriods=2,
        DatapointsToAlarm=2, Threshold=50.0, ComparisonOperator="GreaterThanThreshold")
    alarm = cw.describe_alarms(AlarmNames=["hot"])["MetricAlarms"][0]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    assert alarm["AlarmArn"].endswith(":alarm:hot")

    def publish(value, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            cw.put_metric_data(Namespace="Load", MetricData=[
                {"MetricName": "Cpu", "Value": value, "StorageResolution": 1}])
            time.sleep(1)

    def state():
        return cw.describe_alarms(AlarmNames=["hot"])["MetricAlarms"][0]

    publish(90.0, 25)
    wait_for("the alarm to fire", lambda: state()["StateValue"] == "ALARM", timeout=30)
    fired = state()
    assert fired["StateReason"].startswith("Threshold Crossed: 2 out of the last 2 datapoints")
    assert "greater than the threshold (50.0)" in fired["StateReason"]
    data = json.loads(fired["StateReasonData"])
    assert data["threshold"] == 50.0 and data["period"] == 10 and data["statistic"] == "Average"
    publish(10.0, 25)
    wait_for("the alarm to recover", lambda: state()["StateValue"] == "OK", timeout=30)
    history = cw.describe_alarm_history(AlarmName="hot", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
    summaries = [item["HistorySummary"] for item in history]
    assert "Alarm updated from ALARM to OK" in summaries
    assert "Alarm updated from INSUFFICIENT_DATA to ALARM" in summaries or \
        "Alarm updated from OK to ALARM" in summaries
    configuration = cw.describe_alarm_history(AlarmName="hot", HistoryItemType="ConfigurationUpdate")
    assert len(configuration["AlarmHistoryItems"]) == 1


def test_alarm_api_errors_and_composites(cw):
    assert error_code(cw.put_metric_alarm, AlarmName="a", Namespace="N", MetricName="m", Statistic="Sum",
                      Period=45, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold") \
        == "InvalidParameterValue"
    assert error_code(cw.put_metric_alarm, AlarmName="a", Namespace="N", MetricName="m", Statistic="Sum",
                      Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
                      AlarmActions=["arn:aws:sns:us-east-1:000000000000:nobody"]) == "InvalidParameterValue"
    assert cw.describe_alarms()["MetricAlarms"] == []
    # With no data, TreatMissingData decides: breaching fires, notBreaching stays OK.
    for name in ("child-a", "child-b"):
        cw.put_metric_alarm(AlarmName=name, Namespace="N", MetricName=name, Statistic="Sum", Period=10,
                            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
                            TreatMissingData="breaching")
    assert error_code(cw.put_composite_alarm, AlarmName="both", AlarmRule="ALARM(child-a) AND ALARM(missing)") \
        == "InvalidParameterValue"
    cw.put_composite_alarm(AlarmName="both", AlarmRule='ALARM("child-a") AND ALARM(child-b)')

    def composite():
        return cw.describe_alarms(AlarmNames=["both"], AlarmTypes=["CompositeAlarm"])["CompositeAlarms"][0]

    wait_for("the composite to fire", lambda: composite()["StateValue"] == "ALARM", timeout=30)
    cw.put_metric_alarm(AlarmName="child-b", Namespace="N", MetricName="child-b", Statistic="Sum", Period=10,
                        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
                        TreatMissingData="notBreaching")
    wait_for("the composite to recover", lambda: composite()["StateValue"] == "OK", timeout=30)
    # SetAlarmState holds until the next evaluation; its change is in the history either way.
    cw.set_alarm_state(AlarmName="child-b", StateValue="ALARM", StateReason="testing the pager")
    history = cw.describe_alarm_history(AlarmName="child-b", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
    assert any(json.loads(item["HistoryData"])["newState"]["stateReason"] == "testing the pager"
               for item in history)
    # Metric alarms only, unless AlarmTypes asks.
    assert [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]] == ["child-a", "child-b"]
    assert cw.describe_alarms()["CompositeAlarms"] == []
    assert error_code(cw.delete_alarms, AlarmNames=["child-a"]) == "InvalidParameterValue"
    assert error_code(cw.delete_alarms, AlarmNames=["nope"]) == "ResourceNotFound"
    cw.delete_alarms(AlarmNames=["both", "child-a"])
    assert [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]] == ["child-b"]
    arn = cw.describe_alarms()["MetricAlarms"][0]["AlarmArn"]
    cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "ops"}])
    assert cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "ops"}]


def test_dashboards(cw):
    body = json.dumps({"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
                                    "properties": {"metrics": [["AWS/ECS", "CPUUtilization"]], "region": "us-east-1"}}]})
    assert cw.put_dashboard(DashboardName="ops", DashboardBody=body)["DashboardValidationMessages"] == []
    assert cw.get_dashboard(DashboardName="ops")["DashboardBody"] == body
    assert error_code(cw.put_dashboard, DashboardName="bad", DashboardBody='{"widgets": [{"type": "nope"}]}') \
        == "InvalidParameterInput"
    assert [entry["DashboardName"] for entry in cw.list_dashboards()["DashboardEntries"]] == ["ops"]
    assert error_code(cw.delete_dashboards, DashboardNames=["ops", "ghost"]) == "ResourceNotFound"
    cw.delete_dashboards(DashboardNames=["ops"])
    assert cw.list_dashboards()["DashboardEntries"] == []


def query(server, params):
    body = urllib.parse.urlencode({**params, "Version": "2010-08-01"}).encode()
    headers = signed_headers(
        server.endpoint, body, None, server.env["AWS_ACCESS_KEY_ID"], server.env["AWS_SECRET_ACCESS_KEY"],
        service="monitoring", content_type="application/x-www-form-urlencoded; charset=utf-8")
    return send(server.endpoint, "POST", "/", body=body, headers=headers)


def test_query_protocol_for_older_sdks(server, cw):
    stamp = minute_floor(now()) - datetime.timedelta(minutes=1)
    response = query(server, {
        "Action": "PutMetricData", "Namespace": "Legacy", "MetricData.member.1.MetricName": "Hits",
        "MetricData.member.1.Value": "4", "MetricData.member.1.Timestamp": stamp.isoformat()})
    assert response.status == 200, response.body
    assert b"<PutMetricDataResponse" in response.body
    response = query(server, {
        "Action": "GetMetricStatistics", "Namespace": "Legacy", "MetricName": "Hits",
        "StartTime": stamp.isoformat(), "EndTime": (stamp + datetime.timedelta(minutes=1)).isoformat(),
        "Period": "60", "Statistics.member.1": "Sum"})
    assert response.status == 200, response.body
    assert b"<Sum>4.0</Sum>" in response.body
    response = query(server, {"Action": "PutMetricData", "Namespace": "AWS/EC2",
                              "MetricData.member.1.MetricName": "Hits", "MetricData.member.1.Value": "4"})
    assert response.status == 400
    assert b"<Code>InvalidParameterValue</Code>" in response.body


def test_acknowledged_datapoints_survive_sigkill(make_server):
    server = make_server()
    cw = server.boto3("cloudwatch")
    stamp = minute_floor(now()) - datetime.timedelta(minutes=1)
    cw.put_metric_data(Namespace="Durable", MetricData=[{"MetricName": "kept", "Value": 42.0, "Timestamp": stamp}])
    server.kill()
    again = make_server(data_dir=server.data_dir)
    points = stats(again.boto3("cloudwatch"), "Durable", "kept", stamp, stamp + datetime.timedelta(minutes=1),
                   Statistics=["Sum"])
    assert [point["Sum"] for point in points] == [42.0]


class FlakyBackend:
    """An HTTP target of the test's own: `/fail` answers 500, everything else 200."""

    def __init__(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                status = 500 if self.path == "/fail" else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_load_balancer_metrics_count_what_clients_sent(make_server):
    from test_load_balancing import balancer, free_port, get, target_group, unique

    server = make_server(extra_args=["--metrics-interval", "1"])
    elb, cw = server.boto3("elbv2"), server.boto3("cloudwatch")
    backend = FlakyBackend()
    try:
        group = target_group(elb, unique("tg"), HealthCheckIntervalSeconds=5)
        port = free_port()
        lb, _ = balancer(elb, unique("lb"), port, group)
        elb.register_targets(TargetGroupArn=group, Targets=[{"Id": "127.0.0.1", "Port": backend.port}])
        wait_for("the target to be healthy", lambda: elb.describe_target_health(TargetGroupArn=group)[
            "TargetHealthDescriptions"][0]["TargetHealth"]["State"] == "healthy")
        start = now() - datetime.timedelta(minutes=1)
        sent = {"/": 32, "/fail": 5}
        for path, times in sent.items():
            for _ in range(times):
                status, _ = get(f"http://{lb['DNSName']}:{port}{path}")
                assert status == (500 if path == "/fail" else 200)
        lb_dimension = [{"Name": "LoadBalancer", "Value": lb["LoadBalancerArn"].split(":loadbalancer/")[1]}]

        def total(name):
            points = stats(cw, "AWS/ApplicationELB", name, start, now() + datetime.timedelta(minutes=1), period=300,
                           dimensions=lb_dimension, Statistics=["Sum"])
            return sum(point["Sum"] for point in points)

        wait_for("RequestCount to reach what was sent", lambda: total("RequestCount") == 37, timeout=20)
        assert total("HTTPCode_Target_5XX_Count") == 5
        assert total("HTTPCode_Target_2XX_Count") == 32
        times = stats(cw, "AWS/ApplicationELB", "TargetResponseTime", start, now() + datetime.timedelta(minutes=1),
                      period=300, dimensions=lb_dimension, Statistics=["SampleCount", "Maximum"],
                      ExtendedStatistics=["p50", "p99"])
        assert sum(point["SampleCount"] for point in times) == 37
        assert all(0 < point["ExtendedStatistics"]["p50"] <= point["ExtendedStatistics"]["p99"] < 5 for point in times)
        # ALB's dimension values: app/NAME/ID and targetgroup/NAME/ID.
        per_target = cw.list_metrics(Namespace="AWS/ApplicationELB", MetricName="RequestCountPerTarget")["Metrics"]
        assert per_target[0]["Dimensions"] == [
            {"Name": "TargetGroup", "Value": "targetgroup/" + group.split(":targetgroup/")[1]}]
        names = {metric["MetricName"] for metric in cw.list_metrics(Namespace="AWS/ApplicationELB")["Metrics"]}
        assert {"RequestCount", "RequestCountPerTarget", "HealthyHostCount", "UnHealthyHostCount",
                "ActiveConnectionCount", "NewConnectionCount", "TargetResponseTime"} <= names
    finally:
        backend.server.shutdown()


def test_prometheus_endpoint_serves_the_servers_health_off_the_aws_port(make_server):
    import urllib.request

    from test_load_balancing import free_port

    port = free_port()
    server = make_server(extra_args=["--prometheus-port", str(port), "--metrics-interval", "1"])
    cw = server.boto3("cloudwatch")
    cw.list_metrics()
    assert error_code(cw.put_metric_data, Namespace="AWS/X", MetricData=[{"MetricName": "m", "Value": 1.0}]) \
        == "InvalidParameterValue"

    def scrape():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            assert response.headers["Content-Type"].startswith("text/plain")
            return response.read().decode()

    text = scrape()
    assert 'admiral_requests_total{service="monitoring",operation="ListMetrics",status="200"} 1' in text
    assert 'admiral_requests_total{service="monitoring",operation="PutMetricData",status="400"} 1' in text
    assert 'admiral_request_duration_seconds_count{service="monitoring",operation="ListMetrics"} 1' in text
    assert "admiral_agents_connected 0" in text
    wait_for("an alarm controller pass", lambda: 'admiral_controller_passes_total{controller="alarm"}' in scrape())
    # Names a client makes up are not labels: an unknown operation counts as "unknown".
    body = b"{}"
    headers = signed_headers(
        server.endpoint, body, "GraniteServiceVersion20100801.MadeUpOperation", server.env["AWS_ACCESS_KEY_ID"],
        server.env["AWS_SECRET_ACCESS_KEY"], service="monitoring", content_type="application/x-amz-json-1.0")
    assert send(server.endpoint, "POST", "/", body=body, headers=headers).status == 400
    text = scrape()
    assert "MadeUpOperation" not in text
    assert 'admiral_requests_total{service="monitoring",operation="unknown",status="400"} 1' in text
    # The AWS port does not serve it.
    assert send(server.endpoint, "GET", "/metrics").status == 404


def test_put_metric_data_over_one_megabyte_is_refused(cw):
    # 1,000 metric data with long names: about 1.3 MB of JSON (gzipped on the wire).
    data = [{"MetricName": f"m{n}-" + "x" * 250, "Value": 1.0,
             "Dimensions": [{"Name": "Host", "Value": "h" * 1000}]} for n in range(1000)]
    error = client_error(cw.put_metric_data, Namespace="Big", MetricData=data)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert cw.list_metrics()["Metrics"] == []
