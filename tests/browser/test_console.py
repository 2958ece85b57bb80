"""The web console in Chromium, as its users meet it: sign in from the keyboard, configure
SLACK, see the token only masked, change the channel without retyping the token, send a test
to a local Slack stand-in, read an alert's notification log, remove (confirmed), sign out, and
follow the Slack message's link back to the alert through sign-in; create and edit alert
configurations (HOST_DOWN to a webhook, a metric threshold to Slack) and see them through the
API; create and revoke an API key on the Access page; a form posted without its token is
refused; a read-only key sees no Save button and is refused if it posts anyway; every page fits
a phone. Each page is photographed under $SCREENSHOTS."""

import json
import os
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from requests.auth import HTTPDigestAuth
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["ATLAS_BASE_URL"]
GROUP = os.environ["ATLAS_GROUP"]
PUBLIC, PRIVATE = os.environ["ATLAS_PUBLIC_KEY"], os.environ["ATLAS_PRIVATE_KEY"]
DIGEST = HTTPDigestAuth(PUBLIC, PRIVATE)
V2 = f"{BASE}/api/atlas/v2/groups/{GROUP}"
SHOTS = os.environ["SCREENSHOTS"]
TOKEN = "xoxb-browser-test-token-5566778899-qrst"
RECEIVED = []


class SlackStandIn(BaseHTTPRequestHandler):
    """Answers chat.postMessage as Slack does, keeping what it was sent."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        RECEIVED.append({"path": self.path, "authorization": self.headers.get("Authorization"),
                         "body": json.loads(body or b"{}")})
        answer = json.dumps({"ok": True, "channel": "C1", "ts": "1.2"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module", autouse=True)
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ["RECEIVER_PORT"])), SlackStandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def browser(width=1280, height=1000):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    if width < 500:
        # Headless windows are at least 500 px wide: a phone's viewport is emulated instead.
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1}})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(2)
    return driver


@pytest.fixture
def driver():
    driver = browser()
    yield driver
    driver.quit()


def go(driver, element, *keys):
    """Clicks `element` (or types `keys` into it) and waits for the page it leads to."""
    page = driver.find_element(By.TAG_NAME, "html")
    if keys:
        element.send_keys(*keys)
    else:
        element.click()

    def left(_):
        try:
            page.is_enabled()
            return False
        except WebDriverException:
            # Stale, or (while the old document is torn down) a node of no document.
            return True

    WebDriverWait(driver, 10).until(left)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def shot(driver, name):
    driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def sign_in(driver, public, private):
    """Signs in from the keyboard alone: type, Tab, type, Enter."""
    driver.get(f"{BASE}/sign-in")
    field = driver.find_element(By.ID, "credential_id")
    field.click()
    field.send_keys(public)
    driver.switch_to.active_element.send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    assert active.get_attribute("id") == "credential_secret", "Tab goes from the id to the secret"
    go(driver, active, private, Keys.ENTER)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Projects"


def slack_now():
    """SLACK's settings as the API reads them (status and body), to show nothing changed."""
    answer = requests.get(f"{V2}/integrations/SLACK", auth=DIGEST, timeout=30)
    return answer.status_code, answer.text


def session_cookie(driver):
    return {c["name"]: c["value"] for c in driver.get_cookies()}


def slack_section(driver):
    return driver.find_element(By.ID, "SLACK")


