"""Participants of one cohort on the site, for locust (driven by tests/benchmarks/bench_load.py).

    .venv/bin/locust -f tests/benchmarks/locustfile.py ParticipantUser --headless \
        -H https://127.0.0.1:8443 -u 300 -r 30 -t 5m --users-file /tmp/load/users.json \
        --run-id r1 --results-file /tmp/load/mix-client.json

ParticipantUser: the realistic mix, weighted 60/25/5/5/5: a module or lesson page, a discussion
thread, a reply to a thread, a self check-in, the participant home /hoc-tap/; a think time of
--think-min to --think-max seconds between them (default 10-30: a person reads what they opened;
300 people then ask about 18 requests a second, 1-5 s would be 100). SpikeUser: one check-in
each, then waits (the class arriving at once: `-u 300 -r 30` spreads 300 over 10 seconds).

Each simulated user is one participant of users.json (tests/benchmarks/load_data.py), signed in
by its session cookie; no two share one. Forms are fetched first and posted back with their
CSRF token and a same-origin Referer, as a browser does. The check-in code is read from the
instructor's check-in board (its JSON, polled every 5 seconds as the classroom screen does).

A request fails when its status is not the expected one or the page does not show what it should
(the page's title, the posted reply, the check-in message). At the end, --results-file gets the
client's successes per kind, the marker of every reply the client saw succeed and who checked in,
for bench_load.py to reconcile with the database.
"""

from __future__ import annotations

import html
import itertools
import json
import logging
import random
import re
import ssl
import time
from collections import Counter
from pathlib import Path

import gevent
import urllib3
from gevent.event import Event
from locust import HttpUser, events, task
from locust.clients import HttpSession, LocustHttpAdapter
from locust.exception import StopUser

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # self-signed, loopback

TIMEOUT = 60  # seconds: a request slower than this is a failure, not a hang
BOARD_POLL_SECONDS = 5  # static/js/attendance.js refreshes the board this often

CHECKED_IN = "Đã điểm danh:"  # courses.services.attendance.check_in, a new record
ALREADY = ("Bạn đã điểm danh lúc", "Giảng viên đã ghi nhận bạn")  # an existing record

REPLIES = [
    "Sở chúng tôi đã thí điểm và thấy cần quy chế phối hợp rõ giữa các sở, ngành.",
    "Kinh nghiệm của tỉnh tôi: bắt đầu từ một luồng dữ liệu nhỏ, có kết quả rồi mới mở rộng.",
    "Đề nghị giảng viên chia sẻ thêm văn bản hướng dẫn của Bộ về nội dung này.",
    "Tôi đồng ý; khó nhất là nhân lực chuyên trách ở cấp huyện, xã sau sắp xếp.",
    "Tỉnh tôi đang làm theo hướng này, sẽ gửi báo cáo kết quả để lớp tham khảo.",
]

_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')


def hidden_inputs(page: str) -> dict[str, str]:
    """name -> value of the page's hidden inputs (the form's CSRF token, form_token...)."""
    found = {}
    for tag in _INPUT.findall(page):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            found.setdefault(attrs["name"], html.unescape(attrs.get("value", "")))
    return found


# --- Shared state of this locust process -------------------------------------------------------


class Run:
    data: dict = {}
    run_id = ""
    participants: itertools.count = itertools.count()
    successes: Counter = Counter()
    posted: list[str] = []
    checked_in: dict[str, list] = {"created": [], "already": []}
    check_in_times: list[float] = []
    hosts: list[str] = []
    spike_done = 0
    started = 0.0


class CheckInCode:
    """The code on the instructor's board, refreshed every 5 seconds by one greenlet."""

    code: str | None = None
    ready = Event()
    poller = None

    @classmethod
    def wait(cls, timeout: float = 30) -> str | None:
        cls.ready.wait(timeout)
        return cls.code


_UNVERIFIED = ssl.create_default_context()
_UNVERIFIED.check_hostname = False
_UNVERIFIED.verify_mode = ssl.CERT_NONE


class _UnverifiedAdapter(LocustHttpAdapter):
    """One TLS context for every connection. With `verify = False`, urllib3 builds a context
    and loads the system's CA store for each new connection: about 100 ms of client CPU, per
    request here since the server closes each connection, and the client shares the machine
    with the server it measures."""

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host, pool = super().build_connection_pool_key_attributes(request, verify, cert)
        pool["ssl_context"] = _UNVERIFIED
        return host, pool


