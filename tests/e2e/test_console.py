"""The web console in a real browser: Debian's headless Chromium driven by Selenium
(through Debian's chromedriver; nothing is downloaded), against the real `admiral`
binary with real containers. Sign-in with good and bad keys, a rolling deployment seen
progressing on the service page without a reload, scaling and stopping a task from the
page (checked through boto3), a task definition holding a <script> rendered inert, and
POSTs without the anti-CSRF token or a session refused. Screenshots of each page are kept
in tests/e2e/artifacts/console/ (git ignores the folder)."""
import http.cookiejar
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from conftest import TEST_IMAGE, wait_for

FAST = ["--service-healthy-after", "1", "--agent-disconnect-after", "2", "--instance-lost-after", "4"]
ARTIFACTS = os.environ.get(
    "ADMIRAL_CONSOLE_ARTIFACTS",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts", "console"))


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def browser():
    """A headless Chromium; under the test command a missing browser is a failure."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed; scripts/install-test-deps installs it")
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("chromium or chromedriver is missing; scripts/install-test-deps installs Debian's")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch a browser or driver.
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1600"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    os.makedirs(ARTIFACTS, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture
def fast_server(make_server):
    return make_server(extra_args=FAST)


def screenshot(driver, name):
    driver.save_screenshot(os.path.join(ARTIFACTS, f"{name}.png"))


def sign_in(driver, server, key_id=None, secret=None):
    from selenium.webdriver.common.by import By
    driver.get(server.endpoint + "/console/")
    assert driver.current_url.endswith("/console/sign-in")
    driver.find_element(By.NAME, "accessKeyId").send_keys(key_id or server.env["AWS_ACCESS_KEY_ID"])
    driver.find_element(By.NAME, "secretAccessKey").send_keys(secret or server.env["AWS_SECRET_ACCESS_KEY"])
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    if not (key_id or secret):
        wait_for("the clusters page after signing in", lambda: driver.current_url.endswith("/console/"), timeout=10)


def text(driver, selector):
    """The text of the first element matching a CSS selector, or "" (also while a page loads)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    try:
        return driver.find_element(By.CSS_SELECTOR, selector).text
    except WebDriverException:
        return ""


def submit(driver, form_name, **fields):
    """Fills and submits the console form named `form_name` (its data-form attribute);
    again when a live update replaced the form while it was being filled."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    for _ in range(5):
        try:
            form = driver.find_element(By.CSS_SELECTOR, f'form[data-form="{form_name}"]')
            for name, value in fields.items():
                field = form.find_element(By.NAME, name)
                field.clear()
                field.send_keys(str(value))
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            return
        except StaleElementReferenceException:
            continue
    raise AssertionError(f"the {form_name} form kept changing under the test")


# What the service page shows, read in one go by the page's own JavaScript (so a live
# update cannot swap the elements out halfway through reading them).
READ_SERVICE_PAGE = """
const count = (name) => {
  const node = document.querySelector('#counts [data-count="' + name + '"] .value');
  return node ? node.textContent : null;
};
return {
  marker: window.consoleTestMarker || null,
  desired: count('desired'), pending: count('pending'), running: count('running'),
  deployments: Array.from(document.querySelectorAll('#deployments tbody tr')).map(
    (row) => Array.from(row.cells).map((cell) => cell.textContent)),
};
"""


def read_service_page(driver):
    return driver.execute_script(READ_SERVICE_PAGE)


def sleeper(ecs, family, version):
    ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": "app", "image": TEST_IMAGE, "memory": 32, "stopTimeout": 2,
         "environment": [{"name": "VERSION", "value": str(version)}],
         "command": ["sh", "-c", "echo \"hello from version $VERSION\"; trap 'exit 0' TERM; "
                     "while true; do sleep 1; done"],
         "logConfiguration": {"logDriver": "awslogs", "options": {
             "awslogs-group": f"/ecs/{family}", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs",
             "awslogs-create-group": "true"}}}])


def describe(ecs, cluster, name):
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]


def test_sign_in_with_bad_and_good_keys_and_sign_out(server, browser):
    from selenium.webdriver.common.by import By
    sign_in(browser, server, secret="wrong-secret-key")
    # The refused form comes back as a new page: wait for it (a busy machine answers later).
    error = wait_for("the sign-in form's error", lambda: text(browser, "p.error"), timeout=10)
    assert "wrong" in error
    assert browser.current_url.endswith("/console/sign-in")
    assert browser.get_cookie("admiral_console") is None
    screenshot(browser, "01-sign-in-refused")

    sign_in(browser, server)
    wait_for("the clusters page", lambda: text(browser, "h1") == "Clusters", timeout=10)
    cookie = browser.get_cookie("admiral_console")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict" and "expiry" in cookie
    assert "Signed in as" in browser.find_element(By.CSS_SELECTOR, "header .who").text
    screenshot(browser, "02-clusters")

    browser.find_element(By.CSS_SELECTOR, 'form[action="/console/sign-out"] button').click()
    wait_for("the sign-in form", lambda: browser.current_url.endswith("/console/sign-in"), timeout=10)
    browser.get(server.endpoint + "/console/")
    assert browser.current_url.endswith("/console/sign-in")


def test_a_rolling_deployment_scaling_and_stopping_a_task_from_the_page(fast_server, make_agent, browser):
    from selenium.webdriver.common.by import By
    server = fast_server
    ecs = server.boto3()
    cluster = unique("console")
    ecs.create_cluster(clusterName=cluster)
    for zone in ("us-east-1a", "us-east-1b"):
        make_agent(server, cluster, ["--availability-zone", zone, "--memory", "1024", "--metrics-interval", "1"]).arn()
    sleeper(ecs, "console-app", 1)
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="console-app", desiredCount=2)

    server.boto3("cloudwatch").put_metric_alarm(
        AlarmName="web-cpu-high", Namespace="AWS/ECS", MetricName="CPUUtilization", Statistic="Average",
        Dimensions=[{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": "web"}],
        Period=60, EvaluationPeriods=1, Threshold=80, ComparisonOperator="GreaterThanThreshold")

    sign_in(browser, server)
    browser.get(f"{server.endpoint}/console/clusters/{cluster}")
    wait_for("both instances on the cluster page",
             lambda: len(browser.find_elements(By.CSS_SELECTOR, ".card.instance")) == 2, timeout=30)
    browser.get(f"{server.endpoint}/console/clusters/{cluster}/services/web")
    browser.execute_script("window.consoleTestMarker = 'no reload';")
    # The alarm's threshold is drawn on the CPU chart.
    assert browser.find_elements(By.CSS_SELECTOR, "#metrics svg line.threshold")
    assert "web-cpu-high" in text(browser, "#metrics")

    # The page follows the first deployment to its steady state without a reload.
    def steady_on_page(revision):
        page = read_service_page(browser)
        api = describe(ecs, cluster, "web")
        done = (len(page["deployments"]) == 1 and page["deployments"][0][7].startswith("COMPLETED")
                and page["deployments"][0][2] == f"console-app:{revision}"
                and page["running"] == str(api["runningCount"]) == page["desired"])
        return page if done else None
    wait_for("the first deployment completed on the page", lambda: steady_on_page(1), timeout=120, interval=0.2)
    screenshot(browser, "03-service-steady")

    # A rolling deployment to revision 2: the page shows both deployments, then the new
    # one alone, completed, with the counts describe-services gives.
    sleeper(ecs, "console-app", 2)
    ecs.update_service(cluster=cluster, service="web", taskDefinition="console-app:2")
    seen = []

    def rolling_on_page():
        page = read_service_page(browser)
        seen.append(page)
        return page if len(page["deployments"]) == 2 else None
    wait_for("two deployments on the page", rolling_on_page, timeout=60, interval=0.1)
    screenshot(browser, "04-service-rolling")
    wait_for("the second deployment completed on the page", lambda: steady_on_page(2), timeout=180,
             interval=0.2)
    final = read_service_page(browser)
    assert final["marker"] == "no reload", "the page was reloaded"
    states = {tuple(row[1] for row in page["deployments"]) for page in seen}
    assert ("PRIMARY", "ACTIVE") in states, states
    api = describe(ecs, cluster, "web")
    assert api["taskDefinition"].endswith("console-app:2")
    assert (final["desired"], final["running"]) == (str(api["desiredCount"]), str(api["runningCount"]))
    events = browser.execute_script(
        "return Array.from(document.querySelectorAll('#events li')).map((item) => item.innerText);")
    assert any("has reached a steady state" in e for e in events), events

    # Scale from the page; the API sees the new desired count, and the page shows the
    # third task running without another reload.
    submit(browser, "scale", desiredCount=3)
    wait_for("the desired count in the API", lambda: describe(ecs, cluster, "web")["desiredCount"] == 3,
             timeout=10)
    wait_for("the page after the form", lambda: read_service_page(browser)["desired"] == "3", timeout=10)
    browser.execute_script("window.consoleTestMarker = 'scaled';")
    wait_for("three running on the page", lambda: read_service_page(browser)["running"] == "3", timeout=120,
             interval=0.2)
    assert read_service_page(browser)["marker"] == "scaled"
    assert describe(ecs, cluster, "web")["runningCount"] == 3
    screenshot(browser, "05-service-scaled")

    # A change made through the API reaches the open page without a reload (how fast is
    # the console benchmark's figure, benchmarks/console/run.py, not this test's).
    ecs.update_service(cluster=cluster, service="web", desiredCount=2)
    wait_for("the API's change on the page", lambda: read_service_page(browser)["desired"] == "2", timeout=30,
             interval=0.02)
    assert read_service_page(browser)["marker"] == "scaled"
    wait_for("two running on the page", lambda: read_service_page(browser)["running"] == "2", timeout=60,
             interval=0.2)

    browser.get(f"{server.endpoint}/console/clusters/{cluster}")
    wait_for("two tasks on the cluster page",
             lambda: len(browser.find_elements(By.CSS_SELECTOR, ".task-list li")) == 2, timeout=30)
    # The agents report the tasks' use every second; the bars show it beside the reservation.
    wait_for("the tasks' memory use on the cluster page", lambda: " used of " in text(browser, "#instances"),
             timeout=30)
    screenshot(browser, "06-cluster")

    # Stop a task from its page.
    arns = ecs.list_tasks(cluster=cluster, serviceName="web")["taskArns"]
    task_id = arns[0].split("/")[-1]
    browser.get(f"{server.endpoint}/console/clusters/{cluster}/tasks/{task_id}")
    wait_for("the container on the task page", lambda: text(browser, "#containers tbody td") == "app", timeout=10)
    # The container's output, shipped by the agent to CloudWatch Logs, shows on the page.
    wait_for("the container's log line", lambda: "hello from version 2" in text(browser, "#logs"), timeout=30)
    screenshot(browser, "07-task-running")
    submit(browser, "stop")
    task = wait_for("the task stopped", lambda: (lambda t: t if t["lastStatus"] == "STOPPED" else None)(
        ecs.describe_tasks(cluster=cluster, tasks=[task_id])["tasks"][0]), timeout=60, interval=0.2)
    assert task["desiredStatus"] == "STOPPED"
    assert task["stoppedReason"].startswith("Stopped from the console by ")
    wait_for("STOPPED on the task page", lambda: "STOPPED" in text(browser, "#task")
             and "Stopped from the console" in text(browser, "#task"), timeout=10)
    screenshot(browser, "08-task-stopped")
    assert not browser.find_elements(By.CSS_SELECTOR, 'form[data-form="stop"]')


def test_a_script_in_a_task_definition_renders_inert(server, browser):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    ecs = server.boto3()
    ecs.register_task_definition(
        family="inert", containerDefinitions=[
            {"name": "app", "image": TEST_IMAGE, "memory": 32,
             "command": ["sh", "-c", "echo '<script>alert(1)</script>'"],
             "environment": [{"name": "DB_PASSWORD", "value": "hunter2"},
                             {"name": "BANNER", "value": "<img src=x onerror=alert(2)>"}]}],
        tags=[{"key": "note", "value": "<script>alert(3)</script>"}])
    sign_in(browser, server)
    browser.get(server.endpoint + "/console/task-definitions")
    assert browser.find_element(By.LINK_TEXT, "inert")
    screenshot(browser, "09-task-definitions")
    browser.get(server.endpoint + "/console/task-definitions/inert/1")
    try:
        browser.switch_to.alert
        pytest.fail("a script from the task definition ran")
    except NoAlertPresentException:
        pass
    command = browser.find_element(By.CSS_SELECTOR, "#containers code").text
    assert command == "sh -c echo '<script>alert(1)</script>'"
    # Only the console's own script is on the page; the definition's are text.
    assert len(browser.find_elements(By.TAG_NAME, "script")) == 1
    assert not browser.find_elements(By.CSS_SELECTOR, "#containers img")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "<script>alert(3)</script>" in page
    assert "hunter2" not in page and "DB_PASSWORD=••••" in page
    screenshot(browser, "10-task-definition")
    browser.find_element(By.LINK_TEXT, "Show secret values").click()
    assert "hunter2" in browser.find_element(By.TAG_NAME, "main").text


def test_posts_without_the_csrf_token_or_a_session_are_refused(server):
    ecs = server.boto3()
    ecs.create_cluster(clusterName="default")
    ecs.register_task_definition(family="csrf", containerDefinitions=[
        {"name": "app", "image": TEST_IMAGE, "memory": 32}])
    ecs.create_service(cluster="default", serviceName="web", taskDefinition="csrf", desiredCount=1)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = server.endpoint + "/console"

    def token(html):
        return re.search(r'name="csrfToken" value="([0-9a-f]+)"', html).group(1)

    def post(opener, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        try:
            with opener.open(base + path, data=data, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    with opener.open(base + "/sign-in", timeout=10) as response:
        form_token = token(response.read().decode())
    status, body = post(opener, "/sign-in", {"csrfToken": form_token, "accessKeyId": server.env["AWS_ACCESS_KEY_ID"],
                                             "secretAccessKey": server.env["AWS_SECRET_ACCESS_KEY"]})
    assert status == 200 and "Clusters" in body
    with opener.open(base + "/clusters/default/services/web", timeout=10) as response:
        session_token = token(response.read().decode())

    assert post(opener, "/clusters/default/services/web/scale", {"desiredCount": "5"})[0] == 403
    assert post(opener, "/clusters/default/services/web/scale",
                {"desiredCount": "5", "csrfToken": "0" * 64})[0] == 403
    anonymous = urllib.request.build_opener()
    assert post(anonymous, "/clusters/default/services/web/scale",
                {"desiredCount": "5", "csrfToken": session_token})[0] == 403
    assert describe(ecs, "default", "web")["desiredCount"] == 1
    # The same form with the token and the session goes through.
    status, _ = post(opener, "/clusters/default/services/web/scale", {"desiredCount": "2", "csrfToken": session_token})
    assert status == 200
    assert describe(ecs, "default", "web")["desiredCount"] == 2


def test_a_service_created_from_the_page_behind_a_load_balancer(make_server, make_agent, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from test_load_balancing import balancer, free_port, target_group, web_task
    server = make_server(extra_args=["--service-healthy-after", "1"])
    ecs, elb = server.boto3(), server.boto3("elbv2")
    cluster = unique("console-lb")
    ecs.create_cluster(clusterName=cluster)
    make_agent(server, cluster, ["--memory", "512"]).arn()
    web_task(ecs, "edges", "edges")
    edges_group = target_group(elb, unique("edges"), target_type="instance")
    port = free_port()
    lb, listener = balancer(elb, unique("site"), port, edges_group)
    elb.create_rule(ListenerArn=listener["ListenerArn"], Priority=2,
                    Conditions=[{"Field": "path-pattern", "Values": ["/"]}],
                    Actions=[{"Type": "forward", "TargetGroupArn": edges_group}])
    elb.create_rule(ListenerArn=listener["ListenerArn"], Priority=1,
                    Conditions=[{"Field": "path-pattern", "Values": ["/old*"]}],
                    Actions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "410"}}])

    sign_in(browser, server)
    browser.get(f"{server.endpoint}/console/clusters/{cluster}/services")
    form = browser.find_element(By.CSS_SELECTOR, 'form[data-form="create"]')
    for name, value in (("serviceName", "edges"), ("taskDefinition", "edges"), ("desiredCount", "2"),
                        ("targetGroupArn", edges_group), ("containerName", "web"), ("containerPort", "80")):
        field = form.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    Select(form.find_element(By.NAME, "placementStrategy")).select_by_value("spread:instanceId")
    screenshot(browser, "11-create-service")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for("the new service's page", lambda: text(browser, "h1") == "Service edges", timeout=10)
    wait_for("the service's targets healthy on its page", lambda: text(browser, "#target-health").count("healthy")
             >= 2, timeout=120, interval=0.3)
    created = describe(ecs, cluster, "edges")
    assert created["loadBalancers"][0]["targetGroupArn"] == edges_group
    assert created["placementStrategy"] == [{"type": "spread", "field": "instanceId"}]
    assert created["createdBy"].endswith(":user/admiral")

    browser.get(f"{server.endpoint}/console/load-balancers/{lb['LoadBalancerName']}")
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#listeners tbody tr')).map((row) => row.innerText);")
    assert [row.split()[0] for row in rows] == ["1", "2", "default"], rows
    assert "fixed response 410" in rows[0] and "path-pattern is /old*" in rows[0]
    # The targets turn healthy on the open page, pushed without a reload.
    browser.execute_script("window.consoleTestMarker = 'no reload';")
    wait_for("two healthy targets on the page", lambda: text(browser, "#targets").count("healthy") >= 2
             and "initial" not in text(browser, "#targets"), timeout=120, interval=0.3)
    assert browser.execute_script("return window.consoleTestMarker") == "no reload"
    screenshot(browser, "12-load-balancer")
