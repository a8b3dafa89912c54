"""Logs an operator can search, a request id a participant can quote, services that say what
they did (docs/operations/observability.md)."""

import io
import json
import logging
import logging.config

import pytest
from django.test import Client, RequestFactory
from django.urls import path

from lms import urls as site_urls
from lms.logging_config import RequestContextFilter, build_logging, request_id_var
from lms.views import server_error
from tests import factories

REQUEST_ID = "X-Request-ID"


# --- A URL configuration of this module: one view that fails -------------------------------


def fails(request):
    raise RuntimeError("secret detail: the database password is hunter2")


urlpatterns = [path("fails/", fails)]
# The site's own handler, as lms.urls declares it.
handler500 = site_urls.handler500


@pytest.fixture
def with_request_ids(settings):
    """The middleware where the settings list it: first."""
    assert settings.MIDDLEWARE[0] == "lms.middleware.RequestIdMiddleware"


@pytest.fixture
def configure_logging():
    """Applies a LOGGING dict for one test and puts the loggers it touches back afterwards;
    returns the root handler's output."""
    names = [None, "django", "django.security", "django_tasks", "django.tasks"]
    saved = [
        (logger, logger.level, logger.handlers[:], logger.propagate, logger.disabled)
        for logger in map(logging.getLogger, names)
    ]

    def apply(config) -> io.StringIO:
        logging.config.dictConfig(config)
        output = io.StringIO()
        logging.getLogger().handlers[0].setStream(output)
        return output

    yield apply
    for logger, level, handlers, propagate, disabled in saved:
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate = propagate
        logger.disabled = disabled


# --- Log format ------------------------------------------------------------------------------


def test_production_logs_are_one_json_object_per_line_with_the_request_id(configure_logging):
    output = configure_logging(build_logging(json=True, level="INFO"))
    token = request_id_var.set("3f2a9c4e5b6d7081")
    try:
        # Django's request logger attaches the request itself; it must not reach the line.
        logging.getLogger("courses.services.enrollment").info(
            "Enrollment %s approved.", 42, extra={"request": object(), "status_code": 200}
        )
    finally:
        request_id_var.reset(token)
    logging.getLogger("courses.tasks").info("Outside any request.")

    inside, outside = (json.loads(line) for line in output.getvalue().splitlines())
    assert inside["message"] == "Enrollment 42 approved."
    assert inside["level"] == "INFO"
    assert inside["logger"] == "courses.services.enrollment"
    assert inside["request_id"] == "3f2a9c4e5b6d7081"
    assert inside["status_code"] == 200
    assert inside["time"].endswith("+00:00")
    assert "request" not in inside
    assert outside["request_id"] is None


def test_development_logs_are_readable_text_with_the_request_id(configure_logging):
    output = configure_logging(build_logging(json=False, level="INFO"))
    token = request_id_var.set("3f2a9c4e5b6d7081")
    try:
        logging.getLogger("courses").info("Inside a request.")
    finally:
        request_id_var.reset(token)
    logging.getLogger("courses").info("Outside any request.")

    inside, outside = output.getvalue().splitlines()
    assert inside.endswith("INFO courses [3f2a9c4e5b6d7081 user=-] Inside a request.")
    assert outside.endswith("INFO courses [- user=-] Outside any request.")


def test_the_quiet_loggers_keep_their_levels():
    config = build_logging(json=True, level="debug")
    assert config["root"]["level"] == "DEBUG"
    assert config["loggers"]["django.security"]["level"] == "WARNING"
    assert config["loggers"]["django_tasks"]["level"] == "WARNING"
    assert config["loggers"]["django.tasks"]["level"] == "WARNING"


# --- Request id ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_response_carries_a_new_request_id(client, with_request_ids):
    first = client.get("/healthz").headers[REQUEST_ID]
    second = client.get("/healthz").headers[REQUEST_ID]
    assert len(first) == 32
    assert int(first, 16) >= 0
    assert first != second
    assert request_id_var.get() is None, "nothing is left behind for the next request"


@pytest.mark.django_db
def test_a_safe_incoming_request_id_is_kept(client, with_request_ids):
    # What nginx sends with `proxy_set_header X-Request-ID $request_id;`.
    response = client.get("/healthz", headers={REQUEST_ID: "0a1b2c3d-4e5f-6789-abcd-ef0123456789"})
    assert response.headers[REQUEST_ID] == "0a1b2c3d-4e5f-6789-abcd-ef0123456789"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "unsafe",
    ["abc123456\nforged log line", "a" * 200, "<script>alert(1)</script>", "short"],
    ids=["newline", "too-long", "markup", "too-short"],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, with_request_ids, unsafe):
    response = client.get("/healthz", headers={REQUEST_ID: unsafe})
    replaced = response.headers[REQUEST_ID]
    assert replaced != unsafe
    assert len(replaced) == 32