def _insecure_loopback(session, *, get_retries: int = 0) -> None:
    """A self-signed certificate on loopback: no verification, and no proxy or CA bundle from
    the environment (requests lets REQUESTS_CA_BUNDLE override `verify = False`)."""
    session.verify = False
    session.trust_env = False
    retries = (
        urllib3.Retry(total=get_retries, allowed_methods={"GET"}, raise_on_status=False)
        if get_retries
        else 0  # requests' default: no retry
    )
    session.mount("https://", _UnverifiedAdapter(pool_manager=None, max_retries=retries))


def _poll_board(environment) -> None:
    data = Run.data
    board = HttpSession(base_url=Run.hosts[0], request_event=environment.events.request, user=None)
    # The board polls every 5 s and gunicorn closes a connection idle for 5 s: now and then the
    # server closes the kept-alive connection as the next poll goes out (seen as "status 0").
    # A browser sends such a GET again on a new connection; so does this poller, once.
    _insecure_loopback(board, get_retries=1)
    board.cookies.set(data["session_cookie_name"], data["instructor"]["session_key"])
    while True:
        with board.get(
            data["board_data_url"],
            name="check-in board (instructor)",
            timeout=TIMEOUT,
            catch_response=True,
        ) as response:
            try:
                state = response.json()
            except ValueError:
                state = {}
            if response.status_code != 200 or not state.get("code"):
                response.failure(
                    f"board: status {response.status_code}, open={state.get('open')}, "
                    f"in_time={state.get('in_time')}"
                )
            else:
                CheckInCode.code = state["code"]
                CheckInCode.ready.set()
        gevent.sleep(BOARD_POLL_SECONDS)


@events.init_command_line_parser.add_listener
def _options(parser) -> None:
    parser.add_argument("--users-file", default="", help="users.json of load_data.py")
    parser.add_argument("--run-id", default="", help="marks this run's replies")
    parser.add_argument("--results-file", default="", help="where to write the client's counts")
    parser.add_argument("--think-min", type=float, default=10.0)
    parser.add_argument("--think-max", type=float, default=30.0)
    parser.add_argument(
        "--hosts",
        default="",
        help="base URLs of the app processes, comma-separated: the users are spread over them "
        "in turn, as a load balancer would (default: --host)",
    )


@events.test_start.add_listener
def _start(environment, **_kwargs) -> None:
    options = environment.parsed_options
    if not options.users_file:
        raise SystemExit("--users-file is required (tests/benchmarks/load_data.py writes it).")
    Run.data = json.loads(Path(options.users_file).read_text(encoding="utf-8"))
    Run.run_id = options.run_id or time.strftime("%Y%m%d%H%M%S")
    Run.started = time.time()
    Run.hosts = [h.strip() for h in options.hosts.split(",") if h.strip()] or [environment.host]
    CheckInCode.poller = gevent.spawn(_poll_board, environment)


@events.test_stop.add_listener
def _stop(environment, **_kwargs) -> None:
    if CheckInCode.poller is not None:
        CheckInCode.poller.kill()
    options = environment.parsed_options
    if not options.results_file:
        return
    result = {
        "run_id": Run.run_id,
        "started": Run.started,
        "stopped": time.time(),
        "successes": dict(Run.successes),
        "posted": Run.posted,
        "checked_in_created": Run.checked_in["created"],
        "checked_in_already": Run.checked_in["already"],
        "check_in_times": [round(t - Run.started, 3) for t in sorted(Run.check_in_times)],
    }
    Path(options.results_file).write_text(json.dumps(result, indent=1), encoding="utf-8")


# --- The participants ------------------------------------------------------------------------