def test_an_owner_configures_slack_tests_it_reads_an_alert_log_and_signs_out(driver, receiver):
    driver.get(f"{BASE}/sign-in")
    shot(driver, "01-sign-in")
    sign_in(driver, PUBLIC, PRIVATE)
    cookie = next(c for c in driver.get_cookies() if c["name"] == "atlas_console_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    shot(driver, "02-projects")

    go(driver, driver.find_element(By.LINK_TEXT, "Default Project"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Integrations"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    assert height < 2000, f"the summary is {height} px tall at 1280 px"
    shot(driver, "02b-integrations-summary")
    go(driver, driver.find_element(By.ID, "SLACK-open"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Slack"
    assert "apiToken" not in driver.find_element(By.CSS_SELECTOR, "label[for=SLACK-apiToken]").text
    section = slack_section(driver)
    section.find_element(By.ID, "SLACK-apiToken").send_keys(TOKEN)
    section.find_element(By.ID, "SLACK-channelName").send_keys("ops")
    go(driver, section.find_element(By.ID, "SLACK-save"))
    section = slack_section(driver)
    assert "Saved." in section.find_element(By.ID, "SLACK-notice").text
    stored = section.find_element(By.ID, "SLACK-apiToken-stored").text
    assert f"*{TOKEN[-4:]}" in stored and TOKEN not in driver.page_source
    assert section.find_element(By.ID, "SLACK-apiToken").get_attribute("value") == ""
    driver.execute_script("document.getElementById('SLACK').scrollIntoView()")
    shot(driver, "03-integrations-slack-saved")

    channel = section.find_element(By.ID, "SLACK-channelName")
    channel.clear()
    channel.send_keys("alerts")
    go(driver, section.find_element(By.ID, "SLACK-save"))
    stored = requests.get(f"{V2}/integrations/SLACK", auth=DIGEST, timeout=30).json()
    assert stored["channelName"] == "alerts" and stored["apiToken"].endswith(TOKEN[-4:])

    go(driver, slack_section(driver).find_element(By.ID, "SLACK-test"))
    notice = slack_section(driver).find_element(By.ID, "SLACK-notice").text
    assert "Test alert delivered" in notice and "200" in notice
    tests = [r for r in RECEIVED if r["path"] == "/api/chat.postMessage"]
    assert tests and tests[-1]["authorization"] == f"Bearer {TOKEN}", "the stored token, untouched, was used"
    assert tests[-1]["body"]["channel"] == "alerts"
    shot(driver, "04-integrations-slack-tested")

    config = {"eventTypeName": "HOST_DOWN", "enabled": True,
              "notifications": [{"typeName": "SLACK", "apiToken": TOKEN, "channelName": "alerts",
                                 "delayMin": 0, "intervalMin": 60}]}
    answer = requests.post(f"{V2}/alertConfigs", json=config, auth=DIGEST, timeout=30)
    assert answer.status_code == 200, answer.text
    observation = {"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0.example.net:27017"}
    alert = requests.post(f"{V2}/alerts", json=observation, auth=DIGEST, timeout=30).json()["results"][0]["id"]
    go(driver, driver.find_element(By.LINK_TEXT, "Alerts"))
    shot(driver, "05-alerts")
    go(driver, driver.find_element(By.ID, f"alert-{alert}"))
    for _ in range(50):
        if "DELIVERED" in driver.find_element(By.ID, "notification-log").text:
            break
        time.sleep(0.2)
        driver.refresh()
    assert "SLACK" in driver.find_element(By.ID, "notification-log").text
    assert "DELIVERED" in driver.find_element(By.ID, "notification-log").text
    shot(driver, "06-alert-notification-log")
    go(driver, driver.find_element(By.LINK_TEXT, "Alert configurations"))
    shot(driver, "07-alert-configurations")
    go(driver, driver.find_element(By.LINK_TEXT, "Events"))
    assert "INTEGRATION_CONFIGURED" in driver.page_source
    shot(driver, "08-events")

    go(driver, driver.find_element(By.LINK_TEXT, "Integrations"))
    go(driver, driver.find_element(By.ID, "WEBHOOK-open"))
    driver.find_element(By.ID, "WEBHOOK-bodyTemplate").send_keys('{"text": "${humanReadable} (${eventType})"}')
    go(driver, driver.find_element(By.ID, "WEBHOOK-preview"))
    result = driver.find_element(By.ID, "WEBHOOK-preview-result")
    assert "(alert.open)" in result.text
    driver.execute_script("arguments[0].scrollIntoView()", result)
    shot(driver, "08c-webhook-template-preview")
    go(driver, driver.find_element(By.ID, "all-integrations"))
    assert "Configured" in driver.find_element(By.ID, "SLACK-row").text
    assert "DELIVERED" in driver.find_element(By.ID, "SLACK-row").text, "the last notification's result"
    shot(driver, "08a-integrations-summary-configured")
    go(driver, driver.find_element(By.ID, "SLACK-open"))
    go(driver, slack_section(driver).find_element(By.ID, "SLACK-remove"))
    # Remove asks first: the confirmation page, and nothing removed yet.
    assert "Remove the SLACK integration" in driver.find_element(By.ID, "confirm-heading").text
    assert requests.get(f"{V2}/integrations/SLACK", auth=DIGEST, timeout=30).status_code == 200
    shot(driver, "08b-confirm-remove")
    go(driver, driver.find_element(By.ID, "confirm"))
    assert "Removed." in slack_section(driver).find_element(By.ID, "SLACK-notice").text
    assert requests.get(f"{V2}/integrations/SLACK", auth=DIGEST, timeout=30).status_code == 404

    go(driver, driver.find_element(By.ID, "sign-out"))
    assert "You are signed out." in driver.page_source
    driver.get(f"{BASE}/")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Sign in"

    # The Slack message's link, opened signed out: sign in, then the alert's page.
    sent = [r for r in RECEIVED if alert in json.dumps(r["body"])]
    assert sent, "the alert reached the Slack stand-in"
    link = re.search(r"<(http[^|>]+)\|Open the alert>", json.dumps(sent[0]["body"])).group(1)
    assert link == f"{BASE}/projects/{GROUP}/alerts/{alert}", link
    driver.get(link)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Sign in"
    field = driver.find_element(By.ID, "credential_id")
    field.send_keys(PUBLIC)
    go(driver, driver.find_element(By.ID, "credential_secret"), PRIVATE, Keys.ENTER)
    assert driver.current_url == link, driver.current_url
    assert "db-0.example.net:27017" in driver.page_source
    shot(driver, "06b-alert-from-slack-link")


API_NAME = re.compile(r"\b[a-z]+[A-Z]|[A-Z0-9]+_[A-Z0-9]")


def labels_in_words(driver):
    """No label, legend or option reads as an API name (apiToken, HOST_DOWN); brand names
    (PagerDuty) are words."""
    texts = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "label, legend, option, h1, h2")]
    named = [t for t in texts if API_NAME.search(t)]
    assert not named, f"API names on the page: {named}"


def choose_event(driver, event_type, notify):
    go(driver, driver.find_element(By.ID, "new-config"))
    shot(driver, "13-alert-config-event")
    Select(driver.find_element(By.ID, "event-type")).select_by_value(event_type)
    Select(driver.find_element(By.ID, "notify")).select_by_value(notify)
    go(driver, driver.find_element(By.ID, "choose-event"))
    labels_in_words(driver)


def api_configs():
    answer = requests.get(f"{V2}/alertConfigs", auth=DIGEST, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def test_an_owner_creates_and_edits_alert_configurations_and_the_api_shows_them(driver):
    before = {config["id"] for config in api_configs()}
    sign_in(driver, PUBLIC, PRIVATE)
    driver.get(f"{BASE}/projects/{GROUP}/alert-configs")

    # HOST_DOWN to a webhook, narrowed by a matcher.
    choose_event(driver, "HOST_DOWN", "WEBHOOK")
    hook = f"http://127.0.0.1:{os.environ['RECEIVER_PORT']}/hook/a1b2"
    driver.find_element(By.ID, "n0-webhookUrl").send_keys(hook)
    driver.find_element(By.ID, "n0-interval").send_keys("5")
    go(driver, driver.find_element(By.ID, "add-matcher"))
    Select(driver.find_element(By.ID, "m0-field")).select_by_value("HOSTNAME_AND_PORT")
    Select(driver.find_element(By.ID, "m0-operator")).select_by_value("STARTS_WITH")
    driver.find_element(By.ID, "m0-value").send_keys("db-")
    # The URL typed before the step is a secret: typed again after it.
    driver.find_element(By.ID, "n0-webhookUrl").send_keys(hook)
    shot(driver, "14-alert-config-host-down")
    go(driver, driver.find_element(By.ID, "save-config"))
    created = [c for c in api_configs() if c["id"] not in before]
    assert len(created) == 1, created
    host_down = created[0]
    assert host_down["eventTypeName"] == "HOST_DOWN" and host_down["enabled"] is True
    assert host_down["matchers"] == [{"fieldName": "HOSTNAME_AND_PORT", "operator": "STARTS_WITH", "value": "db-"}]
    assert host_down["notifications"][0]["typeName"] == "WEBHOOK"
    assert host_down["notifications"][0]["intervalMin"] == 5
    assert "Hostname and port starts with db-" in driver.find_element(By.ID, f"config-{host_down['id']}").text
    shot(driver, "15-alert-configs-created")

    go(driver, driver.find_element(By.ID, f"edit-{host_down['id']}"))
    assert hook not in driver.page_source, "the stored URL is never shown"
    interval = driver.find_element(By.ID, "n0-interval")
    interval.clear()
    interval.send_keys("15")
    go(driver, driver.find_element(By.ID, "save-config"))
    edited = next(c for c in api_configs() if c["id"] == host_down["id"])
    assert edited["notifications"][0]["intervalMin"] == 15
    assert edited["notifications"][0]["webhookUrl"] == host_down["notifications"][0]["webhookUrl"]

    # A metric threshold to Slack: refused by field first, then saved.
    choose_event(driver, "OUTSIDE_METRIC_THRESHOLD", "SLACK")
    Select(driver.find_element(By.ID, "metric-name")).select_by_value("CONNECTIONS")
    driver.find_element(By.ID, "metric-threshold").send_keys("lots")
    driver.find_element(By.ID, "n0-channelName").send_keys("ops")
    go(driver, driver.find_element(By.ID, "save-config"))
    assert "Threshold must be a number." in driver.find_element(By.ID, "metric-error").text
    driver.execute_script("document.getElementById('metric-error').scrollIntoView()")
    shot(driver, "16-alert-config-refused")
    threshold = driver.find_element(By.ID, "metric-threshold")
    threshold.clear()
    threshold.send_keys("100")
    driver.find_element(By.ID, "n0-apiToken").send_keys(TOKEN)
    go(driver, driver.find_element(By.ID, "save-config"))
    metric = next(c for c in api_configs() if c["eventTypeName"] == "OUTSIDE_METRIC_THRESHOLD")
    assert metric["metricThreshold"]["metricName"] == "CONNECTIONS"
    assert metric["metricThreshold"]["threshold"] == 100
    assert metric["notifications"][0]["channelName"] == "ops"
    assert metric["notifications"][0]["apiToken"].endswith(TOKEN[-4:])
    shot(driver, "17-alert-configs-list")

    # Delete asks first.
    go(driver, driver.find_element(By.ID, f"delete-{metric['id']}"))
    assert "Delete the" in driver.find_element(By.ID, "confirm-heading").text
    assert any(c["id"] == metric["id"] for c in api_configs()), "nothing deleted before it is confirmed"
    go(driver, driver.find_element(By.ID, "confirm"))
    assert all(c["id"] != metric["id"] for c in api_configs())


def test_the_access_page_creates_a_key_shown_once_and_revokes_it(driver):
    sign_in(driver, PUBLIC, PRIVATE)
    driver.get(f"{BASE}/projects/{GROUP}/access")
    assert PUBLIC in driver.find_element(By.TAG_NAME, "main").text
    labels_in_words(driver)
    shot(driver, "18-access")
    driver.find_element(By.ID, "new-key-description").send_keys("browser CI key")
    driver.find_element(By.ID, "new-key-role-GROUP_READ_ONLY").click()
    go(driver, driver.find_element(By.ID, "create-key"))
    public = driver.find_element(By.ID, "created-id").text
    private = driver.find_element(By.ID, "created-secret").text
    shot(driver, "19-access-key-created")
    integrations = f"{V2}/integrations"
    assert requests.get(integrations, auth=HTTPDigestAuth(public, private), timeout=30).status_code == 200
    go(driver, driver.find_element(By.ID, "back-to-access"))
    assert private not in driver.page_source, "the private key is shown once"
    card = driver.find_element(By.XPATH, f"//article[.//code[text()='{public}']]")
    go(driver, card.find_element(By.CSS_SELECTOR, "[id$=-revoke]"))
    assert "Revoke the access" in driver.find_element(By.ID, "confirm-heading").text
    assert requests.get(integrations, auth=HTTPDigestAuth(public, private), timeout=30).status_code == 200
    shot(driver, "20-access-confirm-revoke")
    go(driver, driver.find_element(By.ID, "confirm"))
    assert requests.get(integrations, auth=HTTPDigestAuth(public, private), timeout=30).status_code == 401
    assert public not in driver.find_element(By.TAG_NAME, "main").text


def test_a_form_posted_without_its_token_is_refused(driver):
    sign_in(driver, PUBLIC, PRIVATE)
    driver.get(f"{BASE}/projects/{GROUP}/integrations")
    cookies = session_cookie(driver)
    before = slack_now()
    answer = requests.post(f"{BASE}/projects/{GROUP}/integrations/SLACK", cookies=cookies,
                           data={"apiToken": TOKEN, "channelName": "forged"}, allow_redirects=False, timeout=30)
    assert answer.status_code == 403 and "security token" in answer.text
    assert slack_now() == before


def test_a_read_only_key_sees_no_save_button_and_is_refused_if_it_posts(driver):
    created = subprocess.run(
        [os.environ["ATLAS_BIN"], "api-key", "create", "--data-dir", os.environ["ATLAS_DATA_DIR"],
         "--project", GROUP, "--role", "GROUP_READ_ONLY", "--description", "browser read-only"],
        check=True, capture_output=True, text=True).stdout
    key = json.loads(created)
    sign_in(driver, key["publicKey"], key["privateKey"])
    driver.get(f"{BASE}/projects/{GROUP}/integrations/SLACK")
    assert "Read only" in driver.page_source
    assert driver.find_elements(By.ID, "SLACK-save") == []
    assert driver.find_elements(By.ID, "SLACK-remove") == []
    shot(driver, "09-integrations-read-only")
    csrf = driver.find_element(By.NAME, "csrf").get_attribute("value")
    before = slack_now()
    answer = requests.post(f"{BASE}/projects/{GROUP}/integrations/SLACK", cookies=session_cookie(driver),
                           data={"csrf": csrf, "apiToken": TOKEN, "channelName": "sneaky"},
                           allow_redirects=False, timeout=30)
    assert answer.status_code == 401, answer.text
    assert slack_now() == before


SIDEWAYS = """
const width = document.documentElement.clientWidth;
const wide = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 0.5)
  .filter(e => !(e.parentElement && e.parentElement.closest('.scroll')) || getComputedStyle(e).position === 'absolute')
  .map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
return [document.documentElement.scrollWidth - width, wide.slice(0, 8)];
"""


def assert_fits(phone, page):
    """The page scrolls up and down only: nothing but a table's own scroller is wider."""
    overflow, wide = phone.execute_script(SIDEWAYS)
    assert overflow <= 0, f"{page} is {overflow}px wider than the phone: {wide}"


def test_pages_fit_a_phone_screen():
    phone = browser(390, 844)
    try:
        sign_in(phone, PUBLIC, PRIVATE)
        phone.get(f"{BASE}/projects/{GROUP}/integrations")
        assert_fits(phone, "the integrations page")
        shot(phone, "10-integrations-phone")
        phone.get(f"{BASE}/projects/{GROUP}/integrations/DATADOG")
        assert_fits(phone, "an integration's page")
        shot(phone, "10b-integration-datadog-phone")
        for section in ["alerts", "alert-configs", "events", "integrations/WEBHOOK", "access",
                        "alert-configs/new", "alert-configs/new?eventTypeName=OUTSIDE_METRIC_THRESHOLD&notify=GROUP"]:
            phone.get(f"{BASE}/projects/{GROUP}/{section}")
            assert_fits(phone, f"the {section} page")
            shot(phone, f"12-{re.sub('[^A-Za-z]+', '-', section).strip('-')}-phone")
        config = api_configs()[0]["id"]
        for path, page in [("/", "projects"), (f"/projects/{GROUP}/alert-configs/{config}/edit", "alert-config-edit")]:
            phone.get(f"{BASE}{path}")
            assert_fits(phone, f"the {page} page")
            shot(phone, f"12-{page}-phone")
        # The alert the first test raised and delivered: its log with "Send again" on a phone.
        alert = requests.get(f"{V2}/alerts", auth=DIGEST, timeout=30).json()["results"][-1]["id"]
        phone.get(f"{BASE}/projects/{GROUP}/alerts/{alert}")
        assert_fits(phone, "the alert page")
        button = phone.find_element(By.CSS_SELECTOR, "[id^=redeliver-]")
        phone.execute_script("arguments[0].scrollIntoView()", button)
        assert button.is_displayed()
        shot(phone, "11-alert-phone")
    finally:
        phone.quit()