@pytest.mark.django_db
def test_a_slow_request_is_logged_with_its_path_but_not_its_query(
    client, with_request_ids, monkeypatch, caplog
):
    monkeypatch.setattr("lms.middleware.SLOW_REQUEST_SECONDS", 0)
    caplog.handler.addFilter(RequestContextFilter())
    with caplog.at_level(logging.WARNING, logger="lms.middleware"):
        response = client.get("/healthz?token=private")
    (record,) = [r for r in caplog.records if r.name == "lms.middleware"]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("Slow request: GET /healthz answered 200 in ")
    assert (record.method, record.path, record.status) == ("GET", "/healthz", 200)
    assert record.request_id == response.headers[REQUEST_ID]
    assert "private" not in record.getMessage()


@pytest.mark.django_db
def test_lines_of_a_signed_in_request_carry_the_persons_id(
    client, with_request_ids, monkeypatch, caplog, participant
):
    monkeypatch.setattr("lms.middleware.SLOW_REQUEST_SECONDS", 0)
    caplog.handler.addFilter(RequestContextFilter())
    client.force_login(participant)
    with caplog.at_level(logging.WARNING, logger="lms.middleware"):
        client.get("/")
    (record,) = [r for r in caplog.records if r.name == "lms.middleware"]
    assert record.user_id == participant.pk


# --- The error page ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_error_shows_a_reference_and_logs_it_with_the_traceback(with_request_ids, caplog):
    caplog.handler.addFilter(RequestContextFilter())
    browser = Client(raise_request_exception=False)

    response = browser.get("/fails/")

    assert response.status_code == 500
    reference = response.headers[REQUEST_ID]
    page = response.content.decode()
    assert f"Mã tham chiếu / Reference: <code>{reference}</code>" in page
    assert "Đã xảy ra lỗi hệ thống" in page
    assert "Traceback" not in page
    assert "hunter2" not in page
    (logged,) = [r for r in caplog.records if r.name == "django.request"]
    assert logged.levelno == logging.ERROR
    assert logged.exc_info is not None, "the traceback is in the log"
    assert logged.request_id == reference


@pytest.mark.django_db
def test_a_database_outage_answers_503_try_again_not_a_traceback(with_request_ids, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def unreachable(self, sql, params=None):
        raise OperationalError("connection to server at 10.0.0.5 failed")

    monkeypatch.setattr(CursorWrapper, "execute", unreachable)
    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.content.decode()
    assert "Hệ thống đang tạm gián đoạn" in page
    assert response.headers[REQUEST_ID] in page
    assert "OperationalError" not in page
    assert "10.0.0.5" not in page


@pytest.mark.django_db
def test_the_error_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.request_id = "0a1b2c3d4e5f6789"
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "0a1b2c3d4e5f6789" in response.content.decode()


def test_the_error_page_falls_back_to_plain_html_when_its_template_fails(caplog):
    request = RequestFactory().get("/")
    request.request_id = "0a1b2c3d4e5f6789"
    response = server_error(request, template_name="no-such-template.html")
    assert response.status_code == 500
    assert "Mã tham chiếu / Reference: 0a1b2c3d4e5f6789" in response.content.decode()
    assert "could not be rendered" in caplog.text


# --- Services say what they did ----------------------------------------------------------------


@pytest.mark.django_db
def test_approving_an_enrollment_logs_ids_and_no_personal_data(caplog):
    from courses.services import enrollment as service

    cohort = factories.cohort()
    applicant = factories.UserFactory(last_name="Trần Văn", first_name="Hòa")
    staff = factories.school_staff()
    applied = factories.enrollment(cohort, applicant, status="applied")

    with caplog.at_level(logging.INFO, logger="courses.services.enrollment"):
        service.approve(staff, applied)

    (line,) = [r.getMessage() for r in caplog.records if r.name == "courses.services.enrollment"]
    assert line == (
        f"Enrollment {applied.pk} in cohort {cohort.code} approved by user {staff.pk} (web)."
    )
    assert applicant.email not in line
    assert "Hòa" not in line