class _Participant(HttpUser):
    abstract = True

    def on_start(self) -> None:
        index = next(Run.participants)
        people = Run.data["participants"]
        if index >= len(people):
            logging.error("More users than the %s participants of users.json.", len(people))
            raise StopUser
        self.index = index + 1
        self.me = people[index]
        self.posts = 0
        self.host = Run.hosts[index % len(Run.hosts)]
        self.client.base_url = self.host
        _insecure_loopback(self.client)
        self.client.cookies.set(Run.data["session_cookie_name"], self.me["session_key"])

    def _url(self, path: str) -> str:
        return self.host.rstrip("/") + path

    def _page(self, path, name, *must_show, params=None) -> str | None:
        """GET a page; a success only with 200 and each of `must_show` in it. Returns its
        text."""
        with self.client.get(
            path, params=params, name=name, timeout=TIMEOUT, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return None
            missing = [text for text in must_show if text not in response.text]
            if missing:
                response.failure(f"page without {missing[0]!r}")
                return None
            Run.successes[name] += 1
            return response.text

    def _post(self, path, form_page, name, data) -> str | None:
        """POST a form fetched from form_page; expects the redirect after a success. Returns
        the redirect's target (path and query, without the fragment)."""
        with self.client.post(
            path,
            data=data,
            name=name,
            headers={"Referer": self._url(form_page)},
            allow_redirects=False,
            timeout=TIMEOUT,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location:
                response.failure(f"status {response.status_code}, not the redirect of a success")
                return None
            Run.successes[name] += 1
            return location.split("#", 1)[0]

    def check_in(self) -> None:
        code = CheckInCode.wait()
        if code is None:
            self.environment.events.request.fire(
                request_type="CHECK",
                name="check-in: code on the board",
                response_time=0,
                response_length=0,
                exception=RuntimeError("the board showed no code within 30 s"),
            )
            return
        url = Run.data["check_in_url"]
        page = self._page(url, "check-in: form", 'name="ma"', params={"ma": code})
        if page is None:
            return
        form = hidden_inputs(page)
        data = {"csrfmiddlewaretoken": form.get("csrfmiddlewaretoken", ""), "ma": code}
        if 'name="buoi"' in page:  # several sessions open: choose ours, as a person would
            data["buoi"] = str(Run.data["session"]["id"])
        target = self._post(url, f"{url}?ma={code}", "check-in: POST", data)
        if target is None:
            return
        name = "check-in: result page"
        with self.client.get(target, name=name, timeout=TIMEOUT, catch_response=True) as response:
            text = response.text if response.status_code == 200 else ""
            if CHECKED_IN in text:
                outcome = "created"
            elif any(message in text for message in ALREADY):
                outcome = "already"
            else:
                response.failure(f"status {response.status_code}, no check-in message")
                return
            Run.successes[name] += 1
            Run.successes[f"check-in {outcome}"] += 1
            Run.checked_in[outcome].append(self.me["id"])
            Run.check_in_times.append(time.time())


class ParticipantUser(_Participant):
    def on_start(self) -> None:
        super().on_start()
        # Met in the middle of their reading, not all clicking in the same second as they are
        # spawned (SpikeUser is the class arriving at once).
        gevent.sleep(random.uniform(0, self.environment.parsed_options.think_max))  # noqa: S311

    def wait_time(self) -> float:
        options = self.environment.parsed_options
        return random.uniform(options.think_min, options.think_max)  # noqa: S311

    @task(60)
    def read_module(self) -> None:
        page = random.choice(Run.data["pages"])  # noqa: S311
        # The member's view: the page's title and its "mark as studied" form (not the lock).
        self._page(page["url"], "module page", html.escape(page["title"]), 'class="study-mark')

    @task(25)
    def read_thread(self) -> None:
        thread = random.choice(Run.data["threads"])  # noqa: S311
        self._page(thread["url"], "thread page", html.escape(thread["title"]))

    @task(5)
    def post_reply(self) -> None:
        thread = random.choice(Run.data["threads"])  # noqa: S311
        page = self._page(thread["url"], "reply: form (thread page)", 'name="form_token"')
        if page is None:
            return
        self.posts += 1
        marker = f"tai-{Run.run_id}-{self.index}-{self.posts}"
        body = f"{random.choice(REPLIES)} ({self.me['name']}, ý kiến số {self.posts}; {marker})"  # noqa: S311
        form = hidden_inputs(page)
        target = self._post(
            thread["reply_url"],
            thread["url"],
            "reply: POST",
            {
                "csrfmiddlewaretoken": form.get("csrfmiddlewaretoken", ""),
                "form_token": form.get("form_token", ""),
                "parent": "",
                "body": body,
            },
        )
        if target is None:
            return
        Run.posted.append(marker)  # written, by the redirect of a success
        self._page(target, "reply: result page", marker)

    @task(5)
    def check_in_task(self) -> None:
        self.check_in()

    @task(5)
    def home(self) -> None:
        self._page(Run.data["home_url"], "home /hoc-tap/", html.escape(Run.data["cohort"]["name"]))


class SpikeUser(_Participant):
    """Checks in once, then waits (a user that stopped would be replaced by a new one); the
    last to check in ends the run."""

    done = False

    def wait_time(self) -> float:
        return 3600 if self.done else 0

    @task
    def arrive(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            self.check_in()
        finally:
            Run.spike_done += 1
            if Run.spike_done >= self.environment.parsed_options.num_users:
                gevent.spawn_later(1, self.environment.runner.quit)
